//! Worker mode: the application re-executes itself with [`WORKER_FLAG`], reads
//! the PDF bytes on stdin and streams [`Message`]s as JSON lines. Whatever
//! goes wrong in here (panic, abort, endless loop, memory blow-up) ends this
//! process only; the parent ([`crate::Extractor`]) turns it into a per-page or
//! per-document error.

use crate::info;
use crate::pages::{guarded, read_page, PageOutcome, Parsed};
use crate::protocol::Message;
use std::ffi::OsStr;
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::os::fd::FromRawFd;

/// First argument that puts a binary into worker mode.
pub const WORKER_FLAG: &str = "--pingshen-pdf-worker";

/// Call first thing in `main` of every binary that extracts PDFs (the CLI, the
/// desktop). Returns at once unless the process was started as a worker; in
/// worker mode it does the work and exits the process.
pub fn run_if_requested() {
    let mut args = std::env::args_os().skip(1);
    if args.next().as_deref() != Some(OsStr::new(WORKER_FLAG)) {
        return;
    }
    let options = WorkerOptions::parse(args.map(|a| a.to_string_lossy().into_owned()));
    let code = match options {
        Ok(options) => run(&options),
        Err(message) => {
            eprintln!("pdf worker: {message}");
            2
        }
    };
    std::process::exit(code);
}

/// Options passed on the worker's command line by the parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerOptions {
    /// Resume at this page (after a crash or timeout on an earlier one).
    pub from_page: u32,
    /// Decompression bound per page content, in bytes.
    pub max_page_content: usize,
    /// Largest input accepted, in bytes.
    pub max_input: usize,
}

impl WorkerOptions {
    pub fn to_args(&self) -> Vec<String> {
        vec![
            WORKER_FLAG.to_string(),
            format!("--from-page={}", self.from_page),
            format!("--max-page-content={}", self.max_page_content),
            format!("--max-input={}", self.max_input),
        ]
    }

    fn parse(args: impl Iterator<Item = String>) -> Result<Self, String> {
        let mut options = WorkerOptions {
            from_page: 1,
            max_page_content: 64 << 20,
            max_input: 512 << 20,
        };
        for arg in args {
            let (key, value) = arg
                .split_once('=')
                .ok_or_else(|| format!("bad argument {arg}"))?;
            let number = || {
                value
                    .parse::<u64>()
                    .map_err(|_| format!("bad number in {arg}"))
            };
            match key {
                "--from-page" => options.from_page = number()? as u32,
                "--max-page-content" => options.max_page_content = number()? as usize,
                "--max-input" => options.max_input = number()? as usize,
                _ => return Err(format!("unknown argument {key}")),
            }
        }
        Ok(options)
    }
}

/// The protocol stream: the original stdout. Libraries that print would
/// corrupt it, so fd 1 is pointed at stderr once the stream is taken.
fn take_protocol_stream() -> std::io::Result<File> {
    // SAFETY: plain fd syscalls on fds this process owns; the dup'ed fd is
    // owned by the returned File and by nothing else.
    unsafe {
        let fd = libc::dup(1);
        if fd < 0 || libc::dup2(2, 1) < 0 {
            return Err(std::io::Error::last_os_error());
        }
        Ok(File::from_raw_fd(fd))
    }
}

fn run(options: &WorkerOptions) -> i32 {
    let stream = match take_protocol_stream() {
        Ok(stream) => stream,
        Err(e) => {
            eprintln!("pdf worker: {e}");
            return 2;
        }
    };
    // Panics are caught per page and reported as data; the default hook would
    // only add noise (and possibly fragments of content) on stderr.
    std::panic::set_hook(Box::new(|_| {}));
    let mut out = BufWriter::new(stream);
    let mut send = |message: &Message| -> bool {
        serde_json::to_writer(&mut out, message).is_ok()
            && out.write_all(b"\n").is_ok()
            && out.flush().is_ok()
    };
    let mut bytes = Vec::new();
    let limit = options.max_input as u64 + 1;
    if let Err(e) = std::io::stdin().take(limit).read_to_end(&mut bytes) {
        send(&fatal("worker_protocol", &format!("reading stdin: {e}")));
        return 0;
    }
    for message in extract_messages(&bytes, options) {
        if !send(&message) {
            return 3; // parent went away
        }
    }
    0
}

fn fatal(code: &str, detail: &str) -> Message {
    Message::Fatal {
        code: code.to_string(),
        detail: detail.to_string(),
    }
}

