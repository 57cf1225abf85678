//! Whatever the input, the screens return a report or an error with a
//! code: never a panic.

use pingshen_rules::{PriceInput, PriceRequest};
use pingshen_screens::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Characters that stress normalisation and offsets: ideographs, full-width
/// forms, punctuation, digits, line breaks, combining marks, astral planes.
const ALPHABET: &[char] = &[
    '沥', '青', '施', '工', '紧', '跟', '慢', '压', '高', '频', '低', '幅', '副', '第', '页', '１',
    '2', 'Ａ', 'x', 'X', '，', '。', '、', '“', '”', ' ', '\n', '\u{3000}', '\u{0301}', '\u{FB01}',
    '\u{2460}', '𠀀', '😀', '@', '.', '-', '\u{F900}', '0', '9',
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(ALPHABET), 0..120)
        .prop_map(|v| v.into_iter().collect())
}

fn pages() -> impl Strategy<Value = Vec<Page>> {
    prop::collection::vec(text(), 0..5).prop_map(pages_from_texts)
}

fn bid(i: usize, pages: Vec<Page>, author: String, time: i64, size: u64) -> BidDocument {
    let mut b = BidDocument::new(format!("B{i}"), format!("b{i}.pdf"), pages);
    b.metadata.author = Some(author);
    b.metadata.created = Some(DocTime {
        unix_seconds: time,
        text: time.to_string(),
    });
    b.size = Some(size);
    b.sha256 = Some(format!("{:x}", size % 3));
    b.hardware_ids = vec![HardwareId {
        kind: "mac".into(),
        value: format!("{}", size % 2),
    }];
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_documents_and_prices_give_a_report(
        tender in pages(),
        docs in prop::collection::vec((pages(), text(), -5i64..5, 0u64..4), 0..6),
        prices in prop::collection::vec(1i64..10_000_000_000_000, 0..8),
        scale in 0u32..6,
        ceiling in prop::option::of(1i64..10_000_000_000_000),
        shingle in 5usize..20,
    ) {
        let tender = TenderDocument { pages: tender };
        let bids: Vec<BidDocument> = docs
            .into_iter()
            .enumerate()
            .map(|(i, (p, a, t, s))| bid(i, p, a, t * 100, s))
            .collect();
        let req = PriceRequest {
            bids: prices
                .iter()
                .enumerate()
                .map(|(i, p)| PriceInput {
                    bidder: format!("B{i}"),
                    price: Decimal::new(*p, scale),
                    valid_after_preliminary: true,
                })
                .collect(),
            ceiling: ceiling.map(|c| Decimal::new(c, 2)),
            k: None,
        };
        let mut settings = Settings::default();
        settings.text.shingle_chars = shingle;
        settings.text.min_passage_chars = shingle as u32;
        settings.text.min_run_chars = shingle as u32;
        let input = ScreenInput {
            tender: Some(&tender),
            bids: &bids,
            prices: Some(&req),
            ..ScreenInput::default()
        };
        match screen(&input, &settings) {
            Ok(report) => {
                for flag in &report.flags {
                    prop_assert!(flag.id.starts_with("f-"));
                    prop_assert!(!flag.involved.is_empty());
                    prop_assert!(flag.strength.score >= Decimal::ZERO && flag.strength.score <= Decimal::ONE);
                }
            }
            Err(e) => prop_assert!(!e.code().is_empty() && !e.to_string().is_empty()),
        }
    }
}
