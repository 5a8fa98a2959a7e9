//! The cycle pages: the list, a cycle's page with its moves, and its settings form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::Form;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::cycles::applications;
use crate::cycles::cycle::{self, Cycle, CycleForm, CycleScope, MoveRecord, Placement, CADENCES};
use crate::cycles::matching;
use crate::cycles::proposals;
use crate::cycles::state::{self, Actor, CycleState, Move};
use crate::network::{self, Region};
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::pages::{render, render_invalid, Page};

/// Today's date in UTC, which every window is compared against.
pub(crate) fn today() -> NaiveDate {
    now().date_naive()
}

/// A cycle the viewer may see; to anyone else it does not exist.
pub(crate) async fn visible_cycle(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Cycle> {
    let cycle = cycle::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_see_cycle(viewer, &cycle.regions()) {
        return Err(AppError::NotFound);
    }
    Ok(cycle)
}

/// A cycle the viewer runs; members who may see it are refused, others told it is not there.
pub(crate) async fn managed_cycle(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Cycle> {
    let cycle = visible_cycle(state, viewer, id).await?;
    if !policy::may_manage_cycle(viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    Ok(cycle)
}

/// The role in which the viewer acts on a cycle.
pub(crate) fn actor_of(viewer: &Viewer, cycle: &Cycle) -> Actor {
    if viewer.is_admin() {
        Actor::Admin
    } else if policy::may_manage_cycle(viewer, &cycle.regions()) {
        Actor::Coordinator
    } else {
        Actor::Member
    }
}

/// A cycle with its place's name, for lists.
pub struct Listed {
    /// The cycle.
    pub cycle: Cycle,
    /// Its region's name, or "National".
    pub place: String,
}

async fn place_names(state: &AppState, cycles: Vec<Cycle>) -> AppResult<Vec<Listed>> {
    let regions = network::list_regions(&state.db).await?;
    Ok(cycles
        .into_iter()
        .map(|cycle| Listed {
            place: place_name(&regions, &cycle),
            cycle,
        })
        .collect())
}

pub(crate) fn place_name(regions: &[Region], cycle: &Cycle) -> String {
    let names: Vec<&str> = cycle
        .regions()
        .iter()
        .filter_map(|id| regions.iter().find(|r| r.id == *id))
        .map(|r| r.name.as_str())
        .collect();
    match (cycle.region_id, names.as_slice()) {
        (_, []) => "National".to_owned(),
        (Some(_), [name]) => (*name).to_owned(),
        (_, names) => format!("Regions {}", names.join(", ")),
    }
}

#[derive(Template)]
#[template(path = "cycles/list.html")]
struct ListPage {
    page: Page,
    cycles: Vec<Listed>,
    may_create: bool,
}

/// Lists the cycles the viewer may see: national ones and their regions'.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let scope = if viewer.is_admin() {
        CycleScope::All
    } else {
        let mut regions = viewer.coordinated_regions();
        regions.extend(viewer.region_id);
        CycleScope::Regions(regions)
    };
    let cycles = cycle::list(&state.db, &scope).await?;
    let may_create = viewer.is_admin() || !viewer.coordinated_regions().is_empty();
    render(&ListPage {
        page,
        cycles: place_names(&state, cycles).await?,
        may_create,
    })
}

#[derive(Template)]
#[template(path = "cycles/form.html")]
struct FormPage {
    page: Page,
    heading: String,
    action: String,
    form: CycleForm,
    national: bool,
    regions: Vec<Region>,
    errors: FieldErrors,
}

impl FormPage {
    fn cadences(&self) -> &'static [(&'static str, &'static str)] {
        &CADENCES
    }
}

async fn placement_regions(state: &AppState, viewer: &Viewer) -> AppResult<Vec<Region>> {
    if viewer.is_admin() {
        Ok(network::list_regions(&state.db).await?)
    } else {
        Ok(network::regions_by_id(&state.db, &viewer.coordinated_regions()).await?)
    }
}

/// Which cycle to copy into a new one.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewQuery {
    /// The cycle to copy, or 0 for the latest of the viewer's place.
    from: Option<i64>,
    /// `last` copies the newest cycle the viewer runs.
    copy: String,
}

