//! Sheet validation: what the platform and the desktop refuse.

use crate::common::{bidder_sheet, d, entry, sheet};
use pingshen_rules::{validate_sheet, validate_sheet_for, AdjustmentEntry, FactorScore, Rules};

const MUNICIPAL: &str = include_str!("../../../../assets/rules/municipal-construction.toml");
const LOWEST: &str = include_str!("../../../../assets/rules/lowest-evaluated-price.toml");

fn rules() -> Rules {
    Rules::from_toml(MUNICIPAL).unwrap()
}

/// A full, valid set of entries for the municipal template.
fn full(r: &Rules) -> Vec<(&'static str, &'static str)> {
    let _ = r;
    vec![
        ("tech.construction_plan", "5.5"),
        ("tech.traffic_control", "3"),
        ("tech.quality", "2.5"),
        ("tech.safety", "3"),
        ("tech.schedule", "2"),
        ("tech.environment", "1.5"),
        ("tech.resources", "good"),
        ("tech.completeness", "missing_section*1"),
        ("biz.project_manager", "one"),
        ("biz.technical_lead", "senior"),
        ("biz.company_record", "4"),
        ("biz.credit", "aa"),
    ]
}

fn codes(r: &Rules, s: &pingshen_rules::ExpertSheet) -> Vec<String> {
    match validate_sheet(r, s) {
        Ok(()) => Vec::new(),
        Err(e) => e.0.into_iter().map(|d| d.code).collect(),
    }
}

#[test]
fn a_complete_sheet_is_valid() {
    let r = rules();
    let s = sheet("E001", vec![bidder_sheet(&r, "B01", &[], &full(&r))]);
    validate_sheet(&r, &s).unwrap();
    validate_sheet_for(&r, &s, &["B01".to_string()]).unwrap();
}

#[test]
fn points_outside_the_range_or_off_step() {
    let r = rules();
    let mut b = bidder_sheet(&r, "B01", &[], &full(&r));
    b.factors[0] = entry(&r, "tech.construction_plan", "6.5");
    b.factors[1] = entry(&r, "tech.traffic_control", "2.25");
    let s = sheet("E001", vec![b]);
    let err = validate_sheet(&r, &s).unwrap_err();
    let paths: Vec<(&str, &str)> = err
        .0
        .iter()
        .map(|d| (d.code.as_str(), d.path.as_str()))
        .collect();
    assert!(paths.contains(&(
        "points_out_of_range",
        "bidders[B01].factors[tech.construction_plan].points"
    )));
    assert!(paths.contains(&(
        "points_not_on_step",
        "bidders[B01].factors[tech.traffic_control].points"
    )));
}

#[test]
fn options_and_deductions_must_exist() {
    let r = rules();
    let mut b = bidder_sheet(&r, "B01", &[], &full(&r));
    b.factors[6] = entry(&r, "tech.resources", "excellent");
    b.factors[7] = entry(&r, "tech.completeness", "missing_section*5");
    let mut wrong_points = entry(&r, "biz.credit", "aa");
    wrong_points.points = Some(d("3"));
    b.factors[11] = wrong_points;
    let c = codes(&r, &sheet("E001", vec![b]));
    for code in [
        "unknown_option",
        "deduction_times_out_of_range",
        "points_mismatch",
    ] {
        assert!(c.contains(&code.to_string()), "{code} in {c:?}");
    }
}

#[test]
fn reasons_are_required_for_fails_and_deductions() {
    let r = rules();
    let mut b = bidder_sheet(&r, "B01", &["qual.grade"], &full(&r));
    b.preliminary.iter_mut().for_each(|v| v.reason = None);
    b.factors[0].reason = None; // 5.5 < 6
    b.factors[3].reason = None; // 3 = max: no reason needed
    let err = validate_sheet(&r, &sheet("E001", vec![b])).unwrap_err();
    let reasons: Vec<&str> = err
        .0
        .iter()
        .filter(|d| d.code == "reason_required")
        .map(|d| d.path.as_str())
        .collect();
    assert_eq!(
        reasons,
        vec![
            "bidders[B01].preliminary[qual.grade].reason",
            "bidders[B01].factors[tech.construction_plan].reason"
        ]
    );
}

