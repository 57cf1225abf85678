//! Regular differences (投标报价呈规律性差异, 《招标投标法实施条例》第四十条):
//! prices in an arithmetic progression (each a fixed amount above the last)
//! or a geometric one (each a fixed percentage above the last), and
//! identical prices.
//!
//! A ladder is only flagged when independent prices would rarely form one
//! as long: with n distinct prices spread over a range R, priced in units of
//! g, and a tolerance of ±t, a given next term is hit with probability at
//! most q = (n − 2)·w / R, where w = (⌊2t/g⌋ + 1)·g is the width of the
//! window the next price must fall in. A ladder of k terms then arises by
//! chance at most E = 2 · C(n, 2) · q^(k−2) times (two shapes, any first
//! pair): a union bound, so E over-states the chance and errs towards
//! fewer flags. Round-number pricing (large g) widens w, as it should.

use super::series::{chance, money, round, Series};
use super::stats::PriceStat;
use crate::evidence::{Comparison, Evidence, PriceEvidence};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::settings::PriceSettings;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

const SOURCE: &str = "《招标投标法实施条例》第四十条（四）：不同投标人的投标报价呈规律性差异，视为投标人相互串通投标；\
偶然出现的概率按各报价相互独立、在报价区间内均匀分布估算（见 docs/screens.md）";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Shape {
    Arithmetic,
    Geometric,
}

#[derive(Debug, Clone)]
struct Ladder {
    shape: Shape,
    /// Indices into the distinct prices, ascending.
    terms: Vec<usize>,
}

/// Index of the price closest to `target` within `tol`, after `after`.
fn nearest(values: &[Decimal], after: usize, target: Decimal, tol: Decimal) -> Option<usize> {
    let at = values.partition_point(|v| *v < target);
    [at.checked_sub(1), Some(at)]
        .into_iter()
        .flatten()
        .filter(|&i| i > after && i < values.len())
        .filter(|&i| (values[i] - target).abs() <= tol)
        .min_by_key(|&i| ((values[i] - target).abs(), i))
}

fn extend(values: &[Decimal], i: usize, j: usize, shape: Shape, tol: Decimal) -> Ladder {
    let mut terms = vec![i, j];
    let (step, ratio) = (values[j] - values[i], values[j] / values[i]);
    loop {
        let last = terms[terms.len() - 1];
        let target = match shape {
            Shape::Arithmetic => values[last] + step,
            Shape::Geometric => values[last] * ratio,
        };
        match nearest(values, last, target, tol) {
            Some(next) => terms.push(next),
            None => break,
        }
    }
    Ladder { shape, terms }
}

/// Maximal ladders of at least `min_terms` distinct prices, longest first.
fn ladders(values: &[Decimal], tol: Decimal, min_terms: usize) -> Vec<Ladder> {
    let mut found = Vec::new();
    for i in 0..values.len() {
        for j in i + 1..values.len() {
            for shape in [Shape::Arithmetic, Shape::Geometric] {
                let ladder = extend(values, i, j, shape, tol);
                if ladder.terms.len() >= min_terms {
                    found.push(ladder);
                }
            }
        }
    }
    found.sort_by(|a, b| {
        b.terms
            .len()
            .cmp(&a.terms.len())
            .then_with(|| a.shape.cmp(&b.shape))
            .then_with(|| a.terms.cmp(&b.terms))
    });
    let mut kept: Vec<Ladder> = Vec::new();
    for ladder in found {
        let set: BTreeSet<usize> = ladder.terms.iter().copied().collect();
        let covered = kept
            .iter()
            .any(|k| set.is_subset(&k.terms.iter().copied().collect()));
        if !covered {
            kept.push(ladder);
        }
    }
    kept
}

