//! The library's queries: resources, their versions, files, reviews, ratings and counters.
//!
//! Every query is written once for both engines; search, which differs, is in
//! [`search`](crate::resources::search).

use chrono::{DateTime, Utc};

use crate::people::topics::Stage;
use crate::platform::db::{now, Db};
use crate::resources::form::ValidResource;
use crate::resources::model::{self, Action, Kind, Status};
use crate::{execute, on_db};

/// A resource's working copy and its curation facts.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Resource {
    /// Its id.
    pub id: i64,
    /// Kind code.
    pub kind: String,
    /// Title of the working copy.
    pub title: String,
    /// Summary of the working copy.
    pub summary: String,
    /// Markdown body of the working copy.
    pub body: String,
    /// Link of the working copy.
    pub url: String,
    /// File of the working copy.
    pub file_id: Option<i64>,
    /// Audience code.
    pub audience: String,
    /// Format code.
    pub format: String,
    /// License code of the working copy.
    pub license: String,
    /// Visibility code of the working copy.
    pub visibility: String,
    /// Status code of the working copy.
    pub status: String,
    /// The number of the published version readers see; 0 before the first.
    pub current_version: i64,
    /// When the first version was published.
    pub first_published_at: Option<DateTime<Utc>>,
    /// When the published version comes due for review.
    pub review_due_at: Option<DateTime<Utc>>,
    /// Times its page was shown.
    pub views: i64,
    /// Times its file was downloaded.
    pub downloads: i64,
    /// Who created it.
    pub created_by: i64,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When its working copy last changed.
    pub updated_at: DateTime<Utc>,
}

impl Resource {
    /// The status; unknown codes read as archived, the most closed state.
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Archived)
    }

    /// The kind; unknown codes read as a page.
    pub fn kind(&self) -> Kind {
        Kind::parse(&self.kind).unwrap_or(Kind::Page)
    }

    /// Whether readers can see a published version.
    pub fn is_live(&self) -> bool {
        self.current_version > 0 && self.status() != Status::Archived
    }
}

/// A published version, as readers see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Version {
    /// Its row id.
    pub id: i64,
    /// The resource.
    pub resource_id: i64,
    /// 1 for the first publication, then 2, 3 …
    pub number: i64,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body: String,
    /// Link.
    pub url: String,
    /// File.
    pub file_id: Option<i64>,
    /// License code.
    pub license: String,
    /// Visibility code.
    pub visibility: String,
    /// The reviewer who approved it.
    pub approved_by: Option<i64>,
    /// When it was published.
    pub published_at: DateTime<Utc>,
}

/// A stored file's facts.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredFile {
    /// Its id.
    pub id: i64,
    /// The generated name on disk.
    pub stored_name: String,
    /// The name it was uploaded with.
    pub original_name: String,
    /// The media type told from its content.
    pub content_type: String,
    /// Its size.
    pub size_bytes: i64,
}

/// A person named on a resource.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Person {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
}

/// One step of a resource's curation history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReviewEntry {
    /// Who.
    pub person_name: String,
    /// The action code.
    pub action: String,
    /// Their comment.
    pub comment: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

impl ReviewEntry {
    /// The action in words.
    pub fn action_label(&self) -> &'static str {
        match self.action.as_str() {
            "submit" => "Submitted for review",
            "request_changes" => "Asked for changes",
            "approve" => "Approved and published",
            "archive" => "Archived",
            "restore" => "Restored as a draft",
            "confirm" => "Reviewed: still current",
            _ => "Changed",
        }
    }
}

const RESOURCE_COLUMNS: &str = "id, kind, title, summary, body, url, file_id, audience, format, \
     license, visibility, status, current_version, first_published_at, review_due_at, views, \
     downloads, created_by, created_at, updated_at";

const VERSION_COLUMNS: &str = "id, resource_id, number, title, summary, body, url, file_id, \
     license, visibility, approved_by, published_at";

