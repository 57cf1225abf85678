//! Panel aggregation: majority in preliminary review, trimmed means,
//! objective agreement, deviation reasons, evaluated prices and ranking.
//! Expected numbers are worked out by hand in the comments.

use crate::common::{bidder_sheet, d, request, sheet};
use pingshen_rules::motion::{
    rejections, AbnormalPriceDecision, MotionOutcome, ACCEPT_EXPLANATION, REJECT_BID,
};
use pingshen_rules::{
    aggregate, aggregate_with, expert_view, AdjustmentEntry, DeviationReason, ExpertSheet,
    FlagKind, LotOutcome, PanelStatus, Rules, TieBreak,
};

const SMALL: &str = r#"
version = 1
tie_break = ["lower_price", "higher_technical", "lots"]

[meta]
id = "panel-test"
name = "汇总测试"
method = "comprehensive"
total = "100"

[panel]
size = 5
aggregation = "drop_extremes"
drop_extremes_min_size = 5
deviation_threshold = "0.30"

[[preliminary]]
id = "form.signature"
stage = "form"
name = "签字盖章"

[[preliminary]]
id = "qual.grade"
stage = "qualification"
name = "资质等级"

[[factors]]
id = "tech.plan"
name = "施工方案"
group = "technical"
kind = "range"
max = "30"
step = "1"

[[factors]]
id = "biz.record"
name = "企业业绩"
group = "business"
kind = "options"
max = "10"
objective = true
options = [
  { id = "a", label = "3项以上", points = "10" },
  { id = "b", label = "1～2项", points = "5" },
  { id = "c", label = "无", points = "0" },
]

[[factors]]
id = "price.bid"
name = "投标报价"
group = "price"
kind = "price"
max = "60"

[price]
method = "lowest_price"
"#;

const LOWEST: &str = include_str!("../../../../assets/rules/lowest-evaluated-price.toml");

fn small() -> Rules {
    Rules::from_toml(SMALL).unwrap()
}

/// Five experts on bidders A, B, C, D.
/// - D fails qual.grade with E1, E2, E3 (3 of 5, a majority) → out.
/// - C fails form.signature with E4 only (1 of 5) → stays in.
/// - tech.plan A: 20 22 24 26 10 → drop E5's 10 and E4's 26 → (20+22+24)/3 = 22.00.
///   Panel mean 102/5 = 20.4; E5 is 10.4 away > 30% × 20.4 = 6.12 → flag.
/// - tech.plan B: all 25 → 25.00. C: 20 21 22 23 24 → drop 20, 24 → 22.00.
/// - biz.record: A "a" → 10; B "b" → 5; C "a" → 10.
/// - prices A 100, B 120, C 110, D 90 (D out, so B = 100):
///   A 60.00; B 100/120 × 60 = 50.00; C 100/110 × 60 = 54.5454… → 54.55.
/// - totals: A 22 + 10 + 60 = 92.00; B 25 + 5 + 50 = 80.00; C 22 + 10 + 54.55 = 86.55.
fn five_sheets(rules: &Rules) -> Vec<ExpertSheet> {
    let tech_a = ["20", "22", "24", "26", "10"];
    let tech_c = ["20", "21", "22", "23", "24"];
    (0..5)
        .map(|i| {
            let e = format!("E{}", i + 1);
            let d_fails: &[&str] = if i < 3 { &["qual.grade"] } else { &[] };
            let c_fails: &[&str] = if i == 3 { &["form.signature"] } else { &[] };
            let mut a = bidder_sheet(
                rules,
                "A",
                &[],
                &[("tech.plan", tech_a[i]), ("biz.record", "a")],
            );
            if i == 4 {
                a.deviation_reasons.push(DeviationReason {
                    factor: "tech.plan".into(),
                    reason: "施工方案未考虑雨季施工，交通导改不可行".into(),
                });
            }
            sheet(
                &e,
                vec![
                    a,
                    bidder_sheet(rules, "B", &[], &[("tech.plan", "25"), ("biz.record", "b")]),
                    bidder_sheet(
                        rules,
                        "C",
                        c_fails,
                        &[("tech.plan", tech_c[i]), ("biz.record", "a")],
                    ),
                    bidder_sheet(
                        rules,
                        "D",
                        d_fails,
                        &[("tech.plan", "28"), ("biz.record", "a")],
                    ),
                ],
            )
        })
        .collect()
}

