//! Mentor circles: groups of mentors, by region or by topic, led by a guide, where mentors
//! support each other between cycles.

use chrono::{DateTime, NaiveDate, Utc};

use crate::network::terms::parse_date;
use crate::network::Region;
use crate::people::profile::Topic;
use crate::platform::db::{is_unique_violation, now, Db};
use crate::platform::web::forms::{self, FieldErrors};
use crate::{execute, on_db};

/// A circle with its guide and focus.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Circle {
    /// Its id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// What it is for, plain text.
    pub description: String,
    /// The guide who leads it.
    pub guide_id: i64,
    /// The guide's name.
    pub guide_name: String,
    /// The region it gathers, if it is regional.
    pub region_name: Option<String>,
    /// The topic it gathers around, if any.
    pub topic_name: Option<String>,
    /// Members (accepted).
    pub member_count: i64,
}

impl Circle {
    /// The circle's focus in words, such as `Ohio · Leadership`.
    pub fn focus(&self) -> String {
        [self.region_name.as_deref(), self.topic_name.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

const CIRCLE_SELECT: &str = "SELECT c.id, c.name, c.description, c.guide_id, \
     g.name AS guide_name, r.name AS region_name, t.name AS topic_name, \
     (SELECT COUNT(*) FROM circle_members m WHERE m.circle_id = c.id \
     AND m.status = 'member') AS member_count \
     FROM circles c JOIN people g ON g.id = c.guide_id \
     LEFT JOIN regions r ON r.id = c.region_id LEFT JOIN topics t ON t.id = c.topic_id";

/// Every circle, by name.
pub async fn list(db: &Db) -> Result<Vec<Circle>, sqlx::Error> {
    let sql = format!("{CIRCLE_SELECT} ORDER BY c.name, c.id");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// One circle.
pub async fn find(db: &Db, id: i64) -> Result<Option<Circle>, sqlx::Error> {
    let sql = format!("{CIRCLE_SELECT} WHERE c.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// The circle form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct CircleForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Description.
    #[serde(default)]
    pub description: String,
    /// Region code, or empty.
    #[serde(default)]
    pub region: String,
    /// Topic code, or empty.
    #[serde(default)]
    pub topic: String,
}

/// A circle that passed every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCircle {
    /// Name.
    pub name: String,
    /// Description.
    pub description: String,
    /// Region.
    pub region_id: Option<i64>,
    /// Topic.
    pub topic_id: Option<i64>,
}

/// Checks a circle form: a name, and a region, a topic or both.
pub fn validate_circle(
    form: &CircleForm,
    regions: &[Region],
    topics: &[Topic],
) -> Result<NewCircle, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    let description = forms::text(&mut errors, "description", &form.description, false, 2_000);
    let region = form.region.trim();
    let topic = form.topic.trim();
    let region_id = regions.iter().find(|r| r.code == region).map(|r| r.id);
    let topic_id = topics.iter().find(|t| t.code == topic).map(|t| t.id);
    if !region.is_empty() && region_id.is_none() {
        errors.add("region", "Choose a region from the list.");
    }
    if !topic.is_empty() && topic_id.is_none() {
        errors.add("topic", "Choose a topic from the list.");
    }
    if region.is_empty() && topic.is_empty() {
        errors.add("region", "Choose a region, a topic or both for the circle.");
    }
    errors.into_result()?;
    Ok(NewCircle {
        name,
        description,
        region_id,
        topic_id,
    })
}

/// Stores a circle led by a guide; returns its id.
pub async fn create(db: &Db, circle: &NewCircle, guide_id: i64) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO circles (name, description, guide_id, region_id, topic_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&circle.name)
        .bind(&circle.description)
        .bind(guide_id)
        .bind(circle.region_id)
        .bind(circle.topic_id)
        .bind(now())
        .fetch_one(pool)
        .await
    })?;
    tracing::info!(circle.id = id, "circle created");
    Ok(id)
}

/// Someone in a circle, or asking to be.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CircleMember {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// `requested` or `member`.
    pub status: String,
}

/// The people of a circle, members first, then requests, by name.
pub async fn members(db: &Db, circle_id: i64) -> Result<Vec<CircleMember>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT m.person_id, p.name, m.status FROM circle_members m \
             JOIN people p ON p.id = m.person_id WHERE m.circle_id = $1 \
             ORDER BY m.status, p.name, p.id",
        )
        .bind(circle_id)
        .fetch_all(pool)
        .await
    })
}

/// A person's standing in a circle: `member`, `requested`, or `None`.
pub async fn standing(
    db: &Db,
    circle_id: i64,
    person_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT status FROM circle_members WHERE circle_id = $1 AND person_id = $2")
            .bind(circle_id)
            .bind(person_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(status,)| status))
}

/// Records a request to join; asking again changes nothing.
pub async fn request_to_join(db: &Db, circle_id: i64, person_id: i64) -> Result<(), sqlx::Error> {
    let result = execute!(
        db,
        sqlx::query(
            "INSERT INTO circle_members (circle_id, person_id, status, requested_at) \
             VALUES ($1, $2, 'requested', $3)",
        )
        .bind(circle_id)
        .bind(person_id)
        .bind(now())
    );
    match result {
        Err(error) if !is_unique_violation(&error) => Err(error),
        _ => {
            tracing::info!(circle.id = circle_id, "request to join a circle");
            Ok(())
        }
    }
}