const INSERT_AUTHOR: &str = "INSERT INTO resource_authors (resource_id, person_id) \
     VALUES ($1, $2) ON CONFLICT (resource_id, person_id) DO NOTHING";

/// Creates a draft with its authors, topics and stages; returns its id.
pub async fn create(db: &Db, author_id: i64, valid: &ValidResource) -> Result<i64, sqlx::Error> {
    let at = now();
    let id = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO resources (kind, title, summary, body, url, audience, format, license, \
             visibility, status, created_by, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $11, $11) RETURNING id",
        )
        .bind(valid.kind.code())
        .bind(&valid.title)
        .bind(&valid.summary)
        .bind(&valid.body)
        .bind(&valid.url)
        .bind(valid.audience.code())
        .bind(valid.format.code())
        .bind(valid.license.code())
        .bind(valid.visibility.code())
        .bind(author_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for person_id in std::iter::once(&author_id).chain(&valid.co_author_ids) {
            sqlx::query(INSERT_AUTHOR)
                .bind(id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
        }
        for topic_id in &valid.topic_ids {
            sqlx::query("INSERT INTO resource_topics (resource_id, topic_id) VALUES ($1, $2)")
                .bind(id)
                .bind(topic_id)
                .execute(&mut *tx)
                .await?;
        }
        for stage in &valid.stages {
            sqlx::query("INSERT INTO resource_stages (resource_id, stage) VALUES ($1, $2)")
                .bind(id)
                .bind(stage.code())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(id)
    })?;
    tracing::info!(resource.id = id, "resource drafted");
    Ok(id)
}

/// Saves an edited working copy, which becomes a draft again; returns false when the
/// resource is archived or gone.
pub async fn update(db: &Db, id: i64, valid: &ValidResource) -> Result<bool, sqlx::Error> {
    let at = now();
    let changed = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE resources SET kind = $1, title = $2, summary = $3, body = $4, url = $5, \
             audience = $6, format = $7, license = $8, visibility = $9, status = 'draft', \
             updated_at = $10 WHERE id = $11 AND status <> 'archived'",
        )
        .bind(valid.kind.code())
        .bind(&valid.title)
        .bind(&valid.summary)
        .bind(&valid.body)
        .bind(&valid.url)
        .bind(valid.audience.code())
        .bind(valid.format.code())
        .bind(valid.license.code())
        .bind(valid.visibility.code())
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM resource_topics WHERE resource_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM resource_stages WHERE resource_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        // The person who created the resource stays an author; the others are as listed.
        sqlx::query(
            "DELETE FROM resource_authors WHERE resource_id = $1 AND person_id <> \
             (SELECT created_by FROM resources WHERE id = $1)",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
        for person_id in &valid.co_author_ids {
            sqlx::query(INSERT_AUTHOR)
                .bind(id)
                .bind(person_id)
                .execute(&mut *tx)
                .await?;
        }
        for topic_id in &valid.topic_ids {
            sqlx::query("INSERT INTO resource_topics (resource_id, topic_id) VALUES ($1, $2)")
                .bind(id)
                .bind(topic_id)
                .execute(&mut *tx)
                .await?;
        }
        for stage in &valid.stages {
            sqlx::query("INSERT INTO resource_stages (resource_id, stage) VALUES ($1, $2)")
                .bind(id)
                .bind(stage.code())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(true)
    })?;
    if changed {
        tracing::info!(resource.id = id, "resource edited");
    }
    Ok(changed)
}

/// A resource by id, in any status.
pub async fn find(db: &Db, id: i64) -> Result<Option<Resource>, sqlx::Error> {
    let sql = format!("SELECT {RESOURCE_COLUMNS} FROM resources WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// The authors of a resource, by name.
pub async fn authors(db: &Db, id: i64) -> Result<Vec<Person>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.name FROM resource_authors a JOIN people p ON p.id = a.person_id \
             WHERE a.resource_id = $1 ORDER BY p.name, p.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// The email addresses of a resource's co-authors (every author but its creator).
pub async fn co_author_emails(db: &Db, resource: &Resource) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.email FROM resource_authors a JOIN people p ON p.id = a.person_id \
             WHERE a.resource_id = $1 AND a.person_id <> $2 ORDER BY p.email",
        )
        .bind(resource.id)
        .bind(resource.created_by)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(email,)| email).collect())
}

