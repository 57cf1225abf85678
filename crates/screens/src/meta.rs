//! Metadata screens: the same author, software, creation time window, size,
//! file hash or hardware identifier in two bid files.
//!
//! Points: each of author, creator, producer, creation time, modification
//! time and size that matches scores one, unless the value is common to
//! most bids (everyone used Word 2016) — then it scores nothing. A pair is
//! flagged when it has `weak_points` or more and at least one of the
//! identifying fields (author, a time, size) matches: software alone never
//! raises a flag. Identical files and shared hardware ids are flagged on
//! their own.

use crate::evidence::{Evidence, MetaField, MetadataRow};
use crate::flag::{Flag, FlagKind, Level, Party, Strength};
use crate::input::{BidDocument, DocTime, HardwareId};
use crate::settings::MetaSettings;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};

fn text_key(v: &Option<String>) -> Option<String> {
    let v = v
        .as_deref()?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!v.is_empty()).then(|| v.to_lowercase())
}

fn hardware_key(id: &HardwareId) -> (String, String) {
    let value: String = id
        .value
        .chars()
        .filter(|c| !matches!(c, ':' | '-' | ' ' | '.'))
        .flat_map(char::to_uppercase)
        .collect();
    (id.kind.trim().to_lowercase(), value)
}

/// The comparable key of one field of one bid.
fn key(bid: &BidDocument, field: MetaField) -> Option<String> {
    match field {
        MetaField::Author => text_key(&bid.metadata.author),
        MetaField::Creator => text_key(&bid.metadata.creator),
        MetaField::Producer => text_key(&bid.metadata.producer),
        MetaField::Size => bid.size.map(|s| s.to_string()),
        _ => None,
    }
}

fn shown(bid: &BidDocument, field: MetaField) -> Option<String> {
    match field {
        MetaField::Author => bid.metadata.author.clone(),
        MetaField::Creator => bid.metadata.creator.clone(),
        MetaField::Producer => bid.metadata.producer.clone(),
        MetaField::Created => bid.metadata.created.as_ref().map(|t| t.text.clone()),
        MetaField::Modified => bid.metadata.modified.as_ref().map(|t| t.text.clone()),
        MetaField::Size => bid.size.map(|s| s.to_string()),
        MetaField::Sha256 => bid.sha256.clone(),
        MetaField::HardwareId => None,
    }
}

const VALUE_FIELDS: [MetaField; 4] = [
    MetaField::Author,
    MetaField::Creator,
    MetaField::Producer,
    MetaField::Size,
];

/// Values held by at least the common threshold of bids, per field.
fn common_values(bids: &[BidDocument], s: &MetaSettings) -> BTreeSet<(MetaField, String)> {
    let share = (s.common_share * Decimal::from(bids.len() as u64)).ceil();
    let threshold = share
        .to_usize()
        .unwrap_or(usize::MAX)
        .max(s.common_min_bids);
    let mut counts: BTreeMap<(MetaField, String), usize> = BTreeMap::new();
    for bid in bids {
        for field in VALUE_FIELDS {
            if let Some(k) = key(bid, field) {
                *counts.entry((field, k)).or_default() += 1;
            }
        }
    }
    counts
        .into_iter()
        .filter(|(_, n)| *n >= threshold)
        .map(|(k, _)| k)
        .collect()
}

fn time_row(
    field: MetaField,
    a: &BidDocument,
    b: &BidDocument,
    window: i64,
) -> (MetadataRow, bool) {
    let pick = |bid: &BidDocument| -> Option<DocTime> {
        match field {
            MetaField::Created => bid.metadata.created.clone(),
            _ => bid.metadata.modified.clone(),
        }
    };
    let (ta, tb) = (pick(a), pick(b));
    let gap = match (&ta, &tb) {
        (Some(x), Some(y)) => Some(x.unix_seconds.abs_diff(y.unix_seconds)),
        _ => None,
    };
    let matches = gap.is_some_and(|g| g <= window.unsigned_abs());
    let row = MetadataRow {
        field,
        values: vec![ta.map(|t| t.text), tb.map(|t| t.text)],
        matches,
        note_zh: gap.map(|g| format!("相差{g}秒")),
    };
    (row, matches)
}

