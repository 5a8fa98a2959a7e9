//! Cohorts as stored: the cohort, its members, its modules and the records of what each
//! member did, with the form rules that guard them.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use crate::cohorts::readiness::{Progress, Requirements};
use crate::network::terms::parse_date;
use crate::platform::db::{is_unique_violation, now, Db};
use crate::platform::web::forms::{self, FieldErrors};
use crate::resources;
use crate::{execute, on_db};

/// A cohort.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Cohort {
    /// Its id.
    pub id: i64,
    /// Its name, such as `Cohort 2026`.
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// The person who leads it, if named.
    pub lead_id: Option<i64>,
    /// The lead's name.
    pub lead_name: Option<String>,
    /// Convenings each member attends.
    pub min_convenings: i64,
    /// Resources each member contributes.
    pub min_resources: i64,
    /// Sessions each member co-facilitates.
    pub min_sessions: i64,
    /// Members enrolled.
    pub member_count: i64,
    /// Members graduated.
    pub graduate_count: i64,
}

impl Cohort {
    /// Its collaboration requirements.
    pub fn requirements(&self) -> Requirements {
        Requirements {
            min_convenings: self.min_convenings,
            min_resources: self.min_resources,
            min_sessions: self.min_sessions,
        }
    }

    /// `starting`, `in progress` or `ended` on this day.
    pub fn phase(&self, today: NaiveDate) -> &'static str {
        if today < self.starts_on {
            "starting"
        } else if today > self.ends_on {
            "ended"
        } else {
            "in progress"
        }
    }
}

const COHORT_SELECT: &str = "SELECT c.id, c.name, c.starts_on, c.ends_on, c.lead_id, \
     l.name AS lead_name, c.min_convenings, c.min_resources, c.min_sessions, \
     (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id) AS member_count, \
     (SELECT COUNT(*) FROM cohort_members m WHERE m.cohort_id = c.id \
     AND m.graduated_at IS NOT NULL) AS graduate_count \
     FROM cohorts c LEFT JOIN people l ON l.id = c.lead_id";

/// Every cohort, newest start first.
pub async fn list(db: &Db) -> Result<Vec<Cohort>, sqlx::Error> {
    let sql = format!("{COHORT_SELECT} ORDER BY c.starts_on DESC, c.id DESC");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// One cohort.
pub async fn find(db: &Db, id: i64) -> Result<Option<Cohort>, sqlx::Error> {
    let sql = format!("{COHORT_SELECT} WHERE c.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// The cohort form, as typed.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct CohortForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// First day.
    #[serde(default)]
    pub starts_on: String,
    /// Last day.
    #[serde(default)]
    pub ends_on: String,
    /// The lead's person id, or empty.
    #[serde(default)]
    pub lead: String,
    /// Convenings, as typed.
    #[serde(default)]
    pub min_convenings: String,
    /// Resources, as typed.
    #[serde(default)]
    pub min_resources: String,
    /// Sessions, as typed.
    #[serde(default)]
    pub min_sessions: String,
}

impl Default for CohortForm {
    fn default() -> Self {
        let defaults = Requirements::default();
        CohortForm {
            name: String::new(),
            starts_on: String::new(),
            ends_on: String::new(),
            lead: String::new(),
            min_convenings: defaults.min_convenings.to_string(),
            min_resources: defaults.min_resources.to_string(),
            min_sessions: defaults.min_sessions.to_string(),
        }
    }
}

/// A cohort that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCohort {
    /// Name.
    pub name: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Lead.
    pub lead_id: Option<i64>,
    /// Requirements.
    pub requirements: Requirements,
}

/// Reads a requirement count: a whole number from 0 to 50.
fn count(errors: &mut FieldErrors, field: &'static str, value: &str) -> i64 {
    match value.trim().parse::<i64>() {
        Ok(n) if (0..=50).contains(&n) => n,
        _ => {
            errors.add(field, "Enter a whole number from 0 to 50.");
            0
        }
    }
}

/// Checks the requirement fields of a form.
pub fn validate_requirements(
    errors: &mut FieldErrors,
    convenings: &str,
    resources: &str,
    sessions: &str,
) -> Requirements {
    Requirements {
        min_convenings: count(errors, "min_convenings", convenings),
        min_resources: count(errors, "min_resources", resources),
        min_sessions: count(errors, "min_sessions", sessions),
    }
}

/// Checks a cohort form; `leads` are the ids of people who may lead a cohort.
pub fn validate_cohort(form: &CohortForm, leads: &[i64]) -> Result<NewCohort, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    let starts_on = parse_date(&mut errors, "starts_on", &form.starts_on);
    let ends_on = parse_date(&mut errors, "ends_on", &form.ends_on);
    if let (Some(start), Some(end)) = (starts_on, ends_on) {
        if end < start {
            errors.add(
                "ends_on",
                "The cohort must end on or after the day it starts.",
            );
        }
    }
    let lead_id = match form.lead.trim() {
        "" => None,
        typed => match typed.parse::<i64>() {
            Ok(id) if leads.contains(&id) => Some(id),
            _ => {
                errors.add("lead", "Choose a guide or an admin to lead the cohort.");
                None
            }
        },
    };
    let requirements = validate_requirements(
        &mut errors,
        &form.min_convenings,
        &form.min_resources,
        &form.min_sessions,
    );
    errors.into_result()?;
    let (Some(starts_on), Some(ends_on)) = (starts_on, ends_on) else {
        return Err(FieldErrors::new());
    };
    Ok(NewCohort {
        name,
        starts_on,
        ends_on,
        lead_id,
        requirements,
    })
}

