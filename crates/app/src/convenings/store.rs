//! The convenings' queries: meetings, RSVPs, attendance and action items.

use chrono::{DateTime, NaiveDate, Utc};

use crate::convenings::audience::Audience;
use crate::convenings::schedule::{Repeat, Slot};
use crate::platform::db::join_ids;
use crate::platform::db::{now, Db};
use crate::platform::web::tokens;
use crate::{execute, on_db};

/// A meeting is planned until it is cancelled.
pub const SCHEDULED: &str = "scheduled";
/// A cancelled meeting stays visible, marked, so people who planned for it learn why.
pub const CANCELLED: &str = "cancelled";

/// One meeting, as stored, with its host's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Convening {
    /// Its id.
    pub id: i64,
    /// The random part of its iCalendar UID, fixed at creation.
    pub uid: String,
    /// The series it belongs to, if it repeats.
    pub series_id: Option<i64>,
    /// Its place in the series, from 1.
    pub series_position: i64,
    /// The audience's kind.
    pub audience_kind: String,
    /// The audience's id, for kinds that have one.
    pub audience_id: Option<i64>,
    /// The title.
    pub title: String,
    /// The agenda, Markdown.
    pub agenda: String,
    /// The host.
    pub host_id: i64,
    /// The host's name.
    pub host_name: String,
    /// The zone it was planned in.
    pub time_zone: String,
    /// The start, UTC.
    pub starts_at: DateTime<Utc>,
    /// The end, UTC.
    pub ends_at: DateTime<Utc>,
    /// Where to join.
    pub video_url: String,
    /// A recording, if there is one.
    pub recording_url: String,
    /// The minutes, Markdown.
    pub minutes: String,
    /// [`SCHEDULED`] or [`CANCELLED`].
    pub status: String,
    /// The iCalendar SEQUENCE: raised on every change the invitation carries.
    pub sequence: i64,
    /// When it was last changed.
    pub updated_at: DateTime<Utc>,
}

impl Convening {
    /// Its audience; a kind this version does not know reads as `None`.
    pub fn audience(&self) -> Option<Audience> {
        Audience::from_parts(&self.audience_kind, self.audience_id)
    }

    /// Whether it is cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.status == CANCELLED
    }

    /// Its start and end.
    pub fn slot(&self) -> Slot {
        Slot {
            starts_at: self.starts_at,
            ends_at: self.ends_at,
        }
    }
}

const SELECT: &str = "SELECT c.id, c.uid, c.series_id, c.series_position, c.audience_kind, \
     c.audience_id, c.title, c.agenda, c.host_id, h.name AS host_name, c.time_zone, \
     c.starts_at, c.ends_at, c.video_url, c.recording_url, c.minutes, c.status, c.sequence, \
     c.updated_at FROM convenings c JOIN people h ON h.id = c.host_id";

/// What is needed to plan a convening: the meetings share everything but their times.
pub struct NewConvening<'a> {
    /// Who it is for.
    pub audience: Audience,
    /// The title.
    pub title: &'a str,
    /// The agenda, Markdown.
    pub agenda: &'a str,
    /// The host.
    pub host_id: i64,
    /// The zone it is planned in.
    pub time_zone: &'a str,
    /// Where to join.
    pub video_url: &'a str,
    /// How it repeats.
    pub repeat: Repeat,
    /// Every meeting's times, first first.
    pub slots: &'a [Slot],
}

