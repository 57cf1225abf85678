//! A malformed-PDF corpus, built in memory: a tiny PDF writer (so structures
//! can be broken on purpose) plus damaged copies of a demo PDF.

use std::io::Write;

/// Objects are numbered from 1 in the order given; `root` and `info` are
/// object numbers. Returns a PDF with a correct xref table.
pub fn write_pdf(objects: &[Vec<u8>], root: usize, info: Option<usize>) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").unwrap();
    }
    let info = info.map(|n| format!(" /Info {n} 0 R")).unwrap_or_default();
    write!(
        out,
        "trailer\n<< /Size {} /Root {root} 0 R{info} >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

pub fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< /Length {} {extra} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

pub fn sentence(page: u32) -> String {
    format!("This is page {page} of the malformed corpus, with enough words to count as text.")
}

pub fn text_content(page: u32) -> Vec<u8> {
    format!("BT /F1 12 Tf 72 720 Td ({}) Tj ET", sentence(page)).into_bytes()
}

/// A page as the corpus writer lays it out.
pub struct PageSpec {
    /// The content stream object (complete, e.g. from `stream`).
    pub content: Vec<u8>,
    /// Extra resource entries, e.g. `/XObject << /X1 9 0 R >>`.
    pub resources: String,
    /// Extra objects this page needs; they get numbers after the standard
    /// ones, in order, and `{obj0}`, `{obj1}`… in `resources` and in later
    /// extra objects are replaced by those numbers.
    pub extra: Vec<Vec<u8>>,
}

impl PageSpec {
    pub fn text(page: u32) -> Self {
        PageSpec {
            content: stream("", &text_content(page)),
            resources: String::new(),
            extra: vec![],
        }
    }
}

/// A document: 1 catalog, 2 page tree, 3 font, 4 info, then per page its
/// page object and content stream, then the pages' extra objects.
pub fn document(pages: Vec<PageSpec>, catalog_extra: &str) -> Vec<u8> {
    let n = pages.len();
    let first_page = 5;
    let mut extra_base = first_page + 2 * n;
    let kids: Vec<String> = (0..n)
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    let mut objects = vec![
        format!("<< /Type /Catalog /Pages 2 0 R {catalog_extra} >>").into_bytes(),
        format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec(),
        b"<< /Title (Malformed corpus) /Author (pingshen tests) /CreationDate (D:20261127120000+08'00') >>"
            .to_vec(),
    ];
    let mut extras = Vec::new();
    for (i, page) in pages.into_iter().enumerate() {
        let numbers: Vec<usize> = (0..page.extra.len()).map(|k| extra_base + k).collect();
        let fill = |text: &str| {
            numbers
                .iter()
                .enumerate()
                .fold(text.to_string(), |t, (k, num)| {
                    t.replace(&format!("{{obj{k}}}"), &num.to_string())
                })
        };
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {} 0 R \
                 /Resources << /Font << /F1 3 0 R >> {} >> >>",
                first_page + 2 * i + 1,
                fill(&page.resources)
            )
            .into_bytes(),
        );
        objects.push(page.content);
        for body in page.extra {
            // Only the dictionary before the stream data may hold placeholders;
            // the data is binary and must pass through untouched.
            let split = body
                .windows(7)
                .position(|w| w == b"stream\n")
                .map_or(body.len(), |i| i + 7);
            let mut object = fill(&String::from_utf8_lossy(&body[..split])).into_bytes();
            object.extend_from_slice(&body[split..]);
            extras.push(object);
        }
        extra_base += numbers.len();
    }
    objects.extend(extras);
    write_pdf(&objects, 1, Some(4))
}

pub fn plain(pages: u32) -> Vec<u8> {
    document((1..=pages).map(PageSpec::text).collect(), "")
}

/// zlib-compress, `rounds` times.
pub fn deflate(data: &[u8], rounds: usize) -> Vec<u8> {
    let mut data = data.to_vec();
    for _ in 0..rounds {
        let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&data).unwrap();
        data = encoder.finish().unwrap();
    }
    data
}

/// A stream that inflates to `size` bytes of zeros, compressed twice.
pub fn bomb_stream(size: usize) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let block = vec![0u8; 1 << 20];
    for _ in 0..size / block.len() {
        encoder.write_all(&block).unwrap();
    }
    let once = encoder.finish().unwrap();
    deflate(&once, 1)
}

pub fn replace_once(haystack: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let at = haystack
        .windows(needle.len())
        .rposition(|w| w == needle)
        .expect("needle present");
    [&haystack[..at], with, &haystack[at + needle.len()..]].concat()
}
