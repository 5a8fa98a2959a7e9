//! Password reset by a single-use emailed link that expires within the hour.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::accounts::client::ClientAddress;
use crate::accounts::emails;
use crate::accounts::sign_up::link_invalid;
use crate::accounts::tokens::{self, Issue, Purpose};
use crate::people::store::{self, Status};
use crate::platform::auth::throttle::PER_ADDRESS;
use crate::platform::auth::{password, session};
use crate::platform::error::{AppError, AppResult};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "accounts/reset_request.html")]
struct RequestPage {
    page: Page,
    email: String,
    errors: FieldErrors,
}

/// The reset request form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequestForm {
    email: String,
}

/// Shows the form that asks for a reset link.
pub async fn show_request(page: Page) -> AppResult<Response> {
    render(&RequestPage {
        page,
        email: String::new(),
        errors: FieldErrors::new(),
    })
}

/// Emails a reset link to an active account; answers the same way for any address.
pub async fn request(
    State(state): State<AppState>,
    page: Page,
    ClientAddress(address): ClientAddress,
    Form(form): Form<RequestForm>,
) -> AppResult<Response> {
    state
        .throttle
        .hit(&format!("address:{address}"), PER_ADDRESS)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        })?;
    let mut errors = FieldErrors::new();
    let email = forms::email(&mut errors, "email", &form.email);
    if !errors.is_empty() {
        return render_invalid(&RequestPage {
            page,
            email: form.email,
            errors,
        });
    }

    let account = store::find_by_email(&state.db, &email).await?;
    if let Some(account) = account.filter(|a| a.status == Status::Active.code()) {
        let facts = Issue {
            email: &email,
            person_id: Some(account.id),
            ..Issue::default()
        };
        let token = tokens::issue(&state.db, Purpose::Reset, &facts).await?;
        let message = emails::reset_link(&state.config.base_url, &token);
        mail::enqueue(&state.db, &email, &message.subject, &message.body).await?;
        tracing::info!(person.id = account.id, "password reset link sent");
    }
    Ok(redirect_with("/sign-in", Flash::CheckEmail))
}

#[derive(Template)]
#[template(path = "accounts/reset_form.html")]
struct NewPasswordPage {
    page: Page,
    token: String,
    errors: FieldErrors,
}

/// The new password form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewPasswordForm {
    password: String,
}

/// Shows the new password form for a valid link.
pub async fn show_new_password(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if tokens::peek(&state.db, Purpose::Reset, &token)
        .await?
        .is_none()
    {
        return link_invalid(page);
    }
    render(&NewPasswordPage {
        page,
        token,
        errors: FieldErrors::new(),
    })
}

/// Sets the new password, uses the link up and ends every session of the account.
pub async fn set_new_password(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<NewPasswordForm>,
) -> AppResult<Response> {
    let Some(link) = tokens::peek(&state.db, Purpose::Reset, &token).await? else {
        return link_invalid(page);
    };
    if let Err(problem) = password::check_new(&form.password, &link.email) {
        let mut errors = FieldErrors::new();
        errors.add("password", problem.message());
        return render_invalid(&NewPasswordPage {
            page,
            token,
            errors,
        });
    }

    let hash = password::hash_blocking(form.password).await?;
    // Consuming only now keeps the link usable after a refused password; the conditional
    // update still lets only one of two simultaneous submissions through.
    let Some(link) = tokens::consume(&state.db, Purpose::Reset, &token).await? else {
        return link_invalid(page);
    };
    let person_id = link.person_id.ok_or(AppError::NotFound)?;
    store::set_password(&state.db, person_id, &hash).await?;
    session::end_all(&state.db, person_id).await?;
    tracing::info!(person.id = person_id, "password reset");
    Ok(redirect_with("/sign-in", Flash::PasswordChanged))
}
