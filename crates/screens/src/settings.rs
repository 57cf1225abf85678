//! Thresholds of every screen. Each default and where it comes from is
//! documented in `docs/screens.md`; callers may override any of them
//! (serde, every field optional).

use crate::error::ScreenError;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub text: TextSettings,
    pub metadata: MetaSettings,
    pub price: PriceSettings,
    pub expert: ExpertSettings,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TextSettings {
    /// Length of the character shingles compared (after normalisation).
    pub shingle_chars: usize,
    /// Shortest passage reported, in letters and ideographs (digits do not count).
    pub min_passage_chars: u32,
    /// A passage must hold an identical stretch with at least this many
    /// letters and ideographs: copied prose does, tables whose rows were
    /// filled from the same short lists do not.
    pub min_run_chars: u32,
    /// Largest edit (inserted, deleted or changed characters) bridged inside
    /// one passage.
    pub max_gap_chars: u32,
    /// Text found in at least this share of the bids (and in at least
    /// `boilerplate_min_bids` bids) is boilerplate, like the tender's own text.
    pub boilerplate_share: Decimal,
    pub boilerplate_min_bids: usize,
    /// A shingle repeated more often than this inside one bid (running
    /// headers, table labels) is not compared.
    pub max_repeats_per_bid: usize,
    /// Shared characters (over all passages of a pair) for a moderate and a
    /// strong flag.
    pub moderate_shared_chars: u32,
    pub strong_shared_chars: u32,
    /// Extra fixed expressions whose misspellings count as shared typos,
    /// beside the built-in list.
    pub extra_expressions: Vec<String>,
    /// Shortest fixed expression (normalised characters) checked for typos.
    pub min_expression_chars: usize,
    /// Look for shared ID card, phone and account numbers and e-mail addresses.
    pub identifiers: bool,
}

