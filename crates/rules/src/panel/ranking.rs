//! Ranking with the rules' tie-break order. Drawing lots is outside the
//! engine: a tie that reaches `lots` stays unresolved until a recorded lot
//! outcome for exactly those bidders is supplied.

use crate::model::TieBreak;
use crate::RulesError;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The order in which tied bidders were drawn (first = ranked higher).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LotOutcome {
    pub bidders: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Ranking {
    /// Best first. Bidders in an unresolved tie share a rank.
    pub entries: Vec<RankEntry>,
    /// Ties that reached drawing lots with no recorded outcome.
    pub unresolved: Vec<Vec<String>>,
    /// Every tie-break step taken, in order.
    pub trace: Vec<TieBreakStep>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankEntry {
    pub rank: u32,
    pub bidder: String,
    /// What ranks first: the total points, or the evaluated price.
    #[serde(with = "crate::dec")]
    pub key: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieBreakStep {
    /// The tied bidders this step looked at.
    pub bidders: Vec<String>,
    pub rule: TieBreak,
    /// The value each bidder has under this rule (absent for lots).
    pub values: Vec<TieValue>,
    /// The bidders in order after this step; a group of several is still tied.
    pub groups: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TieValue {
    pub bidder: String,
    #[serde(with = "crate::dec")]
    pub value: Decimal,
}

/// One bidder as the ranking sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    pub bidder: String,
    pub key: Decimal,
    pub price: Decimal,
    pub technical: Decimal,
    pub business: Decimal,
    pub price_score: Decimal,
}

impl Candidate {
    /// The value a tie-break rule compares, oriented so that smaller ranks
    /// higher.
    fn tie_value(&self, rule: TieBreak) -> Option<(Decimal, Decimal)> {
        match rule {
            TieBreak::LowerPrice => Some((self.price, self.price)),
            TieBreak::HigherTechnical => Some((-self.technical, self.technical)),
            TieBreak::HigherBusiness => Some((-self.business, self.business)),
            TieBreak::HigherPriceScore => Some((-self.price_score, self.price_score)),
            TieBreak::Lots => None,
        }
    }
}

/// Ranks candidates by key (`higher_first` for points, lower first for
/// prices), then by the tie-break order. Errors with `lot_unused` when a
/// lot outcome matches no tie that reached drawing lots.
pub(crate) fn rank(
    mut cands: Vec<Candidate>,
    higher_first: bool,
    order: &[TieBreak],
    lots: &[LotOutcome],
) -> Result<Ranking, RulesError> {
    cands.sort_by(|a, b| {
        let by_key = if higher_first {
            b.key.cmp(&a.key)
        } else {
            a.key.cmp(&b.key)
        };
        by_key.then_with(|| a.bidder.cmp(&b.bidder))
    });
    let mut ranking = Ranking::default();
    let mut used = vec![false; lots.len()];
    let mut ordered: Vec<Vec<&Candidate>> = Vec::new();
    for group in cands.chunk_by(|a, b| a.key == b.key) {
        let group: Vec<&Candidate> = group.iter().collect();
        if group.len() == 1 {
            ordered.push(group);
        } else {
            let mut ctx = Ctx {
                order,
                lots,
                used: &mut used,
                trace: &mut ranking.trace,
            };
            ordered.extend(ctx.resolve(group, 0));
        }
    }
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(RulesError::one(
            "lot_unused",
            format!("lots[{i}]"),
            format!(
                "抽签结果（{}）与任何需要抽签的同分投标人组都不对应",
                lots[i].bidders.join("、")
            ),
        ));
    }
    let mut position = 1u32;
    for group in ordered {
        if group.len() > 1 {
            ranking
                .unresolved
                .push(group.iter().map(|c| c.bidder.clone()).collect());
        }
        for c in &group {
            ranking.entries.push(RankEntry {
                rank: position,
                bidder: c.bidder.clone(),
                key: c.key,
            });
        }
        position += u32::try_from(group.len()).unwrap_or(u32::MAX);
    }
    Ok(ranking)
}

struct Ctx<'a> {
    order: &'a [TieBreak],
    lots: &'a [LotOutcome],
    used: &'a mut Vec<bool>,
    trace: &'a mut Vec<TieBreakStep>,
}

impl<'c> Ctx<'_> {
    /// Splits one tied group by rule `i` onwards into ordered subgroups.
    fn resolve(&mut self, group: Vec<&'c Candidate>, i: usize) -> Vec<Vec<&'c Candidate>> {
        let Some(&rule) = self.order.get(i) else {
            return vec![group];
        };
        let names: Vec<String> = group.iter().map(|c| c.bidder.clone()).collect();
        if rule == TieBreak::Lots {
            let wanted: BTreeSet<&str> = names.iter().map(String::as_str).collect();
            let found = self.lots.iter().position(|l| {
                let set: BTreeSet<&str> = l.bidders.iter().map(String::as_str).collect();
                set == wanted && l.bidders.len() == wanted.len()
            });
            let groups: Vec<Vec<&'c Candidate>> = match found {
                Some(at) => {
                    self.used[at] = true;
                    self.lots[at]
                        .bidders
                        .iter()
                        .filter_map(|b| group.iter().find(|c| &c.bidder == b).copied())
                        .map(|c| vec![c])
                        .collect()
                }
                None => vec![group],
            };
            self.trace.push(TieBreakStep {
                bidders: names,
                rule,
                values: Vec::new(),
                groups: names_of(&groups),
            });
            return groups;
        }
        let mut keyed: Vec<(Decimal, Decimal, &'c Candidate)> = group
            .iter()
            .filter_map(|c| c.tie_value(rule).map(|(k, v)| (k, v, *c)))
            .collect();
        keyed.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.2.bidder.cmp(&b.2.bidder)));
        let values = keyed
            .iter()
            .map(|(_, v, c)| TieValue {
                bidder: c.bidder.clone(),
                value: *v,
            })
            .collect();
        let split: Vec<Vec<&'c Candidate>> = keyed
            .chunk_by(|a, b| a.0 == b.0)
            .map(|g| g.iter().map(|(_, _, c)| *c).collect())
            .collect();
        self.trace.push(TieBreakStep {
            bidders: names,
            rule,
            values,
            groups: names_of(&split),
        });
        let mut out = Vec::new();
        for sub in split {
            if sub.len() == 1 {
                out.push(sub);
            } else {
                out.extend(self.resolve(sub, i + 1));
            }
        }
        out
    }
}

fn names_of(groups: &[Vec<&Candidate>]) -> Vec<Vec<String>> {
    groups
        .iter()
        .map(|g| g.iter().map(|c| c.bidder.clone()).collect())
        .collect()
}
