//! Cohorts and circles: coordinators train together in cohorts, graduate into guides, and
//! guides lead mentor circles.
//!
//! A cohort has a curriculum of [`store::Module`]s and collaboration requirements; each
//! member's readiness is computed by [`readiness::assess`] from the records themselves
//! ([`store::earned`]): convenings of the network and the cohort attended while enrolled,
//! resources published in the library, convenings hosted or co-hosted. Credit for work
//! outside Carrel may be given by hand, with its reason. A graduate gets a certificate and
//! the `guide` grant, and may start [`circles`].

pub mod circle_pages;
pub mod circles;
pub mod demo;
pub mod pages;
pub mod readiness;
pub mod store;

use std::collections::HashMap;

use crate::on_db;
use crate::platform::db::join_ids;
use crate::platform::db::Db;
use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/cohorts", pages::list)
        .get("/admin/cohorts/new", pages::new_form)
        .post("/admin/cohorts", pages::create)
        .get("/cohorts/{id}", pages::show)
        .post("/cohorts/{id}/requirements", pages::save_requirements)
        .post("/cohorts/{id}/members", pages::enroll)
        .post("/cohorts/{id}/modules", pages::add_module)
        .post("/cohorts/{id}/modules/{module}/done", pages::mark_module)
        .post("/cohorts/{id}/records", pages::add_record)
        .post("/cohorts/{id}/members/{person}/graduate", pages::graduate)
        .get("/cohorts/{id}/certificates/{person}", pages::certificate)
        .get("/circles", circle_pages::list)
        .get("/circles/new", circle_pages::new_form)
        .post("/circles", circle_pages::create)
        .get("/circles/{id}", circle_pages::show)
        .post("/circles/{id}/join", circle_pages::join)
        .post(
            "/circles/{id}/requests/{person}/accept",
            circle_pages::accept,
        )
        .post("/circles/{id}/gatherings", circle_pages::add_gathering)
        .post("/circles/{id}/notes", circle_pages::add_note)
}

/// The cohort each of these people graduated from (the latest, if several), by person id.
pub async fn graduations_of(
    db: &Db,
    person_ids: &[i64],
) -> Result<HashMap<i64, String>, sqlx::Error> {
    if person_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT m.person_id, c.name FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id \
         WHERE m.graduated_at IS NOT NULL AND m.person_id IN ({}) ORDER BY m.graduated_at",
        join_ids(person_ids)
    );
    let rows: Vec<(i64, String)> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().collect())
}

/// Which of these people hold the guide role.
pub async fn guides_among(db: &Db, person_ids: &[i64]) -> Result<Vec<i64>, sqlx::Error> {
    if person_ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT person_id FROM grants WHERE role = 'guide' AND person_id IN ({})",
        join_ids(person_ids)
    );
    let rows: Vec<(i64,)> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Every active guide, by name, as (id, name).
pub async fn guides(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.name FROM people p JOIN grants g ON g.person_id = p.id \
             WHERE g.role = 'guide' AND p.status = 'active' ORDER BY p.name, p.id",
        )
        .fetch_all(pool)
        .await
    })
}

/// Every cohort, newest first: for the national network page.
pub async fn cohorts(db: &Db) -> Result<Vec<store::Cohort>, sqlx::Error> {
    store::list(db).await
}

/// Every circle: for the national network page.
pub async fn all_circles(db: &Db) -> Result<Vec<circles::Circle>, sqlx::Error> {
    circles::list(db).await
}
