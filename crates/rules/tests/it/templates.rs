//! Every template under assets/rules is valid and survives a write/read.

use pingshen_rules::{FactorKind, Group, Method, PriceMethod, Rules};
use rust_decimal_macros::dec;

const MUNICIPAL: &str = include_str!("../../../../assets/rules/municipal-construction.toml");
const GOODS: &str = include_str!("../../../../assets/rules/procurement-goods.toml");
const SUPERVISION: &str = include_str!("../../../../assets/rules/supervision-service.toml");
const LOWEST: &str = include_str!("../../../../assets/rules/lowest-evaluated-price.toml");

fn parse(name: &str, text: &str) -> Rules {
    match Rules::from_toml(text) {
        Ok(r) => r,
        Err(e) => panic!("{name} is invalid:\n{e}"),
    }
}

#[test]
fn every_template_is_valid_and_round_trips() {
    for (name, text) in [
        ("municipal", MUNICIPAL),
        ("goods", GOODS),
        ("supervision", SUPERVISION),
        ("lowest", LOWEST),
    ] {
        let rules = parse(name, text);
        let written = rules.to_toml();
        let again = Rules::from_toml(&written)
            .unwrap_or_else(|e| panic!("{name} re-read failed:\n{e}\n---\n{written}"));
        assert_eq!(rules, again, "{name}");
    }
}

#[test]
fn municipal_template_uses_trimmed_mean_with_k() {
    let r = parse("municipal", MUNICIPAL);
    assert_eq!(r.meta.method, Method::Comprehensive);
    let sum = |g: Group| -> rust_decimal::Decimal {
        r.factors
            .iter()
            .filter(|f| f.group == g)
            .map(|f| f.max)
            .sum()
    };
    assert_eq!(sum(Group::Technical), dec!(25));
    assert_eq!(sum(Group::Business), dec!(15));
    assert_eq!(sum(Group::Price), dec!(60));
    let price = r.price.as_ref().expect("price section");
    match &price.method {
        PriceMethod::Deviation { benchmark, k, .. } => {
            assert_eq!(benchmark.trim.len(), 3);
            assert!(k.is_some());
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(r.factor("tech.construction_plan").is_some());
    assert!(matches!(
        r.price_factor().map(|f| &f.kind),
        Some(FactorKind::Price)
    ));
}

#[test]
fn goods_template_uses_lowest_price() {
    let r = parse("goods", GOODS);
    assert!(matches!(
        r.price.as_ref().map(|p| &p.method),
        Some(PriceMethod::LowestPrice)
    ));
    assert_eq!(r.price_factor().map(|f| f.max), Some(dec!(30)));
}

#[test]
fn lowest_evaluated_template_has_adjustments_and_no_factors() {
    let r = parse("lowest", LOWEST);
    assert_eq!(r.meta.method, Method::LowestEvaluatedPrice);
    assert!(r.factors.is_empty());
    assert_eq!(r.adjustments.len(), 3);
}