/// Stores a new cohort; returns its id.
pub async fn create(db: &Db, cohort: &NewCohort, created_by: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO cohorts (name, starts_on, ends_on, lead_id, min_convenings, \
             min_resources, min_sessions, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(&cohort.name)
        .bind(cohort.starts_on)
        .bind(cohort.ends_on)
        .bind(cohort.lead_id)
        .bind(cohort.requirements.min_convenings)
        .bind(cohort.requirements.min_resources)
        .bind(cohort.requirements.min_sessions)
        .bind(created_by)
        .bind(now())
        .fetch_one(pool)
        .await
    })?;
    tracing::info!(cohort.id = id, "cohort created");
    Ok(id)
}

/// Changes a cohort's collaboration requirements.
pub async fn set_requirements(
    db: &Db,
    cohort_id: i64,
    requirements: &Requirements,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "UPDATE cohorts SET min_convenings = $1, min_resources = $2, min_sessions = $3 \
             WHERE id = $4",
        )
        .bind(requirements.min_convenings)
        .bind(requirements.min_resources)
        .bind(requirements.min_sessions)
        .bind(cohort_id)
    )?;
    tracing::info!(cohort.id = cohort_id, "cohort requirements changed");
    Ok(())
}

/// A member of a cohort.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// When they graduated, if they did.
    pub graduated_at: Option<DateTime<Utc>>,
    /// Who approved the graduation.
    pub graduated_by_name: Option<String>,
    /// The reason recorded when graduation was approved before every requirement was met.
    pub override_reason: Option<String>,
}

/// The members of a cohort, by name.
pub async fn members(db: &Db, cohort_id: i64) -> Result<Vec<Member>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT m.person_id, p.name, m.graduated_at, g.name AS graduated_by_name, \
             m.override_reason FROM cohort_members m JOIN people p ON p.id = m.person_id \
             LEFT JOIN people g ON g.id = m.graduated_by WHERE m.cohort_id = $1 \
             ORDER BY p.name, p.id",
        )
        .bind(cohort_id)
        .fetch_all(pool)
        .await
    })
}

/// Whether enrolling worked or the person was already in the cohort.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Enrolled {
    /// Newly enrolled.
    Yes,
    /// Already a member.
    AlreadyMember,
}

