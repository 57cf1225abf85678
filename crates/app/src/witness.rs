//! The witness's log on the desktop (见证记录): record a signed,
//! hash-chained entry in the local store; list it; sync what the platform
//! does not have yet, in order, exactly once. Format: `docs/witness.md`.
//!
//! An entry is signed before it is stored and stored in one transaction
//! that checks its seq and previous hash, so a crash leaves either the whole
//! entry or nothing; the screen shows an entry only once it is stored.

use crate::AppError;
use base64::Engine;
use pingshen_api::ipc::{WitnessDraft, WitnessEntryInfo};
use pingshen_api::SignedEnvelope;
use pingshen_client::{sign_witness_entry, PlatformClient};
use pingshen_pki::Signer;
use pingshen_store::{BlobWriter, NewWitnessEntry, Store};
use pingshen_witness::{
    decode_unverified, next_entry, Attachment, EntryDraft, EntryStamp, WitnessCategory,
    WitnessStage,
};
use sha2::{Digest, Sha256};
use std::sync::Mutex;
use time::OffsetDateTime;

/// Largest attachment accepted (a photo or a scanned page, not a video).
pub const MAX_ATTACHMENT_BYTES: usize = 20 << 20;

fn label<T: serde::de::DeserializeOwned>(what: &str, name: &str) -> Result<T, AppError> {
    serde_json::from_value(serde_json::Value::String(name.to_string())).map_err(|_| {
        AppError::new(
            "invalid_witness_entry",
            format!("{what}“{name}”不在可选范围内"),
        )
    })
}

/// The id under which an attachment's bytes are kept (encrypted) in the
/// project's blobs: named by content, so the same file twice is one blob.
fn attachment_blob_id(sha256: &str) -> String {
    format!("witness-att-{}", &sha256[..32])
}

/// Signs the next entry of `project`'s log and stores it with its
/// attachments (hashed, then encrypted at rest). Returns the stored entry.
#[allow(clippy::too_many_arguments)]
pub fn record(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    witness_id: &str,
    draft: &WitnessDraft,
    clock_offset_ms: i64,
    now: OffsetDateTime,
) -> Result<WitnessEntryInfo, AppError> {
    let stage: WitnessStage = label("阶段", &draft.stage)?;
    let category: WitnessCategory = label("类别", &draft.category)?;
    let mut attachments = Vec::new();
    for upload in &draft.attachments {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(upload.base64.as_bytes())
            .map_err(|_| AppError::new("invalid_attachment", "附件内容无法读取"))?;
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(AppError::new(
                "attachment_too_large",
                format!(
                    "附件“{}”超过 {} MB，请压缩后再附",
                    upload.name,
                    MAX_ATTACHMENT_BYTES >> 20
                ),
            ));
        }
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let mut writer = BlobWriter::create(store, project, &attachment_blob_id(&sha256))?;
        writer.write(&bytes)?;
        writer.finish()?;
        attachments.push(Attachment {
            name: upload.name.clone(),
            media_type: upload.media_type.clone(),
            size: bytes.len() as u64,
            sha256,
        });
    }
    let head = store.witness_log().head(project)?;
    let stamp = EntryStamp {
        project_id: project.to_string(),
        witness_id: witness_id.to_string(),
        entry_id: uuid::Uuid::now_v7().to_string(),
        local_time: now,
        clock_offset_ms,
    };
    let entry = next_entry(
        head.as_ref().map(|(s, h)| (*s, h.as_str())),
        &stamp,
        EntryDraft {
            stage,
            category,
            text: draft.text.trim().to_string(),
            attachments,
            corrects: draft.corrects.clone().filter(|c| !c.is_empty()),
        },
    )
    .map_err(|e| AppError::new(e.code(), e.message_zh()))?;
    let sealed = sign_witness_entry(signer, &entry)?;
    let envelope = serde_json::to_vec(&sealed.envelope)
        .map_err(|e| AppError::new("internal_error", format!("签名记录无法编码：{e}")))?;
    store.witness_log().append(
        project,
        &NewWitnessEntry {
            seq: entry.seq,
            entry_id: &entry.entry_id,
            envelope: &envelope,
            entry_hash: &sealed.entry_hash,
            prev_hash: entry.store_prev_hash(),
        },
    )?;
    let stored = store
        .witness_log()
        .list(project)?
        .into_iter()
        .find(|e| e.seq == entry.seq)
        .ok_or_else(|| AppError::new("internal_error", "刚保存的见证记录未找到"))?;
    info(&stored)
}

