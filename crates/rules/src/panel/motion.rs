//! The outcome of a panel vote (表决): a simple majority of the sitting
//! panel, counted from the signed votes alone.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The two options of an abnormal-price motion (异常低价审查): accept the
/// bidder's written explanation, or reject the bid.
pub const ACCEPT_EXPLANATION: &str = "采纳说明";
pub const REJECT_BID: &str = "否决投标";

/// A bid the panel rejected by vote, with the decision cited; aggregation
/// treats it as failing the preliminary review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PanelRejection {
    pub bidder: String,
    /// The decision as the report and the explanation cite it.
    pub decision_zh: String,
}

/// An abnormal-price motion about `bidder` with its outcome.
pub struct AbnormalPriceDecision<'a> {
    pub bidder: &'a str,
    pub text: &'a str,
    pub outcome: &'a MotionOutcome,
    pub outcome_zh: &'a str,
}

/// The bids rejected by carried abnormal-price motions ([`REJECT_BID`]),
/// by bidder, each once (the first carried motion is cited).
pub fn rejections(decisions: &[AbnormalPriceDecision<'_>]) -> Vec<PanelRejection> {
    let mut out: Vec<PanelRejection> = Vec::new();
    for d in decisions {
        let rejected =
            matches!(d.outcome, MotionOutcome::Carried { option } if option == REJECT_BID);
        if rejected && !out.iter().any(|r| r.bidder == d.bidder) {
            out.push(PanelRejection {
                bidder: d.bidder.to_string(),
                decision_zh: format!(
                    "经评标委员会表决否决投标（异常低价审查：{}；{}）",
                    d.text, d.outcome_zh
                ),
            });
        }
    }
    out.sort_by(|a, b| a.bidder.cmp(&b.bidder));
    out
}

/// Where a motion stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MotionOutcome {
    /// No option has a majority yet and some sitting experts have not voted.
    Open,
    /// `option` has votes from more than half of the sitting panel (it can
    /// be carried before everyone has voted: no later vote can undo it).
    Carried { option: String },
    /// Everyone voted and no option has more than half: the options with
    /// the most votes (two or more when tied).
    NoMajority { leading: Vec<String> },
}

/// Votes per option, every option listed (zero included), in the motion's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub option: String,
    pub votes: usize,
}

/// Counts `votes` (voter, option) for a motion with `options` before a
/// panel of `sitting` experts. Votes from people not sitting, for options
/// not offered, or a second vote by the same voter are not counted (the
/// platform refuses them; a verifier recounting a package must not trust
/// that it did).
pub fn tally(
    options: &[String],
    sitting: &[String],
    votes: &[(String, String)],
) -> (MotionOutcome, Vec<Tally>) {
    let mut counted: BTreeMap<&str, &str> = BTreeMap::new();
    for (voter, option) in votes {
        if sitting.contains(voter) && options.contains(option) {
            counted.entry(voter.as_str()).or_insert(option.as_str());
        }
    }
    let tallies: Vec<Tally> = options
        .iter()
        .map(|o| Tally {
            option: o.clone(),
            votes: counted.values().filter(|v| **v == o.as_str()).count(),
        })
        .collect();
    let outcome = if let Some(t) = tallies.iter().find(|t| t.votes * 2 > sitting.len()) {
        MotionOutcome::Carried {
            option: t.option.clone(),
        }
    } else if counted.len() < sitting.len() {
        MotionOutcome::Open
    } else {
        let most = tallies.iter().map(|t| t.votes).max().unwrap_or(0);
        MotionOutcome::NoMajority {
            leading: tallies
                .iter()
                .filter(|t| t.votes == most)
                .map(|t| t.option.clone())
                .collect(),
        }
    };
    (outcome, tallies)
}