/// True if the bytes look like a PDF: `%PDF-` within the first KiB (some
/// producers put junk before the header, and readers accept that).
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// The worker's work, as a lazy sequence of messages (pages are read one at a
/// time as the sequence is consumed, so progress reaches the parent at once).
fn extract_messages<'a>(
    bytes: &'a [u8],
    options: &'a WorkerOptions,
) -> Box<dyn Iterator<Item = Message> + 'a> {
    if bytes.len() > options.max_input {
        return Box::new(std::iter::once(fatal("too_large", "input over limit")));
    }
    if !looks_like_pdf(bytes) {
        return Box::new(std::iter::once(fatal("not_pdf", "no %PDF- header")));
    }
    let load_options = lopdf::LoadOptions {
        max_decompressed_size: Some(options.max_page_content),
        ..Default::default()
    };
    let modern = guarded(|| {
        lopdf::Document::load_mem_with_options(bytes, load_options).map_err(|e| e.to_string())
    });
    let mut warnings = Vec::new();
    if let Err(e) = &modern {
        if is_encryption_problem(e) {
            return Box::new(std::iter::once(fatal("encrypted", e)));
        }
        warnings.push(format!("lopdf 0.47 could not parse the file: {e}"));
    }
    // pdf-extract's own parse is made only when a page falls back to it,
    // or now when lopdf 0.47 could not read the file at all.
    let legacy = modern
        .is_err()
        .then(|| guarded(|| pdf_extract::Document::load_mem(bytes).map_err(|e| e.to_string())));
    if let Some(Err(e)) = &legacy {
        warnings.push(format!("pdf-extract could not parse the file: {e}"));
    }
    if modern.as_ref().is_ok_and(|d| d.is_encrypted()) {
        return Box::new(std::iter::once(fatal("encrypted", "document is encrypted")));
    }
    let parsed = Parsed::new(bytes, modern.ok(), legacy, options.max_page_content);
    let page_numbers = parsed.page_numbers();
    if parsed.for_lopdf.is_none() && page_numbers.is_empty() {
        return Box::new(std::iter::once(fatal("damaged", &warnings.join("; "))));
    }
    if page_numbers.is_empty() {
        return Box::new(std::iter::once(fatal("damaged", "no pages found")));
    }
    let page_count = page_numbers.len() as u32;
    let metadata = match &parsed.for_lopdf {
        Some(doc) => guarded(|| Ok(info::metadata(doc, page_count))).unwrap_or_else(|e| {
            warnings.push(format!("metadata unreadable: {e}"));
            Default::default()
        }),
        None => Default::default(),
    };
    let metadata = crate::model::Metadata {
        page_count,
        ..metadata
    };
    let head = Message::Document {
        metadata: Box::new(metadata),
        page_count,
        warnings,
    };
    let from = options.from_page;
    let parsed = std::rc::Rc::new(parsed);
    let for_outline = parsed.clone();
    let pages = page_numbers
        .into_iter()
        .filter(move |&n| n >= from)
        .flat_map(move |number| {
            let parsed = parsed.clone();
            // PageStart must reach the parent before the page is read.
            std::iter::once(Message::PageStart { number }).chain(std::iter::once_with(move || {
                match read_page(&parsed, number) {
                    PageOutcome::Read(page) => Message::Page { page },
                    PageOutcome::Failed(detail) => Message::PageFailed { number, detail },
                }
            }))
        });
    // The outline comes last: a cyclic outline that hangs or crashes the
    // worker then costs the outline, not the pages.
    let outline = std::iter::once_with(move || match &for_outline.for_lopdf {
        Some(doc) => match guarded(|| info::outline(doc)) {
            Ok(outline) => Message::Outline {
                outline,
                warning: None,
            },
            Err(e) => Message::Outline {
                outline: Vec::new(),
                warning: Some(e),
            },
        },
        None => Message::Outline {
            outline: Vec::new(),
            warning: None,
        },
    });
    Box::new(
        std::iter::once(head)
            .chain(pages)
            .chain(outline)
            .chain(std::iter::once(Message::Done)),
    )
}

fn is_encryption_problem(error: &str) -> bool {
    let lower = error.to_lowercase();
    ["decrypt", "encrypt", "password"]
        .iter()
        .any(|w| lower.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_round_trip_through_argv() {
        let options = WorkerOptions {
            from_page: 7,
            max_page_content: 1000,
            max_input: 5000,
        };
        let args = options.to_args();
        assert_eq!(args[0], WORKER_FLAG);
        assert_eq!(WorkerOptions::parse(args.into_iter().skip(1)), Ok(options));
        assert!(WorkerOptions::parse(["--bogus=1".to_string()].into_iter()).is_err());
    }

    #[test]
    fn header_detection() {
        assert!(looks_like_pdf(b"%PDF-1.7\n"));
        assert!(looks_like_pdf(b"junk\n%PDF-1.4"));
        assert!(!looks_like_pdf(b"PK\x03\x04 zip"));
        assert!(!looks_like_pdf(b""));
    }
}
