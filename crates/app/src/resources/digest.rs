//! The digest: an email, monthly by default, with the new and updated resources that fit a
//! person's career stage, needs and role. Each person can make it quarterly or stop it.
//!
//! A scheduled task walks the active members who have not had this month's digest. A person
//! with nothing new that fits gets no email; for the others the digest is claimed with
//! `digest:{person}:{yyyy-mm}` before it is queued, so with several instances a person still
//! gets one.

use std::time::Duration;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Form;
use chrono::{DateTime, Datelike, Months, Utc};
use serde::Deserialize;

use crate::platform::auth::viewer::Viewer;
use crate::platform::db::{now, Db};
use crate::platform::error::AppResult;
use crate::platform::jobs::{self, Task};
use crate::platform::mail;
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::FieldErrors;
use crate::platform::web::pages::{render, render_invalid, Page};
use crate::resources::model::Frequency;
use crate::resources::noindex;
use crate::{execute, on_db};

/// People handled per query, so a national network is walked in steps.
const BATCH: i64 = 500;
/// Resources listed in one digest at most.
const MAX_ITEMS: i64 = 10;

/// The scheduled task that sends digests; it runs hourly and does a person's digest once a
/// month.
pub fn task() -> Task {
    Task {
        name: "resource digest",
        every: Duration::from_secs(3600),
        run: |state| {
            Box::pin(async move {
                let sent = send_digests(&state.db, &state.config.base_url, now()).await?;
                if sent > 0 {
                    tracing::info!(sent, "resource digests queued");
                }
                Ok(())
            })
        },
    }
}

/// A person due a digest.
#[derive(Debug, sqlx::FromRow)]
struct Recipient {
    id: i64,
    email: String,
    name: String,
    stage: String,
    frequency: String,
}

/// A resource in a digest.
#[derive(Debug, sqlx::FromRow)]
struct DigestItem {
    id: i64,
    number: i64,
    title: String,
    summary: String,
}

/// The month key of a time, such as `2026-03`.
pub fn month_key(at: DateTime<Utc>) -> String {
    at.format("%Y-%m").to_string()
}

/// Sends this month's digest to everyone who has not had it; returns how many were queued.
pub async fn send_digests(db: &Db, base_url: &str, at: DateTime<Utc>) -> anyhow::Result<usize> {
    let month = month_key(at);
    let mut after = 0;
    let mut sent = 0;
    loop {
        let batch = recipients(db, &month, after).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.id;
        for person in batch {
            if digest_one(db, base_url, &person, &month, at).await? {
                sent += 1;
            }
        }
    }
    Ok(sent)
}

async fn recipients(db: &Db, month: &str, after: i64) -> Result<Vec<Recipient>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.email, p.name, p.stage, COALESCE(s.frequency, 'monthly') AS frequency \
             FROM people p LEFT JOIN resource_digest_settings s ON s.person_id = p.id \
             WHERE p.status = 'active' AND p.id > $1 \
             AND COALESCE(s.frequency, 'monthly') <> 'off' \
             AND (s.last_sent_month IS NULL OR s.last_sent_month <> $2) \
             ORDER BY p.id LIMIT $3",
        )
        .bind(after)
        .bind(month)
        .bind(BATCH)
        .fetch_all(pool)
        .await
    })
}

/// Does one person's digest for the month; returns whether an email was queued.
async fn digest_one(
    db: &Db,
    base_url: &str,
    person: &Recipient,
    month: &str,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    let frequency = Frequency::parse(&person.frequency).unwrap_or(Frequency::Monthly);
    let items = if frequency.sends_in(at.month()) {
        let months = u32::try_from(frequency.months_covered()).unwrap_or(1);
        let since = at.checked_sub_months(Months::new(months)).unwrap_or(at);
        fitting(db, person, since).await?
    } else {
        Vec::new()
    };

    // Reading first keeps people with nothing new to one write; the claim comes before the
    // email, so with several instances a person gets at most one digest a month.
    let mut queued = false;
    if !items.is_empty() && jobs::claim_once(db, &claim_key(person.id, month)).await? {
        let (subject, body) = compose(base_url, &person.name, at, &items);
        mail::enqueue(db, &person.email, &subject, &body).await?;
        queued = true;
    }
    mark_done(db, person.id, frequency, month).await?;
    Ok(queued)
}

/// The once-only key of a person's digest for a month.
pub fn claim_key(person_id: i64, month: &str) -> String {
    format!("digest:{person_id}:{month}")
}

