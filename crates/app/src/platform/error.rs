//! Errors, and the one place they become HTTP responses.
//!
//! Which error belongs where:
//! - database and other I/O code returns its library's error (`sqlx::Error`,
//!   [`MailError`](crate::platform::mail::MailError)) and lets `?` lift it into [`AppError`];
//! - handlers return `Result<_, AppError>`; a rule that refuses something returns
//!   [`AppError::Forbidden`] or [`AppError::NotFound`];
//! - bad form input is not an error: the handler re-renders the form with its messages and
//!   status 422, so nothing the person typed is lost.
//!
//! [`AppError`]'s `IntoResponse` picks the status and the page and logs the cause of server
//! errors, in one place, with the request id the person sees on the page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// An error a handler returns; each variant maps to one status.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Sign in first.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but this person may not do this.
    #[error("forbidden")]
    Forbidden,
    /// Nothing here, or nothing this person may know exists.
    #[error("not found")]
    NotFound,
    /// The request is malformed beyond a form message (a bad query string, say).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// Too many attempts; try again after this many seconds.
    #[error("too many requests")]
    TooManyRequests {
        /// Seconds until the next attempt is accepted.
        retry_after_secs: u64,
    },
    /// A database failure.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Any other failure the person cannot fix.
    #[error("internal: {0}")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// The status this error answers with.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::SEE_OTHER,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Database(sqlx::Error::RowNotFound) => StatusCode::NOT_FOUND,
            AppError::Database(_) | AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        // An anonymous visitor to a members' page is sent to sign in, not shown an error.
        if let AppError::Unauthenticated = self {
            let mut response = StatusCode::SEE_OTHER.into_response();
            response
                .headers_mut()
                .insert(header::LOCATION, HeaderValue::from_static("/sign-in"));
            return response;
        }

        let status = self.status();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        } else {
            tracing::debug!(error = %self, status = status.as_u16(), "request refused");
        }

        // The body is left empty: the error-page layer renders it with the request id.
        let mut response = status.into_response();
        if let AppError::TooManyRequests { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// The result type of handlers.
pub type AppResult<T> = Result<T, AppError>;
