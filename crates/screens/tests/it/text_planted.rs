//! Planted text cases on small hand-written bids: shared paragraphs absent
//! from the tender are flagged with their pages; text every bid copied
//! from the tender, or that most bids share, is not; copied typos and
//! identifiers are flagged on their own.

use pingshen_screens::*;

/// Text of the tender that bids copy (须知, 承诺, 格式).
const TENDER_CLAUSE: &str = "投标人应当按照招标文件的要求编制投标文件，投标文件应当对招标文件提出的实质性要求和条件作出响应，\
投标有效期为自投标截止之日起九十日历天，在投标有效期内投标人不得撤销其投标文件。";
const TENDER_TYPO: &str = "施工现场临时用电实行一机、一闸、一漏、一相的配置要求。";

/// Text most bids share though the tender does not have it (a common template).
const COMMON: &str =
    "本单位郑重承诺：所提交的资格证明材料真实有效，如有虚假愿意承担由此产生的一切法律责任，\
并接受行政监督部门依法作出的处理决定，同时自愿放弃对该处理提出异议的权利。";

/// Paragraphs two bids share and nobody else has.
const PLANTED_1: &str =
    "基坑开挖前先施作钢板桩围护，桩长九米，打设时采用导向架控制垂直度，相邻桩锁口必须咬合严密；\
开挖至设计标高以上三十厘米改用人工清底，坑底设置集水井，采用潜水泵及时抽排积水，严禁扰动原状土。";
const PLANTED_2: &str =
    "冬季施工期间，混凝土入模温度不低于五摄氏度，浇筑完成后立即覆盖塑料薄膜和两层阻燃棉被保温，\
测温孔沿构件长度每三米布置一个，前三天每四小时测温一次，并根据测温结果调整养护措施。";

/// Each bid's own prose: written separately, no shared sentences.
const OWN: [&str; 4] = [
    "我公司将本工程划分为三个作业区，分别组建道路、排水和附属三个专业施工队，项目部设在工地北侧空地，\
     办公区与生活区分开布置，现场道路采用二十厘米厚混凝土硬化，进出口设置洗车槽和沉淀池。",
    "本项目由总工办牵头编制专项方案，重点解决地下管线密集和交通流量大的问题，施工前委托专业单位探明管位，\
     对燃气和通信线路采取悬吊保护，每日收工前安排专人巡查，确保沿线居民出行安全。",
    "为保证工期，项目部实行周计划、日安排制度，关键线路上的工序安排两班作业，材料按三天用量提前储备，\
     机械设备保持百分之十的备用率，遇雨天转入室内预制构件加工，雨停后立即恢复路面作业。",
    "质量控制以样板引路为原则，每道工序先做样板段，经监理验收合格后全面推开，试验室配备压力机、\
     弯沉仪和核子密度仪，原材料按批次抽检，不合格材料当天清退出场并做好台账记录。",
];

fn page(number: u32, parts: &[&str]) -> Page {
    Page {
        number,
        text: parts.join("\n"),
    }
}

fn tender() -> TenderDocument {
    TenderDocument {
        pages: vec![
            page(1, &["第一章 投标人须知", TENDER_CLAUSE]),
            page(
                2,
                &[
                    "第二章 技术要求",
                    TENDER_TYPO,
                    "招标人联系电话：13800000000",
                ],
            ),
        ],
    }
}

fn bid(id: &str, pages: Vec<Page>) -> BidDocument {
    BidDocument::new(id, format!("bid-{id}.pdf"), pages)
}

/// Four bids: all copy the tender clause, three the common template, A and
/// B share two paragraphs (B's second one slightly edited and on other pages).
fn bids() -> Vec<BidDocument> {
    let edited = PLANTED_2.replace("两层阻燃棉被", "双层阻燃棉被");
    vec![
        bid("A", vec![
            page(1, &["投标函", TENDER_CLAUSE, COMMON]),
            page(2, &["施工组织设计", OWN[0], PLANTED_1]),
            page(3, &[
                "项目经理每周主持召开一次生产例会，检查上周计划完成情况并部署下周工作，会议纪要报监理单位备案。",
                PLANTED_2,
                "坚持安全第一、预防为主、综合治理的方针。",
            ]),
        ]),
        bid("B", vec![
            page(1, &["投标函", TENDER_CLAUSE]),
            page(2, &["施工组织设计", OWN[1]]),
            page(3, &["一、基坑施工", PLANTED_1, "临时用电按三级配电、两级保户设置。"]),
            page(4, &["二、冬季施工", &edited]),
        ]),
        bid("C", vec![
            page(1, &["投标函", TENDER_CLAUSE, COMMON]),
            page(2, &[OWN[2], "项目部坚持安全第一、预访为主、综合治理。", TENDER_TYPO]),
        ]),
        bid("D", vec![
            page(1, &["投标函", TENDER_CLAUSE, COMMON]),
            page(2, &[OWN[3], "全体员工牢记安全第一、预访为主、综合治理的要求。", TENDER_TYPO]),
            page(3, &["项目经理身份证号码：11010519491231002X"]),
        ]),
    ]
}

