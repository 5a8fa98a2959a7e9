//! Each mentee's best acceptable mentors, at national scale, without every pair in memory.
//!
//! For each application the search scores every offer whose career stage could be
//! acceptable (offers are bucketed by stage first, so mentors at an earlier stage are never
//! looked at), skips pairs that break a hard constraint, and keeps the best `K` in a bounded
//! min-heap: memory is O(K) per mentee being processed, and the result is O(mentees × K).
//! Time is O(applications × offers in acceptable stages), spread over threads
//! (`std::thread::scope`) by blocks of mentees; the result does not depend on the number of
//! threads.
//!
//! A national cycle has about a billion pairs, so the loop is kept lean. Offers are packed
//! once, field by field (topics, languages and availability as bitmasks), and scored without
//! branches. Once the heap holds `K` candidates, its worst score is a floor: an offer whose
//! stage, shared needs and library type, plus the most the other features could add for this
//! mentee, stay below it is dismissed before the rest of its score is computed. The numbers
//! are the same as [`Scorer::score`]'s (a test compares them pair by pair), and no sentence
//! is written here: call [`Scorer::explain`] for the pairs a coordinator looks at.
//!
//! ```
//! use carrel_matching::candidates::CandidateSearch;
//! use carrel_matching::profile::{Application, Offer, PersonId, Stage};
//! use carrel_matching::scoring::Scorer;
//!
//! let applications = vec![Application::new(PersonId(1), Stage::Early)];
//! let offers = vec![
//!     Offer::new(PersonId(2), Stage::Mid),
//!     Offer::new(PersonId(3), Stage::Student), // earlier stage: never a candidate
//! ];
//! let scorer = Scorer::builder().build();
//! let candidates = CandidateSearch::new(&scorer).per_mentee(10).run(&applications, &offers)?;
//! assert_eq!(candidates.instance.candidate_count(), 1);
//! assert_eq!(candidates.mentors[0], PersonId(2));
//! # Ok::<(), carrel_matching::instance::InstanceError>(())
//! ```

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use crate::columns::{OfferColumns, Query, REJECTED};
use crate::instance::{Instance, InstanceBuilder, InstanceError, MAX_CAPACITY};
use crate::profile::{Application, Offer, PersonId, Stage};
use crate::scoring::{Exclusions, Scorer};

// One mentee's candidates as (mentor, score), best first.
type CandidateList = Vec<(u32, u16)>;

/// The default number of candidates kept per mentee.
pub const DEFAULT_PER_MENTEE: usize = 50;

// Mentees are handed to threads in blocks this size, round robin, to even out the work.
const BLOCK: usize = 64;

// Offers are scored in chunks this size between two updates of the score to beat.
const CHUNK: usize = 512;

/// Searches each mentee's best acceptable mentors. Configure, then [`run`](Self::run).
#[derive(Clone, Debug)]
pub struct CandidateSearch<'a> {
    scorer: &'a Scorer,
    per_mentee: usize,
    threads: usize,
    exclusions: Option<&'a Exclusions>,
}

/// The result of a search: the instance the solvers read, and the map back to people.
#[derive(Clone, Debug)]
pub struct Candidates {
    /// Mentee `i` of the instance is `mentees[i]`, mentor `j` is `mentors[j]`.
    pub instance: Instance,
    /// The mentees' person ids, in the order of the applications.
    pub mentees: Vec<PersonId>,
    /// The mentors' person ids, in the order of the offers.
    pub mentors: Vec<PersonId>,
    /// The mentees' career stages, for [`crate::matching::Report::new`].
    pub stages: Vec<Stage>,
}

impl<'a> CandidateSearch<'a> {
    /// A search with this scorer, [`DEFAULT_PER_MENTEE`] candidates per mentee, no
    /// exclusions, and as many threads as the machine has cores.
    pub fn new(scorer: &'a Scorer) -> Self {
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        Self {
            scorer,
            per_mentee: DEFAULT_PER_MENTEE,
            threads,
            exclusions: None,
        }
    }

    /// Keeps at most `k` candidates per mentee (the best ones; ties go to the earlier
    /// offer). 0 keeps none.
    #[must_use]
    pub fn per_mentee(mut self, k: usize) -> Self {
        self.per_mentee = k;
        self
    }

