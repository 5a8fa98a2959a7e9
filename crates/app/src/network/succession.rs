//! Succession: alerts before a region goes dark, and the people who could step in.
//!
//! Admins see the alerts on their home page and get them by email once a day from a
//! scheduled task. Mentors and guides apply to coordinate a region; admins see the open
//! applications beside the region's terms with what qualifies each candidate.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{NaiveDate, Utc};

use crate::network::coverage::{self, Coverage, Status};
use crate::network::terms::{self, Span, Term};
use crate::network::{self, Region};
use crate::people::store;
use crate::platform::db::{now, Db};
use crate::platform::jobs::{claim_once, Task, TaskFuture};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::forms::{self, FieldErrors};
use crate::{execute, on_db};

/// One thing an admin should act on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// The region's code, for the link.
    pub region_code: String,
    /// What is wrong, in a sentence.
    pub message: String,
}

/// A region with its coverage and the terms behind it.
#[derive(Clone, Debug)]
pub struct RegionCoverage {
    /// The region.
    pub region: Region,
    /// Its coverage today.
    pub coverage: Coverage,
    /// Its terms that have not ended, earliest start first.
    pub terms: Vec<Term>,
}

impl RegionCoverage {
    /// The active terms' holders with their roles, such as `Ana Reyes (Lead)`.
    pub fn active_names(&self, today: NaiveDate) -> String {
        self.terms
            .iter()
            .filter(|t| t.phase(today) == "active")
            .map(|t| format!("{} ({})", t.person_name, t.role_label()))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The last day of the active lead's term, if there is one.
    pub fn lead_ends_on(&self, today: NaiveDate) -> Option<NaiveDate> {
        self.terms
            .iter()
            .find(|t| t.phase(today) == "active" && t.role == "lead")
            .map(|t| t.ends_on)
    }
}

/// The alerts of one region: a gap, a missing lead or backup, and each term that ends soon
/// with no successor.
pub fn alerts_for(
    region: &Region,
    coverage: &Coverage,
    names: &HashMap<i64, String>,
) -> Vec<Alert> {
    let alert = |message: String| Alert {
        region_code: region.code.clone(),
        message,
    };
    if coverage.status == Status::Gap {
        return vec![alert(format!("{} has no active coordinator.", region.name))];
    }
    let mut alerts = Vec::new();
    if !coverage.has_lead {
        alerts.push(alert(format!("{} has no active lead.", region.name)));
    }
    if !coverage.has_backup {
        alerts.push(alert(format!("{} has no active backup.", region.name)));
    }
    for term in &coverage.ending_without_successor {
        let who = names.get(&term.id).map_or("A coordinator", String::as_str);
        alerts.push(alert(format!(
            "{who}'s term as {} of {} ends on {} and no successor is appointed.",
            term.role.label().to_lowercase(),
            region.name,
            term.ends_on
        )));
    }
    alerts
}

/// Every region with its coverage on this day, by region name.
pub async fn coverage_of_all(
    db: &Db,
    today: NaiveDate,
) -> Result<Vec<RegionCoverage>, sqlx::Error> {
    let regions = network::list_regions(db).await?;
    let mut by_region: HashMap<i64, Vec<Term>> = HashMap::new();
    for term in terms::current_and_future(db, today).await? {
        by_region.entry(term.region_id).or_default().push(term);
    }
    Ok(regions
        .into_iter()
        .map(|region| {
            let terms = by_region.remove(&region.id).unwrap_or_default();
            let spans: Vec<Span> = terms.iter().filter_map(Term::span).collect();
            RegionCoverage {
                coverage: coverage::assess(&spans, today),
                region,
                terms,
            }
        })
        .collect())
}

/// Every alert of the network, most urgent regions first.
pub fn alerts_of_all(regions: &[RegionCoverage]) -> Vec<Alert> {
    let mut ordered: Vec<&RegionCoverage> = regions.iter().collect();
    ordered.sort_by_key(|r| r.coverage.status);
    ordered
        .into_iter()
        .flat_map(|r| {
            let names: HashMap<i64, String> = r
                .terms
                .iter()
                .map(|t| (t.id, t.person_name.clone()))
                .collect();
            alerts_for(&r.region, &r.coverage, &names)
        })
        .collect()
}

/// Today in UTC, the day every rule of this module reads.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The daily task: brings coordinator grants in step with terms that started or ended, then
/// emails the day's alerts to every admin, once across all instances.
pub fn task() -> Task {
    Task {
        name: "succession alerts",
        every: Duration::from_secs(60 * 60),
        run: run_task,
    }
}

fn run_task(state: AppState) -> TaskFuture {
    Box::pin(async move {
        let today = today();
        terms::sync_all(&state.db, today).await?;
        send_daily_alerts(&state.db, &state.config.base_url, today).await?;
        Ok(())
    })
}

/// Emails the alerts of this day to every admin, unless another run already did; returns
/// whether this run sent them.
pub async fn send_daily_alerts(
    db: &Db,
    base_url: &str,
    today: NaiveDate,
) -> Result<bool, sqlx::Error> {
    if !claim_once(db, &format!("succession-alerts:{today}")).await? {
        return Ok(false);
    }
    let alerts = alerts_of_all(&coverage_of_all(db, today).await?);
    if alerts.is_empty() {
        return Ok(true);
    }

    let body = alert_email(&alerts, base_url);
    let subject = format!("Carrel: {} coverage alerts", alerts.len());
    for admin in store::admin_emails(db).await? {
        mail::enqueue(db, &admin, &subject, &body).await?;
    }
    tracing::info!(alerts = alerts.len(), "succession alerts sent");
    Ok(true)
}

fn alert_email(alerts: &[Alert], base_url: &str) -> String {
    let mut body =
        String::from("These regions need a coordinator, a backup or a successor soon:\n\n");
    for alert in alerts {
        body.push_str(&format!(
            "- {}\n  {base_url}/admin/regions/{}/terms\n",
            alert.message, alert.region_code
        ));
    }
    body.push_str("\nThe coverage map: ");
    body.push_str(base_url);
    body.push_str("/network/map\n");
    body
}

/// The application form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ApplyForm {
    /// The region's code.
    #[serde(default)]
    pub region: String,
    /// Why the person wants to coordinate, in their words.
    #[serde(default)]
    pub statement: String,
}

