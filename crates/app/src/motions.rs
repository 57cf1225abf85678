//! Panel votes (表决) on the expert's side: sign a motion or a vote and
//! queue it (sent exactly once by the outbox, offline-tolerant), and show
//! the motions only after verifying each motion and vote — signature,
//! receipt, author — and recounting the outcome here from the verified
//! votes (the platform's own count is not taken on trust).

use crate::outbox::enqueue;
use crate::{AppError, PlatformTrust};
use base64::Engine;
use pingshen_api::ipc::{MotionDraft, MotionView, MotionsPage};
use pingshen_api::{
    Motion, MotionStatus, MotionVote, Role, SignedEnvelope, SignedWithReceipt, MOTION_TYP,
    MOTION_VOTE_TYP,
};
use pingshen_audit::{person_document, Expect};
use pingshen_client::{sign_document, PlatformClient};
use pingshen_pki::Signer;
use pingshen_rules::motion::{outcome_zh, tally};
use pingshen_store::{OutboxState, Store};
use serde::de::DeserializeOwned;

pub const KIND_MOTION: &str = "motion";
pub const KIND_MOTION_VOTE: &str = "motion_vote";

/// Signs `draft` as a motion by `me` and queues it. Returns its id.
pub fn propose(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    me: &str,
    draft: &MotionDraft,
) -> Result<String, AppError> {
    let text = draft.text.trim();
    let options: Vec<String> = draft
        .options
        .iter()
        .map(|o| o.trim().to_string())
        .filter(|o| !o.is_empty())
        .collect();
    if text.chars().count() < 4 {
        return Err(AppError::new(
            "bad_motion",
            "请写明表决事项（不少于 4 个字）",
        ));
    }
    let mut distinct = options.clone();
    distinct.sort();
    distinct.dedup();
    if !(2..=6).contains(&options.len()) || distinct.len() != options.len() {
        return Err(AppError::new(
            "bad_options",
            "表决选项须为 2–6 个互不相同的选项",
        ));
    }
    let motion = Motion {
        project_id: project.into(),
        motion_id: uuid::Uuid::now_v7().to_string(),
        proposer_id: me.into(),
        kind: draft.kind,
        bidder_id: draft.bidder_id.clone().filter(|b| !b.is_empty()),
        text: text.into(),
        options,
    };
    let env = sign_document(signer, MOTION_TYP, &motion)?;
    enqueue(
        store,
        &motion.motion_id,
        KIND_MOTION,
        project,
        &format!("projects/{project}/motions"),
        &env,
    )?;
    Ok(motion.motion_id)
}

/// Signs `me`'s vote for `option` on `motion` and queues it.
pub fn vote(
    store: &Store,
    signer: &dyn Signer,
    project: &str,
    me: &str,
    motion: &str,
    option: &str,
) -> Result<String, AppError> {
    let doc = MotionVote {
        project_id: project.into(),
        motion_id: motion.into(),
        voter_id: me.into(),
        option: option.into(),
    };
    let env = sign_document(signer, MOTION_VOTE_TYP, &doc)?;
    // One vote per motion: the id is fixed, so a second click queues nothing new.
    let id = format!("motion-vote-{motion}");
    enqueue(
        store,
        &id,
        KIND_MOTION_VOTE,
        project,
        &format!("projects/{project}/motions/{motion}/votes"),
        &env,
    )?;
    Ok(id)
}

/// The signed payload of a queued envelope (our own, not yet verified by
/// anyone else: only used to show what waits to be sent).
pub(crate) fn queued<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    let env: SignedEnvelope = serde_json::from_slice(body).ok()?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(env.payload.as_bytes())
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Motions and votes of `project` waiting in the outbox.
fn pending(store: &Store, project: &str) -> Result<(Vec<Motion>, Vec<MotionVote>), AppError> {
    let mut motions = Vec::new();
    let mut votes = Vec::new();
    for e in store.outbox().list(project)? {
        if e.state != OutboxState::Pending {
            continue;
        }
        match e.kind.as_str() {
            KIND_MOTION => motions.extend(queued::<Motion>(&e.body)),
            KIND_MOTION_VOTE => votes.extend(queued::<MotionVote>(&e.body)),
            _ => {}
        }
    }
    Ok((motions, votes))
}

/// What the expert sees: the platform's motions, each verified and
/// recounted, with their own queued votes and motions shown as waiting.
pub async fn page(
    store: &std::sync::Mutex<Store>,
    client: Option<&PlatformClient>,
    trust: &PlatformTrust,
    project: &str,
    me: &str,
) -> Result<MotionsPage, AppError> {
    let statuses = match client {
        Some(c) => c.motions(project).await?.motions,
        None => Vec::new(),
    };
    let (queued_motions, queued_votes) = pending(&*crate::lock(store)?, project)?;
    let mut motions = Vec::new();
    for s in &statuses {
        motions.push(verified(trust, project, s, me, &queued_votes)?);
    }
    let pending = queued_motions
        .into_iter()
        .filter(|m| {
            !motions
                .iter()
                .any(|v: &MotionView| v.motion_id == m.motion_id)
        })
        .map(|m| MotionDraft {
            kind: m.kind,
            bidder_id: m.bidder_id,
            text: m.text,
            options: m.options,
        })
        .collect();
    Ok(MotionsPage { motions, pending })
}

