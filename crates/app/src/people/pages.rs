//! The people pages: one's own profile form, a profile, and the directory.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;

use crate::network::{self, Region};
use crate::people::directory::{self, Entry, Filters};
use crate::people::profile::{
    self, Profile, ProfileForm, Topic, LANGUAGES, LIBRARY_TYPES, MODALITIES,
};
use crate::people::topics::Stage;
use crate::platform::auth::policy::{self, DirectoryScope, Visibility};
use crate::platform::auth::roles::Role;
use crate::platform::auth::session;
use crate::platform::auth::viewer::Viewer;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::markdown;
use crate::platform::web::pages::{render, render_invalid, Page};

/// The choices a profile form offers.
struct Choices {
    regions: Vec<Region>,
    zones: Vec<String>,
    topics: Vec<Topic>,
}

impl Choices {
    async fn load(state: &AppState) -> AppResult<Self> {
        let regions = network::list_regions(&state.db).await?;
        let zones = profile::all_zones(&regions);
        let topics = profile::list_topics(&state.db).await?;
        Ok(Choices {
            regions,
            zones,
            topics,
        })
    }
}

#[derive(Template)]
#[template(path = "people/edit.html")]
struct EditPage {
    page: Page,
    form: ProfileForm,
    choices: Choices,
    errors: FieldErrors,
}

impl EditPage {
    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }

    fn library_types(&self) -> &'static [(&'static str, &'static str)] {
        &LIBRARY_TYPES
    }

    fn modalities(&self) -> &'static [(&'static str, &'static str)] {
        &MODALITIES
    }

    fn languages(&self) -> &'static [(&'static str, &'static str)] {
        LANGUAGES
    }

    fn visibilities(&self) -> [Visibility; 3] {
        Visibility::ALL
    }

    fn ranks(&self) -> Vec<(usize, &str)> {
        self.form
            .needs()
            .into_iter()
            .enumerate()
            .map(|(i, code)| (i + 1, code))
            .collect()
    }
}

/// Shows the viewer's own profile form.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let profile = profile::load(&state.db, viewer.person_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let choices = Choices::load(&state).await?;
    let region_code = choices
        .regions
        .iter()
        .find(|r| Some(r.id) == profile.region_id)
        .map(|r| r.code.clone())
        .unwrap_or_default();
    let needs = profile::topic_codes(&state.db, viewer.person_id, "need").await?;
    let offers = profile::topic_codes(&state.db, viewer.person_id, "offer").await?;
    let form = ProfileForm::from_profile(&profile, &region_code, &needs, &offers);
    render(&EditPage {
        page,
        form,
        choices,
        errors: FieldErrors::new(),
    })
}

/// Saves the viewer's profile, or shows the form again with its problems.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let form = ProfileForm::from_pairs(pairs);
    let choices = Choices::load(&state).await?;
    match profile::validate(&form, &choices.regions, &choices.topics) {
        Ok(valid) => {
            profile::save(&state.db, viewer.person_id, &valid).await?;
            Ok(redirect_with("/profile", Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "profile refused");
            render_invalid(&EditPage {
                page,
                form,
                choices,
                errors,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "people/show.html")]
struct ShowPage {
    page: Page,
    profile: Profile,
    region: String,
    roles: Vec<&'static str>,
    needs: Vec<String>,
    offers: Vec<String>,
    bio_html: String,
    show_email: bool,
    /// The career check-ins, for those who may see them (see `cycles::career`).
    career: Vec<crate::cycles::career::CheckIn>,
    topics: Vec<Topic>,
}

/// Shows a profile to those its owner lets see it; to anyone else it does not exist.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let profile = profile::load_active(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let visibility = Visibility::parse(&profile.visibility);
    if !policy::may_view_profile(&viewer, id, profile.region_id, visibility) {
        return Err(AppError::NotFound);
    }
    let show_email = viewer.person_id == id
        || viewer.is_admin()
        || profile.region_id.is_some_and(|r| viewer.coordinates(r));

    let region = match profile.region_id {
        Some(region_id) => network::regions_by_id(&state.db, &[region_id]).await?,
        None => Vec::new(),
    };
    let topics = profile::list_topics(&state.db).await?;
    let names = |codes: Vec<String>| -> Vec<String> {
        codes
            .iter()
            .filter_map(|c| topics.iter().find(|t| &t.code == c).map(|t| t.name.clone()))
            .collect()
    };
    let needs = names(profile::topic_codes(&state.db, id, "need").await?);
    let offers = names(profile::topic_codes(&state.db, id, "offer").await?);
    let grants = session::grants_of(&state.db, id).await?;
    let mut roles: Vec<&'static str> = grants.iter().map(|g| g.role.label()).collect();
    roles.dedup();
    let bio_html = markdown::render_safe(&profile.bio);
    let career = if policy::may_see_career_timeline(&viewer, id, profile.region_id) {
        crate::cycles::career::timeline(&state.db, id).await?
    } else {
        Vec::new()
    };
    render(&ShowPage {
        career,
        topics,
        page,
        region: region.first().map(|r| r.name.clone()).unwrap_or_default(),
        profile,
        roles,
        needs,
        offers,
        bio_html,
        show_email,
    })
}

#[derive(Template)]
#[template(path = "people/directory.html")]
struct DirectoryPage {
    page: Page,
    filters: Filters,
    regions: Vec<Region>,
    topics: Arc<Vec<Topic>>,
    entries: Vec<Entry>,
    has_next: bool,
    current_page: i64,
}

impl DirectoryPage {
    fn stages(&self) -> [Stage; 5] {
        Stage::ALL
    }

    fn library_types(&self) -> &'static [(&'static str, &'static str)] {
        &LIBRARY_TYPES
    }

    fn roles(&self) -> [Role; 5] {
        Role::ALL
    }

    fn stage_label(&self, code: &str) -> &'static str {
        Stage::parse(code).map_or("", Stage::label)
    }

    fn library_type_label(&self, code: &str) -> &'static str {
        LIBRARY_TYPES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or("", |(_, l)| l)
    }
}

/// The directory of the viewer's regions, or of the nation for admins.
pub async fn directory(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> AppResult<Response> {
    let scope = policy::directory_scope(&viewer).ok_or(AppError::Forbidden)?;
    let regions = network::regions(&state)
        .await?
        .iter()
        .filter(|region| match &scope {
            DirectoryScope::National => true,
            DirectoryScope::Regions(ids) => ids.contains(&region.id),
        })
        .cloned()
        .collect();
    let topics = profile::topics(&state).await?;
    let results = directory::search(&state.db, &scope, &filters).await?;
    let current_page = filters.page();
    render(&DirectoryPage {
        page,
        filters,
        regions,
        topics,
        entries: results.entries,
        has_next: results.has_next,
        current_page,
    })
}