/// Expected number of chance ladders of `k` terms (see the module docs).
fn expected(n: usize, k: usize, range: Decimal, grain: Decimal, tol: Decimal) -> Decimal {
    if range.is_zero() || n < 3 {
        return Decimal::ONE;
    }
    let window = ((Decimal::TWO * tol) / grain).floor() * grain + grain;
    let q = (Decimal::from((n - 2) as u64) * window / range).min(Decimal::ONE);
    let pairs = Decimal::from((n * (n - 1)) as u64);
    (0..k - 2).fold(pairs, |e, _| e * q)
}

fn level_of(e: Decimal, max: Decimal) -> Level {
    if e <= max / Decimal::ONE_HUNDRED {
        Level::Strong
    } else if e <= max / Decimal::TEN {
        Level::Moderate
    } else {
        Level::Weak
    }
}

/// Ladders among the prices, and the statistic row of the longest.
pub fn ladder_screen(series: &Series, s: &PriceSettings) -> (PriceStat, Vec<Flag>) {
    let mut values: Vec<Decimal> = series.prices();
    values.dedup();
    let n = values.len();
    let tol = round(series.mean() * s.ladder_tolerance, 2);
    let grain = series.grain();
    let range = series.range();
    let found = ladders(&values, tol, s.ladder_min_terms);
    let name = "报价等差或等比规律";
    let Some(longest) = found.first() else {
        return (
            PriceStat::note(
                "price_ladder",
                name,
                format!("未发现{}家及以上的规律性报价", s.ladder_min_terms),
            ),
            Vec::new(),
        );
    };
    let e_longest = expected(n, longest.terms.len(), range, grain, tol);
    let stat = PriceStat::value(
        "price_ladder",
        name,
        chance(e_longest),
        Some(s.max_chance),
        e_longest <= s.max_chance,
    )
    .with_note(format!(
        "最长规律{}家，偶然出现的期望次数如左",
        longest.terms.len()
    ));
    let flags = found
        .iter()
        .filter_map(|ladder| {
            let e = expected(n, ladder.terms.len(), range, grain, tol);
            (e <= s.max_chance).then(|| ladder_flag(series, &values, ladder, e, tol, grain, s))
        })
        .collect();
    (stat, flags)
}

fn ladder_flag(
    series: &Series,
    values: &[Decimal],
    ladder: &Ladder,
    e: Decimal,
    tol: Decimal,
    grain: Decimal,
    s: &PriceSettings,
) -> Flag {
    let prices: BTreeSet<Decimal> = ladder.terms.iter().map(|&t| values[t]).collect();
    // With identical prices, the first bidder at each price stands for it.
    let mut members: Vec<&str> = Vec::new();
    for price in &prices {
        if let Some(b) = series.bids.iter().find(|b| b.price == *price) {
            members.push(&b.bidder);
        }
    }
    let (first, second) = (values[ladder.terms[0]], values[ladder.terms[1]]);
    let step_zh = match ladder.shape {
        Shape::Arithmetic => format!("等差：每级相差约{}元", money(second - first)),
        Shape::Geometric => format!(
            "等比：每级约为前一级的{}%",
            round(second / first * Decimal::ONE_HUNDRED, 3)
        ),
    };
    let list: Vec<String> = ladder
        .terms
        .iter()
        .zip(&members)
        .map(|(&t, m)| format!("{m} {}", money(values[t])))
        .collect();
    let evidence = PriceEvidence {
        statistic: "ladder_expected_by_chance".into(),
        value: chance(e),
        threshold: s.max_chance,
        comparison: Comparison::AtMost,
        source: SOURCE.into(),
        series: series.points(|_, b| prices.contains(&b.price)),
        details_zh: vec![
            step_zh.clone(),
            format!("容差 ±{}元", money(tol)),
            format!("报价取整单位 {}元", grain.normalize()),
            format!(
                "{}家报价中偶然形成{}级规律的期望次数 {}",
                values.len(),
                ladder.terms.len(),
                chance(e)
            ),
        ],
    };
    let key: Vec<String> = prices.iter().map(|p| p.to_string()).collect();
    Flag::new(
        FlagKind::PriceLadder,
        members.iter().map(|m| Party::Bidder(m.to_string())).collect(),
        Strength::new(level_of(e, s.max_chance), Decimal::ONE - e / s.max_chance),
        Evidence::Prices(evidence),
        &key.join(","),
        format!("{}家报价呈{}", ladder.terms.len(), &step_zh[..step_zh.find('：').unwrap_or(0)]),
        format!(
            "以下{}家报价构成规律（{step_zh}）：{}。各家独立报价时，{}家报价中偶然出现这样{}级规律的期望次数仅为{}。\
             《招标投标法实施条例》第四十条将“投标报价呈规律性差异”视为串通投标，请评标委员会核实。",
            ladder.terms.len(),
            list.join("；"),
            values.len(),
            ladder.terms.len(),
            chance(e),
        ),
    )
}

