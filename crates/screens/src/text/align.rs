//! Shared shingles of one pair → aligned passages.
//!
//! Consecutive shingles on the same diagonal (same offset between the two
//! documents) form exact runs; runs that follow each other in both documents
//! with at most `max_gap_chars` between them are chained into one passage,
//! so a passage survives a changed word, an insertion or a deletion. Its
//! ends are trimmed of masked characters (tender text, boilerplate), which
//! a shingle straddling the border would otherwise drag in. A passage is
//! kept when its identical stretches hold at least `min_passage_chars`
//! letters and ideographs and the longest of them holds at least
//! `min_run_chars`.

use super::normalize::significant;
use crate::settings::TextSettings;

/// A passage in compared-character coordinates, `[start, end)` on each side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawPassage {
    pub a: (u32, u32),
    pub b: (u32, u32),
    /// Compared characters inside identical stretches (the smaller side).
    pub matched: u32,
    /// Of those, letters and ideographs.
    pub significant: u32,
}

#[derive(Debug, Clone, Copy)]
struct Run {
    a0: u32,
    a1: u32,
    b0: u32,
    b1: u32,
}

/// Maximal runs of shingles on one diagonal, sorted by position in `a`.
fn runs(a: &[char], b: &[char], hits: &[(u32, u32)], k: usize) -> Vec<Run> {
    let same = |pa: u32, pb: u32| {
        let (pa, pb) = (pa as usize, pb as usize);
        match (a.get(pa..pa + k), b.get(pb..pb + k)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        }
    };
    // Hash collisions are dropped here: only equal characters count.
    let mut hits: Vec<(i64, u32, u32)> = hits
        .iter()
        .filter(|&&(pa, pb)| same(pa, pb))
        .map(|&(pa, pb)| (i64::from(pa) - i64::from(pb), pa, pb))
        .collect();
    hits.sort_unstable();
    let k = k as u32;
    let mut out: Vec<Run> = Vec::new();
    let mut last: Option<(i64, u32)> = None;
    for (diag, pa, pb) in hits {
        match (last, out.last_mut()) {
            (Some((d, prev)), Some(run)) if d == diag && pa == prev + 1 => {
                run.a1 = pa + k;
                run.b1 = pb + k;
            }
            _ => out.push(Run {
                a0: pa,
                a1: pa + k,
                b0: pb,
                b1: pb + k,
            }),
        }
        last = Some((diag, pa));
    }
    out.sort_unstable_by_key(|r| (r.a0, r.b0));
    out
}

struct Chain {
    runs: Vec<Run>,
    a1: u32,
    b1: u32,
}

/// How far `run` is from the end of `chain` on the farther side, when it
/// can extend it: it must move forward on both sides, may overlap the
/// chain by less than a shingle, and may leave a gap of at most `max_gap`.
fn gap(chain: &Chain, run: &Run, k: u32, max_gap: u32) -> Option<i64> {
    if run.a1 <= chain.a1 || run.b1 <= chain.b1 {
        return None;
    }
    let ga = i64::from(run.a0) - i64::from(chain.a1);
    let gb = i64::from(run.b0) - i64::from(chain.b1);
    let low = -(i64::from(k) - 1);
    let ok = |g: i64| (low..=i64::from(max_gap)).contains(&g);
    (ok(ga) && ok(gb)).then_some(ga.max(gb))
}

fn chains(runs: Vec<Run>, k: u32, max_gap: u32) -> Vec<Chain> {
    let mut done = Vec::new();
    let mut active: Vec<Chain> = Vec::new();
    for run in runs {
        // Runs come in order of start in `a`: a chain ending too far before
        // this run can never be extended again.
        let (open, closed): (Vec<Chain>, Vec<Chain>) = active
            .into_iter()
            .partition(|c| u64::from(c.a1) + u64::from(max_gap) >= u64::from(run.a0));
        done.extend(closed);
        active = open;
        let best = active
            .iter()
            .enumerate()
            .filter_map(|(i, c)| gap(c, &run, k, max_gap).map(|g| (g, i)))
            .min();
        match best {
            Some((_, i)) => {
                let chain = &mut active[i];
                chain.a1 = run.a1;
                chain.b1 = run.b1;
                chain.runs.push(run);
            }
            None => active.push(Chain {
                runs: vec![run],
                a1: run.a1,
                b1: run.b1,
            }),
        }
    }
    done.extend(active);
    done
}