/// Shows the form for a new cycle, blank or copied from an earlier one a year on.
pub async fn new(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Query(query): Query<NewQuery>,
) -> AppResult<Response> {
    let regions = placement_regions(&state, &viewer).await?;
    if regions.is_empty() {
        return Err(AppError::Forbidden);
    }
    let source = match (query.from, query.copy.as_str()) {
        (Some(id), _) => Some(managed_cycle(&state, &viewer, id).await?),
        (None, "last") => {
            let place = if viewer.is_admin() {
                None
            } else {
                regions.first().map(|r| r.id)
            };
            cycle::latest_in_place(&state.db, place).await?
        }
        _ => None,
    };
    let form = match &source {
        Some(cycle) => {
            let mut form = cycle::copy_form(cycle, &code_of(&regions, cycle));
            form.group = group_codes(&state, cycle).await?;
            form
        }
        None => CycleForm::starting(today()),
    };
    let action = match &source {
        Some(cycle) => format!("/cycles/new?from={}", cycle.id),
        None => "/cycles/new".to_owned(),
    };
    render(&FormPage {
        page,
        heading: "New cycle".into(),
        action,
        form,
        national: viewer.is_admin(),
        regions,
        errors: FieldErrors::new(),
    })
}

fn code_of(regions: &[Region], cycle: &Cycle) -> String {
    match cycle.region_id {
        None if !cycle.group.is_empty() => "group".to_owned(),
        None => "national".to_owned(),
        Some(id) => regions
            .iter()
            .find(|r| r.id == id)
            .map_or_else(String::new, |r| r.code.clone()),
    }
}

// Region codes as typed, in one order, to compare two groups.
fn codes(typed: &str) -> Vec<String> {
    let mut codes: Vec<String> = typed
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .map(str::to_uppercase)
        .collect();
    codes.sort();
    codes
}

// The codes of a group cycle's regions, as the form shows them.
async fn group_codes(state: &AppState, cycle: &Cycle) -> AppResult<String> {
    let regions = network::regions_by_id(&state.db, &cycle.group).await?;
    let codes: Vec<&str> = regions.iter().map(|r| r.code.as_str()).collect();
    Ok(codes.join(", "))
}

/// Creates a draft cycle, or shows the form again with its problems.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Query(query): Query<NewQuery>,
    Form(form): Form<CycleForm>,
) -> AppResult<Response> {
    let regions = placement_regions(&state, &viewer).await?;
    if regions.is_empty() {
        return Err(AppError::Forbidden);
    }
    let copied_from = match query.from {
        Some(id) => Some(managed_cycle(&state, &viewer, id).await?.id),
        None => None,
    };
    let placement = Placement {
        national: viewer.is_admin(),
        regions: &regions,
    };
    match cycle::validate(&form, &placement) {
        Ok(valid) => {
            let id = cycle::create(&state.db, &valid, copied_from, Some(viewer.person_id)).await?;
            Ok(redirect_with(&format!("/cycles/{id}"), Flash::Saved))
        }
        Err(errors) => {
            tracing::debug!(problems = errors.all().len(), "cycle refused");
            let action = match copied_from {
                Some(id) => format!("/cycles/new?from={id}"),
                None => "/cycles/new".to_owned(),
            };
            render_invalid(&FormPage {
                page,
                heading: "New cycle".into(),
                action,
                form,
                national: viewer.is_admin(),
                regions,
                errors,
            })
        }
    }
}

#[derive(Template)]
#[template(path = "cycles/show.html")]
struct ShowPage {
    page: Page,
    cycle: Cycle,
    place: String,
    manages: bool,
    moves: Vec<Move>,
    history: Vec<MoveRecord>,
    window_open: bool,
    may_apply: bool,
    may_offer: bool,
    has_application: bool,
    has_offer: bool,
    counts: (i64, i64, i64),
    proposal_counts: Vec<(String, i64)>,
    mentorships: i64,
    has_run: bool,
}

impl ShowPage {
    fn state(&self) -> CycleState {
        self.cycle.state()
    }
}

