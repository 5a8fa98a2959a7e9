//! A solver's result and the figures a coordinator compares.

use std::fmt;

use crate::instance::Instance;
use crate::profile::Stage;
use crate::rules::{RuleError, Rules, NONE};

/// A set of proposed pairs: each mentee has at most one mentor, no mentor more mentees than
/// its capacity, and every pair is a listed candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matching {
    mentor_of: Vec<u32>,
    score_of: Vec<u16>,
    matched: usize,
    total_score: u64,
}

impl Matching {
    // `assignment[i]` is mentee i's (mentor, score), or (NONE, 0) when unmatched.
    pub(crate) fn from_assignment(assignment: impl Iterator<Item = (u32, u16)>) -> Self {
        let (mentor_of, score_of): (Vec<u32>, Vec<u16>) = assignment.unzip();
        let matched = mentor_of.iter().filter(|&&m| m != NONE).count();
        let total_score = score_of.iter().map(|&s| u64::from(s)).sum();
        Self {
            mentor_of,
            score_of,
            matched,
            total_score,
        }
    }

    /// The mentor proposed to `mentee`, if any. `None` also for an index out of range.
    pub fn mentor_of(&self, mentee: u32) -> Option<u32> {
        self.mentor_of
            .get(mentee as usize)
            .copied()
            .filter(|&m| m != NONE)
    }

    /// The proposed pairs as `(mentee, mentor, score)`, by mentee.
    pub fn pairs(&self) -> impl Iterator<Item = (u32, u32, u16)> + '_ {
        self.mentor_of
            .iter()
            .zip(&self.score_of)
            .enumerate()
            .filter(|(_, (&mentor, _))| mentor != NONE)
            .map(|(mentee, (&mentor, &score))| (mentee as u32, mentor, score))
    }

    /// The number of matched mentees.
    pub fn matched(&self) -> usize {
        self.matched
    }

    /// The number of mentees in the instance.
    pub fn mentee_count(&self) -> usize {
        self.mentor_of.len()
    }

    /// The sum of the proposed pairs' scores.
    pub fn total_score(&self) -> u64 {
        self.total_score
    }

    /// The mean score of a proposed pair; 0 when nobody is matched.
    pub fn mean_score(&self) -> f64 {
        if self.matched == 0 {
            0.0
        } else {
            self.total_score as f64 / self.matched as f64
        }
    }
}

/// The figures a coordinator compares between proposals.
///
/// `blocking_pairs` counts listed, not forbidden pairs (mentee, mentor) where the mentee is
/// unmatched or strictly prefers that mentor to the proposed one, and the mentor has a free
/// place or strictly prefers the mentee to one of its proposed mentees (mentors prefer higher
/// scores, then lower mentee indices). Such a pair could agree to leave the proposal for each
/// other. Pinned mentees and the places they take are outside this count: they are not
/// negotiable. A stable matching has none.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    /// Matched mentees.
    pub matched: usize,
    /// Unmatched mentees.
    pub unmatched: usize,
    /// Unmatched mentees by career stage, indexed by [`Stage::index`]; all zero when no
    /// stages were given.
    pub unmatched_by_stage: [usize; Stage::COUNT],
    /// The sum of the proposed pairs' scores.
    pub total_score: u64,
    /// The mean score of a proposed pair.
    pub mean_score: f64,
    /// Pairs that would rather be together than in the proposal.
    pub blocking_pairs: usize,
}

impl Report {
    /// Computes the report of `matching` on `instance` under `rules`, in one pass over the
    /// candidates. `stages`, when given, holds each mentee's career stage by index and must
    /// be as long as the instance has mentees (shorter: the missing mentees are not counted
    /// by stage).
    pub fn new(
        instance: &Instance,
        matching: &Matching,
        rules: &Rules,
        stages: Option<&[Stage]>,
    ) -> Result<Self, RuleError> {
        let resolved = rules.resolve(instance)?;
        let mut unmatched_by_stage = [0; Stage::COUNT];
        if let Some(stages) = stages {
            for (mentee, stage) in stages.iter().enumerate() {
                if matching.mentor_of(mentee as u32).is_none() {
                    unmatched_by_stage[stage.index()] += 1;
                }
            }
        }
        let pinned = |mentee: u32| resolved.is_pinned(mentee);
        let free_capacity = &resolved.free_capacity;
        let forbidden = |edge: usize| resolved.forbidden_edges.contains(edge);
        Ok(Self {
            matched: matching.matched(),
            unmatched: matching.mentee_count() - matching.matched(),
            unmatched_by_stage,
            total_score: matching.total_score(),
            mean_score: matching.mean_score(),
            blocking_pairs: count_blocking_pairs(
                instance,
                matching,
                pinned,
                free_capacity,
                forbidden,
            ),
        })
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} matched, {} unmatched, total score {}, mean {:.1}, {} blocking pairs",
            self.matched, self.unmatched, self.total_score, self.mean_score, self.blocking_pairs
        )
    }
}

// A mentor's preference: higher score first, then the lower mentee index.
#[inline]
pub(crate) fn mentor_key(score: u16, mentee: u32) -> u64 {
    (u64::from(score) << 32) | u64::from(u32::MAX - mentee)
}

fn count_blocking_pairs(
    instance: &Instance,
    matching: &Matching,
    pinned: impl Fn(u32) -> bool,
    free_capacity: &[u8],
    forbidden: impl Fn(usize) -> bool,
) -> usize {
    let mentors = instance.mentor_count();
    let mut load = vec![0u8; mentors];
    let mut worst = vec![u64::MAX; mentors];
    for (mentee, mentor, score) in matching.pairs() {
        if pinned(mentee) {
            continue;
        }
        // Mentors added to a running solver are not in the instance and cannot block.
        let (Some(load), Some(worst)) = (
            load.get_mut(mentor as usize),
            worst.get_mut(mentor as usize),
        ) else {
            continue;
        };
        *load += 1;
        *worst = (*worst).min(mentor_key(score, mentee));
    }

    let mut blocking = 0;
    for mentee in 0..instance.mentee_count() as u32 {
        if pinned(mentee) {
            continue;
        }
        let current = matching.mentor_of(mentee);
        for edge in instance.range(mentee) {
            let (mentor, score) = instance.edge_at(edge);
            // The list is the mentee's preference order: stop at its own mentor.
            if Some(mentor) == current {
                break;
            }
            if forbidden(edge) {
                continue;
            }
            let j = mentor as usize;
            let key = mentor_key(score, mentee);
            if load[j] < free_capacity[j] || key > worst[j] {
                blocking += 1;
            }
        }
    }
    blocking
}
