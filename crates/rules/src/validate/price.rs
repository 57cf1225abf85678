//! The `[price]` section: the method fits the evaluation method and has
//! every parameter it needs, and nothing it does not.

use super::MAX_POINTS;
use crate::dec::MAX_PRICE;
use crate::diag::Sink;
use crate::file::{BenchmarkFile, BenchmarkKind, KindName, PriceFile, PriceMethodName, RulesFile};
use crate::model::{
    Benchmark, Component, ComponentSource, DeviationRule, KApply, KRule, Method, PriceMethod,
    PriceRule, TrimBand,
};
use rust_decimal::Decimal;

pub(super) fn check(file: &RulesFile, sink: &mut Sink) -> Option<PriceRule> {
    let method = file.meta.method;
    let Some(p) = &file.price else {
        if method == Method::LowestEvaluatedPrice {
            sink.push(
                "price_section_missing",
                "price",
                "经评审的最低投标价法需要 [price] 段（method = \"evaluated_price\"）",
            );
        }
        if method == Method::Comprehensive && has_price_factor(file) {
            sink.push(
                "price_section_missing",
                "price",
                "有价格因素时必须写 [price] 段说明价格分计算方法",
            );
        }
        return None;
    };
    let fits = match p.method {
        PriceMethodName::LowestPrice | PriceMethodName::Deviation => {
            method == Method::Comprehensive
        }
        PriceMethodName::EvaluatedPrice => method == Method::LowestEvaluatedPrice,
    };
    if method == Method::Qualification {
        sink.push(
            "price_section_not_allowed",
            "price",
            "合格制不计价格分，不应写 [price] 段",
        );
        return None;
    }
    if !fits {
        let hint = match method {
            Method::Comprehensive => "\"lowest_price\" 或 \"deviation\"",
            _ => "\"evaluated_price\"",
        };
        sink.push(
            "price_method_mismatch",
            "price.method",
            format!("{}的价格方法应为 {hint}", method.name_zh()),
        );
        return None;
    }
    if p.ceiling
        .is_some_and(|c| c <= Decimal::ZERO || c >= MAX_PRICE)
    {
        sink.push(
            "value_out_of_range",
            "price.ceiling",
            "最高投标限价必须大于 0 且小于 10^15 元",
        );
    }
    let before = sink.0.len();
    let price_method = match p.method {
        PriceMethodName::LowestPrice => {
            forbid(p, &["k", "deviation", "benchmark"], "lowest_price", sink);
            Some(PriceMethod::LowestPrice)
        }
        PriceMethodName::EvaluatedPrice => {
            forbid(p, &["k", "deviation", "benchmark"], "evaluated_price", sink);
            Some(PriceMethod::EvaluatedPrice)
        }
        PriceMethodName::Deviation => deviation_method(file, p, sink),
    };
    if sink.0.len() != before {
        return None;
    }
    price_method.map(|method| PriceRule {
        ceiling: p.ceiling,
        method,
    })
}

fn has_price_factor(file: &RulesFile) -> bool {
    file.factors.iter().any(|f| f.kind == KindName::Price)
}

fn forbid(p: &PriceFile, fields: &[&str], method: &str, sink: &mut Sink) {
    for field in fields {
        let present = match *field {
            "k" => p.k.is_some(),
            "deviation" => p.deviation.is_some(),
            _ => p.benchmark.is_some(),
        };
        if present {
            sink.push(
                "price_parameter_not_allowed",
                format!("price.{field}"),
                format!("价格方法 {method} 不使用参数 {field}"),
            );
        }
    }
}

fn deviation_method(file: &RulesFile, p: &PriceFile, sink: &mut Sink) -> Option<PriceMethod> {
    let benchmark = match &p.benchmark {
        Some(b) => benchmark(b, sink),
        None => {
            sink.push(
                "price_parameter_missing",
                "price.benchmark",
                "偏差扣分法（deviation）缺少基准价参数 [price.benchmark]",
            );
            None
        }
    };
    let deviation = match &p.deviation {
        Some(d) => deviation_rule(file, d, sink),
        None => {
            sink.push(
                "price_parameter_missing",
                "price.deviation",
                "偏差扣分法（deviation）缺少扣分参数 [price.deviation]",
            );
            None
        }
    };
    if let Some(k) = &p.k {
        check_k(k, sink);
    }
    Some(PriceMethod::Deviation {
        benchmark: benchmark?,
        k: p.k,
        deviation: deviation?,
    })
}

fn benchmark(b: &BenchmarkFile, sink: &mut Sink) -> Option<Benchmark> {
    let components = match (b.kind, &b.components) {
        (BenchmarkKind::TrimmedMean, None) => vec![Component {
            source: ComponentSource::TrimmedMean,
            weight: Decimal::ONE,
        }],
        (BenchmarkKind::TrimmedMean, Some(_)) => {
            sink.push(
                "price_parameter_not_allowed",
                "price.benchmark.components",
                "去高去低平均（trimmed_mean）不使用 components；加权组合请用 kind = \"composite\"",
            );
            return None;
        }
        (BenchmarkKind::Composite, Some(c)) if !c.is_empty() => c.clone(),
        (BenchmarkKind::Composite, _) => {
            sink.push(
                "price_parameter_missing",
                "price.benchmark.components",
                "组合基准价（composite）缺少组成部分 [[price.benchmark.components]]",
            );
            return None;
        }
    };
    check_weights(&components, sink);
    let uses_trim = components
        .iter()
        .any(|c| c.source == ComponentSource::TrimmedMean);
    let trim = b.trim.clone().unwrap_or_default();
    if uses_trim && trim.is_empty() {
        sink.push(
            "price_parameter_missing",
            "price.benchmark.trim",
            "去高去低平均缺少按有效报价家数的去除规则 [[price.benchmark.trim]]",
        );
    } else if !uses_trim && !trim.is_empty() {
        sink.push(
            "price_parameter_not_allowed",
            "price.benchmark.trim",
            "没有组成部分使用去高去低平均（trimmed_mean），trim 不起作用",
        );
    } else {
        check_trim(&trim, sink);
    }
    Some(Benchmark { trim, components })
}