fn prices() -> pingshen_rules::PriceRequest {
    request(
        &[("A", "100"), ("B", "120"), ("C", "110"), ("D", "90")],
        None,
        None,
    )
}

#[test]
fn panel_aggregates_and_ranks() {
    let rules = small();
    let r = aggregate(&rules, &five_sheets(&rules), Some(&prices()), &[]).unwrap();
    let res = |b: &str| r.bidders.iter().find(|x| x.bidder == b).unwrap();

    assert!(!res("D").passed, "D failed by the majority");
    assert!(res("C").passed, "one expert's fail is not a majority");
    let d_pre = r.preliminary.iter().find(|p| p.bidder == "D").unwrap();
    assert_eq!(d_pre.criteria[0].fails, 3);
    assert!(d_pre.criteria[0].failed);
    assert_eq!(r.qualified, vec!["A", "B", "C"]);

    let a_tech = res("A")
        .factors
        .iter()
        .find(|f| f.factor == "tech.plan")
        .unwrap();
    assert_eq!(a_tech.points, d("22.00"));
    assert_eq!(a_tech.dropped, vec!["E5", "E4"]);
    assert_eq!(res("C").factors[0].points, d("22.00"));

    assert_eq!(res("A").price_score, Some(d("60.00")));
    assert_eq!(res("B").price_score, Some(d("50.00")));
    assert_eq!(res("C").price_score, Some(d("54.55")));
    assert_eq!(res("D").price_score, None);
    assert_eq!(res("A").total, Some(d("92.00")));
    assert_eq!(res("B").total, Some(d("80.00")));
    assert_eq!(res("C").total, Some(d("86.55")));

    let order: Vec<(&str, u32)> = r
        .ranking
        .entries
        .iter()
        .map(|e| (e.bidder.as_str(), e.rank))
        .collect();
    assert_eq!(order, vec![("A", 1), ("C", 2), ("B", 3)]);

    // E5's deviation is flagged but explained, so it does not block.
    let dev: Vec<_> = r
        .flags
        .iter()
        .filter(|f| f.kind == FlagKind::DeviationOverThreshold)
        .collect();
    assert_eq!(dev.len(), 1);
    assert_eq!(dev[0].expert.as_deref(), Some("E5"));
    assert!(!dev[0].blocking);
    assert_eq!(r.status, PanelStatus::Final);
    assert!(r
        .prose_zh
        .iter()
        .any(|l| l.contains("投标人 D 初步评审未通过")));
    r.recheck().unwrap();
}

/// The panel rejects A (the lowest valid price) by vote after an
/// abnormal-price review: A fails the preliminary review with the decision
/// cited, C's 110 becomes the benchmark (60 points), B gets 110/120 × 60 =
/// 55.00; totals C 32 + 60 = 92.00, B 30 + 55 = 85.00; C ranks first.
#[test]
fn a_bid_rejected_by_the_panel_is_out_and_prices_and_ranking_recompute() {
    let rules = small();
    let rejections = rejections(&[
        AbnormalPriceDecision {
            bidder: "A",
            text: "A 的书面说明是否足以证明报价合理？",
            outcome: &MotionOutcome::Carried {
                option: REJECT_BID.into(),
            },
            outcome_zh: "在席专家 5 人，“否决投标” 3 票，表决通过。",
        },
        // An accepted explanation rejects nothing.
        AbnormalPriceDecision {
            bidder: "C",
            text: "C 的书面说明是否足以证明报价合理？",
            outcome: &MotionOutcome::Carried {
                option: ACCEPT_EXPLANATION.into(),
            },
            outcome_zh: "表决通过。",
        },
    ]);
    assert_eq!(rejections.len(), 1);
    let r = aggregate_with(
        &rules,
        &five_sheets(&rules),
        Some(&prices()),
        &[],
        &rejections,
        None,
    )
    .unwrap();
    let res = |b: &str| r.bidders.iter().find(|x| x.bidder == b).unwrap();
    let a_pre = r.preliminary.iter().find(|p| p.bidder == "A").unwrap();
    assert!(!a_pre.passed);
    assert!(a_pre
        .rejected
        .as_deref()
        .unwrap()
        .contains("经评标委员会表决否决投标"));
    assert_eq!(res("A").price_score, None);
    assert_eq!(res("C").price_score, Some(d("60.00")));
    assert_eq!(res("B").price_score, Some(d("55.00")));
    assert_eq!(res("C").total, Some(d("92.00")));
    assert_eq!(res("B").total, Some(d("85.00")));
    let order: Vec<&str> = r
        .ranking
        .entries
        .iter()
        .map(|e| e.bidder.as_str())
        .collect();
    assert_eq!(order, ["C", "B"]);
    assert!(
        r.prose_zh
            .iter()
            .any(|l| l.contains("投标人 A 经评标委员会表决否决投标")),
        "{:?}",
        r.prose_zh
    );
    r.recheck().unwrap();
}

