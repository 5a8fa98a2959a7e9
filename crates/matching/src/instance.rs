//! The candidate lists that both solvers read: mentors with capacities and, for every mentee,
//! the acceptable mentors best first.

use std::fmt;

/// The largest capacity a mentor can offer in one cycle.
pub const MAX_CAPACITY: u8 = 5;

/// The largest score a pair can have.
pub const MAX_SCORE: u16 = 1000;

/// The most mentees an instance may hold: 4,194,304, some thirty times the librarians of a
/// large country.
///
/// The optimal solver scales integer weights by the number of mentees so that its
/// approximate auction becomes exact, and this bound keeps every scaled weight inside `i64`;
/// its index of candidates by mentor packs a mentee and a score into 32 bits.
pub const MAX_MENTEES: usize = 1 << INDEX_BITS;

/// The most mentors an instance may hold: 4,194,304, like [`MAX_MENTEES`]. Candidate lists
/// pack a mentor and a score into 32 bits.
pub const MAX_MENTORS: usize = 1 << INDEX_BITS;

// A candidate packed into 32 bits: a mentor's or mentee's index below INDEX_BITS, and
// `MAX_SCORE - score` above, so that entries in ascending order run best score first, then
// by index.
pub(crate) const INDEX_BITS: u32 = 22;
const INDEX_MASK: u32 = (1 << INDEX_BITS) - 1;

pub(crate) fn pack(index: u32, score: u16) -> u32 {
    u32::from(MAX_SCORE - score) << INDEX_BITS | index
}

pub(crate) fn unpack(entry: u32) -> (u32, u16) {
    (entry & INDEX_MASK, MAX_SCORE - (entry >> INDEX_BITS) as u16)
}

/// One acceptable mentor of a mentee, as listed in an [`Instance`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Candidate {
    /// The mentor's index, `0..instance.mentor_count()`.
    pub mentor: u32,
    /// The pair's score, `0..=1000`.
    pub score: u16,
}

/// An immutable matching instance: mentors with capacities and each mentee's candidate list.
///
/// Mentees and mentors are numbered from zero; the application keeps the map from these
/// indices to its own person ids (see [`crate::candidates::Candidates`]). Each mentee's list
/// is sorted by score descending, then mentor index ascending, so it doubles as the mentee's
/// preference order for the stable solver. A pair that is not listed is not acceptable.
///
/// Storage is compact (a mentor index and a score packed into 32 bits per candidate, plus one
/// `u32` offset per mentee), about 4 bytes per candidate: the 5 million candidates of a
/// national cycle take 20 MB.
///
/// Build one with [`InstanceBuilder`], read one from the text format with
/// [`crate::parse::read_instance`], or generate one from profiles with
/// [`crate::candidates::CandidateSearch`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instance {
    capacities: Vec<u8>,
    offsets: Vec<u32>,
    // Each candidate packed by `pack`, a mentee's list after another's.
    entries: Vec<u32>,
}

impl Instance {
    /// The number of mentees (some may have no candidates).
    pub fn mentee_count(&self) -> usize {
        self.offsets.len() - 1
    }

    /// The number of mentors.
    pub fn mentor_count(&self) -> usize {
        self.capacities.len()
    }

    /// The number of listed (mentee, mentor) pairs.
    pub fn candidate_count(&self) -> usize {
        self.entries.len()
    }

    /// Every mentor's capacity, `1..=5`, indexed by mentor.
    pub fn capacities(&self) -> &[u8] {
        &self.capacities
    }

    /// The sum of all capacities: the most mentees that can be matched.
    pub fn total_capacity(&self) -> usize {
        self.capacities.iter().map(|&c| usize::from(c)).sum()
    }

    /// A mentee's candidates, best first.
    ///
    /// # Panics
    ///
    /// Panics if `mentee >= self.mentee_count()`.
    pub fn candidates(&self, mentee: u32) -> impl ExactSizeIterator<Item = Candidate> + '_ {
        self.entries[self.range(mentee)].iter().map(|&entry| {
            let (mentor, score) = unpack(entry);
            Candidate { mentor, score }
        })
    }

    /// The score of a listed pair, or `None` when the pair is not a candidate or an index is
    /// out of range. Linear in the mentee's list length.
    pub fn score(&self, mentee: u32, mentor: u32) -> Option<u16> {
        if mentee as usize >= self.mentee_count() {
            return None;
        }
        self.edge(mentee, mentor).map(|e| self.edge_at(e).1)
    }

    pub(crate) fn range(&self, mentee: u32) -> std::ops::Range<usize> {
        let i = mentee as usize;
        self.offsets[i] as usize..self.offsets[i + 1] as usize
    }

    pub(crate) fn edge(&self, mentee: u32, mentor: u32) -> Option<usize> {
        let range = self.range(mentee);
        let start = range.start;
        self.entries[range]
            .iter()
            .position(|&entry| entry & INDEX_MASK == mentor)
            .map(|p| start + p)
    }

    // The mentor and score of a candidate, by its position in the lists.
    pub(crate) fn edge_at(&self, edge: usize) -> (u32, u16) {
        unpack(self.entries[edge])
    }

    // Every candidate packed (see `unpack`), a mentee's list after another's.
    pub(crate) fn entries(&self) -> &[u32] {
        &self.entries
    }

    pub(crate) fn offsets(&self) -> &[u32] {
        &self.offsets
    }
}

