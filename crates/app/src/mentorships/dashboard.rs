//! The mentorship dashboard of a cycle (for those who run it) and of the nation (for
//! admins): active, at-risk and stalled pairs, meetings per pair, goal attainment and the
//! completion rate, each drawn as an SVG bar chart with a table of the same numbers, and as
//! CSV.
//!
//! Every chart is a [`BarChart`]; the page and the CSV draw whatever charts they are given,
//! so the surveys add their section (response rates and mean answers,
//! [`crate::surveys::dashboard`]) by pushing their own charts onto [`Dashboard::charts`].

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;

use crate::cycles::cycle;
use crate::mentorships::pages::REPAIRED;
use crate::mentorships::rules::{percent, Health};
use crate::mentorships::store::{self, Scope, Tally};
use crate::platform::auth::policy;
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::now;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::pages::{render, Page};
use crate::surveys;

/// The numbers of a set of mentorships.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Every mentorship counted.
    pub total: usize,
    /// Active pairs by health, most urgent first: stalled, at risk, on track.
    pub active: [usize; 3],
    /// Completed at their planned end.
    pub completed: usize,
    /// Ended early, re-paired ones included.
    pub ended_early: usize,
    /// Ended to re-pair the mentee after a poor fit.
    pub repaired: usize,
    /// Meetings logged, all pairs together.
    pub meetings: i64,
    /// Pairs by meetings logged: none, 1–2, 3–5, 6 or more.
    pub meeting_buckets: [usize; 4],
    /// Pairs by average goal-attainment rating, 1 to 5 (rounded).
    pub attainment: [usize; 5],
}

impl Stats {
    /// Counts a set of mentorships as of a day.
    pub fn of(pairs: &[Tally], today: NaiveDate) -> Stats {
        let mut stats = Stats {
            total: pairs.len(),
            ..Stats::default()
        };
        for pair in pairs {
            match pair.status.as_str() {
                "active" => {
                    let health = pair.health(today);
                    let slot = Health::ALL.iter().position(|h| *h == health).unwrap_or(2);
                    stats.active[slot] += 1;
                }
                "completed" => stats.completed += 1,
                _ => {
                    stats.ended_early += 1;
                    if pair.end_reason == REPAIRED {
                        stats.repaired += 1;
                    }
                }
            }
            stats.meetings += pair.meetings;
            let bucket = match pair.meetings {
                0 => 0,
                1..=2 => 1,
                3..=5 => 2,
                _ => 3,
            };
            stats.meeting_buckets[bucket] += 1;
            if pair.attainment_count > 0 {
                // Rounded half up in integers: (2 × sum + count) / (2 × count).
                let average =
                    (2 * pair.attainment_sum + pair.attainment_count) / (2 * pair.attainment_count);
                let slot = usize::try_from(average.clamp(1, 5) - 1).unwrap_or(0);
                stats.attainment[slot] += 1;
            }
        }
        stats
    }

    /// Active pairs.
    pub fn active_total(&self) -> usize {
        self.active.iter().sum()
    }

    /// Completed among those that ended, in percent.
    pub fn completion_rate(&self) -> usize {
        percent(self.completed, self.completed + self.ended_early)
    }

    /// Meetings per pair, to one decimal.
    pub fn meetings_per_pair(&self) -> String {
        if self.total == 0 {
            return "0.0".into();
        }
        format!("{:.1}", self.meetings as f64 / self.total as f64)
    }

    /// The charts of these numbers.
    pub fn charts(&self) -> Vec<BarChart> {
        let health = Health::ALL
            .iter()
            .zip(self.active)
            .map(|(h, n)| (h.label().to_owned(), n))
            .collect();
        let meetings = ["No meeting", "1 to 2", "3 to 5", "6 or more"]
            .iter()
            .zip(self.meeting_buckets)
            .map(|(label, n)| ((*label).to_owned(), n))
            .collect();
        let attainment = (1..=5)
            .zip(self.attainment)
            .map(|(rating, n)| (format!("{rating} of 5"), n))
            .collect();
        let endings = vec![
            ("Completed".to_owned(), self.completed),
            ("Ended early".to_owned(), self.ended_early - self.repaired),
            ("Re-paired".to_owned(), self.repaired),
        ];
        vec![
            BarChart::new(
                "health",
                "Active pairs by health",
                format!(
                    "{} active pairs: how many are stalled, at risk and on track.",
                    self.active_total()
                ),
                "Pairs",
                health,
            ),
            BarChart::new(
                "meetings",
                "Pairs by meetings logged",
                format!(
                    "{} meetings logged by {} pairs, {} per pair.",
                    self.meetings,
                    self.total,
                    self.meetings_per_pair()
                ),
                "Pairs",
                meetings,
            ),
            BarChart::new(
                "attainment",
                "Pairs by goal attainment",
                "The pair's average rating of how far its goals were reached, \
                 from 1 (not at all) to 5 (fully), given at the end."
                    .into(),
                "Pairs",
                attainment,
            ),
            BarChart::new(
                "endings",
                "How mentorships ended",
                format!(
                    "Completion rate: {} percent of the mentorships that ended were completed.",
                    self.completion_rate()
                ),
                "Mentorships",
                endings,
            ),
        ]
    }
}

