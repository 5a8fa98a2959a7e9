//! The rules of a mentorship that need no database: cadence, health, the checks on a logged
//! meeting, and the monthly discussion prompt.

use chrono::{DateTime, NaiveDate, Utc};

use crate::platform::web::forms::FieldErrors;

/// The shortest meeting worth logging, in minutes.
pub const MIN_MINUTES: i64 = 5;
/// The longest meeting one entry may log, in minutes: a long working day.
pub const MAX_MINUTES: i64 = 600;
/// Days from the start after which both are asked whether the match fits.
pub const FIT_QUESTION_DAY: i64 = 30;

/// The statuses of the mentorships whose people a cycle's surveys ask: running and completed
/// ones. A pair that ended early (re-paired, or ended by one of them) is asked neither the
/// midpoint nor the end survey: both would ask about a mentorship that is over before its
/// time, and its people are reached through their other pairs of the cycle, if any.
pub const SURVEYED_STATUSES: [&str; 2] = ["active", "completed"];

/// How a pair meets.
pub const MODES: [(&str, &str); 4] = [
    ("video", "Video call"),
    ("phone", "Phone"),
    ("in_person", "In person"),
    ("written", "Email or chat"),
];

/// The answers to "does this match fit?".
pub const FIT_ANSWERS: [(&str, &str); 3] = [
    ("good", "Yes, it fits well"),
    ("unsure", "Not sure yet"),
    ("poor", "No, it does not fit"),
];

/// The words for a mode code; the code itself when unknown.
pub fn mode_label(code: &str) -> &str {
    MODES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label)
}

/// The words for a fit answer code.
pub fn fit_label(code: &str) -> &str {
    FIT_ANSWERS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, label)| label)
}

/// The longest quiet spell a cadence allows before a pair is no longer on track, in days.
/// An unknown code reads as monthly, the programs' usual rhythm.
pub fn cadence_days(cadence: &str) -> i64 {
    match cadence {
        "biweekly" => 14,
        "quarterly" => 92,
        _ => 31,
    }
}

/// How a pair is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Health {
    /// Quiet for more than twice its cadence: raised to the liaison. Sorts first, as it
    /// needs attention first.
    Stalled,
    /// Late for its cadence, or one of the pair says the match does not fit.
    AtRisk,
    /// Meeting as agreed.
    OnTrack,
}

impl Health {
    /// Every state, most urgent first.
    pub const ALL: [Health; 3] = [Health::Stalled, Health::AtRisk, Health::OnTrack];

    /// The stored and CSV code.
    pub fn code(self) -> &'static str {
        match self {
            Health::Stalled => "stalled",
            Health::AtRisk => "at_risk",
            Health::OnTrack => "on_track",
        }
    }

    /// The words shown on pages: never color alone.
    pub fn label(self) -> &'static str {
        match self {
            Health::Stalled => "Stalled",
            Health::AtRisk => "At risk",
            Health::OnTrack => "On track",
        }
    }
}

/// The highest answer to a midpoint check-in's "how is it going" question (1 to 5) that
/// reports difficulty: 1 and 2, the two answers below the middle of the scale.
pub const DIFFICULT_CHECK_IN: i64 = 2;

/// How long a check-in that reported difficulty keeps a pair at risk, in days: two monthly
/// meetings' time, for the pair and its liaison to act, after which the next check-in or the
/// meetings speak for the pair again.
pub const CHECK_IN_DAYS: i64 = 60;

/// One person's latest answer to the "how is it going" question of a midpoint check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckIn {
    /// The answer, 1 (not at all) to 5 (very well).
    pub score: i64,
    /// When it was given.
    pub answered_at: DateTime<Utc>,
}

impl CheckIn {
    /// Whether the answer reports difficulty with a mentorship that began at `started_at`,
    /// as of `today`: a 1 or a 2, given during this mentorship (so a re-paired mentee's answer
    /// about the earlier pair does not count against the new one) and at most
    /// [`CHECK_IN_DAYS`] ago.
    pub fn reports_difficulty(&self, started_at: DateTime<Utc>, today: NaiveDate) -> bool {
        let age = (today - self.answered_at.date_naive()).num_days();
        self.score <= DIFFICULT_CHECK_IN && self.answered_at >= started_at && age <= CHECK_IN_DAYS
    }
}

/// What the pair's own answers say, apart from the quiet between meetings, that puts it at
/// risk. It never says which of the two answered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Concerns {
    /// One of them answered that the match does not fit.
    pub poor_fit: bool,
    /// One of them reported difficulty in a recent midpoint check-in.
    pub difficult_check_in: bool,
}

