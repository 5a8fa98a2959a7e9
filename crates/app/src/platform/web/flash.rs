//! One-time messages shown on the page after a redirect.
//!
//! The cookie carries a fixed code, never text, so nothing a visitor sets can reach the page
//! as words.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use crate::platform::web::cookies;

const COOKIE: &str = "carrel_flash";

/// A message that survives one redirect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flash {
    /// After signing in.
    SignedIn,
    /// After signing out.
    SignedOut,
    /// After asking for a reset link or signing up: the same words for known and unknown
    /// addresses.
    CheckEmail,
    /// After confirming an email address.
    EmailConfirmed,
    /// After choosing a new password.
    PasswordChanged,
    /// After saving a form.
    Saved,
    /// After sending an invitation.
    InvitationSent,
    /// After approving someone.
    Approved,
    /// After declining someone.
    Declined,
    /// After creating the first admin or accepting an invitation.
    Welcome,
}

impl Flash {
    const ALL: [Flash; 10] = [
        Flash::SignedIn,
        Flash::SignedOut,
        Flash::CheckEmail,
        Flash::EmailConfirmed,
        Flash::PasswordChanged,
        Flash::Saved,
        Flash::InvitationSent,
        Flash::Approved,
        Flash::Declined,
        Flash::Welcome,
    ];

    fn code(self) -> &'static str {
        match self {
            Flash::SignedIn => "signed-in",
            Flash::SignedOut => "signed-out",
            Flash::CheckEmail => "check-email",
            Flash::EmailConfirmed => "email-confirmed",
            Flash::PasswordChanged => "password-changed",
            Flash::Saved => "saved",
            Flash::InvitationSent => "invitation-sent",
            Flash::Approved => "approved",
            Flash::Declined => "declined",
            Flash::Welcome => "welcome",
        }
    }

    /// The message shown.
    pub fn message(self) -> &'static str {
        match self {
            Flash::SignedIn => "You are signed in.",
            Flash::SignedOut => "You are signed out.",
            Flash::CheckEmail => {
                "If that address can receive messages from Carrel, a message is on its way. \
                 Check your email for the link."
            }
            Flash::EmailConfirmed => {
                "Thank you, your email address is confirmed. A coordinator of your region \
                 will review your request and you will hear back by email."
            }
            Flash::PasswordChanged => "Your password is changed. Sign in with the new one.",
            Flash::Saved => "Your changes are saved.",
            Flash::InvitationSent => "The invitation is on its way.",
            Flash::Approved => "Approved. They can sign in now.",
            Flash::Declined => "Declined. They have been told by email.",
            Flash::Welcome => "Welcome to Carrel. Start by completing your profile.",
        }
    }

    /// The message of a request's flash cookie, if any.
    pub fn from_headers(headers: &axum::http::HeaderMap) -> Option<Flash> {
        let code = cookies::read(headers, COOKIE)?;
        Flash::ALL.into_iter().find(|flash| flash.code() == code)
    }
}

/// A "see other" redirect that shows a message on the next page.
pub fn redirect_with(location: &str, flash: Flash) -> Response {
    let mut response = Redirect::to(location).into_response();
    let cookie = cookies::build(COOKIE, flash.code(), Some(60), false);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

/// Clears the flash cookie once a page has been shown with it.
pub async fn clear_after_showing(request: Request, next: Next) -> Response {
    let had_flash = cookies::read(request.headers(), COOKIE).is_some();
    let mut response = next.run(request).await;
    if had_flash && response.status() == StatusCode::OK {
        let cookie = cookies::build(COOKIE, "", Some(0), false);
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