/// The chain's span trimmed of masked characters at both ends, as
/// `(a0, a1, b0, b1)`; the ends of a chain are identical on both sides, so
/// both move together.
fn trimmed(chain: &Chain, first: &Run, mask_a: &[bool], mask_b: &[bool]) -> (u32, u32, u32, u32) {
    let masked = |mask: &[bool], i: u32| mask.get(i as usize).copied().unwrap_or(false);
    let (mut a0, mut a1, mut b0, mut b1) = (first.a0, chain.a1, first.b0, chain.b1);
    while a1 > a0 && b1 > b0 && (masked(mask_a, a1 - 1) || masked(mask_b, b1 - 1)) {
        a1 -= 1;
        b1 -= 1;
    }
    while a0 < a1 && b0 < b1 && (masked(mask_a, a0) || masked(mask_b, b0)) {
        a0 += 1;
        b0 += 1;
    }
    (a0, a1, b0, b1)
}

/// The runs of a chain cut to `[a0, a1)` on the `a` side (each run is on
/// one diagonal, so its `b` side moves by the same amounts).
fn clipped(runs: &[Run], a0: u32, a1: u32) -> Vec<Run> {
    runs.iter()
        .filter_map(|r| {
            let (s, e) = (r.a0.max(a0), r.a1.min(a1));
            (e > s).then(|| Run {
                a0: s,
                a1: e,
                b0: r.b0 + (s - r.a0),
                b1: r.b1 - (r.a1 - e),
            })
        })
        .collect()
}

/// Characters covered by the union of `[start, end)` intervals, and how
/// many of them are significant.
fn covered(text: &[char], mut spans: Vec<(u32, u32)>) -> (u32, u32) {
    spans.sort_unstable();
    let (mut all, mut sig, mut reach) = (0u32, 0u32, 0u32);
    for (start, end) in spans {
        let from = start.max(reach);
        if (from as usize) >= text.len() {
            break;
        }
        if end > from {
            let slice = &text[from as usize..(end as usize).min(text.len())];
            all += slice.len() as u32;
            sig += slice.iter().filter(|&&c| significant(c)).count() as u32;
            reach = end;
        }
    }
    (all, sig)
}

/// One side of a pair: compared characters and mask.
pub struct Text<'a> {
    pub chars: &'a [char],
    pub mask: &'a [bool],
}