/// The active curators (coordinators and admins) among these email addresses, with their
/// ids.
pub async fn curators_by_email(
    db: &Db,
    emails: &[String],
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    if emails.is_empty() {
        return Ok(Vec::new());
    }
    let placeholders: Vec<String> = (1..=emails.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT DISTINCT p.email, p.id FROM people p JOIN grants g ON g.person_id = p.id \
         WHERE p.status = 'active' AND g.role IN ('coordinator', 'admin') \
         AND p.email IN ({})",
        placeholders.join(", ")
    );
    on_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        for email in emails {
            query = query.bind(email);
        }
        query.fetch_all(pool).await
    })
}

/// The topic codes of a resource.
pub async fn topic_codes(db: &Db, id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.code FROM resource_topics rt JOIN topics t ON t.id = rt.topic_id \
             WHERE rt.resource_id = $1 ORDER BY t.name",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// The stages of a resource, in career order.
pub async fn stages(db: &Db, id: i64) -> Result<Vec<Stage>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT stage FROM resource_stages WHERE resource_id = $1")
            .bind(id)
            .fetch_all(pool)
            .await
    })?;
    let mut stages: Vec<Stage> = rows.iter().filter_map(|(s,)| Stage::parse(s)).collect();
    stages.sort();
    Ok(stages)
}

/// One published version of a resource.
pub async fn version(db: &Db, id: i64, number: i64) -> Result<Option<Version>, sqlx::Error> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM resource_versions WHERE resource_id = $1 AND number = $2"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .bind(number)
        .fetch_optional(pool)
        .await)
}

/// Every published version of a resource, newest first.
pub async fn versions(db: &Db, id: i64) -> Result<Vec<Version>, sqlx::Error> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM resource_versions WHERE resource_id = $1 \
         ORDER BY number DESC"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_all(pool)
        .await)
}

/// Moves a resource from one status to another, if it is still in the first; returns
/// whether it moved. The condition makes two curators acting at once safe.
pub async fn transition(
    db: &Db,
    id: i64,
    person_id: i64,
    from: Status,
    action: Action,
    comment: &str,
) -> Result<bool, sqlx::Error> {
    let Some(to) = model::next_status(from, action) else {
        return Ok(false);
    };
    let at = now();
    let moved = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE resources SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(to.code())
        .bind(at)
        .bind(id)
        .bind(from.code())
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(INSERT_REVIEW)
            .bind(id)
            .bind(person_id)
            .bind(action.code())
            .bind(comment)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(true)
    })?;
    if moved {
        tracing::info!(
            resource.id = id,
            status = to.code(),
            "resource status changed"
        );
    }
    Ok(moved)
}

const INSERT_REVIEW: &str = "INSERT INTO resource_reviews \
     (resource_id, person_id, action, comment, created_at) VALUES ($1, $2, $3, $4, $5)";

/// Publishes the working copy of a resource in review as its next version, approved by a
/// reviewer; returns the new version number, or `None` if it was no longer in review.
pub async fn publish(
    db: &Db,
    id: i64,
    reviewer_id: i64,
    comment: &str,
    review_after_days: u32,
) -> Result<Option<i64>, sqlx::Error> {
    let at = now();
    let due = model::review_due(at, review_after_days);
    let published = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE resources SET status = 'published', current_version = current_version + 1, \
             first_published_at = COALESCE(first_published_at, $1), review_due_at = $2, \
             updated_at = $1 WHERE id = $3 AND status = 'in_review'",
        )
        .bind(at)
        .bind(due)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        let (number,): (i64,) = sqlx::query_as(
            "INSERT INTO resource_versions (resource_id, number, title, summary, body, url, \
             file_id, license, visibility, approved_by, published_at) \
             SELECT id, current_version, title, summary, body, url, file_id, license, \
             visibility, $1, $2 FROM resources WHERE id = $3 RETURNING number",
        )
        .bind(reviewer_id)
        .bind(at)
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(INSERT_REVIEW)
            .bind(id)
            .bind(reviewer_id)
            .bind(Action::Approve.code())
            .bind(comment)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<Option<i64>, sqlx::Error>(Some(number))
    })?;
    if let Some(number) = published {
        tracing::info!(resource.id = id, version = number, "resource published");
    }
    Ok(published)
}