/// Rows of the side-by-side table, and (points, identifying points).
fn compare(
    a: &BidDocument,
    b: &BidDocument,
    common: &BTreeSet<(MetaField, String)>,
    s: &MetaSettings,
) -> (Vec<MetadataRow>, u32, u32) {
    let mut rows = Vec::new();
    let (mut points, mut identifying) = (0, 0);
    for field in [MetaField::Author, MetaField::Creator, MetaField::Producer] {
        let (ka, kb) = (key(a, field), key(b, field));
        let same = ka.is_some() && ka == kb;
        let is_common = same && ka.is_some_and(|k| common.contains(&(field, k)));
        if same && !is_common {
            points += 1;
            identifying += u32::from(field == MetaField::Author);
        }
        rows.push(MetadataRow {
            field,
            values: vec![shown(a, field), shown(b, field)],
            matches: same,
            note_zh: is_common.then(|| "多数投标文件均为此值，不计入".to_string()),
        });
    }
    for field in [MetaField::Created, MetaField::Modified] {
        let (row, matched) = time_row(field, a, b, s.time_window_seconds);
        points += u32::from(matched);
        identifying += u32::from(matched);
        rows.push(row);
    }
    let (ka, kb) = (key(a, MetaField::Size), key(b, MetaField::Size));
    let same = ka.is_some() && ka == kb;
    let is_common = same && ka.is_some_and(|k| common.contains(&(MetaField::Size, k)));
    if same && !is_common {
        points += 1;
        identifying += 1;
    }
    rows.push(MetadataRow {
        field: MetaField::Size,
        values: vec![shown(a, MetaField::Size), shown(b, MetaField::Size)],
        matches: same,
        note_zh: is_common.then(|| "多数投标文件均为此大小，不计入".to_string()),
    });
    (rows, points, identifying)
}

fn pair_parties(a: &BidDocument, b: &BidDocument) -> Vec<Party> {
    vec![
        Party::Bidder(a.bidder.clone()),
        Party::Bidder(b.bidder.clone()),
    ]
}

fn match_flag(
    a: &BidDocument,
    b: &BidDocument,
    rows: Vec<MetadataRow>,
    points: u32,
    s: &MetaSettings,
) -> Flag {
    let level = if points >= s.strong_points {
        Level::Strong
    } else if points >= s.moderate_points {
        Level::Moderate
    } else {
        Level::Weak
    };
    let described: Vec<String> = rows
        .iter()
        .filter(|r| r.matches && r.note_zh.as_deref().is_none_or(|n| n.starts_with("相差")))
        .map(|r| match r.field {
            MetaField::Created | MetaField::Modified => {
                format!(
                    "{}{}",
                    r.field.name_zh(),
                    r.note_zh.as_deref().unwrap_or("")
                )
            }
            _ => format!(
                "{}均为“{}”",
                r.field.name_zh(),
                r.values[0].as_deref().unwrap_or("")
            ),
        })
        .collect();
    let key: Vec<String> = rows
        .iter()
        .filter(|r| r.matches)
        .map(|r| format!("{:?}", r.field))
        .collect();
    let (ida, idb) = (&a.bidder, &b.bidder);
    let title = format!("{ida}与{idb}：{points}项文件属性一致");
    let explanation = format!(
        "{ida}与{idb}的投标文件属性一致：{}。同一人在同一台电脑上编制的文件常表现为作者、软件和保存时间一致\
         （《招标投标法实施条例》第四十条：不同投标人的投标文件由同一单位或者个人编制的，视为串通投标）。\
         只有软件一致（如都用同一版本的Word）十分常见，不单独提示。",
        described.join("，")
    );
    Flag::new(
        FlagKind::MetadataMatch,
        pair_parties(a, b),
        Strength::new(level, Decimal::from(points) / Decimal::from(6)),
        Evidence::Metadata { rows },
        &key.join(","),
        title,
        explanation,
    )
}

fn identical_file_flag(a: &BidDocument, b: &BidDocument) -> Flag {
    let rows = [MetaField::Sha256, MetaField::Size]
        .into_iter()
        .map(|field| MetadataRow {
            field,
            values: vec![shown(a, field), shown(b, field)],
            matches: field == MetaField::Sha256 || a.size == b.size,
            note_zh: None,
        })
        .collect();
    let (ida, idb) = (&a.bidder, &b.bidder);
    Flag::new(
        FlagKind::IdenticalFile,
        pair_parties(a, b),
        Strength::new(Level::Strong, Decimal::ONE),
        Evidence::Metadata { rows },
        a.sha256.as_deref().unwrap_or(""),
        format!("{ida}与{idb}：投标文件完全相同"),
        format!(
            "{ida}与{idb}提交的投标文件SHA-256摘要相同，即两份文件逐字节一致。不同投标人提交同一份文件，\
             属于《招标投标法实施条例》第四十条“不同投标人的投标文件相互混装”或由同一人编制的情形，请评标委员会核实。"
        ),
    )
}

fn hardware_flag(a: &BidDocument, b: &BidDocument, shared: Vec<(String, String)>) -> Flag {
    let show = |bid: &BidDocument, k: &(String, String)| {
        bid.hardware_ids
            .iter()
            .find(|h| hardware_key(h) == *k)
            .map(|h| format!("{}: {}", h.kind, h.value))
    };
    let rows = shared
        .iter()
        .map(|k| MetadataRow {
            field: MetaField::HardwareId,
            values: vec![show(a, k), show(b, k)],
            matches: true,
            note_zh: None,
        })
        .collect();
    let key: Vec<String> = shared.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let (ida, idb) = (&a.bidder, &b.bidder);
    Flag::new(
        FlagKind::SharedHardwareId,
        pair_parties(a, b),
        Strength::new(Level::Strong, Decimal::ONE),
        Evidence::Metadata { rows },
        &key.join(","),
        format!("{ida}与{idb}：制作投标文件的硬件标识相同"),
        format!(
            "{ida}与{idb}的投标文件记录了相同的硬件标识（{}），说明两份文件在同一台设备上制作。\
             各地电子招标投标规则普遍将“机器码一致”作为“由同一单位或者个人编制”（《招标投标法实施条例》第四十条）的认定依据，请评标委员会核实。",
            key.join("、")
        ),
    )
}