/// Plans a convening: one row per meeting, grouped in a series when it repeats, all in one
/// transaction. Returns the meetings' ids in order.
pub async fn create(db: &Db, new: &NewConvening<'_>) -> Result<Vec<i64>, sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let series_id: Option<i64> = if new.slots.len() > 1 {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO convening_series (repeat_rule, time_zone, meetings, created_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(new.repeat.code())
            .bind(new.time_zone)
            .bind(new.slots.len() as i64)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            Some(id)
        } else {
            None
        };
        let mut ids = Vec::with_capacity(new.slots.len());
        for (position, slot) in new.slots.iter().enumerate() {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO convenings (uid, series_id, series_position, audience_kind, \
                 audience_id, title, agenda, host_id, time_zone, starts_at, ends_at, \
                 video_url, status, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) \
                 RETURNING id",
            )
            .bind(new_uid())
            .bind(series_id)
            .bind(position as i64 + 1)
            .bind(new.audience.kind())
            .bind(new.audience.id())
            .bind(new.title)
            .bind(new.agenda)
            .bind(new.host_id)
            .bind(new.time_zone)
            .bind(slot.starts_at)
            .bind(slot.ends_at)
            .bind(new.video_url)
            .bind(SCHEDULED)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    })
}

/// A random UID part: 128 bits, so UIDs never collide across Carrel installations.
fn new_uid() -> String {
    tokens::digest(&tokens::new_token())[..32].to_owned()
}

/// One meeting by id.
pub async fn find(db: &Db, id: i64) -> Result<Option<Convening>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Some meetings by id, soonest first.
pub async fn find_many(db: &Db, ids: &[i64]) -> Result<Vec<Convening>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{SELECT} WHERE c.id IN ({}) ORDER BY c.starts_at, c.id",
        join_ids(ids)
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Which meetings a list shows.
#[derive(Clone, Debug)]
pub struct Window {
    /// The audiences; an empty list shows nothing.
    pub audiences: Vec<Audience>,
    /// Meetings starting at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Meetings starting before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Latest first (for past meetings) instead of soonest first.
    pub newest_first: bool,
    /// At most this many.
    pub limit: i64,
}

/// The meetings of some audiences within a time window.
pub async fn list(db: &Db, window: &Window) -> Result<Vec<Convening>, sqlx::Error> {
    let Some(audience_filter) = audience_filter(&window.audiences) else {
        return Ok(Vec::new());
    };
    let order = if window.newest_first { "DESC" } else { "ASC" };
    // Missing bounds become instants no meeting reaches, so one SQL text serves every case.
    // They keep four-digit years: SQLite compares the stored text.
    let from = window.from.unwrap_or(EARLIEST);
    let until = window.until.unwrap_or(LATEST);
    let sql = format!(
        "{SELECT} WHERE ({audience_filter}) AND c.starts_at >= $1 AND c.starts_at < $2 \
         ORDER BY c.starts_at {order}, c.id {order} LIMIT $3"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(from)
        .bind(until)
        .bind(window.limit)
        .fetch_all(pool)
        .await)
}

/// An instant before every meeting: 1970-01-01.
const EARLIEST: DateTime<Utc> = DateTime::<Utc>::UNIX_EPOCH;
/// An instant after every meeting: 9999-12-31 23:59:59 UTC.
const LATEST: DateTime<Utc> = match DateTime::<Utc>::from_timestamp(253_402_300_799, 0) {
    Some(at) => at,
    None => DateTime::<Utc>::UNIX_EPOCH,
};

