//! A complete demo evaluation, driven over HTTP the way the people's clients
//! drive it: the five demo experts (RSA, P-256 and SM2 certificates from two
//! CAs) log in, declare, elect a leader, ask B03 to clarify, decide the
//! abnormal-price review the rules opened for B04 by vote (rejecting the
//! bid), settle a disputed point by vote, score every bidder and sign the
//! report; the witness logs a few observations; staff export the package.
//! `pingshen-platform demo-package` writes its result for auditors to try
//! `pingshen verify` on; tests use it to get real packages.

use crate::demo::DemoFile;
use pingshen_api::{
    Declaration, DeclarationDecision, EvaluationPackage, LeaderVote, NewProject, ReportSignature,
    Role, ScoreSheet, Stage, DECLARATION_TEXT, DECLARATION_TYP, LEADER_VOTE_TYP,
    REPORT_SIGNATURE_TYP, SCORE_SHEET_TYP,
};
use pingshen_client::{sign_document, sign_witness_entry, PlatformClient};
use pingshen_pki::Pkcs12Signer;
use pingshen_rules::cells::{build_sheet, Cell, FACTOR, PRELIMINARY};
use pingshen_rules::{FactorKind, Rules};
use pingshen_witness::{next_entry, EntryDraft, EntryStamp, WitnessCategory, WitnessStage};
use std::path::Path;

pub type DemoResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// A demo person, logged in.
pub struct Person {
    pub id: String,
    pub signer: Pkcs12Signer,
    pub client: PlatformClient,
}

impl Person {
    /// Signs the conflict-of-interest declaration: no conflict.
    pub async fn declare_no_conflict(&self, project: &str) -> DemoResult<()> {
        let d = Declaration {
            project_id: project.into(),
            expert_id: self.id.clone(),
            statement: DECLARATION_TEXT.into(),
            decision: DeclarationDecision::NoConflict,
            reason: None,
        };
        self.client
            .declare(project, sign_document(&self.signer, DECLARATION_TYP, &d)?)
            .await?;
        Ok(())
    }

    /// Submits a first score sheet of [`full_marks`] under `published` rules.
    pub async fn submit_full_marks(
        &self,
        project: &str,
        published: &pingshen_api::PublishedRules,
        rules: &Rules,
        bidders: &[String],
    ) -> DemoResult<()> {
        let sheet = ScoreSheet {
            submission_id: uuid::Uuid::now_v7().to_string(),
            project_id: project.into(),
            expert_id: self.id.clone(),
            version: 1,
            rules_version: published.version,
            rules_sha256: published.sha256.clone(),
            sheet: build_sheet(rules, &self.id, bidders, &full_marks(rules, bidders)),
        };
        self.client
            .submit_sheet(
                project,
                sign_document(&self.signer, SCORE_SHEET_TYP, &sheet)?,
            )
            .await?;
        Ok(())
    }

    /// Signs the report whose SHA-256 is `report_sha256`.
    pub async fn sign_report(&self, project: &str, report_sha256: &str) -> DemoResult<()> {
        let s = ReportSignature {
            project_id: project.into(),
            expert_id: self.id.clone(),
            report_sha256: report_sha256.into(),
        };
        self.client
            .sign_report(
                project,
                sign_document(&self.signer, REPORT_SIGNATURE_TYP, &s)?,
            )
            .await?;
        Ok(())
    }
}

/// Logs a demo person in with their PKCS#12 identity from the demo PKI.
pub async fn login(url: &str, pki_dir: &Path, id: &str) -> DemoResult<Person> {
    let signer = Pkcs12Signer::from_file(
        &pki_dir.join(format!("people/{id}.p12")),
        crate::pki::DEMO_PASSWORD,
    )?;
    let (client, _) = PlatformClient::new(url)?.login_with(&signer).await?;
    Ok(Person {
        id: id.to_string(),
        signer,
        client,
    })
}

