//! The resource library: coordinators develop, curate and disseminate mentorship resources.
//!
//! A resource is a Markdown page, a link or an uploaded file, tagged by topic, career stage,
//! audience and format. Its authors draft it; another curator reviews it; approval publishes
//! it as a version, and the earlier versions stay viewable with their differences. Members
//! find resources by full-text search with facets, follow them by Atom feed and receive a
//! monthly digest of what fits them.
//!
//! - [`model`]: the words and the curation rules, without I/O;
//! - [`form`]: the resource form and its checks;
//! - [`files`]: accepted uploads, told by content, stored under generated names;
//! - [`store`]: the queries; [`search`]: full-text search on each engine;
//! - [`diff`]: line differences between versions;
//! - [`pages`], [`curation`], [`collections`], [`feed`], [`digest`]: the pages and tasks;
//! - [`demo`]: the demo library and the search benchmark's data.

pub mod collections;
pub mod curation;
pub mod demo;
pub mod diff;
pub mod digest;
pub mod feed;
pub mod files;
pub mod form;
pub mod model;
pub mod pages;
pub mod search;
pub mod store;

use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;

use crate::platform::db::Db;
use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/resources", pages::library)
        .get("/resources/new", pages::new_form)
        .post("/resources/new", pages::create)
        .get("/resources/curation", curation::queue)
        .get("/resources/digest", digest::settings)
        .post("/resources/digest", digest::save_settings)
        .get("/resources/feed.atom", feed::library_feed)
        .get("/resources/topics/{code}/feed.atom", feed::topic_feed)
        .get("/resources/collections", collections::list)
        .get("/resources/collections/new", collections::new_form)
        .post("/resources/collections/new", collections::create)
        .get("/resources/collections/{id}", collections::show)
        .post(
            "/resources/collections/{id}/items",
            collections::change_items,
        )
        .get("/resources/{id}", pages::show)
        .get("/resources/{id}/edit", pages::edit_form)
        .post("/resources/{id}/edit", pages::save)
        .post_with_body_limit(
            "/resources/{id}/file",
            pages::upload,
            files::UPLOAD_BODY_LIMIT,
        )
        .get("/resources/{id}/download", pages::download)
        .get("/resources/{id}/versions", pages::versions)
        .post("/resources/{id}/submit", curation::submit)
        .post("/resources/{id}/review", curation::review)
        .post("/resources/{id}/archive", curation::archive)
        .post("/resources/{id}/restore", curation::restore)
        .post("/resources/{id}/confirm", curation::confirm)
        .post("/resources/{id}/rating", curation::rate)
}

/// How many resources a person authored that have been published at least once.
///
/// For cohort readiness ("publish a resource"). A resource counts once it has a published
/// version, whoever else co-authored it; archiving it later does not take the count back,
/// since the person did publish it. Drafts and resources still in review do not count.
pub async fn published_by(db: &Db, person_id: i64) -> Result<i64, sqlx::Error> {
    store::published_by(db, person_id).await
}

/// Marks a response as one search engines must not index: members' pages and anything
/// that is not public.
pub fn noindex(mut response: Response) -> Response {
    response.headers_mut().insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex, nofollow"),
    );
    response
}