/// Runs the metadata screens over all pairs of bids, in order of bidder id.
pub fn screen_metadata(bids: &[BidDocument], s: &MetaSettings) -> Vec<Flag> {
    let common = common_values(bids, s);
    let mut bids: Vec<&BidDocument> = bids.iter().collect();
    bids.sort_by(|a, b| a.bidder.cmp(&b.bidder));
    let hardware: Vec<BTreeSet<(String, String)>> = bids
        .iter()
        .map(|b| {
            b.hardware_ids
                .iter()
                .map(hardware_key)
                .filter(|(_, v)| !v.is_empty())
                .collect()
        })
        .collect();
    let mut flags = Vec::new();
    for (i, a) in bids.iter().enumerate() {
        for (j, b) in bids.iter().enumerate().skip(i + 1) {
            let (rows, points, identifying) = compare(a, b, &common, s);
            if points >= s.weak_points && identifying >= 1 {
                flags.push(match_flag(a, b, rows, points, s));
            }
            let same_hash = match (&a.sha256, &b.sha256) {
                (Some(x), Some(y)) => {
                    !x.trim().is_empty() && x.trim().eq_ignore_ascii_case(y.trim())
                }
                _ => false,
            };
            if same_hash {
                flags.push(identical_file_flag(a, b));
            }
            let shared: Vec<(String, String)> =
                hardware[i].intersection(&hardware[j]).cloned().collect();
            if !shared.is_empty() {
                flags.push(hardware_flag(a, b, shared));
            }
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::DocMeta;

    fn bid(id: &str, author: &str, creator: &str, producer: &str, created: i64) -> BidDocument {
        let mut b = BidDocument::new(id, format!("{id}.pdf"), vec![]);
        b.metadata = DocMeta {
            author: Some(author.into()),
            creator: Some(creator.into()),
            producer: Some(producer.into()),
            created: Some(DocTime {
                unix_seconds: created,
                text: format!("t{created}"),
            }),
            modified: None,
        };
        b
    }

    #[test]
    fn same_author_software_and_minute_is_strong() {
        let bids = vec![
            bid("B01", "Administrator", "Word 2016", "Foxit 9.7", 1000),
            bid("B02", "刘建军", "WPS 文字", "WPS PDF", 90_000),
            bid("B03", "administrator ", "Word 2016", "Foxit 9.7", 1043),
        ];
        let flags = screen_metadata(&bids, &MetaSettings::default());
        assert_eq!(flags.len(), 1);
        let f = &flags[0];
        assert_eq!(f.kind, FlagKind::MetadataMatch);
        assert_eq!(f.bidders(), vec!["B01", "B03"]);
        assert_eq!(f.strength.level, Level::Strong);
        let Evidence::Metadata { rows } = &f.evidence else {
            panic!()
        };
        let created = rows.iter().find(|r| r.field == MetaField::Created).unwrap();
        assert!(created.matches);
        assert_eq!(created.note_zh.as_deref(), Some("相差43秒"));
    }

    #[test]
    fn common_software_alone_raises_nothing() {
        let bids: Vec<BidDocument> = (0..6)
            .map(|i| {
                bid(
                    &format!("B0{i}"),
                    &format!("作者{i}"),
                    "Microsoft Word 2016",
                    "Microsoft Word 2016",
                    i * 86_400,
                )
            })
            .collect();
        assert!(screen_metadata(&bids, &MetaSettings::default()).is_empty());
    }

    #[test]
    fn identical_hash_and_shared_mac_are_flagged_on_their_own() {
        let mut a = bid("B01", "甲", "x", "y", 0);
        let mut b = bid("B02", "乙", "u", "v", 99_999);
        a.sha256 = Some("AB12".into());
        b.sha256 = Some("ab12".into());
        a.hardware_ids = vec![HardwareId {
            kind: "mac".into(),
            value: "00-1A-2B-3C-4D-5E".into(),
        }];
        b.hardware_ids = vec![HardwareId {
            kind: "MAC".into(),
            value: "00:1a:2b:3c:4d:5e".into(),
        }];
        let flags = screen_metadata(&[a, b], &MetaSettings::default());
        let kinds: Vec<FlagKind> = flags.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            vec![FlagKind::IdenticalFile, FlagKind::SharedHardwareId]
        );
        assert!(flags.iter().all(|f| f.strength.level == Level::Strong));
    }
}
