//! A long bid document for poor-link tests and benches: N pages, each with
//! a heading, a few lines of text and a scanned-looking image (noise, so
//! neither compression nor caching flatters a measurement), laid out as
//! bid PDFs usually are: objects in page order, the cross-reference table
//! at the end (not linearised, so a reader must fetch the end first).

use std::fmt::Write as _;

/// Image size per page: 240 × 140 RGB, 100 800 bytes.
const IMAGE_W: usize = 240;
const IMAGE_H: usize = 140;

/// Where the page dictionaries lie in the file. It decides what pdf.js
/// must read before it shows any page: when opening, pdf.js fetches every
/// kid of the top /Pages node (and walks to the last page to check the
/// count), so a flat page tree costs one read per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageLayout {
    /// All page dictionaries together after the catalog, content and images
    /// after them (producers writing the page tree first, or in object
    /// streams).
    TreeFirst,
    /// Each page dictionary just before its content and image, 100 KB
    /// apart, under one flat /Kids array (a common word-processor export).
    Interleaved,
}

/// The bytes of a `pages`-page PDF (about 100 KB a page) laid out as
/// `layout` says. The same `seed` gives the same bytes.
pub fn long_bid(pages: usize, seed: u64) -> Vec<u8> {
    long_bid_with(pages, seed, PageLayout::TreeFirst)
}

/// [`long_bid`] with the page dictionaries where `layout` puts them.
pub fn long_bid_with(pages: usize, seed: u64, layout: PageLayout) -> Vec<u8> {
    let mut out: Vec<u8> = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let objects = 3 + 3 * pages;
    let mut offsets = vec![0usize; objects + 1];
    let mut put = |out: &mut Vec<u8>, id: usize, body: &[u8]| {
        offsets[id] = out.len();
        out.extend_from_slice(format!("{id} 0 obj\n").as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    };
    put(&mut out, 1, b"<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = (0..pages).fold(String::new(), |mut s, i| {
        let _ = write!(s, "{} 0 R ", 4 + 3 * i);
        s
    });
    put(
        &mut out,
        2,
        format!("<< /Type /Pages /Kids [{kids}] /Count {pages} >>").as_bytes(),
    );
    put(
        &mut out,
        3,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    );
    let page_dict = |i: usize| {
        let (contents, image) = (5 + 3 * i, 6 + 3 * i);
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
             /Resources << /Font << /F1 3 0 R >> /XObject << /Im1 {image} 0 R >> >> \
             /Contents {contents} 0 R >>"
        )
    };
    if layout == PageLayout::TreeFirst {
        for i in 0..pages {
            put(&mut out, 4 + 3 * i, page_dict(i).as_bytes());
        }
    }
    let mut state = seed | 1;
    for i in 0..pages {
        let (page, contents, image) = (4 + 3 * i, 5 + 3 * i, 6 + 3 * i);
        if layout == PageLayout::Interleaved {
            put(&mut out, page, page_dict(i).as_bytes());
        }
        let text = format!(
            "BT /F1 20 Tf 72 770 Td (Bid document - section {n} of {pages}) Tj ET\n\
             BT /F1 11 Tf 72 740 Td (Construction schedule, quality assurance and staffing, page {n}.) Tj ET\n\
             BT /F1 11 Tf 72 724 Td (Scanned attachment below: certificates and site photographs.) Tj ET\n\
             q 480 280 0 0 57 400 cm /Im1 Do Q\n",
            n = i + 1
        );
        let mut body = format!("<< /Length {} >>\nstream\n", text.len()).into_bytes();
        body.extend_from_slice(text.as_bytes());
        body.extend_from_slice(b"\nendstream");
        put(&mut out, contents, &body);
        let mut pixels = vec![0u8; IMAGE_W * IMAGE_H * 3];
        for px in pixels.chunks_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            px.copy_from_slice(&state.to_le_bytes()[..px.len()]);
        }
        let mut body = format!(
            "<< /Type /XObject /Subtype /Image /Width {IMAGE_W} /Height {IMAGE_H} \
             /ColorSpace /DeviceRGB /BitsPerComponent 8 /Length {} >>\nstream\n",
            pixels.len()
        )
        .into_bytes();
        body.extend_from_slice(&pixels);
        body.extend_from_slice(b"\nendstream");
        put(&mut out, image, &body);
    }
    let xref = out.len();
    let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", objects + 1);
    for offset in &offsets[1..] {
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects + 1
    );
    out.extend_from_slice(table.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cross_reference_table_points_at_every_object() {
        for layout in [PageLayout::TreeFirst, PageLayout::Interleaved] {
            check_xref(&long_bid_with(5, 7, layout));
        }
        assert_eq!(long_bid(5, 7), long_bid(5, 7), "same seed, same bytes");
    }

    fn check_xref(pdf: &[u8]) {
        let pdf = pdf.to_vec();
        let text = String::from_utf8_lossy(&pdf);
        let xref: usize = text
            .rsplit_once("startxref\n")
            .and_then(|(_, rest)| rest.lines().next())
            .and_then(|l| l.parse().ok())
            .unwrap();
        assert!(pdf[xref..].starts_with(b"xref\n0 19\n"));
        let entries = &text[text.rfind("0000000000 65535 f \n").unwrap() + 20..];
        for (i, line) in entries.lines().take(18).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            let head = format!("{} 0 obj", i + 1);
            assert!(
                pdf[offset..].starts_with(head.as_bytes()),
                "object {}",
                i + 1
            );
        }
        assert!(pdf.len() > 5 * IMAGE_W * IMAGE_H * 3);
    }
}
