//! Turning the expert's autosaved draft cells into an `ExpertSheet`: the
//! desktop (autosave, submission) and the UI (live totals) build the sheet
//! with the same code, so what the expert sees is what is signed.
//!
//! Draft cells are the unit of autosave: one row per (kind, bidder, item),
//! each written durably the moment it changes. Pure: no store, no I/O.

use crate::{
    BidderSheet, CriterionVerdict, DeductionHit, DeviationReason, ExpertSheet, FactorKind,
    FactorScore, Rules,
};
use rust_decimal::Decimal;
use std::str::FromStr;

/// 初步评审 cell: value `pass` or `fail`, reason required on fail.
pub const PRELIMINARY: &str = "preliminary";
/// 详细评审 cell: value by factor kind (points, option id, deductions, pass/fail).
pub const FACTOR: &str = "factor";
/// A written reason for a score far from the panel mean (item = factor id).
pub const DEVIATION: &str = "deviation";

/// One cell of an expert's sheet: as stored in the draft, as it crosses
/// the desktop IPC (the grid edits it, autosave stores it) and as the sheet
/// is built from it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Cell {
    pub kind: String,
    pub bidder: String,
    pub item: String,
    pub value: String,
    pub reason: String,
}

/// Deductions are stored as `item*times;item*times`.
pub fn parse_deductions(value: &str) -> Vec<DeductionHit> {
    value
        .split(';')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|part| {
            let (item, times) = part.split_once('*').unwrap_or((part, "1"));
            let times: u32 = times.trim().parse().ok()?;
            (times > 0).then(|| DeductionHit {
                item: item.trim().to_string(),
                times,
            })
        })
        .collect()
}

