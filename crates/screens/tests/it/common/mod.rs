//! Shared helpers: the repository's demo documents as screen inputs.

#![allow(dead_code)]

use pingshen_screens::{BidDocument, DocMeta, DocTime, Page, TenderDocument};
use std::path::PathBuf;

pub fn demo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../assets/demo")
}

/// Pages of `assets/demo/text/<name>.pages.json`: the exact strings drawn
/// on each page (what extraction returns, checked by the docs crate).
pub fn demo_pages(name: &str) -> Vec<Page> {
    let path = demo_dir().join("text").join(format!("{name}.pages.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Page {
            number: p["page"].as_u64().unwrap() as u32,
            text: p["text"].as_str().unwrap().to_string(),
        })
        .collect()
}

pub fn demo_tender() -> TenderDocument {
    TenderDocument {
        pages: demo_pages("tender"),
    }
}

fn time(rfc3339: &str, unix: i64) -> Option<DocTime> {
    Some(DocTime {
        unix_seconds: unix,
        text: rfc3339.into(),
    })
}

/// The demo bids' Info dictionaries, as `assets/demo/gen/bidders.py` writes
/// them (unix seconds of the +08:00 times).
pub fn demo_meta(bidder: &str) -> DocMeta {
    let (author, creator, producer, created, modified) = match bidder {
        "B01" => (
            "江城路桥 经营部",
            "Microsoft® Word 2019",
            "Microsoft® Word 2019",
            time("2026-11-26T10:12:05+08:00", 1_795_659_125),
            time("2026-11-27T16:40:22+08:00", 1_795_768_822),
        ),
        "B02" => (
            "刘建军",
            "WPS 文字",
            "WPS PDF 11.1.0",
            time("2026-11-25T19:03:44+08:00", 1_795_604_624),
            time("2026-11-25T19:31:10+08:00", 1_795_606_270),
        ),
        "B03" => (
            "Administrator",
            "Microsoft® Word 2016",
            "Foxit PhantomPDF Printer Version 9.7.1.29511",
            time("2026-11-28T21:47:08+08:00", 1_795_873_628),
            time("2026-11-28T21:52:30+08:00", 1_795_873_950),
        ),
        "B04" => (
            "HBJC-PC",
            "PDFCreator 5.2.0",
            "GPL Ghostscript 10.02.1",
            time("2026-11-24T15:26:17+08:00", 1_795_505_177),
            time("2026-11-24T15:26:17+08:00", 1_795_505_177),
        ),
        "B05" => (
            "Administrator",
            "Microsoft® Word 2016",
            "Foxit PhantomPDF Printer Version 9.7.1.29511",
            time("2026-11-28T21:47:51+08:00", 1_795_873_671),
            time("2026-11-28T21:53:02+08:00", 1_795_873_982),
        ),
        _ => (
            "drjs_zhangli",
            "Kingsoft Office Writer",
            "Kingsoft PDF Converter 2.0",
            time("2026-11-27T08:55:39+08:00", 1_795_740_939),
            time("2026-11-27T09:14:06+08:00", 1_795_742_046),
        ),
    };
    DocMeta {
        author: Some(author.into()),
        creator: Some(creator.into()),
        producer: Some(producer.into()),
        created,
        modified,
    }
}

pub const DEMO_BIDDERS: [&str; 6] = ["B01", "B02", "B03", "B04", "B05", "B06"];

pub fn demo_bid(bidder: &str) -> BidDocument {
    let file = format!("bid-{bidder}.pdf");
    let mut bid = BidDocument::new(bidder, file, demo_pages(&format!("bid-{bidder}")));
    bid.metadata = demo_meta(bidder);
    bid
}

pub fn demo_bids() -> Vec<BidDocument> {
    DEMO_BIDDERS.iter().map(|b| demo_bid(b)).collect()
}
