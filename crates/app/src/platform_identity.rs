//! What the desktop trusts, and the checks it makes with it before it shows
//! or signs anything:
//!
//! - the recognised CAs (CA互认) with the CRLs the platform relayed (cached
//!   on disk until their `nextUpdate`);
//! - the platform's signing certificate, pinned by fingerprint: documents
//!   the platform signs (manifests, receipts, the opening record) count only
//!   when signed by it — a certificate that merely says it is the platform
//!   proves nothing;
//! - before a person signs, their own certificate must be valid and known
//!   not to be revoked now: an expired or missing CRL refuses
//!   (`revocation_unknown`) instead of signing blind.

use crate::AppError;
use pingshen_api::{
    OpeningRecord, ProjectDetail, PublishedRules, SignedEnvelope, OPENING_RECORD_TYP,
};
use pingshen_pki::envelope::{Envelope, VerifiedEnvelope};
use pingshen_pki::{OffsetDateTime, PlatformPins, Signer, TrustStore};
use pingshen_rules::Rules;

/// The recognised CAs and the pinned platform certificate.
pub struct PlatformTrust {
    pub cas: TrustStore,
    pub pins: PlatformPins,
}

fn wire(env: &SignedEnvelope) -> Envelope {
    Envelope {
        protected: env.protected.clone(),
        payload: env.payload.clone(),
        signature: env.signature.clone(),
    }
}

impl PlatformTrust {
    pub fn new(cas: TrustStore, pins: PlatformPins) -> Self {
        PlatformTrust { cas, pins }
    }

    /// A document the platform signed, by the pinned certificate, checked at
    /// the time it claims.
    pub fn verify_platform_document(
        &self,
        env: &SignedEnvelope,
        typ: &str,
    ) -> Result<VerifiedEnvelope, AppError> {
        if self.pins.is_empty() {
            return Err(AppError::new(
                "platform_not_pinned",
                "尚未确认评标平台的签名证书，无法核验平台签发的文件：请联网登录一次",
            ));
        }
        Ok(self.pins.verify(&self.cas, &wire(env), typ)?)
    }

    /// The person's own certificate, just before they sign: valid now, and
    /// not revoked by the current CRL of every issuer in its chain.
    pub fn check_own_certificate(
        &self,
        signer: &dyn Signer,
        now: OffsetDateTime,
    ) -> Result<(), AppError> {
        let chain = signer.chain();
        let (leaf, rest) = chain
            .split_first()
            .ok_or_else(|| AppError::new("malformed", "证书链为空"))?;
        self.cas.validate_strict(leaf, rest, now).map_err(|e| {
            let code = e.code();
            AppError::new(
                code,
                match code {
                    "revoked" => format!("您的证书已被吊销，不能再签名：{}", e.message_zh()),
                    "revocation_unknown" => format!(
                        "无法确认您的证书未被吊销，暂不能签名（请联网以更新证书吊销列表）：{}",
                        e.message_zh()
                    ),
                    _ => format!("您的证书当前不能用于签名：{}", e.message_zh()),
                },
            )
        })?;
        Ok(())
    }

    /// The rules as staff published them: verified (staff signature, the
    /// platform's receipt, text, hash and version) before they are shown or
    /// scored by. Answers the parsed rules.
    pub fn verify_rules(
        &self,
        published: &PublishedRules,
        project: &str,
        platform_id: Option<&str>,
    ) -> Result<Rules, AppError> {
        pingshen_audit::verify_published_rules(
            &self.cas,
            &self.pins,
            published,
            project,
            platform_id,
        )
        .map_err(|problems| {
            let first = problems.into_iter().next();
            let (code, message) = first
                .map(|w| (w.refusal.code, w.refusal.message))
                .unwrap_or_else(|| ("rules_unverified".into(), String::new()));
            AppError::new(
                "rules_unverified",
                format!("平台提供的评标办法未通过验证，已拒绝显示和使用：{message}（{code}）"),
            )
        })
    }

    /// The opening record (开标记录), verified, and the project as the
    /// platform describes it checked against it: bidders, prices, ceiling
    /// and K must be exactly what the platform signed at the opening.
    pub fn verify_opening(
        &self,
        env: &SignedEnvelope,
        detail: &ProjectDetail,
    ) -> Result<OpeningRecord, AppError> {
        let v = self.verify_platform_document(env, OPENING_RECORD_TYP)?;
        let record: OpeningRecord = serde_json::from_slice(&v.payload_bytes)
            .map_err(|e| AppError::new("bad_document", format!("开标记录内容无效：{e}")))?;
        let s = &detail.summary;
        let bids_match = record.bids.len() == detail.bidders.len()
            && record.bids.iter().zip(&detail.bidders).all(|(r, b)| {
                r.bidder_id == b.id && r.bidder_name == b.name && r.price == b.bid_price
            });
        let same = record.project_id == s.id
            && record.ceiling_price == s.ceiling_price
            && record.opening_time == s.opening_time
            && record.k == detail.k
            && bids_match;
        if !same {
            return Err(AppError::new(
                "opening_record_mismatch",
                "平台提供的项目信息（投标人、报价、最高投标限价或 K 值）与平台签名的开标记录不符，已拒绝",
            ));
        }
        Ok(record)
    }
}
