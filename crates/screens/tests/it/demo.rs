//! The demo project (`assets/demo`): its six bids plant one collusion case,
//! B03 and B05 (shared paragraphs absent from the tender, a shared typo,
//! the same author, software and creation minute). Exactly that is flagged.

use crate::common::*;
use pingshen_rules::{PriceRequest, Rules};
use pingshen_screens::*;

fn demo_prices() -> PriceRequest {
    let path = demo_dir().join("../rules/examples/demo-prices.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn demo_rules() -> Rules {
    let path = demo_dir().join("../rules/municipal-construction.toml");
    Rules::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(bids: &[BidDocument]) -> ScreenReport {
    let tender = demo_tender();
    let prices = demo_prices();
    let rules = demo_rules();
    let input = ScreenInput {
        tender: Some(&tender),
        bids,
        prices: Some(&prices),
        rules: Some(&rules),
        ..ScreenInput::default()
    };
    screen(&input, &Settings::default()).unwrap()
}

fn only(report: &ScreenReport, kind: FlagKind) -> &Flag {
    let found: Vec<&Flag> = report.flags.iter().filter(|f| f.kind == kind).collect();
    assert_eq!(found.len(), 1, "{kind:?}: {found:#?}");
    found[0]
}

/// The planted B03/B05 case, and one price signal: B04's abnormally low
/// bid stands far below a tight cluster of the others (Imhof's relative
/// distance), which is what cover bidding looks like — and also what a
/// genuinely cheaper bidder looks like; the panel reviews the price
/// (异常低价审查) and weighs the flag. Nothing else.
#[test]
fn the_planted_case_and_the_lowest_bid_gap_and_nothing_else_are_flagged() {
    let report = run(&demo_bids());
    let mut kinds: Vec<(FlagKind, Vec<&str>)> =
        report.flags.iter().map(|f| (f.kind, f.bidders())).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            (FlagKind::TextOverlap, vec!["B03", "B05"]),
            (FlagKind::SharedTypo, vec!["B03", "B05"]),
            (FlagKind::MetadataMatch, vec!["B03", "B05"]),
            (
                FlagKind::LowestBidGap,
                vec!["B01", "B02", "B03", "B04", "B05", "B06"]
            ),
        ]
    );
    assert!(report
        .flags
        .iter()
        .filter(|f| f.kind != FlagKind::LowestBidGap)
        .all(|f| f.strength.level >= Level::Moderate));
}

#[test]
fn shared_paragraphs_come_with_pages_offsets_and_the_printed_text() {
    let report = run(&demo_bids());
    let flag = only(&report, FlagKind::TextOverlap);
    assert_eq!(flag.strength.level, Level::Strong);
    let Evidence::Passages {
        passages,
        shared_chars,
    } = &flag.evidence
    else {
        panic!("{flag:?}")
    };
    assert_eq!(passages.len(), 2);
    assert!(*shared_chars >= 400, "{shared_chars}");

    let paving = &passages[0];
    for side in [&paving.a, &paving.b] {
        assert!(
            side.text
                .starts_with("沥青面层施工前，对下承层进行全面检查"),
            "{}",
            side.text
        );
        assert!(
            side.text.ends_with("防止井周出现沉陷和啃边")
                || side.text.ends_with("周出现沉陷和啃边"),
            "{}",
            side.text
        );
        assert!(side.text.contains("高频、低副"));
        assert_eq!(side.start.page, 19);
    }
    assert_eq!(
        (paving.a.bidder.as_str(), paving.b.bidder.as_str()),
        ("B03", "B05")
    );
    // B05 breaks the paragraph over pages 19 and 20; the passage follows it.
    assert_eq!(paving.b.end.page, 20);
    assert_eq!(paving.similarity.to_string(), "1.00");

    let traffic = &passages[1];
    for side in [&traffic.a, &traffic.b] {
        assert!(
            side.text.starts_with("夜间施工时段集中在22时至次日5时"),
            "{}",
            side.text
        );
        assert!(side.text.ends_with("恢复车道通行"), "{}", side.text);
    }

    // Offsets address the page text exactly.
    for side in [&paving.a, &traffic.a, &traffic.b] {
        let bid = demo_bid(&side.bidder);
        let page = bid
            .pages
            .iter()
            .find(|p| p.number == side.start.page)
            .unwrap();
        let chars: Vec<char> = page.text.chars().collect();
        let slice: String = chars[side.start.offset as usize..side.end.offset as usize]
            .iter()
            .collect();
        assert_eq!(slice, side.text);
    }
}