/// Enrolls a person in a cohort.
pub async fn enroll(db: &Db, cohort_id: i64, person_id: i64) -> Result<Enrolled, sqlx::Error> {
    let result = execute!(
        db,
        sqlx::query(
            "INSERT INTO cohort_members (cohort_id, person_id, enrolled_at) VALUES ($1, $2, $3)",
        )
        .bind(cohort_id)
        .bind(person_id)
        .bind(now())
    );
    match result {
        Ok(_) => {
            tracing::info!(
                cohort.id = cohort_id,
                person.id = person_id,
                "coordinator enrolled"
            );
            Ok(Enrolled::Yes)
        }
        Err(error) if is_unique_violation(&error) => Ok(Enrolled::AlreadyMember),
        Err(error) => Err(error),
    }
}

/// People who may be enrolled: active people holding the coordinator role, by name.
pub async fn coordinators(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT DISTINCT p.id, p.name FROM grants g JOIN people p ON p.id = g.person_id \
             WHERE g.role = 'coordinator' AND p.status = 'active' ORDER BY p.name, p.id",
        )
        .fetch_all(pool)
        .await
    })
}

/// People who may lead a cohort: active guides and admins, by name.
pub async fn possible_leads(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT DISTINCT p.id, p.name FROM grants g JOIN people p ON p.id = g.person_id \
             WHERE g.role IN ('guide', 'admin') AND p.status = 'active' ORDER BY p.name, p.id",
        )
        .fetch_all(pool)
        .await
    })
}

/// A module of a cohort's curriculum.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Module {
    /// Its id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Description, plain text.
    pub description: String,
    /// Due date.
    pub due_on: Option<NaiveDate>,
    /// A linked resource, `https://` or a path in Carrel, or empty.
    pub resource_url: String,
}

/// The modules of a cohort, by due date.
pub async fn modules(db: &Db, cohort_id: i64) -> Result<Vec<Module>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, title, description, due_on, resource_url FROM cohort_modules \
             WHERE cohort_id = $1 ORDER BY due_on, id",
        )
        .bind(cohort_id)
        .fetch_all(pool)
        .await
    })
}

/// The module form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct ModuleForm {
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Due date, optional.
    #[serde(default)]
    pub due_on: String,
    /// Linked resource, optional.
    #[serde(default)]
    pub resource_url: String,
}

/// A module that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewModule {
    /// Title.
    pub title: String,
    /// Description.
    pub description: String,
    /// Due date.
    pub due_on: Option<NaiveDate>,
    /// Linked resource.
    pub resource_url: String,
}

/// Checks a module form. A linked resource must be an `https://` address or a path within
/// Carrel, so no `javascript:` link can reach a page.
pub fn validate_module(form: &ModuleForm) -> Result<NewModule, FieldErrors> {
    let mut errors = FieldErrors::new();
    let title = forms::text(&mut errors, "title", &form.title, true, 200);
    let description = forms::text(&mut errors, "description", &form.description, false, 4_000);
    let due_on = if form.due_on.trim().is_empty() {
        None
    } else {
        parse_date(&mut errors, "due_on", &form.due_on)
    };
    let resource_url = forms::text(&mut errors, "resource_url", &form.resource_url, false, 500);
    let safe = resource_url.is_empty()
        || (resource_url.starts_with("https://") && resource_url.len() > "https://".len())
        || (resource_url.starts_with('/') && !resource_url.starts_with("//"));
    if !safe || resource_url.contains(char::is_whitespace) {
        errors.add(
            "resource_url",
            "Enter an address starting with https://, or a Carrel path starting with /.",
        );
    }
    errors.into_result()?;
    Ok(NewModule {
        title,
        description,
        due_on,
        resource_url,
    })
}

/// Adds a module to a cohort.
pub async fn add_module(db: &Db, cohort_id: i64, module: &NewModule) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO cohort_modules (cohort_id, title, description, due_on, resource_url, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(cohort_id)
        .bind(&module.title)
        .bind(&module.description)
        .bind(module.due_on)
        .bind(&module.resource_url)
        .bind(now())
    )?;
    tracing::info!(cohort.id = cohort_id, "module added");
    Ok(())
}

