//! Mentor matching for Carrel: scoring, candidates, and optimal and stable solvers.
//!
//! This crate is pure computation: no I/O besides reading an instance from any
//! [`std::io::Read`], no database, no web. The application fills plain structs and gets plain
//! results back.
//!
//! # The model
//!
//! A cycle has mentee [`profile::Application`]s and mentor [`profile::Offer`]s. Matching runs
//! in three steps:
//!
//! 1. **Score** ([`scoring`]). For one application and one offer, [`scoring::Scorer`] checks
//!    the hard constraints (never self, never a past or blocked pair, not the same
//!    institution when asked, the mentor at a later stage unless the mentee asks for a peer,
//!    compatible modality) and adds points for shared needs by rank, stage gap, library type,
//!    time zone, language, availability, identity affinity and nearness, each with a
//!    sentence ([`scoring::Explanation`]). Weights are set per cycle ([`scoring::Weights`]).
//! 2. **Candidates** ([`candidates`]). [`candidates::CandidateSearch`] keeps each mentee's best
//!    `K` acceptable mentors (50 by default) in a bounded heap, never holding all pairs, and
//!    produces an [`instance::Instance`]: mentor capacities and each mentee's list, best
//!    first, stored in about 4 bytes per candidate.
//! 3. **Solve** on the same instance, under the same [`rules::Rules`] (pinned and forbidden
//!    pairs):
//!    * [`optimal::OptimalSolver`]: the most mentees matched, then the highest total score
//!      (exact);
//!    * [`stable::solve_stable`]: mentee-proposing deferred acceptance, the mentee-optimal
//!      stable matching.
//!
//!    [`matching::Report`] gives what a coordinator compares: matched, unmatched by stage,
//!    total and mean score, and blocking pairs.
//!
//! # The algorithms, their cost, and why
//!
//! | step | algorithm | time | memory |
//! | --- | --- | --- | --- |
//! | candidates | packed offers, skip below the K-th best, threads | O(A·O') | O(A·K) |
//! | parse | one streaming pass, 1 MiB reads | O(file) | 4 bytes per candidate |
//! | optimal | forward/reverse auction, ε-scaling, exact at ε = 1 | ~6 O(E) rounds | O(E) |
//! | stable | deferred acceptance, ≤ 5 held proposals per mentor | O(E) | O(N + M) |
//!
//! (A applications, O' offers at acceptable stages, K kept per mentee, E candidates, N
//! mentees, M mentors.)
//!
//! The optimal problem is a maximum-weight b-matching. A general min-cost-flow code solves
//! it, but an auction specialized to one unit per mentee and a few identical places per
//! mentor works in place on the compact instance, is exact thanks to integer scaling (see
//! [`optimal`] for the argument and [`optimal::OptimalSolver::verify`] for the certificate),
//! and keeps its prices, so a re-solve after declines or a new mentor starts where the last
//! one ended. Deferred acceptance is the textbook stable algorithm; with capacities of at
//! most five, a mentor's held proposals fit in a tiny array, and the whole run is one pass.
//!
//! # Example: a small cycle end to end
//!
//! ```
//! use carrel_matching::candidates::CandidateSearch;
//! use carrel_matching::matching::Report;
//! use carrel_matching::optimal::OptimalSolver;
//! use carrel_matching::profile::{Application, Offer, PersonId, Stage};
//! use carrel_matching::rules::Rules;
//! use carrel_matching::scoring::Scorer;
//! use carrel_matching::stable::solve_stable;
//!
//! let applications = vec![
//!     Application { needs: vec![1], ..Application::new(PersonId(1), Stage::Early) },
//!     Application::new(PersonId(2), Stage::Student),
//! ];
//! let offers = vec![Offer {
//!     topics: [1].into_iter().collect(),
//!     capacity: 1,
//!     ..Offer::new(PersonId(10), Stage::Senior)
//! }];
//!
//! let scorer = Scorer::builder().topic(1, "leadership").build();
//! let candidates = CandidateSearch::new(&scorer).run(&applications, &offers)?;
//! let instance = &candidates.instance;
//!
//! // The coordinator forbids nothing and pins nothing this time.
//! let rules = Rules::new();
//! let optimal = OptimalSolver::new(instance, &rules)?.solve();
//! let stable = solve_stable(instance, &rules)?;
//! assert_eq!(optimal.mentor_of(0), Some(0)); // the mentee who needs leadership
//!
//! let report = Report::new(instance, &optimal, &rules, Some(&candidates.stages))?;
//! assert_eq!(report.unmatched_by_stage[Stage::Student.index()], 1);
//! assert_eq!(Report::new(instance, &stable, &rules, None)?.blocking_pairs, 0);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod candidates;
mod columns;
pub mod instance;
pub mod matching;
pub mod optimal;
pub mod parse;
pub mod profile;
pub mod rules;
pub mod scoring;
pub mod stable;
pub mod synthetic;
