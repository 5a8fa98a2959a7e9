//! The `carrel` command line: a thin shell over the application crate.

mod match_file;

use std::io::BufRead;

use carrel_app::accounts::setup;
use carrel_app::app;
use carrel_app::demo::{self, Scale};
use carrel_app::platform::config::Config;
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
    /// Serve Carrel (migrates the database first).
    Serve(Config),
    /// Apply database migrations and exit.
    Migrate(Config),
    /// Build the demo network (once) and serve it.
    Demo(DemoArgs),
    /// Create an admin; the password is read from standard input.
    CreateAdmin(CreateAdminArgs),
    /// Solve a matching instance file and print matched, total_score and timings.
    MatchFile(match_file::MatchFileArgs),
}

#[derive(Debug, clap::Args)]
struct DemoArgs {
    /// How many people: `default` (about 3,000) or `national` (about 150,000).
    #[arg(long, value_enum, default_value = "default")]
    scale: Scale,

    /// The seed of the generator; the same seed builds the same network.
    #[arg(long, default_value_t = 2026)]
    seed: u64,

    #[command(flatten)]
    config: Config,
}

#[derive(Debug, clap::Args)]
struct CreateAdminArgs {
    /// The admin's email address.
    #[arg(long)]
    email: String,

    /// The admin's name.
    #[arg(long)]
    name: String,

    #[command(flatten)]
    config: Config,
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::MatchFile(args) = cli.command {
        return match_file::run(args);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(run(cli.command))
}

async fn run(command: Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(config) => {
            app::init_tracing(config.log_json);
            let db = app::open_database(&config).await?;
            app::serve(config, db).await
        }
        Command::Migrate(config) => {
            app::init_tracing(config.log_json);
            let db = app::open_database(&config).await?;
            db.close().await;
            println!("The database is up to date.");
            Ok(())
        }
        Command::Demo(args) => run_demo(args).await,
        Command::CreateAdmin(args) => create_admin(args).await,
        Command::MatchFile(args) => match_file::run(args),
    }
}

async fn run_demo(args: DemoArgs) -> anyhow::Result<()> {
    let mut config = args.config;
    app::init_tracing(config.log_json);
    // The demo keeps its own file, so trying it never touches a real network's data.
    if config.database_url.is_empty() {
        let file = match args.scale {
            Scale::Default => "demo.sqlite3",
            Scale::National => "demo-national.sqlite3",
        };
        config.database_url = format!("sqlite://{}", config.data_dir.join(file).display());
    }
    let db = app::open_database(&config).await?;
    if demo::exists(&db).await? {
        println!("Using the demo network already in the database.");
    } else {
        println!("Building the demo network ({:?} scale)…", args.scale);
        let people = demo::build(&db, args.scale, args.seed).await?;
        println!("Built {people} people.");
    }

    println!("\nCarrel demo: open {}", config.base_url);
    println!(
        "Sign in with any of these (password: {}):",
        demo::DEMO_PASSWORD
    );
    for (role, email) in demo::DEMO_SIGN_INS {
        println!("  {role:<26} {email}");
    }
    println!();
    app::serve(config, db).await
}

async fn create_admin(args: CreateAdminArgs) -> anyhow::Result<()> {
    app::init_tracing(args.config.log_json);
    let db = app::open_database(&args.config).await?;
    eprintln!(
        "Password for {} (at least 12 characters), then Enter:",
        args.email
    );
    let mut password = String::new();
    std::io::stdin().lock().read_line(&mut password)?;
    let password = password.trim_end_matches(['\r', '\n']);

    let result = setup::create_admin(&db, &args.email, &args.name, password).await;
    db.close().await;
    match result {
        Ok(_) => {
            println!(
                "Admin {} created. Sign in at {}/sign-in",
                args.email, args.config.base_url
            );
            Ok(())
        }
        Err(error) => Err(anyhow::anyhow!("could not create the admin: {error}")),
    }
}
