//! Property tests: scores stay within [floor, max], the explanation
//! re-computes the scores, the ranking is a total order once lots are in,
//! and parse(serialize(r)) = r.

use crate::common::{bidder_sheet, sheet, TRIMMED_MEAN_STANDARD_BANDS};
use pingshen_rules::{aggregate, compute_prices, LotOutcome, PriceInput, PriceRequest, Rules};
use proptest::prelude::*;

const MUNICIPAL: &str = include_str!("../../../../assets/rules/municipal-construction.toml");
use rust_decimal::Decimal;

fn cents(c: u64) -> Decimal {
    Decimal::new(i64::try_from(c).unwrap(), 2)
}

fn hundredths(c: u32) -> Decimal {
    Decimal::new(i64::from(c), 2)
}

#[derive(Debug, Clone)]
struct DeviationParams {
    full: u32,
    above: u32,
    below: u32,
    above_cap: Option<u32>,
    below_cap: Option<u32>,
    floor_share: u32,
    whole: bool,
    composite: bool,
    k_steps: u32,
}

fn deviation_params() -> impl Strategy<Value = DeviationParams> {
    (
        (10u32..=70),
        (0u32..=300),
        (0u32..=300),
        proptest::option::of(0u32..=30),
        proptest::option::of(0u32..=30),
        (0u32..=100),
        any::<bool>(),
        any::<bool>(),
        (0u32..=6),
    )
        .prop_map(
            |(full, above, below, above_cap, below_cap, floor_share, whole, composite, k_steps)| {
                DeviationParams {
                    full,
                    above,
                    below,
                    above_cap,
                    below_cap,
                    floor_share,
                    whole,
                    composite,
                    k_steps,
                }
            },
        )
}

fn deviation_rules(p: &DeviationParams) -> (Rules, Decimal) {
    let floor = Decimal::from(p.full) * Decimal::from(p.floor_share) / Decimal::from(100u32);
    let floor = floor.round_dp(2);
    let caps = format!(
        "{}{}",
        p.above_cap
            .map_or(String::new(), |c| format!("above_cap = \"{c}\"\n")),
        p.below_cap
            .map_or(String::new(), |c| format!("below_cap = \"{c}\"\n"))
    );
    let benchmark = if p.composite {
        "[price.benchmark]\nkind = \"composite\"\ncomponents = [{ source = \"trimmed_mean\", weight = \"0.7\" }, { source = \"lowest\", weight = \"0.3\" }]\n".to_string()
            + TRIMMED_MEAN_STANDARD_BANDS
    } else {
        "[price.benchmark]\nkind = \"trimmed_mean\"\n".to_string() + TRIMMED_MEAN_STANDARD_BANDS
    };
    let section = format!(
        "[price]\nmethod = \"deviation\"\n[price.k]\napply = \"discount\"\nmin = \"0\"\nmax = \"0.03\"\nstep = \"0.005\"\n[price.deviation]\nabove_per_percent = \"{}\"\nbelow_per_percent = \"{}\"\nfloor = \"{floor}\"\nwhole_percent = {}\n{caps}\n{benchmark}",
        hundredths(p.above),
        hundredths(p.below),
        p.whole
    );
    (
        crate::common::price_rules(&p.full.to_string(), &section),
        floor,
    )
}

fn price_list() -> impl Strategy<Value = Vec<(u64, bool)>> {
    proptest::collection::vec(
        (100_000u64..=5_000_000_000u64, proptest::bool::weighted(0.9)),
        1..14,
    )
}