/// The project's log as stored on this computer, in order.
pub fn list(store: &Store, project: &str) -> Result<Vec<WitnessEntryInfo>, AppError> {
    store
        .witness_log()
        .list(project)?
        .iter()
        .map(info)
        .collect()
}

fn info(stored: &pingshen_store::WitnessEntry) -> Result<WitnessEntryInfo, AppError> {
    let damaged = || {
        AppError::new(
            "witness_log_damaged",
            format!("本地见证记录第 {} 条无法读取", stored.seq),
        )
    };
    let envelope: SignedEnvelope =
        serde_json::from_slice(&stored.envelope).map_err(|_| damaged())?;
    let e = decode_unverified(&envelope).map_err(|_| damaged())?;
    Ok(WitnessEntryInfo {
        seq: e.seq,
        entry_id: e.entry_id,
        observed_at: e.observed_at,
        clock_offset_ms: e.clock_offset_ms,
        stage: e.stage.as_str().to_string(),
        stage_zh: e.stage.label_zh().to_string(),
        category: serde_json::to_value(e.category)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
        category_zh: e.category.label_zh().to_string(),
        irregular: e.category.is_irregular(),
        text: e.text,
        attachments: e
            .attachments
            .into_iter()
            .map(|a| (a.name, a.size, a.sha256))
            .collect(),
        corrects: e.corrects,
        entry_hash: stored.entry_hash.clone(),
        synced_at: stored.synced_at,
    })
}

/// What one sync did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WitnessSync {
    pub sent: usize,
    pub pending: usize,
    pub offline: bool,
}

/// Sends the entries the platform does not have, in order, in batches, and
/// marks each acknowledged one. A retry after a cut connection resends what
/// was not acknowledged; the platform answers a resent entry with the same
/// receipt, so nothing is stored twice.
pub async fn sync(
    store: &Mutex<Store>,
    client: &PlatformClient,
    trust: &crate::PlatformTrust,
    project: &str,
) -> Result<WitnessSync, AppError> {
    let lock = || {
        store
            .lock()
            .map_err(|_| AppError::new("store_unavailable", "本地存储不可用，请重新登录"))
    };
    let pending = lock()?.witness_log().unsynced(project)?;
    if pending.is_empty() {
        return Ok(WitnessSync::default());
    }
    let mut envelopes = Vec::with_capacity(pending.len());
    for e in &pending {
        envelopes.push(
            serde_json::from_slice::<SignedEnvelope>(&e.envelope).map_err(|_| {
                AppError::new(
                    "witness_log_damaged",
                    format!("本地见证记录第 {} 条无法读取", e.seq),
                )
            })?,
        );
    }
    match client.sync_witness_log(project, &envelopes).await {
        Ok(receipts) => {
            // An entry counts as arrived only with the platform's verified
            // receipt for exactly that entry.
            for r in &receipts {
                let sent = pending.iter().find(|e| e.seq == r.seq);
                check_receipt(trust, project, sent, r)?;
            }
            let store = lock()?;
            for r in &receipts {
                store
                    .witness_log()
                    .mark_synced(project, r.seq, r.received_at)?;
            }
            let left = store.witness_log().unsynced(project)?.len();
            Ok(WitnessSync {
                sent: receipts.len(),
                pending: left,
                offline: false,
            })
        }
        Err(e) if e.is_offline() => Ok(WitnessSync {
            sent: 0,
            pending: pending.len(),
            offline: true,
        }),
        Err(e) => Err(e.into()),
    }
}

