//! The tamper matrix: a real package from a complete evaluation on the
//! sandbox platform (five experts, RSA / P-256 / SM2 on two CAs, a witness),
//! then every member of it — and of the witness-log exports inside it —
//! deleted, duplicated, reordered, substituted from another project's
//! package, and every signed payload changed by one byte. Each case must be
//! refused, with a problem that names what changed. The cases are generated
//! by walking the package, not listed by hand.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use pingshen_audit::{verify_package, Verdict};
use pingshen_pki::{PlatformPins, TrustStore};
use pingshen_platform::{demo, demo_run, RunningPlatform};
use serde_json::Value;

const OTHER_PROJECT: &str = "JA-2026-0118";

struct Fixture {
    a: Value,
    b: Value,
    trust_dir: std::path::PathBuf,
    pins: PlatformPins,
}

/// The two packages, made once for the tests of this file.
fn fixture() -> &'static Fixture {
    static F: std::sync::OnceLock<Fixture> = std::sync::OnceLock::new();
    F.get_or_init(make_fixture)
}

fn make_fixture() -> Fixture {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let assets = demo::default_assets_dir();
    let (a, b, pki) = rt.block_on(async {
        let platform = RunningPlatform::start_demo(dir.path()).await.unwrap();
        let url = platform.url();
        let pki = platform.state.pki.dir.clone();
        let project = demo::DemoFile::read(&assets).unwrap().project.id;
        demo_run::copy_demo_project(&url, &pki, &assets, OTHER_PROJECT)
            .await
            .unwrap();
        let a = demo_run::evaluate(&url, &pki, &assets, &project)
            .await
            .unwrap();
        let b = demo_run::evaluate(&url, &pki, &assets, OTHER_PROJECT)
            .await
            .unwrap();
        platform.stop().await;
        (a, b, pki)
    });
    let mut pins = PlatformPins::none();
    pins.add_arg(pki.join("platform/platform.pem").to_str().unwrap())
        .unwrap();
    Fixture {
        a: serde_json::to_value(&a).unwrap(),
        b: serde_json::to_value(&b).unwrap(),
        trust_dir: pki.join("trust"),
        pins,
    }
}

fn verify(f: &Fixture, v: &Value) -> Verdict {
    let trust = TrustStore::from_dir(&f.trust_dir).unwrap();
    verify_package(&serde_json::to_vec(v).unwrap(), trust, &f.pins)
}

/// One generated case: what was done, the package after it, and the words
/// of which a problem must name one (the member, the person, or a code).
struct Case {
    label: String,
    package: Value,
    names: Vec<String>,
}

fn get<'v>(root: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(root, |v, s| match s {
        Step::Key(k) => v.get(k),
        Step::Index(i) => v.get(i),
    })
}

