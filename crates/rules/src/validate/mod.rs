//! Checks a [`RulesFile`] and builds the typed [`Rules`], reporting every
//! problem found (not only the first) with its field path.

mod abnormal;
mod factors;
mod price;

use crate::diag::Sink;
use crate::file::RulesFile;
use crate::model::{
    Adjustment, Aggregation, Criterion, Method, Panel, Rounding, Rules, TieBreak, FORMAT_VERSION,
};
use crate::RulesError;
use rust_decimal::Decimal;
use std::collections::HashSet;

/// Largest number of decimal places any rounding setting may ask for.
const MAX_PLACES: u32 = 6;

/// Largest total, factor maximum or deduction coefficient (points). Far
/// above any real method; with prices below 10^15 it keeps the engine's
/// arithmetic inside Decimal's range.
pub(crate) const MAX_POINTS: Decimal = Decimal::from_parts(10_000, 0, 0, false, 0);

/// Largest adjustment quantity an expert may enter.
pub(crate) const MAX_QUANTITY: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);

pub(crate) fn build(file: RulesFile) -> Result<Rules, RulesError> {
    let mut sink = Sink::default();
    if file.version != FORMAT_VERSION {
        sink.push(
            "unsupported_version",
            "version",
            format!(
                "不支持的规则文件版本 {}，本程序读取版本 {FORMAT_VERSION}",
                file.version
            ),
        );
    }
    check_meta(&file, &mut sink);
    check_rounding(&file.rounding, &mut sink);
    check_panel(&file.panel, &mut sink);
    check_criteria(&file.preliminary, &mut sink);
    let factors = factors::check(&file, &mut sink);
    let price = price::check(&file, &mut sink);
    abnormal::check(&file, &mut sink);
    check_adjustments(file.meta.method, &file.adjustments, &mut sink);
    check_tie_break(file.meta.method, &file.tie_break, &mut sink);
    sink.finish()?;
    Ok(Rules {
        meta: file.meta,
        rounding: file.rounding,
        panel: file.panel,
        preliminary: file.preliminary,
        factors,
        price,
        abnormally_low: file.abnormally_low,
        adjustments: file.adjustments,
        tie_break: file.tie_break,
    })
}

/// Ids are stable ASCII: letters, digits, `_`, `.`, `-`, starting with a
/// letter or digit.
pub(crate) fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

pub(crate) fn check_id(id: &str, path: &str, seen: &mut HashSet<String>, sink: &mut Sink) {
    if !is_valid_id(id) {
        sink.push(
            "invalid_id",
            path,
            format!("标识 \"{id}\" 无效：只能使用英文字母、数字、_ . -，且以字母或数字开头"),
        );
    } else if !seen.insert(id.to_string()) {
        sink.push("duplicate_id", path, format!("标识 \"{id}\" 重复"));
    }
}

pub(crate) fn check_name(name: &str, path: &str, sink: &mut Sink) {
    if name.trim().is_empty() {
        sink.push("empty_name", path, "名称不能为空");
    }
}

fn check_meta(file: &RulesFile, sink: &mut Sink) {
    check_id(&file.meta.id, "meta.id", &mut HashSet::new(), sink);
    check_name(&file.meta.name, "meta.name", sink);
    match (file.meta.method, file.meta.total) {
        (Method::Comprehensive, None) => sink.push(
            "missing_field",
            "meta.total",
            "综合评估法必须写明总分 total（如 \"100\"）",
        ),
        (Method::Comprehensive, Some(t)) if t <= Decimal::ZERO || t > MAX_POINTS => sink.push(
            "value_out_of_range",
            "meta.total",
            format!("总分必须大于 0 且不超过 {MAX_POINTS}"),
        ),
        (Method::Comprehensive, _) => {}
        (m, Some(_)) => sink.push(
            "field_not_allowed",
            "meta.total",
            format!("{}不计分，不应写总分 total", m.name_zh()),
        ),
        (_, None) => {}
    }
}

fn check_rounding(r: &Rounding, sink: &mut Sink) {
    for (name, places) in [
        ("points", r.points),
        ("price", r.price),
        ("percent", r.percent),
    ] {
        if places > MAX_PLACES {
            sink.push(
                "precision_out_of_range",
                format!("rounding.{name}"),
                format!("保留小数位数 {places} 过大，最多 {MAX_PLACES} 位"),
            );
        }
    }
}

