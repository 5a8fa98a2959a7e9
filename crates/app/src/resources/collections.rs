//! Collections: curated, ordered lists of resources, such as a starter kit for new
//! coordinators. Curators keep them; everyone sees the resources of a collection they may
//! read.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::Form;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::platform::auth::policy;
use crate::platform::auth::viewer::{MaybeViewer, Viewer};
use crate::platform::db::{now, Db};
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::platform::web::flash::{redirect_with, Flash};
use crate::platform::web::forms::{self, FieldErrors};
use crate::platform::web::pages::{render, render_invalid, Page};
use crate::resources::model::Format;
use crate::resources::noindex;
use crate::{execute, on_db};

/// A collection in a list.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CollectionSummary {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// What it is for.
    pub summary: String,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// A resource in a collection, as the reader may see it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Item {
    /// Resource id.
    pub resource_id: i64,
    /// Its place, from 1.
    pub position: i64,
    /// Title of the published version (or the working title for curators).
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Format code.
    pub format: String,
    /// Whether readers can see it now.
    pub live: bool,
}

impl Item {
    /// The format in words.
    pub fn format_label(&self) -> &'static str {
        Format::parse(&self.format).map_or("", Format::label)
    }
}

/// Every collection, by title.
pub async fn list_all(db: &Db) -> Result<Vec<CollectionSummary>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, title, summary, updated_at FROM resource_collections \
             ORDER BY title, id LIMIT 500",
        )
        .fetch_all(pool)
        .await
    })
}

/// One collection.
pub async fn find(db: &Db, id: i64) -> Result<Option<CollectionSummary>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, title, summary, updated_at FROM resource_collections WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// Creates a collection and returns its id.
pub async fn create_collection(
    db: &Db,
    person_id: i64,
    title: &str,
    summary: &str,
) -> Result<i64, sqlx::Error> {
    let at = now();
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO resource_collections (title, summary, created_by, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(title)
        .bind(summary)
        .bind(person_id)
        .bind(at)
        .fetch_one(pool)
        .await
    })?;
    tracing::info!(collection.id = id, "collection created");
    Ok(id)
}

/// The items of a collection in order. Readers get the live resources they may read, with
/// their published titles; curators get every item, with working titles for the rest.
pub async fn items(
    db: &Db,
    id: i64,
    members: bool,
    curator: bool,
) -> Result<Vec<Item>, sqlx::Error> {
    let visible = match (curator, members) {
        (true, _) => "",
        (false, true) => "AND r.current_version > 0 AND r.status <> 'archived'",
        (false, false) => {
            "AND r.current_version > 0 AND r.status <> 'archived' AND v.visibility = 'public'"
        }
    };
    let sql = format!(
        "SELECT i.resource_id, i.position, COALESCE(v.title, r.title) AS title, \
         COALESCE(v.summary, r.summary) AS summary, r.format, \
         (r.current_version > 0 AND r.status <> 'archived') AS live \
         FROM resource_collection_items i JOIN resources r ON r.id = i.resource_id \
         LEFT JOIN resource_versions v ON v.resource_id = r.id AND v.number = r.current_version \
         WHERE i.collection_id = $1 {visible} ORDER BY i.position, i.resource_id"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_all(pool)
        .await)
}

/// Adds a resource at the end of a collection; adding it twice changes nothing.
pub async fn add_item(db: &Db, id: i64, resource_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO resource_collection_items (collection_id, resource_id, position) \
             SELECT $1, $2, COALESCE(MAX(position), 0) + 1 FROM resource_collection_items \
             WHERE collection_id = $1 ON CONFLICT (collection_id, resource_id) DO NOTHING",
        )
        .bind(id)
        .bind(resource_id)
    )?;
    touch(db, id).await
}

/// Removes a resource from a collection.
pub async fn remove_item(db: &Db, id: i64, resource_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "DELETE FROM resource_collection_items WHERE collection_id = $1 AND resource_id = $2",
        )
        .bind(id)
        .bind(resource_id)
    )?;
    touch(db, id).await
}

/// Swaps a resource with its neighbour before (`up`) or after it.
pub async fn move_item(db: &Db, id: i64, resource_id: i64, up: bool) -> Result<(), sqlx::Error> {
    let order: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT resource_id, position FROM resource_collection_items \
             WHERE collection_id = $1 ORDER BY position, resource_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    let new_order = moved(
        &order.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        resource_id,
        up,
    );

    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for (index, resource) in new_order.iter().enumerate() {
            sqlx::query(
                "UPDATE resource_collection_items SET position = $1 \
                 WHERE collection_id = $2 AND resource_id = $3",
            )
            .bind(index as i64 + 1)
            .bind(id)
            .bind(resource)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    })?;
    touch(db, id).await
}