/// The bids the panel rejected by vote, from the platform's motions, each
/// motion and vote verified and the outcome counted here.
pub async fn rejections(
    client: &PlatformClient,
    trust: &PlatformTrust,
    project: &str,
) -> Result<Vec<pingshen_rules::motion::PanelRejection>, AppError> {
    let statuses = match client.motions(project).await {
        Ok(m) => m.motions,
        // Not on the panel (yet): no motion concerns this expert's view.
        Err(e)
            if matches!(
                e.code(),
                "declaration_required" | "recused" | "not_assigned"
            ) =>
        {
            return Ok(Vec::new())
        }
        Err(e) => return Err(e.into()),
    };
    let views = statuses
        .iter()
        .map(|s| verified(trust, project, s, "", &[]))
        .collect::<Result<Vec<_>, _>>()?;
    // Each listed motion equals its verified, signed document (`verified`
    // refuses otherwise); the outcome is the one counted here.
    let decisions: Vec<pingshen_rules::motion::AbnormalPriceDecision> = statuses
        .iter()
        .zip(&views)
        .filter_map(|(s, v)| s.motion.abnormal_decision(&v.outcome, &v.outcome_zh))
        .collect();
    Ok(pingshen_rules::motion::rejections(&decisions))
}

fn refused(what: &str, r: pingshen_audit::Refusal) -> AppError {
    AppError::new(
        "motion_unverified",
        format!(
            "平台提供的{what}未通过验证，已拒绝显示：{}（{}）",
            r.message, r.code
        ),
    )
}

/// One motion: the proposer's signed motion and every signed vote verify
/// and say what the listing says; the outcome is counted here.
fn verified(
    trust: &PlatformTrust,
    project: &str,
    s: &MotionStatus,
    me: &str,
    queued_votes: &[MotionVote],
) -> Result<MotionView, AppError> {
    let expect = |typ, kind| Expect {
        typ,
        kind,
        role: Role::Expert,
        project,
        platform_id: None,
    };
    let m = person_document(
        &trust.cas,
        &trust.pins,
        &SignedWithReceipt {
            envelope: s.envelope.clone(),
            receipt: s.receipt.clone(),
        },
        &expect(MOTION_TYP, KIND_MOTION),
        |m: &Motion| m.proposer_id.clone(),
        |m| m.project_id.clone(),
    )
    .map_err(|r| refused("表决事项", r))?
    .doc;
    if m != s.motion || m.project_id != project {
        return Err(AppError::new(
            "motion_unverified",
            "平台列出的表决事项与签名文件不一致，已拒绝显示",
        ));
    }
    let mut votes = Vec::new();
    for v in &s.votes {
        let doc = person_document(
            &trust.cas,
            &trust.pins,
            &SignedWithReceipt {
                envelope: v.envelope.clone(),
                receipt: v.receipt.clone(),
            },
            &expect(MOTION_VOTE_TYP, KIND_MOTION_VOTE),
            |d: &MotionVote| d.voter_id.clone(),
            |d| d.project_id.clone(),
        )
        .map_err(|r| refused("表决票", r))?
        .doc;
        if doc.motion_id != m.motion_id || doc.voter_id != v.voter_id || doc.option != v.option {
            return Err(AppError::new(
                "motion_unverified",
                "平台列出的表决票与签名文件不一致，已拒绝显示",
            ));
        }
        votes.push((doc.voter_id, doc.option));
    }
    let (outcome, tallies) = tally(&m.options, &s.sitting, &votes);
    let recorded = votes.iter().find(|(v, _)| v == me).map(|(_, o)| o.clone());
    let waiting = queued_votes
        .iter()
        .find(|q| q.motion_id == m.motion_id && q.voter_id == me)
        .map(|q| q.option.clone());
    Ok(MotionView {
        outcome_zh: outcome_zh(&outcome, &tallies, s.sitting.len()),
        motion_id: m.motion_id,
        kind: m.kind,
        bidder_id: m.bidder_id,
        text: m.text,
        options: m.options,
        proposer_id: m.proposer_id,
        proposed_at: s.proposed_at,
        my_vote_pending: recorded.is_none() && waiting.is_some(),
        my_vote: recorded.or(waiting),
        votes,
        sitting: s.sitting.clone(),
        outcome,
        tallies,
    })
}