/// Records that a curator checked a published resource and found it current: it comes due
/// again a full review period from now.
pub async fn confirm_current(
    db: &Db,
    id: i64,
    person_id: i64,
    comment: &str,
    review_after_days: u32,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let due = model::review_due(at, review_after_days);
    let confirmed = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let done = sqlx::query(
            "UPDATE resources SET review_due_at = $1 WHERE id = $2 AND current_version > 0 \
             AND status <> 'archived'",
        )
        .bind(due)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query(INSERT_REVIEW)
            .bind(id)
            .bind(person_id)
            .bind("confirm")
            .bind(comment)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(true)
    })?;
    if confirmed {
        tracing::info!(resource.id = id, "resource confirmed current");
    }
    Ok(confirmed)
}

/// The curation history of a resource, oldest first.
pub async fn reviews(db: &Db, id: i64) -> Result<Vec<ReviewEntry>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.name AS person_name, rr.action, rr.comment, rr.created_at \
             FROM resource_reviews rr JOIN people p ON p.id = rr.person_id \
             WHERE rr.resource_id = $1 ORDER BY rr.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// Records an uploaded file and makes it the working copy's file; the working copy becomes
/// a draft again.
pub async fn attach_file(
    db: &Db,
    id: i64,
    uploader_id: i64,
    stored_name: &str,
    checked: &crate::resources::files::Checked,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let attached = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (file_id,): (i64,) = sqlx::query_as(
            "INSERT INTO resource_files (stored_name, original_name, content_type, size_bytes, \
             sha256, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(stored_name)
        .bind(&checked.original_name)
        .bind(checked.file_type.content_type())
        .bind(checked.bytes.len() as i64)
        .bind(checked.sha256())
        .bind(uploader_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        let done = sqlx::query(
            "UPDATE resources SET file_id = $1, status = 'draft', updated_at = $2 \
             WHERE id = $3 AND status <> 'archived'",
        )
        .bind(file_id)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(true)
    })?;
    if attached {
        tracing::info!(resource.id = id, "resource file uploaded");
    }
    Ok(attached)
}

/// A stored file by id.
pub async fn file(db: &Db, file_id: i64) -> Result<Option<StoredFile>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, stored_name, original_name, content_type, size_bytes \
             FROM resource_files WHERE id = $1",
        )
        .bind(file_id)
        .fetch_optional(pool)
        .await
    })
}

/// Counts one view of a resource's page.
pub async fn count_view(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE resources SET views = views + 1 WHERE id = $1").bind(id)
    )?;
    Ok(())
}

/// Counts one download of a resource's file.
pub async fn count_download(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE resources SET downloads = downloads + 1 WHERE id = $1").bind(id)
    )?;
    Ok(())
}

/// A member's rating of a resource.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Rating {
    /// Whether they found it helpful.
    pub helpful: bool,
    /// Their comment.
    pub comment: String,
    /// Their name (shown to curators only).
    pub person_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Records or replaces a member's rating of a resource.
pub async fn rate(
    db: &Db,
    id: i64,
    person_id: i64,
    helpful: bool,
    comment: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO resource_ratings (resource_id, person_id, helpful, comment, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (resource_id, person_id) \
             DO UPDATE SET helpful = $3, comment = $4, created_at = $5",
        )
        .bind(id)
        .bind(person_id)
        .bind(helpful)
        .bind(comment)
        .bind(now())
    )?;
    tracing::info!(resource.id = id, "resource rated");
    Ok(())
}

