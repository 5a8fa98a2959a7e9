//! The national demo: scores 50,000 applications against 20,000 offers, keeps each
//! mentee's best 50 mentors, then solves both ways and re-solves after 100 declines.
//!
//! `cargo run --release -p carrel-matching --example national [-- MENTEES MENTORS THREADS]`

use std::time::Instant;

use carrel_matching::candidates::CandidateSearch;
use carrel_matching::matching::Report;
use carrel_matching::optimal::OptimalSolver;
use carrel_matching::rules::Rules;
use carrel_matching::scoring::Scorer;
use carrel_matching::stable::solve_stable;
use carrel_matching::synthetic::Cohort;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let mentees = args.first().copied().unwrap_or(50_000);
    let mentors = args.get(1).copied().unwrap_or(20_000);
    let threads = args.get(2).copied().unwrap_or(2);

    let cohort = Cohort::generate(mentees, mentors, 1);
    let scorer = Scorer::builder().build();
    let started = Instant::now();
    let candidates = CandidateSearch::new(&scorer)
        .threads(threads)
        .run(&cohort.applications, &cohort.offers)?;
    let instance = &candidates.instance;
    println!(
        "candidates_seconds {:.3} ({mentees} mentees x {mentors} mentors, {threads} threads, \
         {} candidates, total capacity {})",
        started.elapsed().as_secs_f64(),
        instance.candidate_count(),
        instance.total_capacity()
    );

    let rules = Rules::new();
    let started = Instant::now();
    let mut solver = OptimalSolver::new(instance, &rules)?;
    let optimal = solver.solve();
    println!("optimal_seconds {:.3}", started.elapsed().as_secs_f64());
    let report = Report::new(instance, &optimal, &rules, Some(&candidates.stages))?;
    println!(
        "optimal {report} unmatched by stage {:?}",
        report.unmatched_by_stage
    );

    let started = Instant::now();
    let stable = solve_stable(instance, &rules)?;
    println!("stable_seconds {:.3}", started.elapsed().as_secs_f64());
    let stable_report = Report::new(instance, &stable, &rules, Some(&candidates.stages))?;
    println!("stable {stable_report}");
    println!(
        "score_given_up {}",
        report.total_score.saturating_sub(stable_report.total_score)
    );

    let declined: Vec<(u32, u32)> = optimal
        .pairs()
        .step_by(97)
        .take(100)
        .map(|(m, j, _)| (m, j))
        .collect();
    let started = Instant::now();
    for &(mentee, mentor) in &declined {
        solver.decline(mentee, mentor)?;
    }
    let resolved = solver.solve();
    println!(
        "resolve_100_declines_seconds {:.4} matched {} total {}",
        started.elapsed().as_secs_f64(),
        resolved.matched(),
        resolved.total_score()
    );
    Ok(())
}
