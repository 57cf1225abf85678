//! A real platform for a test, and the demo people who use it.

use pingshen_client::PlatformClient;
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::db::Engine;
use pingshen_platform::{Database, RunningPlatform};
use std::ops::Deref;

/// The demo project every sandbox starts with.
pub const DEMO: &str = "JA-2026-0117";

/// A platform with the demo project, listening on 127.0.0.1:0 over a
/// temporary data folder that lives as long as this value (and, on
/// PostgreSQL, a fresh database of the test cluster).
pub struct TestPlatform {
    pub platform: RunningPlatform,
    pub dir: tempfile::TempDir,
    /// Where its records are: another instance started on the same
    /// folder and database serves the same platform.
    pub database: Database,
}

impl TestPlatform {
    /// On SQLite, the default engine.
    pub async fn demo() -> Self {
        Self::demo_on(Engine::Sqlite).await
    }

    /// On `engine` (PostgreSQL: a new database on this process's cluster).
    pub async fn demo_on(engine: Engine) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let database = database_for(engine);
        let platform = RunningPlatform::start_demo_on(dir.path(), &database)
            .await
            .unwrap();
        TestPlatform {
            platform,
            dir,
            database,
        }
    }

    /// Another instance of this platform (same data folder and database)
    /// on a port of its own.
    pub async fn another_instance(&self) -> RunningPlatform {
        RunningPlatform::start_demo_on(self.dir.path(), &self.database)
            .await
            .unwrap()
    }

    /// Stops the platform gracefully and removes its data folder.
    pub async fn stop(self) {
        self.platform.stop().await;
    }

    /// A client of this platform, not logged in.
    pub fn client(&self) -> PlatformClient {
        PlatformClient::new(&self.platform.url()).unwrap()
    }

    /// Demo person `id`'s identity and a client logged in with it.
    pub async fn person(&self, id: &str) -> (Pkcs12Signer, PlatformClient) {
        let s = signer(&self.platform, id);
        let client = logged_in(&self.platform, &s).await;
        (s, client)
    }
}

impl Deref for TestPlatform {
    type Target = RunningPlatform;
    fn deref(&self) -> &RunningPlatform {
        &self.platform
    }
}

/// A new, empty database for `engine`: SQLite's lives in the data folder.
pub fn database_for(engine: Engine) -> Database {
    match engine {
        Engine::Sqlite => Database::Sqlite,
        Engine::Postgres => Database::Postgres(crate::postgres::database()),
    }
}

/// Demo person `id`'s PKCS#12 identity from `platform`'s demo PKI.
pub fn signer(platform: &RunningPlatform, id: &str) -> Pkcs12Signer {
    Pkcs12Signer::from_file(&platform.demo_p12(id), pingshen_pki::demo::DEMO_PASSWORD).unwrap()
}

/// `s`'s certificate chain, leaf first, as DER.
pub fn chain(s: &dyn Signer) -> Vec<Vec<u8>> {
    s.chain().iter().map(|c| c.to_der().unwrap()).collect()
}

/// A client of the platform at `url` (the platform, or a link in front of
/// it), logged in with `signer`.
pub async fn login_at(url: &str, signer: &Pkcs12Signer) -> PlatformClient {
    PlatformClient::new(url)
        .unwrap()
        .login_with(signer)
        .await
        .unwrap()
        .0
}

/// A client logged in to `platform` as the holder of `signer`.
pub async fn logged_in(platform: &RunningPlatform, signer: &Pkcs12Signer) -> PlatformClient {
    login_at(&platform.url(), signer).await
}

/// A project's rules in force (as published and parsed) and its bidder
/// ids, as a logged-in client reads them: what a test scores by.
pub struct ProjectRules {
    pub published: pingshen_api::PublishedRules,
    pub rules: pingshen_rules::Rules,
    pub bidders: Vec<String>,
}

pub async fn project_rules(client: &PlatformClient, project: &str) -> ProjectRules {
    let published = client.rules(project).await.unwrap();
    let rules = pingshen_rules::Rules::from_toml(&published.rules_toml).unwrap();
    let bidders = client
        .project(project)
        .await
        .unwrap()
        .bidders
        .into_iter()
        .map(|b| b.id)
        .collect();
    ProjectRules {
        published,
        rules,
        bidders,
    }
}

/// A demo expert logged in.
pub struct Expert {
    pub id: String,
    pub signer: Pkcs12Signer,
    pub client: PlatformClient,
}

/// Demo expert `id`'s declaration of no conflict on the demo project.
pub fn no_conflict(id: &str) -> pingshen_api::Declaration {
    pingshen_api::Declaration {
        project_id: DEMO.into(),
        expert_id: id.into(),
        statement: pingshen_api::DECLARATION_TEXT.into(),
        decision: pingshen_api::DeclarationDecision::NoConflict,
        reason: None,
    }
}

/// The demo panel (E001–E005) seated on the demo project: each declared
/// no conflict and voted `leader` panel leader.
pub async fn seated_panel(p: &TestPlatform, leader: &str) -> Vec<Expert> {
    use pingshen_api::{LeaderVote, DECLARATION_TYP, LEADER_VOTE_TYP};
    use pingshen_client::sign_document;
    let mut out = Vec::new();
    for id in ["E001", "E002", "E003", "E004", "E005"] {
        let (signer, client) = p.person(id).await;
        let d = no_conflict(id);
        client
            .declare(DEMO, sign_document(&signer, DECLARATION_TYP, &d).unwrap())
            .await
            .unwrap();
        out.push(Expert {
            id: id.into(),
            signer,
            client,
        });
    }
    for e in &out {
        let v = LeaderVote {
            project_id: DEMO.into(),
            voter_id: e.id.clone(),
            candidate_id: leader.into(),
        };
        e.client
            .vote_leader(DEMO, sign_document(&e.signer, LEADER_VOTE_TYP, &v).unwrap())
            .await
            .unwrap();
    }
    out
}

/// A `pingshen-platform serve --demo` process (the binary at `bin`) on
/// 127.0.0.1:0 over `data`, the demo PKI `pki` and the PostgreSQL
/// `database`: another instance of the same platform for each one started
/// alike. Killed when dropped (a failing test or bench leaves none).
pub struct ServeProcess {
    pub child: std::process::Child,
    /// `http://127.0.0.1:PORT`, from the process's first line.
    pub url: String,
}

impl ServeProcess {
    pub fn start(
        bin: &std::path::Path,
        data: &std::path::Path,
        pki: &std::path::Path,
        database: &str,
    ) -> ServeProcess {
        use std::io::BufRead;
        let mut child = std::process::Command::new(bin)
            .arg("serve")
            .arg("--demo")
            .args(["--listen", "127.0.0.1:0", "--database", database])
            .arg("--data")
            .arg(data)
            .arg("--pki")
            .arg(pki)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{}: {e}", bin.display()));
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("pingshen-platform listening on ")
            .unwrap_or_else(|| panic!("no address on the platform's first line: {line:?}"))
            .to_string();
        ServeProcess { child, url }
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
