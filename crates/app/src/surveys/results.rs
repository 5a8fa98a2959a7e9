//! Results in aggregate: the rule that hides small groups, each question's distribution as
//! bars (drawn by the template as SVG and as a table), and the CSV export.
//!
//! Anonymity rests on three rules here. A group's numbers show only when at least
//! [`MIN_GROUP`] people in it answered the question. A breakdown (mentees beside mentors)
//! shows only when every one of its groups is that large, because one small group could
//! otherwise be worked out by subtracting the others from the whole. Free-text answers show
//! with the same threshold, without names, in an order that does not follow who answered
//! first.

use std::borrow::Cow;

use crate::surveys::question::{Question, QuestionKind};
use crate::surveys::store::percent;

/// The fewest people whose answers are shown together.
pub const MIN_GROUP: i64 = 5;

/// Whether the answers of a group in which this many people answered a question may be
/// shown: the one rule for every page and export that shows answers, these results and the
/// mentorship dashboards alike.
pub fn may_show(answered: i64) -> bool {
    answered >= MIN_GROUP
}

/// The mean of numbered answers, to one decimal, rounded half up: "4.4".
pub fn mean_text(total: i64, answered: i64) -> String {
    let tenths = mean_tenths(total, answered);
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// The mean of numbered answers in tenths, rounded half up; 0 when no one answered.
pub fn mean_tenths(total: i64, answered: i64) -> i64 {
    (total * 10 + answered / 2) / answered.max(1)
}

/// The most free-text answers shown per question.
pub const MAX_TEXTS: i64 = 500;

/// Width of the bar area of a chart, in SVG units.
const BAR_AREA: i64 = 300;
/// Height of one row (label above, bar below).
const ROW: i64 = 40;

/// One bar of a distribution.
#[derive(Clone, Debug, PartialEq)]
pub struct Bar {
    /// The answer's words.
    pub label: String,
    /// How many gave it.
    pub count: i64,
    /// Its share of the people who answered, in whole percent.
    pub percent: i64,
    /// The bar's length in SVG units.
    pub width: i64,
    /// The top of its row in SVG units.
    pub y: i64,
}

impl Bar {
    /// Where the label's baseline sits.
    pub fn label_y(&self) -> i64 {
        self.y + 14
    }

    /// Where the bar starts.
    pub fn bar_y(&self) -> i64 {
        self.y + 20
    }

    /// Where the number after the bar sits.
    pub fn value_x(&self) -> i64 {
        self.width + 6
    }

    /// The baseline of the number after the bar.
    pub fn value_y(&self) -> i64 {
        self.y + 32
    }
}

/// The answers of one group of people to one question.
#[derive(Clone, Debug)]
pub struct Group {
    /// Who: "Everyone", "Mentees", "Mentors", "Coordinators".
    pub label: &'static str,
    /// How many in the group answered the question.
    pub answered: i64,
    /// Whether the group is large enough to show.
    pub shown: bool,
    /// The distribution, empty when hidden or for free text.
    pub bars: Vec<Bar>,
    /// A one-line summary: the average, or the net promoter score.
    pub summary: String,
}

impl Group {
    /// The chart's height in SVG units.
    pub fn chart_height(&self) -> i64 {
        (self.bars.len() as i64 * ROW).max(ROW)
    }
}

/// One question's results.
#[derive(Clone, Debug)]
pub struct QuestionResult {
    /// The question.
    pub question: Question,
    /// Everyone first, then the breakdown by role when it may be shown.
    pub groups: Vec<Group>,
    /// Whether a breakdown exists but is hidden because one of its groups is small.
    pub breakdown_hidden: bool,
    /// The free-text answers, when shown, in their display order.
    pub texts: Vec<String>,
}

impl QuestionResult {
    /// The group of everyone who answered.
    pub fn everyone(&self) -> Option<&Group> {
        self.groups.first()
    }
}

/// The counts a question's results are built from, as the store gives them.
pub struct Counts<'a> {
    /// The roles the survey asked, in order.
    pub roles: &'a [String],
    /// (question id, role, number, count) for numbered and choice answers.
    pub numbers: &'a [(i64, String, i64, i64)],
    /// (question id, role, people who answered).
    pub answered: &'a [(i64, String, i64)],
}