/// Marks a module done or not done for a person; marking twice changes nothing.
pub async fn set_done(
    db: &Db,
    module_id: i64,
    person_id: i64,
    done: bool,
) -> Result<(), sqlx::Error> {
    let result = if done {
        execute!(
            db,
            sqlx::query(
                "INSERT INTO module_completions (module_id, person_id, completed_at) \
                 VALUES ($1, $2, $3)",
            )
            .bind(module_id)
            .bind(person_id)
            .bind(now())
        )
    } else {
        execute!(
            db,
            sqlx::query("DELETE FROM module_completions WHERE module_id = $1 AND person_id = $2")
                .bind(module_id)
                .bind(person_id)
        )
    };
    match result {
        Err(error) if !is_unique_violation(&error) => Err(error),
        _ => Ok(()),
    }
}

/// The (module, person) pairs of finished modules in a cohort.
pub async fn completions(db: &Db, cohort_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.module_id, c.person_id FROM module_completions c \
             JOIN cohort_modules m ON m.id = c.module_id WHERE m.cohort_id = $1",
        )
        .bind(cohort_id)
        .fetch_all(pool)
        .await
    })
}

/// The kinds of credit a cohort's lead may give by hand, each with its reason, for work the
/// records of convenings and the library cannot show.
pub const RECORD_KINDS: [(&str, &str); 3] = [
    (
        "convening",
        "Attended a coordinator convening outside Carrel",
    ),
    (
        "resource",
        "Contributed a resource published outside Carrel's library",
    ),
    ("session", "Co-facilitated a session outside Carrel"),
];

/// A logged piece of collaboration.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Record {
    /// Its id.
    pub id: i64,
    /// Whose it is.
    pub person_id: i64,
    /// Their name.
    pub person_name: String,
    /// `convening`, `resource` or `session`.
    pub kind: String,
    /// The day it happened.
    pub occurred_on: NaiveDate,
    /// What it was.
    pub note: String,
}

impl Record {
    /// The kind in words.
    pub fn kind_label(&self) -> &'static str {
        RECORD_KINDS
            .iter()
            .find(|(code, _)| *code == self.kind)
            .map_or("", |(_, label)| label)
    }
}

/// The records of a cohort, newest first.
pub async fn records(db: &Db, cohort_id: i64) -> Result<Vec<Record>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT r.id, r.person_id, p.name AS person_name, r.kind, r.occurred_on, r.note \
             FROM cohort_records r JOIN people p ON p.id = r.person_id WHERE r.cohort_id = $1 \
             ORDER BY r.occurred_on DESC, r.id DESC",
        )
        .bind(cohort_id)
        .fetch_all(pool)
        .await
    })
}

/// The record form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct RecordForm {
    /// The member's person id.
    #[serde(default)]
    pub person: String,
    /// The kind code.
    #[serde(default)]
    pub kind: String,
    /// The day.
    #[serde(default)]
    pub occurred_on: String,
    /// What it was.
    #[serde(default)]
    pub note: String,
}

/// A record that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRecord {
    /// Whose.
    pub person_id: i64,
    /// Kind code.
    pub kind: &'static str,
    /// The day.
    pub occurred_on: NaiveDate,
    /// What it was.
    pub note: String,
}

/// Checks a record form; `members` are the cohort's member ids.
pub fn validate_record(form: &RecordForm, members: &[i64]) -> Result<NewRecord, FieldErrors> {
    let mut errors = FieldErrors::new();
    let person_id = match form.person.trim().parse::<i64>() {
        Ok(id) if members.contains(&id) => Some(id),
        _ => {
            errors.add("person", "Choose a member of this cohort.");
            None
        }
    };
    let kind = RECORD_KINDS
        .iter()
        .find(|(code, _)| *code == form.kind.trim())
        .map(|(code, _)| *code);
    if kind.is_none() {
        errors.add("kind", "Choose what the member did.");
    }
    let occurred_on = parse_date(&mut errors, "occurred_on", &form.occurred_on);
    let note = forms::text(&mut errors, "note", &form.note, true, 500);
    errors.into_result()?;
    match (person_id, kind, occurred_on) {
        (Some(person_id), Some(kind), Some(occurred_on)) => Ok(NewRecord {
            person_id,
            kind,
            occurred_on,
            note,
        }),
        _ => Err(FieldErrors::new()),
    }
}

