//! Assembling the application: the router with its middleware, start-up, and serving.

use std::net::SocketAddr;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::Router;

use crate::platform::auth::session;
use crate::platform::config::Config;
use crate::platform::db::{ConnectError, Db};
use crate::platform::jobs::{self, Task};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::csrf::FORM_BODY_LIMIT;
use crate::platform::web::routes::Routes;
use crate::platform::web::{csrf, flash, headers, observe, pages};

/// Every route of the application, with its list for the access tests.
pub fn routes() -> Routes {
    Routes::default()
        .merge(crate::home::routes())
        .merge(crate::accounts::routes())
        .merge(crate::people::routes())
        .merge(crate::network::routes())
        .merge(crate::cohorts::routes())
        .merge(crate::admin::routes())
        .merge(crate::convenings::routes())
        .merge(crate::resources::routes())
        .merge(crate::cycles::routes())
        .merge(crate::surveys::routes())
        .merge(crate::mentorships::routes())
        .get("/healthz", healthz)
        .get("/metrics", metrics)
        .get("/static/carrel.css", pages::stylesheet)
}

/// Builds the router with its middleware.
pub fn router(state: AppState) -> Router {
    let (routes, _) = routes().into_parts();
    // Layers run from the last added to the first: `observe` sees each request first and its
    // span covers the rest; the form token is checked before the session is loaded.
    routes
        .layer(from_fn_with_state(state.clone(), session::middleware))
        .layer(from_fn_with_state(state.clone(), csrf::protect))
        .layer(from_fn(flash::clear_after_showing))
        .layer(DefaultBodyLimit::max(FORM_BODY_LIMIT))
        .layer(from_fn(pages::error_pages))
        .layer(from_fn_with_state(state.clone(), headers::secure))
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .with_state(state)
}

/// The (method, path) of every route.
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes().into_parts().1
}

/// Opens the database, applies migrations and seeds the reference data.
pub async fn open_database(config: &Config) -> Result<Db, ConnectError> {
    let db = Db::connect(&config.resolved_database_url()).await?;
    db.migrate().await?;
    crate::network::seed(&db)
        .await
        .map_err(ConnectError::Connect)?;
    crate::people::profile::seed_topics(&db)
        .await
        .map_err(ConnectError::Connect)?;
    crate::people::words::index_missing(&db)
        .await
        .map_err(ConnectError::Connect)?;
    Ok(db)
}

/// Serves Carrel until interrupted: prints a setup link if there is no admin, starts mail
/// delivery, then answers requests.
pub async fn serve(config: Config, db: Db) -> anyhow::Result<()> {
    if let Some(path) = crate::accounts::setup::setup_link_if_needed(&db).await? {
        // Printed, not logged: the link is a secret meant for the operator's eyes only.
        println!("No admin exists yet. Create the first one here (the link works once):");
        println!("  {}{path}", config.base_url);
    }
    mail::spawn_delivery(db.clone(), &config)?;

    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    tracing::info!(address = %listener.local_addr()?, "listening");
    let state = AppState::new(db.clone(), config);
    jobs::spawn_scheduler(state.clone(), scheduled_tasks());
    let service = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    db.close().await;
    Ok(())
}

/// The periodic tasks of every feature.
pub fn scheduled_tasks() -> Vec<Task> {
    let mut tasks = vec![
        crate::network::succession::task(),
        crate::resources::digest::task(),
    ];
    tasks.extend(crate::convenings::scheduled_tasks());
    tasks.extend(crate::cycles::scheduled_tasks());
    tasks.extend(crate::surveys::scheduled_tasks());
    tasks.extend(crate::mentorships::scheduled_tasks());
    tasks
}

async fn shutdown_signal() {
    let _ = tokio::signal::ctrl_c().await;
    tracing::info!("shutting down");
}

async fn healthz(State(state): State<AppState>) -> Response {
    match state.db.ping().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(error) => {
            tracing::error!(%error, "health check: database unreachable");
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/plain; charset=utf-8"),
            );
            response
        }
    }
}

async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

/// Starts logging: readable lines by default, JSON lines when asked; `RUST_LOG` refines.
pub fn init_tracing(json: bool) {
    use tracing_subscriber::EnvFilter;
    // sqlx logs every statement at debug and slow ones at warn, each with its full text,
    // which for batch inserts runs to megabytes: keep it to errors unless asked.
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=error"));
    // Colour codes only help a person at a terminal; files and collectors get plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}
