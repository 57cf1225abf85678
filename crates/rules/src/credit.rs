//! Credit points (信用分) from the platform's credit records: exact, with
//! the computation told.

use crate::model::CreditRule;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

// Dates as written in records and files: `2026-12-03`.
time::serde::format_description!(iso_date, Date, "[year]-[month]-[day]");

mod iso_date_opt {
    use time::Date;
    pub fn serialize<S: serde::Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        super::iso_date::option::serialize(d, s)
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        super::iso_date::option::deserialize(d)
    }
}

/// The credit records of a project's bidders, as the platform signs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreditRecords {
    /// The evaluation date the records are read at (look-back and validity).
    #[serde(with = "iso_date")]
    pub as_of: Date,
    pub bidders: Vec<BidderCredit>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BidderCredit {
    pub bidder: String,
    /// 信用评价等级, when the bidder has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// Who graded it (e.g. 湖北省住房和城乡建设厅).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade_source: Option<String>,
    #[serde(default)]
    pub records: Vec<AdverseRecord>,
}

/// 不良行为记录: where it comes from, when, until when it is in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdverseRecord {
    pub id: String,
    pub source: String,
    #[serde(with = "iso_date")]
    pub date: Date,
    /// In force until this date (inclusive); open-ended when absent.
    #[serde(
        default,
        with = "iso_date_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub valid_until: Option<Date>,
    pub description: String,
}

/// One bidder's credit points and how they were reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditPoints {
    pub bidder: String,
    pub factor: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    #[serde(with = "crate::dec")]
    pub grade_points: Decimal,
    /// The adverse records counted (ids), oldest first.
    pub counted: Vec<String>,
    #[serde(with = "crate::dec")]
    pub deduction: Decimal,
    #[serde(with = "crate::dec")]
    pub points: Decimal,
    pub prose_zh: String,
}