#[test]
fn a_tampered_panel_result_fails_the_recheck() {
    let rules = small();
    let r = aggregate(&rules, &five_sheets(&rules), Some(&prices()), &[]).unwrap();
    r.recheck().unwrap();

    let mut bad = r.clone();
    bad.bidders[0].factors[0].points += d("0.01");
    assert!(bad.recheck().unwrap_err().has("explanation_mismatch"));

    let mut bad = r.clone();
    bad.bidders[0].factors[0].dropped.clear();
    assert!(bad.recheck().is_err());

    let mut bad = r.clone();
    bad.ranking.entries.swap(0, 1);
    assert!(bad.recheck().is_err());

    let mut bad = r;
    if let Some(p) = bad.price.as_mut() {
        p.bids[0].score = Some(d("59.99"));
    }
    assert!(bad.recheck().is_err());
}

#[test]
fn a_deviation_without_reason_keeps_the_result_provisional() {
    let rules = small();
    let mut sheets = five_sheets(&rules);
    sheets[4].bidders[0].deviation_reasons.clear();
    let r = aggregate(&rules, &sheets, Some(&prices()), &[]).unwrap();
    let flag = r
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::DeviationOverThreshold)
        .unwrap();
    assert!(flag.blocking);
    assert_eq!(r.status, PanelStatus::Provisional);
}

/// E2 gives A only "b" (5) on the objective factor: flagged, not averaged
/// away silently; the provisional value is the mean (10×4 + 5)/5 = 9.00.
#[test]
fn objective_disagreement_is_flagged() {
    let rules = small();
    let mut sheets = five_sheets(&rules);
    sheets[1].bidders[0] = bidder_sheet(
        &rules,
        "A",
        &[],
        &[("tech.plan", "22"), ("biz.record", "b")],
    );
    let r = aggregate(&rules, &sheets, Some(&prices()), &[]).unwrap();
    let flag = r
        .flags
        .iter()
        .find(|f| f.kind == FlagKind::ObjectiveDisagreement)
        .unwrap();
    assert_eq!(flag.bidder.as_deref(), Some("A"));
    assert!(flag.blocking);
    assert_eq!(r.status, PanelStatus::Provisional);
    let a = r.bidders.iter().find(|x| x.bidder == "A").unwrap();
    assert_eq!(
        a.factors
            .iter()
            .find(|f| f.factor == "biz.record")
            .unwrap()
            .points,
        d("9.00")
    );
}

