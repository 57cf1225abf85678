//! Line breaking for mixed Chinese / Latin text.
//!
//! Rules: a line may break between any two CJK characters and at spaces;
//! runs of other characters (Latin words, numbers such as `27,365,000.00`,
//! certificate serials) stay whole unless a run alone is wider than a line.
//! Closing punctuation (，。、；：）」 …) never starts a line and opening
//! punctuation (（「《 …) never ends one: such a character travels with its
//! neighbour to the next line (push-out, as in GB/T 15834 practice).

/// A laid-out line and its width in the caller's unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub width: f32,
    /// Ended by wrapping (not by `\n` or the end of the text): such a line
    /// may be justified to the full width.
    pub wrapped: bool,
}

/// Characters that must not begin a line.
const NO_BREAK_BEFORE: &str = "，。、；：？！）」』】》〉〕〗〙｝］”’…‥·％〃々\
                               ．，：；？！）］｝｣､｡ー\
                               ,.;:?!)]}%";

/// Characters that must not end a line.
const NO_BREAK_AFTER: &str = "（「『【《〈〔〖〘｛［“‘·￥＄｢([{$¥";

/// Absorbs rounding in width sums so that text exactly as wide as the line
/// is not pushed to the next one.
const EPSILON: f32 = 1e-3;

fn no_break_before(c: char) -> bool {
    NO_BREAK_BEFORE.contains(c)
}

fn no_break_after(c: char) -> bool {
    NO_BREAK_AFTER.contains(c)
}

/// Whether `c` behaves like an ideograph for breaking: each such character
/// is a unit of its own (CJK scripts and their punctuation, fullwidth forms,
/// and the quotes, dashes and ellipsis used in Chinese text).
pub fn is_cjk(c: char) -> bool {
    matches!(
        c as u32,
        0x1100..=0x11FF
            | 0x2E80..=0x2FFF
            | 0x3000..=0x303F
            | 0x3040..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA960..=0xA97F
            | 0xAC00..=0xD7AF
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3FFFF
    ) || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—' | '·')
}

/// Whether a line may break between `a` and `b` written without a space.
fn may_break_between(a: char, b: char) -> bool {
    if !is_cjk(a) && !is_cjk(b) {
        return false;
    }
    if no_break_before(b) || no_break_after(a) {
        return false;
    }
    // A doubled dash or ellipsis (—— ……) is one mark.
    !(a == b && matches!(a, '—' | '…'))
}

/// An unbreakable run and the spaces written before it.
struct Segment {
    spaces: usize,
    text: String,
}

fn segments(hard_line: &str) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let mut current = String::new();
    let mut current_spaces = 0;
    let mut pending_spaces = 0;
    let mut prev: Option<char> = None;
    for c in hard_line.chars() {
        if c == ' ' {
            pending_spaces += 1;
            continue;
        }
        let glue = match prev {
            None => false,
            Some(p) if pending_spaces > 0 => no_break_before(c) || no_break_after(p),
            Some(p) => !may_break_between(p, c),
        };
        if glue {
            current.extend(std::iter::repeat_n(' ', pending_spaces));
        } else if !current.is_empty() {
            out.push(Segment {
                spaces: current_spaces,
                text: std::mem::take(&mut current),
            });
            current_spaces = pending_spaces;
        } else {
            current_spaces = pending_spaces;
        }
        pending_spaces = 0;
        current.push(c);
        prev = Some(c);
    }
    if !current.is_empty() {
        out.push(Segment {
            spaces: current_spaces,
            text: current,
        });
    }
    out
}

/// Greedy line filling of one paragraph of text.
struct Filler<'w> {
    max_width: f32,
    width_of: &'w dyn Fn(char) -> f32,
    lines: Vec<Line>,
    text: String,
    width: f32,
}

