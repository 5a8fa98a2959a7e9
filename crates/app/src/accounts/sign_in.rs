//! Signing in and out.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

use crate::accounts::client::ClientAddress;
use crate::people::store::{self, Status};
use crate::platform::auth::password;
use crate::platform::auth::session;
use crate::platform::auth::throttle::{PER_ACCOUNT, PER_ADDRESS};
use crate::platform::auth::viewer::MaybeViewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "accounts/sign_in.html")]
struct SignInPage {
    page: Page,
    email: String,
    errors: FieldErrors,
}

/// The sign-in form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignInForm {
    email: String,
    password: String,
}

/// Shows the sign-in form.
pub async fn show(page: Page) -> AppResult<Response> {
    render(&SignInPage {
        page,
        email: String::new(),
        errors: FieldErrors::new(),
    })
}

/// Checks the password and starts a new session.
pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(current): MaybeViewer,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SignInForm>,
) -> AppResult<Response> {
    let email = form.email.trim().to_lowercase();
    let account_key = format!("sign-in:{email}");
    let address_key = format!("address:{address}");
    let too_many = |wait: std::time::Duration| AppError::TooManyRequests {
        retry_after_secs: wait.as_secs().max(1),
    };
    state
        .throttle
        .hit(&address_key, PER_ADDRESS)
        .map_err(too_many)?;
    state
        .throttle
        .check(&account_key, PER_ACCOUNT)
        .map_err(too_many)?;

    let account = store::find_by_email(&state.db, &email).await?;
    let stored_hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let matched = password::verify_blocking(form.password, stored_hash).await;
    let active = account
        .as_ref()
        .filter(|a| matched && a.status == Status::Active.code());

    // Unknown address, wrong password and inactive account all get the same answer, so the
    // form does not reveal who has an account.
    let Some(account) = active else {
        state
            .throttle
            .hit(&account_key, PER_ACCOUNT)
            .map_err(too_many)?;
        tracing::debug!("sign-in refused");
        let mut errors = FieldErrors::new();
        errors.add("email", "The email address or password is not right.");
        return render_invalid(&SignInPage {
            page,
            email,
            errors,
        });
    };

    state.throttle.reset(&account_key);
    if let Some(old) = current {
        session::end(&state, &old.session_digest).await?;
    }
    let cookie = session::start(&state, account.id).await?;
    let mut response = redirect_with("/", Flash::SignedIn);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}

/// Ends the current session.
pub async fn sign_out(
    State(state): State<AppState>,
    MaybeViewer(viewer): MaybeViewer,
) -> AppResult<Response> {
    let Some(viewer) = viewer else {
        return Ok(Redirect::to("/sign-in").into_response());
    };
    let cookie = session::end(&state, &viewer.session_digest).await?;
    tracing::info!(person.id = viewer.person_id, "signed out");
    let mut response = redirect_with("/sign-in", Flash::SignedOut);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
