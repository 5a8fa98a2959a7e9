//! The home page: for visitors, what Carrel is; for members, what to do next.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use crate::cycles::self_match;
use crate::mentorships::home::NextStep;
use crate::network::succession::{self, Alert};
use crate::people::store;
use crate::platform::auth::policy::{self, DirectoryScope};
use crate::platform::auth::roles::Role;
use crate::platform::auth::viewer::MaybeViewer;
use crate::platform::error::AppResult;
use crate::platform::state::AppState;
use crate::platform::web::pages::{render, Page};
use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default().get("/", home)
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    page: Page,
    roles: Vec<&'static str>,
    waiting_approval: Option<usize>,
    action_items: Vec<crate::convenings::store::ActionItem>,
    succession_alerts: Option<Vec<Alert>>,
    proposals: Vec<crate::cycles::proposals::Proposal>,
    career_due: bool,
    due_surveys: Vec<crate::surveys::DueSurvey>,
    next_steps: Vec<NextStep>,
    self_match: Vec<NextStep>,
    attention: Option<(Vec<crate::mentorships::home::Attention>, usize)>,
}

async fn home(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
) -> AppResult<Response> {
    let Some(viewer) = viewer else {
        let empty = HomePage {
            page,
            roles: Vec::new(),
            waiting_approval: None,
            action_items: Vec::new(),
            succession_alerts: None,
            proposals: Vec::new(),
            career_due: false,
            due_surveys: Vec::new(),
            next_steps: Vec::new(),
            self_match: Vec::new(),
            attention: None,
        };
        return render(&empty);
    };

    let mut roles: Vec<&'static str> = viewer.grants.iter().map(|g| g.role.label()).collect();
    roles.dedup();
    let waiting_approval = match policy::directory_scope(&viewer) {
        Some(DirectoryScope::National) => Some(store::pending_approval(&state.db, None).await?),
        Some(DirectoryScope::Regions(ids)) => {
            Some(store::pending_approval(&state.db, Some(&ids)).await?)
        }
        None => None,
    }
    .map(|waiting| waiting.len());
    let action_items =
        crate::convenings::store::open_action_items(&state.db, viewer.person_id).await?;
    let succession_alerts = if viewer.has(Role::Admin) {
        let coverage = succession::coverage_of_all(&state.db, succession::today()).await?;
        Some(succession::alerts_of_all(&coverage))
    } else {
        None
    };
    let proposals = crate::cycles::proposals::of_person(&state.db, viewer.person_id).await?;
    let months = state.config.career_check_months;
    let career_due = crate::cycles::career::is_due(&state.db, viewer.person_id, months).await?;
    let due_surveys = crate::surveys::due_for(&state.db, viewer.person_id).await?;
    let today = crate::platform::db::now().date_naive();
    let next_steps = crate::mentorships::home::next_steps(&state.db, &viewer, today).await?;
    let self_match = self_match::home_steps(&state.db, viewer.person_id).await?;
    let attention = if viewer.has(Role::Coordinator) {
        Some(crate::mentorships::home::attention(&state.db, &viewer, today).await?)
    } else {
        None
    };
    render(&HomePage {
        career_due,
        page,
        roles,
        waiting_approval,
        action_items,
        succession_alerts,
        proposals,
        due_surveys,
        next_steps,
        self_match,
        attention,
    })
}