    /// Uses `threads` threads (at least 1).
    #[must_use]
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads.max(1);
        self
    }

    /// Never proposes these past and blocked pairs.
    #[must_use]
    pub fn exclusions(mut self, exclusions: &'a Exclusions) -> Self {
        self.exclusions = Some(exclusions);
        self
    }

    /// Runs the search. Mentee `i` is `applications[i]`, mentor `j` is `offers[j]`. An offer's
    /// capacity above 5 counts as 5; an offer with capacity 0 keeps its index but gets no
    /// candidate. Fails only when the instance would be too large ([`InstanceError`]).
    pub fn run(
        &self,
        applications: &[Application],
        offers: &[Offer],
    ) -> Result<Candidates, InstanceError> {
        let by_stage = Stage::ALL.map(|stage| OfferColumns::new(offers, stage));
        let excluded = self.excluded_mentors(applications, offers);
        let lists = self.search_all(applications, &by_stage, &excluded);

        let total = lists.iter().map(Vec::len).sum();
        let mut builder = InstanceBuilder::with_capacity(applications.len(), offers.len(), total)?;
        for offer in offers {
            builder.add_mentor(offer.capacity.clamp(1, MAX_CAPACITY))?;
        }
        for (mentee, list) in lists.iter().enumerate() {
            for &(mentor, score) in list {
                builder.push(mentee as u32, mentor, score)?;
            }
        }
        Ok(Candidates {
            instance: builder.build(),
            mentees: applications.iter().map(|a| a.person).collect(),
            mentors: offers.iter().map(|o| o.person).collect(),
            stages: applications.iter().map(|a| a.stage).collect(),
        })
    }

    fn search_all(
        &self,
        applications: &[Application],
        by_stage: &[OfferColumns; Stage::COUNT],
        excluded: &HashMap<u32, HashSet<u32>>,
    ) -> Vec<Vec<(u32, u16)>> {
        let blocks: Vec<std::ops::Range<usize>> = (0..applications.len())
            .step_by(BLOCK)
            .map(|start| start..(start + BLOCK).min(applications.len()))
            .collect();
        let threads = self.threads.min(blocks.len()).max(1);
        let mut lists = vec![Vec::new(); applications.len()];

        let results: Vec<Vec<(usize, CandidateList)>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads)
                .map(|worker| {
                    let blocks = &blocks;
                    scope.spawn(move || {
                        let mut found = Vec::new();
                        let mut scores = Vec::new();
                        for block in blocks.iter().skip(worker).step_by(threads) {
                            for mentee in block.clone() {
                                let none = HashSet::new();
                                let excluded = excluded.get(&(mentee as u32)).unwrap_or(&none);
                                let list = self.best_for(
                                    &applications[mentee],
                                    by_stage,
                                    excluded,
                                    &mut scores,
                                );
                                found.push((mentee, list));
                            }
                        }
                        found
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().unwrap_or_default())
                .collect()
        });

        for (mentee, list) in results.into_iter().flatten() {
            lists[mentee] = list;
        }
        lists
    }

    // The best `per_mentee` acceptable offers for one application, best first.
    // `scores` is scratch space, reused from one application to the next.
    fn best_for(
        &self,
        application: &Application,
        by_stage: &[OfferColumns; Stage::COUNT],
        excluded: &HashSet<u32>,
        scores: &mut Vec<i16>,
    ) -> Vec<(u32, u16)> {
        let k = self.per_mentee;
        // Min-heap of the best so far: the root is the candidate to beat.
        let mut best: BinaryHeap<Reverse<(u16, Reverse<u32>)>> = BinaryHeap::with_capacity(k + 1);
        if k == 0 {
            return Vec::new();
        }
        // Below this score an offer cannot enter the heap once it is full: most offers are
        // dismissed by this one comparison, whole groups of them by their best possible score.
        // The most promising groups go first, so that the floor rises early.
        let mut floor = REJECTED;
        let query = Query::new(application, self.scorer.weights());
        let mut groups: Vec<(i32, usize, std::ops::Range<usize>)> = by_stage
            .iter()
            .enumerate()
            .flat_map(|(stage, bucket)| {
                bucket
                    .groups(&query)
                    .map(move |(best, range)| (best, stage, range))
            })
            .collect();
        groups.sort_by_key(|(best, stage, range)| (Reverse(*best), *stage, range.start));
        for (best_possible, stage, group) in groups {
            if best_possible < i32::from(floor) {
                break;
            }
            let bucket = &by_stage[stage];
            // Chunks, so that the floor the loop skips by keeps up with the heap.
            for start in group.clone().step_by(CHUNK) {
                let range = start..(start + CHUNK).min(group.end);
                let mentors = &bucket.mentors[range.clone()];
                bucket.score_into(&query, range, floor, scores);
                for (&score, &mentor) in scores.iter().zip(mentors) {
                    if score < floor
                        || score == REJECTED
                        || (!excluded.is_empty() && excluded.contains(&mentor))
                    {
                        continue;
                    }
                    let key = (score as u16, Reverse(mentor));
                    if best.len() < k {
                        best.push(Reverse(key));
                    } else if best.peek().is_some_and(|Reverse(worst)| key > *worst) {
                        best.pop();
                        best.push(Reverse(key));
                    }
                    if best.len() == k {
                        floor = best
                            .peek()
                            .map_or(REJECTED, |Reverse((worst, _))| *worst as i16);
                    }
                }
            }
        }
        let mut list: Vec<(u32, u16)> = best
            .into_iter()
            .map(|Reverse((score, Reverse(mentor)))| (mentor, score))
            .collect();
        list.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        list
    }

    // Past and blocked pairs as mentor indices per mentee index.
    fn excluded_mentors(
        &self,
        applications: &[Application],
        offers: &[Offer],
    ) -> HashMap<u32, HashSet<u32>> {
        let mut excluded: HashMap<u32, HashSet<u32>> = HashMap::new();
        let Some(exclusions) = self.exclusions.filter(|e| !e.is_empty()) else {
            return excluded;
        };
        let mut mentees: HashMap<PersonId, Vec<u32>> = HashMap::new();
        for (index, application) in applications.iter().enumerate() {
            mentees
                .entry(application.person)
                .or_default()
                .push(index as u32);
        }
        let mut mentors: HashMap<PersonId, Vec<u32>> = HashMap::new();
        for (index, offer) in offers.iter().enumerate() {
            mentors.entry(offer.person).or_default().push(index as u32);
        }
        for (a, b) in exclusions.pairs() {
            for (mentee, mentor) in [(a, b), (b, a)] {
                let (Some(ms), Some(js)) = (mentees.get(&mentee), mentors.get(&mentor)) else {
                    continue;
                };
                for &m in ms {
                    excluded.entry(m).or_default().extend(js.iter().copied());
                }
            }
        }
        excluded
    }
}