/// Bidders quoting exactly the same price, one flag per price.
pub fn identical_screen(series: &Series, s: &PriceSettings) -> (PriceStat, Vec<Flag>) {
    let n = series.len();
    let range = series.range();
    let grain = series.grain();
    let pairs = Decimal::from((n * n.saturating_sub(1) / 2) as u64);
    let e = if range.is_zero() {
        Decimal::ONE
    } else {
        (pairs * grain / range).min(Decimal::ONE)
    };
    let mut flags = Vec::new();
    for group in series.bids.chunk_by(|a, b| a.price == b.price) {
        if group.len() < 2 {
            continue;
        }
        let price = group[0].price;
        let names: Vec<&str> = group.iter().map(|b| b.bidder.as_str()).collect();
        let evidence = PriceEvidence {
            statistic: "identical_expected_by_chance".into(),
            value: chance(e),
            threshold: s.max_chance,
            comparison: Comparison::AtMost,
            source: SOURCE.into(),
            series: series.points(|_, b| b.price == price),
            details_zh: vec![
                format!("相同报价 {}元", money(price)),
                format!("报价取整单位 {}元", grain.normalize()),
            ],
        };
        flags.push(Flag::new(
            FlagKind::IdenticalPrices,
            names.iter().map(|b| Party::Bidder(b.to_string())).collect(),
            Strength::new(level_of(e, s.max_chance), Decimal::ONE - e),
            Evidence::Prices(evidence),
            &price.to_string(),
            format!("{}报价完全相同", names.join("、")),
            format!(
                "{}的投标报价均为{}元。各家独立报价时，任意两家报价恰好相同的期望次数为{}。报价完全相同属于“投标报价呈规律性差异”或“异常一致”的情形，请评标委员会核实。",
                names.join("、"),
                money(price),
                chance(e)
            ),
        ));
    }
    let stat = PriceStat::value(
        "identical_prices",
        "报价完全相同的组数",
        Decimal::from(flags.len() as u64),
        None,
        !flags.is_empty(),
    );
    (stat, flags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn finds_maximal_arithmetic_and_geometric_ladders() {
        let values = vec![
            dec!(100),
            dec!(103.5),
            dec!(110),
            dec!(121),
            dec!(133.1),
            dec!(140),
        ];
        let found = ladders(&values, dec!(0.01), 3);
        assert_eq!(found[0].shape, Shape::Geometric);
        assert_eq!(found[0].terms, vec![0, 2, 3, 4]);
        let arith = ladders(
            &[dec!(100), dec!(120), dec!(130), dec!(140), dec!(160)],
            dec!(0),
            3,
        );
        assert_eq!(arith[0].terms, vec![0, 1, 3, 4]);
        assert!(arith.iter().all(|l| l.terms.len() >= 3));
    }

    #[test]
    fn chance_grows_with_round_prices_and_shrinks_with_length() {
        let fine = expected(8, 3, dec!(2000000), dec!(0.01), dec!(1));
        let round_prices = expected(8, 3, dec!(2000000), dec!(10000), dec!(1));
        assert!(round_prices > fine);
        assert!(expected(8, 4, dec!(2000000), dec!(0.01), dec!(1)) < fine);
        assert_eq!(expected(8, 3, dec!(0), dec!(1), dec!(1)), Decimal::ONE);
    }
}
