use super::*;
use crate::testing::*;
use pingshen_api::WitnessExport;

fn fault(export: &WitnessExport) -> (String, Option<EntryRef>) {
    let f = verify_export(export, &fake_verify).unwrap_err();
    assert!(!f.message.is_empty());
    (f.code().to_string(), f.entry)
}

fn named(seq: u64, id_of: u64, position: Option<usize>) -> Option<EntryRef> {
    Some(EntryRef {
        seq: Some(seq),
        entry_id: Some(id(id_of)),
        position,
    })
}

#[test]
fn an_intact_export_passes() {
    let log = chain(5);
    let ok = verify_export(&export_of(&log), &fake_verify).unwrap();
    assert_eq!((ok.entries, ok.witness_id.as_str()), (5, WITNESS));
    assert_eq!(ok.head_hash, crate::entry_hash(&log[4]).unwrap());
    assert!(verify_export(&export_of(&[]), &fake_verify).is_ok());
    let v = Verdict::of(&verify_export(&export_of(&log), &fake_verify));
    assert!(v.ok && v.code == "intact" && v.entry.is_none());
}

#[test]
fn removed_entries_are_named_with_seq_and_id() {
    let mut x = export_of(&chain(5));
    x.entries.remove(2);
    assert_eq!(fault(&x), ("removed".into(), named(3, 3, None)));
    // Removing its receipt as well changes nothing.
    x.receipts.remove(2);
    assert_eq!(fault(&x), ("removed".into(), named(3, 3, None)));

    let mut x = export_of(&chain(5));
    x.entries.pop();
    x.receipts.pop();
    assert_eq!(fault(&x), ("removed".into(), named(5, 5, None)));
}

#[test]
fn a_stale_attestation_does_not_hide_removed_last_entries() {
    let log = chain(5);
    let mut x = export_of(&log[..4]);
    x.receipts = export_of(&log).receipts;
    assert_eq!(
        fault(&x),
        (
            "removed".into(),
            Some(EntryRef {
                seq: None,
                entry_id: Some(id(5)),
                position: None
            })
        )
    );
}

#[test]
fn reordered_entries_name_the_first_out_of_place() {
    let mut x = export_of(&chain(5));
    x.entries.swap(1, 2);
    assert_eq!(fault(&x), ("reordered".into(), named(3, 3, Some(2))));
    let mut x = export_of(&chain(5));
    let last = x.entries.remove(4);
    x.entries.insert(0, last);
    assert_eq!(fault(&x), ("reordered".into(), named(5, 5, Some(1))));
}

#[test]
fn inserted_entries_are_named() {
    // Forged with the witness's key and re-chained: every later entry had
    // to be re-signed, and the first foreign one is named.
    let log = chain(4);
    let mut forged = log[..2].to_vec();
    let mut prev = crate::entry_hash(&log[1]).unwrap();
    let extra = {
        let mut e = entry(3, &prev);
        e.entry_id = id(77);
        e.text = "补记的记录".into();
        fake_sign(WITNESS, &e)
    };
    prev = crate::entry_hash(&extra).unwrap();
    forged.push(extra);
    for env in &log[2..] {
        let re = resign(env, |e| {
            e.seq += 1;
            e.prev_hash = prev.clone();
        });
        prev = crate::entry_hash(&re).unwrap();
        forged.push(re);
    }
    let mut x = export_of(&log);
    x.entries = forged;
    assert_eq!(fault(&x), ("inserted".into(), named(3, 77, Some(3))));

    // A second copy of an original.
    let mut x = export_of(&log);
    x.entries.insert(3, log[1].clone());
    assert_eq!(fault(&x), ("inserted".into(), named(2, 2, Some(4))));

    // Appended after the last attested entry.
    let mut x = export_of(&log);
    let next = entry(5, &crate::entry_hash(&log[3]).unwrap());
    x.entries.push(fake_sign(WITNESS, &next));
    assert_eq!(fault(&x), ("inserted".into(), named(5, 5, Some(5))));
}

#[test]
fn altered_entries_are_named_whoever_altered_them() {
    let log = chain(5);
    let mut x = export_of(&log);
    x.entries[2] = edit_without_signing(&log[2], "改写");
    assert_eq!(fault(&x), ("altered".into(), named(3, 3, Some(3))));
    x.entries[2] = resign(&log[2], |e| e.text = "见证人自己改写".into());
    assert_eq!(fault(&x), ("altered".into(), named(3, 3, Some(3))));
    // Replaced by something unreadable.
    x.entries[2].payload = "bm90LWpzb24".into();
    assert_eq!(fault(&x), ("altered".into(), named(3, 3, Some(3))));
}

#[test]
fn receipts_and_attestation_are_checked() {
    let log = chain(3);
    let mut x = export_of(&log);
    x.receipts.remove(1);
    assert_eq!(fault(&x), ("missing_receipt".into(), named(2, 2, Some(2))));

    let mut x = export_of(&log);
    x.receipts[0].payload = x.receipts[1].payload.clone();
    assert_eq!(fault(&x).0, "bad_receipt");

    let mut x = export_of(&log);
    x.receipts[1] = receipt(&resign(&log[1], |e| e.text = "另一版本".into()));
    assert_eq!(fault(&x), ("bad_receipt".into(), named(2, 2, Some(2))));

    let mut x = export_of(&log);
    x.attestation = export_of(&log[..1]).attestation;
    x.attestation.payload = export_of(&log[..2]).attestation.payload;
    assert_eq!(fault(&x).0, "bad_attestation");

    // An attestation signed by the witness instead of the platform.
    let mut x = export_of(&log);
    let payload = serde_json::from_slice::<serde_json::Value>(
        &base64::Engine::decode(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD,
            &x.attestation.payload,
        )
        .unwrap(),
    )
    .unwrap();
    x.attestation = fake_sign_value(WITNESS, pingshen_api::WITNESS_LOG_TYP, &payload);
    assert_eq!(fault(&x).0, "bad_attestation");

    let mut x = export_of(&log);
    x.format = "something-else".into();
    assert_eq!(fault(&x).0, "bad_export");
}

#[test]
fn a_trust_problem_of_an_original_is_passed_through() {
    let mut log = chain(2);
    let e = crate::decode_unverified(&log[1]).unwrap();
    log[1] = fake_sign("REVOKED-W001", &e);
    assert_eq!(
        fault(&export_of(&log)),
        ("revoked".into(), named(2, 2, Some(2)))
    );
}
