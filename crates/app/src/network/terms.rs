//! Coordinator terms: who coordinates which region, in which role, from when to when.
//!
//! A term is the record of an appointment; the `coordinator` grant is what the access rules
//! read. The two are kept in step by [`sync_pair`] and [`sync_all`]: a person holds the
//! `coordinator` grant of a region exactly while one of their terms there is active. A grant
//! for a person and region that never had a term (one made by an invitation, say) is left
//! alone, so nothing that worked before terms existed stops working.

use chrono::{Days, NaiveDate};

use crate::people::store;
use crate::platform::auth::roles::Role;
use crate::platform::db::{now, Db};
use crate::platform::web::forms::FieldErrors;
use crate::{execute, on_db};

/// The part a coordinator plays in a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TermRole {
    /// The coordinator who answers for the region.
    Lead,
    /// Shares the work with the lead.
    CoCoordinator,
    /// Steps in when the lead cannot.
    Backup,
}

impl TermRole {
    /// Every role, in the order pages list them.
    pub const ALL: [TermRole; 3] = [TermRole::Lead, TermRole::CoCoordinator, TermRole::Backup];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            TermRole::Lead => "lead",
            TermRole::CoCoordinator => "co_coordinator",
            TermRole::Backup => "backup",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            TermRole::Lead => "Lead",
            TermRole::CoCoordinator => "Co-coordinator",
            TermRole::Backup => "Backup",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<TermRole> {
        TermRole::ALL.into_iter().find(|role| role.code() == code)
    }
}

/// The dates and role of a term: all that coverage and the overlap rule need.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    /// The term's id (0 for one not stored yet).
    pub id: i64,
    /// Its role.
    pub role: TermRole,
    /// The first day of the term.
    pub starts_on: NaiveDate,
    /// The last day of the term, inclusive.
    pub ends_on: NaiveDate,
}

impl Span {
    /// Whether the term is running on this day.
    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.starts_on <= today && today <= self.ends_on
    }

    /// Whether two terms share at least one day.
    pub fn overlaps(&self, other: &Span) -> bool {
        self.starts_on <= other.ends_on && other.starts_on <= self.ends_on
    }
}

/// A term as pages show it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Term {
    /// Its id.
    pub id: i64,
    /// The coordinator.
    pub person_id: i64,
    /// The coordinator's name.
    pub person_name: String,
    /// The region.
    pub region_id: i64,
    /// The region's code.
    pub region_code: String,
    /// The role code.
    pub role: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day, inclusive.
    pub ends_on: NaiveDate,
}

impl Term {
    /// The role, or `None` for a code this version does not know.
    pub fn role(&self) -> Option<TermRole> {
        TermRole::parse(&self.role)
    }

    /// The role's words.
    pub fn role_label(&self) -> &'static str {
        self.role().map_or("", TermRole::label)
    }

    /// The dates and role, for the rules.
    pub fn span(&self) -> Option<Span> {
        self.role().map(|role| Span {
            id: self.id,
            role,
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        })
    }

    /// `past`, `active` or `future` on this day.
    pub fn phase(&self, today: NaiveDate) -> &'static str {
        if self.ends_on < today {
            "past"
        } else if self.starts_on > today {
            "future"
        } else {
            "active"
        }
    }
}

/// The appointment form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct AppointForm {
    /// The person's email address.
    #[serde(default)]
    pub person: String,
    /// The role code.
    #[serde(default)]
    pub role: String,
    /// First day, `YYYY-MM-DD`.
    #[serde(default)]
    pub starts_on: String,
    /// Last day, `YYYY-MM-DD`.
    #[serde(default)]
    pub ends_on: String,
}

/// An appointment that passed every check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appointment {
    /// The person.
    pub person_id: i64,
    /// The term's role and dates.
    pub span: Span,
}

/// Reads a date typed as `YYYY-MM-DD`, with a message at the field when it is not one.
pub fn parse_date(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        errors.add(field, "Enter a date.");
        return None;
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => Some(date),
        Err(_) => {
            errors.add(field, "Enter a date like 2026-09-01.");
            None
        }
    }
}