fn check_weights(components: &[Component], sink: &mut Sink) {
    let mut sum = Decimal::ZERO;
    for (i, c) in components.iter().enumerate() {
        if c.weight <= Decimal::ZERO || c.weight > Decimal::ONE {
            sink.push(
                "value_out_of_range",
                format!("price.benchmark.components[{i}].weight"),
                format!("权重 {} 应大于 0 且不超过 1", c.weight),
            );
        }
        sum += c.weight;
    }
    if sum != Decimal::ONE {
        sink.push(
            "weights_not_one",
            "price.benchmark.components",
            format!("各组成部分权重之和为 {sum}，应为 1"),
        );
    }
}

/// Bands must start at 1 bid, follow each other without gap or overlap,
/// end open-ended, and never drop every bid.
fn check_trim(bands: &[TrimBand], sink: &mut Sink) {
    let mut expected_min = 1u32;
    for (i, b) in bands.iter().enumerate() {
        let path = format!("price.benchmark.trim[{i}]");
        if b.min_bids != expected_min {
            sink.push(
                "trim_bands_gap",
                format!("{path}.min_bids"),
                format!(
                    "按家数的去除规则应连续覆盖所有家数：此段应从 {expected_min} 家开始，实际为 {}",
                    b.min_bids
                ),
            );
        }
        let last = i + 1 == bands.len();
        match b.max_bids {
            Some(max) if max < b.min_bids => sink.push(
                "value_out_of_range",
                format!("{path}.max_bids"),
                format!("max_bids {max} 小于 min_bids {}", b.min_bids),
            ),
            Some(_) if last => sink.push(
                "trim_bands_gap",
                format!("{path}.max_bids"),
                "最后一段不应写 max_bids，以覆盖更多家数",
            ),
            None if !last => sink.push(
                "trim_bands_gap",
                format!("{path}.max_bids"),
                "只有最后一段可以不写 max_bids",
            ),
            _ => {}
        }
        if b.drop_highest + b.drop_lowest >= b.min_bids.max(1) {
            sink.push(
                "trim_drops_all",
                &path,
                format!(
                    "{} 家有效报价时去掉最高 {} 家和最低 {} 家后没有剩余报价",
                    b.min_bids, b.drop_highest, b.drop_lowest
                ),
            );
        }
        expected_min = b.max_bids.map_or(u32::MAX, |m| m.saturating_add(1));
    }
}

fn deviation_rule(file: &RulesFile, d: &DeviationRule, sink: &mut Sink) -> Option<DeviationRule> {
    let before = sink.0.len();
    let nonneg = [
        ("above_per_percent", Some(d.above_per_percent)),
        ("below_per_percent", Some(d.below_per_percent)),
        ("above_cap", d.above_cap),
        ("below_cap", d.below_cap),
        ("floor", Some(d.floor)),
    ];
    for (field, value) in nonneg {
        if value.is_some_and(|v| v < Decimal::ZERO || v > MAX_POINTS) {
            sink.push(
                "value_out_of_range",
                format!("price.deviation.{field}"),
                format!("应在 0～{MAX_POINTS} 之间"),
            );
        }
    }
    let full = file
        .factors
        .iter()
        .find(|f| f.kind == KindName::Price)
        .map(|f| f.max);
    if let Some(full) = full {
        if d.floor > full {
            sink.push(
                "floor_above_max",
                "price.deviation.floor",
                format!("价格分最低分 {} 高于价格因素满分 {full}", d.floor),
            );
        }
    }
    (sink.0.len() == before).then_some(*d)
}

fn check_k(k: &KRule, sink: &mut Sink) {
    if k.min > k.max {
        sink.push(
            "value_out_of_range",
            "price.k.max",
            format!("K 的上限 {} 小于下限 {}", k.max, k.min),
        );
    }
    if k.step <= Decimal::ZERO {
        sink.push("value_out_of_range", "price.k.step", "K 的步长必须大于 0");
    } else if !((k.max - k.min) % k.step).is_zero() {
        sink.push(
            "step_not_dividing_range",
            "price.k.step",
            format!("K 的步长 {} 不能整除区间 {}～{}", k.step, k.min, k.max),
        );
    }
    match k.apply {
        KApply::Discount if k.min < Decimal::ZERO || k.max >= Decimal::ONE => sink.push(
            "value_out_of_range",
            "price.k",
            "下浮系数 K（discount）应在 0（含）到 1（不含）之间",
        ),
        KApply::Multiply if k.min <= Decimal::ZERO => sink.push(
            "value_out_of_range",
            "price.k.min",
            "乘数 K（multiply）必须大于 0，否则基准价为 0",
        ),
        KApply::Multiply if k.max > Decimal::TEN => sink.push(
            "value_out_of_range",
            "price.k.max",
            "乘数 K（multiply）不应超过 10",
        ),
        _ => {}
    }
}