pub fn format_deductions(hits: &[DeductionHit]) -> String {
    hits.iter()
        .map(|h| format!("{}*{}", h.item, h.times))
        .collect::<Vec<_>>()
        .join(";")
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Builds the sheet for `bidders` (in the project's order) from the cells.
/// Cells that are empty are left out, so the rules' validation reports what
/// is missing; a value that does not parse is kept as an empty entry for the
/// same reason.
pub fn build_sheet(rules: &Rules, expert: &str, bidders: &[String], cells: &[Cell]) -> ExpertSheet {
    let find = |kind: &str, bidder: &str, item: &str| {
        cells
            .iter()
            .find(|c| c.kind == kind && c.bidder == bidder && c.item == item)
    };
    let sheet_bidders = bidders
        .iter()
        .map(|b| {
            let preliminary = rules
                .preliminary
                .iter()
                .filter_map(|c| {
                    let cell = find(PRELIMINARY, b, &c.id)?;
                    let pass = match cell.value.as_str() {
                        "pass" => true,
                        "fail" => false,
                        _ => return None,
                    };
                    Some(CriterionVerdict {
                        criterion: c.id.clone(),
                        pass,
                        reason: non_empty(&cell.reason),
                    })
                })
                .collect();
            let factors = rules
                .factors
                .iter()
                .filter(|f| !f.kind.is_computed())
                .filter_map(|f| {
                    let cell = find(FACTOR, b, &f.id)?;
                    let mut s = FactorScore::new(&f.id);
                    match &f.kind {
                        FactorKind::Range { .. } => {
                            s.points = Decimal::from_str(cell.value.trim()).ok()
                        }
                        FactorKind::Options(_) => s.option = non_empty(&cell.value),
                        FactorKind::Deductions(_) => s.deductions = parse_deductions(&cell.value),
                        FactorKind::PassFail => {
                            s.pass = match cell.value.as_str() {
                                "pass" => Some(true),
                                "fail" => Some(false),
                                _ => None,
                            }
                        }
                        FactorKind::Price | FactorKind::Credit(_) => {}
                    }
                    s.reason = non_empty(&cell.reason);
                    Some(s)
                })
                .collect();
            let deviation_reasons = cells
                .iter()
                .filter(|c| c.kind == DEVIATION && &c.bidder == b && !c.reason.trim().is_empty())
                .map(|c| DeviationReason {
                    factor: c.item.clone(),
                    reason: c.reason.trim().to_string(),
                })
                .collect();
            BidderSheet {
                bidder: b.clone(),
                preliminary,
                factors,
                adjustments: vec![],
                deviation_reasons,
            }
        })
        .collect();
    ExpertSheet {
        expert: expert.to_string(),
        bidders: sheet_bidders,
    }
}

/// The cells that reproduce a submitted sheet (to continue from it after a
/// reopening, or on another machine).
pub fn cells_of(rules: &Rules, sheet: &ExpertSheet) -> Vec<Cell> {
    let mut out = Vec::new();
    for b in &sheet.bidders {
        for v in &b.preliminary {
            out.push(Cell {
                kind: PRELIMINARY.into(),
                bidder: b.bidder.clone(),
                item: v.criterion.clone(),
                value: if v.pass { "pass" } else { "fail" }.into(),
                reason: v.reason.clone().unwrap_or_default(),
            });
        }
        for f in &b.factors {
            let kind = rules
                .factors
                .iter()
                .find(|x| x.id == f.factor)
                .map(|x| &x.kind);
            let value = match kind {
                Some(FactorKind::Options(_)) => f.option.clone().unwrap_or_default(),
                Some(FactorKind::Deductions(_)) => format_deductions(&f.deductions),
                Some(FactorKind::PassFail) => match f.pass {
                    Some(true) => "pass".into(),
                    Some(false) => "fail".into(),
                    None => String::new(),
                },
                _ => f.points.map(|p| p.to_string()).unwrap_or_default(),
            };
            out.push(Cell {
                kind: FACTOR.into(),
                bidder: b.bidder.clone(),
                item: f.factor.clone(),
                value,
                reason: f.reason.clone().unwrap_or_default(),
            });
        }
        for d in &b.deviation_reasons {
            out.push(Cell {
                kind: DEVIATION.into(),
                bidder: b.bidder.clone(),
                item: d.factor.clone(),
                value: String::new(),
                reason: d.reason.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Rules {
        Rules::from_toml(include_str!(
            "../../../../assets/rules/municipal-construction.toml"
        ))
        .unwrap()
    }

    fn cell(kind: &str, bidder: &str, item: &str, value: &str, reason: &str) -> Cell {
        Cell {
            kind: kind.into(),
            bidder: bidder.into(),
            item: item.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn deductions_round_trip() {
        let hits = parse_deductions("missing_section*2; other*1;;bad*x;zero*0");
        assert_eq!(hits.len(), 2);
        assert_eq!(hits[0].times, 2);
        assert_eq!(format_deductions(&hits), "missing_section*2;other*1");
    }

    #[test]
    fn cells_build_a_sheet_and_back() {
        let r = rules();
        let cells = vec![
            cell(PRELIMINARY, "B01", "form.signature", "fail", "投标函未盖章"),
            cell(PRELIMINARY, "B01", "form.format", "pass", ""),
            cell(
                FACTOR,
                "B01",
                "tech.construction_plan",
                "4.5",
                "工艺针对性一般",
            ),
            cell(FACTOR, "B01", "tech.resources", "fair", ""),
            cell(
                FACTOR,
                "B01",
                "tech.completeness",
                "missing_section*1",
                "缺少环保章节",
            ),
            cell(FACTOR, "B01", "tech.quality", "not a number", ""),
            cell(
                DEVIATION,
                "B01",
                "tech.construction_plan",
                "",
                "本人认为方案缺陷明显",
            ),
            cell(FACTOR, "B09", "tech.quality", "3", ""),
        ];
        let sheet = build_sheet(&r, "E001", &["B01".into(), "B02".into()], &cells);
        assert_eq!(sheet.bidders.len(), 2, "only the project's bidders");
        let b = &sheet.bidders[0];
        assert!(!b.preliminary[0].pass || !b.preliminary[1].pass);
        assert_eq!(
            b.factor("tech.construction_plan").unwrap().points,
            Some(Decimal::new(45, 1))
        );
        assert_eq!(
            b.factor("tech.resources").unwrap().option.as_deref(),
            Some("fair")
        );
        assert_eq!(b.factor("tech.completeness").unwrap().deductions.len(), 1);
        assert_eq!(
            b.factor("tech.quality").unwrap().points,
            None,
            "unparsable stays empty"
        );
        assert_eq!(b.deviation_reasons.len(), 1);
        assert!(sheet.bidders[1].factors.is_empty());

        let back = cells_of(&r, &sheet);
        let again = build_sheet(&r, "E001", &["B01".into(), "B02".into()], &back);
        assert_eq!(again, sheet);
    }
}
