//! 串标分析 on the desktop: the screens run over the project's verified,
//! locally extracted documents (text, PDF metadata, hashes and sizes) and
//! the opening prices; the panel's decision on each flag is signed by the
//! leader and sent through the outbox. The panel decides, not the program.

use crate::outbox::enqueue;
use crate::AppError;
use pingshen_api::{ProjectDetail, ScreenDecision, ScreenVerdict, SCREEN_DECISION_TYP};
use pingshen_client::sign_document;
use pingshen_pki::Signer;
use pingshen_rules::{PriceInput, PriceRequest, Rules};
use pingshen_screens::{
    screen, BidDocument, DocMeta, DocTime, Page, ScreenInput, ScreenReport, Settings,
    TenderDocument,
};
use pingshen_store::Store;

/// Outbox kind of a signed decision.
pub const KIND_SCREEN_DECISION: &str = "screen_decision";

fn doc_time(date: Option<&serde_json::Value>) -> Option<DocTime> {
    let d = date?;
    Some(DocTime {
        unix_seconds: d.get("unix_seconds")?.as_i64()?,
        text: d
            .get("rfc3339")
            .and_then(|v| v.as_str())
            .or_else(|| d.get("raw").and_then(|v| v.as_str()))?
            .to_string(),
    })
}

/// The metadata the sync recorded (`pingshen_docs::Metadata` as JSON).
fn meta(json: Option<&str>) -> DocMeta {
    let Some(v) = json.and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok()) else {
        return DocMeta::default();
    };
    let text = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    DocMeta {
        author: text("author"),
        creator: text("creator"),
        producer: text("producer"),
        created: doc_time(v.get("creation_date")),
        modified: doc_time(v.get("modification_date")),
    }
}

fn pages(texts: Vec<(u32, String)>) -> Vec<Page> {
    texts
        .into_iter()
        .map(|(number, text)| Page { number, text })
        .collect()
}

/// Runs the document and price screens on what this computer holds of the
/// project. Refuses until the documents are synced and extracted.
pub fn run(
    store: &Store,
    project: &ProjectDetail,
    rules: Option<&Rules>,
) -> Result<ScreenReport, AppError> {
    let pid = &project.summary.id;
    let docs = store.documents();
    let mut tender = None;
    let mut bids = Vec::new();
    for d in docs.list(pid)? {
        if d.state != pingshen_store::DocState::Verified {
            continue;
        }
        let texts = docs.page_texts(pid, &d.entry.file_id)?;
        match d.entry.kind.as_str() {
            "tender" => {
                tender = Some(TenderDocument {
                    pages: pages(texts),
                })
            }
            "bid" => {
                let Some(bidder) = d.entry.bidder.clone() else {
                    continue;
                };
                let info = docs.pdf_info(pid, &d.entry.file_id)?;
                let mut bid = BidDocument::new(bidder, d.entry.name.clone(), pages(texts));
                bid.metadata = meta(info.metadata_json.as_deref());
                bid.sha256 = Some(d.entry.sha256.clone());
                bid.size = Some(d.entry.size);
                bids.push(bid);
            }
            _ => {}
        }
    }
    if bids.len() < 2 {
        return Err(AppError::new(
            "documents_not_synced",
            "请先在“招投标文件”中同步并核验投标文件，再进行串标分析",
        ));
    }
    let prices = PriceRequest {
        bids: project
            .bidders
            .iter()
            .map(|b| PriceInput {
                bidder: b.id.clone(),
                price: b.bid_price,
                valid_after_preliminary: true,
            })
            .collect(),
        ceiling: Some(project.summary.ceiling_price),
        k: project.k,
    };
    let input = ScreenInput {
        tender: tender.as_ref(),
        bids: &bids,
        prices: Some(&prices),
        rules,
        sheets: &[],
        opens: &[],
    };
    screen(&input, &Settings::default())
        .map_err(|e| AppError::new(e.code(), format!("串标分析无法完成：{e}")))
}

/// Signs the panel's decision on a flag as the leader and queues it.
/// Returns the submission id.
#[allow(clippy::too_many_arguments)]
pub fn decide(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    leader: &str,
    flag_id: &str,
    flag_kind: &str,
    involved: Vec<String>,
    verdict: ScreenVerdict,
    reason: &str,
) -> Result<String, AppError> {
    let reason = reason.trim();
    if reason.chars().count() < 4 {
        return Err(AppError::new(
            "reason_required",
            "须写明评标委员会的理由（不少于 4 个字）",
        ));
    }
    let submission_id = uuid::Uuid::now_v7().to_string();
    let doc = ScreenDecision {
        submission_id: submission_id.clone(),
        project_id: project.to_string(),
        flag_id: flag_id.to_string(),
        flag_kind: flag_kind.to_string(),
        involved,
        verdict,
        reason: reason.to_string(),
        decided_by: leader.to_string(),
    };
    let env = sign_document(signer, SCREEN_DECISION_TYP, &doc)?;
    enqueue(
        store,
        &submission_id,
        KIND_SCREEN_DECISION,
        project,
        &format!("projects/{project}/screen-decisions"),
        &env,
    )?;
    Ok(submission_id)
}
