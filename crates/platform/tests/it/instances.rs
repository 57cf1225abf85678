//! Several platform instances on one PostgreSQL database and one data
//! folder, behind no sticky routing: two `pingshen-platform serve`
//! processes, every client alternating between them request by request
//! (a challenge from one, the session opened at the other), each signed
//! document sent to both, and one instance killed (SIGKILL) mid-run. Every
//! signed document is stored exactly once, with the one receipt every
//! attempt got.

use pingshen_api::{LeaderVote, SignedEnvelope, DECLARATION_TYP, LEADER_VOTE_TYP, SCORE_SHEET_TYP};
use pingshen_client::{sign_challenge, sign_document, ClientError, PlatformClient};
use pingshen_pki::{Pkcs12Signer, Signer};
use pingshen_platform::db::{Db, Engine};
use pingshen_platform::Database;
use pingshen_testkit::ServeProcess;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

const DEMO: &str = "JA-2026-0117";
const EXPERTS: [&str; 5] = ["E001", "E002", "E003", "E004", "E005"];
/// Answered requests before instance 1 is killed: after the logins, while
/// the experts' documents are in flight.
const KILL_AFTER: usize = 30;

/// A platform process on the shared demo PKI; killed when dropped (a
/// failing test leaves none).
fn instance(data: &std::path::Path, database: &str) -> ServeProcess {
    let pki = pingshen_platform::running::shared_demo_pki().unwrap();
    ServeProcess::start(
        std::path::Path::new(env!("CARGO_BIN_EXE_pingshen-platform")),
        data,
        &pki,
        database,
    )
}

/// One expert's clients, one per instance, sharing one session; each
/// request goes to the next instance, or the other when that one is gone.
struct Alternating {
    clients: Vec<PlatformClient>,
    next: usize,
    counts: Arc<Counts>,
}

/// Requests answered, and requests the other instance answered because
/// the one asked was gone.
#[derive(Default)]
struct Counts {
    answered: AtomicUsize,
    failed_over: AtomicUsize,
}

impl Alternating {
    async fn call<T, F, Fut>(&mut self, f: F) -> T
    where
        F: Fn(PlatformClient) -> Fut,
        Fut: std::future::Future<Output = Result<T, ClientError>>,
    {
        let n = self.clients.len();
        let first = self.next;
        self.next += 1;
        for i in 0..n {
            match f(self.clients[(first + i) % n].clone()).await {
                Ok(v) => {
                    self.counts.answered.fetch_add(1, Ordering::SeqCst);
                    return v;
                }
                // The instance is gone (killed): the other one answers.
                Err(e) if e.is_offline() => {
                    self.counts.failed_over.fetch_add(1, Ordering::SeqCst);
                }
                Err(e) => panic!("refused: {e:?}"),
            }
        }
        panic!("no instance answered");
    }
}

/// Logs in with the challenge from one instance and the session opened at
/// the other (both at the first when the second is gone).
async fn login(urls: &[String], signer: &Pkcs12Signer, counts: Arc<Counts>) -> Alternating {
    let chain: Vec<Vec<u8>> = signer.chain().iter().map(|c| c.to_der().unwrap()).collect();
    for (from, at) in [(0, 1), (0, 0)] {
        let asked = PlatformClient::new(&urls[from]).unwrap();
        let opened = PlatformClient::new(&urls[at]).unwrap();
        let session = match asked.request_challenge(&chain).await {
            Ok(challenge) => {
                opened
                    .open_session(sign_challenge(signer, &challenge).unwrap())
                    .await
            }
            Err(e) => Err(e),
        };
        let session = match session {
            Ok(s) => s,
            Err(e) if e.is_offline() => continue,
            Err(e) => panic!("login refused: {e:?}"),
        };
        counts.answered.fetch_add(2, Ordering::SeqCst);
        let on_a = opened
            .with_session(&session)
            .with_base_url(&urls[0])
            .unwrap();
        let on_b = on_a.with_base_url(&urls[1]).unwrap();
        return Alternating {
            clients: vec![on_a, on_b],
            next: 0,
            counts,
        };
    }
    panic!("no instance logged in");
}

