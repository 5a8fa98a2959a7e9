//! The career stages of the lifecycle and the taxonomy of mentorship topics.
//!
//! Each topic lists the stages where the need is common; a topic can still be
//! chosen at any stage.

use Stage::{Early, Late, Mid, Senior, Student};

/// A career stage, from library school to retirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// Enrolled in an LIS (library and information science) program.
    Student,
    /// Early career, 0 to 5 years in the profession.
    Early,
    /// Mid career, 6 to 15 years in the profession.
    Mid,
    /// Senior and leadership roles.
    Senior,
    /// Late career and transition, including retirement.
    Late,
}

impl Stage {
    /// Every stage, in career order.
    pub const ALL: [Stage; 5] = [Student, Early, Mid, Senior, Late];

    /// Stable machine code, e.g. `"early"`.
    pub fn code(self) -> &'static str {
        match self {
            Student => "student",
            Early => "early",
            Mid => "mid",
            Senior => "senior",
            Late => "late",
        }
    }

    /// Human-readable label, e.g. `"Early career (0–5 years)"`.
    pub fn label(self) -> &'static str {
        match self {
            Student => "LIS student",
            Early => "Early career (0–5 years)",
            Mid => "Mid career (6–15 years)",
            Senior => "Senior and leadership",
            Late => "Late career and transition",
        }
    }

    /// Parses a stage from its [`code`](Stage::code); `None` for an unknown code.
    pub fn parse(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// A mentorship topic: something a mentor can offer and a mentee can need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicSeed {
    /// Stable machine code, e.g. `"leadership"`.
    pub code: &'static str,
    /// Display name, e.g. `"Leadership"`.
    pub name: &'static str,
    /// Stages where the need is common, in career order.
    pub stages: &'static [Stage],
}

/// The default topic taxonomy.
pub const TOPICS: &[TopicSeed] = &[
    TopicSeed {
        code: "leadership",
        name: "Leadership",
        stages: &[Mid, Senior],
    },
    TopicSeed {
        code: "supervision",
        name: "Supervision",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "tenure_promotion",
        name: "Tenure and promotion",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "job_search",
        name: "Job search",
        stages: &[Student, Early, Mid],
    },
    TopicSeed {
        code: "instruction",
        name: "Instruction",
        stages: &[Student, Early],
    },
    TopicSeed {
        code: "cataloging_metadata",
        name: "Cataloging and metadata",
        stages: &[Student, Early, Mid],
    },
    TopicSeed {
        code: "youth_services",
        name: "Youth services",
        stages: &[Student, Early],
    },
    TopicSeed {
        code: "data_services",
        name: "Data services",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "grant_writing",
        name: "Grant writing",
        stages: &[Early, Mid, Senior],
    },
    TopicSeed {
        code: "advocacy",
        name: "Advocacy",
        stages: &[Mid, Senior],
    },
    TopicSeed {
        code: "well_being",
        name: "Well-being and burnout",
        stages: &[Student, Early, Mid, Senior, Late],
    },
    TopicSeed {
        code: "changing_library_type",
        name: "Changing library type",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "returning_to_workforce",
        name: "Returning to the workforce",
        stages: &[Mid, Late],
    },
    TopicSeed {
        code: "retirement_planning",
        name: "Retirement planning",
        stages: &[Senior, Late],
    },
    TopicSeed {
        code: "reference",
        name: "Reference services",
        stages: &[Student, Early],
    },
    TopicSeed {
        code: "collection_development",
        name: "Collection development",
        stages: &[Student, Early, Mid],
    },
    TopicSeed {
        code: "digital_scholarship",
        name: "Digital scholarship",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "archives_special_collections",
        name: "Archives and special collections",
        stages: &[Student, Early, Mid],
    },
    TopicSeed {
        code: "systems_technology",
        name: "Systems and technology",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "accessibility",
        name: "Accessibility",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "equity_inclusion",
        name: "Equity and inclusion",
        stages: &[Student, Early, Mid, Senior],
    },
    TopicSeed {
        code: "community_engagement",
        name: "Community engagement",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "budgeting",
        name: "Budgeting and finance",
        stages: &[Mid, Senior],
    },
    TopicSeed {
        code: "assessment",
        name: "Assessment and evaluation",
        stages: &[Mid, Senior],
    },
    TopicSeed {
        code: "scholarly_communication",
        name: "Scholarly communication",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "school_librarianship",
        name: "School librarianship",
        stages: &[Student, Early],
    },
    TopicSeed {
        code: "academic_liaison",
        name: "Academic liaison work",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "public_programming",
        name: "Public library programming",
        stages: &[Student, Early],
    },
    TopicSeed {
        code: "outreach",
        name: "Outreach",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "copyright",
        name: "Copyright and licensing",
        stages: &[Early, Mid],
    },
    TopicSeed {
        code: "project_management",
        name: "Project management",
        stages: &[Early, Mid, Senior],
    },
    TopicSeed {
        code: "networking_service",
        name: "Networking and professional service",
        stages: &[Student, Early, Mid],
    },
    TopicSeed {
        code: "writing_publishing",
        name: "Writing and publishing",
        stages: &[Early, Mid, Senior],
    },
    TopicSeed {
        code: "interviewing_negotiation",
        name: "Interviewing and salary negotiation",
        stages: &[Student, Early, Mid],
    },
    TopicSeed {
        code: "change_management",
        name: "Change management",
        stages: &[Mid, Senior],
    },
    TopicSeed {
        code: "strategic_planning",
        name: "Strategic planning",
        stages: &[Senior],
    },
    TopicSeed {
        code: "board_relations",
        name: "Working with boards and governance",
        stages: &[Senior],
    },
    TopicSeed {
        code: "succession_planning",
        name: "Succession and knowledge transfer",
        stages: &[Senior, Late],
    },
    TopicSeed {
        code: "encore_careers",
        name: "Consulting, part-time and encore careers",
        stages: &[Late],
    },
    TopicSeed {
        code: "mentoring_others",
        name: "Becoming a mentor",
        stages: &[Mid, Senior, Late],
    },
    TopicSeed {
        code: "work_life_balance",
        name: "Work-life balance",
        stages: &[Early, Mid, Senior],
    },
];

