//! Solves an instance file with both solvers and prints the figures and timings.
//!
//! `cargo run --release -p carrel-matching --example solve_file -- FILE`

use std::time::Instant;

use carrel_matching::matching::Report;
use carrel_matching::optimal::OptimalSolver;
use carrel_matching::parse::read_instance;
use carrel_matching::rules::Rules;
use carrel_matching::stable::solve_stable;

// CPU time of this thread in seconds (Linux), so that a busy machine does not skew tuning.
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| {
            s.split_whitespace()
                .next()
                .and_then(|v| v.parse::<f64>().ok())
        })
        .map_or(0.0, |ns| ns / 1e9)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: solve_file FILE")?;
    let started = Instant::now();
    let cpu = cpu_seconds();
    let instance = read_instance(std::fs::File::open(&path)?)?;
    println!("parse_seconds {:.4}", started.elapsed().as_secs_f64());
    println!("parse_cpu_seconds {:.4}", cpu_seconds() - cpu);

    let rules = Rules::new();
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut solver = OptimalSolver::new(&instance, &rules)?;
    let optimal = solver.solve();
    println!("optimal_seconds {:.4}", started.elapsed().as_secs_f64());
    println!("optimal_cpu_seconds {:.4}", cpu_seconds() - cpu);
    println!(
        "optimal {}",
        Report::new(&instance, &optimal, &rules, None)?
    );

    // A hundred matched mentees decline their mentor: re-solve from the previous state, and
    // check against a solve from scratch with the same pairs forbidden.
    let declined: Vec<(u32, u32)> = optimal
        .pairs()
        .step_by((optimal.matched() / 100).max(1))
        .take(100)
        .map(|(mentee, mentor, _)| (mentee, mentor))
        .collect();
    let started = Instant::now();
    let cpu = cpu_seconds();
    for &(mentee, mentor) in &declined {
        solver.decline(mentee, mentor)?;
    }
    let resolved = solver.solve();
    println!(
        "resolve_100_declines_seconds {:.4}",
        started.elapsed().as_secs_f64()
    );
    println!(
        "resolve_100_declines_cpu_seconds {:.4}",
        cpu_seconds() - cpu
    );
    let forbidding = declined
        .iter()
        .fold(Rules::new(), |rules, &(m, j)| rules.forbid(m, j));
    let started = Instant::now();
    let scratch = OptimalSolver::new(&instance, &forbidding)?.solve();
    println!(
        "scratch_after_declines_seconds {:.4}",
        started.elapsed().as_secs_f64()
    );
    let same =
        (resolved.matched(), resolved.total_score()) == (scratch.matched(), scratch.total_score());
    println!("resolve_equals_scratch {same}");
    println!("resolve_certified {}", solver.verify());

    let started = Instant::now();
    let stable = solve_stable(&instance, &rules)?;
    println!("stable_seconds {:.4}", started.elapsed().as_secs_f64());
    println!("stable {}", Report::new(&instance, &stable, &rules, None)?);
    Ok(())
}
