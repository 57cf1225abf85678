//! Text screens: near-duplicate passages, shared typos, shared identifiers.

mod align;
mod identifiers;
mod index;
mod lexicon;
mod locate;
mod normalize;
mod overlap;
mod typo;

pub use lexicon::BUILTIN as BUILTIN_EXPRESSIONS;
pub use normalize::compared as compared_form;

use crate::flag::Flag;
use crate::input::{BidDocument, TenderDocument};
use crate::par::map_in_order;
use crate::settings::TextSettings;
use normalize::NormDoc;
use overlap::{overlap_flag, Side};
use serde::{Deserialize, Serialize};

/// What the text screens compared, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextSummary {
    pub bids: usize,
    pub pages: usize,
    /// Characters compared (letters, ideographs and digits) over all bids.
    pub compared_chars: u64,
    /// Text in at least this many bids counts as boilerplate.
    pub boilerplate_bids: usize,
    /// Distinct shingles of the tender, removed from the comparison.
    pub tender_shingles: usize,
    /// Distinct shingles shared by at least `boilerplate_bids` bids, removed.
    pub boilerplate_shingles: usize,
    /// Distinct shingles shared by some bids and compared.
    pub compared_shingles: usize,
    /// Pairs of bids that share any compared shingle.
    pub pairs_sharing: usize,
}

/// Runs the text screens over all pairs of bids. Bids are taken in order
/// of bidder id, so the flags (and their ids) do not depend on input order.
pub fn screen_text(
    tender: &TenderDocument,
    bids: &[BidDocument],
    s: &TextSettings,
) -> (Vec<Flag>, TextSummary) {
    let mut sorted: Vec<&BidDocument> = bids.iter().collect();
    sorted.sort_by(|a, b| a.bidder.cmp(&b.bidder));
    let bids = sorted.as_slice();
    let tender_doc = NormDoc::new(&tender.pages);
    let docs = map_in_order(bids, |bid| NormDoc::new(&bid.pages));
    let (pairs, masks, stats) = index::shared_shingles(&tender_doc, &docs, s);

    let mut flags: Vec<Flag> = map_in_order(&pairs, |pair| {
        let text = |i: usize| align::Text {
            chars: &docs[i].chars,
            mask: &masks[i],
        };
        let raw = align::passages(&text(pair.a), &text(pair.b), &pair.hits, s);
        (!raw.is_empty()).then(|| {
            let a = Side {
                bid: bids[pair.a],
                doc: &docs[pair.a],
            };
            let b = Side {
                bid: bids[pair.b],
                doc: &docs[pair.b],
            };
            overlap_flag(&a, &b, &raw, stats.boilerplate_bids, s)
        })
    })
    .into_iter()
    .flatten()
    .collect();
    flags.extend(typo::shared_typos(
        &tender_doc,
        bids,
        &docs,
        stats.boilerplate_bids,
        s,
    ));
    if s.identifiers {
        flags.extend(identifiers::shared_identifiers(
            tender,
            bids,
            stats.boilerplate_bids,
        ));
    }
    let summary = TextSummary {
        bids: bids.len(),
        pages: bids.iter().map(|b| b.pages.len()).sum(),
        compared_chars: docs.iter().map(|d| d.chars.len() as u64).sum(),
        boilerplate_bids: stats.boilerplate_bids,
        tender_shingles: stats.tender_shingles,
        boilerplate_shingles: stats.boilerplate_shingles,
        compared_shingles: stats.candidate_shingles,
        pairs_sharing: pairs.len(),
    };
    (flags, summary)
}
