//! Who may call what: every route of the OpenAPI document × every situation
//! a caller can be in (anonymous, an expert not assigned to the project,
//! one who has not declared, one who recused, a sitting member, the elected
//! leader, the witness, staff) × the project's stage (evaluating, archived),
//! with the status each must get, against the real in-process platform.
//!
//! The table is complete by construction: a route in the OpenAPI document
//! without its row fails `every_documented_route_has_a_row`, so a new route
//! cannot be added without deciding who may call it.
//!
//! For a caller who may use a route, writes are sent with a body that
//! passes authorisation and then stops (a wrong statement, a stale hash, an
//! empty batch...), so the one platform keeps every situation as it was set
//! up; such cells say `ok` (anything but 401, 403, 404, 405, 410 or 5xx).

use pingshen_api::{
    ClarificationAnswer, ClarificationQuestion, Declaration, DeclarationDecision, ErrorBody,
    LeaderVote, Motion, MotionKind, MotionVote, NewProject, ReportSignature, RulesDocument,
    ScoreSheet, ScreenDecision, ScreenVerdict, Session, Stage, StageChange,
    CLARIFICATION_ANSWER_TYP, CLARIFICATION_QUESTION_TYP, DECLARATION_TEXT, DECLARATION_TYP,
    LEADER_VOTE_TYP, MOTION_TYP, MOTION_VOTE_TYP, REPORT_SIGNATURE_TYP, RULES_TYP, SCORE_SHEET_TYP,
    SCREEN_DECISION_TYP,
};
use pingshen_client::{sign_challenge, sign_document, PlatformClient};
use pingshen_pki::Pkcs12Signer;
use pingshen_platform::demo::{default_assets_dir, DemoFile};
use pingshen_platform::RunningPlatform;
use pingshen_rules::cells::build_sheet;
use pingshen_rules::ExpertSheet;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// The situations, in the order of a row's columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Unassigned,
    Undeclared,
    Recused,
    Member,
    Leader,
    Witness,
    Staff,
}

const WHO: [Who; 8] = [
    Who::Anonymous,
    Who::Unassigned,
    Who::Undeclared,
    Who::Recused,
    Who::Member,
    Who::Leader,
    Who::Witness,
    Who::Staff,
];

impl Who {
    /// The demo person in this situation on the projects below.
    fn person(self) -> Option<&'static str> {
        match self {
            Who::Anonymous => None,
            Who::Unassigned => Some("E005"),
            Who::Undeclared => Some("E004"),
            Who::Recused => Some("E003"),
            Who::Member => Some("E002"),
            Who::Leader => Some("E001"),
            Who::Witness => Some("W001"),
            Who::Staff => Some("S001"),
        }
    }
}

/// The project a situation is tried on. The undeclared expert sits on a
/// panel of their own: on the main panels every sitting expert has
/// submitted, so that the report exists and its readers get a 200.
fn project(who: Who, stage: Stage) -> &'static str {
    match (who, stage) {
        (Who::Undeclared, Stage::Archived) => "AZ-ARCHIVED-U",
        (Who::Undeclared, _) => "AZ-EVALUATING-U",
        (_, Stage::Archived) => "AZ-ARCHIVED",
        _ => "AZ-EVALUATING",
    }
}

const STAGES: [Stage; 2] = [Stage::Evaluating, Stage::Archived];

/// A call being made: what the request builders need.
struct Call<'a> {
    person: &'a str,
    project: &'a str,
    stage: Stage,
}

