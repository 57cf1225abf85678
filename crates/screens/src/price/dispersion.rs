//! Variance and cover-bidding screens (Imhof 2017; Imhof, Karagök & Rutz
//! 2018): the coefficient of variation of all bids, and the relative
//! distance between the two lowest bids.

use super::rd_table;
use super::series::{mean_var, root, round, Series};
use super::stats::PriceStat;
use crate::evidence::{Comparison, Evidence, PriceEvidence};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::settings::PriceSettings;
use rust_decimal::Decimal;

const CV_SOURCE: &str = "方差筛查：Abrantes-Metz等（2006）、Imhof（2017）、Imhof、Karagök与Rutz（2018）发现串通投标时报价的变异系数明显降低；\
阈值为本系统默认值（见 docs/screens.md），宜按本中心历史项目校准";
const RD_SOURCE: &str = "陪标筛查：Imhof（2017）、Imhof、Karagök与Rutz（2018）的相对距离 RD = (b₂ − b₁) / σ（落标报价）；\
阈值取各报价独立同分布（正态）时的分位数，随投标人数变化（见 docs/screens.md）";

fn all_bidders(series: &Series) -> Vec<Party> {
    series
        .bids
        .iter()
        .map(|b| Party::Bidder(b.bidder.clone()))
        .collect()
}

/// The coefficient of variation (sample standard deviation / mean).
pub fn coefficient_of_variation(series: &Series, s: &PriceSettings) -> (PriceStat, Option<Flag>) {
    let n = series.len();
    let Some((mean, var)) = mean_var(&series.scaled()).filter(|_| n >= s.min_bids) else {
        return (
            PriceStat::note(
                "coefficient_of_variation",
                "变异系数",
                format!("投标人少于{}家，不计算", s.min_bids),
            ),
            None,
        );
    };
    let cv2 = var / (mean * mean);
    let cv = root(cv2, 4);
    let flagged = cv2 <= s.cv_threshold * s.cv_threshold;
    let stat = PriceStat::value(
        "coefficient_of_variation",
        "变异系数",
        cv,
        Some(s.cv_threshold),
        flagged,
    );
    if !flagged {
        return (stat, None);
    }
    let half = s.cv_threshold / Decimal::TWO;
    let level = if cv2 <= half * half {
        Level::Moderate
    } else {
        Level::Weak
    };
    let score = if s.cv_threshold.is_zero() {
        Decimal::ONE
    } else {
        Decimal::ONE - cv / s.cv_threshold
    };
    let mean_price = series.mean();
    let evidence = PriceEvidence {
        statistic: "coefficient_of_variation".into(),
        value: cv,
        threshold: s.cv_threshold,
        comparison: Comparison::AtMost,
        source: CV_SOURCE.into(),
        series: series.points(|_, _| true),
        details_zh: vec![
            format!("报价家数 {n}"),
            format!("平均报价 {}", super::series::money(mean_price)),
            format!(
                "标准差 {}",
                super::series::money(root(var, 10) * series.bids[n - 1].price)
            ),
        ],
    };
    let flag = Flag::new(
        FlagKind::LowPriceDispersion,
        all_bidders(series),
        Strength::new(level, score),
        Evidence::Prices(evidence),
        &format!("cv={cv}"),
        format!("全部{n}家报价的变异系数为{}%", round(cv * Decimal::ONE_HUNDRED, 2)),
        format!(
            "全部{n}家报价的变异系数（标准差÷平均值）为{}%，不高于阈值{}%。报价过于集中可能是事先协调的结果，\
             但在以平均价为基准的评标办法下，竞争性报价本身也会向基准价靠拢，此项仅作提示，需结合其他迹象判断。",
            round(cv * Decimal::ONE_HUNDRED, 2),
            round(s.cv_threshold * Decimal::ONE_HUNDRED, 2)
        ),
    );
    (stat, Some(flag))
}

/// Imhof's relative distance of the two lowest bids.
pub fn relative_distance(series: &Series, s: &PriceSettings) -> (PriceStat, Option<Flag>) {
    let n = series.len();
    let scaled = series.scaled();
    let level_col = rd_table::level_index(s.rd_false_alarm_rate).unwrap_or(1);
    let threshold = s.rd_threshold.or_else(|| rd_table::threshold(n, level_col));
    let losing = mean_var(scaled.get(1..).unwrap_or(&[]));
    let (Some(threshold), Some((_, var)), true) = (threshold, losing, n >= s.min_bids) else {
        return (
            PriceStat::note(
                "relative_distance",
                "最低两家报价的相对距离",
                format!("投标人少于{}家，不计算", s.min_bids),
            ),
            None,
        );
    };
    if var.is_zero() {
        return (
            PriceStat::note(
                "relative_distance",
                "最低两家报价的相对距离",
                "除最低价外其余报价完全相同，无法计算".into(),
            ),
            None,
        );
    }
    let gap = scaled[1] - scaled[0];
    let rd2 = gap * gap / var;
    let rd = root(rd2, 3);
    let flagged = rd2 >= threshold * threshold;
    let stat = PriceStat::value(
        "relative_distance",
        "最低两家报价的相对距离",
        rd,
        Some(threshold),
        flagged,
    );
    if !flagged {
        return (stat, None);
    }
    let strict = rd_table::threshold(n, 2).unwrap_or(threshold);
    let level = if s.rd_threshold.is_none() && rd2 >= strict * strict {
        Level::Moderate
    } else {
        Level::Weak
    };
    let (low, second) = (&series.bids[0], &series.bids[1]);
    let evidence = PriceEvidence {
        statistic: "relative_distance".into(),
        value: rd,
        threshold,
        comparison: Comparison::AtLeast,
        source: RD_SOURCE.into(),
        series: series.points(|i, _| i < 2),
        details_zh: vec![
            format!(
                "最低价 {}（{}）",
                super::series::money(low.price),
                low.bidder
            ),
            format!(
                "次低价 {}（{}）",
                super::series::money(second.price),
                second.bidder
            ),
            format!(
                "两者之差 {}",
                super::series::money(second.price - low.price)
            ),
            format!(
                "落标报价标准差 {}",
                super::series::money(root(var, 10) * series.bids[n - 1].price)
            ),
        ],
    };
    let chance_zh = if s.rd_threshold.is_some() {
        "固定阈值".to_string()
    } else {
        format!(
            "{n}家报价相互独立时超过此值的概率约为{}%",
            round(s.rd_false_alarm_rate * Decimal::ONE_HUNDRED, 1)
        )
    };
    let flag = Flag::new(
        FlagKind::LowestBidGap,
        all_bidders(series),
        Strength::new(level, Decimal::ONE - threshold / rd.max(threshold)),
        Evidence::Prices(evidence),
        &format!("rd={rd}"),
        format!("最低报价{}与其余报价的相对距离为{rd}", low.bidder),
        format!(
            "最低报价（{}）与次低报价之差是其余报价标准差的{rd}倍，不低于阈值{threshold}（{chance_zh}）。\
             陪标时，其余投标人往往报出集中而偏高的价格，使最低价显得突出；也可能只是最低价投标人成本优势明显，需结合其他迹象判断。",
            low.bidder,
        ),
    );
    (stat, Some(flag))
}
