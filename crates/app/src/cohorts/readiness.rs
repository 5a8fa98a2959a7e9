//! Readiness to graduate: a plain function of a coordinator's records against their
//! cohort's requirements.
//!
//! The inputs are plain numbers, read from convenings and the resource library by
//! [`crate::cohorts::store::earned`], plus any credit given by hand with a reason.

/// What a cohort asks of each coordinator besides its modules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Requirements {
    /// Coordinator convenings to attend.
    pub min_convenings: i64,
    /// Resources to contribute to the library, published.
    pub min_resources: i64,
    /// Sessions to co-facilitate.
    pub min_sessions: i64,
}

impl Default for Requirements {
    /// Four convenings, one published resource, one co-facilitated session.
    fn default() -> Self {
        Requirements {
            min_convenings: 4,
            min_resources: 1,
            min_sessions: 1,
        }
    }
}

/// What a coordinator has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Modules in the cohort's curriculum.
    pub modules_total: i64,
    /// Of those, the ones this coordinator finished.
    pub modules_done: i64,
    /// Convenings attended.
    pub convenings: i64,
    /// Resources contributed and published.
    pub resources: i64,
    /// Sessions co-facilitated.
    pub sessions: i64,
}

/// One requirement and how far along it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// What is asked.
    pub label: &'static str,
    /// How many are done (never more than needed, for display).
    pub done: i64,
    /// How many are needed.
    pub needed: i64,
}

impl Step {
    /// Whether this step is met.
    pub fn is_met(&self) -> bool {
        self.done >= self.needed
    }
}

/// A coordinator's readiness to graduate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Readiness {
    /// Every step, in the order pages show them.
    pub steps: Vec<Step>,
}

impl Readiness {
    /// Ready when every step is met.
    pub fn is_ready(&self) -> bool {
        self.steps.iter().all(Step::is_met)
    }

    /// The share of the required work done, from 0 to 100.
    pub fn percent(&self) -> i64 {
        let needed: i64 = self.steps.iter().map(|s| s.needed).sum();
        if needed == 0 {
            return 100;
        }
        let done: i64 = self.steps.iter().map(|s| s.done).sum();
        done * 100 / needed
    }

    /// The steps still open, in words, such as `2 of 4 convenings attended`.
    pub fn missing(&self) -> Vec<String> {
        self.steps
            .iter()
            .filter(|s| !s.is_met())
            .map(|s| format!("{} of {} {}", s.done, s.needed, s.label))
            .collect()
    }
}

/// Computes readiness: every module done, and each collaboration requirement met.
pub fn assess(requirements: &Requirements, progress: &Progress) -> Readiness {
    let step = |label, done: i64, needed: i64| Step {
        label,
        done: done.clamp(0, needed.max(0)),
        needed: needed.max(0),
    };
    Readiness {
        steps: vec![
            step(
                "modules completed",
                progress.modules_done,
                progress.modules_total,
            ),
            step(
                "convenings attended",
                progress.convenings,
                requirements.min_convenings,
            ),
            step(
                "resources contributed",
                progress.resources,
                requirements.min_resources,
            ),
            step(
                "sessions co-facilitated",
                progress.sessions,
                requirements.min_sessions,
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(modules: (i64, i64), convenings: i64, resources: i64, sessions: i64) -> Progress {
        Progress {
            modules_total: modules.0,
            modules_done: modules.1,
            convenings,
            resources,
            sessions,
        }
    }

    #[test]
    fn a_coordinator_who_met_every_default_requirement_is_ready() {
        let readiness = assess(&Requirements::default(), &progress((5, 5), 4, 1, 1));
        assert!(readiness.is_ready());
        assert_eq!(readiness.percent(), 100);
        assert!(readiness.missing().is_empty());
    }

    #[test]
    fn one_missing_convening_keeps_a_coordinator_from_being_ready() {
        let readiness = assess(&Requirements::default(), &progress((5, 5), 3, 2, 1));
        assert!(!readiness.is_ready());
        assert_eq!(readiness.missing(), ["3 of 4 convenings attended"]);
    }

    #[test]
    fn extra_records_do_not_make_up_for_unfinished_modules() {
        let readiness = assess(&Requirements::default(), &progress((6, 2), 12, 5, 3));
        assert!(!readiness.is_ready());
        assert_eq!(readiness.missing(), ["2 of 6 modules completed"]);
        // 2 + 4 + 1 + 1 done of 6 + 4 + 1 + 1 needed.
        assert_eq!(readiness.percent(), 66);
    }

    #[test]
    fn a_cohort_may_waive_a_requirement_by_setting_it_to_zero() {
        let none = Requirements {
            min_convenings: 0,
            min_resources: 0,
            min_sessions: 0,
        };
        assert!(assess(&none, &progress((0, 0), 0, 0, 0)).is_ready());
        assert_eq!(assess(&none, &Progress::default()).percent(), 100);
    }
}