/// Why an instance could not be built.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstanceError {
    /// A capacity outside `1..=5`.
    Capacity {
        /// The mentor's index.
        mentor: u32,
        /// The rejected capacity.
        capacity: u64,
    },
    /// A mentee index at or beyond the declared mentee count.
    MenteeOutOfRange {
        /// The rejected index.
        mentee: u64,
        /// The declared mentee count.
        mentees: usize,
    },
    /// A mentor index at or beyond the number of mentors added.
    MentorOutOfRange {
        /// The rejected index.
        mentor: u64,
        /// The number of mentors.
        mentors: usize,
    },
    /// A score above 1000.
    Score {
        /// The rejected score.
        score: u64,
    },
    /// Candidates not sorted by mentee, then score descending, then mentor ascending.
    Order {
        /// The mentee of the misplaced candidate.
        mentee: u32,
        /// The mentor of the misplaced candidate.
        mentor: u32,
    },
    /// The same (mentee, mentor) pair listed twice.
    Duplicate {
        /// The mentee.
        mentee: u32,
        /// The mentor.
        mentor: u32,
    },
    /// More mentees or candidates than the compact storage allows.
    TooLarge,
}

impl fmt::Display for InstanceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Capacity { mentor, capacity } => {
                write!(
                    f,
                    "mentor {mentor} has capacity {capacity}, expected 1 to 5"
                )
            }
            Self::MenteeOutOfRange { mentee, mentees } => {
                write!(
                    f,
                    "mentee {mentee} is out of range: there are {mentees} mentees"
                )
            }
            Self::MentorOutOfRange { mentor, mentors } => {
                write!(
                    f,
                    "mentor {mentor} is out of range: there are {mentors} mentors"
                )
            }
            Self::Score { score } => write!(f, "score {score} is above 1000"),
            Self::Order { mentee, mentor } => write!(
                f,
                "candidate (mentee {mentee}, mentor {mentor}) is out of order: candidates must \
                 be sorted by mentee, then score descending, then mentor ascending"
            ),
            Self::Duplicate { mentee, mentor } => {
                write!(f, "pair (mentee {mentee}, mentor {mentor}) is listed twice")
            }
            Self::TooLarge => write!(
                f,
                "too large: at most {MAX_MENTEES} mentees, {MAX_MENTORS} mentors and 4 billion \
                 candidates are supported"
            ),
        }
    }
}

impl std::error::Error for InstanceError {}

/// Builds an [`Instance`], checking every rule as it goes.
///
/// Declare the mentee count, add mentors in index order, then push candidates in the
/// instance order (mentee ascending, then score descending, then mentor ascending), or hand
/// over each mentee's whole list with [`InstanceBuilder::add_candidates`], which sorts it.
///
/// ```
/// use carrel_matching::instance::InstanceBuilder;
///
/// let mut builder = InstanceBuilder::new(2)?;
/// let ada = builder.add_mentor(1)?;
/// let bo = builder.add_mentor(2)?;
/// builder.add_candidates(0, &[(bo, 700), (ada, 900)])?;
/// builder.push(1, bo, 650)?;
/// let instance = builder.build();
/// assert_eq!(instance.candidate_count(), 3);
/// assert_eq!(instance.candidates(0).next().map(|c| c.mentor), Some(ada));
/// # Ok::<(), carrel_matching::instance::InstanceError>(())
/// ```
#[derive(Debug)]
pub struct InstanceBuilder {
    mentee_count: usize,
    capacities: Vec<u8>,
    offsets: Vec<u32>,
    entries: Vec<u32>,
    last: Option<(u32, u16, u32)>,
    // The mentee (plus one) that last listed each mentor: a duplicate check in O(1).
    seen_by: Vec<u32>,
}

impl InstanceBuilder {
    /// Starts an instance with `mentee_count` mentees (numbered `0..mentee_count`).
    ///
    /// Fails with [`InstanceError::TooLarge`] above [`MAX_MENTEES`].
    pub fn new(mentee_count: usize) -> Result<Self, InstanceError> {
        Self::with_capacity(mentee_count, 0, 0)
    }

