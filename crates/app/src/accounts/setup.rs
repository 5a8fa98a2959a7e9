//! The first admin: from `carrel create-admin`, or from a one-time link printed at the
//! first start. Carrel never ships a default account.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::accounts::sign_up::link_invalid;
use crate::accounts::tokens::{self, Issue, Purpose};
use crate::people::store::{self, CreateError, NewPerson, Status};
use crate::platform::auth::roles::Role;
use crate::platform::auth::{password, session};
use crate::platform::db::Db;
use crate::platform::error::AppResult;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

/// Why an admin could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateAdminError {
    /// A field is not acceptable; the message says which and why.
    #[error("{0}")]
    Invalid(String),
    /// The address already has an account.
    #[error("an account with this email address already exists")]
    Exists,
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// Creates an active admin with a password, for the command line and the setup page.
pub async fn create_admin(
    db: &Db,
    email: &str,
    name: &str,
    password_text: &str,
) -> Result<i64, CreateAdminError> {
    let mut errors = FieldErrors::new();
    let email = forms::email(&mut errors, "email", email);
    let name = forms::text(&mut errors, "name", name, true, 120);
    if let Err(problem) = password::check_new(password_text, &email) {
        errors.add("password", problem.message());
    }
    if let Some((field, message)) = errors.all().first() {
        return Err(CreateAdminError::Invalid(format!("{field}: {message}")));
    }

    let hash = password::hash_blocking(password_text.to_owned()).await?;
    let person = NewPerson {
        email: &email,
        name: &name,
        password_hash: Some(&hash),
        status: Status::Active,
        region_id: None,
        requested_role: "",
        time_zone: "America/New_York",
    };
    let id = match store::create(db, &person).await {
        Ok(id) => id,
        Err(CreateError::DuplicateEmail) => return Err(CreateAdminError::Exists),
        Err(CreateError::Database(error)) => return Err(anyhow::Error::from(error).into()),
    };
    store::grant(db, id, Role::Admin, None, None)
        .await
        .map_err(anyhow::Error::from)?;
    tracing::info!(person.id = id, "admin created");
    Ok(id)
}

/// Issues a setup link when the network has no admin yet; returns its path.
pub async fn setup_link_if_needed(db: &Db) -> Result<Option<String>, sqlx::Error> {
    if store::admin_exists(db).await? {
        return Ok(None);
    }
    let token = tokens::issue(db, Purpose::Setup, &Issue::default()).await?;
    Ok(Some(format!("/setup/{token}")))
}

#[derive(Template)]
#[template(path = "accounts/setup.html")]
struct SetupPage {
    page: Page,
    token: String,
    name: String,
    email: String,
    errors: FieldErrors,
}

/// The setup form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SetupForm {
    name: String,
    email: String,
    password: String,
}

/// Shows the form that creates the first admin.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if tokens::peek(&state.db, Purpose::Setup, &token)
        .await?
        .is_none()
        || store::admin_exists(&state.db).await?
    {
        return link_invalid(page);
    }
    let errors = FieldErrors::new();
    render(&SetupPage {
        page,
        token,
        name: String::new(),
        email: String::new(),
        errors,
    })
}

/// Creates the first admin and signs them in.
pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<SetupForm>,
) -> AppResult<Response> {
    if tokens::peek(&state.db, Purpose::Setup, &token)
        .await?
        .is_none()
        || store::admin_exists(&state.db).await?
    {
        return link_invalid(page);
    }
    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    let email = forms::email(&mut errors, "email", &form.email);
    if let Err(problem) = password::check_new(&form.password, &email) {
        errors.add("password", problem.message());
    }
    if store::find_by_email(&state.db, &email).await?.is_some() {
        errors.add("email", "This address already has an account; use another.");
    }
    if !errors.is_empty() {
        return render_invalid(&SetupPage {
            page,
            token,
            name,
            email: form.email,
            errors,
        });
    }

    if tokens::consume(&state.db, Purpose::Setup, &token)
        .await?
        .is_none()
    {
        return link_invalid(page);
    }
    let id = match create_admin(&state.db, &email, &name, &form.password).await {
        Ok(id) => id,
        // Checked above; only a simultaneous setup could get here.
        Err(error @ (CreateAdminError::Exists | CreateAdminError::Invalid(_))) => {
            return Err(anyhow::anyhow!("setup refused after checks: {error}").into())
        }
        Err(CreateAdminError::Other(error)) => return Err(error.into()),
    };
    let cookie = session::start(&state, id).await?;
    let mut response = redirect_with("/profile", Flash::Welcome);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