/// Checks an appointment against the region's existing terms.
///
/// `person_id` is the appointable person the typed address names, if any. A term must end on
/// or after the day it starts, and may not share a day with another term of the same role in
/// the region.
pub fn validate_appointment(
    form: &AppointForm,
    person_id: Option<i64>,
    existing: &[Span],
) -> Result<Appointment, FieldErrors> {
    let mut errors = FieldErrors::new();
    if person_id.is_none() {
        errors.add(
            "person",
            "Enter the email address of an active mentor, guide or coordinator.",
        );
    }
    let role = TermRole::parse(form.role.trim());
    if role.is_none() {
        errors.add("role", "Choose lead, co-coordinator or backup.");
    }
    let starts_on = parse_date(&mut errors, "starts_on", &form.starts_on);
    let ends_on = parse_date(&mut errors, "ends_on", &form.ends_on);
    if let (Some(start), Some(end)) = (starts_on, ends_on) {
        if end < start {
            errors.add(
                "ends_on",
                "The term must end on or after the day it starts.",
            );
        }
    }

    let (Some(person_id), Some(role), Some(starts_on), Some(ends_on)) =
        (person_id, role, starts_on, ends_on)
    else {
        return Err(errors);
    };
    let span = Span {
        id: 0,
        role,
        starts_on,
        ends_on,
    };
    if let Some(clash) = existing
        .iter()
        .find(|other| other.role == role && other.overlaps(&span) && errors.is_empty())
    {
        errors.add(
            "starts_on",
            format!(
                "This region already has a {} term from {} to {}; choose dates that do not \
                 overlap it.",
                role.label().to_lowercase(),
                clash.starts_on,
                clash.ends_on
            ),
        );
    }
    errors.into_result()?;
    Ok(Appointment { person_id, span })
}

const TERM_SELECT: &str = "SELECT t.id, t.person_id, p.name AS person_name, t.region_id, \
     r.code AS region_code, t.role, t.starts_on, t.ends_on FROM coordinator_terms t \
     JOIN people p ON p.id = t.person_id JOIN regions r ON r.id = t.region_id";

/// Every term of a region, newest start first.
pub async fn for_region(db: &Db, region_id: i64) -> Result<Vec<Term>, sqlx::Error> {
    let sql = format!("{TERM_SELECT} WHERE t.region_id = $1 ORDER BY t.starts_on DESC, t.id");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(region_id)
        .fetch_all(pool)
        .await)
}

/// Every term that has not ended by this day, in every region.
pub async fn current_and_future(db: &Db, today: NaiveDate) -> Result<Vec<Term>, sqlx::Error> {
    let sql = format!("{TERM_SELECT} WHERE t.ends_on >= $1 ORDER BY r.code, t.starts_on");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(today)
        .fetch_all(pool)
        .await)
}

/// One term by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Term>, sqlx::Error> {
    let sql = format!("{TERM_SELECT} WHERE t.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Stores a new term and brings the person's grant in step; returns the term's id.
pub async fn appoint(
    db: &Db,
    region_id: i64,
    appointment: &Appointment,
    appointed_by: i64,
    today: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO coordinator_terms (person_id, region_id, role, starts_on, ends_on, \
             appointed_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(appointment.person_id)
        .bind(region_id)
        .bind(appointment.span.role.code())
        .bind(appointment.span.starts_on)
        .bind(appointment.span.ends_on)
        .bind(appointed_by)
        .bind(now())
        .fetch_one(pool)
        .await
    })?;
    tracing::info!(term.id = id, region.id = region_id, "coordinator appointed");
    sync_pair(db, appointment.person_id, region_id, today).await?;
    Ok(id)
}

/// Ends a running or future term early: its last day becomes yesterday, so the person stops
/// coordinating today. The term stays in the history, marked as cut short.
pub async fn cut_short(db: &Db, term: &Term, today: NaiveDate) -> Result<(), sqlx::Error> {
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    // A term that had not started yet is kept as a zero-length record ending yesterday, so
    // a stored term never ends before it starts.
    let ends_on = yesterday.min(term.ends_on);
    let starts_on = term.starts_on.min(ends_on);
    execute!(
        db,
        sqlx::query(
            "UPDATE coordinator_terms SET starts_on = $1, ends_on = $2, cut_short_at = $3 \
             WHERE id = $4",
        )
        .bind(starts_on)
        .bind(ends_on)
        .bind(now())
        .bind(term.id)
    )?;
    tracing::info!(term.id = term.id, "coordinator term cut short");
    sync_pair(db, term.person_id, term.region_id, today).await
}

/// Gives or removes the `coordinator` grant of one person and region to match their terms.
pub async fn sync_pair(
    db: &Db,
    person_id: i64,
    region_id: i64,
    today: NaiveDate,
) -> Result<(), sqlx::Error> {
    let (active,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) FROM coordinator_terms WHERE person_id = $1 AND region_id = $2 \
             AND starts_on <= $3 AND ends_on >= $3",
        )
        .bind(person_id)
        .bind(region_id)
        .bind(today)
        .fetch_one(pool)
        .await
    })?;
    if active > 0 {
        store::grant(db, person_id, Role::Coordinator, Some(region_id), None).await
    } else {
        revoke(db, person_id, region_id).await
    }
}