/// Sends `env` once on each instance in turn, then on both at once:
/// every attempt must get the same receipt. Answers it.
async fn submit_everywhere<F, Fut>(
    c: &mut Alternating,
    env: &SignedEnvelope,
    send: F,
) -> SignedEnvelope
where
    F: Fn(PlatformClient, SignedEnvelope) -> Fut,
    Fut: std::future::Future<Output = Result<pingshen_api::Accepted, ClientError>>,
{
    let first = c.call(|k| send(k, env.clone())).await.receipt;
    let again = c.call(|k| send(k, env.clone())).await.receipt;
    assert_eq!(
        first, again,
        "a retry on the other instance gets the stored receipt"
    );
    let mut other = Alternating {
        clients: c.clients.clone(),
        next: c.next + 1,
        counts: c.counts.clone(),
    };
    let (x, y) = tokio::join!(
        c.call(|k| send(k, env.clone())),
        other.call(|k| send(k, env.clone()))
    );
    assert_eq!((&x.receipt, &y.receipt), (&first, &first));
    first
}

/// What one expert did: each document with the receipt all its attempts got.
struct Done {
    id: &'static str,
    declaration: SignedEnvelope,
    vote: SignedEnvelope,
    sheet: SignedEnvelope,
}

async fn expert(id: &'static str, urls: Vec<String>, counts: Arc<Counts>) -> Done {
    let pki = pingshen_platform::running::shared_demo_pki().unwrap();
    let signer =
        Pkcs12Signer::from_file(&pki.join(format!("people/{id}.p12")), "pingshen-demo").unwrap();
    let mut c = login(&urls, &signer, counts).await;
    let env = sign_document(&signer, DECLARATION_TYP, &pingshen_testkit::no_conflict(id)).unwrap();
    let declaration =
        submit_everywhere(&mut c, &env, |k, e| async move { k.declare(DEMO, e).await }).await;
    let v = LeaderVote {
        project_id: DEMO.into(),
        voter_id: id.into(),
        candidate_id: "E001".into(),
    };
    let env = sign_document(&signer, LEADER_VOTE_TYP, &v).unwrap();
    let vote = submit_everywhere(
        &mut c,
        &env,
        |k, e| async move { k.vote_leader(DEMO, e).await },
    )
    .await;
    let published = c.call(|k| async move { k.rules(DEMO).await }).await;
    let rules = pingshen_rules::Rules::from_toml(&published.rules_toml).unwrap();
    let tweak = EXPERTS.iter().position(|e| *e == id).unwrap() as u32;
    let sheet =
        super::evaluation::score_sheet(&rules, published.version, &published.sha256, id, 1, tweak);
    let env = sign_document(&signer, SCORE_SHEET_TYP, &sheet).unwrap();
    let sheet = submit_everywhere(
        &mut c,
        &env,
        |k, e| async move { k.submit_sheet(DEMO, e).await },
    )
    .await;
    Done {
        id,
        declaration,
        vote,
        sheet,
    }
}