fn request(list: &[(u64, bool)], k: Option<Decimal>, ceiling: Option<Decimal>) -> PriceRequest {
    PriceRequest {
        bids: list
            .iter()
            .enumerate()
            .map(|(i, (c, ok))| PriceInput {
                bidder: format!("B{i:02}"),
                price: cents(*c),
                valid_after_preliminary: *ok,
            })
            .collect(),
        ceiling,
        k,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn deviation_scores_stay_within_floor_and_full(
        p in deviation_params(),
        list in price_list(),
        ceiling_cents in proptest::option::of(100_000u64..=5_000_000_000u64),
    ) {
        let (rules, floor) = deviation_rules(&p);
        let k = Decimal::new(i64::from(p.k_steps) * 5, 3);
        let o = compute_prices(&rules, &request(&list, Some(k), ceiling_cents.map(cents))).unwrap();
        let full = Decimal::from(p.full);
        for b in &o.bids {
            if let Some(s) = b.score {
                prop_assert!(s >= floor && s <= full, "{} not in [{floor}, {full}]", s);
            }
        }
        let valid = o.bids.iter().filter(|b| b.status == pingshen_rules::BidStatus::Valid).count();
        prop_assert_eq!(o.bids.iter().filter(|b| b.score.is_some()).count(), valid);
        prop_assert!(o.recheck().is_ok(), "{:?}", o.recheck());
        // The JSON form re-checks too: nothing is lost on the wire.
        let back: pingshen_rules::PriceOutcome = serde_json::from_str(&serde_json::to_string(&o).unwrap()).unwrap();
        prop_assert!(back.recheck().is_ok());
    }

    #[test]
    fn lowest_price_scores_stay_within_zero_and_full(full in 10u32..=60, list in price_list()) {
        let rules = crate::common::price_rules(&full.to_string(), "[price]\nmethod = \"lowest_price\"\n");
        let o = compute_prices(&rules, &request(&list, None, None)).unwrap();
        let full = Decimal::from(full);
        let mut best = Decimal::ZERO;
        for s in o.bids.iter().filter_map(|b| b.score) {
            prop_assert!(s >= Decimal::ZERO && s <= full, "{} not in [0, {}]", s, full);
            best = best.max(s);
        }
        if o.bids.iter().any(|b| b.score.is_some()) {
            prop_assert_eq!(best, full, "the lowest valid price gets full points");
        }
        prop_assert!(o.recheck().is_ok());
    }

    /// With lots recorded for every tie that reaches them, the ranking is a
    /// strict total order consistent with total, then price, then
    /// technical points.
    #[test]
    fn ranking_is_a_total_order_once_lots_are_drawn(
        bidders in 2usize..8,
        points in proptest::collection::vec(0u32..=4, 24),
        prices in proptest::collection::vec(0usize..3, 8),
    ) {
        let rules = Rules::from_toml(&crate::common::SMALL.replace(
            "tie_break = [\"lower_price\", \"lots\"]",
            "tie_break = [\"lower_price\", \"higher_technical\", \"lots\"]",
        ))
        .unwrap();
        let ids: Vec<String> = (0..bidders).map(|i| format!("B{i}")).collect();
        let sheets: Vec<_> = (0..3)
            .map(|e| {
                let list = ids
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let p = (points[(e * 8 + i) % points.len()] * 10).to_string();
                        bidder_sheet(&rules, b, &[], &[("tech.plan", p.as_str())])
                    })
                    .collect();
                sheet(&format!("E{e}"), list)
            })
            .collect();
        let price_values = ["100", "110", "120"];
        let req = PriceRequest {
            bids: ids
                .iter()
                .enumerate()
                .map(|(i, b)| PriceInput {
                    bidder: b.clone(),
                    price: price_values[prices[i]].parse().unwrap(),
                    valid_after_preliminary: true,
                })
                .collect(),
            ceiling: None,
            k: None,
        };
        let first = aggregate(&rules, &sheets, Some(&req), &[]).unwrap();
        let lots: Vec<LotOutcome> = first
            .ranking
            .unresolved
            .iter()
            .map(|g| LotOutcome { bidders: g.iter().rev().cloned().collect() })
            .collect();
        let r = aggregate(&rules, &sheets, Some(&req), &lots).unwrap();
        prop_assert!(r.ranking.unresolved.is_empty());
        prop_assert!(r.recheck().is_ok(), "{:?}", r.recheck());
        let ranks: Vec<u32> = r.ranking.entries.iter().map(|e| e.rank).collect();
        let expected: Vec<u32> = (1..=u32::try_from(bidders).unwrap()).collect();
        prop_assert_eq!(ranks, expected);
        let key = |b: &str| {
            let x = r.bidders.iter().find(|x| x.bidder == b).unwrap();
            (x.total.unwrap(), x.price.unwrap(), x.groups.technical)
        };
        for w in r.ranking.entries.windows(2) {
            let (t0, p0, h0) = key(&w[0].bidder);
            let (t1, p1, h1) = key(&w[1].bidder);
            prop_assert!(t0 > t1 || (t0 == t1 && (p0 < p1 || (p0 == p1 && h0 >= h1))));
        }
        // Lots were only needed where total, price and technical all tie.
        for g in &first.ranking.unresolved {
            let k0 = key(&g[0]);
            prop_assert!(g.iter().all(|b| key(b) == k0));
        }
    }

    /// Any edit of a real file gives rules or diagnostics, never a panic.
    #[test]
    fn mangled_rules_files_never_panic(at in 0usize..12_000, len in 0usize..40, junk in ".{0,20}") {
        let text = MUNICIPAL;
        let start = text.char_indices().map(|(i, _)| i).find(|i| *i >= at % text.len()).unwrap_or(0);
        let end = text[start..].char_indices().map(|(i, _)| start + i).nth(len).unwrap_or(text.len());
        let mangled = format!("{}{junk}{}", &text[..start], &text[end..]);
        if let Err(e) = Rules::from_toml(&mangled) {
            prop_assert!(e.0.iter().all(|d| !d.code.is_empty() && !d.message_zh.is_empty()));
        }
    }

    #[test]
    fn parse_of_serialize_is_identity(spec in rules_spec()) {
        let text = spec.to_toml();
        let rules = Rules::from_toml(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let again = Rules::from_toml(&rules.to_toml()).unwrap();
        prop_assert_eq!(&again, &rules);
        let json: Rules = serde_json::from_str(&serde_json::to_string(&rules).unwrap()).unwrap();
        prop_assert_eq!(json, rules);
    }
}

