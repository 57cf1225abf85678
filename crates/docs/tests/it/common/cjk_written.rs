//! The files of the CJK corpus (tests/corpus/cjk) that we write ourselves,
//! `pingshen-*.pdf`: non-embedded CID fonts named with predefined Unicode
//! CMaps, laid out the way iText writes them, for the cases no permissively
//! licensed real-world file was found for. The text is ours (fictional
//! notices); the committed files are exactly what this module writes, which
//! `text_path::the_cjk_files_we_write_match_their_writer` checks (set
//! PINGSHEN_WRITE_CJK_CORPUS=1 to rewrite them after a change here).
//!
//! What iText does and these files copy: a Type0 font whose encoding is a
//! predefined CMap (UniGB-UCS2-H, UniCNS-UCS2-H, UniJIS-UCS2-H) over a
//! CIDFontType0 with an Adobe character collection and a font descriptor
//! without a font program, no ToUnicode; the strings hold UCS-2 big-endian
//! codes, Latin letters and digits included. iText 5 writes them as literal
//! strings of raw bytes (only `\n \r \t \b \f ( ) \` escaped), iText 7 as hex
//! strings, with `Td`/`Tm`, `TL` and `'`; page numbers "X of Y" come from a
//! form XObject filled in when the document is closed.

use super::corpus::{stream, write_pdf};

/// (file name, bytes) of every written file.
pub fn files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("pingshen-STSong-Light-UniGB-UCS2-H.pdf", stsong_light()),
        ("pingshen-MSung-Light-UniCNS-UCS2-H.pdf", msung_light()),
        ("pingshen-KozMinPro-Regular-UniJIS-UCS2-H.pdf", kozminpro()),
    ]
}

fn ucs2(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_be_bytes).collect()
}

/// A literal string as iText 5 writes it (PdfContentByte.escapeString).
fn literal(text: &str) -> Vec<u8> {
    let mut out = vec![b'('];
    for b in ucs2(text) {
        match b {
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            0x08 => out.extend_from_slice(b"\\b"),
            0x0c => out.extend_from_slice(b"\\f"),
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            _ => out.push(b),
        }
    }
    out.push(b')');
    out
}

fn hex_digits(text: &str) -> String {
    ucs2(text).iter().map(|b| format!("{b:02x}")).collect()
}

/// A hex string as iText 7 writes it.
fn hex(text: &str) -> String {
    format!("<{}>", hex_digits(text))
}

/// The info dictionary; the title is a UTF-16BE text string.
fn info(title: &str) -> Vec<u8> {
    format!(
        "<</CreationDate(D:20240506093000+08'00')/Producer(pingshen-docs tests, \
         tests/it/common/cjk_written.rs)/Title<feff{}>>>",
        hex_digits(title)
    )
    .into_bytes()
}

const GB_TITLE: &str = "青石县第二中学教学楼维修工程招标公告";

/// The lines of each page, 24 points apart, under the title on the first;
/// a line starting with "+" continues the one before it, indented.
const GB_PAGES: [&[&str]; 2] = [
    &[
        "项目编号：QSX-2024-ZB-017",
        "一、项目概况",
        "1. 项目名称：青石县第二中学教学楼维修工程。",
        "2. 建设地点：青石县城关镇学府路 18 号。",
        "3. 招标范围：屋面防水、外墙涂料、门窗更换及室内电气线路改造。",
        "4. 计划工期：90 日历天。",
        "5. 最高投标限价：人民币 3,260,000.00 元（含税）。",
        "二、投标人资格要求",
        "1. 具有独立法人资格，持有有效的营业执照。",
        "2. 具备建筑工程施工总承包三级及以上资质，并具有有效的安全生产",
        "+许可证。",
        "3. 拟派项目经理须具备建筑工程专业二级及以上注册建造师资格，",
        "+且未担任其他在建工程项目的项目经理。",
        "4. 本项目不接受联合体投标。",
    ],
    &[
        "三、招标文件的获取",
        "凡有意参加投标者，请于 2024 年 5 月 6 日至 2024 年 5 月 10 日",
        "（法定节假日除外），每日上午 9:00 至 11:30、下午 14:30 至 17:00，",
        "在青石县公共资源交易中心（县行政服务中心三楼）获取招标文件。",
        "四、投标文件的递交",
        "投标文件递交的截止时间为 2024 年 5 月 27 日上午 9 时 30 分，",
        "逾期送达或未按要求密封的投标文件，招标人不予受理。",
        "五、联系方式",
        "招标人：青石县第二中学",
        "联系人：王老师　　电话：0571-8800 0000",
        "招标代理机构：青石恒信工程咨询有限公司",
        "地址：青石县城关镇解放路 66 号　　邮编：311800",
    ],
];