#[test]
fn the_copied_typo_is_its_own_flag() {
    let report = run(&demo_bids());
    let flag = only(&report, FlagKind::SharedTypo);
    let Evidence::SharedStrings { items } = &flag.evidence else {
        panic!()
    };
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].text, "紧跟慢压高频低副");
    assert_eq!(items[0].expected.as_deref(), Some("紧跟慢压高频低幅"));
    let places: Vec<(&str, u32)> = items[0]
        .occurrences
        .iter()
        .map(|o| (o.bidder.as_str(), o.start.page))
        .collect();
    assert_eq!(places, vec![("B03", 19), ("B05", 19)]);
    assert!(items[0]
        .occurrences
        .iter()
        .all(|o| o.context.contains("低副")));
    assert!(flag.explanation_zh.contains("低副"));
}

#[test]
fn same_author_software_and_minute_are_shown_side_by_side() {
    let report = run(&demo_bids());
    let flag = only(&report, FlagKind::MetadataMatch);
    assert_eq!(flag.strength.level, Level::Strong);
    let Evidence::Metadata { rows } = &flag.evidence else {
        panic!()
    };
    let matched: Vec<MetaField> = rows.iter().filter(|r| r.matches).map(|r| r.field).collect();
    assert_eq!(
        matched,
        vec![
            MetaField::Author,
            MetaField::Creator,
            MetaField::Producer,
            MetaField::Created,
            MetaField::Modified
        ]
    );
    let created = rows.iter().find(|r| r.field == MetaField::Created).unwrap();
    assert_eq!(created.note_zh.as_deref(), Some("相差43秒"));
}

#[test]
fn independent_bids_raise_no_text_flag() {
    let bids: Vec<BidDocument> = ["B01", "B02", "B04", "B06"]
        .iter()
        .map(|b| demo_bid(b))
        .collect();
    let (flags, summary) = screen_text(&demo_tender(), &bids, &TextSettings::default());
    assert!(flags.is_empty(), "{flags:#?}");
    // They do share text, all of it tender text, boilerplate or short.
    assert!(summary.pairs_sharing > 0);
    assert!(summary.tender_shingles > 0);
}

#[test]
fn demo_prices_raise_only_the_lowest_bid_gap_and_report_their_statistics() {
    let report = run(&demo_bids());
    let price_flags: Vec<&Flag> = report
        .flags
        .iter()
        .filter(|f| f.kind.family() == Family::Price)
        .collect();
    assert_eq!(price_flags.len(), 1, "{price_flags:#?}");
    assert_eq!(price_flags[0].kind, FlagKind::LowestBidGap);
    assert!(
        price_flags[0].explanation_zh.contains("B04"),
        "{:?}",
        price_flags[0].explanation_zh
    );
    let prices = report.prices.as_ref().unwrap();
    assert_eq!(prices.bids, 6);
    let row = |code: &str| prices.rows.iter().find(|r| r.code == code).unwrap();
    // Sample σ / μ of the six prices: 2,303,735.68 / 26,429,633.33.
    assert_eq!(
        row("coefficient_of_variation").value.unwrap().to_string(),
        "0.0872"
    );
    // (26,455,800 − 21,876,500) / σ of the five losing bids (643,964.78).
    let rd = row("relative_distance");
    assert!(rd.flagged);
    assert_eq!(rd.value.unwrap().to_string(), "7.111");
    assert_eq!(
        row("ceiling_nearest_gap_percent")
            .value
            .unwrap()
            .to_string(),
        "2.14"
    );
    // The B03/B05 group does not move the benchmark: B05 is trimmed anyway.
    assert_eq!(
        row("benchmark_gain_points").value.unwrap().to_string(),
        "0.00"
    );
}

#[test]
fn flags_do_not_depend_on_the_order_of_the_bids() {
    let bids = demo_bids();
    let mut reversed = bids.clone();
    reversed.reverse();
    let (a, b) = (run(&bids), run(&reversed));
    assert_eq!(a.flags, b.flags);
}
