//! Price screens on planted series: a ladder, identical prices, a crowd
//! under the ceiling, a tight cluster, a lone low bid, a group pulling the
//! benchmark — and independent prices that raise none of them.

use pingshen_rules::{PriceInput, PriceRequest, Rules};
use pingshen_screens::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn request(prices: &[(&str, Decimal)], ceiling: Option<Decimal>) -> PriceRequest {
    PriceRequest {
        bids: prices
            .iter()
            .map(|(b, p)| PriceInput {
                bidder: b.to_string(),
                price: *p,
                valid_after_preliminary: true,
            })
            .collect(),
        ceiling,
        k: None,
    }
}

fn run(req: &PriceRequest) -> PriceScreens {
    screen_prices(req, None, &[], &PriceSettings::default()).unwrap()
}

fn kinds(result: &PriceScreens) -> Vec<FlagKind> {
    result.flags.iter().map(|f| f.kind).collect()
}

/// The one flag of `kind`.
fn one(result: &PriceScreens, kind: FlagKind) -> &Flag {
    let found: Vec<&Flag> = result.flags.iter().filter(|f| f.kind == kind).collect();
    assert_eq!(found.len(), 1, "{kind:?}: {:#?}", result.flags);
    found[0]
}

fn evidence(flag: &Flag) -> &PriceEvidence {
    match &flag.evidence {
        Evidence::Prices(p) => p,
        other => panic!("{other:?}"),
    }
}

/// Independent-looking prices: priced to the fen, spread over 10 %.
const INDEPENDENT: [(&str, Decimal); 6] = [
    ("B01", dec!(27365214.37)),
    ("B02", dec!(26980533.12)),
    ("B03", dec!(27911958.64)),
    ("B04", dec!(25870317.05)),
    ("B05", dec!(27988046.91)),
    ("B06", dec!(26455790.28)),
];

#[test]
fn independent_prices_raise_no_flag() {
    let result = run(&request(&INDEPENDENT, Some(dec!(28600000))));
    assert!(result.flags.is_empty(), "{:#?}", result.flags);
    let codes: Vec<&str> = result
        .statistics
        .rows
        .iter()
        .map(|r| r.code.as_str())
        .collect();
    assert!(codes.contains(&"coefficient_of_variation") && codes.contains(&"relative_distance"));
}

#[test]
fn an_arithmetic_ladder_is_flagged_with_its_members() {
    let prices = [
        ("B01", dec!(26000000.00)),
        ("B02", dec!(26260000.00)),
        ("B03", dec!(26520000.00)),
        ("B04", dec!(26780000.00)),
        ("B05", dec!(25432117.35)),
        ("B06", dec!(27915466.80)),
    ];
    let result = run(&request(&prices, None));
    assert_eq!(kinds(&result), vec![FlagKind::PriceLadder]);
    let flag = &result.flags[0];
    assert_eq!(flag.bidders(), vec!["B01", "B02", "B03", "B04"]);
    assert_eq!(flag.strength.level, Level::Strong);
    let ev = evidence(flag);
    assert_eq!(ev.comparison, Comparison::AtMost);
    assert!(ev.value < ev.threshold);
    let marked: Vec<&str> = ev
        .series
        .iter()
        .filter(|p| p.marked)
        .map(|p| p.bidder.as_str())
        .collect();
    assert_eq!(marked, vec!["B01", "B02", "B03", "B04"]);
    assert!(ev.details_zh.iter().any(|d| d.contains("260,000.00")));
    assert!(ev.source.contains("第四十条"));
}

#[test]
fn a_geometric_ladder_within_rounding_is_flagged() {
    // Each 2 % above the last, rounded to the yuan.
    let prices = [
        ("B01", dec!(25000000)),
        ("B02", dec!(25500000)),
        ("B03", dec!(26010000)),
        ("B04", dec!(26530200)),
        ("B05", dec!(24107311.42)),
        ("B06", dec!(27866530.19)),
    ];
    let result = run(&request(&prices, None));
    assert_eq!(kinds(&result), vec![FlagKind::PriceLadder]);
    assert!(evidence(&result.flags[0]).details_zh[0].starts_with("等比"));
}

#[test]
fn round_prices_that_happen_to_be_evenly_spaced_are_not_a_ladder() {
    // Quotes in ten-thousands: three evenly spaced ones are likely by chance.
    let prices = [
        ("B01", dec!(1200000)),
        ("B02", dec!(1250000)),
        ("B03", dec!(1300000)),
        ("B04", dec!(1420000)),
        ("B05", dec!(1180000)),
    ];
    let result = run(&request(&prices, None));
    assert!(!kinds(&result).contains(&FlagKind::PriceLadder));
    let row = result
        .statistics
        .rows
        .iter()
        .find(|r| r.code == "price_ladder")
        .unwrap();
    assert!(!row.flagged && row.value.unwrap() > dec!(0.01), "{row:?}");
}

#[test]
fn identical_prices_are_flagged() {
    let mut prices = INDEPENDENT.to_vec();
    prices[4].1 = prices[0].1;
    let result = run(&request(&prices, None));
    assert_eq!(kinds(&result), vec![FlagKind::IdenticalPrices]);
    assert_eq!(result.flags[0].bidders(), vec!["B01", "B05"]);
}

#[test]
fn a_crowd_under_the_ceiling_is_flagged() {
    let prices = [
        ("B01", dec!(9951230.00)),
        ("B02", dec!(9933871.50)),
        ("B03", dec!(9987402.10)),
        ("B04", dec!(9402116.75)),
    ];
    let result = run(&request(&prices, Some(dec!(10000000))));
    let crowd = one(&result, FlagKind::CeilingCluster);
    assert_eq!(crowd.bidders(), vec!["B01", "B02", "B03"]);
    assert_eq!(evidence(crowd).value, dec!(0.7500));
}