/// B and C get identical sheets and prices: the total ties, lower price
/// ties, higher technical ties, and lots decide. Without a recorded draw
/// the tie stays open; with one it settles the order.
#[test]
fn ties_go_through_the_order_and_end_in_lots() {
    let rules = small();
    let sheets: Vec<ExpertSheet> = (1..=5)
        .map(|i| {
            sheet(
                &format!("E{i}"),
                ["A", "B", "C"]
                    .iter()
                    .map(|b| {
                        bidder_sheet(&rules, b, &[], &[("tech.plan", "20"), ("biz.record", "a")])
                    })
                    .collect(),
            )
        })
        .collect();
    let req = request(&[("A", "100"), ("B", "110"), ("C", "110")], None, None);
    let r = aggregate(&rules, &sheets, Some(&req), &[]).unwrap();
    assert_eq!(
        r.ranking.unresolved,
        vec![vec!["B".to_string(), "C".to_string()]]
    );
    let ranks: Vec<u32> = r.ranking.entries.iter().map(|e| e.rank).collect();
    assert_eq!(ranks, vec![1, 2, 2]);
    let rules_used: Vec<TieBreak> = r.ranking.trace.iter().map(|s| s.rule).collect();
    assert_eq!(
        rules_used,
        vec![
            TieBreak::LowerPrice,
            TieBreak::HigherTechnical,
            TieBreak::Lots
        ]
    );
    assert_eq!(r.status, PanelStatus::Provisional);

    let lots = [LotOutcome {
        bidders: vec!["C".into(), "B".into()],
    }];
    let r = aggregate(&rules, &sheets, Some(&req), &lots).unwrap();
    let order: Vec<(&str, u32)> = r
        .ranking
        .entries
        .iter()
        .map(|e| (e.bidder.as_str(), e.rank))
        .collect();
    assert_eq!(order, vec![("A", 1), ("C", 2), ("B", 3)]);
    assert!(r.ranking.unresolved.is_empty());
    assert_eq!(r.status, PanelStatus::Final);

    let stray = [LotOutcome {
        bidders: vec!["A".into(), "B".into()],
    }];
    assert!(aggregate(&rules, &sheets, Some(&req), &stray)
        .unwrap_err()
        .has("lot_unused"));
}

/// A lower price settles a tie in total before anything else.
/// A: tech 20 + a 10 + 60.00 = 90.00 at price 100. B at 80 takes B = 80:
/// A's price score becomes 80/100 × 60 = 48.00, so make A's tech 30 and B's
/// tech 8: A 30 + 10 + 48 = 88.00; B 8 + 10 + 60 + ... = 78 — not a tie.
/// Instead: A tech 22, option b (5), price 100 → 22 + 5 + 48 = 75.00;
/// B tech 10, option b (5), price 80 → 10 + 5 + 60 = 75.00. Tie → B cheaper.
#[test]
fn lower_price_breaks_a_tie_in_total() {
    let rules = small();
    let sheets: Vec<ExpertSheet> = (1..=5)
        .map(|i| {
            sheet(
                &format!("E{i}"),
                vec![
                    bidder_sheet(
                        &rules,
                        "A",
                        &[],
                        &[("tech.plan", "22"), ("biz.record", "b")],
                    ),
                    bidder_sheet(
                        &rules,
                        "B",
                        &[],
                        &[("tech.plan", "10"), ("biz.record", "b")],
                    ),
                ],
            )
        })
        .collect();
    let req = request(&[("A", "100"), ("B", "80")], None, None);
    let r = aggregate(&rules, &sheets, Some(&req), &[]).unwrap();
    let order: Vec<(&str, u32, String)> = r
        .ranking
        .entries
        .iter()
        .map(|e| (e.bidder.as_str(), e.rank, e.key.to_string()))
        .collect();
    assert_eq!(
        order,
        vec![("B", 1, "75.00".into()), ("A", 2, "75.00".into())]
    );
    assert_eq!(r.ranking.trace.len(), 1);
    assert_eq!(r.ranking.trace[0].rule, TieBreak::LowerPrice);
}

#[test]
fn sheets_for_different_bidders_or_missing_prices_are_refused() {
    let rules = small();
    let mut sheets = five_sheets(&rules);
    sheets[2].bidders.pop();
    assert!(aggregate(&rules, &sheets, Some(&prices()), &[])
        .unwrap_err()
        .has("bidder_set_mismatch"));
    let sheets = five_sheets(&rules);
    assert!(aggregate(&rules, &sheets, None, &[])
        .unwrap_err()
        .has("prices_missing"));
    let fewer = request(&[("A", "100")], None, None);
    assert!(aggregate(&rules, &sheets, Some(&fewer), &[])
        .unwrap_err()
        .has("price_bidders_mismatch"));
    let mut dup = five_sheets(&rules);
    dup[1].expert = "E1".into();
    assert!(aggregate(&rules, &dup, Some(&prices()), &[])
        .unwrap_err()
        .has("duplicate_expert"));
    assert!(aggregate(&rules, &[], Some(&prices()), &[])
        .unwrap_err()
        .has("no_sheets"));
}

