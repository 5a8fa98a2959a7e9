//! The pages of the network: the list of regions, a region, and the division settings.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;

use crate::network::coverage::{self, Coverage, StageBalance, StageTotals};
use crate::network::succession;
use crate::network::terms::{self, Span, Term};
use crate::network::{self, Division, Region};
use crate::platform::auth::policy;
use crate::platform::auth::viewer::{MaybeViewer, Viewer};
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::pages::{render, Page};

/// A region as its row in the list shows it.
struct RegionRow {
    region: Region,
    coordinators: String,
    members: Option<i64>,
}

#[derive(Template)]
#[template(path = "network/regions.html")]
struct RegionsPage {
    page: Page,
    groups: Vec<(String, Vec<RegionRow>)>,
    show_people: bool,
    show_counts: bool,
}

/// Lists the regions by division. Signed-in members also see coordinators; admins and
/// coordinators also see member counts.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
) -> AppResult<Response> {
    let show_people = viewer.is_some();
    let show_counts = viewer
        .as_ref()
        .is_some_and(|v| policy::directory_scope(v).is_some());
    let regions = network::list_regions(&state.db).await?;
    let divisions = network::list_divisions(&state.db).await?;
    let coordinators = if show_people {
        grouped_names(&state).await?
    } else {
        HashMap::new()
    };
    let counts: HashMap<i64, i64> = if show_counts {
        network::member_counts(&state.db)
            .await?
            .into_iter()
            .collect()
    } else {
        HashMap::new()
    };

    let groups = divisions
        .into_iter()
        .map(|division| {
            let rows = regions
                .iter()
                .filter(|r| r.division_id == division.id)
                .map(|region| RegionRow {
                    region: region.clone(),
                    coordinators: coordinators.get(&region.id).cloned().unwrap_or_default(),
                    members: show_counts.then(|| counts.get(&region.id).copied().unwrap_or(0)),
                })
                .collect();
            (division.name, rows)
        })
        .collect();
    render(&RegionsPage {
        page,
        groups,
        show_people,
        show_counts,
    })
}

async fn grouped_names(state: &AppState) -> AppResult<HashMap<i64, String>> {
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    for (region_id, name) in network::coordinator_names(&state.db).await? {
        names.entry(region_id).or_default().push(name);
    }
    Ok(names
        .into_iter()
        .map(|(id, list)| (id, list.join(", ")))
        .collect())
}

#[derive(Template)]
#[template(path = "network/region.html")]
struct RegionPage {
    page: Page,
    row: RegionRow,
    show_people: bool,
    coverage: Coverage,
    active_terms: Vec<Term>,
    balance: Option<(Vec<StageBalance>, StageTotals)>,
    may_appoint: bool,
    may_apply: bool,
}

/// One region: its division, time zones and, for members, its coordinators.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let region = network::find_region(&state.db, &code)
        .await?
        .ok_or(AppError::NotFound)?;
    let show_people = viewer.is_some();
    let coordinators = if show_people {
        grouped_names(&state)
            .await?
            .remove(&region.id)
            .unwrap_or_default()
    } else {
        String::new()
    };
    let may_count = viewer
        .as_ref()
        .is_some_and(|v| v.is_admin() || v.coordinates(region.id));
    // Counting one region from its index, not every region's people to keep one figure.
    let members = if may_count {
        Some(network::member_count(&state.db, region.id).await?)
    } else {
        None
    };

    let today = succession::today();
    let terms = terms::for_region(&state.db, region.id).await?;
    let spans: Vec<Span> = terms.iter().filter_map(Term::span).collect();
    let coverage = coverage::assess(&spans, today);
    let active_terms = terms
        .into_iter()
        .filter(|t| show_people && t.phase(today) == "active")
        .collect();
    let balance = if may_count {
        Some(coverage::balance(
            &coverage::supply_counts(&state.db, Some(region.id)).await?,
        ))
    } else {
        None
    };
    render(&RegionPage {
        page,
        row: RegionRow {
            region,
            coordinators,
            members,
        },
        show_people,
        coverage,
        active_terms,
        balance,
        may_appoint: viewer
            .as_ref()
            .is_some_and(policy::may_appoint_coordinators),
        may_apply: viewer.as_ref().is_some_and(policy::may_apply_to_coordinate),
    })
}

#[derive(Template)]
#[template(path = "network/divisions.html")]
struct DivisionsPage {
    page: Page,
    regions: Vec<Region>,
    divisions: Vec<Division>,
}

/// The admin's form that moves regions between divisions.
pub async fn divisions(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    if !policy::may_administer(&viewer) {
        return Err(AppError::Forbidden);
    }
    let regions = network::list_regions(&state.db).await?;
    let divisions = network::list_divisions(&state.db).await?;
    render(&DivisionsPage {
        page,
        regions,
        divisions,
    })
}

/// Saves the division of every region in the form.
pub async fn save_divisions(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    if !policy::may_administer(&viewer) {
        return Err(AppError::Forbidden);
    }
    let divisions = network::list_divisions(&state.db).await?;
    let regions = network::list_regions(&state.db).await?;

    for (key, value) in fields {
        let Some(code) = key.strip_prefix("region-") else {
            continue;
        };
        let region = regions.iter().find(|r| r.code == code);
        let division = divisions.iter().find(|d| d.code == value);
        let (Some(region), Some(division)) = (region, division) else {
            return Err(AppError::BadRequest("unknown region or division"));
        };
        if region.division_id != division.id {
            network::set_division(&state.db, region.id, division.id).await?;
            state.regions.invalidate();
            tracing::info!(region = %region.code, division = %division.code, "region moved");
        }
    }
    Ok(redirect_with("/admin/divisions", Flash::Saved))
}
