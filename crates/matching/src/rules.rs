//! Pinned and forbidden pairs: a coordinator's decisions that every solver honors.

use std::collections::HashSet;
use std::fmt;

use crate::instance::Instance;

pub(crate) const NONE: u32 = u32::MAX;

/// Pairs a coordinator has decided on before solving.
///
/// A **pinned** pair must be in the result: the mentee is matched to that mentor and takes
/// one of the mentor's places before anyone else is considered. A pinned pair must be a
/// listed candidate (add it to the instance first if the profiles would not propose it), a
/// mentee can be pinned once, and a mentor cannot be pinned more mentees than its capacity.
///
/// A **forbidden** pair is never in the result, as if it were not listed. Forbidding a pair
/// that is not listed has no effect. Declines in a running cycle become forbidden pairs.
///
/// The default value has no pins and no forbids.
///
/// ```
/// use carrel_matching::rules::Rules;
///
/// let rules = Rules::new().pin(0, 3).forbid(1, 3).forbid(2, 0);
/// assert_eq!(rules.pinned(), &[(0, 3)]);
/// assert_eq!(rules.forbidden().len(), 2);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules {
    pinned: Vec<(u32, u32)>,
    forbidden: Vec<(u32, u32)>,
}

impl Rules {
    /// No pins and no forbids.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a pinned `(mentee, mentor)` pair. Checked when a solver starts.
    #[must_use]
    pub fn pin(mut self, mentee: u32, mentor: u32) -> Self {
        self.pinned.push((mentee, mentor));
        self
    }

    /// Adds a forbidden `(mentee, mentor)` pair.
    #[must_use]
    pub fn forbid(mut self, mentee: u32, mentor: u32) -> Self {
        self.forbidden.push((mentee, mentor));
        self
    }

    /// The pinned pairs, in the order given.
    pub fn pinned(&self) -> &[(u32, u32)] {
        &self.pinned
    }

    /// The forbidden pairs, in the order given.
    pub fn forbidden(&self) -> &[(u32, u32)] {
        &self.forbidden
    }

    pub(crate) fn resolve(&self, instance: &Instance) -> Result<Resolved, RuleError> {
        let mut resolved = Resolved {
            forbidden_edges: EdgeSet::new(instance.candidate_count()),
            forbidden_pairs: HashSet::new(),
            forbidding_mentees: EdgeSet::new(instance.mentee_count()),
            pinned_edge: vec![NONE; instance.mentee_count()],
            free_capacity: instance.capacities().to_vec(),
        };
        for &(mentee, mentor) in &self.forbidden {
            check_range(instance, mentee, mentor)?;
            if let Some(edge) = instance.edge(mentee, mentor) {
                resolved.forbid(edge, mentee, mentor);
            }
        }
        for &(mentee, mentor) in &self.pinned {
            resolved.add_pin(instance, mentee, mentor)?;
        }
        Ok(resolved)
    }
}

/// Why a set of [`Rules`] cannot be applied to an instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleError {
    /// A mentee or mentor index outside the instance.
    OutOfRange {
        /// The mentee index given.
        mentee: u32,
        /// The mentor index given.
        mentor: u32,
    },
    /// A pinned pair that is not a listed candidate.
    PinNotCandidate {
        /// The mentee.
        mentee: u32,
        /// The mentor.
        mentor: u32,
    },
    /// A pair both pinned and forbidden.
    PinnedAndForbidden {
        /// The mentee.
        mentee: u32,
        /// The mentor.
        mentor: u32,
    },
    /// A mentee pinned to two mentors.
    PinnedTwice {
        /// The mentee.
        mentee: u32,
    },
    /// More pinned mentees than the mentor's capacity.
    OverCapacity {
        /// The mentor.
        mentor: u32,
    },
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfRange { mentee, mentor } => {
                write!(
                    f,
                    "pair (mentee {mentee}, mentor {mentor}) is outside the instance"
                )
            }
            Self::PinNotCandidate { mentee, mentor } => write!(
                f,
                "pinned pair (mentee {mentee}, mentor {mentor}) is not a listed candidate"
            ),
            Self::PinnedAndForbidden { mentee, mentor } => {
                write!(
                    f,
                    "pair (mentee {mentee}, mentor {mentor}) is both pinned and forbidden"
                )
            }
            Self::PinnedTwice { mentee } => write!(f, "mentee {mentee} is pinned twice"),
            Self::OverCapacity { mentor } => {
                write!(f, "mentor {mentor} has more pinned mentees than places")
            }
        }
    }
}

impl std::error::Error for RuleError {}

fn check_range(instance: &Instance, mentee: u32, mentor: u32) -> Result<(), RuleError> {
    if mentee as usize >= instance.mentee_count() || mentor as usize >= instance.mentor_count() {
        return Err(RuleError::OutOfRange { mentee, mentor });
    }
    Ok(())
}

// Rules turned into per-edge and per-mentee lookups for the solvers.
#[derive(Clone, Debug)]
pub(crate) struct Resolved {
    pub forbidden_edges: EdgeSet,
    pub forbidden_pairs: HashSet<(u32, u32)>,
    // Mentees with at least one forbidden pair, so that most lookups skip the hash set.
    pub forbidding_mentees: EdgeSet,
    // The candidate index of each mentee's pin, or NONE.
    pub pinned_edge: Vec<u32>,
    // Each mentor's capacity less its pinned mentees.
    pub free_capacity: Vec<u8>,
}

impl Resolved {
    pub fn add_pin(
        &mut self,
        instance: &Instance,
        mentee: u32,
        mentor: u32,
    ) -> Result<(), RuleError> {
        check_range(instance, mentee, mentor)?;
        let edge = instance
            .edge(mentee, mentor)
            .ok_or(RuleError::PinNotCandidate { mentee, mentor })?;
        if self.forbidden_edges.contains(edge) {
            return Err(RuleError::PinnedAndForbidden { mentee, mentor });
        }
        if self.pinned_edge[mentee as usize] != NONE {
            return Err(RuleError::PinnedTwice { mentee });
        }
        let free = &mut self.free_capacity[mentor as usize];
        *free = free
            .checked_sub(1)
            .ok_or(RuleError::OverCapacity { mentor })?;
        self.pinned_edge[mentee as usize] = edge as u32;
        Ok(())
    }

    pub fn forbid(&mut self, edge: usize, mentee: u32, mentor: u32) {
        self.forbidden_edges.insert(edge);
        self.forbidden_pairs.insert((mentee, mentor));
        self.forbidding_mentees.insert(mentee as usize);
    }

    #[inline]
    pub fn is_forbidden(&self, mentee: u32, mentor: u32) -> bool {
        self.forbidding_mentees.contains(mentee as usize)
            && self.forbidden_pairs.contains(&(mentee, mentor))
    }

    pub fn is_pinned(&self, mentee: u32) -> bool {
        self.pinned_edge[mentee as usize] != NONE
    }
}

// A fixed-size set of candidate indices.
#[derive(Clone, Debug)]
pub(crate) struct EdgeSet {
    words: Vec<u64>,
}

impl EdgeSet {
    pub fn new(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
        }
    }

    #[inline]
    pub fn contains(&self, edge: usize) -> bool {
        self.words
            .get(edge / 64)
            .is_some_and(|w| w >> (edge % 64) & 1 == 1)
    }

    pub fn insert(&mut self, edge: usize) {
        if let Some(word) = self.words.get_mut(edge / 64) {
            *word |= 1 << (edge % 64);
        }
    }
}
