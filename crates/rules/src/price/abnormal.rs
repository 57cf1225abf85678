//! Which valid prices the rules' `[abnormally_low]` triggers flag, with the
//! numbers each comparison used.

use super::outcome::PricedBid;
use crate::model::{AbnormalTrigger, AbnormallyLow};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// A valid bid that must be reviewed as abnormally low, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AbnormalReview {
    pub bidder: String,
    #[serde(with = "crate::dec")]
    pub price: Decimal,
    /// Every trigger the price met (at least one).
    pub triggers: Vec<TriggerTrace>,
}

/// One comparison: `price < reference × ratio`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TriggerTrace {
    pub trigger: AbnormalTrigger,
    #[serde(with = "crate::dec")]
    pub ratio: Decimal,
    /// The mean (rounded half-up to the fen), the second-lowest price or
    /// the ceiling.
    #[serde(with = "crate::dec")]
    pub reference: Decimal,
    /// `reference × ratio`, exact.
    #[serde(with = "crate::dec")]
    pub threshold: Decimal,
}

/// The bids among `valid` (sorted by price, lowest first) that the
/// triggers flag. The mean counts every valid bid, the flagged one too;
/// the second-lowest comparison applies to the lowest bid only, and only
/// when another valid bid exists; the ceiling comparison only when there is
/// a ceiling. A price equal to a threshold is not below it.
pub fn abnormally_low(
    section: &AbnormallyLow,
    valid: &[PricedBid],
    ceiling: Option<Decimal>,
) -> Vec<AbnormalReview> {
    if valid.is_empty() {
        return Vec::new();
    }
    // Rounded half-up to the fen, as it is shown and as it travels (an
    // exact mean such as 26,429,633.333… has no finite form on the wire).
    let mean = (valid.iter().map(|b| b.price).sum::<Decimal>() / Decimal::from(valid.len()))
        .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
    let mut out = Vec::new();
    for (i, bid) in valid.iter().enumerate() {
        let mut triggers = Vec::new();
        for (trigger, ratio) in section.triggers() {
            let reference = match trigger {
                AbnormalTrigger::BelowMean => Some(mean),
                AbnormalTrigger::BelowSecondLowest if i == 0 => valid.get(1).map(|b| b.price),
                AbnormalTrigger::BelowSecondLowest => None,
                AbnormalTrigger::BelowCeiling => ceiling,
            };
            let Some(reference) = reference else { continue };
            let threshold = reference * ratio;
            if bid.price < threshold {
                triggers.push(TriggerTrace {
                    trigger,
                    ratio,
                    reference,
                    threshold,
                });
            }
        }
        if !triggers.is_empty() {
            out.push(AbnormalReview {
                bidder: bid.bidder.clone(),
                price: bid.price,
                triggers,
            });
        }
    }
    out
}

/// The bids the triggers flag by the prices read at opening, before the
/// panel's review: every bid within the ceiling counts as valid (a bid above
/// it is invalid whatever the panel finds). This is when the review opens —
/// the platform asks each flagged bidder to explain as soon as the panel has
/// a leader; the panel's preliminary outcome can only shrink the valid set
/// later, and the panel may open a review for any other price itself.
pub fn at_opening<'a>(
    section: &AbnormallyLow,
    bids: impl IntoIterator<Item = (&'a str, Decimal)>,
    ceiling: Decimal,
) -> Vec<AbnormalReview> {
    let mut valid: Vec<PricedBid> = bids
        .into_iter()
        .filter(|(_, price)| *price <= ceiling)
        .map(|(bidder, price)| PricedBid {
            bidder: bidder.to_string(),
            price,
        })
        .collect();
    valid.sort_by(|a, b| a.price.cmp(&b.price).then_with(|| a.bidder.cmp(&b.bidder)));
    abnormally_low(section, &valid, Some(ceiling))
}

/// The written request to a flagged bidder, with the computation in it
/// (《评标委员会和评标方法暂行规定》第二十一条, 87号令第六十条).
pub fn explanation_request(r: &AbnormalReview, hours: u32) -> String {
    format!(
        "你单位投标报价 {} 元，{}，触发评标办法规定的异常低价审查。请于 {} 小时内书面说明报价的合理性，并提供成本构成等证明材料；不能证明其报价合理性的，评标委员会将否决其投标。",
        crate::display::money(r.price),
        why(r),
        hours
    )
}

