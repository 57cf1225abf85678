use super::*;
use crate::hash::entry_hash;
use crate::testing::*;

fn ctx() -> LogContext<'static> {
    LogContext {
        project_id: PROJECT,
        witness_id: WITNESS,
    }
}

fn check(list: &[SignedEnvelope]) -> Result<IntactLog, Fault> {
    verify_chain(list, &ctx(), &fake_verify)
}

fn fault(list: &[SignedEnvelope]) -> (String, EntryRef) {
    let f = check(list).unwrap_err();
    assert!(!f.message.is_empty());
    (f.code().to_string(), f.entry.unwrap())
}

fn named(seq: Option<u64>, id_of: Option<u64>, position: Option<usize>) -> EntryRef {
    EntryRef {
        seq,
        entry_id: id_of.map(id),
        position,
    }
}

#[test]
fn an_intact_chain_passes_and_reports_its_head() {
    let log = chain(5);
    let ok = check(&log).unwrap();
    assert_eq!(ok.entries, 5);
    assert_eq!(ok.head_hash, entry_hash(&log[4]).unwrap());
    assert_eq!(check(&[]).unwrap().head_hash, crate::GENESIS_HASH);
}

#[test]
fn a_removed_entry_is_named_by_its_seq() {
    let mut log = chain(5);
    log.remove(2);
    assert_eq!(fault(&log), ("removed".into(), named(Some(3), None, None)));
}

#[test]
fn swapped_entries_are_reordered() {
    let mut log = chain(5);
    log.swap(1, 2);
    assert_eq!(
        fault(&log),
        ("reordered".into(), named(Some(3), Some(3), Some(2)))
    );
}

#[test]
fn an_entry_forged_with_the_witness_key_before_the_original_is_inserted() {
    let mut log = chain(5);
    let forged = resign(&log[2], |e| {
        e.entry_id = id(99);
        e.text = "事后补记".into();
    });
    log.insert(2, forged);
    assert_eq!(
        fault(&log),
        ("inserted".into(), named(Some(3), Some(99), Some(3)))
    );
}

#[test]
fn a_duplicated_entry_is_inserted() {
    let mut log = chain(4);
    log.insert(2, log[1].clone());
    assert_eq!(
        fault(&log),
        ("inserted".into(), named(Some(2), Some(2), Some(3)))
    );
}

#[test]
fn an_unsigned_copy_next_to_its_original_is_inserted() {
    let mut log = chain(4);
    log.insert(1, edit_without_signing(&log[1], "伪造"));
    assert_eq!(
        fault(&log),
        ("inserted".into(), named(Some(2), Some(2), Some(2)))
    );
}

#[test]
fn an_edit_without_the_key_is_altered() {
    let mut log = chain(5);
    log[2] = edit_without_signing(&log[2], "已改写");
    assert_eq!(
        fault(&log),
        ("altered".into(), named(Some(3), Some(3), Some(3)))
    );
}

#[test]
fn an_entry_re_signed_by_the_witness_breaks_the_next_link() {
    let mut log = chain(5);
    log[2] = resign(&log[2], |e| e.text = "悄悄改写".into());
    assert_eq!(
        fault(&log),
        ("altered".into(), named(Some(3), Some(3), Some(3)))
    );
}

#[test]
fn foreign_signers_and_trust_problems_are_reported() {
    let mut log = chain(3);
    let e = crate::decode_unverified(&log[1]).unwrap();
    log[1] = fake_sign("E001", &e);
    assert_eq!(fault(&log).0, "wrong_signer");
    log[1] = fake_sign("REVOKED-W001", &e);
    assert_eq!(fault(&log).0, "revoked");
}

#[test]
fn corrections_must_name_an_earlier_entry() {
    let mut log = chain(2);
    let prev = entry_hash(&log[1]).unwrap();
    let mut e = entry(3, &prev);
    e.entry_id = id(3);
    e.corrects = Some(id(1));
    log.push(fake_sign(WITNESS, &e));
    assert_eq!(check(&log).unwrap().entries, 3);
    log[2] = resign(&log[2], |e| e.corrects = Some(id(7)));
    assert_eq!(fault(&log).0, "bad_correction");
}

#[test]
fn another_projects_entry_is_not_part_of_the_log() {
    let log = chain(1);
    let other = LogContext {
        project_id: "OTHER",
        witness_id: WITNESS,
    };
    let f = verify_chain(&log, &other, &fake_verify).unwrap_err();
    assert_eq!(f.code(), "bad_entry");
}
