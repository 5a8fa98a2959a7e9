//! Assembling the application: the router with its middleware, and serving it.

use axum::middleware::{from_fn, from_fn_with_state};
use axum::Router;

use crate::platform::state::AppState;
use crate::platform::web::{csrf, flash, headers, observe, pages};

/// Builds the router and the list of its routes.
pub fn router(state: AppState) -> (Router, Vec<(axum::http::Method, &'static str)>) {
    let (routes, list) = crate::accounts::routes().into_parts();
    // Layers run from the last added to the first: observe sees every request first and
    // its span covers the rest; the session is loaded after the form token is checked.
    let router = routes
        .route("/static/carrel.css", axum::routing::get(pages::stylesheet))
        .layer(from_fn_with_state(
            state.clone(),
            crate::platform::auth::session::middleware,
        ))
        .layer(from_fn_with_state(state.clone(), csrf::protect))
        .layer(from_fn(flash::clear_after_showing))
        .layer(from_fn(pages::error_pages))
        .layer(from_fn_with_state(state.clone(), headers::secure))
        .layer(from_fn_with_state(state.clone(), observe::observe))
        .with_state(state);
    (router, list)
}