#[test]
fn a_small_panel_is_noted_and_uses_the_plain_mean() {
    let rules = small();
    let sheets: Vec<ExpertSheet> = five_sheets(&rules).into_iter().take(3).collect();
    let r = aggregate(&rules, &sheets, Some(&prices()), &[]).unwrap();
    assert!(r
        .flags
        .iter()
        .any(|f| f.kind == FlagKind::PanelSizeMismatch && !f.blocking));
    // 3 experts < drop_extremes_min_size 5: A's tech = (20+22+24)/3 = 22.00, nothing dropped.
    let a = r.bidders.iter().find(|x| x.bidder == "A").unwrap();
    assert!(a.factors[0].dropped.is_empty());
    assert_eq!(a.factors[0].points, d("22.00"));
    // D: 3 of 3 fail → out; C: nobody of the first three failed it.
    assert!(!r.bidders.iter().find(|x| x.bidder == "D").unwrap().passed);
}

fn lowest_sheets(rules: &Rules, p2_tech: &[&str]) -> Vec<ExpertSheet> {
    (0..5)
        .map(|i| {
            let mut p2 = bidder_sheet(rules, "P2", &[], &[]);
            p2.adjustments.push(AdjustmentEntry {
                adjustment: "adj.tech_deviation".into(),
                quantity: d(p2_tech[i]),
                reason: Some("两项技术标准非实质性偏差".into()),
            });
            let mut p3 = bidder_sheet(rules, "P3", &[], &[]);
            p3.adjustments.push(AdjustmentEntry {
                adjustment: "adj.warranty_extension".into(),
                quantity: d("2"),
                reason: Some("承诺保修期延长两年".into()),
            });
            sheet(
                &format!("E{}", i + 1),
                vec![bidder_sheet(rules, "P1", &[], &[]), p2, p3],
            )
        })
        .collect()
}

/// 经评审的最低投标价法 template. P1 1 000 000, no adjustment → 1 000 000.00.
/// P2 980 000 with 2 technical deviations at 1% each → + 19 600 → 999 600.00.
/// P3 1 010 000 with 2 extra warranty years at −50 000 → 910 000.00.
/// Lowest evaluated price first: P3, P2, P1.
#[test]
fn lowest_evaluated_price_ranks_by_adjusted_price() {
    let rules = Rules::from_toml(LOWEST).unwrap();
    let req = request(
        &[("P1", "1000000"), ("P2", "980000"), ("P3", "1010000")],
        None,
        None,
    );
    let r = aggregate(&rules, &lowest_sheets(&rules, &["2"; 5]), Some(&req), &[]).unwrap();
    let ev = |b: &str| {
        r.bidders
            .iter()
            .find(|x| x.bidder == b)
            .unwrap()
            .evaluated_price
    };
    assert_eq!(ev("P1"), Some(d("1000000.00")));
    assert_eq!(ev("P2"), Some(d("999600.00")));
    assert_eq!(ev("P3"), Some(d("910000.00")));
    let order: Vec<&str> = r
        .ranking
        .entries
        .iter()
        .map(|e| e.bidder.as_str())
        .collect();
    assert_eq!(order, vec!["P3", "P2", "P1"]);
    r.recheck().unwrap();
    let mut bad = r.clone();
    bad.bidders[1].adjustments[0].amount += d("1");
    assert!(bad.recheck().is_err());
    assert_eq!(r.status, PanelStatus::Final);
}

/// One expert counts 1 deviation instead of 2: flagged; the provisional
/// quantity is (2×4 + 1)/5 = 1.8 → 980 000 × 1% × 1.8 = 17 640 → 997 640.00.
#[test]
fn adjustment_disagreement_is_flagged() {
    let rules = Rules::from_toml(LOWEST).unwrap();
    let req = request(
        &[("P1", "1000000"), ("P2", "980000"), ("P3", "1010000")],
        None,
        None,
    );
    let r = aggregate(
        &rules,
        &lowest_sheets(&rules, &["2", "2", "1", "2", "2"]),
        Some(&req),
        &[],
    )
    .unwrap();
    assert!(r
        .flags
        .iter()
        .any(|f| f.kind == FlagKind::AdjustmentDisagreement && f.blocking));
    let p2 = r.bidders.iter().find(|x| x.bidder == "P2").unwrap();
    assert_eq!(p2.evaluated_price, Some(d("997640.00")));
    r.recheck().unwrap();
    assert_eq!(r.status, PanelStatus::Provisional);
}