/// `bidder`'s points for the credit factor `factor` (maximum `max`) under
/// `rule`, from `records` read at `as_of`. A bidder absent from the records
/// has no grade and no adverse record.
pub fn credit_points(
    factor: &str,
    max: Decimal,
    rule: &CreditRule,
    bidder: &str,
    records: &CreditRecords,
) -> CreditPoints {
    let none = BidderCredit {
        bidder: bidder.to_string(),
        grade: None,
        grade_source: None,
        records: Vec::new(),
    };
    let b = records
        .bidders
        .iter()
        .find(|b| b.bidder == bidder)
        .unwrap_or(&none);
    let graded = b
        .grade
        .as_deref()
        .and_then(|g| rule.grades.iter().find(|x| x.grade == g));
    let grade_points = graded.map_or(rule.ungraded_points, |g| g.points);
    let from = records.as_of - time::Duration::days(i64::from(rule.lookback_days));
    let mut counted: Vec<&AdverseRecord> = b
        .records
        .iter()
        .filter(|r| r.date >= from && r.date <= records.as_of)
        .filter(|r| r.valid_until.is_none_or(|u| u >= records.as_of))
        .collect();
    counted.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));
    let raw = rule.per_record * Decimal::from(counted.len());
    let deduction = raw.min(rule.cap);
    let points = (grade_points - deduction).max(Decimal::ZERO).min(max);
    let grade_text = match (&b.grade, graded) {
        (Some(g), Some(_)) => format!("信用等级 {g}，得 {grade_points} 分"),
        (Some(g), None) => format!("信用等级 {g} 不在评分表中，按无等级得 {grade_points} 分"),
        (None, _) => format!("无信用评价等级，得 {grade_points} 分"),
    };
    let records_text = if counted.is_empty() {
        format!("近 {} 日内无有效的不良行为记录", rule.lookback_days)
    } else {
        format!(
            "近 {} 日内有效的不良行为记录 {} 条（{}），每条扣 {} 分，共扣 {} 分{}",
            rule.lookback_days,
            counted.len(),
            counted
                .iter()
                .map(|r| format!("{} {} {}", r.id, r.date, r.source))
                .collect::<Vec<_>>()
                .join("；"),
            rule.per_record,
            deduction,
            if raw > rule.cap {
                format!("（扣分上限 {}）", rule.cap)
            } else {
                String::new()
            }
        )
    };
    CreditPoints {
        bidder: bidder.to_string(),
        factor: factor.to_string(),
        grade: b.grade.clone(),
        grade_points,
        counted: counted.iter().map(|r| r.id.clone()).collect(),
        deduction,
        points,
        prose_zh: format!("{bidder}：{grade_text}；{records_text}；信用分 {points} 分。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::GradePoints;
    use rust_decimal_macros::dec;
    use time::macros::date;

    fn rule() -> CreditRule {
        CreditRule {
            grades: vec![
                GradePoints {
                    grade: "AAA".into(),
                    points: dec!(5),
                },
                GradePoints {
                    grade: "AA".into(),
                    points: dec!(3),
                },
                GradePoints {
                    grade: "A".into(),
                    points: dec!(1),
                },
            ],
            ungraded_points: dec!(0),
            per_record: dec!(1),
            lookback_days: 365,
            cap: dec!(2),
        }
    }

    fn record(id: &str, d: Date, until: Option<Date>) -> AdverseRecord {
        AdverseRecord {
            id: id.into(),
            source: "武汉市住建局".into(),
            date: d,
            valid_until: until,
            description: "施工现场安全管理不到位".into(),
        }
    }

    fn records(grade: Option<&str>, list: Vec<AdverseRecord>) -> CreditRecords {
        CreditRecords {
            as_of: date!(2026 - 12 - 03),
            bidders: vec![BidderCredit {
                bidder: "B01".into(),
                grade: grade.map(str::to_string),
                grade_source: Some("湖北省住房和城乡建设厅".into()),
                records: list,
            }],
        }
    }

    /// Worked examples: (grade, records, points, counted).
    #[test]
    fn grade_less_capped_deductions_within_the_window() {
        let old = date!(2025 - 11 - 01); // 397 days before: outside
        let in_window = date!(2026 - 03 - 10);
        let recent = date!(2026 - 11 - 20);
        for (grade, list, points, counted) in [
            (Some("AAA"), vec![], dec!(5), 0),
            (Some("AA"), vec![record("R1", recent, None)], dec!(2), 1),
            // Outside the look-back window: not counted.
            (Some("AA"), vec![record("R1", old, None)], dec!(3), 0),
            // Expired before the evaluation date: not counted.
            (
                Some("AA"),
                vec![record("R1", in_window, Some(date!(2026 - 06 - 30)))],
                dec!(3),
                0,
            ),
            // In force on the day itself: counted.
            (
                Some("AA"),
                vec![record("R1", in_window, Some(date!(2026 - 12 - 03)))],
                dec!(2),
                1,
            ),
            // Three records, 3 points, capped at 2.
            (
                Some("AAA"),
                vec![
                    record("R1", in_window, None),
                    record("R2", recent, None),
                    record("R3", recent, None),
                ],
                dec!(3),
                3,
            ),
            // Never below zero.
            (
                Some("A"),
                vec![record("R1", recent, None), record("R2", recent, None)],
                dec!(0),
                2,
            ),
            // No grade, or a grade not in the table: the ungraded points.
            (None, vec![], dec!(0), 0),
            (Some("BBB"), vec![], dec!(0), 0),
        ] {
            let r = credit_points(
                "biz.credit",
                dec!(5),
                &rule(),
                "B01",
                &records(grade, list.clone()),
            );
            assert_eq!(
                (r.points, r.counted.len()),
                (points, counted),
                "{grade:?} {list:?}"
            );
        }
    }

    #[test]
    fn a_bidder_without_records_is_ungraded_and_the_computation_is_told() {
        let r = credit_points(
            "biz.credit",
            dec!(5),
            &rule(),
            "B09",
            &records(Some("AAA"), vec![]),
        );
        assert_eq!(r.points, dec!(0));
        assert_eq!(
            r.prose_zh,
            "B09：无信用评价等级，得 0 分；近 365 日内无有效的不良行为记录；信用分 0 分。"
        );
        let capped = credit_points(
            "biz.credit",
            dec!(5),
            &rule(),
            "B01",
            &records(
                Some("AAA"),
                vec![
                    record("R1", date!(2026 - 05 - 01), None),
                    record("R2", date!(2026 - 06 - 01), None),
                    record("R3", date!(2026 - 07 - 01), None),
                ],
            ),
        );
        assert!(
            capped.prose_zh.contains("共扣 2 分（扣分上限 2）"),
            "{}",
            capped.prose_zh
        );
        assert!(
            capped.prose_zh.contains("信用分 3 分"),
            "{}",
            capped.prose_zh
        );
    }
}