/// The SQL condition for a list of audiences, or `None` when the list is empty.
fn audience_filter(audiences: &[Audience]) -> Option<String> {
    let mut parts = Vec::new();
    if audiences.contains(&Audience::Network) {
        parts.push("c.audience_kind = 'network'".to_owned());
    }
    for kind in ["region", "cohort", "circle"] {
        let ids: Vec<i64> = audiences
            .iter()
            .filter(|a| a.kind() == kind)
            .filter_map(|a| a.id())
            .collect();
        if !ids.is_empty() {
            parts.push(format!(
                "(c.audience_kind = '{kind}' AND c.audience_id IN ({}))",
                join_ids(&ids)
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

/// The meetings of a series, in order.
pub async fn series(db: &Db, series_id: i64) -> Result<Vec<Convening>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE c.series_id = $1 ORDER BY c.series_position");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(series_id)
        .fetch_all(pool)
        .await)
}

/// How a series repeats, as its stored code.
pub async fn repeat_rule(db: &Db, series_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT repeat_rule FROM convening_series WHERE id = $1")
            .bind(series_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(code,)| code))
}

/// The fields of a meeting its host may change.
pub struct Changes<'a> {
    /// The title.
    pub title: &'a str,
    /// The agenda.
    pub agenda: &'a str,
    /// The zone the times are in.
    pub time_zone: &'a str,
    /// The new times.
    pub slot: Slot,
    /// Where to join.
    pub video_url: &'a str,
}

/// Changes meetings, each to its own times, and raises each one's SEQUENCE so calendars
/// apply the update; all in one transaction.
pub async fn update(db: &Db, changes: &[(i64, Changes<'_>)]) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for (id, change) in changes {
            sqlx::query(
                "UPDATE convenings SET title = $1, agenda = $2, time_zone = $3, starts_at = $4, \
                 ends_at = $5, video_url = $6, sequence = sequence + 1, updated_at = $7 \
                 WHERE id = $8",
            )
            .bind(change.title)
            .bind(change.agenda)
            .bind(change.time_zone)
            .bind(change.slot.starts_at)
            .bind(change.slot.ends_at)
            .bind(change.video_url)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    })
}

/// Cancels one meeting and raises its SEQUENCE; returns whether it was scheduled before.
pub async fn cancel(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE convenings SET status = $1, sequence = sequence + 1, updated_at = $2 \
             WHERE id = $3 AND status = $4",
        )
        .bind(CANCELLED)
        .bind(now())
        .bind(id)
        .bind(SCHEDULED)
    )?;
    Ok(changed > 0)
}

/// Names the co-hosts of some meetings, replacing any named before, in one transaction.
/// Co-hosts facilitate alongside the host; they do not run the meeting's page.
pub async fn set_cohosts(
    db: &Db,
    convening_ids: &[i64],
    person_ids: &[i64],
) -> Result<(), sqlx::Error> {
    if convening_ids.is_empty() {
        return Ok(());
    }
    let at = now();
    let clear = format!(
        "DELETE FROM convening_cohosts WHERE convening_id IN ({})",
        join_ids(convening_ids)
    );
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(&clear).execute(&mut *tx).await?;
        for convening_id in convening_ids {
            for person_id in person_ids {
                sqlx::query(
                    "INSERT INTO convening_cohosts (convening_id, person_id, added_at) \
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(convening_id)
                .bind(person_id)
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await
    })
}

/// A meeting's co-hosts as (id, name, email), by name.
pub async fn cohosts(
    db: &Db,
    convening_id: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.name, p.email FROM convening_cohosts h \
             JOIN people p ON p.id = h.person_id WHERE h.convening_id = $1 ORDER BY p.name, p.id",
        )
        .bind(convening_id)
        .fetch_all(pool)
        .await
    })
}

/// Saves the minutes and the recording link. They are not part of the invitation, so the
/// SEQUENCE stays.
pub async fn save_minutes(
    db: &Db,
    id: i64,
    minutes: &str,
    recording_url: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "UPDATE convenings SET minutes = $1, recording_url = $2, updated_at = $3 \
             WHERE id = $4",
        )
        .bind(minutes)
        .bind(recording_url)
        .bind(now())
        .bind(id)
    )?;
    Ok(())
}

/// An answer to an invitation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rsvp {
    /// Will come.
    Yes,
    /// Might come.
    Maybe,
    /// Will not come.
    No,
}

