//! The built-in survey templates: the mentee and mentor midpoint and end surveys, the
//! coordinator check-in and a short program evaluation.
//!
//! A survey copies its template's questions when it is sent, so rewording a template here
//! changes future surveys only.

use crate::surveys::question::QuestionKind::{self, Multiple, Scale, Single, Text, ZeroToTen};

/// Who a survey asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The cycle's mentees.
    Mentees,
    /// The cycle's mentors.
    Mentors,
    /// The cycle's mentees and mentors.
    Both,
    /// The coordinators of the cycle's region (of every region for a national cycle).
    Coordinators,
}

impl Audience {
    /// Every audience.
    pub const ALL: [Audience; 4] = [
        Audience::Mentees,
        Audience::Mentors,
        Audience::Both,
        Audience::Coordinators,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Audience::Mentees => "mentees",
            Audience::Mentors => "mentors",
            Audience::Both => "both",
            Audience::Coordinators => "coordinators",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Mentees => "The cycle's mentees",
            Audience::Mentors => "The cycle's mentors",
            Audience::Both => "The cycle's mentees and mentors",
            Audience::Coordinators => "The coordinators of the cycle's region",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// One question of a template: kind, prompt, choices (for numbered kinds, the words at the
/// low and high end), and whether it is required.
pub type TemplateQuestion = (QuestionKind, &'static str, &'static [&'static str], bool);

/// A built-in survey.
#[derive(Clone, Copy, Debug)]
pub struct SurveyTemplate {
    /// The stored code, also the survey's kind in response summaries.
    pub code: &'static str,
    /// The title people see.
    pub title: &'static str,
    /// The audiences it may be sent to; the first is the default.
    pub audiences: &'static [Audience],
    /// A sentence that opens the survey.
    pub introduction: &'static str,
    /// Its questions, in order.
    pub questions: &'static [TemplateQuestion],
}

const NOT_AT_ALL: &[&str] = &["Not at all", "Very well"];
const SATISFIED: &[&str] = &["Very dissatisfied", "Very satisfied"];
const LIKELY: &[&str] = &["Not at all likely", "Extremely likely"];
const MEETINGS: &[&str] = &[
    "Not yet",
    "Once",
    "Two or three times",
    "About as often as we agreed",
    "More often than we agreed",
];
const GOALS_REACHED: &[&str] = &["None", "Some", "About half", "Most", "All of them"];

/// Every built-in template.
pub const TEMPLATES: [SurveyTemplate; 6] = [
    SurveyTemplate {
        code: "mentee_midpoint",
        title: "Mentee midpoint check-in",
        audiences: &[Audience::Mentees],
        introduction: "You are halfway through your mentorship. Tell us how it is going, so \
                       the program can help where it is needed.",
        questions: &[
            (
                Scale,
                "How well is your mentorship meeting your needs so far?",
                NOT_AT_ALL,
                true,
            ),
            (
                Single,
                "How often have you and your mentor met since the kickoff?",
                MEETINGS,
                true,
            ),
            (
                Multiple,
                "Which topics have you worked on together?",
                &[
                    "Career planning and job search",
                    "Supervision and leadership",
                    "Instruction and outreach",
                    "Collections, cataloging or metadata",
                    "Tenure, promotion or publishing",
                    "A difficult situation at work",
                    "Well-being and balance",
                ],
                false,
            ),
            (
                Scale,
                "How comfortable are you raising difficult questions with your mentor?",
                &["Not at all comfortable", "Completely comfortable"],
                true,
            ),
            (
                Single,
                "How confident are you that you will reach the goals in your agreement?",
                &[
                    "Not confident",
                    "Somewhat confident",
                    "Confident",
                    "Very confident",
                    "We have not set goals yet",
                ],
                true,
            ),
            (
                Text,
                "What would make the second half of your mentorship more useful?",
                &[],
                false,
            ),
        ],
    },
    SurveyTemplate {
        code: "mentor_midpoint",
        title: "Mentor midpoint check-in",
        audiences: &[Audience::Mentors],
        introduction: "You are halfway through this mentorship. Tell us how it is going and \
                       what would help you as a mentor.",
        questions: &[
            (
                Scale,
                "How well is the mentorship going from your side?",
                NOT_AT_ALL,
                true,
            ),
            (
                Single,
                "How often have you and your mentee met since the kickoff?",
                MEETINGS,
                true,
            ),
            (
                Scale,
                "How clear are your mentee's goals to you?",
                &["Not clear", "Very clear"],
                true,
            ),
            (
                Single,
                "Do you have the time this mentorship needs?",
                &[
                    "Yes, comfortably",
                    "Yes, but it is tight",
                    "Not really",
                    "No",
                ],
                true,
            ),
            (
                Multiple,
                "What support from the program would help you now?",
                &[
                    "Conversation prompts",
                    "Readings and tools from the library",
                    "A talk with my liaison coordinator",
                    "Meeting other mentors in a circle",
                    "Training in mentoring skills",
                ],
                false,
            ),
            (
                Text,
                "What has worked well so far, and what has been hard?",
                &[],
                false,
            ),
        ],
    },
    SurveyTemplate {
        code: "mentee_end",
        title: "Mentee end-of-mentorship survey",
        audiences: &[Audience::Mentees],
        introduction: "Your mentorship is coming to an end. Your answers shape the next cycle.",
        questions: &[
            (
                ZeroToTen,
                "How likely are you to recommend this mentorship program to a colleague?",
                LIKELY,
                true,
            ),
            (
                Scale,
                "Overall, how satisfied are you with your mentorship?",
                SATISFIED,
                true,
            ),
            (
                Single,
                "How much of the goals in your agreement did you reach?",
                GOALS_REACHED,
                true,
            ),
            (
                Multiple,
                "What changed for you through the mentorship?",
                &[
                    "I applied for or started a new position",
                    "I took on new responsibilities",
                    "I widened my professional network",
                    "I feel more confident at work",
                    "I published or presented",
                    "I have a plan for my next career step",
                ],
                false,
            ),
            (
                Single,
                "Would you like to mentor someone in a coming cycle?",
                &["Yes", "Maybe later in my career", "No"],
                true,
            ),
            (
                Text,
                "What did your mentor do that made a difference?",
                &[],
                false,
            ),
            (Text, "How could the program improve?", &[], false),
        ],
    },
    SurveyTemplate {
        code: "mentor_end",
        title: "Mentor end-of-mentorship survey",
        audiences: &[Audience::Mentors],
        introduction: "Thank you for mentoring this cycle. Tell us how it went.",
        questions: &[
            (
                ZeroToTen,
                "How likely are you to recommend mentoring in this program to a colleague?",
                LIKELY,
                true,
            ),
            (
                Scale,
                "Overall, how satisfied are you with your mentorship?",
                SATISFIED,
                true,
            ),
            (
                Single,
                "How much of their goals do you think your mentee reached?",
                GOALS_REACHED,
                true,
            ),
            (
                Scale,
                "How well did the program prepare and support you as a mentor?",
                NOT_AT_ALL,
                true,
            ),
            (
                Single,
                "Would you mentor again in a coming cycle?",
                &["Yes", "Yes, with fewer mentees", "Not now"],
                true,
            ),
            (Text, "What advice would you give a new mentor?", &[], false),
        ],
    },
    SurveyTemplate {
        code: "coordinator_checkin",
        title: "Coordinator check-in",
        audiences: &[Audience::Coordinators],
        introduction: "A short check-in for the coordinators who look after this cycle's pairs.",
        questions: &[
            (
                Scale,
                "How manageable is your coordinating workload this cycle?",
                &["Not manageable", "Very manageable"],
                true,
            ),
            (
                Single,
                "How many of the cycle's pairs worry you right now?",
                &["None", "One or two", "Three to five", "More than five"],
                true,
            ),
            (
                Multiple,
                "Where would help from the national office make a difference?",
                &[
                    "Recruiting mentors",
                    "Matching",
                    "Pairs that have stalled",
                    "Difficult conversations",
                    "Reporting",
                    "Finding a backup coordinator",
                ],
                false,
            ),
            (
                Scale,
                "How supported do you feel by the coordinator network?",
                &["Not supported", "Very supported"],
                true,
            ),
            (Text, "What should the national office know?", &[], false),
        ],
    },
    SurveyTemplate {
        code: "program_evaluation",
        title: "Program evaluation",
        audiences: &[Audience::Both, Audience::Mentees, Audience::Mentors],
        introduction: "Four quick questions about the mentorship program as a whole.",
        questions: &[
            (
                ZeroToTen,
                "How likely are you to recommend the program to a colleague?",
                LIKELY,
                true,
            ),
            (
                Scale,
                "How well did your match fit what you needed?",
                NOT_AT_ALL,
                true,
            ),
            (
                Scale,
                "How useful were the program's prompts and library resources?",
                &["Not useful", "Very useful"],
                false,
            ),
            (
                Text,
                "What one change would most improve the program?",
                &[],
                false,
            ),
        ],
    },
];

/// The midpoint check-ins' question on how the mentorship is going, on a 1-to-5 scale: the
/// template, the role that answers it, and the question's position. Mentorship health reads
/// the latest answer of each of the pair (see [`latest_check_ins`]).
///
/// [`latest_check_ins`]: crate::surveys::store::latest_check_ins
pub const HOW_IT_IS_GOING: [(&str, &str, i64); 2] = [
    ("mentee_midpoint", "mentee", 1),
    ("mentor_midpoint", "mentor", 1),
];

/// A template by code.
pub fn template(code: &str) -> Option<&'static SurveyTemplate> {
    TEMPLATES.iter().find(|t| t.code == code)
}

/// The title of a survey kind, or the code itself for an unknown one.
pub fn kind_title(code: &str) -> &str {
    template(code).map_or(code, |t| t.title)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::surveys::question::MAX_QUESTIONS;

    #[test]
    fn every_template_is_well_formed() {
        for template in TEMPLATES {
            assert!(!template.audiences.is_empty(), "{}", template.code);
            assert!(
                template.questions.len() <= MAX_QUESTIONS,
                "{}",
                template.code
            );
            for (kind, prompt, choices, _) in template.questions {
                let expected = match kind {
                    Single | Multiple => choices.len() >= 2,
                    Scale | ZeroToTen => choices.len() == 2,
                    Text => choices.is_empty(),
                };
                assert!(expected, "{}: {prompt}", template.code);
                assert!(choices.iter().all(|c| !c.contains('\n')));
            }
        }
    }

    #[test]
    fn health_reads_a_scale_question_the_role_is_asked() {
        for (code, role, position) in HOW_IT_IS_GOING {
            let template = template(code).expect("a built-in template");
            let index = usize::try_from(position - 1).expect("positions count from 1");
            let (kind, prompt, _, required) = template.questions[index];
            assert_eq!(kind, Scale, "{code}");
            assert!(required, "{code}");
            assert!(prompt.starts_with("How well is"), "{code}: {prompt}");
            let audience = if role == "mentee" {
                Audience::Mentees
            } else {
                Audience::Mentors
            };
            assert_eq!(template.audiences, &[audience][..], "{code}");
        }
    }

    #[test]
    fn the_check_in_is_for_coordinators_and_the_evaluation_for_pairs() {
        let check_in = template("coordinator_checkin").map(|t| t.audiences);
        assert_eq!(check_in, Some(&[Audience::Coordinators][..]));
        let evaluation = template("program_evaluation").map(|t| t.audiences[0]);
        assert_eq!(evaluation, Some(Audience::Both));
        assert!(template("unknown").is_none());
    }
}
