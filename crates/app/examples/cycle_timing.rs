//! Times the matching of the national demo cycle (about 50,000 applications and 20,000
//! offers) through the application, beside the bare engine on the same data, in one run.
//!
//! `cargo run -p carrel-app --example cycle_timing [-- DATA_DIR]`
//!
//! Builds the national demo into a fresh SQLite file first (several minutes), then prints:
//! loading the stored applications and offers, the bare engine (candidate search and both
//! solvers) on them, then, through the router as an admin's browser: the "Run the matching"
//! button (which answers at once and runs in the background), the time until the proposals
//! page is ready (load, engine, storing both proposals), its ratio to the bare engine, and
//! the time to render pages of the side-by-side proposals.
//!
//! `scripts/bench-cycle.sh` runs it in a release build.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use axum::body::Body;
use axum::http::{header, Method, Request};
use carrel_app::cycles::{cycle, engine, matching};
use carrel_app::platform::config::Config;
use carrel_app::platform::state::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = match std::env::args().nth(1) {
        Some(dir) => std::path::PathBuf::from(dir),
        None => std::env::temp_dir().join(format!("carrel-cycle-timing-{}", std::process::id())),
    };
    let config = Config::for_data_dir(dir);
    let db = carrel_app::app::open_database(&config).await?;
    if !carrel_app::demo::exists(&db).await? {
        let started = Instant::now();
        carrel_app::demo::build(&db, carrel_app::demo::Scale::National, 1).await?;
        println!("demo_build_seconds {:.1}", started.elapsed().as_secs_f64());
    }
    let cycles = cycle::list(&db, &cycle::CycleScope::All).await?;
    let national = cycles
        .into_iter()
        .find(|c| c.region_id.is_none() && c.state == "matching")
        .expect("the national demo cycle");
    let topics = carrel_app::people::profile::list_topics(&db).await?;

    let started = Instant::now();
    let inputs = engine::load(&db, &national, &topics, engine::Only::All).await?;
    let load = started.elapsed();
    let started = Instant::now();
    let candidates = inputs.candidates()?;
    let search = started.elapsed();
    let rules = carrel_matching::rules::Rules::new();
    let started = Instant::now();
    carrel_matching::optimal::OptimalSolver::new(&candidates.instance, &rules)?.solve();
    let optimal = started.elapsed();
    let started = Instant::now();
    carrel_matching::stable::solve_stable(&candidates.instance, &rules)?;
    let stable = started.elapsed();
    let started = Instant::now();
    let outcome = matching::solve(&inputs, &[])?;
    let bare = started.elapsed();
    println!(
        "data: {} applications, {} offers, {} candidates",
        inputs.applications.len(),
        inputs.offers.len(),
        outcome.summary.candidates
    );
    println!("load_seconds {:.3}", load.as_secs_f64());
    println!(
        "engine_parts_seconds search {:.3} optimal {:.3} stable {:.3}",
        search.as_secs_f64(),
        optimal.as_secs_f64(),
        stable.as_secs_f64()
    );
    println!(
        "bare_engine_seconds {:.3} (search, both solvers and their figures)",
        bare.as_secs_f64()
    );

    // As the coordinator's browser sees it: the button starts the run in the background,
    // and the proposals page is ready when it no longer says the matching is running.
    let state = AppState::new(db.clone(), config);
    let router = carrel_app::app::router(state);
    let cookies = sign_in(&router).await;
    let matching_path = format!("/cycles/{}/matching", national.id);
    let started = Instant::now();
    let (status, _) = post(&router, &format!("{matching_path}/run"), &cookies).await;
    let answered = started.elapsed();
    let mut polls = 0;
    loop {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        polls += 1;
        let running = carrel_app::cycles::background::running(&db, national.id).await?;
        if running.is_none() {
            break;
        }
    }
    let (page_status, _) = get(&router, &matching_path, &cookies).await;
    let ready = started.elapsed();
    println!(
        "run_button_answer_seconds {:.3} (status {status}: the request returns at once)",
        answered.as_secs_f64()
    );
    println!(
        "run_to_proposals_ready_seconds {:.3} (background run, {polls} polls, page status \
         {page_status})",
        ready.as_secs_f64()
    );
    let latest = carrel_app::cycles::background::latest(&db, national.id).await?;
    if let Some(job) = latest.filter(|job| job.status == "failed") {
        println!("run_failed {}", job.error);
    }
    println!(
        "ratio_ready_to_bare_engine {:.2}",
        ready.as_secs_f64() / bare.as_secs_f64().max(0.001)
    );

    for page in [1, 500] {
        let path = format!("{matching_path}?page={page}");
        let started = Instant::now();
        let (status, bytes) = get(&router, &path, &cookies).await;
        println!(
            "render_page_{page}_seconds {:.3} (status {status}, {bytes} bytes)",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(())
}

async fn send(router: &axum::Router, request: Request<Body>) -> (u16, Vec<String>, usize) {
    let mut request = request;
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            [127, 0, 0, 1],
            9,
        ))));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status().as_u16();
    let cookies = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next().map(str::to_owned))
        .collect();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, cookies, body.len())
}

async fn sign_in(router: &axum::Router) -> String {
    let request = Request::get("/healthz").body(Body::empty()).unwrap();
    let (_, cookies, _) = send(router, request).await;
    let csrf = cookies
        .iter()
        .find_map(|c| c.strip_prefix("carrel_csrf="))
        .unwrap()
        .to_owned();
    let form = serde_urlencoded::to_string([
        ("csrf", csrf.as_str()),
        ("email", carrel_app::demo::DEMO_SIGN_INS[0].1),
        ("password", carrel_app::demo::DEMO_PASSWORD),
    ])
    .unwrap();
    let request = Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header(header::COOKIE, format!("carrel_csrf={csrf}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(form))
        .unwrap();
    let (_, mut session, _) = send(router, request).await;
    session.push(format!("carrel_csrf={csrf}"));
    session.join("; ")
}

async fn post(router: &axum::Router, path: &str, cookies: &str) -> (u16, usize) {
    let csrf = cookies
        .split("; ")
        .find_map(|c| c.strip_prefix("carrel_csrf="))
        .unwrap_or_default();
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::COOKIE, cookies)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("csrf={csrf}")))
        .unwrap();
    let (status, _, bytes) = send(router, request).await;
    (status, bytes)
}

async fn get(router: &axum::Router, path: &str, cookies: &str) -> (u16, usize) {
    let request = Request::get(path)
        .header(header::COOKIE, cookies)
        .body(Body::empty())
        .unwrap();
    let (status, _, bytes) = send(router, request).await;
    (status, bytes)
}