/// iText 5: `BaseFont.createFont("STSong-Light", "UniGB-UCS2-H",
/// BaseFont.NOT_EMBEDDED)`, literal strings, "第 X 页 共 Y 页" footers
/// whose total is a template.
fn stsong_light() -> Vec<u8> {
    // 1 catalog, 2 pages, 3 Type0, 4 CIDFont, 5 descriptor, 6 info,
    // 7 the total-pages template, then page i at 8 + 2i, contents 9 + 2i.
    let total = GB_PAGES.len();
    let kids: Vec<String> = (0..total).map(|i| format!("{} 0 R", 8 + 2 * i)).collect();
    let mut template = b"BT\n/F1 9 Tf\n0 3 Td\n".to_vec();
    template.extend(literal(&total.to_string()));
    template.extend_from_slice(b"Tj\nET\n");
    let mut objects = vec![
        b"<</Type/Catalog/Pages 2 0 R>>".to_vec(),
        format!("<</Type/Pages/Count {total}/Kids[{}]>>", kids.join(" ")).into_bytes(),
        b"<</Type/Font/Subtype/Type0/BaseFont/STSong-Light-UniGB-UCS2-H/Encoding/UniGB-UCS2-H/DescendantFonts[4 0 R]>>".to_vec(),
        b"<</Type/Font/Subtype/CIDFontType0/BaseFont/STSong-Light/FontDescriptor 5 0 R/W [1 95 500]/DW 1000/CIDSystemInfo<</Registry(Adobe)/Ordering(GB1)/Supplement 2>>>>".to_vec(),
        b"<</Type/FontDescriptor/Ascent 880/CapHeight 880/Descent -120/Flags 6/FontBBox [-25 -254 1000 880]/FontName/STSong-Light/ItalicAngle 0/StemV 93/Style<</Panose<000000000400000000000000>>>>>".to_vec(),
        info(GB_TITLE),
        stream(
            "/Type/XObject/Subtype/Form/Resources<</Font<</F1 3 0 R>>>>/BBox[0 0 20 14]/FormType 1/Matrix [1 0 0 1 0 0]",
            &template,
        ),
    ];
    for (i, lines) in GB_PAGES.iter().enumerate() {
        objects.push(
            format!(
                "<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>\
                 /XObject<</Xf1 7 0 R>>/ProcSet [/PDF /Text]>>/Contents {} 0 R>>",
                9 + 2 * i
            )
            .into_bytes(),
        );
        let mut content = Vec::new();
        let mut show = |size: u32, x: u32, y: u32, text: &str| {
            content.extend(format!("BT\n/F1 {size} Tf\n1 0 0 1 {x} {y} Tm\n").into_bytes());
            content.extend(literal(text));
            content.extend_from_slice(b"Tj\nET\n");
        };
        let top = if i == 0 {
            show(18, 135, 770, GB_TITLE);
            730
        } else {
            790
        };
        for (n, line) in lines.iter().enumerate() {
            let y = top - 24 * n as u32;
            match line.strip_prefix('+') {
                Some(rest) => show(12, 54, y, rest),
                None => show(12, 36, y, line),
            }
        }
        // The footer: "第 X 页 共 " and " 页" around the template.
        content.extend_from_slice(b"BT\n/F1 9 Tf\n1 0 0 1 256 30 Tm\n");
        content.extend(literal(&format!("第 {} 页 共 ", i + 1)));
        content.extend_from_slice(
            b"Tj\nET\nq 1 0 0 1 306 27 cm /Xf1 Do Q\nBT\n/F1 9 Tf\n1 0 0 1 311 30 Tm\n",
        );
        content.extend(literal(" 页"));
        content.extend_from_slice(b"Tj\nET\n");
        objects.push(stream("", &content));
    }
    write_pdf(&objects, 1, Some(6))
}

const CNS_TITLE: &str = "松柏區立圖書館場地借用須知";

const CNS_LINES: [&str; 12] = [
    "一、本館演講廳及研習教室，開放各機關、學校及民間團體申請借用，",
    "　　以辦理藝文、教育及公益性質之活動為限。",
    "二、申請借用者應於使用日十四日前填具申請表，經本館核准後始得使用；",
    "　　同一單位每月借用以四個時段為原則。",
    "三、借用時間：週二至週日上午九時至下午五時，分為上午、下午兩個時段；",
    "　　國定假日及休館日不予出借。",
    "四、場地使用費：演講廳每時段新臺幣 1,200 元，研習教室每時段新臺幣",
    "　　600 元，應於核准後七日內繳清。",
    "五、借用單位應負責維護場地整潔及秩序，不得張貼、釘掛任何物品；",
    "　　如有損壞設備，應照價賠償。",
    "六、本須知經館務會議通過後實施，修正時亦同。",
    "聯絡電話：(02) 2700-0000 分機 12　　E-mail: venue@songbo.example",
];