impl Filler<'_> {
    fn text_width(&self, s: &str) -> f32 {
        s.chars().map(self.width_of).sum()
    }

    fn end_line(&mut self, wrapped: bool) {
        let text = std::mem::take(&mut self.text);
        self.lines.push(Line {
            text,
            width: std::mem::take(&mut self.width),
            wrapped,
        });
    }

    fn push(&mut self, s: &str, w: f32) {
        self.text.push_str(s);
        self.width += w;
    }

    /// Places a run wider than a line character by character, at least one
    /// character per line so that the loop always advances.
    fn push_forced(&mut self, s: &str) {
        for c in s.chars() {
            let w = (self.width_of)(c);
            if !self.text.is_empty() && self.width + w > self.max_width + EPSILON {
                self.end_line(true);
            }
            self.text.push(c);
            self.width += w;
        }
    }

    fn place(&mut self, seg: &Segment, first_in_hard_line: bool) {
        let seg_w = self.text_width(&seg.text);
        let space_w = seg.spaces as f32 * (self.width_of)(' ');
        let spaces: String = " ".repeat(seg.spaces);
        if first_in_hard_line {
            // Leading spaces of a hard line are indentation: keep them.
            self.push(&spaces, space_w);
        } else if !self.text.is_empty() {
            if self.width + space_w + seg_w <= self.max_width + EPSILON {
                self.push(&spaces, space_w);
                self.push(&seg.text, seg_w);
                return;
            }
            self.end_line(true);
        }
        if self.width + seg_w <= self.max_width + EPSILON {
            self.push(&seg.text, seg_w);
        } else {
            self.push_forced(&seg.text);
        }
    }
}

