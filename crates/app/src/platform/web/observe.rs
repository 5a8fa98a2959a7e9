//! Request ids, the request span and log line, and request metrics.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;
use tracing::Instrument;

use crate::platform::state::AppState;

/// The id of the current request, shown on error pages and sent as `X-Request-Id`.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

/// Wraps a request in a span named by its route, then logs and counts it.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = new_request_id();
    let method = request.method().as_str().to_owned();
    // The template, not the path: paths can carry ids, and labels must stay few.
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str)
        .to_owned();

    let span = tracing::info_span!("request", request.id = %id, http.method = %method,
        http.route = %route);
    let mut request = request;
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).instrument(span.clone()).await;

    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    state.metrics.record(&method, &route, status, elapsed);
    span.in_scope(|| {
        tracing::info!(
            http.status = status,
            latency_ms = elapsed.as_millis() as u64,
            "request"
        );
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

fn new_request_id() -> String {
    let mut bytes = [0u8; 8];
    rand::rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