#[test]
fn every_criterion_and_factor_must_be_there() {
    let r = rules();
    let mut b = bidder_sheet(&r, "B01", &[], &full(&r));
    b.preliminary.pop();
    b.factors.pop();
    let c = codes(&r, &sheet("E001", vec![b]));
    assert!(c.contains(&"missing_verdict".to_string()), "{c:?}");
    assert!(c.contains(&"missing_score".to_string()), "{c:?}");

    // A bidder this expert fails need not be scored in detail.
    let b = bidder_sheet(&r, "B02", &["qual.grade"], &[]);
    validate_sheet(&r, &sheet("E001", vec![b])).unwrap();
}

#[test]
fn unknown_ids_are_refused() {
    let r = rules();
    let mut b = bidder_sheet(&r, "B01", &[], &full(&r));
    b.factors.push(FactorScore::new("tech.bogus"));
    let mut price = FactorScore::new("price.bid");
    price.points = Some(d("60"));
    b.factors.push(price);
    b.preliminary[0].criterion = "form.bogus".into();
    let c = codes(&r, &sheet("E001", vec![b]));
    for code in [
        "unknown_factor",
        "price_factor_in_sheet",
        "unknown_criterion",
    ] {
        assert!(c.contains(&code.to_string()), "{code} in {c:?}");
    }
    let s = sheet("E001", vec![bidder_sheet(&r, "B09", &[], &full(&r))]);
    let err = validate_sheet_for(&r, &s, &["B01".to_string()]).unwrap_err();
    assert!(
        err.has("unknown_bidder") && err.has("missing_bidder"),
        "{err}"
    );
}

#[test]
fn duplicate_bidders_and_factors() {
    let r = rules();
    let b = bidder_sheet(&r, "B01", &[], &full(&r));
    let mut b2 = b.clone();
    b2.factors.push(b2.factors[0].clone());
    let c = codes(&r, &sheet("E001", vec![b, b2]));
    assert!(c.contains(&"duplicate_bidder".to_string()), "{c:?}");
    assert!(c.contains(&"duplicate_id".to_string()), "{c:?}");
}

#[test]
fn adjustments_are_checked() {
    let r = Rules::from_toml(LOWEST).unwrap();
    let mut b = bidder_sheet(&r, "P1", &[], &[]);
    b.adjustments.push(AdjustmentEntry {
        adjustment: "adj.tech_deviation".into(),
        quantity: d("4"),
        reason: None,
    });
    b.adjustments.push(AdjustmentEntry {
        adjustment: "adj.bogus".into(),
        quantity: d("1"),
        reason: Some("x".into()),
    });
    let c = codes(&r, &sheet("E001", vec![b]));
    for code in [
        "quantity_out_of_range",
        "reason_required",
        "unknown_adjustment",
    ] {
        assert!(c.contains(&code.to_string()), "{code} in {c:?}");
    }
    // Adjustments belong to the lowest-evaluated-price method only.
    let m = rules();
    let mut b = bidder_sheet(&m, "B01", &[], &full(&m));
    b.adjustments.push(AdjustmentEntry {
        adjustment: "adj.tech_deviation".into(),
        quantity: d("1"),
        reason: Some("x".into()),
    });
    assert!(codes(&m, &sheet("E001", vec![b])).contains(&"adjustments_not_allowed".to_string()));
}

#[test]
fn sheet_json_is_strict() {
    let r = rules();
    let s = sheet("E001", vec![bidder_sheet(&r, "B01", &[], &full(&r))]);
    let json = serde_json::to_string(&s).unwrap();
    assert!(json.contains("\"points\":\"5.5\""), "{json}");
    let back: pingshen_rules::ExpertSheet = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s);
    let float = json.replace("\"points\":\"5.5\"", "\"points\":5.5");
    let err = serde_json::from_str::<pingshen_rules::ExpertSheet>(&float).unwrap_err();
    assert!(err.to_string().contains("decimal_not_string"), "{err}");
    let extra = json.replacen("\"expert\":", "\"expret\":\"x\",\"expert\":", 1);
    assert!(serde_json::from_str::<pingshen_rules::ExpertSheet>(&extra).is_err());
}