impl Default for TextSettings {
    fn default() -> Self {
        TextSettings {
            shingle_chars: 13,
            min_passage_chars: 50,
            min_run_chars: 40,
            max_gap_chars: 30,
            boilerplate_share: Decimal::new(5, 1),
            boilerplate_min_bids: 3,
            max_repeats_per_bid: 8,
            moderate_shared_chars: 120,
            strong_shared_chars: 300,
            extra_expressions: Vec::new(),
            min_expression_chars: 5,
            identifiers: true,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetaSettings {
    /// Creation (or modification) times at most this far apart match.
    pub time_window_seconds: i64,
    /// A value found in at least this share of the bids (and in at least
    /// `common_min_bids`) is common and does not count as a match.
    pub common_share: Decimal,
    pub common_min_bids: usize,
    /// Matching points for a weak, moderate and strong flag.
    pub weak_points: u32,
    pub moderate_points: u32,
    pub strong_points: u32,
}

impl Default for MetaSettings {
    fn default() -> Self {
        MetaSettings {
            time_window_seconds: 300,
            common_share: Decimal::new(5, 1),
            common_min_bids: 3,
            weak_points: 2,
            moderate_points: 3,
            strong_points: 4,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PriceSettings {
    /// Flag when the coefficient of variation of all bids is at most this.
    pub cv_threshold: Decimal,
    /// Fewest bids for the dispersion and relative-distance screens.
    pub min_bids: usize,
    /// False-alarm rate of the relative-distance screen under independent
    /// normal bids: 0.05, 0.01 or 0.001 (picks the threshold from the table).
    pub rd_false_alarm_rate: Decimal,
    /// A fixed relative-distance threshold instead of the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rd_threshold: Option<Decimal>,
    /// A ladder's terms may miss the exact progression by this share of
    /// the price.
    pub ladder_tolerance: Decimal,
    /// Fewest terms of a ladder.
    pub ladder_min_terms: usize,
    /// Flag a ladder (or identical prices) only when independent prices
    /// would form one this long by chance less often than this.
    pub max_chance: Decimal,
    /// Width of the band below the ceiling price, as a share of it.
    pub ceiling_band: Decimal,
    pub ceiling_min_bids: usize,
    /// Share of all bids that must lie in the band.
    pub ceiling_min_share: Decimal,
    /// Price points a group's other bids must win for one member through the
    /// benchmark before it is flagged.
    pub benchmark_min_gain_points: Decimal,
}

impl Default for PriceSettings {
    fn default() -> Self {
        PriceSettings {
            cv_threshold: Decimal::new(1, 2),
            min_bids: 4,
            rd_false_alarm_rate: Decimal::new(1, 2),
            rd_threshold: None,
            ladder_tolerance: Decimal::new(1, 5),
            ladder_min_terms: 3,
            max_chance: Decimal::new(1, 2),
            ceiling_band: Decimal::new(1, 2),
            ceiling_min_bids: 3,
            ceiling_min_share: Decimal::new(5, 1),
            benchmark_min_gain_points: Decimal::ONE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExpertSettings {
    /// Share of the other experts' mean beyond which a subjective total is
    /// an outlier; `None`: the rules' `panel.deviation_threshold`, else 0.30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deviation_threshold: Option<Decimal>,
    /// Fewest bidders scored before identical scores count as uniform.
    pub uniform_min_bidders: usize,
}

impl Default for ExpertSettings {
    fn default() -> Self {
        ExpertSettings {
            deviation_threshold: None,
            uniform_min_bidders: 3,
        }
    }
}

fn share(name: &str, v: Decimal, allow_zero: bool) -> Result<(), ScreenError> {
    let low_ok = if allow_zero {
        v >= Decimal::ZERO
    } else {
        v > Decimal::ZERO
    };
    if low_ok && v <= Decimal::ONE {
        Ok(())
    } else {
        Err(ScreenError::setting(name, format!("须在0到1之间，实为{v}")))
    }
}

fn at_least(name: &str, v: usize, min: usize) -> Result<(), ScreenError> {
    if v >= min {
        Ok(())
    } else {
        Err(ScreenError::setting(
            name,
            format!("不得小于{min}，实为{v}"),
        ))
    }
}

impl Settings {
    /// Checks every threshold's range.
    pub fn validate(&self) -> Result<(), ScreenError> {
        let t = &self.text;
        if !(5..=64).contains(&t.shingle_chars) {
            return Err(ScreenError::setting("text.shingle_chars", "须在5到64之间"));
        }
        if (t.min_passage_chars as usize) < t.shingle_chars {
            return Err(ScreenError::setting(
                "text.min_passage_chars",
                "不得小于 text.shingle_chars",
            ));
        }
        if (t.min_run_chars as usize) < t.shingle_chars {
            return Err(ScreenError::setting(
                "text.min_run_chars",
                "不得小于 text.shingle_chars",
            ));
        }
        if t.max_gap_chars > 1000 {
            return Err(ScreenError::setting("text.max_gap_chars", "不得大于1000"));
        }
        share("text.boilerplate_share", t.boilerplate_share, false)?;
        at_least("text.boilerplate_min_bids", t.boilerplate_min_bids, 2)?;
        at_least("text.max_repeats_per_bid", t.max_repeats_per_bid, 1)?;
        if t.strong_shared_chars < t.moderate_shared_chars {
            return Err(ScreenError::setting(
                "text.strong_shared_chars",
                "不得小于 text.moderate_shared_chars",
            ));
        }
        at_least("text.min_expression_chars", t.min_expression_chars, 4)?;

        let m = &self.metadata;
        if m.time_window_seconds < 0 {
            return Err(ScreenError::setting(
                "metadata.time_window_seconds",
                "不得为负数",
            ));
        }
        share("metadata.common_share", m.common_share, false)?;
        at_least("metadata.common_min_bids", m.common_min_bids, 2)?;
        if !(1..=m.moderate_points).contains(&m.weak_points) || m.moderate_points > m.strong_points
        {
            return Err(ScreenError::setting(
                "metadata.weak_points",
                "须满足 1 ≤ weak_points ≤ moderate_points ≤ strong_points",
            ));
        }

        let p = &self.price;
        share("price.cv_threshold", p.cv_threshold, true)?;
        at_least("price.min_bids", p.min_bids, 4)?;
        if p.rd_threshold.is_none()
            && crate::price::rd_table::level_index(p.rd_false_alarm_rate).is_none()
        {
            return Err(ScreenError::setting(
                "price.rd_false_alarm_rate",
                "须为 0.05、0.01 或 0.001",
            ));
        }
        if p.rd_threshold.is_some_and(|t| t <= Decimal::ZERO) {
            return Err(ScreenError::setting("price.rd_threshold", "须为正数"));
        }
        share("price.ladder_tolerance", p.ladder_tolerance, true)?;
        at_least("price.ladder_min_terms", p.ladder_min_terms, 3)?;
        share("price.max_chance", p.max_chance, false)?;
        share("price.ceiling_band", p.ceiling_band, false)?;
        at_least("price.ceiling_min_bids", p.ceiling_min_bids, 2)?;
        share("price.ceiling_min_share", p.ceiling_min_share, false)?;
        if p.benchmark_min_gain_points <= Decimal::ZERO {
            return Err(ScreenError::setting(
                "price.benchmark_min_gain_points",
                "须为正数",
            ));
        }

        let e = &self.expert;
        if let Some(d) = e.deviation_threshold {
            share("expert.deviation_threshold", d, false)?;
        }
        at_least("expert.uniform_min_bidders", e.uniform_min_bidders, 2)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_partial_overrides_keep_the_rest() {
        Settings::default().validate().unwrap();
        let s: Settings = serde_json::from_str(
            r#"{"text": {"min_passage_chars": 80}, "price": {"cv_threshold": "0.02"}}"#,
        )
        .unwrap();
        assert_eq!(s.text.min_passage_chars, 80);
        assert_eq!(s.text.shingle_chars, 13);
        assert_eq!(s.price.cv_threshold, Decimal::new(2, 2));
        s.validate().unwrap();
    }

    #[test]
    fn out_of_range_settings_are_refused_with_their_name() {
        let mut s = Settings::default();
        s.text.boilerplate_share = Decimal::new(15, 1);
        let e = s.validate().unwrap_err();
        assert_eq!(e.code(), "invalid_setting");
        assert!(e.to_string().contains("text.boilerplate_share"));

        let mut s = Settings::default();
        s.price.rd_false_alarm_rate = Decimal::new(2, 2);
        assert!(s
            .validate()
            .unwrap_err()
            .to_string()
            .contains("rd_false_alarm_rate"));

        assert!(serde_json::from_str::<Settings>(r#"{"text": {"nope": 1}}"#).is_err());
    }
}