fn flags_of(kind: FlagKind, flags: &[Flag]) -> Vec<&Flag> {
    flags.iter().filter(|f| f.kind == kind).collect()
}

#[test]
fn shared_paragraphs_absent_from_the_tender_are_flagged_with_pages() {
    let (flags, _) = screen_text(&tender(), &bids(), &TextSettings::default());
    let overlaps = flags_of(FlagKind::TextOverlap, &flags);
    assert_eq!(overlaps.len(), 1, "{overlaps:#?}");
    assert_eq!(overlaps[0].bidders(), vec!["A", "B"]);
    let Evidence::Passages { passages, .. } = &overlaps[0].evidence else {
        panic!()
    };
    let pages: Vec<(u32, u32)> = passages
        .iter()
        .map(|p| (p.a.start.page, p.b.start.page))
        .collect();
    assert_eq!(pages, vec![(2, 3), (3, 4)]);
    assert!(passages[0].a.text.starts_with("基坑开挖前先施作钢板桩围护"));
    assert!(passages[0].a.text.ends_with("严禁扰动原状土"));
    assert_eq!(passages[0].a.text, passages[0].b.text);
    // The edited paragraph is one passage, a little less than identical.
    assert!(passages[1].a.text.contains("两层阻燃棉被"));
    assert!(passages[1].b.text.contains("双层阻燃棉被"));
    assert!(passages[1].similarity < rust_decimal::Decimal::ONE);
    assert!(passages[1].a.text.ends_with("并根据测温结果调整养护措施"));
}

#[test]
fn tender_text_and_text_most_bids_share_raise_nothing() {
    // Without the planted paragraphs, every shared sentence comes from the
    // tender or from the template three of the four bids use.
    let plain: Vec<BidDocument> = bids()
        .into_iter()
        .map(|mut b| {
            for p in &mut b.pages {
                p.text = p.text.replace(PLANTED_1, "").replace(PLANTED_2, "");
                p.text = p
                    .text
                    .replace(&PLANTED_2.replace("两层阻燃棉被", "双层阻燃棉被"), "");
            }
            b
        })
        .collect();
    let (flags, summary) = screen_text(&tender(), &plain, &TextSettings::default());
    assert!(
        flags_of(FlagKind::TextOverlap, &flags).is_empty(),
        "{flags:#?}"
    );
    assert!(summary.boilerplate_shingles > 0);

    // The same bids compared without the tender would share the clause.
    let (flags, _) = screen_text(
        &TenderDocument::default(),
        &plain[..2],
        &TextSettings::default(),
    );
    assert_eq!(flags_of(FlagKind::TextOverlap, &flags).len(), 1);
}

#[test]
fn a_copied_typo_is_flagged_but_not_one_bid_alone_nor_the_tenders_own() {
    let (flags, _) = screen_text(&tender(), &bids(), &TextSettings::default());
    let typos = flags_of(FlagKind::SharedTypo, &flags);
    assert_eq!(typos.len(), 1, "{typos:#?}");
    assert_eq!(typos[0].bidders(), vec!["C", "D"]);
    let Evidence::SharedStrings { items } = &typos[0].evidence else {
        panic!()
    };
    let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
    // 两级保户 (B only) and 一漏一相 (copied from the tender) are not flagged.
    assert_eq!(texts, vec!["安全第一预访为主综合治理"]);
    let pages: Vec<(&str, u32)> = items[0]
        .occurrences
        .iter()
        .map(|o| (o.bidder.as_str(), o.start.page))
        .collect();
    assert_eq!(pages, vec![("C", 2), ("D", 2)]);
}

#[test]
fn a_shared_id_card_number_is_flagged_but_not_the_tenders_phone() {
    let mut all = bids();
    all[0].pages.push(page(
        4,
        &[
            "技术负责人身份证号码：11010519491231002X",
            "联系电话：13800000000",
        ],
    ));
    all[2].pages.push(page(3, &["联系电话：13800000000"]));
    let (flags, _) = screen_text(&tender(), &all, &TextSettings::default());
    let ids = flags_of(FlagKind::SharedIdentifier, &flags);
    assert_eq!(ids.len(), 1, "{ids:#?}");
    assert_eq!(ids[0].bidders(), vec!["A", "D"]);
    assert_eq!(ids[0].strength.level, Level::Strong);
    let Evidence::SharedStrings { items } = &ids[0].evidence else {
        panic!()
    };
    assert_eq!(items[0].text, "11010519491231002X");
}

#[test]
fn thresholds_decide_what_counts() {
    // A higher minimum hides the planted paragraphs (each under 100 characters).
    let strict = TextSettings {
        min_passage_chars: 100,
        ..TextSettings::default()
    };
    let (flags, _) = screen_text(&tender(), &bids(), &strict);
    assert!(flags_of(FlagKind::TextOverlap, &flags).is_empty());
}