/// How a row's request is made.
enum Req {
    /// No body; the caller's token.
    Plain,
    /// Unsigned JSON.
    Json(fn(&Call) -> Value),
    /// `{"envelope": …}`: the document signed by the caller, of this `typ`.
    Signed(&'static str, fn(&Call) -> Value),
    /// A login challenge request for the caller's certificate.
    Challenge,
    /// The caller's signed answer to a fresh challenge.
    Session,
    /// No body; the token of a session opened for this call alone (the row
    /// ends it).
    FreshToken,
}

struct Row {
    method: &'static str,
    path: &'static str,
    req: Req,
    /// One cell per situation of [`WHO`]: a status, or `ok`.
    evaluating: &'static str,
    archived: &'static str,
}

fn row(
    method: &'static str,
    path: &'static str,
    req: Req,
    evaluating: &'static str,
    archived: &'static str,
) -> Row {
    Row {
        method,
        path,
        req,
        evaluating,
        archived,
    }
}

#[rustfmt::skip]
fn table() -> Vec<Row> {
    use Req::*;
    vec![
        //                                                                          anon  unas  undc  recu  memb  lead  witn  staf
        row("GET", "/api/v1/health", Plain,                                        "200   200   200   200   200   200   200   200",
                                                                                    "200   200   200   200   200   200   200   200"),
        row("GET", "/api/v1/openapi.json", Plain,                                  "200   200   200   200   200   200   200   200",
                                                                                    "200   200   200   200   200   200   200   200"),
        row("GET", "/api/v1/crls", Plain,                                          "200   200   200   200   200   200   200   200",
                                                                                    "200   200   200   200   200   200   200   200"),
        row("POST", "/api/v1/auth/challenge", Challenge,                           "200   200   200   200   200   200   200   200",
                                                                                    "200   200   200   200   200   200   200   200"),
        row("POST", "/api/v1/auth/session", Session,                               "200   200   200   200   200   200   200   200",
                                                                                    "200   200   200   200   200   200   200   200"),
        row("DELETE", "/api/v1/auth/session", FreshToken,                          "401   204   204   204   204   204   204   204",
                                                                                    "401   204   204   204   204   204   204   204"),
        row("GET", "/api/v1/projects", Plain,                                      "401   200   200   200   200   200   200   200",
                                                                                    "401   200   200   200   200   200   200   200"),
        row("POST", "/api/v1/projects", Json(new_project),                         "401   403   403   403   403   403   403   ok",
                                                                                    "401   403   403   403   403   403   403   ok"),
        row("GET", "/api/v1/projects/{id}", Plain,                                 "401   403   200   200   200   200   200   200",
                                                                                    "401   403   200   200   200   200   200   200"),
        row("POST", "/api/v1/projects/{id}/stage", Json(same_stage),               "401   403   403   403   403   403   403   ok",
                                                                                    "401   403   403   403   403   403   403   ok"),
        row("POST", "/api/v1/projects/{id}/assignments", Json(assigned_again),     "401   403   403   403   403   403   403   ok",
                                                                                    "401   403   403   403   403   403   403   ok"),
        row("GET", "/api/v1/projects/{id}/opening-record", Plain,                  "401   403   200   200   200   200   200   200",
                                                                                    "401   403   200   200   200   200   200   200"),
        row("GET", "/api/v1/projects/{id}/panel-record", Plain,                    "401   403   200   200   200   200   200   200",
                                                                                    "401   403   200   200   200   200   200   200"),
        row("GET", "/api/v1/projects/{id}/manifest", Plain,                        "401   403   403   403   200   200   200   200",
                                                                                    "401   403   410   410   410   410   410   410"),
        row("GET", "/api/v1/projects/{id}/files/{file_id}", Plain,                 "401   403   403   403   200   200   200   200",
                                                                                    "401   403   410   410   410   410   410   410"),
        row("GET", "/api/v1/projects/{id}/files/{file_id}/chunks", Plain,          "401   403   403   403   200   200   200   200",
                                                                                    "401   403   410   410   410   410   410   410"),
        row("GET", "/api/v1/projects/{id}/files/{file_id}/pieces?spans=0-99", Plain,     "401   403   403   403   200   200   200   200",
                                                                                    "401   403   410   410   410   410   410   410"),
        row("GET", "/api/v1/projects/{id}/rules", Plain,                           "401   403   200   200   200   200   200   200",
                                                                                    "401   403   200   200   200   200   200   200"),
        row("POST", "/api/v1/projects/{id}/rules", Signed(RULES_TYP, empty_rules), "401   403   403   403   403   403   403   ok",
                                                                                    "401   403   403   403   403   403   403   ok"),
        row("GET", "/api/v1/projects/{id}/rules/{version}", Plain,                 "401   403   200   200   200   200   200   200",
                                                                                    "401   403   200   200   200   200   200   200"),
        row("POST", "/api/v1/projects/{id}/declaration",
            Signed(DECLARATION_TYP, wrong_statement),                              "401   403   ok    ok    ok    ok    403   403",
                                                                                    "401   403   ok    ok    ok    ok    403   403"),
        row("POST", "/api/v1/projects/{id}/leader/votes",
            Signed(LEADER_VOTE_TYP, vote_for_leader),                              "401   403   403   403   ok    ok    403   403",
                                                                                    "401   403   403   403   ok    ok    403   403"),
        row("GET", "/api/v1/projects/{id}/panel", Plain,                           "401   403   200   200   200   200   200   200",
                                                                                    "401   403   200   200   200   200   200   200"),
        row("POST", "/api/v1/projects/{id}/sheets",
            Signed(SCORE_SHEET_TYP, stale_sheet),                                  "401   403   403   403   ok    ok    403   403",
                                                                                    "401   403   403   403   ok    ok    403   403"),
        row("POST", "/api/v1/projects/{id}/sheets/{expert}/reopen",
            Json(short_reason),                                                    "401   403   403   403   403   403   403   ok",
                                                                                    "401   403   403   403   403   403   403   ok"),
        row("GET", "/api/v1/projects/{id}/summary", Plain,                         "401   403   403   403   403   200   403   200",
                                                                                    "401   403   403   403   403   200   403   200"),
        row("GET", "/api/v1/projects/{id}/report", Plain,                          "401   403   403   403   200   200   403   200",
                                                                                    "401   403   403   403   200   200   403   200"),
        row("GET", "/api/v1/projects/{id}/report/pdf", Plain,                      "401   403   403   403   200   200   403   200",
                                                                                    "401   403   403   403   200   200   403   200"),
        row("POST", "/api/v1/projects/{id}/report/signatures",
            Signed(REPORT_SIGNATURE_TYP, stale_report_signature),                  "401   403   403   403   ok    ok    403   403",
                                                                                    "401   403   403   403   ok    ok    403   403"),
        row("GET", "/api/v1/projects/{id}/package", Plain,                         "401   403   403   403   403   200   403   200",
                                                                                    "401   403   403   403   403   200   403   200"),
        row("GET", "/api/v1/projects/{id}/screen-decisions", Plain,                "401   403   403   403   403   200   403   200",
                                                                                    "401   403   403   403   403   200   403   200"),
        row("POST", "/api/v1/projects/{id}/screen-decisions",
            Signed(SCREEN_DECISION_TYP, screen_decision),                          "401   403   403   403   403   ok    403   403",
                                                                                    "401   403   403   403   403   ok    403   403"),
        row("GET", "/api/v1/projects/{id}/motions", Plain,                         "401   403   403   403   200   200   403   200",
                                                                                    "401   403   403   403   200   200   403   200"),
        row("POST", "/api/v1/projects/{id}/motions",
            Signed(MOTION_TYP, one_option_motion),                                 "401   403   403   403   ok    ok    403   403",
                                                                                    "401   403   403   403   ok    ok    403   403"),
        row("POST", "/api/v1/projects/{id}/motions/{motion_id}/votes",
            Signed(MOTION_VOTE_TYP, vote_on_another_motion),                       "401   403   403   403   ok    ok    403   403",
                                                                                    "401   403   403   403   ok    ok    403   403"),
        row("GET", "/api/v1/projects/{id}/credit-record", Plain,                   "401   403   404   404   404   404   404   404",
                                                                                    "401   403   404   404   404   404   404   404"),
        row("POST", "/api/v1/projects/{id}/credit-record", Json(credit_records),   "401   403   403   403   403   403   403   ok",
                                                                                    "401   403   403   403   403   403   403   ok"),
        row("GET", "/api/v1/projects/{id}/clarifications", Plain,                  "401   403   403   403   200   200   403   200",
                                                                                    "401   403   403   403   200   200   403   200"),
        row("POST", "/api/v1/projects/{id}/clarifications",
            Signed(CLARIFICATION_QUESTION_TYP, past_deadline_question),            "401   403   403   403   403   ok    403   403",
                                                                                    "401   403   403   403   403   ok    403   403"),
        row("POST", "/api/v1/projects/{id}/clarifications/{clarification_id}/answer",
            Signed(CLARIFICATION_ANSWER_TYP, answer_by_a_person),                  "403   403   403   403   403   403   403   403",
                                                                                    "403   403   403   403   403   403   403   403"),
        row("GET", "/api/v1/projects/{id}/witness/entries", Plain,                 "401   403   403   403   403   200   200   200",
                                                                                    "401   403   403   403   403   200   200   200"),
        row("POST", "/api/v1/projects/{id}/witness/entries", Json(empty_batch),    "401   403   403   403   403   403   ok    403",
                                                                                    "401   403   403   403   403   403   ok    403"),
        row("GET", "/api/v1/projects/{id}/witness/export", Plain,                  "401   403   403   403   403   200   200   200",
                                                                                    "401   403   403   403   403   200   200   200"),
        // Public once the evaluation is finished; neither project here is
        // (evaluating; archived with the report unsigned): 409 for anyone.
        row("GET", "/api/v1/projects/{id}/ocds", Plain,                            "409   409   409   409   409   409   409   409",
                                                                                    "409   409   409   409   409   409   409   409"),
        // Open to anyone (an expert whose login fails must still update);
        // nothing is published on this platform.
        row("GET", "/api/v1/updates/latest", Plain,                                "404   404   404   404   404   404   404   404",
                                                                                    "404   404   404   404   404   404   404   404"),
        row("GET", "/api/v1/updates/files/{file}", Plain,                          "404   404   404   404   404   404   404   404",
                                                                                    "404   404   404   404   404   404   404   404"),
    ]
}

// Request bodies: each passes authorisation and then stops, or changes
// nothing a later row depends on.

fn new_project(_: &Call) -> Value {
    let demo = DemoFile::read(&default_assets_dir()).unwrap();
    json!(NewProject {
        id: "AZ-CREATED".into(),
        k: demo.project.k,
        ..demo.new_project()
    })
}

/// The stage the project is already in: an accepted no-op.
fn same_stage(c: &Call) -> Value {
    json!(StageChange { stage: c.stage })
}

/// Someone the project already has: an accepted no-op.
fn assigned_again(c: &Call) -> Value {
    let person = if c.project.ends_with("-U") {
        "E004"
    } else {
        "W001"
    };
    json!({ "person_id": person })
}

/// Refused as invalid rules (400) once the caller may publish.
fn empty_rules(c: &Call) -> Value {
    json!(RulesDocument {
        project_id: c.project.into(),
        rules_toml: String::new(),
        based_on_version: Some(1),
    })
}

/// Refused for its statement (400) once the caller may declare.
fn wrong_statement(c: &Call) -> Value {
    json!(Declaration {
        project_id: c.project.into(),
        expert_id: c.person.into(),
        statement: format!("{DECLARATION_TEXT}（已改动）"),
        decision: DeclarationDecision::NoConflict,
        reason: None,
    })
}

/// A second vote: refused as already voted (409) once the caller may vote.
fn vote_for_leader(c: &Call) -> Value {
    json!(LeaderVote {
        project_id: c.project.into(),
        voter_id: c.person.into(),
        candidate_id: "E001".into(),
    })
}

/// A sheet under rules that are not in force: refused (409).
fn stale_sheet(c: &Call) -> Value {
    json!(ScoreSheet {
        submission_id: uuid::Uuid::now_v7().to_string(),
        project_id: c.project.into(),
        expert_id: c.person.into(),
        version: 1,
        rules_version: 999,
        rules_sha256: "0".repeat(64),
        sheet: ExpertSheet {
            expert: c.person.into(),
            bidders: Vec::new(),
        },
    })
}

/// Refused for its reason, shorter than four characters (400).
fn short_reason(_: &Call) -> Value {
    json!({ "reason": "短" })
}

/// A signature over a hash that is not the report's: refused (409).
fn stale_report_signature(c: &Call) -> Value {
    json!(ReportSignature {
        project_id: c.project.into(),
        expert_id: c.person.into(),
        report_sha256: "0".repeat(64),
    })
}

/// A real decision: recorded for the leader (201) while evaluating, refused
/// for the stage (409) once archived.
fn screen_decision(c: &Call) -> Value {
    json!(ScreenDecision {
        submission_id: uuid::Uuid::now_v7().to_string(),
        project_id: c.project.into(),
        flag_id: "f-00000000000000aa".into(),
        flag_kind: "text_overlap".into(),
        involved: vec!["B01".into(), "B02".into()],
        verdict: ScreenVerdict::Noted,
        reason: "授权检查记录的结论".into(),
        decided_by: c.person.into(),
    })
}

/// Refused for its single option (400) once the caller may propose.
fn one_option_motion(c: &Call) -> Value {
    json!(Motion {
        project_id: c.project.into(),
        motion_id: uuid::Uuid::now_v7().to_string(),
        proposer_id: c.person.into(),
        kind: MotionKind::Other,
        bidder_id: None,
        text: "授权检查的表决事项".into(),
        options: vec!["同意".into()],
    })
}

/// A vote naming another motion than the path: refused (400) once the
/// caller may vote.
fn vote_on_another_motion(c: &Call) -> Value {
    json!(MotionVote {
        project_id: c.project.into(),
        motion_id: "m-other".into(),
        voter_id: c.person.into(),
        option: "同意".into(),
    })
}

/// Credit records for a bidder the project does not have: refused (400)
/// once the caller may publish, so nothing is published.
fn credit_records(_: &Call) -> Value {
    json!({ "as_of": "2026-12-03", "bidders": [{ "bidder": "B99" }] })
}

/// A question whose deadline has passed: refused (400) once the caller may ask.
fn past_deadline_question(c: &Call) -> Value {
    json!(ClarificationQuestion {
        project_id: c.project.into(),
        clarification_id: uuid::Uuid::now_v7().to_string(),
        bidder_id: "B01".into(),
        asked_by: c.person.into(),
        text: "授权检查的澄清问题".into(),
        deadline: time::OffsetDateTime::now_utc() - time::Duration::hours(1),
        motion_id: None,
    })
}

/// An answer signed by a person of the platform, not a bidder: refused
/// (403 not_bidder) whoever sends it, with or without a session.
fn answer_by_a_person(c: &Call) -> Value {
    json!(ClarificationAnswer {
        project_id: c.project.into(),
        clarification_id: "c-none".into(),
        bidder_id: "B01".into(),
        text: "授权检查的答复".into(),
    })
}

/// Refused as an empty batch (400) once the caller may log.
fn empty_batch(_: &Call) -> Value {
    json!({ "entries": [] })
}

/// The methods and paths of the OpenAPI document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = serde_json::to_value(pingshen_platform::openapi::document()).unwrap();
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if matches!(
                method.as_str(),
                "get" | "put" | "post" | "delete" | "patch" | "head" | "options" | "trace"
            ) {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_documented_route_has_a_row() {
    let documented = documented();
    let rows: BTreeSet<(String, String)> = table()
        .iter()
        // A row may carry the query a route needs; the document names the path.
        .map(|r| {
            (
                r.method.to_string(),
                r.path.split('?').next().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let missing: Vec<_> = documented.difference(&rows).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorisation table: {missing:?}"
    );
    let stale: Vec<_> = rows.difference(&documented).collect();
    assert!(stale.is_empty(), "rows for undocumented routes: {stale:?}");
    assert_eq!(rows.len(), table().len(), "a route has two rows");
    for r in table() {
        for cells in [r.evaluating, r.archived] {
            assert_eq!(
                cells.split_whitespace().count(),
                WHO.len(),
                "{} {}",
                r.method,
                r.path
            );
        }
    }
}

/// A logged-in demo person.
struct Person {
    signer: Pkcs12Signer,
    client: PlatformClient,
    token: String,
}

use pingshen_testkit::{chain, signer};

async fn session(p: &RunningPlatform, s: &Pkcs12Signer) -> (PlatformClient, Session) {
    PlatformClient::new(&p.url())
        .unwrap()
        .login(&chain(s), |c| sign_challenge(s, c))
        .await
        .unwrap()
}

async fn login(p: &RunningPlatform, id: &str) -> Person {
    let signer = signer(p, id);
    let (client, session) = session(p, &signer).await;
    Person {
        signer,
        client,
        token: session.token,
    }
}

/// A project like the demo one (same bidders, K, rules and documents)
/// with only `people` assigned, in evaluation.
async fn open_project(p: &RunningPlatform, staff: &Person, id: &str, people: &[&str]) {
    let demo = DemoFile::read(&default_assets_dir()).unwrap();
    let new = NewProject {
        id: id.into(),
        k: demo.project.k,
        ..demo.new_project()
    };
    staff.client.create_project(&new).await.unwrap();
    for person in people {
        staff.client.assign(id, person).await.unwrap();
    }
    let rules_toml = std::fs::read_to_string(
        default_assets_dir()
            .join("rules")
            .join(&demo.project.rules_template),
    )
    .unwrap();
    let doc = RulesDocument {
        project_id: id.into(),
        rules_toml,
        based_on_version: None,
    };
    let env = sign_document(&staff.signer, RULES_TYP, &doc).unwrap();
    staff.client.publish_rules(id, env).await.unwrap();
    staff
        .client
        .change_stage(id, Stage::Evaluating)
        .await
        .unwrap();
    // Documents are registered by the demo loader, not through the API:
    // the same (content-addressed) files as the demo project's.
    let project = id.to_string();
    p.state
        .db
        .with(move |c| {
            let files = pingshen_platform::db::documents::list(c, "JA-2026-0117")?;
            for (i, f) in files.iter().enumerate() {
                pingshen_platform::db::documents::upsert(c, &project, f, i as i64)?;
            }
            Ok(())
        })
        .unwrap();
}

/// The main panel: E001 (elected leader) and E002 declared and submitted,
/// E003 recused, W001 witnesses.
async fn seat_panel(people: &BTreeMap<&str, Person>, project: &str) {
    for (id, decision, reason) in [
        ("E001", DeclarationDecision::NoConflict, None),
        ("E002", DeclarationDecision::NoConflict, None),
        (
            "E003",
            DeclarationDecision::Recuse,
            Some("与投标人存在利害关系"),
        ),
    ] {
        let e = &people[id];
        let d = Declaration {
            project_id: project.into(),
            expert_id: id.into(),
            statement: DECLARATION_TEXT.into(),
            decision,
            reason: reason.map(str::to_string),
        };
        e.client
            .declare(
                project,
                sign_document(&e.signer, DECLARATION_TYP, &d).unwrap(),
            )
            .await
            .unwrap();
    }
    let pingshen_testkit::ProjectRules {
        published,
        rules,
        bidders,
    } = pingshen_testkit::project_rules(&people["E001"].client, project).await;
    for id in ["E001", "E002"] {
        let e = &people[id];
        let v = LeaderVote {
            project_id: project.into(),
            voter_id: id.into(),
            candidate_id: "E001".into(),
        };
        e.client
            .vote_leader(
                project,
                sign_document(&e.signer, LEADER_VOTE_TYP, &v).unwrap(),
            )
            .await
            .unwrap();
        let cells = pingshen_platform::demo_run::full_marks(&rules, &bidders);
        let sheet = ScoreSheet {
            submission_id: uuid::Uuid::now_v7().to_string(),
            project_id: project.into(),
            expert_id: id.into(),
            version: 1,
            rules_version: published.version,
            rules_sha256: published.sha256.clone(),
            sheet: build_sheet(&rules, id, &bidders, &cells),
        };
        e.client
            .submit_sheet(
                project,
                sign_document(&e.signer, SCORE_SHEET_TYP, &sheet).unwrap(),
            )
            .await
            .unwrap();
    }
}

async fn archive(staff: &Person, project: &str) {
    for stage in [Stage::Summary, Stage::Closed, Stage::Archived] {
        staff.client.change_stage(project, stage).await.unwrap();
    }
}

/// Whether `status` is what `cell` expects.
fn meets(cell: &str, status: u16) -> bool {
    match cell {
        "ok" => !matches!(status, 401 | 403 | 404 | 405 | 410) && status < 500,
        exact => exact.parse::<u16>().unwrap() == status,
    }
}

#[tokio::test]
async fn every_route_answers_each_situation_as_the_table_says() {
    let platform = super::demo().await;
    let mut people = BTreeMap::new();
    for who in WHO {
        if let Some(id) = who.person() {
            people.insert(id, login(&platform, id).await);
        }
    }
    let staff = &people["S001"];
    for stage in STAGES {
        let main = project(Who::Leader, stage);
        open_project(&platform, staff, main, &["E001", "E002", "E003", "W001"]).await;
        seat_panel(&people, main).await;
        open_project(&platform, staff, project(Who::Undeclared, stage), &["E004"]).await;
    }
    for who in [Who::Leader, Who::Undeclared] {
        archive(staff, project(who, Stage::Archived)).await;
    }
    let file_id = platform
        .state
        .db
        .with(|c| pingshen_platform::db::documents::list(c, "JA-2026-0117"))
        .unwrap()[0]
        .file_id
        .clone();

    let http = reqwest::Client::new();
    let mut wrong = Vec::new();
    let mut calls = 0;
    for r in table() {
        for stage in STAGES {
            let cells = match stage {
                Stage::Archived => r.archived,
                _ => r.evaluating,
            };
            for (who, cell) in WHO.into_iter().zip(cells.split_whitespace()) {
                let project = project(who, stage);
                // The anonymous caller's documents are signed by someone:
                // they are refused before anyone looks.
                let person = who.person().unwrap_or("E001");
                let me = &people[person];
                let call = Call {
                    person,
                    project,
                    stage,
                };
                let path = r
                    .path
                    .replace("{id}", project)
                    .replace("{file_id}", &file_id)
                    .replace("{version}", "1")
                    .replace("{expert}", "E001")
                    .replace("{motion_id}", "m-none")
                    .replace("{clarification_id}", "c-none")
                    .replace("{file}", "Pingshen-9.9.9-x86_64.AppImage");
                assert!(!path.contains('{'), "unknown parameter in {}", r.path);
                let url = format!("{}{path}", platform.url());
                let method = reqwest::Method::from_bytes(r.method.as_bytes()).unwrap();
                let mut req = http.request(method, &url);
                let mut token = Some(me.token.clone());
                match &r.req {
                    Req::Plain => {}
                    Req::Json(body) => req = req.json(&body(&call)),
                    Req::Signed(typ, doc) => {
                        let envelope = sign_document(&me.signer, typ, &doc(&call)).unwrap();
                        req = req.json(&json!({ "envelope": envelope }));
                    }
                    Req::Challenge => {
                        let chain: Vec<String> = chain(&me.signer)
                            .iter()
                            .map(|d| {
                                use base64::Engine;
                                base64::engine::general_purpose::STANDARD.encode(d)
                            })
                            .collect();
                        req = req.json(&json!({ "chain": chain }));
                    }
                    Req::Session => {
                        let anonymous = PlatformClient::new(&platform.url()).unwrap();
                        let challenge = anonymous
                            .request_challenge(&chain(&me.signer))
                            .await
                            .unwrap();
                        let envelope = sign_challenge(&me.signer, &challenge).unwrap();
                        req = req.json(&json!({ "envelope": envelope }));
                    }
                    Req::FreshToken => token = Some(session(&platform, &me.signer).await.1.token),
                }
                if who != Who::Anonymous {
                    if let Some(t) = token {
                        req = req.bearer_auth(t);
                    }
                }
                let resp = req.send().await.unwrap();
                calls += 1;
                let status = resp.status().as_u16();
                let is_json = resp
                    .headers()
                    .get(reqwest::header::CONTENT_TYPE)
                    .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
                let bytes = resp.bytes().await.unwrap();
                let situation = format!("{} {} as {who:?} ({stage:?})", r.method, r.path);
                if !meets(cell, status) {
                    wrong.push(format!(
                        "{situation}: expected {cell}, got {status} {}",
                        String::from_utf8_lossy(&bytes[..bytes.len().min(200)])
                    ));
                }
                // Every refusal is in the API's error shape.
                if status >= 400
                    && !(is_json && serde_json::from_slice::<ErrorBody>(&bytes).is_ok())
                {
                    wrong.push(format!("{situation}: {status} without the error body"));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {calls} calls answered otherwise than the table says:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    platform.stop().await;
}
