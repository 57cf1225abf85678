//! Refusing bad sheets: the platform and the desktop call the same checks.

use super::model::{BidderSheet, ExpertSheet};
use super::points::factor_points;
use crate::diag::Sink;
use crate::model::{Method, Rules};
use crate::validate::is_valid_id;
use crate::RulesError;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Checks a submitted sheet against the rules: known ids, every criterion
/// judged, a reason for every fail and every deduction, points within
/// range and on step, options and deduction items that exist, adjustments
/// within their limits, and a score for every factor of each bidder the
/// expert passes. Which bidders must appear is the caller's to check (see
/// [`validate_sheet_for`]).
pub fn validate_sheet(rules: &Rules, sheet: &ExpertSheet) -> Result<(), RulesError> {
    let mut sink = Sink::default();
    if !is_valid_id(&sheet.expert) {
        sink.push(
            "invalid_id",
            "expert",
            format!("专家标识 \"{}\" 无效", sheet.expert),
        );
    }
    let mut seen = HashSet::new();
    for b in &sheet.bidders {
        let path = format!("bidders[{}]", b.bidder);
        if !is_valid_id(&b.bidder) {
            sink.push(
                "invalid_id",
                &path,
                format!("投标人标识 \"{}\" 无效", b.bidder),
            );
        } else if !seen.insert(b.bidder.as_str()) {
            sink.push(
                "duplicate_bidder",
                &path,
                format!("投标人 {} 重复出现", b.bidder),
            );
        }
        check_bidder(rules, b, &path, &mut sink);
    }
    sink.finish()
}

/// [`validate_sheet`], and the sheet covers exactly the project's bidders.
pub fn validate_sheet_for(
    rules: &Rules,
    sheet: &ExpertSheet,
    bidders: &[String],
) -> Result<(), RulesError> {
    let mut list = validate_sheet(rules, sheet)
        .err()
        .map(|e| e.0)
        .unwrap_or_default();
    let mut sink = Sink::default();
    for b in &sheet.bidders {
        if !bidders.contains(&b.bidder) {
            sink.push(
                "unknown_bidder",
                format!("bidders[{}]", b.bidder),
                format!("投标人 {} 不属于本项目", b.bidder),
            );
        }
    }
    for id in bidders {
        if sheet.bidder(id).is_none() {
            sink.push(
                "missing_bidder",
                "bidders",
                format!("评分表缺少投标人 {id}"),
            );
        }
    }
    list.extend(sink.0);
    if list.is_empty() {
        Ok(())
    } else {
        Err(RulesError(list))
    }
}

fn check_bidder(rules: &Rules, b: &BidderSheet, path: &str, sink: &mut Sink) {
    let mut seen = HashSet::new();
    for v in &b.preliminary {
        let vpath = format!("{path}.preliminary[{}]", v.criterion);
        if rules.criterion(&v.criterion).is_none() {
            sink.push(
                "unknown_criterion",
                &vpath,
                format!("没有初步评审标准 \"{}\"", v.criterion),
            );
        } else if !seen.insert(v.criterion.as_str()) {
            sink.push(
                "duplicate_id",
                &vpath,
                format!("初步评审标准 \"{}\" 重复判定", v.criterion),
            );
        }
        if !v.pass && v.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            sink.push(
                "reason_required",
                format!("{vpath}.reason"),
                "判定不合格时须写明理由",
            );
        }
    }
    for c in &rules.preliminary {
        if !seen.contains(c.id.as_str()) {
            sink.push(
                "missing_verdict",
                format!("{path}.preliminary"),
                format!("缺少对“{}”（{}）的判定", c.name, c.id),
            );
        }
    }

    let mut scored = HashSet::new();
    for f in &b.factors {
        let fpath = format!("{path}.factors[{}]", f.factor);
        let Some(factor) = rules.factor(&f.factor) else {
            sink.push(
                "unknown_factor",
                &fpath,
                format!("没有评分因素 \"{}\"", f.factor),
            );
            continue;
        };
        if !scored.insert(f.factor.as_str()) {
            sink.push(
                "duplicate_id",
                &fpath,
                format!("评分因素 \"{}\" 重复打分", f.factor),
            );
            continue;
        }
        if let Err(list) = factor_points(factor, f, &fpath) {
            sink.0.extend(list);
        }
    }
    if b.passes_preliminary() {
        for factor in &rules.factors {
            let needed = !factor.kind.is_computed();
            if needed && !scored.contains(factor.id.as_str()) {
                sink.push(
                    "missing_score",
                    format!("{path}.factors"),
                    format!("缺少“{}”（{}）的评分", factor.name, factor.id),
                );
            }
        }
    }

    check_adjustments(rules, b, path, sink);
    for r in &b.deviation_reasons {
        let rpath = format!("{path}.deviation_reasons[{}]", r.factor);
        if rules.factor(&r.factor).is_none() {
            sink.push(
                "unknown_factor",
                &rpath,
                format!("没有评分因素 \"{}\"", r.factor),
            );
        }
        if r.reason.trim().is_empty() {
            sink.push(
                "reason_required",
                format!("{rpath}.reason"),
                "偏离说明不能为空",
            );
        }
    }
}

fn check_adjustments(rules: &Rules, b: &BidderSheet, path: &str, sink: &mut Sink) {
    if !b.adjustments.is_empty() && rules.meta.method != Method::LowestEvaluatedPrice {
        sink.push(
            "adjustments_not_allowed",
            format!("{path}.adjustments"),
            "只有经评审的最低投标价法填写价格折算",
        );
        return;
    }
    let mut seen = HashSet::new();
    for a in &b.adjustments {
        let apath = format!("{path}.adjustments[{}]", a.adjustment);
        let Some(rule) = rules.adjustment(&a.adjustment) else {
            sink.push(
                "unknown_adjustment",
                &apath,
                format!("没有价格折算项 \"{}\"", a.adjustment),
            );
            continue;
        };
        if !seen.insert(a.adjustment.as_str()) {
            sink.push(
                "duplicate_id",
                &apath,
                format!("价格折算项 \"{}\" 重复", a.adjustment),
            );
        }
        let most = rule.max_quantity.unwrap_or(crate::validate::MAX_QUANTITY);
        if a.quantity < Decimal::ZERO || a.quantity > most {
            let limit = most.to_string();
            sink.push(
                "quantity_out_of_range",
                format!("{apath}.quantity"),
                format!("“{}”的数量 {} 无效（0～{limit}）", rule.name, a.quantity),
            );
        }
        if a.quantity > Decimal::ZERO && a.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
            sink.push(
                "reason_required",
                format!("{apath}.reason"),
                "价格折算须写明理由",
            );
        }
    }
}
