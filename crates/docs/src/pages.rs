//! Reading one page: our own content-stream reader first ([`crate::text`],
//! fonts parsed once per document), then pdf-extract and lopdf 0.47's own
//! extraction as fallbacks when its reading is not clean (codes it could not
//! map, or mapped only through a stand-in encoding) or not usable. Each runs
//! inside `catch_unwind` (pdf-extract and its CMap parser panic on some
//! damaged files) and only inside the worker process, where a hang or an
//! abort costs one page, not the application.

use crate::model::{PageText, TextSource};
use crate::normalize::nfkc;
use crate::quality::{assess, meaningful, Quality};
use crate::text;
use std::cell::{OnceCell, RefCell};
use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};

/// One way of getting a page's raw text.
type Attempt<'a> = &'a dyn Fn() -> Result<String, String>;

/// The parses of one document. lopdf 0.47's is made at once; pdf-extract's
/// (it is built on lopdf 0.42, so it needs its own) only when a page falls
/// back to it.
pub struct Parsed<'a> {
    bytes: &'a [u8],
    pub for_lopdf: Option<lopdf::Document>,
    for_pdf_extract: OnceCell<Result<pdf_extract::Document, String>>,
    /// Page number → page object, from lopdf 0.47's page tree.
    page_ids: BTreeMap<u32, lopdf::ObjectId>,
    text_cache: RefCell<text::Cache>,
    /// Decompression bound for per-page content, fonts and CMaps, in bytes.
    pub max_page_content: usize,
}

impl<'a> Parsed<'a> {
    pub fn new(
        bytes: &'a [u8],
        for_lopdf: Option<lopdf::Document>,
        for_pdf_extract: Option<Result<pdf_extract::Document, String>>,
        max_page_content: usize,
    ) -> Self {
        let page_ids = for_lopdf
            .as_ref()
            .map(|doc| doc.get_pages())
            .unwrap_or_default();
        let cell = OnceCell::new();
        if let Some(parsed) = for_pdf_extract {
            let _ = cell.set(parsed);
        }
        Parsed {
            bytes,
            for_lopdf,
            for_pdf_extract: cell,
            page_ids,
            text_cache: RefCell::new(text::Cache::default()),
            max_page_content,
        }
    }

    /// pdf-extract's parse, made on first use.
    pub fn pdf_extract(&self) -> Result<&pdf_extract::Document, String> {
        self.for_pdf_extract
            .get_or_init(|| {
                guarded(|| pdf_extract::Document::load_mem(self.bytes).map_err(|e| e.to_string()))
            })
            .as_ref()
            .map_err(|e| format!("could not parse the file: {e}"))
    }

    /// Page numbers, from whichever parse has them.
    pub fn page_numbers(&self) -> Vec<u32> {
        if self.for_lopdf.is_some() {
            return self.page_ids.keys().copied().collect();
        }
        match self.pdf_extract() {
            Ok(doc) => doc.get_pages().keys().copied().collect(),
            Err(_) => Vec::new(),
        }
    }
}

pub enum PageOutcome {
    Read(PageText),
    Failed(String),
}

/// A usable reading, kept in case nothing better comes.
struct Candidate {
    source: TextSource,
    text: String,
    /// Read through a stand-in encoding: letters, but maybe the wrong ones;
    /// any other usable reading beats it.
    guessed: bool,
    /// Preferred on equal merit (ours when its only fault is unmapped codes,
    /// which the fallbacks cannot map either).
    preferred: bool,
}

pub fn read_page(parsed: &Parsed, number: u32) -> PageOutcome {
    let mut problems = Vec::new();
    let mut weak: Option<String> = None;
    let mut usable: Vec<Candidate> = Vec::new();
    let keep_weak = |text: String, weak: &mut Option<String>| {
        if weak
            .as_ref()
            .is_none_or(|w| w.trim().len() < text.trim().len())
        {
            *weak = Some(text);
        }
    };
    match with_content_stream(parsed, number) {
        Ok(reading) => {
            let text = nfkc(&reading.text);
            let quality = assess(&text);
            if quality == Quality::Usable && reading.clean() {
                return read(number, text, TextSource::ContentStream);
            }
            if quality == Quality::Usable {
                usable.push(Candidate {
                    source: TextSource::ContentStream,
                    text,
                    guessed: reading.guessed > 0,
                    preferred: reading.guessed == 0,
                });
            } else {
                keep_weak(text, &mut weak);
            }
        }
        Err(problem) => problems.push(format!("content stream: {problem}")),
    }
    let attempts: [(TextSource, Attempt); 2] = [
        (TextSource::PdfExtract, &|| with_pdf_extract(parsed, number)),
        (TextSource::Lopdf, &|| with_lopdf(parsed, number)),
    ];
    for (source, attempt) in attempts {
        match attempt() {
            Ok(raw) => {
                let text = nfkc(&raw);
                if assess(&text) == Quality::Usable {
                    usable.push(Candidate {
                        source,
                        text,
                        guessed: false,
                        preferred: false,
                    });
                    // The first fallback that reads the page ends the search.
                    break;
                }
                keep_weak(text, &mut weak);
            }
            Err(problem) => problems.push(format!("{source:?}: {problem}")),
        }
    }
    // A reading not through a stand-in encoding, then the one with the most
    // letters and digits; on a tie the preferred one, else the fallback.
    if let Some(best) = usable.into_iter().max_by_key(|c| {
        (
            !c.guessed,
            meaningful(&c.text),
            c.preferred,
            c.source != TextSource::ContentStream,
        )
    }) {
        return read(number, best.text, best.source);
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

fn read(number: u32, text: String, source: TextSource) -> PageOutcome {
    PageOutcome::Read(PageText {
        number,
        text,
        source,
        needs_ocr: false,
    })
}

fn with_content_stream(parsed: &Parsed, number: u32) -> Result<text::PageReading, String> {
    let doc = parsed
        .for_lopdf
        .as_ref()
        .ok_or("not parsed by lopdf 0.47")?;
    let id = *parsed.page_ids.get(&number).ok_or("no such page")?;
    let mut cache = parsed
        .text_cache
        .try_borrow_mut()
        .map_err(|_| "text cache in use")?;
    guarded(|| text::page_text(doc, id, &mut cache, parsed.max_page_content))
}

fn with_pdf_extract(parsed: &Parsed, number: u32) -> Result<String, String> {
    let doc = parsed.pdf_extract()?;
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