/// Every criterion passed and full marks on every factor the expert scores:
/// the cells an expert would have typed.
pub fn full_marks(rules: &Rules, bidders: &[String]) -> Vec<Cell> {
    let mut cells = Vec::new();
    for b in bidders {
        for c in &rules.preliminary {
            cells.push(Cell {
                kind: PRELIMINARY.into(),
                bidder: b.clone(),
                item: c.id.clone(),
                value: "pass".into(),
                reason: String::new(),
            });
        }
        for f in &rules.factors {
            let value = match &f.kind {
                FactorKind::Price | FactorKind::Credit(_) => continue,
                FactorKind::Deductions(_) => String::new(),
                FactorKind::Options(o) => match o.iter().find(|o| o.points == f.max) {
                    Some(o) => o.id.clone(),
                    None => continue,
                },
                FactorKind::PassFail => "pass".into(),
                FactorKind::Range { .. } => f.max.normalize().to_string(),
            };
            cells.push(Cell {
                kind: FACTOR.into(),
                bidder: b.clone(),
                item: f.id.clone(),
                value,
                reason: String::new(),
            });
        }
    }
    cells
}

/// Registers a copy of the demo project under `id` (same bidders, people
/// and rules) and starts its evaluation, so that two projects exist.
pub async fn copy_demo_project(
    url: &str,
    pki_dir: &Path,
    assets_dir: &Path,
    id: &str,
) -> DemoResult<()> {
    let demo = DemoFile::read(assets_dir)?;
    let rules_toml =
        std::fs::read_to_string(assets_dir.join("rules").join(&demo.project.rules_template))?;
    copy_demo_project_with(url, pki_dir, assets_dir, id, rules_toml, None).await
}

/// [`copy_demo_project`] under `rules_toml`, with `credit` records
/// published (signed by the platform) before the evaluation starts.
pub async fn copy_demo_project_with(
    url: &str,
    pki_dir: &Path,
    assets_dir: &Path,
    id: &str,
    rules_toml: String,
    credit: Option<&pingshen_rules::credit::CreditRecords>,
) -> DemoResult<()> {
    let demo = DemoFile::read(assets_dir)?;
    let staff_id = demo
        .people
        .iter()
        .find(|p| p.role == "staff")
        .map(|p| p.id.clone())
        .ok_or("no staff in the demo")?;
    let staff = login(url, pki_dir, &staff_id).await?;
    let template = demo.new_project();
    let new = NewProject {
        id: id.to_string(),
        k: demo.project.k,
        ..template
    };
    staff.client.create_project(&new).await?;
    for p in demo
        .people
        .iter()
        .filter(|p| p.role != "staff" && p.role != "bidder")
    {
        staff.client.assign(id, &p.id).await?;
    }
    let doc = pingshen_api::RulesDocument {
        project_id: id.to_string(),
        rules_toml,
        based_on_version: None,
    };
    let env = sign_document(&staff.signer, pingshen_api::RULES_TYP, &doc)?;
    staff.client.publish_rules(id, env).await?;
    if let Some(records) = credit {
        staff.client.publish_credit_record(id, records).await?;
    }
    staff.client.change_stage(id, Stage::Evaluating).await?;
    Ok(())
}

/// Runs the whole evaluation of `project` and answers the package staff
/// export at the end.
pub async fn evaluate(
    url: &str,
    pki_dir: &Path,
    assets_dir: &Path,
    project: &str,
) -> DemoResult<EvaluationPackage> {
    let demo = DemoFile::read(assets_dir)?;
    let ids = |role: &str| -> Vec<String> {
        demo.people
            .iter()
            .filter(|p| p.role == role)
            .map(|p| p.id.clone())
            .collect()
    };
    let mut experts = Vec::new();
    for id in ids(Role::Expert.as_str()) {
        experts.push(login(url, pki_dir, &id).await?);
    }
    let leader = experts.first().ok_or("no experts in the demo")?.id.clone();
    for e in &experts {
        e.declare_no_conflict(project).await?;
    }
    for e in &experts {
        let v = LeaderVote {
            project_id: project.into(),
            voter_id: e.id.clone(),
            candidate_id: leader.clone(),
        };
        e.client
            .vote_leader(project, sign_document(&e.signer, LEADER_VOTE_TYP, &v)?)
            .await?;
    }
    clarify(&experts[0], url, pki_dir, project).await?;
    review_abnormal_price(&experts, url, pki_dir, project).await?;
    vote_on_a_dispute(&experts, project).await?;
    let published = experts[0].client.rules(project).await?;
    let rules = Rules::from_toml(&published.rules_toml).map_err(|e| format!("{e:?}"))?;
    let bidders: Vec<String> = experts[0]
        .client
        .project(project)
        .await?
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect();
    for e in &experts {
        e.submit_full_marks(project, &published, &rules, &bidders)
            .await?;
    }
    let report = experts[0].client.report_status(project).await?;
    for e in &experts {
        e.sign_report(project, &report.sha256).await?;
    }
    for id in ids(Role::Witness.as_str()) {
        witness_log(url, pki_dir, project, &id).await?;
    }
    let staff_id = ids(Role::Staff.as_str())
        .into_iter()
        .next()
        .ok_or("no staff in the demo")?;
    let staff = login(url, pki_dir, &staff_id).await?;
    Ok(staff.client.evaluation_package(project).await?)
}

