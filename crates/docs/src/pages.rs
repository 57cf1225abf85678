//! Reading one page: pdf-extract first, lopdf 0.47 as the fallback, each
//! inside `catch_unwind` (pdf-extract and its CMap parser panic on some
//! damaged files). Runs only inside the worker process, where a hang or an
//! abort costs one page, not the application.

use crate::model::{PageText, TextSource};
use crate::normalize::nfkc;
use crate::quality::{assess, Quality};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// One way of getting a page's raw text.
type Attempt<'a> = &'a dyn Fn() -> Result<String, String>;

/// The two parses of one document (pdf-extract is built on lopdf 0.42, so it
/// needs its own). Either may be missing if that parser rejected the file.
pub struct Parsed {
    pub for_pdf_extract: Option<pdf_extract::Document>,
    pub for_lopdf: Option<lopdf::Document>,
    /// Decompression bound for lopdf's per-page content, in bytes.
    pub max_page_content: usize,
}

pub enum PageOutcome {
    Read(PageText),
    Failed(String),
}

pub fn read_page(parsed: &Parsed, number: u32) -> PageOutcome {
    let mut problems = Vec::new();
    let mut weak: Option<String> = None;
    let attempts: [(TextSource, Attempt); 2] = [
        (TextSource::PdfExtract, &|| with_pdf_extract(parsed, number)),
        (TextSource::Lopdf, &|| with_lopdf(parsed, number)),
    ];
    for (source, attempt) in attempts {
        match attempt() {
            Ok(raw) => {
                let text = nfkc(&raw);
                if assess(&text) == Quality::Usable {
                    return PageOutcome::Read(PageText {
                        number,
                        text,
                        source,
                        needs_ocr: false,
                    });
                }
                if weak
                    .as_ref()
                    .is_none_or(|w| w.trim().len() < text.trim().len())
                {
                    weak = Some(text);
                }
            }
            Err(problem) => problems.push(format!("{source:?}: {problem}")),
        }
    }
    match weak {
        // The page points at content that is not in the file (truncated or
        // damaged): that is a failure, not a scan.
        Some(_) if content_missing(parsed, number) => {
            problems.push("content or fonts missing from the file".to_string());
            PageOutcome::Failed(problems.join("; "))
        }
        // Both parsers ran but found no usable text layer: keep what there is
        // (e.g. a running header) and ask for OCR.
        Some(text) => PageOutcome::Read(PageText {
            number,
            text,
            source: TextSource::None,
            needs_ocr: true,
        }),
        None => PageOutcome::Failed(problems.join("; ")),
    }
}

/// True if the page's content or fonts are objects the file does not have
/// (a truncated or damaged file), as opposed to a page that has no text.
fn content_missing(parsed: &Parsed, number: u32) -> bool {
    let Some(doc) = parsed.for_lopdf.as_ref() else {
        return false;
    };
    guarded(|| {
        let Some(page_id) = doc.get_pages().get(&number).copied() else {
            return Ok(true);
        };
        let page = doc.get_dictionary(page_id).map_err(|e| e.to_string())?;
        let mut references = Vec::new();
        match page.get(b"Contents") {
            Ok(lopdf::Object::Reference(id)) => references.push(*id),
            Ok(lopdf::Object::Array(items)) => {
                references.extend(items.iter().filter_map(|o| o.as_reference().ok()))
            }
            _ => {}
        }
        let fonts = page
            .get(b"Resources")
            .and_then(|r| doc.dereference(r))
            .and_then(|(_, r)| r.as_dict())
            .and_then(|r| r.get(b"Font"))
            .and_then(|f| doc.dereference(f))
            .and_then(|(_, f)| f.as_dict());
        match fonts {
            Ok(fonts) => references.extend(fonts.iter().filter_map(|(_, f)| f.as_reference().ok())),
            Err(lopdf::Error::ObjectNotFound(_)) => return Ok(true),
            Err(_) => {}
        }
        Ok(references.iter().any(|id| doc.get_object(*id).is_err()))
    })
    .unwrap_or(true)
}

fn with_pdf_extract(parsed: &Parsed, number: u32) -> Result<String, String> {
    let doc = parsed
        .for_pdf_extract
        .as_ref()
        .ok_or("not parsed by lopdf 0.42")?;
    guarded(|| {
        let mut text = String::new();
        let mut output = pdf_extract::PlainTextOutput::new(&mut text);
        pdf_extract::output_doc_page(doc, &mut output, number).map_err(|e| e.to_string())?;
        Ok(text)
    })
}

fn with_lopdf(parsed: &Parsed, number: u32) -> Result<String, String> {
    let doc = parsed
        .for_lopdf
        .as_ref()
        .ok_or("not parsed by lopdf 0.47")?;
    guarded(|| {
        doc.extract_text_with_limit(&[number], parsed.max_page_content)
            .map_err(|e| e.to_string())
    })
}

/// Runs `f`, turning a panic into an error carrying the panic message.
pub fn guarded<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result,
        Err(payload) => Err(format!("panic: {}", panic_message(payload.as_ref()))),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let text = if let Some(s) = payload.downcast_ref::<&str>() {
        s.to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown".to_string()
    };
    text.chars().take(300).collect()
}
