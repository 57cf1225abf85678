//! Expert screens on sheets for the municipal template: an outlying score,
//! uniform scores and scoring without opening the documents.

use pingshen_rules::{BidderSheet, ExpertSheet, FactorKind, FactorScore, Rules};
use pingshen_screens::*;
use rust_decimal::Decimal;

fn rules() -> Rules {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../assets/rules/municipal-construction.toml"
    );
    Rules::from_toml(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Subjective entries totalling `total` (of 23): the top option for
/// 劳动力计划 (2) and range points taken off the maxima in half points,
/// factor by factor.
fn entries(rules: &Rules, total: Decimal) -> Vec<FactorScore> {
    let mut off = Decimal::from(23) - total;
    rules
        .factors
        .iter()
        .filter(|f| !f.objective && !matches!(f.kind, FactorKind::Price))
        .map(|f| {
            let mut e = FactorScore::new(&f.id);
            match &f.kind {
                FactorKind::Options(_) => e.option = Some("good".into()),
                _ => {
                    let cut = off.min(f.max);
                    off -= cut;
                    e.points = Some(f.max - cut);
                }
            }
            e
        })
        .collect()
}

fn sheet(rules: &Rules, expert: &str, totals: &[(&str, i64)]) -> ExpertSheet {
    ExpertSheet {
        expert: expert.into(),
        bidders: totals
            .iter()
            .map(|(b, t)| BidderSheet {
                bidder: b.to_string(),
                preliminary: vec![],
                factors: entries(rules, Decimal::from(*t)),
                adjustments: vec![],
                deviation_reasons: vec![],
            })
            .collect(),
    }
}

/// E001–E003 agree; E004 gives everyone 17; E005 gives B04 full marks.
fn sheets(rules: &Rules) -> Vec<ExpertSheet> {
    let base = [("B01", 20), ("B02", 18), ("B03", 16), ("B04", 14)];
    let mut out: Vec<ExpertSheet> = ["E001", "E002", "E003"]
        .iter()
        .map(|e| sheet(rules, e, &base))
        .collect();
    out.push(sheet(
        rules,
        "E004",
        &[("B01", 17), ("B02", 17), ("B03", 17), ("B04", 17)],
    ));
    out.push(sheet(
        rules,
        "E005",
        &[("B01", 20), ("B02", 18), ("B03", 16), ("B04", 23)],
    ));
    out
}

fn opens_except(sheets: &[ExpertSheet], missing: (&str, &str)) -> Vec<DocOpenEvent> {
    sheets
        .iter()
        .flat_map(|s| {
            s.bidders
                .iter()
                .map(move |b| (s.expert.clone(), b.bidder.clone()))
        })
        .filter(|(e, b)| (e.as_str(), b.as_str()) != missing)
        .map(|(expert, bidder)| DocOpenEvent {
            file: format!("bid-{bidder}.pdf"),
            expert,
            bidder,
            at: "2026-11-30T10:00:00+08:00".into(),
        })
        .collect()
}

#[test]
fn outlying_uniform_and_unopened_scoring_are_each_flagged_once() {
    let rules = rules();
    let sheets = sheets(&rules);
    let opens = opens_except(&sheets, ("E002", "B03"));
    let (flags, skipped) = screen_experts(&rules, &sheets, &opens, &ExpertSettings::default());
    assert!(skipped.is_empty());
    let found: Vec<(FlagKind, Vec<&str>)> = flags
        .iter()
        .map(|f| (f.kind, f.involved.iter().map(Party::id).collect()))
        .collect();
    assert_eq!(
        found,
        vec![
            (FlagKind::ExpertOutlier, vec!["B04", "E005"]),
            (FlagKind::ExpertUniformScores, vec!["E004"]),
            (FlagKind::ExpertUnopenedScoring, vec!["B03", "E002"]),
        ]
    );
    let Evidence::ExpertScores { rows } = &flags[0].evidence else {
        panic!()
    };
    // 23 against the others' (14 + 14 + 14 + 17) / 4 = 14.75: +55.93 %.
    assert_eq!(rows[0].points, Some(Decimal::from(23)));
    assert_eq!(rows[0].others_mean.unwrap().to_string(), "14.7500");
    assert_eq!(rows[0].deviation.unwrap().to_string(), "0.5593");
    assert_eq!(flags[0].strength.level, Level::Moderate);
    assert_eq!(flags[1].strength.level, Level::Moderate);
    let Evidence::ExpertScores { rows } = &flags[2].evidence else {
        panic!()
    };
    assert_eq!(rows[0].files_opened, Some(0));
}

#[test]
fn without_an_activity_log_unopened_scoring_is_skipped_not_flagged() {
    let rules = rules();
    let (flags, skipped) = screen_experts(&rules, &sheets(&rules), &[], &ExpertSettings::default());
    assert!(flags
        .iter()
        .all(|f| f.kind != FlagKind::ExpertUnopenedScoring));
    assert_eq!(skipped[0].code, "no_activity_log");
}

#[test]
fn a_looser_threshold_keeps_the_outlier_quiet() {
    let rules = rules();
    let settings = ExpertSettings {
        deviation_threshold: Some(Decimal::new(60, 2)),
        ..ExpertSettings::default()
    };
    let (flags, _) = screen_experts(&rules, &sheets(&rules), &[], &settings);
    assert!(flags.iter().all(|f| f.kind != FlagKind::ExpertOutlier));
}
