//! Shared identifiers: the same ID card number, mobile number, bank account
//! or e-mail address in several bids. 《招标投标法实施条例》第四十条 treats
//! the same project-management member in two bids (an ID card number) as
//! collusion, and a common contact or account as a sign of one hand behind
//! both. Only full identifiers count: masked ones (`420106********4413`)
//! collide by chance and are ignored. ID card numbers must pass their
//! check digit (GB 11643).

use super::locate::line_around;
use crate::evidence::{Evidence, Occurrence, SharedString, TextPos};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::input::{BidDocument, Page, TenderDocument};
use crate::par::map_in_order;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use unicode_normalization::char::decompose_compatible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    IdCard,
    Account,
    Mobile,
    Email,
}

impl Kind {
    fn name_zh(self) -> &'static str {
        match self {
            Kind::IdCard => "身份证号码",
            Kind::Account => "银行账号",
            Kind::Mobile => "手机号码",
            Kind::Email => "电子邮箱",
        }
    }
}

/// GB 11643 check digit (ISO 7064 MOD 11-2).
fn id_card_valid(t: &[u8]) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    if t.len() != 18 || !t[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = t[..17]
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK[(sum % 11) as usize] == t[17].to_ascii_uppercase()
}

fn classify(token: &str) -> Option<Kind> {
    let t = token.as_bytes();
    let digits = t.iter().all(u8::is_ascii_digit);
    if id_card_valid(t) {
        Some(Kind::IdCard)
    } else if digits && t.len() == 11 && t[0] == b'1' && (b'3'..=b'9').contains(&t[1]) {
        Some(Kind::Mobile)
    } else if digits && (16..=19).contains(&t.len()) {
        Some(Kind::Account)
    } else {
        let (local, domain) = token.split_once('@')?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@');
        ok.then_some(Kind::Email)
    }
}

