//! Test driver: an expert's client without a window. Logs in, declares,
//! scores cell by cell, submits and drains the outbox, version after
//! version, printing each step only after it is durable — so a test can
//! `kill -9` it at any moment and check that nothing acknowledged was lost
//! and nothing was sent twice.
//!
//! Usage: evaluation-driver PLATFORM_URL P12 VAULT_DIR PROJECT TARGET_VERSION TRUST_DIR
//! Output lines: `saved KIND BIDDER ITEM VALUE`, `queued ID VERSION`,
//! `delivered ID`, `done`.

use pingshen_app::evaluation::{self, RulesInForce};
use pingshen_app::outbox;
use pingshen_client::PlatformClient;
use pingshen_pki::Pkcs12Signer;
use pingshen_rules::cells::{Cell, FACTOR, PRELIMINARY};
use pingshen_rules::{FactorKind, Rules};
use pingshen_store::Vault;
use std::io::Write;
use std::sync::Mutex;

fn say(line: String) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, p12, vault, project, target, trust_dir] = args.as_slice() else {
        return Err("usage: evaluation-driver URL P12 VAULT PROJECT TARGET TRUST_DIR".into());
    };
    let target: u32 = target.parse()?;
    let signer = Pkcs12Signer::from_file(std::path::Path::new(p12), "pingshen-demo")?;
    let trust_dir = std::path::Path::new(trust_dir);
    let trust = pingshen_app::PlatformTrust::new(
        pingshen_pki::demo::load_trust(trust_dir)?,
        pingshen_pki::demo::platform_pins(trust_dir)?,
    );
    let store = Mutex::new(Vault::new(vault).open(&signer)?);
    let (client, session) = PlatformClient::new(url)?.login_with(&signer).await?;
    let me = session.person.id.clone();
    evaluation::reconcile(&store.lock().unwrap(), project)?;
    outbox::drain(&store, &client, &trust).await?;

    let panel = client.panel(project).await?;
    let declared = panel
        .members
        .iter()
        .any(|m| m.id == me && m.declaration.is_some());
    let queued_declaration = !store.lock().unwrap().outbox().list(project)?.is_empty();
    if !declared && !queued_declaration {
        evaluation::declare(
            &store.lock().unwrap(),
            &signer,
            project,
            &me,
            pingshen_api::DeclarationDecision::NoConflict,
            None,
        )?;
        outbox::drain(&store, &client, &trust).await?;
    }

    let published = client.rules(project).await?;
    let rules = Rules::from_toml(&published.rules_toml).map_err(|_| "rules")?;
    let bidders: Vec<String> = client
        .project(project)
        .await?
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect();
    loop {
        let report = outbox::drain(&store, &client, &trust).await?;
        for id in &report.delivered {
            say(format!("delivered {id}"));
        }
        if report.offline || !report.refused.is_empty() {
            return Err(format!(
                "drain: offline {} refused {:?}",
                report.offline, report.refused
            )
            .into());
        }
        let status = evaluation::sheet_status(&store.lock().unwrap(), project)?;
        let pending = store.lock().unwrap().outbox().pending_count()?;
        if !status.editable {
            if pending > 0 {
                continue;
            }
            if status.version >= target {
                say("done".into());
                return Ok(());
            }
            let panel = client.panel(project).await?;
            if panel.members.iter().any(|m| m.id == me && m.may_resubmit) {
                evaluation::begin_revision(&store.lock().unwrap(), project)?;
            } else {
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            continue;
        }
        // Score this version: every cell the first time, one changed cell later.
        for cell in cells_for(&rules, &bidders, status.version) {
            let existing = evaluation::cells(&store.lock().unwrap(), project)?;
            if existing.iter().any(|c| c == &cell) {
                continue;
            }
            evaluation::save_cell(&store.lock().unwrap(), project, &cell)?;
            say(format!(
                "saved {} {} {} {} {}",
                cell.kind, cell.bidder, cell.item, cell.value, cell.reason
            ));
        }
        let queued = evaluation::submit_sheet(
            &store.lock().unwrap(),
            &signer,
            project,
            &me,
            &RulesInForce {
                rules: &rules,
                version: published.version,
                sha256: &published.sha256,
            },
            &bidders,
        )?;
        say(format!(
            "queued {} {}",
            queued.submission_id, queued.version
        ));
    }
}

/// A complete, valid sheet whose construction-plan points move with the version.
fn cells_for(rules: &Rules, bidders: &[String], version: u32) -> Vec<Cell> {
    let mut out = Vec::new();
    for (i, b) in bidders.iter().enumerate() {
        for c in &rules.preliminary {
            out.push(Cell {
                kind: PRELIMINARY.into(),
                bidder: b.clone(),
                item: c.id.clone(),
                value: "pass".into(),
                reason: String::new(),
            });
        }
        for f in &rules.factors {
            let (value, reason) = match &f.kind {
                FactorKind::Price | FactorKind::Credit(_) => continue,
                FactorKind::Deductions(_) => (String::new(), String::new()),
                FactorKind::Options(opts) => (opts[0].id.clone(), String::new()),
                FactorKind::PassFail => ("pass".into(), String::new()),
                FactorKind::Range { .. } if f.id == "tech.construction_plan" => {
                    let off = ((version as usize + i) % 4) as i64 * 5;
                    let points = f.max - rust_decimal::Decimal::new(off, 1);
                    // The version in the reason makes every version's value distinct.
                    let reason = format!("第{version}版：方案针对性评述");
                    (points.normalize().to_string(), reason)
                }
                FactorKind::Range { .. } => (f.max.normalize().to_string(), String::new()),
            };
            out.push(Cell {
                kind: FACTOR.into(),
                bidder: b.clone(),
                item: f.id.clone(),
                value,
                reason,
            });
        }
    }
    out
}