/// Breaks `text` into lines no wider than `max_width` where the rules allow
/// it (a run wider than a whole line is broken between characters). `\n`
/// forces a break; an empty input gives no lines; spaces at a soft break are
/// dropped. `width_of` gives each character's advance.
pub fn wrap(text: &str, max_width: f32, width_of: &dyn Fn(char) -> f32) -> Vec<Line> {
    let mut filler = Filler {
        max_width,
        width_of,
        lines: Vec::new(),
        text: String::new(),
        width: 0.0,
    };
    if text.is_empty() {
        return filler.lines;
    }
    for hard_line in text.split('\n') {
        for (i, seg) in segments(hard_line).iter().enumerate() {
            filler.place(seg, i == 0);
        }
        filler.end_line(false);
    }
    filler.lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(_: char) -> f32 {
        1.0
    }

    fn lines(text: &str, max: f32) -> Vec<String> {
        wrap(text, max, &unit).into_iter().map(|l| l.text).collect()
    }

    /// Worked examples: (input, line width in characters, expected lines).
    const EXAMPLES: &[(&str, f32, &[&str])] = &[
        // Between any two ideographs.
        ("评标报告生成完毕", 4.0, &["评标报告", "生成完毕"]),
        ("评标报告生成", 4.0, &["评标报告", "生成"]),
        // A comma never starts a line: it takes 格 with it.
        ("价格，合理", 2.0, &["价", "格，", "合理"]),
        ("一二三。四五", 3.0, &["一二", "三。四", "五"]),
        ("甲乙、丙丁", 2.0, &["甲", "乙、", "丙丁"]),
        ("甲乙；丙丁：戊", 3.0, &["甲乙；", "丙丁：", "戊"]),
        // Opening brackets never end a line; closing ones never start one.
        ("甲乙（丙）", 3.0, &["甲乙", "（丙）"]),
        ("项目「解放大道」", 4.0, &["项目「解", "放大道」"]),
        ("附件《评标办法》", 5.0, &["附件《评标", "办法》"]),
        // ASCII words and numbers stay whole.
        ("报价ABC123元", 7.0, &["报价", "ABC123元"]),
        (
            "合计27,365,000.00元。",
            15.0,
            &["合计27,365,000.00", "元。"],
        ),
        ("投标人B01（武汉）", 6.0, &["投标人B01", "（武汉）"]),
        ("hello world foo", 11.0, &["hello world", "foo"]),
        ("hello world foo", 5.0, &["hello", "world", "foo"]),
        // A run wider than the line is broken between characters.
        ("0123456789", 4.0, &["0123", "4567", "89"]),
        ("摘要3f9a0c5e7d1b", 6.0, &["摘要", "3f9a0c", "5e7d1b"]),
        // Doubled dash and ellipsis stay together.
        ("等等……完", 3.0, &["等", "等……", "完"]),
        ("甲——乙", 2.0, &["甲", "——", "乙"]),
        // Quotes follow the same rules as brackets.
        ("他说“同意”。", 4.0, &["他说“同", "意”。"]),
        // Explicit line breaks and indentation.
        ("第一行\n第二行", 10.0, &["第一行", "第二行"]),
        ("  缩进", 10.0, &["  缩进"]),
        ("a\n\nb", 10.0, &["a", "", "b"]),
        // Spaces at a soft break disappear; ASCII ) sticks to its word.
        ("价格 (元) 合计", 4.0, &["价格", "(元)", "合计"]),
        ("百分比50%。", 4.0, &["百分比", "50%。"]),
    ];

    #[test]
    fn worked_examples() {
        for (input, max, expected) in EXAMPLES {
            let got = lines(input, *max);
            assert_eq!(&got, expected, "wrapping {input:?} at {max}");
        }
    }

    #[test]
    fn lines_never_exceed_width_unless_forced() {
        let text = "评标委员会按照招标文件规定的评标办法，对投标文件进行了评审和比较（详见附表），\
                    推荐B04为第一中标候选人。The quick brown fox 123,456.78 元。";
        for max in [3.0_f32, 5.0, 8.0, 13.0, 40.0] {
            for line in wrap(text, max, &unit) {
                assert!(line.width <= max + EPSILON, "{line:?} wider than {max}");
                assert_eq!(line.width, line.text.chars().count() as f32);
            }
        }
    }

    #[test]
    fn no_line_starts_with_closing_or_ends_with_opening() {
        let text = "甲，乙。丙、丁；戊：己？庚！（辛）「壬」《癸》“子”丑寅卯辰巳午未申酉戌亥";
        for max in 3..12 {
            for line in lines(text, max as f32) {
                let first = line.chars().next().unwrap();
                let last = line.chars().last().unwrap();
                assert!(!no_break_before(first), "{line:?} starts with {first}");
                assert!(!no_break_after(last), "{line:?} ends with {last}");
            }
        }
    }

    #[test]
    fn text_is_preserved_apart_from_break_spaces() {
        let text = "评标 报告 B01 27,365,000.00 元，合计（含税）。";
        let joined: String = lines(text, 5.0).concat();
        assert_eq!(joined.replace(' ', ""), text.replace(' ', ""));
    }

    proptest::proptest! {
        /// Any text and width: wrapping ends, keeps every non-space
        /// character in order, and overfills a line only with a single
        /// character wider than the line or with indentation spaces.
        #[test]
        fn wrapping_keeps_text_and_width(
            text in "[a-z0-9 ,.()（），。、“”评标报告价格\\n]{0,80}",
            max in 0.5f32..30.0,
        ) {
            let width_of = |c: char| if is_cjk(c) { 2.0 } else { 1.0 };
            let lines = wrap(&text, max, &width_of);
            let kept: String = lines.iter().flat_map(|l| l.text.chars()).filter(|c| *c != ' ').collect();
            let input: String = text.chars().filter(|c| *c != ' ' && *c != '\n').collect();
            proptest::prop_assert_eq!(kept, input);
            for line in &lines {
                let w: f32 = line.text.chars().map(width_of).sum();
                proptest::prop_assert!((w - line.width).abs() < 1e-3);
                let single = line.text.chars().count() == 1;
                let indentation_only = line.text.trim().is_empty();
                proptest::prop_assert!(w <= max + EPSILON || single || indentation_only, "{:?}", line);
            }
        }
    }

    #[test]
    fn wrapped_lines_are_marked() {
        let flags: Vec<bool> = wrap("一二三四五\n六七", 2.0, &unit)
            .iter()
            .map(|l| l.wrapped)
            .collect();
        assert_eq!(flags, [true, true, false, false]);
    }

    #[test]
    fn degenerate_widths_terminate() {
        assert_eq!(lines("", 5.0), Vec::<String>::new());
        assert_eq!(lines("甲乙", 0.0), ["甲", "乙"]);
        assert_eq!(lines("ab", -3.0), ["a", "b"]);
        assert_eq!(lines("甲乙", f32::NAN), ["甲", "乙"]);
        assert_eq!(lines("   ", 5.0), [""]);
    }
}