/// A random but valid rules file, written as TOML text by hand so that
/// the parser (not the serializer) is what reads it first.
#[derive(Debug, Clone)]
struct RulesSpec {
    factors: Vec<(u8, u32, bool)>,
    price_max: u32,
    price_kind: u8,
    drop_extremes: bool,
}

fn rules_spec() -> impl Strategy<Value = RulesSpec> {
    (
        proptest::collection::vec((0u8..4, 1u32..=20, any::<bool>()), 1..8),
        10u32..=60,
        0u8..3,
        any::<bool>(),
    )
        .prop_map(
            |(factors, price_max, price_kind, drop_extremes)| RulesSpec {
                factors,
                price_max,
                price_kind,
                drop_extremes,
            },
        )
}

impl RulesSpec {
    fn to_toml(&self) -> String {
        let total: u32 = self.factors.iter().map(|f| f.1).sum::<u32>() + self.price_max;
        let mut t = format!(
            "version = 1\ntie_break = [\"higher_technical\", \"lower_price\", \"lots\"]\n[meta]\nid = \"gen\"\nname = \"生成\"\nmethod = \"comprehensive\"\ntotal = \"{total}\"\n"
        );
        if self.drop_extremes {
            t.push_str("[panel]\nsize = 7\naggregation = \"drop_extremes\"\ndrop_extremes_min_size = 7\ndeviation_threshold = \"0.3\"\n");
        } else {
            t.push_str("[panel]\nsize = 5\n");
        }
        t.push_str("[[preliminary]]\nid = \"form.a\"\nstage = \"form\"\nname = \"形式\"\nguidance = \"说明\"\n");
        for (i, (kind, max, objective)) in self.factors.iter().enumerate() {
            let group = ["business", "technical", "other", "price"][i % 4];
            t.push_str(&format!(
                "[[factors]]\nid = \"f{i}\"\nname = \"因素{i}\"\ngroup = \"{group}\"\nmax = \"{max}\"\nobjective = {objective}\n"
            ));
            match kind {
                0 => t.push_str("kind = \"range\"\nmin = \"0\"\nstep = \"0.5\"\n"),
                1 => t.push_str(&format!(
                    "kind = \"options\"\noptions = [{{ id = \"hi\", label = \"高\", points = \"{max}\" }}, {{ id = \"lo\", label = \"低\", points = \"0\" }}]\n"
                )),
                2 => t.push_str("kind = \"deductions\"\ndeductions = [{ id = \"x\", label = \"缺项\", points = \"1\", max_times = 3 }]\n"),
                _ => t.push_str("kind = \"pass_fail\"\n"),
            }
        }
        t.push_str(&format!(
            "[[factors]]\nid = \"price\"\nname = \"价格\"\ngroup = \"price\"\nkind = \"price\"\nmax = \"{}\"\n",
            self.price_max
        ));
        match self.price_kind {
            0 => t.push_str("[price]\nmethod = \"lowest_price\"\nceiling = \"1000000\"\n"),
            1 => {
                t.push_str("[price]\nmethod = \"deviation\"\n[price.deviation]\nabove_per_percent = \"1\"\nbelow_per_percent = \"0.5\"\nabove_cap = \"20\"\n[price.benchmark]\nkind = \"trimmed_mean\"\n");
                t.push_str(TRIMMED_MEAN_STANDARD_BANDS);
            }
            _ => t.push_str("[price]\nmethod = \"deviation\"\n[price.k]\napply = \"multiply\"\nmin = \"0.95\"\nmax = \"0.98\"\nstep = \"0.01\"\n[price.deviation]\nabove_per_percent = \"1\"\nbelow_per_percent = \"0.5\"\nwhole_percent = true\n[price.benchmark]\nkind = \"composite\"\ncomponents = [{ source = \"mean\", weight = \"0.6\" }, { source = \"ceiling\", weight = \"0.4\" }]\n"),
        }
        t
    }
}