/// Aligned passages of two documents from their shared shingles.
pub fn passages(a: &Text, b: &Text, hits: &[(u32, u32)], s: &TextSettings) -> Vec<RawPassage> {
    let k = s.shingle_chars;
    let found = runs(a.chars, b.chars, hits, k);
    let mut out: Vec<RawPassage> = chains(found, k as u32, s.max_gap_chars)
        .into_iter()
        .filter_map(|chain| {
            let (a0, a1, b0, b1) = trimmed(&chain, chain.runs.first()?, a.mask, b.mask);
            let runs = clipped(&chain.runs, a0, a1);
            let longest = runs
                .iter()
                .map(|r| covered(a.chars, vec![(r.a0, r.a1)]).1)
                .max()?;
            let (ma, sa) = covered(a.chars, runs.iter().map(|r| (r.a0, r.a1)).collect());
            let (mb, sb) = covered(b.chars, runs.iter().map(|r| (r.b0, r.b1)).collect());
            let passage = RawPassage {
                a: (a0, a1),
                b: (b0, b1),
                matched: ma.min(mb),
                significant: sa.min(sb),
            };
            (passage.significant >= s.min_passage_chars && longest >= s.min_run_chars)
                .then_some(passage)
        })
        .collect();
    out.sort_unstable_by_key(|p| (p.a, p.b));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    /// All shared shingles, as the index would report them.
    fn hits(a: &[char], b: &[char], k: usize) -> Vec<(u32, u32)> {
        let hb: Vec<u64> = hash::windows(b, k).collect();
        let mut out = Vec::new();
        for (i, h) in hash::windows(a, k).enumerate() {
            for (j, g) in hb.iter().enumerate() {
                if h == *g {
                    out.push((i as u32, j as u32));
                }
            }
        }
        out
    }

    fn settings(min: u32) -> TextSettings {
        TextSettings {
            shingle_chars: 5,
            min_passage_chars: min,
            min_run_chars: 10,
            max_gap_chars: 10,
            ..TextSettings::default()
        }
    }

    fn find(a: &[char], b: &[char], s: &TextSettings) -> Vec<RawPassage> {
        let (ma, mb) = (vec![false; a.len()], vec![false; b.len()]);
        passages(
            &Text {
                chars: a,
                mask: &ma,
            },
            &Text {
                chars: b,
                mask: &mb,
            },
            &hits(a, b, s.shingle_chars),
            s,
        )
    }

    const PARA: &str = "碾压分初压复压终压三个阶段进行压路机遵循紧跟慢压高频低幅的原则初压采用双钢轮压路机静压一遍";

    #[test]
    fn an_exact_copy_is_one_passage_with_both_offsets() {
        let a = chars(&format!("甲公司说明{PARA}其余"));
        let b = chars(&format!("乙方{PARA}不同结尾"));
        let p = find(&a, &b, &settings(20));
        assert_eq!(p.len(), 1);
        let n = PARA.chars().count() as u32;
        assert_eq!(p[0].a, (5, 5 + n));
        assert_eq!(p[0].b, (2, 2 + n));
        assert_eq!(p[0].matched, n);
        assert_eq!(p[0].significant, n);
    }

    #[test]
    fn a_changed_word_and_an_insertion_stay_inside_one_passage() {
        let edited = PARA
            .replace("双钢轮", "单钢轮")
            .replace("三个阶段", "三个主要阶段");
        let a = chars(PARA);
        let b = chars(&edited);
        let p = find(&a, &b, &settings(20));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].a, (0, a.len() as u32));
        assert_eq!(p[0].b, (0, b.len() as u32));
        assert!(p[0].matched < a.len() as u32);
    }

    #[test]
    fn passages_far_apart_are_separate_and_short_ones_are_dropped() {
        let filler_a = "甲".repeat(40);
        let filler_b = "乙".repeat(40);
        let second = "夜间施工时段集中在二十二时至次日五时每段施工前在来车方向设置警示标志";
        let a = chars(&format!("{PARA}{filler_a}{second}{filler_a}施工安全第一条"));
        let b = chars(&format!("{second}{filler_b}{PARA}{filler_b}施工安全第一条"));
        let p = find(&a, &b, &settings(20));
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].a.0 < p[1].a.0);
        assert!(
            p[0].b.0 > p[1].b.0,
            "the order differs between the two bids"
        );
    }

    #[test]
    fn digits_do_not_count_towards_the_minimum() {
        let table = "1234567890123456789012345678901234567890";
        let a = chars(&format!("甲{table}"));
        let b = chars(&format!("乙{table}"));
        assert!(find(&a, &b, &settings(20)).is_empty());
    }

    #[test]
    fn colliding_hashes_are_dropped_by_comparing_characters() {
        let a = chars(PARA);
        let b = chars(&"乙".repeat(60));
        let fake: Vec<(u32, u32)> = (0..40).map(|i| (i, i)).collect();
        let (ma, mb) = (vec![false; a.len()], vec![false; b.len()]);
        let (ta, tb) = (
            Text {
                chars: &a,
                mask: &ma,
            },
            Text {
                chars: &b,
                mask: &mb,
            },
        );
        assert!(passages(&ta, &tb, &fake, &settings(20)).is_empty());
    }

    #[test]
    fn masked_ends_are_trimmed_and_short_runs_alone_do_not_count() {
        let heading = "附表一拟投入本工程的主要机械设备表";
        let a = chars(&format!("甲{PARA}{heading}"));
        let b = chars(&format!("乙{PARA}{heading}"));
        let mut ma = vec![false; a.len()];
        let mut mb = vec![false; b.len()];
        let n = PARA.chars().count();
        ma[1 + n..].fill(true);
        mb[1 + n..].fill(true);
        let s = settings(20);
        let p = passages(
            &Text {
                chars: &a,
                mask: &ma,
            },
            &Text {
                chars: &b,
                mask: &mb,
            },
            &hits(&a, &b, 5),
            &s,
        );
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].a, (1, 1 + n as u32));
        assert_eq!(p[0].matched, n as u32);

        // Rows that agree only in stretches shorter than min_run_chars.
        let rows_a =
            chars("汽车起重机中联二台自有洒水车东风一台租赁压路机徐工三台自有摊铺机徐工两台租赁");
        let rows_b =
            chars("汽车起重机中联五台租赁洒水车东风六台自有压路机徐工七台租赁摊铺机徐工八台自有");
        let strict = TextSettings {
            min_run_chars: 12,
            min_passage_chars: 10,
            ..s
        };
        assert!(find(&rows_a, &rows_b, &strict).is_empty());
        let lax = TextSettings {
            min_run_chars: 5,
            ..strict
        };
        assert_eq!(find(&rows_a, &rows_b, &lax).len(), 1);
    }
}