/// The platform's receipt of one entry: signed by the pinned platform
/// certificate, of a witness entry, for this project, this entry id and
/// this entry's hash.
fn check_receipt(
    trust: &crate::PlatformTrust,
    project: &str,
    sent: Option<&pingshen_store::WitnessEntry>,
    r: &pingshen_api::WitnessEntryReceipt,
) -> Result<(), AppError> {
    let verified = trust.verify_platform_document(&r.receipt, pingshen_api::RECEIPT_TYP)?;
    let receipt: pingshen_api::Receipt = serde_json::from_slice(&verified.payload_bytes)
        .map_err(|e| AppError::new("bad_receipt", format!("回执内容无效：{e}")))?;
    let matches = sent.is_some_and(|e| {
        receipt.kind == pingshen_api::WITNESS_RECEIPT_KIND
            && receipt.project_id == project
            && receipt.submission_id == e.entry_id
            && receipt.body_sha256 == e.entry_hash
            && r.entry_hash == e.entry_hash
    });
    if !matches {
        return Err(AppError::new(
            "bad_receipt",
            format!(
                "平台对第 {} 条见证记录的回执与所提交的记录不符，已拒绝（记录仍待同步）",
                r.seq
            ),
        ));
    }
    Ok(())
}

/// Platform clock minus this computer's clock, in ms, measured with one
/// `/health` round trip (the platform's time is taken as read mid-way).
pub async fn measure_clock_offset(client: &PlatformClient) -> Result<i64, AppError> {
    let sent = OffsetDateTime::now_utc();
    let health = client.health().await?;
    let received = OffsetDateTime::now_utc();
    let round_trip: time::Duration = received - sent;
    let midway = sent + round_trip / 2;
    let offset: time::Duration = health.time - midway;
    Ok(offset.whole_milliseconds() as i64)
}

/// The logging screen of a project. Online, the project is fetched (and
/// cached for offline use), the clock offset measured and waiting entries
/// sent first; offline, the cached project and the last offset are used.
pub async fn page(
    store: &Mutex<Store>,
    client: Option<(&PlatformClient, &crate::PlatformTrust)>,
    project: &str,
    last_offset_ms: Option<i64>,
) -> Result<pingshen_api::ipc::WitnessPage, AppError> {
    use pingshen_store::ProjectPart;
    let mut online = false;
    let mut offset = last_offset_ms;
    let mut detail = None;
    if let Some((c, trust)) = client {
        match c.project(project).await {
            Ok(d) => {
                online = true;
                detail = Some(d);
                offset = Some(measure_clock_offset(c).await?);
                sync(store, c, trust, project).await?;
            }
            Err(e) if e.is_offline() => {}
            Err(e) => return Err(e.into()),
        }
    }
    let store = store
        .lock()
        .map_err(|_| AppError::new("store_unavailable", "本地存储不可用，请重新登录"))?;
    let detail = match detail {
        Some(d) => {
            let json = serde_json::to_string(&d)
                .map_err(|e| AppError::new("internal_error", e.to_string()))?;
            store.projects().put(project, ProjectPart::Detail, &json)?;
            d
        }
        None => store
            .projects()
            .get(project)?
            .and_then(|c| c.detail_json)
            .and_then(|j| serde_json::from_str(&j).ok())
            .ok_or_else(|| {
                AppError::new(
                    "not_synced",
                    "该项目尚未在本机打开过，请连接评标平台后再打开",
                )
            })?,
    };
    let entries = list(&store, project)?;
    let unsynced = entries.iter().filter(|e| e.synced_at.is_none()).count();
    Ok(pingshen_api::ipc::WitnessPage {
        project: detail,
        entries,
        clock_offset_ms: offset,
        online,
        unsynced,
    })
}
