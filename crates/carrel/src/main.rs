//! The `carrel` command line: a thin shell over the application crate.

mod match_file;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "carrel",
    version,
    about = "A mentorship network for librarians"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Solve a matching instance file and print matched, total_score and timings.
    MatchFile(match_file::MatchFileArgs),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command {
        Command::MatchFile(args) => match_file::run(args),
    }
}
