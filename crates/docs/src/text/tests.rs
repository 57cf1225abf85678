//! Table tests of the content-stream reader: one-page PDFs written here,
//! read with [`super::page_text`], compared with the text expected and
//! whether the reading is trusted (else the page falls back to pdf-extract).

use super::{page_text, Cache, PageReading};
use std::io::Write;

/// A stream object: dictionary entries, then the data.
fn stream(extra: &str, data: &[u8]) -> Vec<u8> {
    let mut body = format!("<< /Length {} {extra} >>\nstream\n", data.len()).into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(b"\nendstream");
    body
}

/// One page (612 × 792) with the given resources and content; `objects`
/// are numbered from 5.
fn pdf(resources: &str, content: &[u8], objects: &[Vec<u8>]) -> Vec<u8> {
    pdf_with(resources, stream("", content), objects)
}

/// The same with the content stream object given whole.
fn pdf_with(resources: &str, content: Vec<u8>, objects: &[Vec<u8>]) -> Vec<u8> {
    let mut all = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << {resources} >> >>"
        )
        .into_bytes(),
        content,
    ];
    all.extend(objects.iter().cloned());
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in all.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", all.len() + 1).unwrap();
    for offset in offsets {
        writeln!(out, "{offset:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        all.len() + 1
    )
    .unwrap();
    out
}

fn read(resources: &str, content: &[u8], objects: &[Vec<u8>]) -> PageReading {
    let bytes = pdf(resources, content, objects);
    let doc = lopdf::Document::load_mem(&bytes).expect("test PDF parses");
    let id = doc.get_pages()[&1];
    page_text(&doc, id, &mut Cache::default(), 64 << 20).expect("page reads")
}

const HELVETICA: &str =
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";
const COURIER: &str = "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>";

/// A ToUnicode CMap stream mapping two-byte codes.
fn to_unicode(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut body = String::from(
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
         1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
    );
    body.push_str(&format!("{} beginbfchar\n", pairs.len()));
    for (code, text) in pairs {
        let hex: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
        body.push_str(&format!("<{code}> <{hex}>\n"));
    }
    body.push_str("endbfchar\nendcmap end end\n");
    stream("", body.as_bytes())
}

/// A Type0 font (object 5) over a CID font (object 6) with the given
/// encoding, extra Type0 entries and extra CID font entries.
fn type0(encoding: &str, extra: &str, cid_extra: &str, cid_subtype: &str) -> [Vec<u8>; 2] {
    [
        format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding {encoding} /DescendantFonts [6 0 R] {extra} >>"
        )
        .into_bytes(),
        format!(
            "<< /Type /Font /Subtype /{cid_subtype} /BaseFont /Test /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 {cid_extra} >>"
        )
        .into_bytes(),
    ]
}

struct Case {
    name: &'static str,
    resources: String,
    content: Vec<u8>,
    objects: Vec<Vec<u8>>,
    text: &'static str,
    clean: bool,
}

fn case(
    name: &'static str,
    resources: &str,
    content: &[u8],
    objects: Vec<Vec<u8>>,
    text: &'static str,
    clean: bool,
) -> Case {
    Case {
        name,
        resources: resources.to_string(),
        content: content.to_vec(),
        objects,
        text,
        clean,
    }
}

fn check(cases: Vec<Case>) {
    for c in cases {
        let reading = read(&c.resources, &c.content, &c.objects);
        assert_eq!(reading.text, c.text, "{}: text", c.name);
        assert_eq!(reading.clean(), c.clean, "{}: clean ({reading:?})", c.name);
    }
}

