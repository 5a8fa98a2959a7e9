//! `carrel match-file`: solve a matching instance file and print the figures.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use anyhow::Context;
use carrel_matching::matching::Matching;
use carrel_matching::optimal::OptimalSolver;
use carrel_matching::parse::read_instance;
use carrel_matching::rules::Rules;
use carrel_matching::stable::solve_stable;

/// Which solver `match-file` runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Solver {
    /// The most mentees matched, then the highest total score.
    Optimal,
    /// Mentee-proposing deferred acceptance: no pair would rather be together.
    Stable,
}

/// Arguments of `carrel match-file`.
#[derive(Debug, clap::Args)]
pub struct MatchFileArgs {
    /// The instance file (format in docs/matching.md).
    pub instance: PathBuf,

    /// The solver to run.
    #[arg(long, value_enum, default_value = "optimal")]
    pub solver: Solver,

    /// Write the assignment here, one `a <mentee> <mentor>` line per matched mentee.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs the command: prints `matched`, `total_score`, `parse_seconds` and `solve_seconds`,
/// one per line.
pub fn run(args: MatchFileArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let file = File::open(&args.instance)
        .with_context(|| format!("cannot open {}", args.instance.display()))?;
    let instance =
        read_instance(file).with_context(|| format!("{} is malformed", args.instance.display()))?;
    let parse_seconds = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let matching = match args.solver {
        Solver::Optimal => OptimalSolver::new(&instance, &Rules::new())?.solve(),
        Solver::Stable => solve_stable(&instance, &Rules::new())?,
    };
    let solve_seconds = started.elapsed().as_secs_f64();

    println!("matched {}", matching.matched());
    println!("total_score {}", matching.total_score());
    println!("parse_seconds {parse_seconds:.4}");
    println!("solve_seconds {solve_seconds:.4}");

    if let Some(path) = &args.out {
        write_assignment(path, &matching)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn write_assignment(path: &PathBuf, matching: &Matching) -> std::io::Result<()> {
    let mut out = BufWriter::new(File::create(path)?);
    for (mentee, mentor, _) in matching.pairs() {
        writeln!(out, "a {mentee} {mentor}")?;
    }
    out.flush()
}