fn token_char(c: char) -> Option<char> {
    let mut out = None;
    let mut count = 0;
    decompose_compatible(c, |d| {
        count += 1;
        out = Some(d);
    });
    let c = out.filter(|_| count == 1)?;
    (c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-')).then_some(c)
}

/// A token found on a page: its value (upper case) and character span.
struct Token {
    kind: Kind,
    value: String,
    page: u32,
    start: u32,
    end: u32,
}

fn tokens(pages: &[Page]) -> Vec<Token> {
    let mut out = Vec::new();
    for page in pages {
        let mut current = String::new();
        let mut start = 0u32;
        let mut flush = |current: &mut String, start: u32| {
            let trimmed = current.trim_matches(|c| matches!(c, '.' | '_' | '-'));
            if let Some(kind) = classify(trimmed) {
                let lead = current.len() - current.trim_start_matches(['.', '_', '-']).len();
                out.push(Token {
                    kind,
                    value: trimmed.to_ascii_uppercase(),
                    page: page.number,
                    start: start + lead as u32,
                    end: start + (lead + trimmed.len()) as u32,
                });
            }
            current.clear();
        };
        for (i, c) in page.text.chars().enumerate() {
            match token_char(c) {
                Some(t) => {
                    if current.is_empty() {
                        start = i as u32;
                    }
                    current.push(t);
                }
                None => flush(&mut current, start),
            }
        }
        flush(&mut current, start);
    }
    out
}

fn context(pages: &[Page], t: &Token) -> String {
    let Some(page) = pages.iter().find(|p| p.number == t.page) else {
        return String::new();
    };
    let chars: Vec<char> = page.text.chars().collect();
    line_around(&chars, t.start as usize, t.end as usize, 30)
}

/// Flags for identifiers shared by two or more bids (fewer than
/// `boilerplate_bids`) and absent from the tender, one per set of bids.
pub fn shared_identifiers(
    tender: &TenderDocument,
    bids: &[&BidDocument],
    boilerplate_bids: usize,
) -> Vec<Flag> {
    let in_tender: BTreeSet<String> = tokens(&tender.pages).into_iter().map(|t| t.value).collect();
    let per_bid = map_in_order(bids, |bid| tokens(&bid.pages));
    let mut holders: BTreeMap<(&str, Kind), BTreeSet<usize>> = BTreeMap::new();
    for (i, found) in per_bid.iter().enumerate() {
        for t in found.iter().filter(|t| !in_tender.contains(&t.value)) {
            holders.entry((&t.value, t.kind)).or_default().insert(i);
        }
    }
    let mut by_group: BTreeMap<Vec<usize>, Vec<(&str, Kind)>> = BTreeMap::new();
    for (value, group) in holders {
        if group.len() >= 2 && group.len() < boilerplate_bids {
            by_group
                .entry(group.into_iter().collect())
                .or_default()
                .push(value);
        }
    }
    by_group
        .into_iter()
        .map(|(group, values)| {
            let items: Vec<(Kind, SharedString)> = values
                .iter()
                .map(|&(value, kind)| {
                    let occurrences =
                        group
                            .iter()
                            .flat_map(|&b| {
                                per_bid[b].iter().filter(|t| t.value == value).take(10).map(
                                    move |t| Occurrence {
                                        bidder: bids[b].bidder.clone(),
                                        start: TextPos {
                                            page: t.page,
                                            offset: t.start,
                                        },
                                        end: TextPos {
                                            page: t.page,
                                            offset: t.end,
                                        },
                                        context: context(&bids[b].pages, t),
                                    },
                                )
                            })
                            .collect();
                    (
                        kind,
                        SharedString {
                            text: value.to_string(),
                            expected: None,
                            occurrences,
                        },
                    )
                })
                .collect();
            identifier_flag(
                group.iter().map(|&b| bids[b].bidder.as_str()).collect(),
                items,
            )
        })
        .collect()
}

fn identifier_flag(bidders: Vec<&str>, items: Vec<(Kind, SharedString)>) -> Flag {
    let names = bidders.join("、");
    let personal = items
        .iter()
        .any(|(k, _)| matches!(k, Kind::IdCard | Kind::Account));
    let level = if personal {
        Level::Strong
    } else {
        Level::Moderate
    };
    let score = Decimal::ONE
        - Decimal::ONE / Decimal::from(items.len() as u64 + if personal { 3 } else { 1 });
    let described: Vec<String> = items
        .iter()
        .map(|(k, s)| format!("{}{}", k.name_zh(), s.text))
        .collect();
    let key: Vec<String> = items.iter().map(|(_, s)| s.text.clone()).collect();
    let title = format!("{names}：相同的{}", items[0].0.name_zh());
    let explanation = format!(
        "{names}的投标文件中出现了相同的{}，招标文件中没有。不同投标人的项目管理成员为同一人、使用同一联系人或账户，\
         是《招标投标法实施条例》第三十九条、第四十条所列串通投标情形的常见表现，请评标委员会核对人员和账户信息。",
        described.join("、")
    );
    Flag::new(
        FlagKind::SharedIdentifier,
        bidders
            .into_iter()
            .map(|b| Party::Bidder(b.to_string()))
            .collect(),
        Strength::new(level, score),
        Evidence::SharedStrings {
            items: items.into_iter().map(|(_, s)| s).collect(),
        },
        &key.join(";"),
        title,
        explanation,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::pages_from_texts;

    #[test]
    fn classifies_with_check_digits() {
        // 11010519491231002X is the standard's published example.
        assert_eq!(classify("11010519491231002X"), Some(Kind::IdCard));
        // A wrong check digit is no ID card (18 digits read as an account).
        assert_ne!(classify("110105194912310021"), Some(Kind::IdCard));
        assert_eq!(classify("13912345678"), Some(Kind::Mobile));
        assert_eq!(classify("12912345678"), None);
        assert_eq!(classify("6222021001123456789"), Some(Kind::Account));
        assert_eq!(classify("040203006001"), None);
        assert_eq!(classify("li.ming@example.cn"), Some(Kind::Email));
        assert_eq!(classify("a@b"), None);
    }

    #[test]
    fn tokens_keep_page_offsets_and_fold_full_width_digits() {
        let pages = pages_from_texts([
            "项目经理：张三\n身份证号码：１１０１０５１９４９１２３１００２ｘ。",
        ]);
        let found = tokens(&pages);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].value, "11010519491231002X");
        assert_eq!((found[0].start, found[0].end), (14, 32));
        assert_eq!(
            context(&pages, &found[0]),
            "身份证号码：１１０１０５１９４９１２３１００２ｘ。"
        );
    }
}
