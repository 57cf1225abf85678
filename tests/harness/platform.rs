use crate::paths::{binary, workspace_root};
use crate::process::Guarded;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

/// The real `pingshen-platform` binary serving a data directory on a free
/// loopback port.
pub struct PlatformProcess {
    pub url: String,
    pub data_dir: PathBuf,
    process: Guarded,
}

impl PlatformProcess {
    /// Starts `pingshen-platform serve --data DIR --listen 127.0.0.1:0 [--demo]`
    /// and waits for its "listening on" line.
    pub fn start(data_dir: &Path, demo: bool) -> anyhow::Result<Self> {
        Self::start_on(data_dir, demo, 0)
    }

    /// The same on a given port (0: any free one): a platform that stops and
    /// comes back at the address the app was started with.
    pub fn start_on(data_dir: &Path, demo: bool, port: u16) -> anyhow::Result<Self> {
        let mut cmd = Command::new(binary("pingshen-platform")?);
        cmd.args(["serve", "--listen", &format!("127.0.0.1:{port}"), "--data"])
            .arg(data_dir)
            .arg("--assets")
            .arg(workspace_root().join("assets"))
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if demo {
            cmd.arg("--demo");
        }
        let mut child = cmd.spawn()?;
        let stdout = child.stdout.take().expect("piped stdout");
        let mut process = Guarded::new("pingshen-platform", child);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            if let Some(Ok(line)) = lines.next() {
                let _ = tx.send(line);
            }
            // Keep draining so the platform never blocks on a full pipe.
            for _ in lines {}
        });
        let line = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(line) => line,
            Err(_) => {
                process.terminate();
                anyhow::bail!("pingshen-platform did not report its address");
            }
        };
        let url = line
            .rsplit_once("listening on ")
            .map(|(_, u)| u.trim().to_string())
            .ok_or_else(|| anyhow::anyhow!("unexpected first line: {line}"))?;
        Ok(Self {
            url,
            data_dir: data_dir.to_path_buf(),
            process,
        })
    }

    /// The demo PKI folder (trust/, crl/, people/*.p12).
    /// Adds a bid document to `project` as staff would
    /// (`pingshen-platform add-document`); experts get it at their next sync.
    pub fn add_bid_document(
        &self,
        project: &str,
        file_id: &str,
        bidder: &str,
        name: &str,
        pdf: &[u8],
    ) -> anyhow::Result<()> {
        let file = tempfile::NamedTempFile::new()?;
        std::fs::write(file.path(), pdf)?;
        let added = Command::new(binary("pingshen-platform")?)
            .arg("add-document")
            .arg("--data")
            .arg(&self.data_dir)
            .args([
                "--project",
                project,
                "--file-id",
                file_id,
                "--bidder",
                bidder,
            ])
            .args(["--name", name])
            .arg(file.path())
            .status()?;
        anyhow::ensure!(added.success(), "add-document failed");
        Ok(())
    }

    pub fn pki_dir(&self) -> PathBuf {
        self.data_dir.join("pki")
    }

    /// A client logged in as a demo person (password `pingshen-demo`).
    pub async fn client_as(&self, person: &str) -> anyhow::Result<pingshen_client::PlatformClient> {
        let signer = pingshen_pki::Pkcs12Signer::from_file(
            &self.pki_dir().join(format!("people/{person}.p12")),
            "pingshen-demo",
        )?;
        let (client, _) = pingshen_client::PlatformClient::new(&self.url)?
            .login_with(&signer)
            .await?;
        Ok(client)
    }

    /// Signs `doc` as a demo person.
    pub fn sign_as<T: serde::Serialize>(
        &self,
        person: &str,
        typ: &str,
        doc: &T,
    ) -> anyhow::Result<pingshen_api::SignedEnvelope> {
        let signer = pingshen_pki::Pkcs12Signer::from_file(
            &self.pki_dir().join(format!("people/{person}.p12")),
            "pingshen-demo",
        )?;
        Ok(pingshen_client::sign_document(&signer, typ, doc)?)
    }

    /// Staff set up a small project for a UI test: two bidders (B01 at
    /// 2 880 000.00 yuan, B02 at `b02_price`) under the municipal rules
    /// (K = 0.02), `experts` assigned, the evaluation started. Answers the
    /// published rules.
    pub async fn small_project(
        &self,
        id: &str,
        name: &str,
        b02_price: rust_decimal::Decimal,
        experts: &[&str],
    ) -> anyhow::Result<pingshen_api::PublishedRules> {
        let rules = std::fs::read_to_string(
            workspace_root().join("assets/rules/municipal-construction.toml"),
        )?;
        self.small_project_with(id, name, b02_price, experts, rules)
            .await
    }

    /// [`Self::small_project`] under the rules `rules_toml`.
    pub async fn small_project_with(
        &self,
        id: &str,
        name: &str,
        b02_price: rust_decimal::Decimal,
        experts: &[&str],
        rules_toml: String,
    ) -> anyhow::Result<pingshen_api::PublishedRules> {
        use pingshen_api::{NewBidder, NewProject, RulesDocument, Stage, RULES_TYP};
        use rust_decimal::Decimal;
        let staff = self.client_as("S001").await?;
        staff
            .create_project(&NewProject {
                id: id.into(),
                name: name.into(),
                lot: "第一标段".into(),
                centre: "武汉市公共资源交易中心".into(),
                tenderer: "武汉市江岸区城市建设投资有限公司".into(),
                ceiling_price: Decimal::new(300000000, 2),
                opening_time: time::macros::datetime!(2026-12-03 09:30 +08:00),
                bidders: vec![
                    NewBidder {
                        id: "B01".into(),
                        name: "武汉江城路桥工程有限公司".into(),
                        bid_price: Decimal::new(288000000, 2),
                    },
                    NewBidder {
                        id: "B02".into(),
                        name: "湖北汉通市政建设集团有限公司".into(),
                        bid_price: b02_price,
                    },
                ],
                k: Some(Decimal::new(2, 2)),
            })
            .await?;
        let doc = RulesDocument {
            project_id: id.into(),
            rules_toml,
            based_on_version: None,
        };
        let published = staff
            .publish_rules(id, self.sign_as("S001", RULES_TYP, &doc)?)
            .await?;
        for e in experts {
            staff.assign(id, e).await?;
        }
        staff.change_stage(id, Stage::Evaluating).await?;
        Ok(published)
    }

    /// `person` declares no conflict of interest in `project` (documents
    /// open only after the declaration), as if they had done so earlier.
    pub async fn declare_no_conflict(&self, person: &str, project: &str) -> anyhow::Result<()> {
        use pingshen_api::{Declaration, DeclarationDecision, DECLARATION_TEXT, DECLARATION_TYP};
        let declaration = Declaration {
            project_id: project.into(),
            expert_id: person.into(),
            statement: DECLARATION_TEXT.into(),
            decision: DeclarationDecision::NoConflict,
            reason: None,
        };
        self.client_as(person)
            .await?
            .declare(
                project,
                self.sign_as(person, DECLARATION_TYP, &declaration)?,
            )
            .await?;
        Ok(())
    }

    /// Stops the platform (SIGTERM, graceful shutdown).
    pub fn stop(mut self) {
        self.process.terminate();
    }
}