/// The order after moving one resource a place up or down; unchanged at the ends or when
/// the resource is not in the list.
pub fn moved(order: &[i64], resource_id: i64, up: bool) -> Vec<i64> {
    let mut order = order.to_vec();
    if let Some(at) = order.iter().position(|r| *r == resource_id) {
        let other = if up { at.checked_sub(1) } else { Some(at + 1) };
        if let Some(other) = other.filter(|o| *o < order.len()) {
            order.swap(at, other);
        }
    }
    order
}

async fn touch(db: &Db, id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE resource_collections SET updated_at = $1 WHERE id = $2")
            .bind(now())
            .bind(id)
    )?;
    Ok(())
}

// Pages ---------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "resources/collections.html")]
struct ListPage {
    page: Page,
    collections: Vec<CollectionSummary>,
    curator: bool,
}

/// Every collection.
pub async fn list(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
) -> AppResult<Response> {
    let curator = viewer.as_ref().is_some_and(policy::may_curate_resources);
    let collections = list_all(&state.db).await?;
    let response = render(&ListPage {
        page,
        collections,
        curator,
    })?;
    Ok(if viewer.is_some() {
        noindex(response)
    } else {
        response
    })
}

#[derive(Template)]
#[template(path = "resources/collection.html")]
struct ShowPage {
    page: Page,
    collection: CollectionSummary,
    items: Vec<Item>,
    curator: bool,
}

/// A collection's resources in order; curators also get the controls to reorder them.
pub async fn show(
    State(state): State<AppState>,
    page: Page,
    MaybeViewer(viewer): MaybeViewer,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let collection = find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let curator = viewer.as_ref().is_some_and(policy::may_curate_resources);
    let items = items(&state.db, id, viewer.is_some(), curator).await?;
    let response = render(&ShowPage {
        page,
        collection,
        items,
        curator,
    })?;
    Ok(if viewer.is_some() {
        noindex(response)
    } else {
        response
    })
}

#[derive(Template)]
#[template(path = "resources/collection_form.html")]
struct FormPage {
    page: Page,
    title: String,
    summary: String,
    errors: FieldErrors,
}

/// The form of a new collection.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CollectionForm {
    title: String,
    summary: String,
}

/// The form for a new collection, for curators.
pub async fn new_form(page: Page, viewer: Viewer) -> AppResult<Response> {
    if !policy::may_curate_resources(&viewer) {
        return Err(AppError::Forbidden);
    }
    render(&FormPage {
        page,
        title: String::new(),
        summary: String::new(),
        errors: FieldErrors::new(),
    })
}

/// Creates a collection, or shows the form again with its problems.
pub async fn create(
    State(state): State<AppState>,
    page: Page,
    viewer: Viewer,
    Form(form): Form<CollectionForm>,
) -> AppResult<Response> {
    if !policy::may_curate_resources(&viewer) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::new();
    let title = forms::text(&mut errors, "title", &form.title, true, 200);
    let summary = forms::text(&mut errors, "summary", &form.summary, false, 1000);
    if !errors.is_empty() {
        tracing::debug!("collection refused");
        return render_invalid(&FormPage {
            page,
            title: form.title,
            summary: form.summary,
            errors,
        });
    }

    let id = create_collection(&state.db, viewer.person_id, &title, &summary).await?;
    Ok(redirect_with(
        &format!("/resources/collections/{id}"),
        Flash::Saved,
    ))
}

/// A change to a collection's items.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemChange {
    /// `add`, `remove`, `up` or `down`.
    action: String,
    /// The resource.
    resource: String,
}

/// Adds, removes or moves a resource in a collection.
pub async fn change_items(
    State(state): State<AppState>,
    viewer: Viewer,
    Path(id): Path<i64>,
    Form(change): Form<ItemChange>,
) -> AppResult<Response> {
    if !policy::may_curate_resources(&viewer) {
        return Err(AppError::Forbidden);
    }
    find(&state.db, id).await?.ok_or(AppError::NotFound)?;
    let resource_id: i64 = change
        .resource
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("choose a resource"))?;
    crate::resources::store::find(&state.db, resource_id)
        .await?
        .ok_or(AppError::BadRequest("no such resource"))?;

    match change.action.as_str() {
        "add" => add_item(&state.db, id, resource_id).await?,
        "remove" => remove_item(&state.db, id, resource_id).await?,
        "up" | "down" => move_item(&state.db, id, resource_id, change.action == "up").await?,
        _ => return Err(AppError::BadRequest("unknown change to a collection")),
    }
    tracing::info!(collection.id = id, action = %change.action, "collection changed");
    Ok(redirect_with(
        &format!("/resources/collections/{id}"),
        Flash::Saved,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_swaps_with_the_neighbour_and_stops_at_the_ends() {
        assert_eq!(moved(&[1, 2, 3], 2, true), [2, 1, 3]);
        assert_eq!(moved(&[1, 2, 3], 2, false), [1, 3, 2]);
        assert_eq!(moved(&[1, 2, 3], 1, true), [1, 2, 3]);
        assert_eq!(moved(&[1, 2, 3], 3, false), [1, 2, 3]);
        assert_eq!(moved(&[1, 2, 3], 9, true), [1, 2, 3]);
    }
}
