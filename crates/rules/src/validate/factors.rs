//! Detailed factors: kinds, ranges, steps, options, deductions, the total.

use super::{check_id, check_name, MAX_POINTS};
use crate::diag::Sink;
use crate::file::{FactorFile, KindName, RulesFile};
use crate::model::{Factor, FactorKind, Group, Method};
use rust_decimal::Decimal;
use std::collections::HashSet;

pub(super) fn check(file: &RulesFile, sink: &mut Sink) -> Vec<Factor> {
    let method = file.meta.method;
    if method != Method::Comprehensive {
        if !file.factors.is_empty() {
            sink.push(
                "factors_not_allowed",
                "factors",
                format!(
                    "{}不设计分因素：合格与否写在初步评审标准中",
                    method.name_zh()
                ),
            );
        }
        return Vec::new();
    }
    if file.factors.is_empty() {
        sink.push("factors_empty", "factors", "综合评估法至少需要一个评分因素");
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for (i, f) in file.factors.iter().enumerate() {
        let path = format!("factors[{i}]");
        check_id(&f.id, &format!("{path}.id"), &mut seen, sink);
        check_name(&f.name, &format!("{path}.name"), sink);
        if f.max <= Decimal::ZERO || f.max > MAX_POINTS {
            sink.push(
                "value_out_of_range",
                format!("{path}.max"),
                format!("最高分必须大于 0 且不超过 {MAX_POINTS}"),
            );
        }
        forbid_foreign_fields(f, &path, sink);
        if let Some(kind) = kind_of(f, &path, sink) {
            out.push(Factor {
                id: f.id.clone(),
                name: f.name.clone(),
                group: f.group,
                max: f.max,
                objective: f.objective,
                guidance: f.guidance.clone(),
                kind,
            });
        }
    }
    check_price_factor(&file.factors, sink);
    check_total(file, sink);
    out
}

/// Fields that belong to another kind are an error, not silently ignored.
fn forbid_foreign_fields(f: &FactorFile, path: &str, sink: &mut Sink) {
    let present = [
        ("min", f.min.is_some(), KindName::Range),
        ("step", f.step.is_some(), KindName::Range),
        ("options", f.options.is_some(), KindName::Options),
        ("deductions", f.deductions.is_some(), KindName::Deductions),
        ("credit", f.credit.is_some(), KindName::Credit),
    ];
    for (field, is_set, owner) in present {
        if is_set && f.kind != owner {
            sink.push(
                "field_not_for_kind",
                format!("{path}.{field}"),
                format!("字段 {field} 不适用于 kind = \"{}\"", kind_name(f.kind)),
            );
        }
    }
}

fn kind_name(k: KindName) -> &'static str {
    match k {
        KindName::Range => "range",
        KindName::Options => "options",
        KindName::Deductions => "deductions",
        KindName::PassFail => "pass_fail",
        KindName::Price => "price",
        KindName::Credit => "credit",
    }
}

fn kind_of(f: &FactorFile, path: &str, sink: &mut Sink) -> Option<FactorKind> {
    match f.kind {
        KindName::Range => range_kind(f, path, sink),
        KindName::Options => options_kind(f, path, sink),
        KindName::Deductions => deductions_kind(f, path, sink),
        KindName::PassFail => Some(FactorKind::PassFail),
        KindName::Price => Some(FactorKind::Price),
        KindName::Credit => credit_kind(f, path, sink),
    }
}

/// Grades distinct and named, every amount within 0 and the maximum, a
/// look-back of 1–3650 days; the factor is objective (it is computed).
fn credit_kind(f: &FactorFile, path: &str, sink: &mut Sink) -> Option<FactorKind> {
    let Some(rule) = &f.credit else {
        sink.push(
            "missing_field",
            format!("{path}.credit"),
            "信用分（credit）需要 [factors.credit]：grades、ungraded_points、per_record、lookback_days、cap",
        );
        return None;
    };
    let before = sink.0.len();
    if !f.objective {
        sink.push(
            "credit_not_objective",
            format!("{path}.objective"),
            "信用分由程序计算，须为客观分（objective = true）",
        );
    }
    let mut seen = HashSet::new();
    for (j, g) in rule.grades.iter().enumerate() {
        let gpath = format!("{path}.credit.grades[{j}]");
        if g.grade.trim().is_empty() || !seen.insert(g.grade.as_str()) {
            sink.push(
                "duplicate_id",
                format!("{gpath}.grade"),
                "信用等级须填写且不重复",
            );
        }
        if g.points < Decimal::ZERO || g.points > f.max {
            sink.push(
                "value_out_of_range",
                format!("{gpath}.points"),
                format!("等级分值 {} 应在 0～{} 之间", g.points, f.max),
            );
        }
    }
    for (field, v) in [
        ("ungraded_points", rule.ungraded_points),
        ("per_record", rule.per_record),
        ("cap", rule.cap),
    ] {
        if v < Decimal::ZERO || v > f.max {
            sink.push(
                "value_out_of_range",
                format!("{path}.credit.{field}"),
                format!("{field} = {v} 应在 0～{} 之间", f.max),
            );
        }
    }
    if !(1..=3650).contains(&rule.lookback_days) {
        sink.push(
            "value_out_of_range",
            format!("{path}.credit.lookback_days"),
            "lookback_days 应在 1～3650 天之间",
        );
    }
    (sink.0.len() == before).then(|| FactorKind::Credit(rule.clone()))
}