/// The live resources published since a time that fit the person: written for everyone or
/// for a role they hold, and for their stage (or every stage) or a topic they need.
async fn fitting(
    db: &Db,
    person: &Recipient,
    since: DateTime<Utc>,
) -> Result<Vec<DigestItem>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT r.id, v.number, v.title, v.summary FROM resources r \
             JOIN resource_versions v ON v.resource_id = r.id AND v.number = r.current_version \
             WHERE r.current_version > 0 AND r.status <> 'archived' AND v.published_at >= $1 \
             AND (r.audience = 'everyone' \
               OR (r.audience = 'coordinators' AND EXISTS (SELECT 1 FROM grants g \
                   WHERE g.person_id = $2 AND g.role IN ('coordinator', 'guide', 'admin'))) \
               OR (r.audience = 'mentors' AND EXISTS (SELECT 1 FROM grants g \
                   WHERE g.person_id = $2 AND g.role = 'mentor')) \
               OR (r.audience = 'mentees' AND EXISTS (SELECT 1 FROM grants g \
                   WHERE g.person_id = $2 AND g.role = 'mentee'))) \
             AND (NOT EXISTS (SELECT 1 FROM resource_stages rs WHERE rs.resource_id = r.id) \
               OR EXISTS (SELECT 1 FROM resource_stages rs WHERE rs.resource_id = r.id \
                   AND rs.stage = $3) \
               OR EXISTS (SELECT 1 FROM resource_topics rt JOIN person_topics pt \
                   ON pt.topic_id = rt.topic_id WHERE rt.resource_id = r.id \
                   AND pt.person_id = $2 AND pt.kind = 'need')) \
             ORDER BY v.published_at DESC, r.id DESC LIMIT $4",
        )
        .bind(since)
        .bind(person.id)
        .bind(&person.stage)
        .bind(MAX_ITEMS)
        .fetch_all(pool)
        .await
    })
}

fn compose(
    base_url: &str,
    name: &str,
    at: DateTime<Utc>,
    items: &[DigestItem],
) -> (String, String) {
    let base = base_url.trim_end_matches('/');
    let subject = format!("New in the Carrel library: {}", at.format("%B %Y"));
    let mut body = format!(
        "Hello {name},\n\nThese resources are new or updated in the library and fit your \
         career stage, needs or role:\n\n"
    );
    for item in items {
        let what = if item.number > 1 { "updated" } else { "new" };
        body.push_str(&format!(
            "* {} ({what})\n  {}\n  {base}/resources/{}\n\n",
            item.title, item.summary, item.id
        ));
    }
    body.push_str(&format!(
        "Change how often you get this digest, or stop it, here:\n{base}/resources/digest\n"
    ));
    (subject, body)
}

async fn mark_done(
    db: &Db,
    person_id: i64,
    frequency: Frequency,
    month: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO resource_digest_settings (person_id, frequency, last_sent_month) \
             VALUES ($1, $2, $3) ON CONFLICT (person_id) DO UPDATE SET last_sent_month = $3",
        )
        .bind(person_id)
        .bind(frequency.code())
        .bind(month)
    )?;
    Ok(())
}

/// A person's digest frequency, monthly when never chosen.
pub async fn frequency_of(db: &Db, person_id: i64) -> Result<Frequency, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT frequency FROM resource_digest_settings WHERE person_id = $1")
            .bind(person_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row
        .and_then(|(code,)| Frequency::parse(&code))
        .unwrap_or(Frequency::Monthly))
}

/// Sets a person's digest frequency.
pub async fn set_frequency(
    db: &Db,
    person_id: i64,
    frequency: Frequency,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO resource_digest_settings (person_id, frequency) VALUES ($1, $2) \
             ON CONFLICT (person_id) DO UPDATE SET frequency = $2",
        )
        .bind(person_id)
        .bind(frequency.code())
    )?;
    tracing::info!(
        person.id = person_id,
        frequency = frequency.code(),
        "digest setting saved"
    );
    Ok(())
}

// Pages ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resources/digest.html")]
struct SettingsPage {
    page: Page,
    chosen: String,
    errors: FieldErrors,
}

impl SettingsPage {
    fn frequencies(&self) -> &'static [Frequency] {
        Frequency::ALL
    }
}

/// The digest setting form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    frequency: String,
}

/// Shows how often the viewer gets the digest.
pub async fn settings(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
) -> AppResult<Response> {
    let chosen = frequency_of(&state.db, viewer.person_id).await?;
    let response = render(&SettingsPage {
        page,
        chosen: chosen.code().to_owned(),
        errors: FieldErrors::new(),
    })?;
    Ok(noindex(response))
}

/// Saves how often the viewer gets the digest.
pub async fn save_settings(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<SettingsForm>,
) -> AppResult<Response> {
    let Some(frequency) = Frequency::parse(&form.frequency) else {
        let mut errors = FieldErrors::new();
        errors.add("frequency", "Choose how often you want the digest.");
        return render_invalid(&SettingsPage {
            page,
            chosen: form.frequency,
            errors,
        });
    };
    set_frequency(&state.db, viewer.person_id, frequency).await?;
    Ok(redirect_with("/resources/digest", Flash::Saved))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_claim_key_names_the_person_and_the_month() {
        let at = Utc.with_ymd_and_hms(2026, 3, 31, 23, 0, 0).unwrap();
        assert_eq!(claim_key(42, &month_key(at)), "digest:42:2026-03");
    }

    #[test]
    fn a_digest_lists_new_and_updated_resources_with_their_links() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
        let items = [
            DigestItem {
                id: 3,
                number: 1,
                title: "First meetings".into(),
                summary: "What to cover.".into(),
            },
            DigestItem {
                id: 9,
                number: 2,
                title: "Grant basics".into(),
                summary: "Where to start.".into(),
            },
        ];
        let (subject, body) = compose("https://carrel.example/", "Ana", at, &items);
        assert_eq!(subject, "New in the Carrel library: March 2026");
        assert!(body.contains(
            "* First meetings (new)\n  What to cover.\n  https://carrel.example/resources/3"
        ));
        assert!(body.contains("Grant basics (updated)"));
        assert!(body.contains("https://carrel.example/resources/digest"));
    }
}