/// Each row `sql` selects for `expert`: its receipt (one row: stored once).
fn stored_receipts(db: &Db, sql: &'static str, expert: &'static str) -> Vec<SignedEnvelope> {
    db.with(|c| {
        Ok(c.query(sql, [expert], |r| r.get::<_, String>(0))?
            .iter()
            .map(|json| serde_json::from_str(json).unwrap())
            .collect())
    })
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_one_killed_store_every_document_once_with_one_receipt() {
    assert_eq!(super::ENGINE, Engine::Postgres);
    let dir = tempfile::tempdir().unwrap();
    let Database::Postgres(url) = pingshen_testkit::database_for(Engine::Postgres) else {
        unreachable!("asked for PostgreSQL")
    };
    // Started together: both migrate and load the demo on one new database.
    let (a, b) = std::thread::scope(|s| {
        let a = s.spawn(|| instance(dir.path(), &url));
        let b = s.spawn(|| instance(dir.path(), &url));
        (a.join().unwrap(), b.join().unwrap())
    });
    let urls = vec![a.url.clone(), b.url.clone()];
    let counts = Arc::new(Counts::default());

    let mut b = b;
    let killer = {
        let counts = counts.clone();
        tokio::spawn(async move {
            while counts.answered.load(Ordering::SeqCst) < KILL_AFTER {
                tokio::time::sleep(std::time::Duration::from_millis(1)).await;
            }
            b.child.kill().unwrap();
            let at_kill = counts.answered.load(Ordering::SeqCst);
            b.child.wait().unwrap();
            (b, at_kill)
        })
    };
    let experts = EXPERTS.map(|id| tokio::spawn(expert(id, urls.clone(), counts.clone())));
    let mut done = Vec::new();
    for e in experts {
        done.push(e.await.unwrap());
    }
    let total = counts.answered.load(Ordering::SeqCst);
    let failed_over = counts.failed_over.load(Ordering::SeqCst);
    let (mut b, at_kill) = killer.await.unwrap();
    eprintln!("{total} requests answered, {at_kill} before the kill, {failed_over} failed over");
    assert!(
        b.child.try_wait().unwrap().is_some(),
        "instance 1 was killed"
    );
    assert!(at_kill < total, "the run went on after the kill");
    assert!(
        failed_over > 0,
        "requests meant for the killed instance went to the other"
    );

    // The survivor saw every document, through the database.
    let leader = PlatformClient::new(&a.url).unwrap();
    let pki = pingshen_platform::running::shared_demo_pki().unwrap();
    let e1 = Pkcs12Signer::from_file(&pki.join("people/E001.p12"), "pingshen-demo").unwrap();
    let (leader, _) = leader.login_with(&e1).await.unwrap();
    let panel = leader.panel(DEMO).await.unwrap();
    assert_eq!(panel.leader.as_deref(), Some("E001"));
    assert!(panel.all_submitted);

    // Each document stored once, with the receipt every attempt got.
    let db = Db::open_postgres(&url).unwrap();
    for d in &done {
        let declared = stored_receipts(
            &db,
            "SELECT receipt FROM declarations WHERE expert_id = ?1",
            d.id,
        );
        assert_eq!(declared, vec![d.declaration.clone()], "{}", d.id);
        let voted = stored_receipts(
            &db,
            "SELECT receipt FROM leader_votes WHERE voter_id = ?1",
            d.id,
        );
        assert_eq!(voted, vec![d.vote.clone()], "{}", d.id);
        let sheets = stored_receipts(&db, "SELECT receipt FROM sheets WHERE expert_id = ?1", d.id);
        assert_eq!(sheets, vec![d.sheet.clone()], "{}", d.id);
    }
    // Both instances loaded the demo: one project, one platform identity.
    let (projects, ids): (i64, i64) = db
        .with(|c| {
            Ok(c.query_row(
                "SELECT (SELECT COUNT(*) FROM projects), (SELECT COUNT(*) FROM platform_meta)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?)
        })
        .unwrap();
    assert_eq!((projects, ids), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_render_one_version_and_take_the_panels_signatures_at_once() {
    // The report is rendered outside the signatures' transactions, once per
    // version: two renderers racing store the same bytes and row, and the
    // signatures' checks read that row rather than render.
    let p = super::demo().await;
    let other = p.another_instance().await;
    let experts = super::report::panel_with_sheets(&p).await;
    let mut at_other = Vec::new();
    for e in &experts {
        at_other.push(pingshen_testkit::login_at(&other.url(), &e.signer).await);
    }

    // The whole panel asks both instances at once for the report nobody
    // has rendered yet: one version, whoever renders it.
    let asked: Vec<_> = experts
        .iter()
        .map(|e| e.client.clone())
        .chain(at_other.iter().cloned())
        .map(|c| tokio::spawn(async move { c.report_status(DEMO).await }))
        .collect();
    let mut statuses = Vec::new();
    for t in asked {
        statuses.push(t.await.unwrap().unwrap());
    }
    assert!(statuses.iter().all(|s| s == &statuses[0]), "{statuses:#?}");
    let sha256 = statuses[0].sha256.clone();

    // Every member signs at once, alternately at each instance.
    let sent = experts
        .iter()
        .zip(&at_other)
        .enumerate()
        .map(|(i, (e, there))| {
            let client = if i % 2 == 0 { &e.client } else { there };
            (client.clone(), super::report::signature(e, &sha256))
        })
        .collect();
    for (e, r) in experts.iter().zip(super::report::sign_at_once(sent).await) {
        r.unwrap_or_else(|err| panic!("{}: {err:?}", e.id));
    }
    let done = at_other[0].report_status(DEMO).await.unwrap();
    assert!(done.complete, "{done:?}");
    assert_eq!(done.sha256, sha256);
    other.stop().await;
    p.stop().await;
}
