//! The page layout's context, rendering, error pages and static assets.

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};

use crate::platform::auth::policy;
use crate::platform::auth::roles::Role;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::web::csrf::{self, CsrfToken};
use crate::platform::web::flash::Flash;
use crate::platform::web::observe::RequestId;

/// What the layout needs on every page: who is signed in, the form token and any message.
#[derive(Clone, Debug)]
pub struct Page {
    /// The signed-in person, if any.
    pub viewer: Option<Viewer>,
    /// The token every form sends back.
    pub csrf: String,
    /// A message carried over a redirect.
    pub flash: Option<Flash>,
}

/// One entry of the navigation.
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// Its words.
    pub label: &'static str,
}

impl Page {
    /// The navigation for the viewer's roles.
    pub fn nav(&self) -> Vec<NavLink> {
        let link = |href, label| NavLink { href, label };
        let Some(viewer) = &self.viewer else {
            return vec![
                link("/regions", "Regions"),
                link("/network", "Network"),
                link("/resources", "Library"),
                link("/sign-in", "Sign in"),
            ];
        };

        let mut links = vec![link("/", "Home"), link("/profile", "My profile")];
        links.push(link("/convenings", "Convenings"));
        links.push(link("/cycles", "Cycles"));
        links.push(link("/surveys", "Surveys"));
        if policy::directory_scope(viewer).is_some() {
            links.push(link("/people", "People"));
            links.push(link("/approvals", "Approvals"));
            links.push(link("/invitations/new", "Invite"));
        }
        links.push(link("/regions", "Regions"));
        links.push(link("/network", "Network"));
        links.push(link("/cohorts", "Cohorts"));
        links.push(link("/circles", "Circles"));
        links.push(link("/resources", "Library"));
        if viewer.has(Role::Admin) {
            links.push(link("/admin/divisions", "Divisions"));
            links.push(link("/admin/outbox", "Outbox"));
            links.push(link("/admin/survey-access", "Survey access log"));
            links.push(link("/dashboard/national", "Dashboard"));
        }
        links
    }

    /// The flash message's words, if any.
    pub fn flash_message(&self) -> Option<&'static str> {
        self.flash.map(Flash::message)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Page {
            viewer: parts.extensions.get::<Viewer>().cloned(),
            csrf: parts
                .extensions
                .get::<CsrfToken>()
                .map(|t| t.0.clone())
                .unwrap_or_default(),
            flash: Flash::from_headers(&parts.headers),
        })
    }
}

/// Renders a template as an HTML response.
pub fn render(template: &impl Template) -> AppResult<Response> {
    let html = template
        .render()
        .map_err(|e| AppError::Internal(e.into()))?;
    Ok(Html(html).into_response())
}

/// Renders a form again with its messages, keeping what was typed, with status 422.
pub fn render_invalid(template: &impl Template) -> AppResult<Response> {
    let mut response = render(template)?;
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    Ok(response)
}

#[derive(Template)]
#[template(path = "errors/error.html")]
struct ErrorPage {
    page: Page,
    status: u16,
    heading: &'static str,
    explanation: &'static str,
    request_id: String,
}

/// Replaces the body of every error response that is not already a page with a page that
/// explains it and names the request id, and nothing about the server's insides.
pub async fn error_pages(request: Request, next: Next) -> Response {
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone());
    let csrf = csrf::token_in(request.headers());
    let response = next.run(request).await;
    // The session layer runs inside this one, so the viewer comes back on the response.
    let page = Page {
        viewer: response.extensions().get::<Viewer>().cloned(),
        csrf: csrf.unwrap_or_default(),
        flash: None,
    };

    let status = response.status();
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_html {
        return response;
    }

    let (heading, explanation) = wording(status);
    let template = ErrorPage {
        page,
        status: status.as_u16(),
        heading,
        explanation,
        request_id: request_id.unwrap_or_default(),
    };
    let Ok(html) = template.render() else {
        return response;
    };
    let (mut parts, _) = response.into_parts();
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(html))
}

fn wording(status: StatusCode) -> (&'static str, &'static str) {
    match status.as_u16() {
        400 => (
            "The request could not be read",
            "Go back, check what you sent and try again.",
        ),
        403 => (
            "You may not do this",
            "Your account does not give access to this page or action. If you came here from \
             a form, it may have expired: go back, reload the page and try again.",
        ),
        404 => (
            "Page not found",
            "There is nothing here, or it is not yours to see.",
        ),
        405 => (
            "Not allowed",
            "This address does not accept that kind of request.",
        ),
        413 => ("Too large", "What you sent is larger than Carrel accepts."),
        415 | 422 => (
            "The form could not be read",
            "Go back, check the form and try again.",
        ),
        429 => (
            "Too many attempts",
            "Please wait a few minutes before you try again. This protects your account.",
        ),
        500..=599 => (
            "Something went wrong on our side",
            "The problem is logged. Try again in a moment; if it persists, tell an admin the \
             request id below.",
        ),
        _ => ("The request failed", "Go back and try again."),
    }
}

const STYLESHEET: &str = include_str!("../../../static/carrel.css");

/// The stylesheet, cached by browsers for a day.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLESHEET,
    )
        .into_response()
}