/// The ceiling excludes a bid from the lowest-evaluated ranking too.
#[test]
fn lowest_evaluated_price_respects_the_ceiling() {
    let rules = Rules::from_toml(LOWEST).unwrap();
    let req = request(
        &[("P1", "1000000"), ("P2", "980000"), ("P3", "1010000")],
        Some("1005000"),
        None,
    );
    let r = aggregate(&rules, &lowest_sheets(&rules, &["2"; 5]), Some(&req), &[]).unwrap();
    let order: Vec<&str> = r
        .ranking
        .entries
        .iter()
        .map(|e| e.bidder.as_str())
        .collect();
    assert_eq!(order, vec!["P2", "P1"]);
    assert!(!r.qualified.contains(&"P3".to_string()));
}

#[test]
fn qualification_lists_the_bidders_that_pass() {
    let text = r#"
version = 1
[meta]
id = "prequal"
name = "资格预审合格制"
method = "qualification"
[panel]
size = 3
[[preliminary]]
id = "qual.grade"
stage = "qualification"
name = "资质等级"
[[preliminary]]
id = "qual.finance"
stage = "qualification"
name = "财务状况"
"#;
    let rules = Rules::from_toml(text).unwrap();
    let sheets: Vec<ExpertSheet> = (1..=3)
        .map(|i| {
            let fails: &[&str] = if i >= 2 { &["qual.finance"] } else { &[] };
            sheet(
                &format!("E{i}"),
                vec![
                    bidder_sheet(&rules, "Q1", &[], &[]),
                    bidder_sheet(&rules, "Q2", fails, &[]),
                ],
            )
        })
        .collect();
    let r = aggregate(&rules, &sheets, None, &[]).unwrap();
    assert_eq!(r.qualified, vec!["Q1"]);
    assert!(r.ranking.entries.is_empty());
    assert_eq!(r.status, PanelStatus::Final);
}

/// One expert's own view: A = 20 + 10 + 60.00 = 90.00 (E1), C = 20 + 10 +
/// 54.55 = 84.55, B = 25 + 5 + 50.00 = 80.00; D failed by this expert.
#[test]
fn expert_view_totals_one_sheet() {
    let rules = small();
    let sheets = five_sheets(&rules);
    let mut req = prices();
    req.bids[3].valid_after_preliminary = false;
    let price = pingshen_rules::compute_prices(&rules, &req).unwrap();
    let v = expert_view(&rules, &sheets[0], Some(&price)).unwrap();
    let total = |b: &str| v.bidders.iter().find(|x| x.bidder == b).unwrap().total;
    assert_eq!(total("A"), Some(d("90.00")));
    assert_eq!(total("B"), Some(d("80.00")));
    assert_eq!(total("C"), Some(d("84.55")));
    assert_eq!(total("D"), None);
    assert!(v.bidders.iter().all(|b| b.complete));
    let order: Vec<&str> = v
        .ranking
        .entries
        .iter()
        .map(|e| e.bidder.as_str())
        .collect();
    assert_eq!(order, vec!["A", "C", "B"]);

    // A draft with a missing factor is incomplete but still totals.
    let mut draft = sheets[0].clone();
    draft.bidders[0].factors.pop();
    let v = expert_view(&rules, &draft, Some(&price)).unwrap();
    let a = v.bidders.iter().find(|x| x.bidder == "A").unwrap();
    assert!(!a.complete);
    assert_eq!(a.total, Some(d("80.00")));
}

#[test]
fn panel_result_json_round_trips() {
    let rules = small();
    let r = aggregate(&rules, &five_sheets(&rules), Some(&prices()), &[]).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    let back: pingshen_rules::PanelResult = serde_json::from_str(&json).unwrap();
    assert_eq!(back, r);
    assert!(json.contains("\"status\":\"final\""));
}

/// SMALL with a credit factor (5 points) taken from the price's 60.
fn with_credit() -> Rules {
    Rules::from_toml(&with_credit_toml()).unwrap()
}

fn with_credit_toml() -> String {
    SMALL.replace(
        "kind = \"price\"\nmax = \"60\"",
        "kind = \"price\"\nmax = \"55\"",
    ) + r#"
[[factors]]
id = "biz.credit"
name = "企业信用"
group = "business"
kind = "credit"
max = "5"
objective = true

[factors.credit]
grades = [{ grade = "AAA", points = "5" }, { grade = "AA", points = "3" }]
ungraded_points = "1"
per_record = "1"
lookback_days = 365
cap = "2"
"#
}