/// Logs a record.
pub async fn add_record(
    db: &Db,
    cohort_id: i64,
    record: &NewRecord,
    logged_by: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO cohort_records (cohort_id, person_id, kind, occurred_on, note, \
             logged_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(cohort_id)
        .bind(record.person_id)
        .bind(record.kind)
        .bind(record.occurred_on)
        .bind(&record.note)
        .bind(logged_by)
        .bind(now())
    )?;
    tracing::info!(
        cohort.id = cohort_id,
        kind = record.kind,
        "cohort record logged"
    );
    Ok(())
}

/// What the convenings and the resource library show a member did while enrolled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Earned {
    /// Convenings of the coordinator network or of this cohort attended, as the host marked.
    pub convenings: i64,
    /// Resources authored and published in the library.
    pub resources: i64,
    /// Convenings hosted or co-hosted that have taken place.
    pub sessions: i64,
}

/// A meeting counts toward a member's readiness when it was not cancelled and took place
/// while they were enrolled: from enrollment until graduation, if they graduated.
const WHILE_ENROLLED: &str = "c.status = 'scheduled' AND c.starts_at >= m.enrolled_at \
     AND (m.graduated_at IS NULL OR c.starts_at <= m.graduated_at)";

/// What each member of a cohort earned from the records, by person id.
///
/// Attendance counts only convenings of the coordinator network and of this cohort: those
/// are the ones the cohort's requirement is about. Co-facilitation counts any audience, for
/// a member who hosted a region's or a circle's meeting facilitated it all the same, and
/// only once the meeting has started. Publications come from the library's own count.
pub async fn earned(
    db: &Db,
    cohort_id: i64,
    members: &[Member],
) -> Result<HashMap<i64, Earned>, sqlx::Error> {
    let attended_sql = format!(
        "SELECT m.person_id, COUNT(*) FROM cohort_members m \
         JOIN convening_attendance a ON a.person_id = m.person_id \
         JOIN convenings c ON c.id = a.convening_id WHERE m.cohort_id = $1 AND {WHILE_ENROLLED} \
         AND (c.audience_kind = 'network' OR (c.audience_kind = 'cohort' AND c.audience_id = $1)) \
         GROUP BY m.person_id"
    );
    let facilitated_sql = format!(
        "SELECT m.person_id, COUNT(*) FROM cohort_members m JOIN convenings c \
         ON c.host_id = m.person_id OR c.id IN (SELECT h.convening_id FROM convening_cohosts h \
         WHERE h.person_id = m.person_id) \
         WHERE m.cohort_id = $1 AND {WHILE_ENROLLED} AND c.starts_at <= $2 GROUP BY m.person_id"
    );
    let attended: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(&attended_sql)
        .bind(cohort_id)
        .fetch_all(pool)
        .await)?;
    let facilitated: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(&facilitated_sql)
        .bind(cohort_id)
        .bind(now())
        .fetch_all(pool)
        .await)?;

    let mut earned: HashMap<i64, Earned> = HashMap::new();
    for (person_id, count) in attended {
        earned.entry(person_id).or_default().convenings = count;
    }
    for (person_id, count) in facilitated {
        earned.entry(person_id).or_default().sessions = count;
    }
    // A cohort is tens of people, and the library keeps its rule for "published" in one
    // place, so each member is asked for on their own.
    for member in members {
        let published = resources::published_by(db, member.person_id).await?;
        earned.entry(member.person_id).or_default().resources = published;
    }
    Ok(earned)
}