#[test]
fn a_tight_cluster_lowers_the_coefficient_of_variation() {
    let prices = [
        ("B01", dec!(10012345.67)),
        ("B02", dec!(9987654.32)),
        ("B03", dec!(10003210.98)),
        ("B04", dec!(9995432.10)),
        ("B05", dec!(10021098.76)),
    ];
    let result = run(&request(&prices, None));
    let cv = one(&result, FlagKind::LowPriceDispersion);
    assert_eq!(cv.strength.level, Level::Moderate);
    assert!(evidence(cv).value < dec!(0.005));
}

#[test]
fn a_lone_low_bid_before_tight_cover_bids_is_flagged() {
    let prices = [
        ("B01", dec!(9000000.00)),
        ("B02", dec!(10000000.00)),
        ("B03", dec!(10010000.00)),
        ("B04", dec!(9995000.00)),
        ("B05", dec!(10005000.00)),
        ("B06", dec!(10002000.00)),
    ];
    let result = run(&request(&prices, None));
    let gap = one(&result, FlagKind::LowestBidGap);
    let ev = evidence(gap);
    assert_eq!(ev.comparison, Comparison::AtLeast);
    // n = 6 at the default 1 % rate.
    assert_eq!(ev.threshold, dec!(5.629));
    assert!(ev.value > dec!(100));
    let marked: Vec<&str> = ev
        .series
        .iter()
        .filter(|p| p.marked)
        .map(|p| p.bidder.as_str())
        .collect();
    assert_eq!(marked, vec!["B01", "B04"]);
}

fn municipal() -> Rules {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/rules/municipal-construction.toml"
    );
    Rules::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn a_group_pulling_the_benchmark_towards_its_member_is_flagged() {
    // B05 (trimmed as the lowest), B07, B08 and B09 drag the trimmed mean
    // down towards B03: 59.55 points with them, 58.27 without. Removing
    // one outsider moves an outsider's score by about 0.6 points only.
    let prices = [
        ("B01", dec!(27400000)),
        ("B02", dec!(27500000)),
        ("B04", dec!(27600000)),
        ("B06", dec!(27800000)),
        ("B03", dec!(25900000)),
        ("B05", dec!(25500000)),
        ("B07", dec!(25700000)),
        ("B08", dec!(25800000)),
        ("B09", dec!(25850000)),
    ];
    let req = request(&prices, Some(dec!(28600000)));
    let rules = municipal();
    let ring = vec![
        "B03".to_string(),
        "B05".into(),
        "B07".into(),
        "B08".into(),
        "B09".into(),
    ];
    let outsiders = vec!["B01".to_string(), "B02".into()];
    let result = screen_prices(
        &req,
        Some(&rules),
        &[ring, outsiders],
        &PriceSettings::default(),
    )
    .unwrap();
    let pulls = one(&result, FlagKind::BenchmarkPull);
    assert_eq!(pulls.bidders(), vec!["B03", "B05", "B07", "B08", "B09"]);
    let ev = evidence(pulls);
    assert_eq!(ev.value, dec!(1.28));
    assert!(pulls.title_zh.contains("B03"));
    // Both groups were measured; only the ring gains enough.
    let gains: Vec<&PriceStat> = result
        .statistics
        .rows
        .iter()
        .filter(|r| r.code == "benchmark_gain_points")
        .collect();
    assert_eq!(gains.len(), 2);
    assert_eq!(gains.iter().filter(|r| r.flagged).count(), 1);
}

#[test]
fn without_rules_the_benchmark_screen_says_why_it_did_not_run() {
    let result = run(&request(&INDEPENDENT, None));
    assert_eq!(result.skipped.len(), 1);
    assert_eq!(result.skipped[0].code, "rules_missing");
}

#[test]
fn bad_prices_are_errors_with_codes() {
    let mut dup = request(&INDEPENDENT, None);
    dup.bids[1].bidder = "B01".into();
    let e = screen_prices(&dup, None, &[], &PriceSettings::default()).unwrap_err();
    assert_eq!(e.code(), "duplicate_bidder");
    assert!(e.to_string().contains("B01"));

    let mut zero = request(&INDEPENDENT, None);
    zero.bids[2].price = Decimal::ZERO;
    assert_eq!(
        screen_prices(&zero, None, &[], &PriceSettings::default())
            .unwrap_err()
            .code(),
        "non_positive_price"
    );

    let mut huge = request(&INDEPENDENT, None);
    huge.bids[0].price = dec!(1e20);
    assert_eq!(
        screen_prices(&huge, None, &[], &PriceSettings::default())
            .unwrap_err()
            .code(),
        "price_too_large"
    );

    let bad_ceiling = request(&INDEPENDENT, Some(dec!(-1)));
    assert_eq!(
        screen_prices(&bad_ceiling, None, &[], &PriceSettings::default())
            .unwrap_err()
            .code(),
        "invalid_ceiling"
    );
}

#[test]
fn too_few_bids_leave_the_statistics_uncomputed() {
    let result = run(&request(&INDEPENDENT[..3], None));
    assert!(result.flags.is_empty());
    let cv = result
        .statistics
        .rows
        .iter()
        .find(|r| r.code == "coefficient_of_variation")
        .unwrap();
    assert!(cv.value.is_none() && cv.note_zh.is_some());
}
