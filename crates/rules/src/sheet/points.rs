//! The points an entry gives for its factor, by the factor's kind.

use super::model::FactorScore;
use crate::model::{Factor, FactorKind};
use crate::Diagnostic;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Points for `entry`, or what is wrong with it. `path` prefixes the
/// diagnostics' paths.
pub fn factor_points(
    factor: &Factor,
    entry: &FactorScore,
    path: &str,
) -> Result<Decimal, Vec<Diagnostic>> {
    let mut bad = Vec::new();
    let foreign = [
        (
            "option",
            entry.option.is_some(),
            matches!(factor.kind, FactorKind::Options(_)),
        ),
        (
            "deductions",
            !entry.deductions.is_empty(),
            matches!(factor.kind, FactorKind::Deductions(_)),
        ),
        (
            "pass",
            entry.pass.is_some(),
            matches!(factor.kind, FactorKind::PassFail),
        ),
    ];
    for (field, present, allowed) in foreign {
        if present && !allowed {
            bad.push(Diagnostic::new(
                "field_not_for_kind",
                format!("{path}.{field}"),
                format!(
                    "“{}”是 {} 类因素，不使用 {field}",
                    factor.name,
                    factor.kind.name()
                ),
            ));
        }
    }
    let derived = match &factor.kind {
        FactorKind::Range { min, step } => range_points(factor, *min, *step, entry, path, &mut bad),
        FactorKind::Options(options) => match &entry.option {
            None => {
                bad.push(Diagnostic::new(
                    "option_missing",
                    format!("{path}.option"),
                    format!("“{}”须选择一个档次", factor.name),
                ));
                None
            }
            Some(id) => match options.iter().find(|o| &o.id == id) {
                Some(o) => Some(o.points),
                None => {
                    bad.push(Diagnostic::new(
                        "unknown_option",
                        format!("{path}.option"),
                        format!("“{}”没有档次 \"{id}\"", factor.name),
                    ));
                    None
                }
            },
        },
        FactorKind::Deductions(items) => {
            let mut off = Decimal::ZERO;
            let mut seen = HashSet::new();
            for (j, hit) in entry.deductions.iter().enumerate() {
                let hpath = format!("{path}.deductions[{j}]");
                let Some(item) = items.iter().find(|i| i.id == hit.item) else {
                    bad.push(Diagnostic::new(
                        "unknown_deduction",
                        format!("{hpath}.item"),
                        format!("“{}”没有扣分项 \"{}\"", factor.name, hit.item),
                    ));
                    continue;
                };
                if !seen.insert(hit.item.as_str()) {
                    bad.push(Diagnostic::new(
                        "duplicate_id",
                        format!("{hpath}.item"),
                        format!("扣分项 \"{}\" 重复，请合并为次数", hit.item),
                    ));
                }
                if hit.times == 0 || item.max_times.is_some_and(|m| hit.times > m) {
                    let limit = item.max_times.map_or("不限".to_string(), |m| m.to_string());
                    bad.push(Diagnostic::new(
                        "deduction_times_out_of_range",
                        format!("{hpath}.times"),
                        format!(
                            "扣分项“{}”的次数 {} 无效（1～{limit}）",
                            item.label, hit.times
                        ),
                    ));
                }
                off += item.points * Decimal::from(hit.times);
            }
            Some((factor.max - off).max(Decimal::ZERO))
        }
        FactorKind::PassFail => match entry.pass {
            Some(true) => Some(factor.max),
            Some(false) => Some(Decimal::ZERO),
            None => {
                bad.push(Diagnostic::new(
                    "pass_missing",
                    format!("{path}.pass"),
                    format!("“{}”须判定是否满足（pass = true/false）", factor.name),
                ));
                None
            }
        },
        FactorKind::Price => {
            bad.push(Diagnostic::new(
                "price_factor_in_sheet",
                path,
                "价格分由程序按规则计算，评分表中不应填写",
            ));
            None
        }
        FactorKind::Credit(_) => {
            bad.push(Diagnostic::new(
                "credit_factor_in_sheet",
                path,
                "信用分由程序按平台的信用记录计算，评分表中不应填写",
            ));
            None
        }
    };
    if let (Some(d), Some(p), false) = (
        derived,
        entry.points,
        matches!(factor.kind, FactorKind::Range { .. }),
    ) {
        if d != p {
            bad.push(Diagnostic::new(
                "points_mismatch",
                format!("{path}.points"),
                format!("填写的分值 {p} 与所选档次/扣分项/判定得出的 {d} 不一致"),
            ));
        }
    }
    if let Some(points) = derived {
        let no_reason = entry.reason.as_deref().is_none_or(|r| r.trim().is_empty());
        if points < factor.max && no_reason {
            bad.push(Diagnostic::new(
                "reason_required",
                format!("{path}.reason"),
                format!(
                    "“{}”得分 {points} 低于满分 {}，须写明扣分理由",
                    factor.name, factor.max
                ),
            ));
        }
    }
    match derived {
        Some(p) if bad.is_empty() => Ok(p),
        _ => Err(bad),
    }
}

fn range_points(
    factor: &Factor,
    min: Decimal,
    step: Decimal,
    entry: &FactorScore,
    path: &str,
    bad: &mut Vec<Diagnostic>,
) -> Option<Decimal> {
    let Some(p) = entry.points else {
        bad.push(Diagnostic::new(
            "points_missing",
            format!("{path}.points"),
            format!("“{}”须填写分值（{min}～{}）", factor.name, factor.max),
        ));
        return None;
    };
    if p < min || p > factor.max {
        bad.push(Diagnostic::new(
            "points_out_of_range",
            format!("{path}.points"),
            format!("“{}”的分值 {p} 超出范围 {min}～{}", factor.name, factor.max),
        ));
        return None;
    }
    if !((p - min) % step).is_zero() {
        bad.push(Diagnostic::new(
            "points_not_on_step",
            format!("{path}.points"),
            format!(
                "“{}”的分值 {p} 不符合步长 {step}（从 {min} 起）",
                factor.name
            ),
        ));
        return None;
    }
    Some(p)
}