/// Each member's progress: the cohort's modules they finished, what the records show they
/// earned, and any credit given by hand (each with its reason).
pub fn progress_by_member(
    members: &[Member],
    module_count: usize,
    completions: &[(i64, i64)],
    earned: &HashMap<i64, Earned>,
    credits: &[Record],
) -> HashMap<i64, Progress> {
    members
        .iter()
        .map(|member| {
            let id = member.person_id;
            let credited = |kind: &str| {
                credits
                    .iter()
                    .filter(|r| r.person_id == id && r.kind == kind)
                    .count() as i64
            };
            let from_records = earned.get(&id).copied().unwrap_or_default();
            let progress = Progress {
                modules_total: module_count as i64,
                modules_done: completions.iter().filter(|(_, p)| *p == id).count() as i64,
                convenings: from_records.convenings + credited("convening"),
                resources: from_records.resources + credited("resource"),
                sessions: from_records.sessions + credited("session"),
            };
            (id, progress)
        })
        .collect()
}

/// Records a graduation. Returns `false` when the person was not an ungraduated member.
pub async fn graduate(
    db: &Db,
    cohort_id: i64,
    person_id: i64,
    approved_by: i64,
    override_reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE cohort_members SET graduated_at = $1, graduated_by = $2, \
             override_reason = $3 WHERE cohort_id = $4 AND person_id = $5 \
             AND graduated_at IS NULL",
        )
        .bind(now())
        .bind(approved_by)
        .bind(override_reason)
        .bind(cohort_id)
        .bind(person_id)
    )?;
    Ok(changed == 1)
}

/// The cohorts a person belongs to, as (cohort id, name, graduated).
pub async fn cohorts_of(db: &Db, person_id: i64) -> Result<Vec<(i64, String, bool)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT c.id, c.name, m.graduated_at IS NOT NULL FROM cohort_members m \
             JOIN cohorts c ON c.id = m.cohort_id WHERE m.person_id = $1 ORDER BY c.starts_on",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cohort_form(name: &str, start: &str, end: &str) -> CohortForm {
        CohortForm {
            name: name.into(),
            starts_on: start.into(),
            ends_on: end.into(),
            ..CohortForm::default()
        }
    }

    #[test]
    fn a_new_cohort_form_starts_with_the_default_requirements() {
        let valid = validate_cohort(&cohort_form("Cohort 2026", "2026-01-15", "2026-12-15"), &[])
            .expect("valid");
        assert_eq!(valid.requirements, Requirements::default());
        assert_eq!(valid.lead_id, None);
    }

    #[test]
    fn a_cohort_ending_before_it_starts_or_with_odd_counts_is_refused() {
        let mut form = cohort_form("", "2026-12-01", "2026-01-01");
        form.min_convenings = "-1".into();
        form.lead = "3".into();
        let errors = validate_cohort(&form, &[4]).expect_err("refused");
        let fields: Vec<&str> = errors.all().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["name", "ends_on", "lead", "min_convenings"]);
    }

    #[test]
    fn module_links_must_be_https_or_a_carrel_path() {
        let form = |url: &str| ModuleForm {
            title: "Running a matching round".into(),
            resource_url: url.into(),
            ..ModuleForm::default()
        };
        assert!(validate_module(&form("https://example.org/guide")).is_ok());
        assert!(validate_module(&form("/resources/12")).is_ok());
        assert!(validate_module(&form("")).is_ok());
        for bad in [
            "javascript:alert(1)",
            "http://example.org",
            "//evil.example",
            "https://",
        ] {
            assert!(validate_module(&form(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_record_must_name_a_member_a_kind_a_day_and_what_happened() {
        let form = RecordForm {
            person: "8".into(),
            kind: "session".into(),
            occurred_on: "2026-02-10".into(),
            note: "Co-led the matching workshop".into(),
        };
        assert_eq!(validate_record(&form, &[8]).expect("valid").kind, "session");
        let errors = validate_record(&form, &[9]).expect_err("refused");
        assert_eq!(errors.message("person"), "Choose a member of this cohort.");
    }
}