fn get_mut<'v>(root: &'v mut Value, path: &[Step]) -> &'v mut Value {
    path.iter().fold(root, |v, s| match s {
        Step::Key(k) => v.get_mut(k).unwrap(),
        Step::Index(i) => v.get_mut(*i).unwrap(),
    })
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn show(path: &[Step]) -> String {
    let mut s = String::new();
    for step in path {
        match step {
            Step::Key(k) if s.is_empty() => s.push_str(k),
            Step::Key(k) => s.push_str(&format!(".{k}")),
            Step::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

fn is_envelope(v: &Value) -> bool {
    v.get("protected").is_some() && v.get("payload").is_some() && v.get("signature").is_some()
}

/// Person ids a part of the package concerns: read from the documents'
/// payloads (decoded) and plain fields.
fn persons(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if is_envelope(v) {
                if let Some(p) = v["payload"]
                    .as_str()
                    .and_then(|p| B64URL.decode(p).ok())
                    .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
                {
                    persons(&p, out);
                }
            }
            for (k, x) in m {
                let person_key = [
                    "expert_id",
                    "voter_id",
                    "witness_id",
                    "submitted_by",
                    "expert",
                ];
                if person_key.contains(&k.as_str()) {
                    if let Some(s) = x.as_str() {
                        out.push(s.to_string());
                    }
                }
                persons(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| persons(x, out)),
        _ => {}
    }
}

/// What a problem about `path` may be named by: the package member it sits
/// in, the persons it concerns, and the codes a change there may surface as.
fn names_for(root: &Value, path: &[Step]) -> Vec<String> {
    let top = match path.first() {
        Some(Step::Key(k)) => k.clone(),
        _ => "package".into(),
    };
    let mut names = vec![top.clone(), "bad_package".to_string()];
    // A CRL concerns the documents its CA's certificates signed.
    if top == "crls" {
        names.push("revocation_unknown".into());
        names.push("crl_bad_signature".into());
    }
    // The report and its hash are named through the signatures over it.
    if top.starts_with("report_") {
        names.push("report".into());
    }
    // The panel record's export time, the opening record's prices.
    if top == "exported_at" {
        names.push("panel_record".into());
    }
    if top == "project_id" {
        names.push("foreign_project".into());
    }
    if let Some(v) = get(root, &path[..path.len().min(2)]) {
        persons(v, &mut names);
    }
    names
}

/// Changes one character of a string (never to the same one).
fn one_char_changed(s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    if chars.is_empty() {
        return "x".into();
    }
    let i = chars.len() / 2;
    chars[i] = match chars[i] {
        '0'..='8' => ((chars[i] as u8) + 1) as char,
        '9' => '0',
        'a'..='y' | 'A'..='Y' => ((chars[i] as u8) + 1) as char,
        'z' => 'a',
        'Z' => 'A',
        '"' => '\'',
        _ => 'x',
    };
    chars.into_iter().collect()
}

/// A payload with one byte changed: decoded, one character altered inside
/// the JSON text, re-encoded, so the result is still well-formed base64url.
fn payload_changed(b64: &str) -> String {
    let mut bytes = B64URL.decode(b64).unwrap();
    // Change a byte of a value, not of the JSON syntax: the middle digit or
    // letter nearest to the centre.
    let mid = bytes.len() / 2;
    let i = (mid..bytes.len())
        .chain((0..mid).rev())
        .find(|&i| bytes[i].is_ascii_alphanumeric())
        .unwrap();
    bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
    B64URL.encode(bytes)
}

fn cases(a: &Value, b: &Value) -> Vec<Case> {
    let mut out = Vec::new();
    let mut path = Vec::new();
    walk(a, b, a, &mut path, &mut out);
    // Whole members swapped for the other project's.
    for key in a.as_object().unwrap().keys() {
        if key == "format" || a[key] == b[key] {
            continue;
        }
        let mut p = a.clone();
        p[key] = b[key].clone();
        out.push(Case {
            label: format!("substitute {key} from {OTHER_PROJECT}"),
            package: p,
            names: names_for(a, &[Step::Key(key.clone())]),
        });
    }
    out
}

/// How deep the platform's unsigned, recomputed `result` is walked: every
/// field of it is compared whole with the recomputation, so its first
/// levels show that; the thousands of leaves below would repeat it.
const RESULT_DEPTH: usize = 4;

fn walk(root: &Value, other: &Value, v: &Value, path: &mut Vec<Step>, out: &mut Vec<Case>) {
    if matches!(path.first(), Some(Step::Key(k)) if k == "result") && path.len() > RESULT_DEPTH {
        return;
    }
    let here = show(path);
    let push = |out: &mut Vec<Case>, label: String, package: Value, at: &[Step]| {
        out.push(Case {
            label,
            package,
            names: names_for(root, at),
        });
    };
    match v {
        Value::Array(items) => {
            for i in 0..items.len() {
                let mut p = root.clone();
                get_mut(&mut p, path).as_array_mut().unwrap().remove(i);
                let mut at = path.clone();
                at.push(Step::Index(i));
                push(out, format!("delete {here}[{i}]"), p, &at);

                let mut p = root.clone();
                get_mut(&mut p, path)
                    .as_array_mut()
                    .unwrap()
                    .insert(i, items[i].clone());
                push(out, format!("duplicate {here}[{i}]"), p, &at);

                if i + 1 < items.len() && items[i] != items[i + 1] {
                    let mut p = root.clone();
                    get_mut(&mut p, path).as_array_mut().unwrap().swap(i, i + 1);
                    push(out, format!("swap {here}[{i}] and [{}]", i + 1), p, &at);
                }
                if let Some(theirs) = get(other, &at) {
                    if theirs != &items[i] {
                        let mut p = root.clone();
                        *get_mut(&mut p, &at) = theirs.clone();
                        push(
                            out,
                            format!("substitute {here}[{i}] from {OTHER_PROJECT}"),
                            p,
                            &at,
                        );
                    }
                }
            }
            for (i, x) in items.iter().enumerate() {
                path.push(Step::Index(i));
                walk(root, other, x, path, out);
                path.pop();
            }
        }
        Value::Object(m) if is_envelope(v) => {
            for part in ["payload", "protected"] {
                let mut p = root.clone();
                let env = get_mut(&mut p, path);
                env[part] = Value::String(payload_changed(env[part].as_str().unwrap()));
                push(out, format!("one byte of {here}.{part}"), p, path);
            }
            let _ = m;
        }
        Value::Object(m) => {
            for (k, x) in m {
                path.push(Step::Key(k.clone()));
                // Deleting a field that holds its default changes nothing.
                let default = matches!(x, Value::Null | Value::Bool(false))
                    || x.as_array().is_some_and(|a| a.is_empty())
                    || x.as_object().is_some_and(|o| o.is_empty());
                if !default {
                    let mut p = root.clone();
                    get_mut(&mut p, &path[..path.len() - 1])
                        .as_object_mut()
                        .unwrap()
                        .remove(k);
                    push(out, format!("delete {}", show(path)), p, path);
                }
                walk(root, other, x, path, out);
                path.pop();
            }
        }
        Value::String(s) if !here.ends_with("format") => {
            let mut p = root.clone();
            *get_mut(&mut p, path) = Value::String(one_char_changed(s));
            push(out, format!("one character of {here}"), p, path);
        }
        Value::Number(n) => {
            let mut p = root.clone();
            *get_mut(&mut p, path) = Value::from(n.as_u64().unwrap_or(0) + 1);
            push(out, format!("number {here} + 1"), p, path);
        }
        _ => {}
    }
}

/// The cases that were accepted, or refused without naming what changed.
fn refusals_named(f: &Fixture, cases: &[Case]) -> Vec<String> {
    cases
        .iter()
        .filter_map(|c| {
            let v = verify(f, &c.package);
            if v.ok {
                return Some(format!("{}: accepted", c.label));
            }
            if !c.names.iter().any(|n| v.mentions(n)) {
                return Some(format!(
                    "{}: refused ({}), but no problem names any of {:?}: {:?}",
                    c.label, v.code, c.names, v.problems
                ));
            }
            None
        })
        .collect()
}

#[test]
fn every_tampering_of_a_package_is_refused_and_named() {
    let f = fixture();
    for (name, v) in [("A", &f.a), ("B", &f.b)] {
        let verdict = verify(f, v);
        assert!(verdict.ok, "package {name}: {:#?}", verdict.problems);
        assert_eq!(verdict.code, "intact");
        assert_eq!(verdict.checked.sheets, 5);
        assert_eq!(verdict.checked.report_signatures, 5);
        assert_eq!(verdict.checked.witness_entries, 3);
        // Two clarifications asked and answered: the leader's to B03 and the
        // abnormal-price review the platform opened for B04.
        assert_eq!(verdict.checked.clarifications, 2);
        assert_eq!(verdict.checked.clarification_answers, 2);
        // The review decided by vote, and a disputed point, each voted by
        // all five.
        assert_eq!(verdict.checked.motions, 2);
        assert_eq!(verdict.checked.motion_votes, 10);
    }
    // A change that does not change the package as read (a default field
    // deleted, a time written another way) is not tampering.
    let cases: Vec<Case> = cases(&f.a, &f.b)
        .into_iter()
        .filter(|c| {
            serde_json::from_value::<pingshen_api::EvaluationPackage>(c.package.clone())
                .map(|p| serde_json::to_value(p).unwrap() != f.a)
                .unwrap_or(true)
        })
        .collect();
    assert!(cases.len() > 300, "only {} cases generated", cases.len());
    let started = std::time::Instant::now();
    let (left, right) = cases.split_at(cases.len() / 2);
    let failures: Vec<String> = std::thread::scope(|s| {
        let l = s.spawn(|| refusals_named(f, left));
        let r = s.spawn(|| refusals_named(f, right));
        let mut all = l.join().unwrap();
        all.extend(r.join().unwrap());
        all
    });
    assert!(
        failures.is_empty(),
        "{} of {} cases wrong:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    eprintln!(
        "tamper matrix: {} cases, each refused and named ({:.1} s)",
        cases.len(),
        started.elapsed().as_secs_f64()
    );
}

/// The package alone, without the platform's pinned certificate, proves
/// nothing: the verifier refuses to start.
#[test]
fn a_package_is_not_verified_without_the_pinned_platform_certificate() {
    let f = fixture();
    let trust = TrustStore::from_dir(&f.trust_dir).unwrap();
    let v = verify_package(
        &serde_json::to_vec(&f.a).unwrap(),
        trust,
        &PlatformPins::none(),
    );
    assert!(!v.ok);
    assert_eq!(v.code, "platform_cert_required");
    // Another platform certificate (here a CA's) is refused by name.
    let other = PlatformPins::one(&"ab".repeat(32)).unwrap();
    let trust = TrustStore::from_dir(&f.trust_dir).unwrap();
    let v = verify_package(&serde_json::to_vec(&f.a).unwrap(), trust, &other);
    assert!(!v.ok);
    assert!(v.mentions("platform_cert_changed"), "{:?}", v.problems);
}