fn check_panel(p: &Panel, sink: &mut Sink) {
    if p.size < 3 || p.size % 2 == 0 {
        sink.push(
            "panel_size_invalid",
            "panel.size",
            format!("评标委员会人数 {} 无效：应为 3 人以上的单数", p.size),
        );
    }
    match (p.aggregation, p.drop_extremes_min_size) {
        (Aggregation::DropExtremes, None) => sink.push(
            "missing_field",
            "panel.drop_extremes_min_size",
            "去掉最高分和最低分时必须写明适用的最少专家人数 drop_extremes_min_size",
        ),
        (Aggregation::DropExtremes, Some(n)) if n < 3 => sink.push(
            "value_out_of_range",
            "panel.drop_extremes_min_size",
            "去掉最高分和最低分后至少要剩 1 名专家：drop_extremes_min_size 不能小于 3",
        ),
        (Aggregation::Mean, Some(_)) => sink.push(
            "field_not_allowed",
            "panel.drop_extremes_min_size",
            "算术平均（mean）不去掉最高分和最低分，不应写 drop_extremes_min_size",
        ),
        _ => {}
    }
    if let Some(t) = p.deviation_threshold {
        if t <= Decimal::ZERO || t > Decimal::ONE {
            sink.push(
                "value_out_of_range",
                "panel.deviation_threshold",
                format!("偏离阈值 {t} 无效：应大于 0 且不超过 1（如 \"0.30\" 表示 30%）"),
            );
        }
    }
}

fn check_criteria(criteria: &[Criterion], sink: &mut Sink) {
    if criteria.is_empty() {
        sink.push(
            "preliminary_empty",
            "preliminary",
            "至少需要一条初步评审标准（[[preliminary]]）",
        );
    }
    let mut seen = HashSet::new();
    for (i, c) in criteria.iter().enumerate() {
        check_id(&c.id, &format!("preliminary[{i}].id"), &mut seen, sink);
        check_name(&c.name, &format!("preliminary[{i}].name"), sink);
    }
}

fn check_adjustments(method: Method, items: &[Adjustment], sink: &mut Sink) {
    if method != Method::LowestEvaluatedPrice && !items.is_empty() {
        sink.push(
            "adjustments_not_allowed",
            "adjustments",
            format!(
                "价格折算（adjustments）只用于经评审的最低投标价法，{}不适用",
                method.name_zh()
            ),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (i, a) in items.iter().enumerate() {
        let path = format!("adjustments[{i}]");
        check_id(&a.id, &format!("{path}.id"), &mut seen, sink);
        check_name(&a.name, &format!("{path}.name"), sink);
        let percent = a.unit == crate::model::AdjustmentUnit::PercentOfPrice;
        if a.per_unit.is_zero() {
            sink.push(
                "value_out_of_range",
                format!("{path}.per_unit"),
                "每单位折算额不能为 0",
            );
        } else if percent && a.per_unit.abs() > Decimal::ONE_HUNDRED {
            sink.push(
                "value_out_of_range",
                format!("{path}.per_unit"),
                "按报价百分比折算时，每单位不能超过 100%",
            );
        } else if a.per_unit.abs() >= crate::dec::MAX_PRICE {
            sink.push(
                "value_out_of_range",
                format!("{path}.per_unit"),
                "每单位折算额过大",
            );
        }
        if a.max_quantity
            .is_some_and(|m| m <= Decimal::ZERO || m > MAX_QUANTITY)
        {
            sink.push(
                "value_out_of_range",
                format!("{path}.max_quantity"),
                format!("最大数量必须大于 0 且不超过 {MAX_QUANTITY}"),
            );
        }
    }
}

fn check_tie_break(method: Method, order: &[TieBreak], sink: &mut Sink) {
    if method == Method::Qualification {
        if !order.is_empty() {
            sink.push(
                "field_not_allowed",
                "tie_break",
                "合格制不排序，不应写同分排序规则 tie_break",
            );
        }
        return;
    }
    if order.last() != Some(&TieBreak::Lots) {
        sink.push(
            "tie_break_lots_last",
            "tie_break",
            "同分排序规则必须以抽签（\"lots\"）结束，才能保证排名唯一",
        );
    }
    let mut seen = HashSet::new();
    for (i, t) in order.iter().enumerate() {
        let path = format!("tie_break[{i}]");
        if !seen.insert(*t) {
            sink.push(
                "duplicate_id",
                &path,
                format!("同分排序规则“{}”重复", t.name_zh()),
            );
        }
        if *t == TieBreak::Lots && i + 1 != order.len() {
            sink.push(
                "tie_break_lots_last",
                &path,
                "抽签只能是最后一条同分排序规则",
            );
        }
        let needs_points = matches!(
            t,
            TieBreak::HigherTechnical | TieBreak::HigherBusiness | TieBreak::HigherPriceScore
        );
        if needs_points && method != Method::Comprehensive {
            sink.push(
                "tie_break_not_applicable",
                &path,
                format!("{}不计分，不能用“{}”排序", method.name_zh(), t.name_zh()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_valid_id;

    #[test]
    fn ids_are_stable_ascii() {
        assert!(is_valid_id("tech.construction_plan"));
        assert!(is_valid_id("B01"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id(".x"));
        assert!(!is_valid_id("施工"));
        assert!(!is_valid_id("a b"));
    }
}