impl Concerns {
    /// The concerns of a mentorship that began at `started_at`, from the answers given: a
    /// poor fit as answered, and whether any of `check_ins` reports difficulty today.
    pub fn from_answers(
        poor_fit: bool,
        check_ins: &[CheckIn],
        started_at: DateTime<Utc>,
        today: NaiveDate,
    ) -> Concerns {
        Concerns {
            poor_fit,
            difficult_check_in: check_ins
                .iter()
                .any(|c| c.reports_difficulty(started_at, today)),
        }
    }

    /// Whether there is any concern.
    pub fn any(self) -> bool {
        self.poor_fit || self.difficult_check_in
    }

    /// The concerns in words, as pages give them beside the health.
    pub fn reasons(self) -> Vec<&'static str> {
        let mut reasons = Vec::new();
        if self.poor_fit {
            reasons.push("poor fit reported");
        }
        if self.difficult_check_in {
            reasons.push("a recent check-in reported difficulty");
        }
        reasons
    }
}

/// A pair's health from the days since its last meeting (or its start, before the first
/// meeting) against its cadence, and the concerns its people raised.
///
/// A pair is at risk once the quiet spell passes the cadence by a quarter (a monthly pair
/// gets a week's grace), or as soon as one of them says the match does not fit or reports
/// difficulty in a check-in; it is stalled once the spell passes twice the cadence, whatever
/// the answers say.
pub fn health(cadence: &str, since: NaiveDate, today: NaiveDate, concerns: Concerns) -> Health {
    let allowed = cadence_days(cadence);
    let quiet = (today - since).num_days();
    if quiet > 2 * allowed {
        Health::Stalled
    } else if quiet > allowed + allowed / 4 || concerns.any() {
        Health::AtRisk
    } else {
        Health::OnTrack
    }
}

/// The day the next meeting is due by, to stay on track.
pub fn next_meeting_due(cadence: &str, since: NaiveDate) -> NaiveDate {
    since + chrono::Days::new(cadence_days(cadence).unsigned_abs())
}

/// Checks a meeting's date and length: not in the future, not before the pair began, and a
/// length a meeting can have. Messages go to the `met_on` and `minutes` fields.
pub fn check_meeting(
    errors: &mut FieldErrors,
    met_on: Option<NaiveDate>,
    minutes: Option<i64>,
    started_on: NaiveDate,
    today: NaiveDate,
) {
    match met_on {
        None => errors.add("met_on", "Enter the date you met, like 2026-03-14."),
        Some(day) if day > today => errors.add(
            "met_on",
            "The date is in the future. Log a meeting once it has taken place.",
        ),
        Some(day) if day < started_on => errors.add(
            "met_on",
            format!(
                "The date is before your mentorship began on {}.",
                started_on.format("%B %-d, %Y")
            ),
        ),
        Some(_) => {}
    }
    match minutes {
        None => errors.add("minutes", "Enter how long you met, in minutes, like 45."),
        Some(m) if !(MIN_MINUTES..=MAX_MINUTES).contains(&m) => errors.add(
            "minutes",
            format!("Enter a length from {MIN_MINUTES} to {MAX_MINUTES} minutes."),
        ),
        Some(_) => {}
    }
}

/// Reads a date typed as `YYYY-MM-DD`.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok()
}

/// One prompt of the built-in library: for a career stage (or any), about a topic (or any).
struct Prompt {
    stage: Option<&'static str>,
    topic: Option<&'static str>,
    text: &'static str,
}

const fn prompt(
    stage: Option<&'static str>,
    topic: Option<&'static str>,
    text: &'static str,
) -> Prompt {
    Prompt { stage, topic, text }
}

