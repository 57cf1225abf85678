//! Bids crowded just below the ceiling price (最高投标限价). Accompanying
//! bids (陪标) must stay valid, so they are placed under the cap, and high
//! bids also lift an average-based benchmark; a crowd of bids within a
//! narrow band under the cap is therefore worth a look.

use super::series::{money, round, Series};
use super::stats::PriceStat;
use crate::evidence::{Comparison, Evidence, PriceEvidence};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::settings::PriceSettings;
use rust_decimal::Decimal;

const SOURCE: &str = "陪标报价常贴近最高投标限价以保持有效；带宽、家数与比例为本系统默认值（见 docs/screens.md），宜按本中心历史项目校准";

pub fn ceiling_screen(
    series: &Series,
    ceiling: Option<Decimal>,
    s: &PriceSettings,
) -> (Vec<PriceStat>, Option<Flag>) {
    let name = "最高投标限价下方带内的报价";
    let Some(ceiling) = ceiling else {
        return (
            vec![PriceStat::note(
                "ceiling_band_share",
                name,
                "未提供最高投标限价".into(),
            )],
            None,
        );
    };
    let floor = ceiling * (Decimal::ONE - s.ceiling_band);
    let n = series.len();
    let in_band = |p: Decimal| p >= floor && p <= ceiling;
    let count = series.bids.iter().filter(|b| in_band(b.price)).count();
    let above = series.bids.iter().filter(|b| b.price > ceiling).count();
    let share = if n == 0 {
        Decimal::ZERO
    } else {
        Decimal::from(count as u64) / Decimal::from(n as u64)
    };
    let flagged = count >= s.ceiling_min_bids && share >= s.ceiling_min_share;
    let highest_below = series
        .bids
        .iter()
        .rev()
        .find(|b| b.price <= ceiling)
        .map(|b| round((ceiling - b.price) / ceiling * Decimal::ONE_HUNDRED, 2));
    let mut rows = vec![PriceStat::value(
        "ceiling_band_share",
        name,
        round(share, 4),
        Some(s.ceiling_min_share),
        flagged,
    )
    .with_note(format!(
        "限价{}元，带宽{}%，带内{count}家，超过限价{above}家",
        money(ceiling),
        round(s.ceiling_band * Decimal::ONE_HUNDRED, 2)
    ))];
    if let Some(gap) = highest_below {
        rows.push(PriceStat::value(
            "ceiling_nearest_gap_percent",
            "最接近限价的报价低于限价（%）",
            gap,
            None,
            false,
        ));
    }
    if !flagged {
        return (rows, None);
    }
    let members: Vec<Party> = series
        .bids
        .iter()
        .filter(|b| in_band(b.price))
        .map(|b| Party::Bidder(b.bidder.clone()))
        .collect();
    let level = if count + 1 >= n {
        Level::Strong
    } else {
        Level::Moderate
    };
    let evidence = PriceEvidence {
        statistic: "ceiling_band_share".into(),
        value: round(share, 4),
        threshold: s.ceiling_min_share,
        comparison: Comparison::AtLeast,
        source: SOURCE.into(),
        series: series.points(|_, b| in_band(b.price)),
        details_zh: vec![
            format!("最高投标限价 {}元", money(ceiling)),
            format!("带内下限 {}元", money(floor)),
            format!("带内{count}家，共{n}家，超过限价{above}家"),
        ],
    };
    let flag = Flag::new(
        FlagKind::CeilingCluster,
        members,
        Strength::new(level, share),
        Evidence::Prices(evidence),
        &format!("{ceiling}/{}", s.ceiling_band),
        format!("{count}家报价集中在最高投标限价下方{}%以内", round(s.ceiling_band * Decimal::ONE_HUNDRED, 2)),
        format!(
            "{n}家报价中有{count}家位于最高投标限价（{}元）下方{}%以内。陪标者常将报价贴近限价以保持有效，偏高的报价还会抬高以平均价为基础的评标基准价，请结合其他迹象判断。",
            money(ceiling),
            round(s.ceiling_band * Decimal::ONE_HUNDRED, 2)
        ),
    );
    (rows, Some(flag))
}
