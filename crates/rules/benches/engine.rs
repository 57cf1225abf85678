//! Speed of the engine on realistic and large inputs:
//! `cargo bench -p pingshen-rules`.

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use pingshen_rules::{
    aggregate, compute_prices, validate_sheet, BidderSheet, CriterionVerdict, Decimal, ExpertSheet,
    FactorKind, FactorScore, PriceInput, PriceRequest, Rules,
};

const MUNICIPAL: &str = include_str!("../../../assets/rules/municipal-construction.toml");

fn bids(n: usize) -> Vec<PriceInput> {
    (0..n)
        .map(|i| PriceInput {
            bidder: format!("B{i:04}"),
            // 25–29 million yuan, spread deterministically.
            price: Decimal::new(2_500_000_000 + ((i as i64 * 7_919) % 400_000_000), 2),
            valid_after_preliminary: i % 13 != 0,
        })
        .collect()
}

fn request(n: usize) -> PriceRequest {
    PriceRequest {
        bids: bids(n),
        ceiling: Some(Decimal::new(2_860_000_000, 2)),
        k: Some(Decimal::new(2, 2)),
    }
}

/// A complete sheet: the top option, no deductions, range points varying
/// by expert and bidder.
fn sheet(rules: &Rules, expert: usize, bidders: usize) -> ExpertSheet {
    ExpertSheet {
        expert: format!("E{expert:03}"),
        bidders: (0..bidders)
            .map(|b| BidderSheet {
                bidder: format!("B{b:04}"),
                preliminary: rules
                    .preliminary
                    .iter()
                    .map(|c| CriterionVerdict {
                        criterion: c.id.clone(),
                        pass: true,
                        reason: None,
                    })
                    .collect(),
                factors: rules
                    .factors
                    .iter()
                    .filter_map(|f| {
                        let mut e = FactorScore::new(&f.id);
                        e.reason = Some("评审意见".into());
                        match &f.kind {
                            FactorKind::Range { min, step } => {
                                let steps = ((f.max - min) / step).trunc();
                                let k =
                                    Decimal::from((expert * 3 + b) as u64) % (steps + Decimal::ONE);
                                e.points = Some(min + step * k);
                            }
                            FactorKind::Options(o) => e.option = Some(o[0].id.clone()),
                            FactorKind::Deductions(_) => {}
                            FactorKind::PassFail => e.pass = Some(true),
                            FactorKind::Price => return None,
                        }
                        Some(e)
                    })
                    .collect(),
                adjustments: Vec::new(),
                deviation_reasons: Vec::new(),
            })
            .collect(),
    }
}

fn engine(c: &mut Criterion) {
    let rules = Rules::from_toml(MUNICIPAL).expect("template");
    c.bench_function("parse_validate_municipal_template", |b| {
        b.iter(|| Rules::from_toml(black_box(MUNICIPAL)).unwrap())
    });
    for n in [10usize, 1000] {
        let req = request(n);
        c.bench_function(&format!("compute_prices_trimmed_mean_{n}_bids"), |b| {
            b.iter(|| compute_prices(&rules, black_box(&req)).unwrap())
        });
        let outcome = compute_prices(&rules, &req).unwrap();
        c.bench_function(&format!("recheck_explanation_{n}_bids"), |b| {
            b.iter(|| black_box(&outcome).recheck().unwrap())
        });
    }
    let bidders = 30;
    let sheets: Vec<ExpertSheet> = (0..9).map(|e| sheet(&rules, e, bidders)).collect();
    c.bench_function("validate_sheet_30_bidders", |b| {
        b.iter(|| validate_sheet(&rules, black_box(&sheets[0])).unwrap())
    });
    let req = PriceRequest {
        bids: bids(bidders),
        ceiling: None,
        k: Some(Decimal::new(2, 2)),
    };
    c.bench_function("aggregate_9_experts_30_bidders", |b| {
        b.iter(|| aggregate(&rules, black_box(&sheets), Some(&req), &[]).unwrap())
    });
}

criterion_group!(benches, engine);
criterion_main!(benches);