/// One bar of a chart, with its place in the picture.
#[derive(Clone, Debug)]
pub struct Bar {
    /// What it measures.
    pub label: String,
    /// The value, as the table and the CSV give it.
    pub value: String,
    /// What is written beside the bar: the value, with a few words where they help.
    pub caption: String,
    /// The further numbers of its table row, one per [`BarChart::more_units`].
    pub more: Vec<String>,
    /// Its length in the picture.
    pub length: usize,
    /// Its top in the picture.
    pub top: usize,
}

/// A bar to draw: what it measures, its value and caption, how much of the full width it
/// fills (`part` of `whole`), and the further numbers of its table row.
#[derive(Clone, Debug)]
pub struct Row {
    /// What it measures.
    pub label: String,
    /// The value for the table and the CSV.
    pub value: String,
    /// The words beside the bar.
    pub caption: String,
    /// The filled share of the width: `part` of `whole`.
    pub part: usize,
    /// See `part`; 0 reads as 1.
    pub whole: usize,
    /// The further numbers of its table row.
    pub more: Vec<String>,
}

/// A horizontal bar chart drawn by the server, with its title, description and table.
#[derive(Clone, Debug)]
pub struct BarChart {
    /// A short id, unique on the page: the SVG's title and description refer to it.
    pub id: String,
    /// The heading, also the SVG title and the table caption.
    pub title: String,
    /// One sentence that says what the chart shows, also the SVG description.
    pub desc: String,
    /// What the values are, the table's column header.
    pub unit: &'static str,
    /// The headers of the table's further columns.
    pub more_units: Vec<&'static str>,
    /// Whether each label sits above its bar, for labels too long to fit beside it.
    pub labels_above: bool,
    /// The bars, in order.
    pub bars: Vec<Bar>,
}

/// The width of the longest bar and the height of one bar with its gap, in SVG units.
const BAR_SPACE: usize = 360;
const ROW: usize = 32;
/// The height of a row whose label sits above its bar.
const ROW_WITH_LABEL_ABOVE: usize = 44;
/// Where bars start: the labels sit left of this.
pub const LABEL_WIDTH: usize = 150;

impl BarChart {
    /// A chart of labelled counts, scaled so the largest fills the width.
    pub fn new(
        id: &str,
        title: &str,
        desc: String,
        unit: &'static str,
        values: Vec<(String, usize)>,
    ) -> BarChart {
        let largest = values.iter().map(|(_, n)| *n).max().unwrap_or(0);
        let rows = values
            .into_iter()
            .map(|(label, n)| Row {
                label,
                value: n.to_string(),
                caption: n.to_string(),
                part: n,
                whole: largest,
                more: Vec::new(),
            })
            .collect();
        BarChart::of_rows(id, title, desc, unit, Vec::new(), rows, false)
    }

    /// A chart of rows that each say how much of the width they fill, with further table
    /// columns headed `more_units`; `labels_above` puts long labels above their bars.
    pub fn of_rows(
        id: &str,
        title: &str,
        desc: String,
        unit: &'static str,
        more_units: Vec<&'static str>,
        rows: Vec<Row>,
        labels_above: bool,
    ) -> BarChart {
        let height = if labels_above {
            ROW_WITH_LABEL_ABOVE
        } else {
            ROW
        };
        let bars = rows
            .into_iter()
            .enumerate()
            .map(|(i, row)| Bar {
                length: row.part.min(row.whole.max(1)) * BAR_SPACE / row.whole.max(1),
                top: i * height,
                label: row.label,
                value: row.value,
                caption: row.caption,
                more: row.more,
            })
            .collect();
        BarChart {
            id: id.to_owned(),
            title: title.to_owned(),
            desc,
            unit,
            more_units,
            labels_above,
            bars,
        }
    }

    /// The picture's width: wider when labels sit above their bars, as those are the long
    /// ones (a question's wording).
    pub fn width(&self) -> usize {
        if self.labels_above {
            720
        } else {
            600
        }
    }

    /// The picture's height.
    pub fn height(&self) -> usize {
        let row = if self.labels_above {
            ROW_WITH_LABEL_ABOVE
        } else {
            ROW
        };
        self.bars.len() * row
    }
}

/// A dashboard: what it covers and its charts.
pub struct Dashboard {
    /// "New York 2026" or "the nation".
    pub scope_name: String,
    /// The numbers.
    pub stats: Stats,
    /// Every chart, in order. Other features add theirs here.
    pub charts: Vec<BarChart>,
}

