//! Invitations: admins invite coordinators (and anyone), coordinators invite the mentors
//! and mentees of their region.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::accounts::emails;
use crate::accounts::sign_up::link_invalid;
use crate::accounts::tokens::{self, Issue, Purpose};
use crate::network::{self, Region};
use crate::people::store::{self, CreateError, NewPerson, Status};
use crate::platform::auth::roles::Role;
use crate::platform::auth::viewer::Viewer;
use crate::platform::auth::{password, policy, session};
use crate::platform::error::{AppError, AppResult};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};

#[derive(Template)]
#[template(path = "accounts/invite.html")]
struct InvitePage {
    page: Page,
    form: InviteForm,
    roles: Vec<Role>,
    regions: Vec<Region>,
    errors: FieldErrors,
}

/// The invitation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    name: String,
    email: String,
    role: String,
    region: String,
}

async fn regions_for(state: &AppState, viewer: &Viewer) -> AppResult<Vec<Region>> {
    if viewer.is_admin() {
        Ok(network::list_regions(&state.db).await?)
    } else {
        Ok(network::regions_by_id(&state.db, &viewer.coordinated_regions()).await?)
    }
}

/// Shows the invitation form with the roles and regions this viewer may invite to.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let roles = policy::invitable_roles(&viewer);
    if roles.is_empty() {
        return Err(AppError::Forbidden);
    }
    let regions = regions_for(&state, &viewer).await?;
    render(&InvitePage {
        page,
        form: InviteForm::default(),
        roles,
        regions,
        errors: FieldErrors::new(),
    })
}

/// Sends an invitation, or gives the role at once to someone who already has an account.
pub async fn send(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let roles = policy::invitable_roles(&viewer);
    if roles.is_empty() {
        return Err(AppError::Forbidden);
    }
    let regions = regions_for(&state, &viewer).await?;

    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    let email = forms::email(&mut errors, "email", &form.email);
    let role = Role::parse(&form.role).filter(|role| roles.contains(role));
    if role.is_none() {
        errors.add("role", "Choose a role from the list.");
    }
    let region = regions.iter().find(|r| r.code == form.region);
    if region.is_none() {
        errors.add("region", "Choose a region from the list.");
    }
    let (Some(role), Some(region)) = (role, region) else {
        return render_invalid(&InvitePage {
            page,
            form,
            roles,
            regions,
            errors,
        });
    };
    if !errors.is_empty() {
        return render_invalid(&InvitePage {
            page,
            form,
            roles,
            regions,
            errors,
        });
    }
    if !policy::may_invite(&viewer, role, region.id) {
        return Err(AppError::Forbidden);
    }

    let base = &state.config.base_url;
    let message = match store::find_by_email(&state.db, &email).await? {
        Some(existing) if existing.status == Status::Active.code() => {
            store::grant(
                &state.db,
                existing.id,
                role,
                Some(region.id),
                Some(viewer.person_id),
            )
            .await?;
            emails::role_added(base, role.label(), &region.name)
        }
        _ => {
            let facts = Issue {
                email: &email,
                role: role.code(),
                region_id: Some(region.id),
                name: &name,
                created_by: Some(viewer.person_id),
                ..Issue::default()
            };
            let token = tokens::issue(&state.db, Purpose::Invite, &facts).await?;
            emails::invitation(base, &token, role.label(), &region.name)
        }
    };
    mail::enqueue(&state.db, &email, &message.subject, &message.body).await?;
    tracing::info!(by = viewer.person_id, role = role.code(), "invitation sent");
    Ok(redirect_with("/invitations/new", Flash::InvitationSent))
}

#[derive(Template)]
#[template(path = "accounts/accept.html")]
struct AcceptPage {
    page: Page,
    token: String,
    name: String,
    email: String,
    role: String,
    errors: FieldErrors,
}

/// The form that accepts an invitation.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    name: String,
    password: String,
}

/// Shows the invitation's acceptance form.
pub async fn show_accept(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let Some(link) = tokens::peek(&state.db, Purpose::Invite, &token).await? else {
        return link_invalid(page);
    };
    let role = Role::parse(&link.role).map_or("", Role::label).to_owned();
    render(&AcceptPage {
        page,
        token,
        name: link.name,
        email: link.email,
        role,
        errors: FieldErrors::new(),
    })
}

/// Creates the account with the invited role and signs the person in.
pub async fn accept(
    State(state): State<AppState>,
    page: Page,
    Path(token): Path<String>,
    Form(form): Form<AcceptForm>,
) -> AppResult<Response> {
    let Some(link) = tokens::peek(&state.db, Purpose::Invite, &token).await? else {
        return link_invalid(page);
    };
    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    if let Err(problem) = password::check_new(&form.password, &link.email) {
        errors.add("password", problem.message());
    }
    if !errors.is_empty() {
        let role = Role::parse(&link.role).map_or("", Role::label).to_owned();
        return render_invalid(&AcceptPage {
            page,
            token,
            name,
            email: link.email,
            role,
            errors,
        });
    }

    let hash = password::hash_blocking(form.password).await?;
    let Some(link) = tokens::consume(&state.db, Purpose::Invite, &token).await? else {
        return link_invalid(page);
    };
    let role = Role::parse(&link.role).ok_or(AppError::NotFound)?;
    let zone = match link.region_id {
        Some(id) => network::regions_by_id(&state.db, &[id])
            .await?
            .first()
            .map(Region::primary_time_zone),
        None => None,
    }
    .unwrap_or_else(|| "America/New_York".to_owned());
    let person = NewPerson {
        email: &link.email,
        name: &name,
        password_hash: Some(&hash),
        status: Status::Active,
        region_id: link.region_id,
        requested_role: "",
        time_zone: &zone,
    };
    let person_id = match store::create(&state.db, &person).await {
        Ok(id) => id,
        // The address got an account since the invitation was sent: give it the role.
        Err(CreateError::DuplicateEmail) => {
            let existing = store::find_by_email(&state.db, &link.email).await?;
            existing.ok_or(AppError::NotFound)?.id
        }
        Err(CreateError::Database(error)) => return Err(error.into()),
    };
    store::grant(&state.db, person_id, role, link.region_id, link.created_by).await?;

    let cookie = session::start(&state, person_id).await?;
    let mut response = redirect_with("/profile", Flash::Welcome);
    response.headers_mut().append(header::SET_COOKIE, cookie);
    Ok(response)
}
