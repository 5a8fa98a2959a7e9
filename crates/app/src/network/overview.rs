//! The national network page and the coverage map page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;

use crate::cohorts::circles::Circle;
use crate::cohorts::store::Cohort;
use crate::network::coverage::{self, StageBalance, StageTotals, Status};
use crate::network::map::{self, Geometry, MapRegion, INSET_SIZE, VIEW_BOX};
use crate::network::succession::{self, RegionCoverage};
use crate::platform::auth::viewer::MaybeViewer;
use crate::platform::error::AppResult;
use crate::platform::state::AppState;
use crate::platform::web::pages::{render, Page};

/// A state's outline as the template draws it: the region, its path data, its label spot.
pub type Drawn<'a> = (&'a MapRegion, &'static str, Option<(f32, f32)>);

/// The map with its legend, and the rows of the table beside it.
pub struct MapView {
    /// The regions as drawn.
    pub regions: Vec<MapRegion>,
    /// Every region's coverage, by name.
    pub rows: Vec<RegionCoverage>,
    /// Regions per status, most urgent first.
    pub tally: Vec<(Status, usize)>,
    /// The day coverage was assessed.
    pub today: NaiveDate,
}

impl MapView {
    /// Builds the map from every region's coverage.
    pub fn new(rows: Vec<RegionCoverage>, today: NaiveDate) -> MapView {
        let statuses: HashMap<i64, Status> = rows
            .iter()
            .map(|r| (r.region.id, r.coverage.status))
            .collect();
        let regions: Vec<_> = rows.iter().map(|r| r.region.clone()).collect();
        MapView {
            regions: map::layout(&regions, &statuses),
            tally: coverage::tally(statuses.values()),
            rows,
            today,
        }
    }

    /// The SVG view box.
    pub fn view_box(&self) -> &'static str {
        VIEW_BOX
    }

    /// Every status, for the legend.
    pub fn statuses(&self) -> [Status; 4] {
        Status::ALL
    }

    /// Inset width and height.
    pub fn inset_size(&self) -> (u32, u32) {
        INSET_SIZE
    }

    /// The outlines, for the template.
    pub fn outlines(&self) -> Vec<Drawn<'_>> {
        self.regions
            .iter()
            .filter_map(|r| match r.geometry {
                Geometry::Outline { d, label } => Some((r, d, label)),
                Geometry::Inset { .. } => None,
            })
            .collect()
    }

    /// The territory insets, for the template.
    pub fn insets(&self) -> Vec<(&MapRegion, u32, u32)> {
        self.regions
            .iter()
            .filter_map(|r| match r.geometry {
                Geometry::Inset { x, y } => Some((r, x, y)),
                Geometry::Outline { .. } => None,
            })
            .collect()
    }

    /// The left edge of the inset row, for its caption.
    pub fn insets_left(&self) -> u32 {
        self.insets().iter().map(|(_, x, _)| *x).min().unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "network/map.html")]
struct MapPage {
    page: Page,
    map: MapView,
    show_people: bool,
}

/// The coverage map with its legend and table.
pub async fn map_page(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
) -> AppResult<Response> {
    let today = succession::today();
    let rows = succession::coverage_of_all(&state.db, today).await?;
    render(&MapPage {
        page,
        map: MapView::new(rows, today),
        show_people: viewer.is_some(),
    })
}

#[derive(Template)]
#[template(path = "network/national.html")]
struct NationalPage {
    page: Page,
    map: MapView,
    show_people: bool,
    balance: Vec<StageBalance>,
    totals: StageTotals,
    cohorts: Vec<Cohort>,
    guides: Vec<(i64, String)>,
    circles: Vec<Circle>,
}

/// The national network: the map, coverage counts, coordinators by region, supply and
/// demand, cohorts, guides and circles. Visitors see the map and counts; names are for
/// members.
pub async fn national(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
) -> AppResult<Response> {
    let today = succession::today();
    let rows = succession::coverage_of_all(&state.db, today).await?;
    let counts = coverage::national_supply(&state).await?;
    let (balance, totals) = coverage::balance(&counts);
    let show_people = viewer.is_some();

    let cohorts = crate::cohorts::cohorts(&state.db)
        .await?
        .into_iter()
        .filter(|c| c.ends_on >= today)
        .collect();
    let (guides, circles) = if show_people {
        (
            crate::cohorts::guides(&state.db).await?,
            crate::cohorts::all_circles(&state.db).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    render(&NationalPage {
        page,
        map: MapView::new(rows, today),
        show_people,
        balance,
        totals,
        cohorts,
        guides,
        circles,
    })
}
