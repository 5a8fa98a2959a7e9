//! Cross-site request forgery protection for every state-changing request.
//!
//! A random token lives in an HttpOnly cookie and is written into every form; a POST must
//! send it back as the `csrf` form field (or the `X-CSRF-Token` header, or for multipart
//! uploads the `csrf` query parameter). A forged cross-site form cannot read the cookie, so
//! it cannot send the matching value. Browsers that say a request is cross-site are refused
//! outright.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::platform::state::AppState;
use crate::platform::web::{cookies, tokens};

/// The name of the cookie and of the form field.
pub const FIELD: &str = "csrf";
const COOKIE: &str = "carrel_csrf";

/// Form bodies above this size are refused before they are read into memory.
pub const FORM_BODY_LIMIT: usize = 256 * 1024;

/// The token of the current request, for templates to write into forms.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

/// The form token a request's cookie holds, if any.
pub fn token_in(headers: &axum::http::HeaderMap) -> Option<String> {
    cookies::read(headers, COOKIE).filter(|t| t.len() == 43)
}

/// Checks unsafe requests and hands the token to handlers.
pub async fn protect(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let existing = token_in(request.headers());
    let token = existing.clone().unwrap_or_else(tokens::new_token);

    let mut request = request;
    if is_state_changing(request.method()) {
        request = match verified(request, &token, existing.is_some()).await {
            Ok(request) => request,
            Err(response) => return response,
        };
    }
    request.extensions_mut().insert(CsrfToken(token.clone()));

    let mut response = next.run(request).await;
    if existing.is_none() {
        let cookie = cookies::build(COOKIE, &token, None, state.config.secure_cookies());
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

fn is_state_changing(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn verified(request: Request, token: &str, had_cookie: bool) -> Result<Request, Response> {
    let refused = || {
        tracing::debug!("request refused: missing or wrong form token");
        StatusCode::FORBIDDEN.into_response()
    };

    let cross_site = request
        .headers()
        .get("sec-fetch-site")
        .is_some_and(|value| value == "cross-site");
    if cross_site || !had_cookie {
        return Err(refused());
    }

    if let Some(sent) = header_token(&request).or_else(|| query_token(&request)) {
        return if tokens::constant_time_eq(sent.as_bytes(), token.as_bytes()) {
            Ok(request)
        } else {
            Err(refused())
        };
    }

    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_BODY_LIMIT)
        .await
        .map_err(|_| StatusCode::PAYLOAD_TOO_LARGE.into_response())?;
    let sent = form_token(&bytes).ok_or_else(refused)?;
    if !tokens::constant_time_eq(sent.as_bytes(), token.as_bytes()) {
        return Err(refused());
    }
    Ok(Request::from_parts(parts, Body::from(bytes)))
}

fn header_token(request: &Request) -> Option<String> {
    let value = request.headers().get("x-csrf-token")?;
    value.to_str().ok().map(str::to_owned)
}

fn query_token(request: &Request) -> Option<String> {
    let is_multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !is_multipart {
        return None;
    }
    let query = request.uri().query()?;
    form_token(query.as_bytes())
}

fn form_token(body: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(key, _)| key == FIELD)
        .map(|(_, value)| value)
}