/// iText 7: `PdfFontFactory.createFont("MSung-Light", "UniCNS-UCS2-H")`,
/// hex strings placed with `Td`.
fn msung_light() -> Vec<u8> {
    let mut content = format!(
        "q\nBT\n131 780 Td\n/F1 20 Tf\n{}Tj\nET\nQ\n",
        hex(CNS_TITLE)
    );
    for (i, line) in CNS_LINES.iter().enumerate() {
        let y = 730 - 24 * i as u32 - if i == CNS_LINES.len() - 1 { 12 } else { 0 };
        content.push_str(&format!(
            "q\nBT\n36 {y} Td\n/F1 12 Tf\n{}Tj\nET\nQ\n",
            hex(line)
        ));
    }
    let objects = vec![
        b"<</Pages 2 0 R/Type/Catalog>>".to_vec(),
        b"<</Count 1/Kids[3 0 R]/Type/Pages>>".to_vec(),
        b"<</Contents 4 0 R/MediaBox[0 0 595 842]/Parent 2 0 R/Resources<</Font<</F1 5 0 R>>>>/TrimBox[0 0 595 842]/Type/Page>>".to_vec(),
        stream("", content.as_bytes()),
        b"<</BaseFont/MSung-Light-UniCNS-UCS2-H/DescendantFonts[6 0 R]/Encoding/UniCNS-UCS2-H/Subtype/Type0/Type/Font>>".to_vec(),
        b"<</BaseFont/MSung-Light/CIDSystemInfo<</Ordering(CNS1)/Registry(Adobe)/Supplement 3>>/DW 1000/FontDescriptor 7 0 R/Subtype/CIDFontType0/Type/Font/W [1 95 500]>>".to_vec(),
        b"<</Ascent 880/CapHeight 880/Descent -120/Flags 6/FontBBox[-160 -249 1015 888]/FontName/MSung-Light/ItalicAngle 0/StemV 93/Style<</Panose<010502020400000000000000>>>/Type/FontDescriptor>>".to_vec(),
        info(CNS_TITLE),
    ];
    write_pdf(&objects, 1, Some(8))
}

const JIS_TITLE: &str = "ひばり野市立中央図書館　利用案内";

const JIS_LINES: [&str; 12] = [
    "開館時間：火曜日から金曜日は午前九時から午後七時まで、",
    "土曜日・日曜日・祝日は午前九時から午後五時までです。",
    "休館日：毎週月曜日（祝日の場合は翌日）、年末年始、特別整理期間。",
    "貸出：図書・雑誌は一人十冊まで、ＣＤ・ＤＶＤは三点まで、二週間借りられます。",
    "返却期限を過ぎた資料がある方は、新たに借りることができません。",
    "予約：所蔵している資料は、カウンターまたはインターネットで予約できます。",
    "レファレンスサービスでは、調べものや資料探しのお手伝いをしています。",
    "館内では、携帯電話での通話や飲食はご遠慮ください。",
    "Wi-Fi（無料）：SSID は Hibarino-Library、パスワードはカウンターでお尋ねください。",
    "",
    "ひばり野市立中央図書館　〒000-0000　ひばり野市本町 1-2-3",
    "電話 0000-00-0000（代表）",
];

/// iText 7 with a CJK font from its font-asian package, lines written with
/// `TL` and `'` as its canvas `newlineShowText` does.
fn kozminpro() -> Vec<u8> {
    let mut content = format!(
        "BT 137 780 Td /F1 18 Tf {}Tj ET\nBT 20 TL 56.7 740 Td /F1 11 Tf",
        hex(JIS_TITLE)
    );
    for line in JIS_LINES {
        content.push_str(&format!(" {} '", hex(line)));
    }
    content.push_str(" ET\n");
    let objects = vec![
        b"<</Contents 2 0 R/MediaBox[0 0 595 842]/Parent 4 0 R/Resources 3 0 R/Type/Page>>"
            .to_vec(),
        stream("", content.as_bytes()),
        b"<</Font<</F1 7 0 R>>>>".to_vec(),
        b"<</Count 1/Kids[1 0 R]/MediaBox[0 0 595 842]/Resources 3 0 R/Type/Pages>>".to_vec(),
        b"<</Ascent 880/CapHeight 880/Descent -120/Flags 6/FontBBox[-195 -272 1110 1075]/FontName/KozMinPro-Regular/ItalicAngle 0/StemV 86/Style<</Panose<010502020400000000000000>>>/Type/FontDescriptor>>".to_vec(),
        b"<</BaseFont/KozMinPro-Regular/CIDSystemInfo<</Ordering(Japan1)/Registry(Adobe)/Supplement 4>>/DW 1000/FontDescriptor 5 0 R/Subtype/CIDFontType0/Type/Font/W [1 95 500]>>".to_vec(),
        b"<</BaseFont/KozMinPro-Regular-UniJIS-UCS2-H/DescendantFonts[6 0 R]/Encoding/UniJIS-UCS2-H/Subtype/Type0/Type/Font>>".to_vec(),
        b"<</Pages 4 0 R/Type/Catalog>>".to_vec(),
        info(JIS_TITLE),
    ];
    write_pdf(&objects, 8, Some(9))
}
