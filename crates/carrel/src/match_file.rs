//! `carrel match-file`: solve a matching instance file and print the figures.

/// Arguments of `carrel match-file`.
#[derive(Debug, clap::Args)]
pub struct MatchFileArgs {
    /// The instance file (see docs/matching.md for the format).
    pub instance: std::path::PathBuf,
}

/// Runs the command.
pub fn run(_args: MatchFileArgs) -> anyhow::Result<()> {
    anyhow::bail!("match-file is not built yet")
}