#[test]
fn simple_font_encodings() {
    let type1_program = stream("/Length1 10 /Length2 0 /Length3 0", b"%!FontType1");
    check(vec![
        case(
            "WinAnsiEncoding",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td (caf\\351 \\200 5) Tj ET",
            vec![HELVETICA.into()],
            "café € 5\n",
            true,
        ),
        case(
            "a standard font without an encoding reads as StandardEncoding",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td (it\\047s fine) Tj ET",
            vec![COURIER.into()],
            "it’s fine\n",
            true,
        ),
        case(
            "Differences: AGL names, uniXXXX, an unknown name",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td (ABCD) Tj ET",
            vec![b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /BaseEncoding /WinAnsiEncoding /Differences [65 /uni4E2D /Aacute /g7] >> >>".to_vec()],
            "中ÁD\n",
            false,
        ),
        case(
            "an embedded Type1 font's built-in encoding is only guessed",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td (Built-in encoding) Tj ET",
            vec![
                b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Custom /FontDescriptor 6 0 R >>".to_vec(),
                b"<< /Type /FontDescriptor /FontName /ABCDEF+Custom /Flags 4 /FontFile 7 0 R >>".to_vec(),
                type1_program.clone(),
            ],
            "Built-in encoding\n",
            false,
        ),
        case(
            "a ToUnicode map settles an embedded font's codes",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td (AB) Tj ET",
            vec![
                b"<< /Type /Font /Subtype /Type1 /BaseFont /ABCDEF+Custom /FontDescriptor 6 0 R /ToUnicode 8 0 R >>".to_vec(),
                b"<< /Type /FontDescriptor /FontName /ABCDEF+Custom /Flags 4 /FontFile 7 0 R >>".to_vec(),
                type1_program,
                stream("", b"1 begincodespacerange <00> <FF> endcodespacerange 1 beginbfrange <41> <42> <5DE5> endbfrange"),
            ],
            "工左\n",
            true,
        ),
        case(
            "Type3: widths through the font matrix",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 10 Tf 72 700 Td [(AB) -600 (BA)] TJ ET",
            vec![b"<< /Type /Font /Subtype /Type3 /FontBBox [0 0 100 100] /FontMatrix [0.01 0 0 0.01 0 0] /CharProcs << >> /Encoding << /Differences [65 /A /B] >> /FirstChar 65 /LastChar 66 /Widths [50 50] >>".to_vec()],
            "AB BA\n",
            true,
        ),
        case(
            "a font that is not in the resources: nothing, and not trusted",
            "/Font << /F1 5 0 R >>",
            b"BT /F9 12 Tf 72 700 Td (Text in a missing font) Tj ET",
            vec![HELVETICA.into()],
            "",
            false,
        ),
    ]);
}

#[test]
fn composite_fonts_and_cmaps() {
    let identity_h = |cid: &str, extra: &str| type0("/Identity-H", extra, cid, "CIDFontType2");
    let mut with_to_unicode = identity_h("", "/ToUnicode 7 0 R").to_vec();
    with_to_unicode.push(to_unicode(&[("0001", "中"), ("0002", "文"), ("0003", "A")]));
    let stsong = |encoding: &str| {
        vec![
            format!("<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-{encoding} /Encoding /{encoding} /DescendantFonts [6 0 R] >>").into_bytes(),
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R /DW 1000 /W [1 95 500] >>".to_vec(),
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>".to_vec(),
        ]
    };
    let mut ucs2_with_to_unicode = stsong("UniGB-UCS2-H");
    ucs2_with_to_unicode[0] = b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [6 0 R] /ToUnicode 8 0 R >>".to_vec();
    ucs2_with_to_unicode.push(to_unicode(&[("4E2D", "X")]));
    let program = super::truetype::tests::font_with_cmap(&[(0x4E2D, 5), (0x6587, 6)], None);
    let mut embedded_truetype =
        identity_h("/FontDescriptor 7 0 R /CIDToGIDMap /Identity", "").to_vec();
    embedded_truetype
        .push(b"<< /Type /FontDescriptor /FontName /Test /Flags 4 /FontFile2 8 0 R >>".to_vec());
    embedded_truetype.push(stream("", &program));
    let mut cid_to_gid = embedded_truetype.clone();
    cid_to_gid[1] = b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap 9 0 R >>".to_vec();
    cid_to_gid.push(stream("", &[0, 0, 0, 6, 0, 5]));
    let mut embedded_cmap = type0("7 0 R", "/ToUnicode 8 0 R", "", "CIDFontType2").to_vec();
    embedded_cmap.push(stream(
        "/Type /CMap /CMapName /Custom-H",
        b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange\n\
          1 begincidrange <8140> <8141> 200 endcidrange 1 begincidchar <41> 34 endcidchar",
    ));
    embedded_cmap.push(stream(
        "",
        b"2 begincodespacerange <00> <80> <8140> <FEFE> endcodespacerange\n\
          2 beginbfchar <41> <0041> <8140> <4E2D> endbfchar",
    ));
    check(vec![
        case(
            "Identity-H with ToUnicode",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <000100020003> Tj ET",
            with_to_unicode,
            "中文A\n",
            true,
        ),
        case(
            "STSong-Light, UniGB-UCS2-H, not embedded (iText)",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <4E2D65870020004100420043> Tj ET",
            stsong("UniGB-UCS2-H"),
            "中文 ABC\n",
            true,
        ),
        case(
            "UniGB-UTF16-H with a surrogate pair",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <D840DC004E00> Tj ET",
            stsong("UniGB-UTF16-H"),
            "\u{20000}一\n",
            true,
        ),
        case(
            "GBK-EUC-H: GBK bytes, one- and two-byte codes",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <D6D041CEC4> Tj ET",
            stsong("GBK-EUC-H"),
            "中A文\n",
            true,
        ),
        case(
            "a ToUnicode map comes before the predefined CMap",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <4E2D6587> Tj ET",
            ucs2_with_to_unicode,
            "X文\n",
            true,
        ),
        case(
            "Identity-H without ToUnicode: the embedded TrueType font's cmap",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <00050006> Tj ET",
            embedded_truetype,
            "中文\n",
            true,
        ),
        case(
            "Identity-H without ToUnicode: through a CIDToGIDMap stream",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <00010002> Tj ET",
            cid_to_gid,
            "文中\n",
            true,
        ),
        case(
            "Identity-H without ToUnicode or font program: unmapped",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <00050006> Tj ET",
            identity_h("", "").to_vec(),
            "",
            false,
        ),
        case(
            "an embedded encoding CMap with one- and two-byte codes",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td <41814041> Tj ET",
            embedded_cmap,
            "A中A\n",
            true,
        ),
    ]);
}

#[test]
fn spacing_lines_and_layout() {
    let mut vertical = type0("/Identity-V", "/ToUnicode 7 0 R", "", "CIDFontType2").to_vec();
    vertical.push(to_unicode(&[
        ("0001", "中"),
        ("0002", "文"),
        ("0003", "天"),
        ("0004", "地"),
    ]));
    let mut cjk = type0("/Identity-H", "/ToUnicode 7 0 R", "", "CIDFontType2").to_vec();
    cjk.push(to_unicode(&[("0001", "工"), ("0002", "期")]));
    let form = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Matrix [1 0 0 1 0 -100]",
        b"BT /F1 12 Tf 72 700 Td (In a form) Tj ET",
    );
    let looping = stream(
        "/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources << /XObject << /X1 6 0 R >> /Font << /F1 5 0 R >> >>",
        b"BT /F1 12 Tf 72 600 Td (Once) Tj ET /X1 Do",
    );
    check(vec![
        case(
            "TJ: a large adjustment is a word space, kerning is not",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 10 Tf 72 700 Td [(Hello) -600 (World)] TJ 0 -14 Td [(Hel) -30 (lo) 120 (AV)] TJ ET",
            vec![COURIER.into()],
            "Hello World\nHelloAV\n",
            true,
        ),
        case(
            "Td to the next line, and two runs far apart on one line",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 10 Tf 72 700 Td (line one) Tj 0 -14 Td (line two) Tj 200 0 Td (right) Tj ET",
            vec![COURIER.into()],
            "line one\nline two right\n",
            true,
        ),
        case(
            "T*, ' and \" move to the next line",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 10 Tf 14 TL 72 700 Td (one) Tj T* (two) Tj (three) ' 1 0 (four) \" ET",
            vec![COURIER.into()],
            "one\ntwo\nthree\nfour\n",
            true,
        ),
        case(
            "Chinese with justification adjustments stays one word",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td [<0001> -50 <0002>] TJ ET",
            cjk,
            "工期\n",
            true,
        ),
        case(
            "fake bold: the same glyphs drawn again slightly offset",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 1 0 0 1 72 700 Tm (Bold) Tj 1 0 0 1 72.3 700 Tm (Bold) Tj 1 0 0 1 72 700.3 Tm (Bold) Tj ET",
            vec![COURIER.into()],
            "Bold\n",
            true,
        ),
        case(
            "rotated text is one line",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 0 1 -1 0 300 100 Tm (Rotated) Tj [( text)] TJ ET",
            vec![COURIER.into()],
            "Rotated text\n",
            true,
        ),
        case(
            "vertical writing (Identity-V): one line per column",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 20 Tf 1 0 0 1 500 700 Tm <00010002> Tj 1 0 0 1 470 700 Tm <00030004> Tj ET",
            vertical,
            "中文\n天地\n",
            true,
        ),
        case(
            "a form XObject's text, placed by its matrix",
            "/Font << /F1 5 0 R >> /XObject << /X1 6 0 R >>",
            b"BT /F1 12 Tf 72 720 Td (Page text) Tj ET /X1 Do",
            vec![COURIER.into(), form],
            "Page text\nIn a form\n",
            true,
        ),
        case(
            "a form that draws itself is read once",
            "/Font << /F1 5 0 R >> /XObject << /X1 6 0 R >>",
            b"/X1 Do",
            vec![COURIER.into(), looping],
            "Once\n",
            true,
        ),
        case(
            "text wholly outside the page is not read",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td (inside) Tj 700 0 Td (outside) Tj ET",
            vec![COURIER.into()],
            "inside\n",
            true,
        ),
        case(
            "damaged operators are skipped",
            "/Font << /F1 5 0 R >>",
            b"BT /F1 12 Tf 72 700 Td ] } ) (still read) Tj 1 2 Tm Tj ET",
            vec![COURIER.into()],
            "still read\n",
            true,
        ),
    ]);
}