/// Every rating of a resource, newest first.
pub async fn ratings(db: &Db, id: i64) -> Result<Vec<Rating>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT rr.helpful, rr.comment, p.name AS person_name, rr.created_at \
             FROM resource_ratings rr JOIN people p ON p.id = rr.person_id \
             WHERE rr.resource_id = $1 ORDER BY rr.created_at DESC, rr.person_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// A person's own rating of a resource.
pub async fn rating_of(db: &Db, id: i64, person_id: i64) -> Result<Option<bool>, sqlx::Error> {
    let row: Option<(bool,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT helpful FROM resource_ratings WHERE resource_id = $1 AND person_id = $2",
        )
        .bind(id)
        .bind(person_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(helpful,)| helpful))
}

/// A resource on a curation list, with its counters.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Listed {
    /// Its id.
    pub id: i64,
    /// Working title.
    pub title: String,
    /// Status code.
    pub status: String,
    /// Published version number, 0 if none.
    pub current_version: i64,
    /// When it comes due for review.
    pub review_due_at: Option<DateTime<Utc>>,
    /// When its working copy last changed.
    pub updated_at: DateTime<Utc>,
    /// Page views.
    pub views: i64,
    /// Downloads.
    pub downloads: i64,
    /// Helpful ratings.
    pub helpful: i64,
    /// Not-helpful ratings.
    pub not_helpful: i64,
}

impl Listed {
    /// The status in words.
    pub fn status_label(&self) -> &'static str {
        Status::parse(&self.status).map_or("", Status::label)
    }
}

const LISTED_COLUMNS: &str = "r.id, r.title, r.status, r.current_version, r.review_due_at, \
     r.updated_at, r.views, r.downloads, \
     (SELECT COUNT(*) FROM resource_ratings x WHERE x.resource_id = r.id AND x.helpful) \
     AS helpful, \
     (SELECT COUNT(*) FROM resource_ratings x WHERE x.resource_id = r.id AND NOT x.helpful) \
     AS not_helpful";

/// Which curation list to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurationList {
    /// Submitted working copies, oldest first.
    InReview,
    /// Live resources whose review falls due before a time, soonest first.
    DueBefore(DateTime<Utc>),
    /// Working copies a person authors that are drafts.
    DraftsOf(i64),
    /// Live resources by views, most first.
    MostViewed,
}

/// One curation list, at most 100 rows.
pub async fn curation_list(db: &Db, list: CurationList) -> Result<Vec<Listed>, sqlx::Error> {
    let (condition, order) = match list {
        CurationList::InReview => ("r.status = 'in_review'", "r.updated_at, r.id"),
        CurationList::DueBefore(_) => (
            "r.current_version > 0 AND r.status <> 'archived' AND r.review_due_at <= $1",
            "r.review_due_at, r.id",
        ),
        CurationList::DraftsOf(_) => (
            "r.status = 'draft' AND EXISTS (SELECT 1 FROM resource_authors a \
             WHERE a.resource_id = r.id AND a.person_id = $1)",
            "r.updated_at DESC, r.id",
        ),
        CurationList::MostViewed => (
            "r.current_version > 0 AND r.status <> 'archived'",
            "r.views DESC, r.id",
        ),
    };
    let sql = format!(
        "SELECT {LISTED_COLUMNS} FROM resources r WHERE {condition} ORDER BY {order} LIMIT 100"
    );
    on_db!(db, |pool| {
        let query = sqlx::query_as(&sql);
        let query = match list {
            CurationList::DueBefore(at) => query.bind(at),
            CurationList::DraftsOf(person) => query.bind(person),
            _ => query,
        };
        query.fetch_all(pool).await
    })
}

/// How many resources a person authored that have been published at least once.
pub async fn published_by(db: &Db, person_id: i64) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*) FROM resource_authors a JOIN resources r ON r.id = a.resource_id \
             WHERE a.person_id = $1 AND r.current_version > 0",
        )
        .bind(person_id)
        .fetch_one(pool)
        .await
    })?;
    Ok(count)
}