fn range_kind(f: &FactorFile, path: &str, sink: &mut Sink) -> Option<FactorKind> {
    let min = f.min.unwrap_or(Decimal::ZERO);
    let Some(step) = f.step else {
        sink.push(
            "missing_field",
            format!("{path}.step"),
            "区间打分（range）必须写明分值步长 step（如 \"0.5\"）",
        );
        return None;
    };
    let before = sink.0.len();
    if min < Decimal::ZERO || min >= f.max {
        sink.push(
            "value_out_of_range",
            format!("{path}.min"),
            format!("最低分 {min} 应不小于 0 且小于最高分 {}", f.max),
        );
    }
    if step <= Decimal::ZERO {
        sink.push(
            "value_out_of_range",
            format!("{path}.step"),
            "步长必须大于 0",
        );
    } else if !((f.max - min) % step).is_zero() {
        sink.push(
            "step_not_dividing_range",
            format!("{path}.step"),
            format!("步长 {step} 不能整除分值区间 {min}～{}", f.max),
        );
    }
    (sink.0.len() == before).then_some(FactorKind::Range { min, step })
}

fn options_kind(f: &FactorFile, path: &str, sink: &mut Sink) -> Option<FactorKind> {
    let options = match &f.options {
        Some(o) if !o.is_empty() => o,
        _ => {
            sink.push(
                "missing_field",
                format!("{path}.options"),
                "档次打分（options）至少需要一个档次 [[factors.options]]",
            );
            return None;
        }
    };
    let before = sink.0.len();
    let mut seen = HashSet::new();
    for (j, o) in options.iter().enumerate() {
        let opath = format!("{path}.options[{j}]");
        check_id(&o.id, &format!("{opath}.id"), &mut seen, sink);
        check_name(&o.label, &format!("{opath}.label"), sink);
        if o.points < Decimal::ZERO || o.points > f.max {
            sink.push(
                "value_out_of_range",
                format!("{opath}.points"),
                format!("档次分值 {} 应在 0～{} 之间", o.points, f.max),
            );
        }
    }
    if !options.iter().any(|o| o.points == f.max) {
        sink.push(
            "options_max_unreachable",
            format!("{path}.options"),
            format!("没有任何档次达到最高分 {}", f.max),
        );
    }
    (sink.0.len() == before).then(|| FactorKind::Options(options.clone()))
}

fn deductions_kind(f: &FactorFile, path: &str, sink: &mut Sink) -> Option<FactorKind> {
    let items = match &f.deductions {
        Some(d) if !d.is_empty() => d,
        _ => {
            sink.push(
                "missing_field",
                format!("{path}.deductions"),
                "扣分制（deductions）至少需要一个扣分项 [[factors.deductions]]",
            );
            return None;
        }
    };
    let before = sink.0.len();
    let mut seen = HashSet::new();
    for (j, d) in items.iter().enumerate() {
        let dpath = format!("{path}.deductions[{j}]");
        check_id(&d.id, &format!("{dpath}.id"), &mut seen, sink);
        check_name(&d.label, &format!("{dpath}.label"), sink);
        if d.points <= Decimal::ZERO || d.points > f.max {
            sink.push(
                "value_out_of_range",
                format!("{dpath}.points"),
                format!("每项扣分 {} 应大于 0 且不超过最高分 {}", d.points, f.max),
            );
        }
        if d.max_times == Some(0) {
            sink.push(
                "value_out_of_range",
                format!("{dpath}.max_times"),
                "最多扣分次数必须至少为 1",
            );
        }
    }
    (sink.0.len() == before).then(|| FactorKind::Deductions(items.clone()))
}

fn check_price_factor(factors: &[FactorFile], sink: &mut Sink) {
    let mut price_factors = factors
        .iter()
        .enumerate()
        .filter(|(_, f)| f.kind == KindName::Price);
    match price_factors.next() {
        None => sink.push(
            "price_factor_missing",
            "factors",
            "综合评估法需要一个价格因素（kind = \"price\"），其分值即价格分权重",
        ),
        Some((i, f)) if f.group != Group::Price => sink.push(
            "price_factor_group",
            format!("factors[{i}].group"),
            "价格因素必须属于价格组（group = \"price\"）",
        ),
        Some(_) => {}
    }
    for (i, _) in price_factors {
        sink.push(
            "price_factor_duplicate",
            format!("factors[{i}].kind"),
            "只能有一个价格因素（kind = \"price\"）",
        );
    }
}

fn check_total(file: &RulesFile, sink: &mut Sink) {
    let Some(total) = file.meta.total else { return };
    let sum: Decimal = file.factors.iter().map(|f| f.max).sum();
    if sum != total {
        let by_group = Group::ALL
            .iter()
            .map(|g| {
                let s: Decimal = file
                    .factors
                    .iter()
                    .filter(|f| f.group == *g)
                    .map(|f| f.max)
                    .sum();
                format!("{}{}", g.name_zh(), s)
            })
            .collect::<Vec<_>>()
            .join("，");
        sink.push(
            "total_mismatch",
            "meta.total",
            format!("各因素最高分之和为 {sum}（{by_group}），与总分 {total} 不符"),
        );
    }
}