    /// Like [`InstanceBuilder::new`], reserving room for `mentors` mentors and `candidates`
    /// candidates up front so that building never reallocates.
    pub fn with_capacity(
        mentee_count: usize,
        mentors: usize,
        candidates: usize,
    ) -> Result<Self, InstanceError> {
        if mentee_count > MAX_MENTEES || candidates > u32::MAX as usize {
            return Err(InstanceError::TooLarge);
        }
        let mut offsets = Vec::with_capacity(mentee_count + 1);
        offsets.push(0);
        Ok(Self {
            mentee_count,
            capacities: Vec::with_capacity(mentors),
            offsets,
            entries: Vec::with_capacity(candidates),
            last: None,
            seen_by: Vec::with_capacity(mentors),
        })
    }

    /// Adds the next mentor with its capacity (`1..=5`) and returns its index.
    pub fn add_mentor(&mut self, capacity: u8) -> Result<u32, InstanceError> {
        let mentor = self.capacities.len() as u32;
        if self.capacities.len() >= MAX_MENTORS {
            return Err(InstanceError::TooLarge);
        }
        if !(1..=MAX_CAPACITY).contains(&capacity) {
            return Err(InstanceError::Capacity {
                mentor,
                capacity: u64::from(capacity),
            });
        }
        self.capacities.push(capacity);
        self.seen_by.push(0);
        Ok(mentor)
    }

    /// Appends one candidate. Candidates must arrive in instance order: mentees ascending
    /// (a mentee may be skipped: it then has no candidates), and within a mentee, score
    /// descending then mentor ascending. Every mentor must already be added.
    pub fn push(&mut self, mentee: u32, mentor: u32, score: u16) -> Result<(), InstanceError> {
        if mentee as usize >= self.mentee_count {
            let mentees = self.mentee_count;
            return Err(InstanceError::MenteeOutOfRange {
                mentee: mentee.into(),
                mentees,
            });
        }
        if mentor as usize >= self.capacities.len() {
            let mentors = self.capacities.len();
            return Err(InstanceError::MentorOutOfRange {
                mentor: mentor.into(),
                mentors,
            });
        }
        if score > MAX_SCORE {
            return Err(InstanceError::Score {
                score: score.into(),
            });
        }
        if let Some((last_mentee, last_score, last_mentor)) = self.last {
            let in_order = mentee > last_mentee
                || (mentee == last_mentee
                    && (score < last_score || (score == last_score && mentor > last_mentor)));
            if !in_order {
                if self.seen_by[mentor as usize] == mentee + 1 {
                    return Err(InstanceError::Duplicate { mentee, mentor });
                }
                return Err(InstanceError::Order { mentee, mentor });
            }
        }
        if self.seen_by[mentor as usize] == mentee + 1 {
            return Err(InstanceError::Duplicate { mentee, mentor });
        }
        if self.entries.len() == u32::MAX as usize {
            return Err(InstanceError::TooLarge);
        }

        self.open_mentee(mentee);
        self.seen_by[mentor as usize] = mentee + 1;
        self.entries.push(pack(mentor, score));
        self.last = Some((mentee, score, mentor));
        Ok(())
    }

    /// Appends a mentee's whole candidate list `(mentor, score)` in any order; it is sorted
    /// here. Mentees must still be given in ascending order, after any pushed candidates of
    /// lower mentees.
    pub fn add_candidates(
        &mut self,
        mentee: u32,
        list: &[(u32, u16)],
    ) -> Result<(), InstanceError> {
        let mut sorted = list.to_vec();
        sorted.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        sorted
            .iter()
            .try_for_each(|&(mentor, score)| self.push(mentee, mentor, score))
    }

    /// The number of mentors added so far.
    pub fn mentor_count(&self) -> usize {
        self.capacities.len()
    }

    /// Finishes the instance. Mentees never mentioned have empty lists.
    pub fn build(mut self) -> Instance {
        let mentees = u32::try_from(self.mentee_count).unwrap_or(u32::MAX);
        self.open_mentee(mentees);
        Instance {
            capacities: self.capacities,
            offsets: self.offsets,
            entries: self.entries,
        }
    }

    // Records where `mentee`'s list starts, which also ends every list before it; opening
    // the mentee count itself closes the last list.
    fn open_mentee(&mut self, mentee: u32) {
        // `push` keeps the candidate count below u32::MAX.
        let end = self.entries.len() as u32;
        while self.offsets.len() <= mentee as usize {
            self.offsets.push(end);
        }
    }
}