/// The discussion prompts, from the most specific to the most general.
const PROMPTS: [Prompt; 18] = [
    prompt(
        Some("student"),
        Some("job_search"),
        "Which job postings have caught your eye, and what would you need to \
         show to be a strong candidate for them?",
    ),
    prompt(
        Some("student"),
        None,
        "Which course or practicum has surprised you most, and what kind of \
         library work did it make you curious about?",
    ),
    prompt(
        Some("early"),
        Some("instruction"),
        "Walk through a session you taught recently: what worked, and what \
         would you change next time?",
    ),
    prompt(
        Some("early"),
        Some("tenure_promotion"),
        "What does your institution expect for promotion, and which piece of it \
         feels least clear to you?",
    ),
    prompt(
        Some("early"),
        None,
        "What did you learn this month that no one told you in library school?",
    ),
    prompt(
        Some("mid"),
        Some("leadership"),
        "Describe a decision you influenced without having the authority to \
         make it. What would you do the same way again?",
    ),
    prompt(
        Some("mid"),
        Some("supervision"),
        "Think of a difficult conversation with someone you supervise: how did \
         you prepare, and how did it go?",
    ),
    prompt(
        Some("mid"),
        None,
        "Where do you want to be in five years, and which of this year's \
         projects moves you toward it?",
    ),
    prompt(
        Some("senior"),
        Some("advocacy"),
        "Who outside the library most needs to hear about its value this year, \
         and what story would persuade them?",
    ),
    prompt(
        Some("senior"),
        None,
        "What do you want your team to be able to do without you a year from \
         now?",
    ),
    prompt(
        Some("late"),
        Some("retirement_planning"),
        "What knowledge would be lost if you left tomorrow, and who could you \
         share it with now?",
    ),
    prompt(
        Some("late"),
        None,
        "Which part of your work would you most like to hand on, and to whom?",
    ),
    prompt(
        None,
        Some("well_being"),
        "What has drained your energy at work lately, and what restores it?",
    ),
    prompt(
        None,
        Some("grant_writing"),
        "Sketch a project you would fund if you had the money: who would it \
         serve, and how would you know it worked?",
    ),
    prompt(
        None,
        Some("data_services"),
        "Which question from a patron or colleague could data have answered \
         better this month?",
    ),
    prompt(
        None,
        None,
        "Look back at your goals: which one moved this month, and what is the \
         next small step?",
    ),
    prompt(
        None,
        None,
        "What is one thing you would like the other to challenge you on before \
         your next meeting?",
    ),
    prompt(
        None,
        None,
        "Share a resource, article or person that changed how you think about \
         your work.",
    ),
];

/// This month's discussion prompt for a pair: the prompts that fit the mentee's career stage
/// and needs, most specific first, taken in turn month after month so a pair sees each
/// before any repeats. `month` counts from 0, the pair's first month.
pub fn monthly_prompt(stage: &str, needs: &[String], month: usize) -> &'static str {
    let fits = |p: &&Prompt| {
        p.stage.is_none_or(|s| s == stage) && p.topic.is_none_or(|t| needs.iter().any(|n| n == t))
    };
    let specificity = |p: &Prompt| usize::from(p.stage.is_some()) + usize::from(p.topic.is_some());
    let mut fitting: Vec<&Prompt> = PROMPTS.iter().filter(fits).collect();
    // A stable sort keeps the library's order among prompts of equal specificity.
    fitting.sort_by_key(|p| std::cmp::Reverse(specificity(p)));
    fitting
        .get(month % fitting.len().max(1))
        .map_or(PROMPTS[PROMPTS.len() - 1].text, |p| p.text)
}

/// The month of a pair's mentorship a day falls in, counting from 0.
pub fn month_of(started_on: NaiveDate, today: NaiveDate) -> usize {
    usize::try_from((today - started_on).num_days().max(0) / 30).unwrap_or(0)
}

