//! Benchmarks: `cargo bench -p carrel-matching`.
//!
//! Instances come from the synthetic cohort generator, so the numbers are reproducible
//! anywhere. For the national figures (50,000 x 20,000, and the 100,000-mentee instance
//! file), see `scripts/bench-matching.sh` and the `national` and `solve_file` examples.
#![allow(clippy::unwrap_used)]

use std::sync::OnceLock;

use carrel_matching::candidates::{CandidateSearch, Candidates};
use carrel_matching::optimal::OptimalSolver;
use carrel_matching::parse::read_instance;
use carrel_matching::rules::Rules;
use carrel_matching::scoring::{Exclusions, Scorer};
use carrel_matching::stable::solve_stable;
use carrel_matching::synthetic::Cohort;
use divan::Bencher;

fn main() {
    divan::main();
}

const MENTEES: usize = 5_000;
const MENTORS: usize = 2_000;

fn cohort() -> &'static Cohort {
    static COHORT: OnceLock<Cohort> = OnceLock::new();
    COHORT.get_or_init(|| Cohort::generate(MENTEES, MENTORS, 1))
}

fn candidates() -> &'static Candidates {
    static CANDIDATES: OnceLock<Candidates> = OnceLock::new();
    CANDIDATES.get_or_init(|| {
        let scorer = Scorer::builder().build();
        let cohort = cohort();
        CandidateSearch::new(&scorer)
            .run(&cohort.applications, &cohort.offers)
            .unwrap()
    })
}

#[divan::bench]
fn score_one_pair(bencher: Bencher) {
    let scorer = Scorer::builder().build();
    let cohort = cohort();
    let exclusions = Exclusions::new();
    bencher.bench(|| {
        let application = divan::black_box(&cohort.applications[0]);
        scorer
            .score(application, &cohort.offers[17], &exclusions)
            .ok()
    });
}

#[divan::bench(sample_count = 5)]
fn candidate_search_5k_by_2k(bencher: Bencher) {
    let scorer = Scorer::builder().build();
    let cohort = cohort();
    bencher.bench(|| {
        CandidateSearch::new(&scorer)
            .run(&cohort.applications, &cohort.offers)
            .unwrap()
    });
}

#[divan::bench(sample_count = 10)]
fn optimal_5k(bencher: Bencher) {
    let instance = &candidates().instance;
    bencher.bench(|| OptimalSolver::new(instance, &Rules::new()).unwrap().solve());
}

#[divan::bench(sample_count = 10)]
fn stable_5k(bencher: Bencher) {
    let instance = &candidates().instance;
    bencher.bench(|| solve_stable(instance, &Rules::new()).unwrap());
}

#[divan::bench(sample_count = 10)]
fn resolve_after_20_declines_5k(bencher: Bencher) {
    let instance = &candidates().instance;
    let mut solver = OptimalSolver::new(instance, &Rules::new()).unwrap();
    let first = solver.solve();
    let declines: Vec<(u32, u32)> = first
        .pairs()
        .step_by(97)
        .take(20)
        .map(|(m, j, _)| (m, j))
        .collect();
    bencher
        .with_inputs(|| {
            let mut solver = OptimalSolver::new(instance, &Rules::new()).unwrap();
            solver.solve();
            solver
        })
        .bench_local_values(|mut solver| {
            for &(mentee, mentor) in &declines {
                solver.decline(mentee, mentor).unwrap();
            }
            solver.solve()
        });
}

#[divan::bench(sample_count = 10)]
fn parse_250k_candidates(bencher: Bencher) {
    let instance = &candidates().instance;
    let mut text = format!(
        "mentees {} mentors {} edges {}\n",
        instance.mentee_count(),
        instance.mentor_count(),
        instance.candidate_count()
    );
    for (mentor, capacity) in instance.capacities().iter().enumerate() {
        text.push_str(&format!("c {mentor} {capacity}\n"));
    }
    for mentee in 0..instance.mentee_count() as u32 {
        for c in instance.candidates(mentee) {
            text.push_str(&format!("e {mentee} {} {}\n", c.mentor, c.score));
        }
    }
    bencher.bench(|| read_instance(text.as_bytes()).unwrap());
}