fn credit_records() -> pingshen_rules::credit::CreditRecords {
    serde_json::from_value(serde_json::json!({
        "as_of": "2026-12-03",
        "bidders": [
            { "bidder": "A", "grade": "AAA", "records": [] },
            { "bidder": "B", "grade": "AA", "records": [
                { "id": "R-1", "source": "武汉市住建局", "date": "2026-06-01", "description": "安全文明施工不到位" },
                { "id": "R-0", "source": "武汉市住建局", "date": "2024-06-01", "description": "超出回溯期" }
            ]}
        ]
    }))
    .unwrap()
}

/// Credit points come from the records, never from a sheet: A AAA → 5;
/// B AA less one record in the year → 2 (the 2024 record is out of the
/// window); C has no record at all → ungraded 1. Prices at 55: A 55.00,
/// B 100/120 × 55 = 45.83, C 100/110 × 55 = 50.00. Totals: A 22 + 10 + 5 +
/// 55 = 92.00; B 25 + 5 + 2 + 45.83 = 77.83; C 22 + 10 + 1 + 50 = 83.00.
#[test]
fn credit_points_are_computed_from_the_records_and_explained() {
    let rules = with_credit();
    let records = credit_records();
    let r = pingshen_rules::aggregate_with(
        &rules,
        &five_sheets(&rules),
        Some(&prices()),
        &[],
        &[],
        Some(&records),
    )
    .unwrap();
    let res = |b: &str| r.bidders.iter().find(|x| x.bidder == b).unwrap();
    let credit = |b: &str| {
        res(b)
            .factors
            .iter()
            .find(|f| f.factor == "biz.credit")
            .unwrap()
            .points
    };
    assert_eq!(
        (credit("A"), credit("B"), credit("C")),
        (d("5"), d("2"), d("1"))
    );
    assert_eq!(res("A").total, Some(d("92.00")));
    assert_eq!(res("B").total, Some(d("77.83")));
    assert_eq!(res("C").total, Some(d("83.00")));
    let b = r.credit.iter().find(|c| c.bidder == "B").unwrap();
    assert_eq!(b.counted, ["R-1"]);
    assert!(
        r.prose_zh
            .iter()
            .any(|l| l.contains("B：信用等级 AA，得 3 分") && l.contains("信用分 2 分")),
        "{:?}",
        r.prose_zh
    );
    r.recheck().unwrap();

    // Without the records the panel cannot total: said, not guessed.
    let e = pingshen_rules::aggregate_with(
        &rules,
        &five_sheets(&rules),
        Some(&prices()),
        &[],
        &[],
        None,
    )
    .unwrap_err();
    assert_eq!(e.0[0].code, "credit_records_missing");
}

#[test]
fn an_expert_may_not_score_a_credit_factor() {
    let rules = with_credit();
    let mut sheets = five_sheets(&rules);
    sheets[0].bidders[0]
        .factors
        .push(pingshen_rules::FactorScore {
            points: Some(d("5")),
            ..pingshen_rules::FactorScore::new("biz.credit")
        });
    let e = pingshen_rules::aggregate_with(
        &rules,
        &sheets,
        Some(&prices()),
        &[],
        &[],
        Some(&credit_records()),
    )
    .unwrap_err();
    assert!(
        e.0.iter().any(|d| d.code == "credit_factor_in_sheet"),
        "{e:?}"
    );
}

#[test]
fn a_credit_rule_is_validated() {
    let bad = with_credit_toml().replace("lookback_days = 365", "lookback_days = 0");
    let e = Rules::from_toml(&bad).unwrap_err();
    assert!(
        e.0.iter().any(|d| d.path.ends_with("credit.lookback_days")),
        "{e:?}"
    );
    let bad = with_credit_toml().replace(
        "objective = true\n\n[factors.credit]",
        "objective = false\n\n[factors.credit]",
    );
    let e = Rules::from_toml(&bad).unwrap_err();
    assert!(
        e.0.iter().any(|d| d.code == "credit_not_objective"),
        "{e:?}"
    );
}