/// A disputed point put to the panel (表决): the leader proposes, everyone
/// votes, the majority carries it. It changes no score, so the demo's
/// figures stay what they are.
async fn vote_on_a_dispute(experts: &[Person], project: &str) -> DemoResult<()> {
    let motion = pingshen_api::Motion {
        project_id: project.into(),
        motion_id: uuid::Uuid::now_v7().to_string(),
        proposer_id: experts[0].id.clone(),
        kind: pingshen_api::MotionKind::Dispute,
        bidder_id: Some("B03".into()),
        text: "B03 的措施项目费说明是否足以证明其报价合理，可不启动否决程序？".into(),
        options: vec!["足以".into(), "不足以".into()],
    };
    put_to_vote(experts, project, &motion, |i| {
        if i == 4 {
            "不足以"
        } else {
            "足以"
        }
    })
    .await
}

/// The abnormal-price review the rules opened for B04 (its price is below
/// 85% of the mean and 80% of the ceiling): B04 explains in writing, and
/// the panel, unconvinced by 3 votes to 2, rejects the bid — which then
/// fails the preliminary review, so prices, scores and the ranking are
/// computed without it.
async fn review_abnormal_price(
    experts: &[Person],
    url: &str,
    pki_dir: &Path,
    project: &str,
) -> DemoResult<()> {
    let asked = experts[0].client.clarifications(project).await?;
    let Some(q) = asked
        .items
        .iter()
        .find(|c| c.question.by_platform() && c.question.bidder_id == "B04")
    else {
        return Err("the platform did not open the abnormal-price review of B04".into());
    };
    answer_as(
        "B04",
        url,
        pki_dir,
        project,
        &q.question.clarification_id,
        "我公司报价较低，主要因自有沥青拌合站和主要施工机械、荆州至武汉的材料运输由本公司车队承担；附成本构成分析表、设备产权证明及近三年同类工程结算资料。",
    )
    .await?;
    let motion = pingshen_api::Motion {
        project_id: project.into(),
        motion_id: uuid::Uuid::now_v7().to_string(),
        proposer_id: experts[0].id.clone(),
        kind: pingshen_api::MotionKind::AbnormalPrice,
        bidder_id: Some("B04".into()),
        text: "B04 的书面说明及证明材料是否足以证明其报价合理？".into(),
        options: vec![
            pingshen_rules::motion::ACCEPT_EXPLANATION.into(),
            pingshen_rules::motion::REJECT_BID.into(),
        ],
    };
    put_to_vote(experts, project, &motion, |i| {
        if i < 3 {
            pingshen_rules::motion::REJECT_BID
        } else {
            pingshen_rules::motion::ACCEPT_EXPLANATION
        }
    })
    .await
}

