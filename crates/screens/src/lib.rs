//! Collusion and anomaly screens (串标分析 / 清标). Pure: values in, values
//! out — no files, clocks, randomness or threads (except the optional
//! `parallel` feature, whose results are identical). Compiles to wasm32.
//!
//! - [`screen`]: every screen the inputs allow, as one [`ScreenReport`].
//! - [`screen_text`]: near-duplicate passages (after removing the tender's
//!   text and text most bids share), shared typos, shared identifiers.
//! - [`screen_metadata`]: author, software, creation time, size, hash,
//!   hardware identifiers.
//! - [`screen_prices`]: dispersion, relative distance of the two lowest,
//!   ladders, identical prices, ceiling clusters, benchmark pull.
//! - [`screen_experts`]: outlying, uniform and unopened scoring.
//!
//! Each result is a [`Flag`] with a stable id, the parties, a strength and
//! its evidence; the panel, not the program, decides. Thresholds live in
//! [`Settings`] and are documented with their sources in `docs/screens.md`.

pub mod error;
pub mod evidence;
mod expert;
pub mod flag;
mod hash;
pub mod input;
mod meta;
mod par;
pub mod price;
pub mod report;
pub mod settings;
pub mod text;

pub use error::ScreenError;
pub use evidence::*;
pub use expert::screen_experts;
pub use flag::{sort_flags, Family, Flag, FlagKind, Level, Party, Strength};
pub use input::{
    pages_from_texts, BidDocument, DocMeta, DocOpenEvent, DocTime, HardwareId, Page, TenderDocument,
};
pub use meta::screen_metadata;
pub use price::{screen_prices, PriceScreens, PriceStat, PriceStatistics};
pub use report::{ScreenReport, Skipped};
pub use settings::{ExpertSettings, MetaSettings, PriceSettings, Settings, TextSettings};
pub use text::{screen_text, TextSummary};

use pingshen_rules::{ExpertSheet, PriceRequest, Rules};
use std::collections::BTreeSet;

/// Most bids one run accepts (all pairs are compared).
pub const MAX_BIDS: usize = 1000;

/// Everything a run may look at; absent parts skip their screens.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScreenInput<'a> {
    pub tender: Option<&'a TenderDocument>,
    pub bids: &'a [BidDocument],
    pub prices: Option<&'a PriceRequest>,
    pub rules: Option<&'a Rules>,
    pub sheets: &'a [ExpertSheet],
    pub opens: &'a [DocOpenEvent],
}

fn check_bids(bids: &[BidDocument]) -> Result<(), ScreenError> {
    if bids.len() > MAX_BIDS {
        return Err(ScreenError::TooManyBids {
            count: bids.len(),
            limit: MAX_BIDS,
        });
    }
    let mut seen = BTreeSet::new();
    for (index, bid) in bids.iter().enumerate() {
        if bid.bidder.trim().is_empty() {
            return Err(ScreenError::EmptyBidder { index: index + 1 });
        }
        if !seen.insert(bid.bidder.as_str()) {
            return Err(ScreenError::DuplicateBidder {
                bidder: bid.bidder.clone(),
            });
        }
    }
    Ok(())
}

/// Bidder groups linked by the document screens, for the benchmark screen.
fn linked_groups(flags: &[Flag]) -> Vec<Vec<String>> {
    let groups: BTreeSet<Vec<String>> = flags
        .iter()
        .map(|f| {
            f.bidders()
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|g| g.len() >= 2)
        .collect();
    groups.into_iter().collect()
}

/// Runs every screen the input allows.
pub fn screen(input: &ScreenInput, settings: &Settings) -> Result<ScreenReport, ScreenError> {
    settings.validate()?;
    check_bids(input.bids)?;
    let mut flags = Vec::new();
    let mut skipped = Vec::new();

    let mut text = None;
    if input.bids.len() >= 2 {
        let empty = TenderDocument::default();
        if input.tender.is_none() {
            skipped.push(Skipped::new(
                "text_overlap",
                "tender_missing",
                "未提供招标文件，无法剔除照抄招标文件的内容，雷同段落中可能含有招标文件原文",
            ));
        }
        let (found, summary) =
            screen_text(input.tender.unwrap_or(&empty), input.bids, &settings.text);
        flags.extend(found);
        text = Some(summary);
        flags.extend(screen_metadata(input.bids, &settings.metadata));
    } else {
        skipped.push(Skipped::new(
            "text",
            "too_few_bids",
            "投标文件少于两份，未比对文件内容和属性",
        ));
    }

    let mut prices = None;
    match input.prices {
        Some(req) => {
            let groups = linked_groups(&flags);
            let result = screen_prices(req, input.rules, &groups, &settings.price)?;
            flags.extend(result.flags);
            skipped.extend(result.skipped);
            prices = Some(result.statistics);
        }
        None => skipped.push(Skipped::new(
            "price",
            "prices_missing",
            "未提供投标报价，未进行报价分析",
        )),
    }

    match (input.rules, input.sheets.is_empty()) {
        (Some(rules), false) => {
            let (found, notes) = screen_experts(rules, input.sheets, input.opens, &settings.expert);
            flags.extend(found);
            skipped.extend(notes);
        }
        _ => skipped.push(Skipped::new(
            "expert",
            "sheets_missing",
            "未提供评分表或评标办法，未分析专家评分",
        )),
    }

    sort_flags(&mut flags);
    Ok(ScreenReport {
        flags,
        text,
        prices,
        skipped,
    })
}