impl Rsvp {
    /// Every answer, in the order the page offers them.
    pub const ALL: [Rsvp; 3] = [Rsvp::Yes, Rsvp::Maybe, Rsvp::No];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Rsvp::Yes => "yes",
            Rsvp::Maybe => "maybe",
            Rsvp::No => "no",
        }
    }

    /// The words on the page.
    pub fn label(self) -> &'static str {
        match self {
            Rsvp::Yes => "I will come",
            Rsvp::Maybe => "I might come",
            Rsvp::No => "I cannot come",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Rsvp> {
        Rsvp::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// Records a person's answer, replacing an earlier one.
pub async fn set_rsvp(
    db: &Db,
    convening_id: i64,
    person_id: i64,
    answer: Rsvp,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO convening_rsvps (convening_id, person_id, answer, answered_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (convening_id, person_id) \
             DO UPDATE SET answer = excluded.answer, answered_at = excluded.answered_at",
        )
        .bind(convening_id)
        .bind(person_id)
        .bind(answer.code())
        .bind(now())
    )?;
    Ok(())
}

/// A person's answers to some meetings, as (meeting id, answer code).
pub async fn rsvps_of(
    db: &Db,
    person_id: i64,
    convening_ids: &[i64],
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if convening_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT convening_id, answer FROM convening_rsvps WHERE person_id = $1 \
         AND convening_id IN ({})",
        join_ids(convening_ids)
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(person_id)
        .fetch_all(pool)
        .await)
}

/// A person who answered or attended, for the host's lists.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Participant {
    /// The person's id.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Their answer code, empty if they did not answer.
    pub answer: String,
    /// Whether the host marked them present.
    pub attended: bool,
}

/// Everyone who answered or was marked present, by name.
pub async fn participants(db: &Db, convening_id: i64) -> Result<Vec<Participant>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id AS person_id, p.name, COALESCE(r.answer, '') AS answer, \
             (a.person_id IS NOT NULL) AS attended FROM people p \
             LEFT JOIN convening_rsvps r ON r.person_id = p.id AND r.convening_id = $1 \
             LEFT JOIN convening_attendance a ON a.person_id = p.id AND a.convening_id = $1 \
             WHERE r.person_id IS NOT NULL OR a.person_id IS NOT NULL ORDER BY p.name, p.id",
        )
        .bind(convening_id)
        .fetch_all(pool)
        .await
    })
}

/// Replaces the attendance of a meeting with exactly these people, in one transaction.
pub async fn record_attendance(
    db: &Db,
    convening_id: i64,
    present: &[i64],
    recorded_by: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM convening_attendance WHERE convening_id = $1")
            .bind(convening_id)
            .execute(&mut *tx)
            .await?;
        for person_id in present {
            sqlx::query(
                "INSERT INTO convening_attendance (convening_id, person_id, recorded_by, \
                 recorded_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(convening_id)
            .bind(person_id)
            .bind(recorded_by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    })
}

/// Marks one more person present, keeping everyone already marked.
pub async fn add_attendee(
    db: &Db,
    convening_id: i64,
    person_id: i64,
    recorded_by: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO convening_attendance (convening_id, person_id, recorded_by, \
             recorded_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(convening_id)
        .bind(person_id)
        .bind(recorded_by)
        .bind(now())
    )?;
    Ok(())
}

/// How many meetings a person attended; see [`crate::convenings::attendance_count`].
pub async fn attendance_count(db: &Db, person_id: i64) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) FROM convening_attendance a \
             JOIN convenings c ON c.id = a.convening_id \
             WHERE a.person_id = $1 AND c.status = $2",
        )
        .bind(person_id)
        .bind(SCHEDULED)
        .fetch_one(pool)
        .await
    })?;
    Ok(count)
}

/// Where an action item stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemStatus {
    /// Not started.
    Open,
    /// Being worked on.
    InProgress,
    /// Finished; it leaves the owner's home page.
    Done,
}