/// Looks up a topic by its code.
pub fn topic(code: &str) -> Option<&'static TopicSeed> {
    TOPICS.iter().find(|t| t.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn topic_codes_and_names_are_unique() {
        let codes: HashSet<_> = TOPICS.iter().map(|t| t.code).collect();
        assert_eq!(codes.len(), TOPICS.len());
        let names: HashSet<_> = TOPICS.iter().map(|t| t.name).collect();
        assert_eq!(names.len(), TOPICS.len());
    }

    #[test]
    fn topic_codes_are_snake_case() {
        for t in TOPICS {
            assert!(!t.code.is_empty());
            assert!(
                t.code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{}",
                t.code
            );
        }
    }

    #[test]
    fn has_enough_topics() {
        assert!(TOPICS.len() >= 25, "{}", TOPICS.len());
    }

    #[test]
    fn every_topic_has_sorted_distinct_stages() {
        for t in TOPICS {
            assert!(!t.stages.is_empty(), "{}", t.code);
            assert!(t.stages.windows(2).all(|w| w[0] < w[1]), "{}", t.code);
        }
    }

    #[test]
    fn every_stage_is_used_by_some_topic() {
        for stage in Stage::ALL {
            assert!(
                TOPICS.iter().any(|t| t.stages.contains(&stage)),
                "{stage:?}"
            );
        }
    }

    #[test]
    fn stage_code_round_trips() {
        for stage in Stage::ALL {
            assert_eq!(Stage::parse(stage.code()), Some(stage));
            assert!(!stage.label().is_empty());
        }
        assert_eq!(Stage::parse("Early"), None);
        assert_eq!(Stage::parse(""), None);
    }

    #[test]
    fn stages_are_in_career_order() {
        assert!(Stage::ALL.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn topic_lookup_works() {
        assert_eq!(topic("leadership").map(|t| t.name), Some("Leadership"));
        assert!(topic("nope").is_none());
    }
}