/// Accepts a pending request; returns whether there was one.
pub async fn accept(db: &Db, circle_id: i64, person_id: i64) -> Result<bool, sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE circle_members SET status = 'member', joined_at = $1 WHERE circle_id = $2 \
             AND person_id = $3 AND status = 'requested'",
        )
        .bind(now())
        .bind(circle_id)
        .bind(person_id)
    )?;
    if changed == 1 {
        tracing::info!(circle.id = circle_id, "circle member accepted");
    }
    Ok(changed == 1)
}

/// Adds a member directly (the demo, and guides' own circles).
pub async fn add_member(db: &Db, circle_id: i64, person_id: i64) -> Result<(), sqlx::Error> {
    request_to_join(db, circle_id, person_id).await?;
    accept(db, circle_id, person_id).await.map(|_| ())
}

/// A gathering of a circle.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Gathering {
    /// The day.
    pub held_on: NaiveDate,
    /// What happened.
    pub note: String,
}

/// A circle's gatherings, newest first.
pub async fn gatherings(db: &Db, circle_id: i64) -> Result<Vec<Gathering>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT held_on, note FROM circle_gatherings WHERE circle_id = $1 \
             ORDER BY held_on DESC, id DESC",
        )
        .bind(circle_id)
        .fetch_all(pool)
        .await
    })
}

/// The gathering form, as typed.
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct GatheringForm {
    /// The day.
    #[serde(default)]
    pub held_on: String,
    /// What happened.
    #[serde(default)]
    pub note: String,
}

/// Checks a gathering form.
pub fn validate_gathering(form: &GatheringForm) -> Result<(NaiveDate, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let held_on = parse_date(&mut errors, "held_on", &form.held_on);
    let note = forms::text(&mut errors, "note", &form.note, true, 2_000);
    errors.into_result()?;
    held_on.map(|day| (day, note)).ok_or_else(FieldErrors::new)
}

/// Logs a gathering.
pub async fn add_gathering(
    db: &Db,
    circle_id: i64,
    held_on: NaiveDate,
    note: &str,
    logged_by: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO circle_gatherings (circle_id, held_on, note, logged_by, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(circle_id)
        .bind(held_on)
        .bind(note)
        .bind(logged_by)
        .bind(now())
    )?;
    tracing::info!(circle.id = circle_id, "gathering logged");
    Ok(())
}

/// A note in a circle.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Note {
    /// The author's name.
    pub author_name: String,
    /// The text, Markdown.
    pub body: String,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

/// A circle's notes, newest first, at most 50.
pub async fn notes(db: &Db, circle_id: i64) -> Result<Vec<Note>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.name AS author_name, n.body, n.created_at FROM circle_notes n \
             JOIN people p ON p.id = n.author_id WHERE n.circle_id = $1 \
             ORDER BY n.created_at DESC, n.id DESC LIMIT 50",
        )
        .bind(circle_id)
        .fetch_all(pool)
        .await
    })
}

/// Adds a note.
pub async fn add_note(
    db: &Db,
    circle_id: i64,
    author_id: i64,
    body: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO circle_notes (circle_id, author_id, body, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(circle_id)
        .bind(author_id)
        .bind(body)
        .bind(now())
    )?;
    tracing::info!(circle.id = circle_id, "circle note added");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ohio() -> Region {
        Region {
            id: 39,
            code: "OH".into(),
            name: "Ohio".into(),
            kind: "state".into(),
            fips: "39".into(),
            division_id: 1,
            division_name: String::new(),
            time_zones: String::new(),
        }
    }

    fn leadership() -> Topic {
        Topic {
            id: 1,
            code: "leadership".into(),
            name: "Leadership".into(),
        }
    }

    fn form(region: &str, topic: &str) -> CircleForm {
        CircleForm {
            name: "Ohio leaders".into(),
            description: String::new(),
            region: region.into(),
            topic: topic.into(),
        }
    }

    #[test]
    fn a_circle_gathers_by_region_by_topic_or_both() {
        let (regions, topics) = ([ohio()], [leadership()]);
        let both = validate_circle(&form("OH", "leadership"), &regions, &topics).expect("valid");
        assert_eq!((both.region_id, both.topic_id), (Some(39), Some(1)));
        assert!(validate_circle(&form("", "leadership"), &regions, &topics).is_ok());
        assert!(validate_circle(&form("OH", ""), &regions, &topics).is_ok());
    }

    #[test]
    fn a_circle_without_focus_or_with_an_unknown_one_is_refused() {
        let (regions, topics) = ([ohio()], [leadership()]);
        let none = validate_circle(&form("", ""), &regions, &topics).expect_err("refused");
        assert!(none.message("region").contains("region, a topic or both"));
        let unknown =
            validate_circle(&form("ZZ", "knitting"), &regions, &topics).expect_err("refused");
        assert_eq!(unknown.all().len(), 2);
    }

    #[test]
    fn a_gathering_needs_a_day_and_a_note() {
        let ok = GatheringForm {
            held_on: "2026-03-04".into(),
            note: "Talked about first meetings".into(),
        };
        assert!(validate_gathering(&ok).is_ok());
        let errors = validate_gathering(&GatheringForm::default()).expect_err("refused");
        assert_eq!(errors.all().len(), 2);
    }
}