/// Checks an application; `open_regions` are the regions where the person already has an
/// open application.
pub fn validate_application(
    form: &ApplyForm,
    regions: &[Region],
    open_regions: &[i64],
) -> Result<(i64, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let region = regions.iter().find(|r| r.code == form.region.trim());
    match region {
        None => errors.add("region", "Choose the region you would coordinate."),
        Some(r) if open_regions.contains(&r.id) => errors.add(
            "region",
            format!(
                "You have already applied for {}; an admin will answer.",
                r.name
            ),
        ),
        Some(_) => {}
    }
    let statement = forms::text(&mut errors, "statement", &form.statement, true, 2_000);
    errors.into_result()?;
    let region_id = region.map_or(0, |r| r.id);
    Ok((region_id, statement))
}

/// Stores an open application.
pub async fn apply(
    db: &Db,
    person_id: i64,
    region_id: i64,
    statement: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO coordinator_applications (person_id, region_id, statement, status, \
             created_at) VALUES ($1, $2, $3, 'open', $4)",
        )
        .bind(person_id)
        .bind(region_id)
        .bind(statement)
        .bind(now())
    )?;
    tracing::info!(region.id = region_id, "coordinator application received");
    Ok(())
}

/// The regions where a person has an open application.
pub async fn open_regions_of(db: &Db, person_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT region_id FROM coordinator_applications WHERE person_id = $1 \
             AND status = 'open'",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// An open application with what qualifies its author.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Candidate {
    /// The application's id.
    pub application_id: i64,
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Their email address, to appoint them.
    pub email: String,
    /// Their career stage code.
    pub stage: String,
    /// Years in the profession, from their profile.
    pub years_in_profession: i64,
    /// Their statement.
    pub statement: String,
    /// Whether they hold the guide role.
    #[sqlx(skip)]
    pub is_guide: bool,
    /// The cohort they graduated from, if any.
    #[sqlx(skip)]
    pub cohort_graduated: Option<String>,
    /// How many mentorships they completed as mentor.
    #[sqlx(skip)]
    pub completed_as_mentor: i64,
}

impl Candidate {
    /// Mentorships completed as mentor.
    pub fn mentorships_completed(&self) -> i64 {
        self.completed_as_mentor
    }
}