impl Dashboard {
    async fn build(state: &AppState, scope: &Scope, scope_name: String) -> AppResult<Dashboard> {
        let pairs = store::tallies(&state.db, scope).await?;
        let stats = Stats::of(&pairs, now().date_naive());

        let mut charts = stats.charts();
        let surveys = match scope {
            Scope::Cycle(id) => surveys::dashboard::cycle_charts(&state.db, *id).await?,
            Scope::National => surveys::dashboard::national_charts(&state.db).await?,
            Scope::Watched { .. } => Vec::new(),
        };
        charts.extend(surveys);
        Ok(Dashboard {
            scope_name,
            charts,
            stats,
        })
    }

    /// The dashboard as CSV: one row per bar of every chart (and one more per further
    /// column of its table), then the totals.
    pub fn csv(&self) -> AppResult<String> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        let mut write = |cells: [&str; 4]| {
            writer
                .write_record(cells.map(neutralize))
                .map_err(|e| AppError::Internal(e.into()))
        };
        write(["scope", "chart", "label", "value"])?;
        for chart in &self.charts {
            for bar in &chart.bars {
                write([&self.scope_name, &chart.title, &bar.label, &bar.value])?;
                for (unit, value) in chart.more_units.iter().zip(&bar.more) {
                    let label = format!("{}: {unit}", bar.label);
                    write([&self.scope_name, &chart.title, &label, value])?;
                }
            }
        }
        let totals = [
            ("Mentorships", self.stats.total.to_string()),
            ("Meetings per pair", self.stats.meetings_per_pair()),
            (
                "Completion rate (percent)",
                self.stats.completion_rate().to_string(),
            ),
        ];
        for (label, value) in &totals {
            write([&self.scope_name, "Totals", label, value])?;
        }
        let bytes = writer
            .into_inner()
            .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
        String::from_utf8(bytes).map_err(|e| AppError::Internal(e.into()))
    }
}

