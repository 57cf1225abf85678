//! Checks of the `[abnormally_low]` section.

use crate::diag::Sink;
use crate::file::RulesFile;
use rust_decimal::Decimal;

/// Each ratio lies in (0, 1]; the section names at least one trigger and
/// comes with a `[price]` section (there are no prices to compare without).
pub(super) fn check(file: &RulesFile, sink: &mut Sink) {
    let Some(section) = &file.abnormally_low else {
        return;
    };
    if section.triggers().next().is_none() {
        sink.push(
            "abnormally_low_empty",
            "abnormally_low",
            "[abnormally_low] 段至少要设置一个启动条件（below_mean_ratio、below_second_lowest_ratio 或 below_ceiling_ratio）",
        );
    }
    for (trigger, ratio) in section.triggers() {
        if ratio <= Decimal::ZERO || ratio > Decimal::ONE {
            sink.push(
                "value_out_of_range",
                format!("abnormally_low.{}", trigger.key()),
                format!("比例 {ratio} 应大于 0 且不超过 1（如 0.50 表示 50%）"),
            );
        }
    }
    if let Some(h) = section.answer_hours {
        if !(1..=168).contains(&h) {
            sink.push(
                "value_out_of_range",
                "abnormally_low.answer_hours",
                format!("答复期限 {h} 小时应在 1–168 小时之间（给投标人合理的时间）"),
            );
        }
    }
    if file.price.is_none() {
        sink.push(
            "price_section_missing",
            "abnormally_low",
            "设置了异常低价审查条件，但没有 [price] 段",
        );
    }
}