#[test]
fn fonts_are_parsed_once_per_document() {
    let bytes = pdf(
        "/Font << /F1 5 0 R >>",
        b"BT /F1 12 Tf 72 700 Td (cached) Tj ET",
        &[COURIER.into()],
    );
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let id = doc.get_pages()[&1];
    let mut cache = Cache::default();
    let first = page_text(&doc, id, &mut cache, 64 << 20).unwrap();
    assert_eq!(cache.fonts.len(), 1);
    let font = cache.fonts.values().next().unwrap().clone();
    let again = page_text(&doc, id, &mut cache, 64 << 20).unwrap();
    assert_eq!(first, again);
    assert!(std::rc::Rc::ptr_eq(
        &font,
        cache.fonts.values().next().unwrap()
    ));
}

#[test]
fn decompression_is_bounded() {
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(&[b' '; 10_000]).unwrap();
    let content = stream("/Filter /FlateDecode", &encoder.finish().unwrap());
    let bytes = pdf_with("", content, &[]);
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let id = doc.get_pages()[&1];
    assert!(page_text(&doc, id, &mut Cache::default(), 1_000).is_err());
    assert!(page_text(&doc, id, &mut Cache::default(), 100_000).is_ok());
}

/// Pseudo-random bytes (a fixed LCG: the same every run), biased towards
/// the characters PDF syntax is made of.
fn noise(seed: u64, len: usize) -> Vec<u8> {
    const ALPHABET: &[u8] = b"()<>[]{}/%\\ \n0123456789.-+ABCDEFTJjmdfQqBTETcsgW*'\"#abcdef";
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let r = (state >> 33) as usize;
            if r % 4 == 0 {
                (r >> 8) as u8
            } else {
                ALPHABET[(r >> 8) % ALPHABET.len()]
            }
        })
        .collect()
}

#[test]
fn noise_never_panics() {
    let type0 = {
        let mut objects = type0("/Identity-H", "/ToUnicode 7 0 R", "", "CIDFontType2").to_vec();
        objects.push(to_unicode(&[("0001", "中")]));
        objects
    };
    for seed in 0..300u64 {
        let data = noise(seed, 64 + (seed as usize * 37) % 2000);
        // The parsers on their own …
        let mut lexer = super::lexer::Lexer::new(&data);
        let mut operands = Vec::new();
        while lexer.next_operation(&mut operands).is_some() {}
        let _ = super::cmap::ToUnicode::parse(&data, &|_| None);
        let _ = super::cmap::EncodingCMap::parse(&data);
        let _ = super::truetype::glyph_to_unicode(&data);
        // … and as a page's content, with a simple and a composite font.
        let mut content = b"BT /F1 12 Tf 72 700 Td ".to_vec();
        content.extend_from_slice(&data);
        let _ = read("/Font << /F1 5 0 R >>", &content, &[COURIER.into()]);
        let _ = read("/Font << /F1 5 0 R >>", &content, &type0);
    }
}