/// Makes a CSV cell safe to open in a spreadsheet: a cell that begins with `=`, `+`, `-`,
/// `@`, a tab or a carriage return would run as a formula, so it gets a leading apostrophe.
pub fn neutralize(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

#[derive(Template)]
#[template(path = "mentorships/dashboard.html")]
struct DashboardPage {
    page: Page,
    dashboard: Dashboard,
    csv_href: String,
    back: Option<(String, String)>,
}

async fn cycle_dashboard(state: &AppState, viewer: &Viewer, id: i64) -> AppResult<Dashboard> {
    let cycle = cycle::find(&state.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !policy::may_see_cycle(viewer, &cycle.regions()) {
        return Err(AppError::NotFound);
    }
    if !policy::may_see_cycle_dashboard(viewer, &cycle.regions()) {
        return Err(AppError::Forbidden);
    }
    Dashboard::build(state, &Scope::Cycle(id), cycle.name).await
}

async fn national_dashboard(state: &AppState, viewer: &Viewer) -> AppResult<Dashboard> {
    if !policy::may_see_national_dashboard(viewer) {
        return Err(AppError::Forbidden);
    }
    Dashboard::build(state, &Scope::National, "The nation".into()).await
}

/// A cycle's dashboard.
pub async fn cycle_page(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let dashboard = cycle_dashboard(&state, &viewer, id).await?;
    let back = Some((format!("/cycles/{id}"), dashboard.scope_name.clone()));
    render(&DashboardPage {
        page,
        dashboard,
        csv_href: format!("/cycles/{id}/dashboard.csv"),
        back,
    })
}

/// A cycle's dashboard as CSV.
pub async fn cycle_csv(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let dashboard = cycle_dashboard(&state, &viewer, id).await?;
    csv_response(&dashboard, &format!("cycle-{id}-dashboard.csv"))
}

/// The national dashboard.
pub async fn national_page(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let dashboard = national_dashboard(&state, &viewer).await?;
    render(&DashboardPage {
        page,
        dashboard,
        csv_href: "/dashboard/national.csv".into(),
        back: None,
    })
}

/// The national dashboard as CSV.
pub async fn national_csv(State(state): State<AppState>, viewer: Viewer) -> AppResult<Response> {
    let dashboard = national_dashboard(&state, &viewer).await?;
    csv_response(&dashboard, "national-dashboard.csv")
}

fn csv_response(dashboard: &Dashboard, file_name: &str) -> AppResult<Response> {
    let body = dashboard.csv()?;
    let disposition = format!("attachment; filename=\"{file_name}\"");
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mentorships::store::PairCheckIns;

    #[test]
    fn cells_that_would_run_as_formulas_are_neutralized() {
        let cases = [
            ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
            ("+1", "'+1"),
            ("-2", "'-2"),
            ("@cmd", "'@cmd"),
            ("\tx", "'\tx"),
            ("New York 2026", "New York 2026"),
            ("12", "12"),
            ("", ""),
        ];
        for (cell, expected) in cases {
            assert_eq!(neutralize(cell), expected, "{cell:?}");
        }
    }

    #[test]
    fn the_csv_neutralizes_a_cycle_name_that_is_a_formula() {
        let stats = Stats {
            total: 2,
            completed: 1,
            ended_early: 1,
            ..Stats::default()
        };
        let dashboard = Dashboard {
            scope_name: "=HYPERLINK(\"http://evil\")".into(),
            charts: stats.charts(),
            stats,
        };
        let csv = dashboard.csv().expect("the CSV is written to memory");
        assert!(
            csv.lines()
                .skip(1)
                .all(|line| line.starts_with("\"'=HYPERLINK")),
            "{csv}"
        );
        assert!(csv.contains("Completion rate (percent),50"), "{csv}");
    }

    fn tally(status: &str, quiet_days: u64, meetings: i64, ratings: (i64, i64)) -> Tally {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a real day");
        Tally {
            status: status.into(),
            started_at: (today - chrono::Days::new(200))
                .and_hms_opt(12, 0, 0)
                .expect("a real time")
                .and_utc(),
            end_reason: if status == "ended" {
                REPAIRED.into()
            } else {
                String::new()
            },
            cadence: "monthly".into(),
            last_met_on: Some(today - chrono::Days::new(quiet_days)),
            meetings,
            poor_fits: 0,
            attainment_sum: ratings.0,
            attainment_count: ratings.1,
            check_ins: PairCheckIns::default(),
        }
    }

    #[test]
    fn stats_count_health_meetings_attainment_and_completion() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).expect("a real day");
        let pairs = [
            tally("active", 5, 4, (0, 0)),
            tally("active", 45, 2, (0, 0)),
            tally("active", 90, 0, (0, 0)),
            tally("completed", 0, 7, (9, 2)),
            tally("ended", 0, 1, (2, 1)),
        ];

        let stats = Stats::of(&pairs, today);

        assert_eq!(stats.active, [1, 1, 1], "stalled, at risk, on track");
        assert_eq!(stats.meeting_buckets, [1, 2, 1, 1]);
        assert_eq!(stats.attainment, [0, 1, 0, 0, 1], "4.5 rounds up to 5");
        assert_eq!(
            (stats.completed, stats.ended_early, stats.repaired),
            (1, 1, 1)
        );
        assert_eq!(stats.completion_rate(), 50);
        assert_eq!(stats.meetings_per_pair(), "2.8");
    }

    #[test]
    fn rows_fill_their_own_share_and_add_table_columns_to_the_csv() {
        let row = |label: &str, part, whole| Row {
            label: label.into(),
            value: format!("{part}"),
            caption: format!("{part} of {whole}"),
            part,
            whole,
            more: vec![whole.to_string()],
        };
        let chart = BarChart::of_rows(
            "rates",
            "Rates",
            "Desc".into(),
            "Answered",
            vec!["Asked"],
            vec![row("a", 1, 4), row("-b", 0, 0), row("c", 9, 3)],
            true,
        );
        let lengths: Vec<usize> = chart.bars.iter().map(|b| b.length).collect();
        assert_eq!(
            lengths,
            vec![BAR_SPACE / 4, 0, BAR_SPACE],
            "never past the width"
        );
        assert_eq!(chart.height(), 3 * ROW_WITH_LABEL_ABOVE);

        let dashboard = Dashboard {
            scope_name: "Cycle".into(),
            stats: Stats::default(),
            charts: vec![chart],
        };
        let csv = dashboard.csv().expect("the CSV is written to memory");
        assert!(csv.contains("Cycle,Rates,a,1\n"), "{csv}");
        assert!(csv.contains("Cycle,Rates,a: Asked,4\n"), "{csv}");
        assert!(csv.contains("Cycle,Rates,'-b: Asked,0\n"), "{csv}");
    }

    #[test]
    fn bars_scale_to_the_largest_count() {
        let chart = BarChart::new(
            "x",
            "Title",
            "Desc".into(),
            "Pairs",
            vec![("a".into(), 10), ("b".into(), 5), ("c".into(), 0)],
        );
        let lengths: Vec<usize> = chart.bars.iter().map(|b| b.length).collect();
        assert_eq!(lengths, vec![BAR_SPACE, BAR_SPACE / 2, 0]);
        assert_eq!(chart.height(), 3 * ROW);
        let empty = BarChart::new("y", "T", "D".into(), "Pairs", vec![("a".into(), 0)]);
        assert_eq!(empty.bars[0].length, 0, "no division by zero");
    }
}