/// One sentence per flagged bid, for the explanation.
pub(crate) fn sentences(
    reviews: &[AbnormalReview],
    section: Option<&AbnormallyLow>,
) -> Vec<String> {
    let Some(section) = section else {
        return Vec::new();
    };
    if reviews.is_empty() {
        let how: Vec<String> = section
            .triggers()
            .map(|(t, r)| format!("低于{}的 {}", t.reference_zh(), percent(r)))
            .collect();
        return vec![format!(
            "异常低价审查：没有有效报价触发启动条件（{}）。",
            how.join("、")
        )];
    }
    reviews
        .iter()
        .map(|r| {
            format!(
                "{} 报价 {} 元，{}，应启动异常低价审查：由投标人书面说明并提供证明材料，评标委员会表决是否采纳。",
                r.bidder,
                crate::display::money(r.price),
                why(r)
            )
        })
        .collect()
}

/// Why a bid was flagged: each comparison with its reference, share and
/// threshold, e.g. “低于最高投标限价 3,000,000.00 元的 45%（1,350,000.00 元）”.
pub fn why(r: &AbnormalReview) -> String {
    r.triggers
        .iter()
        .map(|t| {
            format!(
                "低于{} {} 元的 {}（{} 元）",
                t.trigger.reference_zh(),
                crate::display::money(t.reference),
                percent(t.ratio),
                crate::display::money(t.threshold)
            )
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// `0.45` → `45%`.
fn percent(ratio: Decimal) -> String {
    format!("{}%", (ratio * Decimal::ONE_HUNDRED).normalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn bids(prices: &[(&str, Decimal)]) -> Vec<PricedBid> {
        let mut v: Vec<PricedBid> = prices
            .iter()
            .map(|(b, p)| PricedBid {
                bidder: b.to_string(),
                price: *p,
            })
            .collect();
        v.sort_by_key(|b| b.price);
        v
    }

    fn pilot() -> AbnormallyLow {
        AbnormallyLow {
            below_mean_ratio: Some(dec!(0.50)),
            below_second_lowest_ratio: Some(dec!(0.50)),
            below_ceiling_ratio: Some(dec!(0.45)),
            answer_hours: None,
        }
    }

    fn flagged(r: &[AbnormalReview]) -> Vec<(String, Vec<AbnormalTrigger>)> {
        r.iter()
            .map(|r| {
                (
                    r.bidder.clone(),
                    r.triggers.iter().map(|t| t.trigger).collect(),
                )
            })
            .collect()
    }

    /// Prices, the ceiling, and the bidders flagged with their triggers.
    type Case = (
        Vec<(&'static str, Decimal)>,
        Option<Decimal>,
        Vec<(&'static str, Vec<AbnormalTrigger>)>,
    );

    /// Worked examples.
    #[test]
    fn the_pilot_triggers_flag_exactly_these_bids() {
        use AbnormalTrigger::*;
        let cases: Vec<Case> = vec![
            // Mean 2 525 000 → threshold 1 262 500; second lowest 2 950 000
            // → 1 475 000; ceiling 3 000 000 → 1 350 000: all three.
            (
                vec![
                    ("A", dec!(1200000)),
                    ("B", dec!(2950000)),
                    ("C", dec!(2980000)),
                    ("D", dec!(2970000)),
                ],
                Some(dec!(3000000)),
                vec![("A", vec![BelowMean, BelowSecondLowest, BelowCeiling])],
            ),
            // Ordinary prices: nothing.
            (
                vec![
                    ("A", dec!(2800000)),
                    ("B", dec!(2950000)),
                    ("C", dec!(2900000)),
                ],
                Some(dec!(3000000)),
                vec![],
            ),
            // Only the ceiling trigger: 1 300 000 < 45 % of 3 000 000, but the
            // two bids are close and the mean is 1 325 000.
            (
                vec![("A", dec!(1300000)), ("B", dec!(1350000))],
                Some(dec!(3000000)),
                vec![("A", vec![BelowCeiling])],
            ),
            // Exactly on a threshold is not below it: 1 350 000 = 45 % × 3 000 000.
            (
                vec![("A", dec!(1350000)), ("B", dec!(1400000))],
                Some(dec!(3000000)),
                vec![],
            ),
            // No ceiling: that trigger is not applied; a single bid has no
            // second-lowest, and is its own mean.
            (vec![("A", dec!(100))], None, vec![]),
            // Second-lowest applies to the lowest bid only: B (400) is not
            // compared with C.
            (
                vec![
                    ("A", dec!(100)),
                    ("B", dec!(400)),
                    ("C", dec!(1000)),
                    ("D", dec!(1000)),
                ],
                None,
                vec![("A", vec![BelowMean, BelowSecondLowest])],
            ),
        ];
        for (prices, ceiling, expected) in cases {
            let got = abnormally_low(&pilot(), &bids(&prices), ceiling);
            let expected: Vec<(String, Vec<AbnormalTrigger>)> = expected
                .into_iter()
                .map(|(b, t)| (b.to_string(), t))
                .collect();
            assert_eq!(flagged(&got), expected, "{prices:?} ceiling {ceiling:?}");
        }
    }

    #[test]
    fn the_computation_is_kept_and_told() {
        let valid = bids(&[
            ("A", dec!(1200000)),
            ("B", dec!(2950000)),
            ("C", dec!(2980000)),
            ("D", dec!(2970000)),
        ]);
        let got = abnormally_low(&pilot(), &valid, Some(dec!(3000000)));
        let mean = &got[0].triggers[0];
        assert_eq!(mean.reference, dec!(2525000));
        assert_eq!(mean.threshold, dec!(1262500));
        let text = sentences(&got, Some(&pilot()));
        assert_eq!(text.len(), 1);
        assert!(text[0].contains("A 报价 1,200,000.00 元"), "{}", text[0]);
        assert!(
            text[0]
                .contains("低于全部有效投标报价的平均值 2,525,000.00 元的 50%（1,262,500.00 元）"),
            "{}",
            text[0]
        );
        assert!(
            text[0].contains("低于最高投标限价 3,000,000.00 元的 45%（1,350,000.00 元）"),
            "{}",
            text[0]
        );
    }

    #[test]
    fn only_configured_triggers_apply() {
        let only_ceiling = AbnormallyLow {
            below_ceiling_ratio: Some(dec!(0.45)),
            ..Default::default()
        };
        let valid = bids(&[("A", dec!(100)), ("B", dec!(1000)), ("C", dec!(1000))]);
        assert!(abnormally_low(&only_ceiling, &valid, None).is_empty());
        assert!(abnormally_low(&AbnormallyLow::default(), &valid, Some(dec!(1000))).is_empty());
        assert_eq!(
            sentences(&[], Some(&only_ceiling)),
            vec!["异常低价审查：没有有效报价触发启动条件（低于最高投标限价的 45%）。".to_string()]
        );
    }

    #[test]
    fn at_opening_leaves_out_bids_above_the_ceiling_and_asks_with_the_numbers() {
        use AbnormalTrigger::*;
        // C is above the ceiling: not valid, so not in the mean (with it the
        // mean would be 1,666,666.67 and A below its half).
        let bids = [
            ("C", dec!(3100000)),
            ("A", dec!(500000)),
            ("B", dec!(1400000)),
        ];
        let got = at_opening(&pilot(), bids, dec!(3000000));
        assert_eq!(
            flagged(&got),
            vec![("A".to_string(), vec![BelowSecondLowest, BelowCeiling])]
        );
        let text = explanation_request(&got[0], pilot().answer_hours());
        assert!(text.starts_with("你单位投标报价 500,000.00 元，低于次低有效投标报价 1,400,000.00 元的 50%（700,000.00 元）"), "{text}");
        assert!(text.contains("请于 24 小时内书面说明"), "{text}");
        assert!(at_opening(&pilot(), [("A", dec!(3100000))], dec!(3000000)).is_empty());
    }

    #[test]
    fn the_mean_is_rounded_to_the_fen_and_the_threshold_kept_exact() {
        // (50 + 200 + 250.02) / 3 = 166.67333…: 166.67 to the fen.
        let valid = bids(&[("A", dec!(50)), ("B", dec!(200)), ("C", dec!(250.02))]);
        let got = abnormally_low(&pilot(), &valid, None);
        let mean = &got[0].triggers[0];
        assert_eq!(mean.reference, dec!(166.67));
        assert_eq!(mean.threshold, dec!(83.3350));
    }
}
