//! Aligned passages of one pair of bids → a `text_overlap` flag.

use super::align::RawPassage;
use super::locate::locate;
use super::normalize::NormDoc;
use crate::evidence::{AlignedPassage, Evidence, PassageSide};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::input::BidDocument;
use crate::settings::TextSettings;
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Write;

/// One side of the pair: the bid and its compared form.
pub struct Side<'a> {
    pub bid: &'a BidDocument,
    pub doc: &'a NormDoc,
}

fn side(s: &Side, span: (u32, u32)) -> PassageSide {
    let located = locate(s.doc, &s.bid.pages, span.0, span.1);
    PassageSide {
        bidder: s.bid.bidder.clone(),
        file: s.bid.file.clone(),
        start: located.start,
        end: located.end,
        text: located.text,
    }
}

fn similarity(p: &RawPassage) -> Decimal {
    let longer = (p.a.1 - p.a.0).max(p.b.1 - p.b.0).max(1);
    let mut r = (Decimal::from(p.matched) / Decimal::from(longer))
        .min(Decimal::ONE)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    r
}

fn pages_of(p: &PassageSide) -> String {
    if p.start.page == p.end.page {
        format!("第{}页", p.start.page)
    } else {
        format!("第{}–{}页", p.start.page, p.end.page)
    }
}

/// The flag for the passages two bids share (`raw` not empty).
pub fn overlap_flag(
    a: &Side,
    b: &Side,
    raw: &[RawPassage],
    boilerplate_bids: usize,
    s: &TextSettings,
) -> Flag {
    let passages: Vec<AlignedPassage> = raw
        .iter()
        .map(|p| AlignedPassage {
            a: side(a, p.a),
            b: side(b, p.b),
            matched_chars: p.matched,
            significant_chars: p.significant,
            similarity: similarity(p),
        })
        .collect();
    let shared: u32 = raw.iter().map(|p| p.significant).sum();
    let level = if shared >= s.strong_shared_chars {
        Level::Strong
    } else if shared >= s.moderate_shared_chars {
        Level::Moderate
    } else {
        Level::Weak
    };
    let score = Decimal::from(shared) / Decimal::from(shared + s.strong_shared_chars.max(1));

    let mut key = String::new();
    for p in &passages {
        let _ = write!(
            key,
            "{}:{}-{}:{}/{}:{}-{}:{};",
            p.a.start.page,
            p.a.start.offset,
            p.a.end.page,
            p.a.end.offset,
            p.b.start.page,
            p.b.start.offset,
            p.b.end.page,
            p.b.end.offset
        );
    }
    let (ida, idb) = (&a.bid.bidder, &b.bid.bidder);
    let places: Vec<String> = passages
        .iter()
        .take(5)
        .map(|p| format!("{ida}{}与{idb}{}", pages_of(&p.a), pages_of(&p.b)))
        .collect();
    let more = if passages.len() > 5 { "等" } else { "" };
    let title = format!("{ida}与{idb}：{}处雷同段落（{shared}字）", passages.len());
    let explanation = format!(
        "{ida}与{idb}的投标文件有{}处内容雷同的段落，雷同部分共{shared}个汉字或字母（不计数字、标点和空白）。\
         比对前已剔除招标文件中的全部文字，以及{}份及以上投标文件共有的文字，这些段落不属于照抄招标文件或通用格式。\
         位置：{}{more}。独立编制的投标文件一般不会出现成段相同的表述；若双方引用了同一公开资料（如技术规范原文），也可能出现此类雷同，请评标委员会对照原文判断。",
        passages.len(),
        boilerplate_bids,
        places.join("；"),
    );
    Flag::new(
        FlagKind::TextOverlap,
        vec![Party::Bidder(ida.clone()), Party::Bidder(idb.clone())],
        Strength::new(level, score),
        Evidence::Passages {
            shared_chars: shared,
            passages,
        },
        &key,
        title,
        explanation,
    )
}
