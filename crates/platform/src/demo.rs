//! The sandbox's demo data: `assets/demo/project.toml` (one municipal road
//! project, its bidders and the people who evaluate it).

use crate::db::people;
use crate::db::projects::{self, Created};
use crate::{AppState, PlatformError};
use pingshen_api::{DocumentKind, NewBidder, NewProject, Person, Role};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// The demo assets folder of this source tree, used when `--assets` is not given.
pub fn default_assets_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFile {
    pub project: DemoProject,
    pub bidders: Vec<DemoBidder>,
    pub people: Vec<DemoPerson>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoProject {
    pub id: String,
    pub name: String,
    pub lot: String,
    pub centre: String,
    pub tenderer: String,
    pub ceiling_price: Decimal,
    #[serde(with = "time::serde::rfc3339")]
    pub opening_time: OffsetDateTime,
    pub tender_file: String,
    pub rules_template: String,
    /// 下浮系数 K drawn at opening.
    pub k: Option<Decimal>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoBidder {
    pub id: String,
    pub name: String,
    pub price: Decimal,
    pub bid_file: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoPerson {
    pub id: String,
    pub name: String,
    pub role: String,
    pub city: String,
    pub ca: String,
    pub alg: String,
}

impl DemoFile {
    pub fn read(assets_dir: &Path) -> Result<Self, PlatformError> {
        let path = assets_dir.join("demo/project.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            PlatformError::Internal(format!("无法读取演示数据 {}：{e}", path.display()))
        })?;
        toml::from_str(&text).map_err(|e| {
            PlatformError::Internal(format!("演示数据 {} 格式错误：{e}", path.display()))
        })
    }

    pub fn new_project(&self) -> NewProject {
        let p = &self.project;
        NewProject {
            id: p.id.clone(),
            name: p.name.clone(),
            lot: p.lot.clone(),
            centre: p.centre.clone(),
            tenderer: p.tenderer.clone(),
            ceiling_price: p.ceiling_price,
            opening_time: p.opening_time,
            bidders: self
                .bidders
                .iter()
                .map(|b| NewBidder {
                    id: b.id.clone(),
                    name: b.name.clone(),
                    bid_price: b.price,
                })
                .collect(),
            // K is stored on its own (`set_k`), so the demo project keeps the body hash
            // it had before K could travel with a new project.
            k: None,
        }
    }
}

/// Creates the demo PKI in `pki_dir` unless it is already there.
pub fn ensure_pki(pki_dir: &Path, assets_dir: &Path) -> Result<(), PlatformError> {
    if pki_dir.join("people.json").is_file() {
        return Ok(());
    }
    let path = assets_dir.join("demo/project.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        PlatformError::Internal(format!("无法读取演示数据 {}：{e}", path.display()))
    })?;
    let people = pingshen_pki::demo::DemoPeople::from_project_toml(&text)
        .map_err(PlatformError::from_pki)?;
    pingshen_pki::demo::init(pki_dir, &people).map_err(PlatformError::from_pki)?;
    tracing::info!(dir = %pki_dir.display(), "demo PKI created");
    Ok(())
}

/// Loads the demo into the platform's database: the project and bidders, the
/// people with the certificates of the demo PKI, and the panel's
/// assignments. Safe to call on every start: what exists is left as it is.
pub fn load(state: &AppState, assets_dir: &Path) -> Result<Created, PlatformError> {
    let demo = DemoFile::read(assets_dir)?;
    let identities = read_identities(&state.pki.dir)?;
    let new = demo.new_project();
    let now = OffsetDateTime::now_utc();
    let created = state.db.with(|c| {
        let created = projects::create(c, &new, now)?;
        if let Some(k) = demo.project.k {
            crate::db::evaluation::set_k(c, &new.id, &k.to_string())?;
        }
        // Signed with K in it, as the project is registered.
        crate::records::opening_record(c, state, &new.id)?;
        for p in &demo.people {
            let role = Role::parse(&p.role).ok_or_else(|| {
                PlatformError::Internal(format!("演示人员 {} 的角色“{}”未知", p.id, p.role))
            })?;
            let identity = identities.iter().find(|i| i.id == p.id).ok_or_else(|| {
                PlatformError::Internal(format!("演示证书目录中没有 {} 的证书", p.id))
            })?;
            if role == Role::Bidder {
                // A bidder is not a person of the platform: only its
                // certificate is bound, to its bidder code.
                crate::db::clarifications::bind_bidder_cert(
                    c,
                    &p.id,
                    &p.name,
                    &identity.fingerprint_sha256,
                    &identity.subject,
                    now,
                )?;
                continue;
            }
            people::upsert_person(
                c,
                &Person {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    role,
                    city: p.city.clone(),
                },
            )?;
            people::bind_cert(
                c,
                &p.id,
                &identity.fingerprint_sha256,
                &identity.subject,
                &identity.issuer,
                now,
            )?;
            if role != Role::Staff {
                people::assign(c, &new.id, &p.id)?;
            }
        }
        Ok(created)
    })?;
    load_demo_documents(state, &demo, assets_dir)?;
    publish_demo_rules(state, &demo, assets_dir)?;
    Ok(created)
}

/// Stores the tender and the bids of the demo project and lists them.
fn load_demo_documents(
    state: &AppState,
    demo: &DemoFile,
    assets_dir: &Path,
) -> Result<(), PlatformError> {
    let mut files = vec![(
        "tender".to_string(),
        None,
        DocumentKind::Tender,
        format!("招标文件-{}.pdf", demo.project.name),
        demo.project.tender_file.clone(),
    )];
    for b in &demo.bidders {
        files.push((
            format!("bid-{}", b.id),
            Some(b.id.clone()),
            DocumentKind::Bid,
            format!("投标文件-{}.pdf", b.name),
            b.bid_file.clone(),
        ));
    }
    let mut entries = Vec::new();
    for (file_id, bidder_id, kind, name, source) in files {
        let path = assets_dir.join("demo").join(&source);
        let bytes = std::fs::read(&path).map_err(|e| {
            PlatformError::Internal(format!("无法读取演示文件 {}：{e}", path.display()))
        })?;
        let stored = crate::files::put(&state.data_dir, &bytes)?;
        entries.push(stored.manifest_file(file_id, bidder_id, kind, name));
    }
    state.db.with(|c| {
        for (i, f) in entries.iter().enumerate() {
            crate::db::documents::upsert(c, &demo.project.id, f, i as i64)?;
        }
        Ok(())
    })
}

/// Publishes the demo project's rules template, signed by the demo staff
/// member, and opens the evaluation — as centre staff would before the panel
/// sits. Skipped when rules were already published.
fn publish_demo_rules(
    state: &AppState,
    demo: &DemoFile,
    assets_dir: &Path,
) -> Result<(), PlatformError> {
    let project_id = demo.project.id.clone();
    if state
        .db
        .with(|c| crate::db::rules::latest_version(c, &project_id))?
        .is_some()
    {
        return Ok(());
    }
    let staff = demo
        .people
        .iter()
        .find(|p| p.role == "staff")
        .ok_or_else(|| PlatformError::Internal("演示数据中没有工作人员".into()))?;
    let template = assets_dir.join("rules").join(&demo.project.rules_template);
    let rules_toml = std::fs::read_to_string(&template)
        .map_err(|e| PlatformError::Internal(format!("无法读取 {}：{e}", template.display())))?;
    let p12 = state.pki.dir.join(format!("people/{}.p12", staff.id));
    let signer = pingshen_pki::Pkcs12Signer::from_file(&p12, crate::pki::DEMO_PASSWORD)
        .map_err(PlatformError::from_pki)?;
    let doc = pingshen_api::RulesDocument {
        project_id: project_id.clone(),
        rules_toml,
        based_on_version: None,
    };
    let now = OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    let env = pingshen_pki::sign_value(&signer, pingshen_api::RULES_TYP, &doc, now)
        .map_err(PlatformError::from_pki)?;
    let envelope = crate::receipts::to_wire(env);
    let submitter = crate::receipts::Submitter {
        id: staff.id.clone(),
        role: Role::Staff,
        fingerprint: pingshen_pki::cert::fingerprint_sha256(pingshen_pki::Signer::certificate(
            &signer,
        ))
        .map_err(PlatformError::from_pki)?,
    };
    let body = crate::submission::SignedBody::new(&envelope, submitter, now)?;
    let record = crate::routes::rules::RulesRecord::new(doc, &body);
    state.db.with(|c| {
        // Another instance starting on the same database may have
        // published them since the check above (its own signature).
        if crate::db::rules::latest_version(c, &project_id)?.is_some() {
            return Ok(());
        }
        crate::submission::record_in(c, state, &body, record.clone())?;
        projects::set_stage(c, &project_id, pingshen_api::Stage::Evaluating)
    })
}

fn read_identities(pki_dir: &Path) -> Result<Vec<pingshen_pki::demo::DemoIdentity>, PlatformError> {
    let path = pki_dir.join("people.json");
    let bytes = std::fs::read(&path)
        .map_err(|e| PlatformError::Internal(format!("无法读取 {}：{e}", path.display())))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| PlatformError::Internal(format!("{} 格式错误：{e}", path.display())))
}