/// Shows a cycle: its dates, and what the viewer can do in it now.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = visible_cycle(&state, &viewer, id).await?;
    let actor = actor_of(&viewer, &cycle);
    let manages = actor != Actor::Member;
    let regions = network::list_regions(&state.db).await?;
    let db = &state.db;

    let has_application = applications::find_application(db, id, viewer.person_id)
        .await?
        .is_some();
    let has_offer = applications::find_offer(db, id, viewer.person_id)
        .await?
        .is_some();
    let (history, counts, proposal_counts, mentorships, has_run) = if manages {
        (
            cycle::moves(db, id).await?,
            applications::counts(db, id).await?,
            proposals::status_counts(db, id).await?,
            proposals::mentorship_count(db, id).await?,
            matching::latest_summary(db, id).await?.is_some(),
        )
    } else {
        (Vec::new(), (0, 0, 0), Vec::new(), 0, false)
    };
    render(&ShowPage {
        page,
        place: place_name(&regions, &cycle),
        manages,
        moves: state::moves_from(cycle.state(), actor),
        history,
        window_open: cycle.window_is_open(today()),
        may_apply: policy::may_apply(&viewer, &cycle.regions()),
        may_offer: policy::may_offer(&viewer, &cycle.regions()),
        has_application,
        has_offer,
        counts,
        proposal_counts,
        mentorships,
        has_run,
        cycle,
    })
}

/// Shows a cycle's settings form.
pub async fn edit(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let regions = placement_regions(&state, &viewer).await?;
    let mut form = CycleForm::from_cycle(&cycle, &code_of(&regions, &cycle));
    form.group = group_codes(&state, &cycle).await?;
    render(&FormPage {
        page,
        heading: format!("Settings of {}", cycle.name),
        action: format!("/cycles/{id}/edit"),
        form,
        national: viewer.is_admin(),
        regions,
        errors: FieldErrors::new(),
    })
}

/// Saves a cycle's settings, or shows the form again with its problems.
pub async fn save(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(mut form): Form<CycleForm>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let regions = placement_regions(&state, &viewer).await?;
    // Only the national office forms or changes a group of regions; a coordinator of one
    // of its regions keeps the group as it is.
    let keeps_group = !cycle.group.is_empty() && !viewer.is_admin();
    let all_regions = if keeps_group {
        form.region = "group".into();
        form.group = group_codes(&state, &cycle).await?;
        network::list_regions(&state.db).await?
    } else {
        Vec::new()
    };
    let placement = Placement {
        national: viewer.is_admin() || keeps_group,
        regions: if keeps_group { &all_regions } else { &regions },
    };
    let mut result = cycle::validate(&form, &placement);
    // Once people applied, moving a regional cycle elsewhere would strand them.
    if result.is_ok() {
        let moved = code_of(&regions, &cycle) != form.region
            || codes(&group_codes(&state, &cycle).await?) != codes(&form.group)
                && form.region == "group";
        if moved && cycle.state() != CycleState::Draft {
            let mut errors = FieldErrors::new();
            errors.add("region", "The place of a cycle is fixed once it opens.");
            result = Err(errors);
        }
    }
    match result {
        Ok(valid) => {
            cycle::update(&state.db, id, &valid).await?;
            Ok(redirect_with(&format!("/cycles/{id}"), Flash::Saved))
        }
        Err(errors) => render_invalid(&FormPage {
            page,
            heading: format!("Settings of {}", cycle.name),
            action: format!("/cycles/{id}/edit"),
            form,
            national: viewer.is_admin(),
            regions,
            errors,
        }),
    }
}

/// The move a coordinator asks for.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    step: String,
}

/// Moves a cycle to its next state, if the move makes sense and is the viewer's to make.
pub async fn make_move(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> AppResult<Response> {
    let cycle = managed_cycle(&state, &viewer, id).await?;
    let step = Move::parse(&form.step).ok_or(AppError::BadRequest("unknown move"))?;
    // Publishing goes through the matching page, which chooses the proposal to send.
    if step == Move::Publish {
        return Err(AppError::BadRequest("publish from the matching page"));
    }
    let from = cycle.state();
    let to = state::next(from, step, actor_of(&viewer, &cycle)).map_err(|error| {
        tracing::debug!(%error, "move refused");
        AppError::Forbidden
    })?;
    cycle::record_move(&state.db, id, step, from, to, Some(viewer.person_id)).await?;
    Ok(redirect_with(&format!("/cycles/{id}"), Flash::Saved))
}
