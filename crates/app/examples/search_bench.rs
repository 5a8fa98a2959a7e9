//! Times library searches at national scale next to `/healthz`, on either engine.
//!
//! Builds a library of N resources (default 5,000) into a fresh database, then sends the same
//! requests through the real router, interleaved round by round, and prints the median, 95th
//! percentile and mean time per request. Run by `scripts/bench-search.sh`.
//!
//! Usage: `search_bench [DATABASE_URL] [RESOURCES] [ROUNDS]`; without a URL, a temporary
//! SQLite file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use carrel_app::people::store::{self, NewPerson, Status};
use carrel_app::platform::auth::roles::Role;
use carrel_app::platform::config::Config;
use carrel_app::platform::state::AppState;
use carrel_app::resources::demo::{self, RARE_WORD};
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let url = args.first().cloned().unwrap_or_default();
    let count: usize = args
        .get(1)
        .map_or(5_000, |n| n.parse().expect("a number of resources"));
    let rounds: usize = args
        .get(2)
        .map_or(200, |n| n.parse().expect("a number of rounds"));

    let dir = tempfile::tempdir().expect("temp dir");
    let mut config = Config::for_data_dir(dir.path().to_path_buf());
    config.database_url = url;
    let db = carrel_app::app::open_database(&config)
        .await
        .expect("database");
    println!("engine: {:?}", db.engine());

    let started = Instant::now();
    seed_coordinators(&db).await;
    let made = demo::build(&db, count, 2026, 365).await.expect("library");
    println!(
        "built {made} resources in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let router = carrel_app::app::router(AppState::new(db, config));
    let rare = format!("/resources?q={RARE_WORD}");
    let paths = [
        "/healthz",
        "/resources?q=mentee",
        rare.as_str(),
        "/resources?q=grant+writing",
        "/resources?q=mentee&format=guide&stage=early",
        "/resources",
    ];
    for path in &paths {
        let (_, body) = get(&router, path).await;
        println!("{path}: {}", matches(&body));
    }

    let mut times: Vec<Vec<Duration>> = vec![Vec::with_capacity(rounds); paths.len()];
    for _ in 0..rounds {
        for (i, path) in paths.iter().enumerate() {
            let (elapsed, _) = get(&router, path).await;
            times[i].push(elapsed);
        }
    }

    println!("\n{rounds} rounds, milliseconds per request:");
    println!(
        "{:<48} {:>8} {:>8} {:>8}",
        "request", "median", "p95", "mean"
    );
    for (path, samples) in paths.iter().zip(&mut times) {
        samples.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let median = ms(samples[samples.len() / 2]);
        let p95 = ms(samples[samples.len() * 95 / 100]);
        let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len() as f64;
        println!("{path:<48} {median:>8.2} {p95:>8.2} {mean:>8.2}");
    }
}

async fn seed_coordinators(db: &carrel_app::platform::db::Db) {
    let region = carrel_app::network::find_region(db, "NY")
        .await
        .unwrap()
        .unwrap()
        .id;
    for n in 0..20 {
        let id = store::create(
            db,
            &NewPerson {
                email: &format!("coordinator{n}@bench.example"),
                name: &format!("Coordinator {n}"),
                password_hash: None,
                status: Status::Active,
                region_id: Some(region),
                requested_role: "",
                time_zone: "America/New_York",
            },
        )
        .await
        .unwrap();
        store::grant(db, id, Role::Coordinator, Some(region), None)
            .await
            .unwrap();
    }
}

async fn get(router: &axum::Router, path: &str) -> (Duration, String) {
    let request = Request::builder().uri(path).body(Body::empty()).unwrap();
    let started = Instant::now();
    let response = router.clone().oneshot(request).await.unwrap();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let elapsed = started.elapsed();
    (elapsed, String::from_utf8_lossy(&bytes).into_owned())
}

/// The "N resources" heading of a library page, or the body of a short response.
fn matches(body: &str) -> String {
    match body.find("<h2 id=\"results\">") {
        Some(at) => body[at + 17..].split('<').next().unwrap_or("").to_owned(),
        None => body.trim().chars().take(40).collect(),
    }
}