impl ItemStatus {
    /// Every status, in order.
    pub const ALL: [ItemStatus; 3] = [ItemStatus::Open, ItemStatus::InProgress, ItemStatus::Done];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ItemStatus::Open => "open",
            ItemStatus::InProgress => "in_progress",
            ItemStatus::Done => "done",
        }
    }

    /// The words on the page.
    pub fn label(self) -> &'static str {
        match self {
            ItemStatus::Open => "Open",
            ItemStatus::InProgress => "In progress",
            ItemStatus::Done => "Done",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<ItemStatus> {
        ItemStatus::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// An action item with its owner's name and its meeting's title.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ActionItem {
    /// Its id.
    pub id: i64,
    /// The meeting it came from.
    pub convening_id: i64,
    /// The meeting's title.
    pub convening_title: String,
    /// The meeting's host.
    pub host_id: i64,
    /// Who does it.
    pub owner_id: i64,
    /// Their name.
    pub owner_name: String,
    /// What to do.
    pub description: String,
    /// By when.
    pub due_on: NaiveDate,
    /// Its status code.
    pub status: String,
}

impl ActionItem {
    /// The status's words.
    pub fn status_label(&self) -> &'static str {
        ItemStatus::parse(&self.status).map_or("", ItemStatus::label)
    }
}

const ITEM_SELECT: &str = "SELECT i.id, i.convening_id, c.title AS convening_title, \
     c.host_id, i.owner_id, p.name AS owner_name, i.description, i.due_on, i.status \
     FROM convening_action_items i JOIN convenings c ON c.id = i.convening_id \
     JOIN people p ON p.id = i.owner_id";

/// Adds an action item to a meeting.
pub async fn add_action_item(
    db: &Db,
    convening_id: i64,
    owner_id: i64,
    description: &str,
    due_on: NaiveDate,
) -> Result<i64, sqlx::Error> {
    let at = now();
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO convening_action_items (convening_id, owner_id, description, due_on, \
             status, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(convening_id)
        .bind(owner_id)
        .bind(description)
        .bind(due_on)
        .bind(ItemStatus::Open.code())
        .bind(at)
        .fetch_one(pool)
        .await
    })?;
    Ok(id)
}

/// The action items of a meeting, soonest due first.
pub async fn action_items(db: &Db, convening_id: i64) -> Result<Vec<ActionItem>, sqlx::Error> {
    let sql = format!("{ITEM_SELECT} WHERE i.convening_id = $1 ORDER BY i.due_on, i.id");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(convening_id)
        .fetch_all(pool)
        .await)
}

/// A person's action items that are not done, soonest due first.
pub async fn open_action_items(db: &Db, owner_id: i64) -> Result<Vec<ActionItem>, sqlx::Error> {
    let sql = format!(
        "{ITEM_SELECT} WHERE i.owner_id = $1 AND i.status <> $2 ORDER BY i.due_on, i.id \
         LIMIT 100"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(owner_id)
        .bind(ItemStatus::Done.code())
        .fetch_all(pool)
        .await)
}

/// One action item by id.
pub async fn find_action_item(db: &Db, id: i64) -> Result<Option<ActionItem>, sqlx::Error> {
    let sql = format!("{ITEM_SELECT} WHERE i.id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// Sets an action item's status.
pub async fn set_item_status(db: &Db, id: i64, status: ItemStatus) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE convening_action_items SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status.code())
            .bind(now())
            .bind(id)
    )?;
    Ok(())
}

/// Scheduled meetings starting in `(after, until]`, for reminders.
pub async fn starting_between(
    db: &Db,
    after: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<Convening>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE c.status = $1 AND c.starts_at > $2 AND c.starts_at <= $3 \
         ORDER BY c.starts_at LIMIT 500"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(SCHEDULED)
        .bind(after)
        .bind(until)
        .fetch_all(pool)
        .await)
}

/// The people who said they will not come to a meeting.
pub async fn declined(db: &Db, convening_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT person_id FROM convening_rsvps WHERE convening_id = $1 AND answer = $2",
        )
        .bind(convening_id)
        .bind(Rsvp::No.code())
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// A person's profile time zone name, or `None` if there is no such person.
pub async fn time_zone_of(db: &Db, person_id: i64) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT time_zone FROM people WHERE id = $1")
            .bind(person_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(zone,)| zone))
}
