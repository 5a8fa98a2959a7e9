//! Signing up: a person asks to join, confirms their address and waits for a coordinator.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::accounts::client::ClientAddress;
use crate::accounts::emails;
use crate::accounts::tokens::{self, Issue, Purpose};
use crate::network::{self, Region};
use crate::people::store::{self, CreateError, NewPerson, Status};
use crate::platform::auth::password;
use crate::platform::auth::roles::Role;
use crate::platform::auth::throttle::PER_ADDRESS;
use crate::platform::error::{AppError, AppResult};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "accounts/sign_up.html")]
struct SignUpPage {
    page: Page,
    form: SignUpForm,
    regions: Vec<Region>,
    errors: FieldErrors,
}

/// The sign-up form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignUpForm {
    name: String,
    email: String,
    region: String,
    role: String,
    password: String,
}

/// Shows the sign-up form.
pub async fn show(State(state): State<AppState>, page: Page) -> AppResult<Response> {
    let regions = network::list_regions(&state.db).await?;
    render(&SignUpPage {
        page,
        form: SignUpForm::default(),
        regions,
        errors: FieldErrors::new(),
    })
}

/// Creates a pending account and emails a confirmation link.
pub async fn submit(
    State(state): State<AppState>,
    page: Page,
    ClientAddress(address): ClientAddress,
    Form(mut form): Form<SignUpForm>,
) -> AppResult<Response> {
    state
        .throttle
        .hit(&format!("address:{address}"), PER_ADDRESS)
        .map_err(|wait| AppError::TooManyRequests {
            retry_after_secs: wait.as_secs().max(1),
        })?;
    let regions = network::list_regions(&state.db).await?;

    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    let email = forms::email(&mut errors, "email", &form.email);
    let region = regions.iter().find(|r| r.code == form.region);
    if region.is_none() {
        errors.add("region", "Choose your region from the list.");
    }
    let role = match form.role.as_str() {
        "mentee" => Role::Mentee,
        "mentor" => Role::Mentor,
        _ => {
            errors.add(
                "role",
                "Choose whether you want to be a mentee or a mentor.",
            );
            Role::Mentee
        }
    };
    if let Err(problem) = password::check_new(&form.password, &email) {
        errors.add("password", problem.message());
    }
    let Some(region) = region.filter(|_| errors.is_empty()) else {
        tracing::debug!("sign-up refused: invalid fields");
        form.password.clear();
        return render_invalid(&SignUpPage {
            page,
            form,
            regions,
            errors,
        });
    };

    let hash = password::hash_blocking(form.password).await?;
    let zone = region.primary_time_zone();
    let person = NewPerson {
        email: &email,
        name: &name,
        password_hash: Some(&hash),
        status: Status::PendingEmail,
        region_id: Some(region.id),
        requested_role: role.code(),
        time_zone: &zone,
    };
    let base = &state.config.base_url;
    let message = match store::create(&state.db, &person).await {
        Ok(person_id) => {
            let facts = Issue {
                email: &email,
                person_id: Some(person_id),
                ..Issue::default()
            };
            let token = tokens::issue(&state.db, Purpose::Confirm, &facts).await?;
            tracing::info!(person.id = person_id, "sign-up received");
            emails::confirm_address(base, &token)
        }
        // The page says the same as for a new address; only the mailbox owner learns more.
        Err(CreateError::DuplicateEmail) => emails::already_registered(base),
        Err(CreateError::Database(error)) => return Err(error.into()),
    };
    mail::enqueue(&state.db, &email, &message.subject, &message.body).await?;
    Ok(redirect_with("/sign-in", Flash::CheckEmail))
}

#[derive(Template)]
#[template(path = "accounts/confirm.html")]
struct ConfirmPage {
    page: Page,
    token: String,
}

#[derive(Template)]
#[template(path = "accounts/link_invalid.html")]
pub(crate) struct LinkInvalidPage {
    pub(crate) page: Page,
}

/// Shows the button that confirms an address. A link opened by a mail scanner changes
/// nothing; only the person's click does.
pub async fn show_confirm(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<Response> {
    if tokens::peek(&state.db, Purpose::Confirm, &token)
        .await?
        .is_none()
    {
        return link_invalid(page);
    }
    render(&ConfirmPage { page, token })
}

/// Confirms the address and tells the region's coordinators.
pub async fn confirm(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let Some(link) = tokens::consume(&state.db, Purpose::Confirm, &token).await? else {
        return link_invalid(page);
    };
    let Some(account) = store::find(&state.db, link.person_id.unwrap_or_default()).await? else {
        return link_invalid(page);
    };
    if account.status == Status::PendingEmail.code() {
        store::set_status(&state.db, account.id, Status::PendingApproval).await?;
        notify_coordinators(&state, account.region_id).await?;
    }
    Ok(redirect_with("/sign-in", Flash::EmailConfirmed))
}

async fn notify_coordinators(state: &AppState, region_id: Option<i64>) -> AppResult<()> {
    let recipients = match region_id {
        Some(region) => network::coordinator_emails(&state.db, region).await?,
        None => Vec::new(),
    };
    // A region without a coordinator must not leave the request unseen: admins hear of it.
    let recipients = if recipients.is_empty() {
        store::admin_emails(&state.db).await?
    } else {
        recipients
    };
    let message = emails::approval_waiting(&state.config.base_url);
    for address in recipients {
        mail::enqueue(&state.db, &address, &message.subject, &message.body).await?;
    }
    Ok(())
}

/// The page for a used, expired or unknown link, with status 404.
pub(crate) fn link_invalid(page: Page) -> AppResult<Response> {
    let mut response = render(&LinkInvalidPage { page })?;
    *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
    Ok(response)
}