/// The share of a count in percent, rounded down; 0 when there is nothing to share.
pub fn percent(part: usize, whole: usize) -> usize {
    (part * 100).checked_div(whole).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a real day")
    }

    #[test]
    fn a_monthly_pair_is_on_track_at_risk_then_stalled_as_the_quiet_grows() {
        let since = day(2026, 1, 1);
        let cases = [
            (0, Health::OnTrack),
            (31, Health::OnTrack),
            (38, Health::OnTrack),
            (39, Health::AtRisk),
            (62, Health::AtRisk),
            (63, Health::Stalled),
            (400, Health::Stalled),
        ];
        for (days, expected) in cases {
            let today = since + chrono::Days::new(days);
            assert_eq!(
                health("monthly", since, today, Concerns::default()),
                expected,
                "{days} days"
            );
        }
    }

    #[test]
    fn the_cadence_sets_the_allowed_quiet() {
        let since = day(2026, 1, 1);
        let today = since + chrono::Days::new(20);
        let none = Concerns::default();
        assert_eq!(health("biweekly", since, today, none), Health::AtRisk);
        assert_eq!(health("monthly", since, today, none), Health::OnTrack);
        let later = since + chrono::Days::new(100);
        assert_eq!(health("quarterly", since, later, none), Health::OnTrack);
        assert_eq!(health("biweekly", since, later, none), Health::Stalled);
    }

    #[test]
    fn a_poor_fit_or_a_difficult_check_in_puts_a_meeting_pair_at_risk_but_never_hides_a_stall() {
        let since = day(2026, 1, 1);
        let late = since + chrono::Days::new(90);
        let poor_fit = Concerns {
            poor_fit: true,
            ..Concerns::default()
        };
        let check_in = Concerns {
            difficult_check_in: true,
            ..Concerns::default()
        };
        for concerns in [poor_fit, check_in] {
            assert_eq!(health("monthly", since, since, concerns), Health::AtRisk);
            assert_eq!(health("monthly", since, late, concerns), Health::Stalled);
        }
    }

    fn at(day: NaiveDate) -> DateTime<Utc> {
        day.and_hms_opt(12, 0, 0).expect("a real time").and_utc()
    }

    #[test]
    fn a_check_in_of_one_or_two_reports_difficulty_for_sixty_days() {
        let started_at = at(day(2026, 1, 1));
        let answered_at = at(day(2026, 3, 1));
        let today = day(2026, 3, 10);
        let cases = [(1, true), (2, true), (3, false), (5, false)];
        for (score, expected) in cases {
            let check_in = CheckIn { score, answered_at };
            assert_eq!(
                check_in.reports_difficulty(started_at, today),
                expected,
                "{score}"
            );
        }
        let low = CheckIn {
            score: 1,
            answered_at,
        };
        let day_60 = day(2026, 4, 30);
        assert!(low.reports_difficulty(started_at, day_60), "day 60 counts");
        let day_61 = day(2026, 5, 1);
        assert!(
            !low.reports_difficulty(started_at, day_61),
            "day 61 does not"
        );
    }

    #[test]
    fn a_check_in_given_before_this_mentorship_began_does_not_count() {
        let answered_at = at(day(2026, 3, 1));
        let low = CheckIn {
            score: 1,
            answered_at,
        };
        let re_paired_at = answered_at + chrono::Duration::hours(2);
        let today = day(2026, 3, 2);
        assert!(!low.reports_difficulty(re_paired_at, today));
        let concerns = Concerns::from_answers(false, &[low], re_paired_at, today);
        assert!(!concerns.any());
        let earlier = answered_at - chrono::Duration::days(30);
        let concerns = Concerns::from_answers(false, &[low], earlier, today);
        assert_eq!(
            concerns.reasons(),
            ["a recent check-in reported difficulty"]
        );
    }

    #[test]
    fn the_reasons_name_the_concern_and_never_who_raised_it() {
        let both = Concerns {
            poor_fit: true,
            difficult_check_in: true,
        };
        let words = both.reasons().join("; ");
        assert_eq!(
            words,
            "poor fit reported; a recent check-in reported difficulty"
        );
        assert!(!words.contains("mentee") && !words.contains("mentor"));
        assert!(Concerns::default().reasons().is_empty());
    }

    #[test]
    fn the_most_urgent_health_sorts_first() {
        let mut states = vec![Health::OnTrack, Health::Stalled, Health::AtRisk];
        states.sort();
        assert_eq!(states, Health::ALL.to_vec());
    }

    #[test]
    fn meetings_in_the_future_before_the_start_or_of_odd_length_are_refused() {
        let start = day(2026, 2, 1);
        let today = day(2026, 3, 1);
        let cases = [
            (Some(day(2026, 2, 15)), Some(45), None, None),
            (Some(day(2026, 3, 2)), Some(45), Some("future"), None),
            (Some(day(2026, 1, 31)), Some(45), Some("before"), None),
            (None, Some(45), Some("Enter the date"), None),
            (Some(today), Some(4), None, Some("from 5 to 600")),
            (Some(start), Some(601), None, Some("from 5 to 600")),
            (Some(start), None, None, Some("Enter how long")),
        ];
        for (met_on, minutes, date_message, minutes_message) in cases {
            let mut errors = FieldErrors::new();
            check_meeting(&mut errors, met_on, minutes, start, today);
            match date_message {
                Some(words) => assert!(errors.message("met_on").contains(words), "{met_on:?}"),
                None => assert_eq!(errors.message("met_on"), "", "{met_on:?}"),
            }
            match minutes_message {
                Some(words) => assert!(errors.message("minutes").contains(words)),
                None => assert_eq!(errors.message("minutes"), ""),
            }
        }
    }

    #[test]
    fn the_prompt_fits_the_stage_and_needs_and_changes_each_month() {
        let needs = vec!["leadership".to_owned()];
        let first = monthly_prompt("mid", &needs, 0);
        assert!(first.contains("without having the authority"), "{first}");
        let second = monthly_prompt("mid", &needs, 1);
        assert_ne!(first, second);
        let student = monthly_prompt("student", &[], 0);
        assert!(student.contains("practicum"), "{student}");
        assert_eq!(
            monthly_prompt("unknown", &[], 0),
            monthly_prompt("unknown", &[], 3),
            "three general prompts cycle"
        );
    }

    #[test]
    fn months_count_from_the_start_and_never_go_negative() {
        let start = day(2026, 1, 1);
        assert_eq!(month_of(start, start), 0);
        assert_eq!(month_of(start, day(2026, 1, 31)), 1);
        assert_eq!(month_of(start, day(2025, 12, 1)), 0);
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(1, 0), 0);
    }
}