/// The label of a role's group.
pub fn role_label(role: &str) -> &'static str {
    match role {
        "mentee" => "Mentees",
        "mentor" => "Mentors",
        "coordinator" => "Coordinators",
        _ => "Others",
    }
}

/// Builds one question's results from the counts, hiding what the rules say to hide.
/// `texts` are the free-text answers as (answer id, text); `seed` fixes their order.
pub fn question_result(
    question: &Question,
    counts: &Counts,
    texts: Vec<(i64, String)>,
    seed: i64,
) -> QuestionResult {
    let everyone = group(question, "Everyone", counts, None);
    let mut groups = vec![everyone];

    let mut breakdown_hidden = false;
    if counts.roles.len() > 1 {
        let by_role: Vec<Group> = counts
            .roles
            .iter()
            .map(|role| group(question, role_label(role), counts, Some(role)))
            .collect();
        if by_role.iter().all(|g| g.shown) {
            groups.extend(by_role);
        } else {
            breakdown_hidden = true;
        }
    }

    let texts = if groups[0].shown && question.kind() == QuestionKind::Text {
        shuffled(texts, seed)
    } else {
        Vec::new()
    };
    QuestionResult {
        question: question.clone(),
        groups,
        breakdown_hidden,
        texts,
    }
}

fn group(question: &Question, label: &'static str, counts: &Counts, role: Option<&str>) -> Group {
    let in_group = |r: &str| role.is_none_or(|wanted| wanted == r);
    let answered: i64 = counts
        .answered
        .iter()
        .filter(|(q, r, _)| *q == question.id && in_group(r))
        .map(|(_, _, n)| n)
        .sum();
    let shown = may_show(answered);
    if !shown || question.kind() == QuestionKind::Text {
        return Group {
            label,
            answered,
            shown,
            bars: Vec::new(),
            summary: String::new(),
        };
    }

    let count_of = |number: i64| -> i64 {
        counts
            .numbers
            .iter()
            .filter(|(q, r, n, _)| *q == question.id && in_group(r) && *n == number)
            .map(|(_, _, _, c)| c)
            .sum()
    };
    let options = options(question);
    let tallies: Vec<(i64, String, i64)> = options
        .into_iter()
        .map(|(number, label)| (number, label, count_of(number)))
        .collect();
    let bars = tallies
        .iter()
        .enumerate()
        .map(|(row, (_, label, count))| {
            let share = percent(*count, answered);
            Bar {
                label: label.clone(),
                count: *count,
                percent: share,
                width: BAR_AREA * count / answered.max(1),
                y: row as i64 * ROW,
            }
        })
        .collect();
    Group {
        label,
        answered,
        shown,
        bars,
        summary: summary(question.kind(), &tallies, answered),
    }
}

// The answers a question offers, as (stored number, words).
fn options(question: &Question) -> Vec<(i64, String)> {
    if question.is_numbered() {
        return question
            .numbers()
            .into_iter()
            .map(|(n, words)| {
                let label = if words.is_empty() {
                    n.to_string()
                } else {
                    format!("{n} ({words})")
                };
                (n, label)
            })
            .collect();
    }
    question
        .choice_list()
        .into_iter()
        .enumerate()
        .map(|(index, words)| (index as i64, words.to_owned()))
        .collect()
}

fn summary(kind: QuestionKind, tallies: &[(i64, String, i64)], answered: i64) -> String {
    match kind {
        QuestionKind::Scale => {
            let total: i64 = tallies.iter().map(|(n, _, c)| n * c).sum();
            format!("Average {} out of 5", mean_text(total, answered))
        }
        QuestionKind::ZeroToTen => {
            let score = net_promoter_score(tallies, answered);
            format!(
                "Net promoter score {score:+} (the share who chose 9 or 10 minus the share \
                 who chose 0 to 6)"
            )
        }
        _ => String::new(),
    }
}

/// The net promoter score of 0-to-10 answers: percent of 9 and 10 minus percent of 0 to 6.
pub fn net_promoter_score(tallies: &[(i64, String, i64)], answered: i64) -> i64 {
    let promoters: i64 = tallies.iter().filter(|t| t.0 >= 9).map(|t| t.2).sum();
    let detractors: i64 = tallies.iter().filter(|t| t.0 <= 6).map(|t| t.2).sum();
    percent(promoters, answered) - percent(detractors, answered)
}