/// The outcome in one Chinese sentence, e.g. for the report.
pub fn outcome_zh(outcome: &MotionOutcome, tallies: &[Tally], sitting: usize) -> String {
    let counts: Vec<String> = tallies
        .iter()
        .map(|t| format!("“{}” {} 票", t.option, t.votes))
        .collect();
    let counts = counts.join("，");
    match outcome {
        MotionOutcome::Open => format!("表决进行中（在席专家 {sitting} 人）：{counts}。"),
        MotionOutcome::Carried { option } => {
            format!("在席专家 {sitting} 人，{counts}；“{option}”获过半数同意，表决通过。")
        }
        MotionOutcome::NoMajority { leading } if leading.len() > 1 => format!(
            "在席专家 {sitting} 人均已表决，{counts}；{} 票数相同，均未过半数，表决未形成决定。",
            leading
                .iter()
                .map(|o| format!("“{o}”"))
                .collect::<Vec<_>>()
                .join("与")
        ),
        MotionOutcome::NoMajority { .. } => {
            format!("在席专家 {sitting} 人均已表决，{counts}；没有选项过半数，表决未形成决定。")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    fn v(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    /// Worked examples: (sitting, votes, outcome).
    #[test]
    fn majority_of_the_sitting_panel() {
        let options = s(&["采纳", "不采纳"]);
        let five = s(&["E1", "E2", "E3", "E4", "E5"]);
        let four = s(&["E1", "E2", "E3", "E4"]);
        let carried = |o: &str| MotionOutcome::Carried { option: o.into() };
        for (sitting, votes, expected) in [
            (&five, v(&[]), MotionOutcome::Open),
            (
                &five,
                v(&[("E1", "采纳"), ("E2", "采纳")]),
                MotionOutcome::Open,
            ),
            // Three of five is a majority before the others vote.
            (
                &five,
                v(&[("E1", "采纳"), ("E2", "采纳"), ("E3", "采纳")]),
                carried("采纳"),
            ),
            (
                &five,
                v(&[
                    ("E1", "采纳"),
                    ("E2", "不采纳"),
                    ("E3", "不采纳"),
                    ("E4", "采纳"),
                    ("E5", "不采纳"),
                ]),
                carried("不采纳"),
            ),
            // One recused: four sitting, 2–2 is a tie, 3–1 carries.
            (
                &four,
                v(&[
                    ("E1", "采纳"),
                    ("E2", "不采纳"),
                    ("E3", "不采纳"),
                    ("E4", "采纳"),
                ]),
                MotionOutcome::NoMajority {
                    leading: s(&["采纳", "不采纳"]),
                },
            ),
            (
                &four,
                v(&[("E1", "采纳"), ("E2", "采纳"), ("E3", "采纳")]),
                carried("采纳"),
            ),
            // Half is not more than half.
            (
                &four,
                v(&[("E1", "采纳"), ("E2", "采纳")]),
                MotionOutcome::Open,
            ),
            // Not sitting, an option not offered, a second vote: not counted.
            (
                &four,
                v(&[
                    ("E9", "采纳"),
                    ("E1", "弃权"),
                    ("E2", "采纳"),
                    ("E2", "不采纳"),
                    ("E3", "采纳"),
                ]),
                MotionOutcome::Open,
            ),
        ] {
            let (got, _) = tally(&options, sitting, &votes);
            assert_eq!(got, expected, "{sitting:?} {votes:?}");
        }
    }

    #[test]
    fn three_options_without_a_majority() {
        let options = s(&["甲", "乙", "丙"]);
        let sitting = s(&["E1", "E2", "E3", "E4", "E5"]);
        let votes = v(&[
            ("E1", "甲"),
            ("E2", "甲"),
            ("E3", "乙"),
            ("E4", "乙"),
            ("E5", "丙"),
        ]);
        let (outcome, tallies) = tally(&options, &sitting, &votes);
        assert_eq!(
            outcome,
            MotionOutcome::NoMajority {
                leading: s(&["甲", "乙"])
            }
        );
        assert_eq!(
            tallies.iter().map(|t| t.votes).collect::<Vec<_>>(),
            [2, 2, 1]
        );
        assert_eq!(
            outcome_zh(&outcome, &tallies, 5),
            "在席专家 5 人均已表决，“甲” 2 票，“乙” 2 票，“丙” 1 票；“甲”与“乙” 票数相同，均未过半数，表决未形成决定。"
        );
    }

    #[test]
    fn a_carried_motion_reads_as_carried() {
        let options = s(&["采纳", "不采纳"]);
        let sitting = s(&["E1", "E2", "E3"]);
        let (outcome, tallies) = tally(
            &options,
            &sitting,
            &v(&[("E1", "不采纳"), ("E2", "不采纳")]),
        );
        assert_eq!(
            outcome_zh(&outcome, &tallies, 3),
            "在席专家 3 人，“采纳” 0 票，“不采纳” 2 票；“不采纳”获过半数同意，表决通过。"
        );
    }
}