async fn revoke(db: &Db, person_id: i64, region_id: i64) -> Result<(), sqlx::Error> {
    let removed = execute!(
        db,
        sqlx::query(
            "DELETE FROM grants WHERE person_id = $1 AND role = 'coordinator' \
             AND region_id = $2",
        )
        .bind(person_id)
        .bind(region_id)
    )?;
    if removed > 0 {
        tracing::info!(
            person.id = person_id,
            region.id = region_id,
            "coordinator grant ended"
        );
    }
    Ok(())
}

/// Brings every person and region that has terms in step; run daily, as terms start and end
/// by the calendar rather than by anyone's action.
pub async fn sync_all(db: &Db, today: NaiveDate) -> Result<(), sqlx::Error> {
    let pairs: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT DISTINCT person_id, region_id FROM coordinator_terms ORDER BY 1, 2")
            .fetch_all(pool)
            .await
    })?;
    for (person_id, region_id) in pairs {
        sync_pair(db, person_id, region_id, today).await?;
    }
    Ok(())
}

/// The id of the person an address names, if they may be appointed: active, and a mentor,
/// guide or coordinator already.
///
/// The form asks for an address rather than offering a list, which at national scale would
/// hold tens of thousands of mentors.
pub async fn appointable(db: &Db, email: &str) -> Result<Option<i64>, sqlx::Error> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Ok(None);
    }
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id FROM people p WHERE p.email = $1 AND p.status = 'active' \
             AND EXISTS (SELECT 1 FROM grants g WHERE g.person_id = p.id \
             AND g.role IN ('mentor', 'guide', 'coordinator'))",
        )
        .bind(email)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(id,)| id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid")
    }

    fn form(role: &str, start: &str, end: &str) -> AppointForm {
        AppointForm {
            person: "ana@example.org".into(),
            role: role.into(),
            starts_on: start.into(),
            ends_on: end.into(),
        }
    }

    fn span(role: TermRole, start: &str, end: &str) -> Span {
        Span {
            id: 1,
            role,
            starts_on: day(start),
            ends_on: day(end),
        }
    }

    #[test]
    fn a_term_that_ends_before_it_starts_is_refused_at_the_end_date() {
        let errors = validate_appointment(&form("lead", "2026-05-01", "2026-04-30"), Some(7), &[])
            .expect_err("refused");
        assert_eq!(
            errors.message("ends_on"),
            "The term must end on or after the day it starts."
        );
    }

    #[test]
    fn a_term_overlapping_another_of_the_same_role_is_refused() {
        let existing = [span(TermRole::Lead, "2025-01-01", "2026-06-30")];
        let errors = validate_appointment(
            &form("lead", "2026-06-30", "2027-06-30"),
            Some(7),
            &existing,
        )
        .expect_err("refused");
        assert!(errors
            .message("starts_on")
            .contains("already has a lead term"));
    }

    #[test]
    fn a_successor_starting_the_day_after_and_another_role_are_accepted() {
        let existing = [span(TermRole::Lead, "2025-01-01", "2026-06-30")];
        let next = validate_appointment(
            &form("lead", "2026-07-01", "2028-06-30"),
            Some(7),
            &existing,
        );
        let backup = validate_appointment(
            &form("backup", "2026-01-01", "2026-12-31"),
            Some(7),
            &existing,
        );
        assert!(next.is_ok());
        assert_eq!(backup.expect("valid").span.role, TermRole::Backup);
    }

    #[test]
    fn unknown_people_roles_and_dates_get_field_messages() {
        let bad = AppointForm {
            person: "nobody@example.org".into(),
            role: "chief".into(),
            starts_on: "next week".into(),
            ends_on: String::new(),
        };
        let errors = validate_appointment(&bad, None, &[]).expect_err("refused");
        let fields: Vec<&str> = errors.all().into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, ["person", "role", "starts_on", "ends_on"]);
    }

    #[test]
    fn a_term_is_active_on_its_first_and_last_day() {
        let term = span(TermRole::Backup, "2026-01-01", "2026-01-31");
        assert!(term.is_active(day("2026-01-01")));
        assert!(term.is_active(day("2026-01-31")));
        assert!(!term.is_active(day("2026-02-01")));
    }
}