/// The first expert proposes `motion`; expert `i` votes `choose(i)`.
async fn put_to_vote(
    experts: &[Person],
    project: &str,
    motion: &pingshen_api::Motion,
    choose: impl Fn(usize) -> &'static str,
) -> DemoResult<()> {
    experts[0]
        .client
        .propose_motion(
            project,
            sign_document(&experts[0].signer, pingshen_api::MOTION_TYP, motion)?,
        )
        .await?;
    for (i, e) in experts.iter().enumerate() {
        let vote = pingshen_api::MotionVote {
            project_id: project.into(),
            motion_id: motion.motion_id.clone(),
            voter_id: e.id.clone(),
            option: choose(i).into(),
        };
        e.client
            .vote_motion(
                project,
                &motion.motion_id,
                sign_document(&e.signer, pingshen_api::MOTION_VOTE_TYP, &vote)?,
            )
            .await?;
    }
    Ok(())
}

/// The leader asks B03 to clarify its price, and B03 answers with its own
/// certificate (no session), well before the deadline.
async fn clarify(leader: &Person, url: &str, pki_dir: &Path, project: &str) -> DemoResult<()> {
    let now = time::OffsetDateTime::now_utc();
    let q = pingshen_api::ClarificationQuestion {
        project_id: project.into(),
        clarification_id: uuid::Uuid::now_v7().to_string(),
        bidder_id: "B03".into(),
        asked_by: leader.id.clone(),
        text: "请说明投标报价中措施项目费明显低于其他投标人的原因，并提供相应证明材料。".into(),
        deadline: now.replace_nanosecond(0).unwrap_or(now) + time::Duration::hours(2),
        motion_id: None,
    };
    leader
        .client
        .ask_clarification(
            project,
            sign_document(&leader.signer, pingshen_api::CLARIFICATION_QUESTION_TYP, &q)?,
        )
        .await?;
    answer_as(
        "B03",
        url,
        pki_dir,
        project,
        &q.clarification_id,
        "措施项目费较低系本公司在相邻标段已有临时设施可周转使用，附周转使用协议及现场照片。",
    )
    .await
}

/// `bidder` answers a question with its own certificate, without a session.
async fn answer_as(
    bidder: &str,
    url: &str,
    pki_dir: &Path,
    project: &str,
    clarification_id: &str,
    text: &str,
) -> DemoResult<()> {
    let signer = Pkcs12Signer::from_file(
        &pki_dir.join(format!("people/{bidder}.p12")),
        crate::pki::DEMO_PASSWORD,
    )?;
    let a = pingshen_api::ClarificationAnswer {
        project_id: project.into(),
        clarification_id: clarification_id.into(),
        bidder_id: bidder.into(),
        text: text.into(),
    };
    PlatformClient::new(url)?
        .answer_clarification(
            project,
            clarification_id,
            sign_document(&signer, pingshen_api::CLARIFICATION_ANSWER_TYP, &a)?,
        )
        .await?;
    Ok(())
}

/// A witness's short log: the panel sat, and one irregularity.
async fn witness_log(url: &str, pki_dir: &Path, project: &str, id: &str) -> DemoResult<()> {
    let w = login(url, pki_dir, id).await?;
    let notes = [
        (
            WitnessCategory::Normal,
            "评标委员会成员均已到场，身份核验无误。",
        ),
        (
            WitnessCategory::CommunicationDevice,
            "一名专家在评审期间使用手机，已当场提醒。",
        ),
        (WitnessCategory::Normal, "评分汇总、签名过程正常。"),
    ];
    let mut head: Option<(u64, String)> = None;
    let mut envelopes = Vec::new();
    for (category, text) in notes {
        let stamp = EntryStamp {
            project_id: project.into(),
            witness_id: id.into(),
            entry_id: uuid::Uuid::now_v7().to_string(),
            local_time: time::OffsetDateTime::now_utc(),
            clock_offset_ms: 0,
        };
        let draft = EntryDraft {
            stage: WitnessStage::DetailedReview,
            category,
            text: text.into(),
            attachments: Vec::new(),
            corrects: None,
        };
        let entry = next_entry(head.as_ref().map(|(s, h)| (*s, h.as_str())), &stamp, draft)?;
        let sealed = sign_witness_entry(&w.signer, &entry)?;
        head = Some((entry.seq, sealed.entry_hash.clone()));
        envelopes.push(sealed.envelope);
    }
    w.client.sync_witness_log(project, &envelopes).await?;
    Ok(())
}