/// Orders free-text answers by a keyed hash of their ids: the same every time the page is
/// shown, but unrelated to the order in which people answered.
pub fn shuffled(mut texts: Vec<(i64, String)>, seed: i64) -> Vec<String> {
    texts.sort_by_key(|(id, _)| mix((*id as u64) ^ (seed as u64).wrapping_mul(0x9E37_79B9)));
    texts.into_iter().map(|(_, text)| text).collect()
}

// SplitMix64's finalizer: a cheap, well-spread hash of one number.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Makes a cell safe to open in a spreadsheet: text that starts like a formula gets a
/// leading apostrophe, so it is shown, never run.
pub fn neutralize(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The results as CSV: aggregates only, one row per answer and group, hidden groups named
/// as hidden, free text counted but never included.
pub fn csv(title: &str, results: &[QuestionResult]) -> Result<String, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record([
        "survey", "question", "prompt", "group", "answer", "count", "percent",
    ])?;
    for result in results {
        let position = result.question.position.to_string();
        for group in &result.groups {
            let mut row = |answer: &str, count: String, share: String| {
                let cells = [
                    title,
                    &position,
                    &result.question.prompt,
                    group.label,
                    answer,
                    &count,
                    &share,
                ];
                writer.write_record(cells.iter().map(|c| neutralize(c).into_owned()))
            };
            if !group.shown {
                row("hidden: fewer than 5 answers", String::new(), String::new())?;
            } else if result.question.is_text() {
                row(
                    "free-text answers (not exported)",
                    group.answered.to_string(),
                    String::new(),
                )?;
            } else {
                for bar in &group.bars {
                    row(&bar.label, bar.count.to_string(), bar.percent.to_string())?;
                }
            }
        }
        if result.breakdown_hidden {
            let cells = [title, &position, &result.question.prompt, "by role"];
            let mut record: Vec<String> =
                cells.iter().map(|c| neutralize(c).into_owned()).collect();
            record.extend([
                "hidden: a group has fewer than 5 answers".into(),
                String::new(),
                String::new(),
            ]);
            writer.write_record(&record)?;
        }
    }
    let bytes = writer.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: QuestionKind) -> Question {
        Question {
            id: 7,
            position: 1,
            kind: kind.code().into(),
            prompt: "How well is it going?".into(),
            choices: match kind {
                QuestionKind::Single => "Yes\nNo".into(),
                _ => "Not at all\nVery well".into(),
            },
            required: true,
        }
    }

    fn roles(list: &[&str]) -> Vec<String> {
        list.iter().map(|r| (*r).to_owned()).collect()
    }

    #[test]
    fn fewer_than_five_answers_hide_the_numbers() {
        let q = question(QuestionKind::Scale);
        let roles = roles(&["mentee"]);
        let numbers = vec![(7, "mentee".into(), 4, 4)];
        let answered = vec![(7, "mentee".into(), 4)];
        let counts = Counts {
            roles: &roles,
            numbers: &numbers,
            answered: &answered,
        };
        let result = question_result(&q, &counts, Vec::new(), 1);
        let everyone = &result.groups[0];
        assert!(!everyone.shown);
        assert!(everyone.bars.is_empty() && everyone.summary.is_empty());
    }

    #[test]
    fn five_answers_show_bars_and_the_average() {
        let q = question(QuestionKind::Scale);
        let roles = roles(&["mentee"]);
        let numbers = vec![(7, "mentee".into(), 4, 3), (7, "mentee".into(), 5, 2)];
        let answered = vec![(7, "mentee".into(), 5)];
        let counts = Counts {
            roles: &roles,
            numbers: &numbers,
            answered: &answered,
        };
        let result = question_result(&q, &counts, Vec::new(), 1);
        let everyone = &result.groups[0];
        assert!(everyone.shown);
        assert_eq!(everyone.bars.len(), 5);
        assert_eq!(everyone.bars[3].count, 3);
        assert_eq!(everyone.bars[3].percent, 60);
        assert_eq!(everyone.bars[0].label, "1 (Not at all)");
        assert_eq!(everyone.summary, "Average 4.4 out of 5");
    }

    #[test]
    fn a_breakdown_with_one_small_group_is_hidden_whole() {
        let q = question(QuestionKind::Single);
        let roles = roles(&["mentee", "mentor"]);
        let numbers = vec![(7, "mentee".into(), 0, 6), (7, "mentor".into(), 1, 3)];
        let answered = vec![(7, "mentee".into(), 6), (7, "mentor".into(), 3)];
        let counts = Counts {
            roles: &roles,
            numbers: &numbers,
            answered: &answered,
        };
        let result = question_result(&q, &counts, Vec::new(), 1);
        assert_eq!(
            result.groups.len(),
            1,
            "only everyone: mentees alone would give mentors away"
        );
        assert!(result.breakdown_hidden);
        assert_eq!(result.groups[0].answered, 9);
    }

    #[test]
    fn free_text_shows_from_five_answers_in_a_stable_shuffled_order() {
        let q = question(QuestionKind::Text);
        let roles = roles(&["mentee"]);
        let texts: Vec<(i64, String)> = (1..=6).map(|i| (i, format!("answer {i}"))).collect();
        let few = vec![(7, "mentee".into(), 4)];
        let enough = vec![(7, "mentee".into(), 6)];
        let hidden = question_result(
            &q,
            &Counts {
                roles: &roles,
                numbers: &[],
                answered: &few,
            },
            texts.clone(),
            3,
        );
        assert!(hidden.texts.is_empty());

        let shown = question_result(
            &q,
            &Counts {
                roles: &roles,
                numbers: &[],
                answered: &enough,
            },
            texts.clone(),
            3,
        );
        let again = shuffled(texts.clone(), 3);
        assert_eq!(shown.texts, again, "the same order every time");
        assert_eq!(shown.texts.len(), 6);
        let in_order: Vec<String> = texts.into_iter().map(|t| t.1).collect();
        assert_ne!(shown.texts, in_order, "not the order of answering");
    }

    #[test]
    fn five_is_the_floor_and_means_round_half_up() {
        assert!(!may_show(MIN_GROUP - 1));
        assert!(may_show(MIN_GROUP));
        assert_eq!(mean_text(22, 5), "4.4");
        assert_eq!(mean_text(21, 6), "3.5", "3.5 exactly");
        assert_eq!(mean_text(41, 6), "6.8", "6.83 rounds down");
        assert_eq!(mean_text(0, 0), "0.0", "no division by zero");
    }

    #[test]
    fn the_net_promoter_score_counts_nines_and_tens_against_zero_to_six() {
        let tallies = vec![
            (10, String::new(), 5),
            (8, String::new(), 3),
            (3, String::new(), 2),
        ];
        assert_eq!(net_promoter_score(&tallies, 10), 30);
    }

    #[test]
    fn cells_that_look_like_formulas_are_neutralized() {
        for cell in ["=SUM(A1)", "+1", "-2", "@cmd", "\tx"] {
            assert_eq!(neutralize(cell), format!("'{cell}"));
        }
        assert_eq!(neutralize("Mentees"), "Mentees");
        assert_eq!(neutralize("4 (Good)"), "4 (Good)");
    }

    #[test]
    fn the_csv_holds_aggregates_and_marks_hidden_groups() {
        let mut q = question(QuestionKind::Single);
        q.prompt = "=HYPERLINK(\"x\")".into();
        let roles = roles(&["mentee"]);
        let numbers = vec![(7, "mentee".into(), 0, 5)];
        let answered = vec![(7, "mentee".into(), 5)];
        let counts = Counts {
            roles: &roles,
            numbers: &numbers,
            answered: &answered,
        };
        let shown = question_result(&q, &counts, Vec::new(), 1);
        let text = csv("Midpoint", &[shown]).unwrap_or_default();
        assert!(text.contains("Yes,5,100"), "{text}");
        assert!(text.contains("'=HYPERLINK"), "{text}");

        let few = vec![(7, "mentee".into(), 2)];
        let hidden = question_result(
            &q,
            &Counts {
                roles: &roles,
                numbers: &numbers,
                answered: &few,
            },
            Vec::new(),
            1,
        );
        let text = csv("Midpoint", &[hidden]).unwrap_or_default();
        assert!(text.contains("hidden: fewer than 5 answers"));
        assert!(!text.contains("Yes"));
    }
}