/// The open applications of a region, oldest first, with each candidate's qualifications.
pub async fn candidates(db: &Db, region_id: i64) -> Result<Vec<Candidate>, sqlx::Error> {
    let mut rows: Vec<Candidate> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.id AS application_id, a.person_id, p.name, p.email, p.stage, \
             p.years_in_profession, a.statement FROM coordinator_applications a \
             JOIN people p ON p.id = a.person_id WHERE a.region_id = $1 AND a.status = 'open' \
             AND p.status = 'active' ORDER BY a.created_at, a.id",
        )
        .bind(region_id)
        .fetch_all(pool)
        .await
    })?;
    let ids: Vec<i64> = rows.iter().map(|c| c.person_id).collect();
    let graduated = crate::cohorts::graduations_of(db, &ids).await?;
    let guides = crate::cohorts::guides_among(db, &ids).await?;
    let completed = crate::mentorships::store::completed_as_mentor(db, &ids).await?;
    for candidate in &mut rows {
        candidate.cohort_graduated = graduated.get(&candidate.person_id).cloned();
        candidate.is_guide = guides.contains(&candidate.person_id);
        candidate.completed_as_mentor = completed
            .iter()
            .find(|(mentor, _)| *mentor == candidate.person_id)
            .map_or(0, |(_, count)| *count);
    }
    Ok(rows)
}

/// Closes an application as declined or appointed.
pub async fn close_application(
    db: &Db,
    application_id: i64,
    status: &str,
    decided_by: i64,
) -> Result<u64, sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE coordinator_applications SET status = $1, decided_by = $2, \
             decided_at = $3 WHERE id = $4 AND status = 'open'",
        )
        .bind(status)
        .bind(decided_by)
        .bind(now())
        .bind(application_id)
    )?;
    Ok(changed)
}

/// Marks a person's open application for a region as appointed, after an appointment.
pub async fn mark_appointed(
    db: &Db,
    person_id: i64,
    region_id: i64,
    decided_by: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "UPDATE coordinator_applications SET status = 'appointed', decided_by = $1, \
             decided_at = $2 WHERE person_id = $3 AND region_id = $4 AND status = 'open'",
        )
        .bind(decided_by)
        .bind(now())
        .bind(person_id)
        .bind(region_id)
    )?;
    Ok(())
}

/// The region of an open application, if it exists and is open.
pub async fn application_region(db: &Db, id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT r.code FROM coordinator_applications a JOIN regions r ON r.id = a.region_id \
             WHERE a.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(code,)| code))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::network::terms::TermRole;

    fn region() -> Region {
        Region {
            id: 5,
            code: "VT".into(),
            name: "Vermont".into(),
            kind: "state".into(),
            fips: "50".into(),
            division_id: 1,
            division_name: String::new(),
            time_zones: String::new(),
        }
    }

    fn coverage(status: Status, lead: bool, backup: bool, ending: Vec<Span>) -> Coverage {
        Coverage {
            status,
            has_lead: lead,
            has_backup: backup,
            active: 1,
            ending_without_successor: ending,
        }
    }

    #[test]
    fn a_gap_gives_one_alert_and_a_covered_region_none() {
        let gap = alerts_for(
            &region(),
            &coverage(Status::Gap, false, false, vec![]),
            &HashMap::new(),
        );
        let covered = alerts_for(
            &region(),
            &coverage(Status::Covered, true, true, vec![]),
            &HashMap::new(),
        );
        assert_eq!(gap.len(), 1);
        assert_eq!(gap[0].message, "Vermont has no active coordinator.");
        assert!(covered.is_empty());
    }

    #[test]
    fn a_term_ending_without_successor_names_the_coordinator_and_the_day() {
        let ending = Span {
            id: 9,
            role: TermRole::Lead,
            starts_on: NaiveDate::from_ymd_opt(2025, 1, 1).expect("valid"),
            ends_on: NaiveDate::from_ymd_opt(2026, 4, 30).expect("valid"),
        };
        let names = HashMap::from([(9, "Ana Reyes".to_owned())]);
        let alerts = alerts_for(
            &region(),
            &coverage(Status::Ending, true, false, vec![ending]),
            &names,
        );
        let messages: Vec<&str> = alerts.iter().map(|a| a.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "Vermont has no active backup.",
                "Ana Reyes's term as lead of Vermont ends on 2026-04-30 and no successor is \
                 appointed."
            ]
        );
    }

    #[test]
    fn an_application_names_a_known_region_once_and_says_why() {
        let regions = [region()];
        let form = |code: &str, text: &str| ApplyForm {
            region: code.into(),
            statement: text.into(),
        };
        assert!(
            validate_application(&form("VT", "I run our county network."), &regions, &[]).is_ok()
        );
        let unknown = validate_application(&form("ZZ", ""), &regions, &[]).expect_err("refused");
        assert_eq!(unknown.all().len(), 2);
        let twice =
            validate_application(&form("VT", "Again"), &regions, &[5]).expect_err("refused");
        assert!(twice.message("region").contains("already applied"));
    }
}
