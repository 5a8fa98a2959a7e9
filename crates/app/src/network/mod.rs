//! The network: regions, the divisions that group them, their time zones, and the
//! coordinators who serve them.
//!
//! Regions and the default divisions are seeded from [`catalog`] at start-up; an admin can
//! move a region to another division. Admins appoint coordinators for terms ([`terms`]);
//! [`coverage`] says which regions are covered, thin, ending or a gap, [`map`] draws it, and
//! [`succession`] alerts admins and gathers candidates.

pub mod appointments;
pub mod catalog;
pub mod coverage;
pub mod demo;
pub mod map;
pub mod overview;
pub mod pages;
pub mod succession;
pub mod terms;

use crate::execute;
use crate::on_db;
use crate::platform::db::join_ids;
use std::sync::Arc;

use crate::platform::db::Db;
use crate::platform::state::AppState;
use crate::platform::web::routes::Routes;

/// A region: a state, DC or a territory.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Region {
    /// Its id.
    pub id: i64,
    /// The USPS code, such as `NY`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// `state`, `district` or `territory`.
    pub kind: String,
    /// The two-digit FIPS code, which ties it to its map outline.
    pub fips: String,
    /// The division it belongs to.
    pub division_id: i64,
    /// The division's name.
    pub division_name: String,
    /// Its IANA time zones, the main one first, comma-separated.
    pub time_zones: String,
}

impl Region {
    /// The main time zone.
    pub fn primary_time_zone(&self) -> String {
        self.time_zones
            .split(',')
            .next()
            .unwrap_or("America/New_York")
            .to_owned()
    }

    /// Every time zone, main first.
    pub fn zones(&self) -> Vec<&str> {
        self.time_zones.split(',').collect()
    }
}

/// A division.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Division {
    /// Its id.
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/regions", pages::list)
        .get("/regions/{code}", pages::show)
        .get("/admin/divisions", pages::divisions)
        .post("/admin/divisions", pages::save_divisions)
        .get("/network", overview::national)
        .get("/network/map", overview::map_page)
        .get("/network/apply", appointments::apply_form)
        .post("/network/apply", appointments::apply)
        .get("/admin/regions/{code}/terms", appointments::terms_page)
        .post("/admin/regions/{code}/terms", appointments::appoint)
        .post("/admin/terms/{id}/end", appointments::end_term)
        .post("/admin/applications/{id}/decline", appointments::decline)
}

/// Inserts the divisions and regions of the catalog that the database does not have yet.
pub async fn seed(db: &Db) -> Result<(), sqlx::Error> {
    for (position, division) in catalog::DIVISIONS.iter().enumerate() {
        execute!(
            db,
            sqlx::query(
                "INSERT INTO divisions (code, name, position) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(division.code)
            .bind(division.name)
            .bind(position as i64)
        )?;
    }
    for region in catalog::REGIONS {
        let kind = match region.kind {
            catalog::RegionKind::State => "state",
            catalog::RegionKind::District => "district",
            catalog::RegionKind::Territory => "territory",
        };
        execute!(
            db,
            sqlx::query(
                "INSERT INTO regions (code, name, kind, fips, division_id, time_zones) \
                 SELECT $1, $2, $3, $4, id, $5 FROM divisions WHERE code = $6 \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(region.code)
            .bind(region.name)
            .bind(kind)
            .bind(region.fips)
            .bind(region.time_zones.join(","))
            .bind(region.division)
        )?;
    }
    Ok(())
}

const REGION_SELECT: &str = "SELECT r.id, r.code, r.name, r.kind, r.fips, r.division_id, \
     d.name AS division_name, r.time_zones FROM regions r JOIN divisions d ON d.id = r.division_id";

/// Every region, by name.
pub async fn list_regions(db: &Db) -> Result<Vec<Region>, sqlx::Error> {
    let sql = format!("{REGION_SELECT} ORDER BY r.name");
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Every region, by name, from the short-lived cache.
pub async fn regions(state: &AppState) -> Result<Arc<Vec<Region>>, sqlx::Error> {
    state.regions.get_or_load(|| list_regions(&state.db)).await
}

/// One region by its code.
pub async fn find_region(db: &Db, code: &str) -> Result<Option<Region>, sqlx::Error> {
    let sql = format!("{REGION_SELECT} WHERE r.code = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(code)
        .fetch_optional(pool)
        .await)
}

/// The regions with these ids, by name.
pub async fn regions_by_id(db: &Db, ids: &[i64]) -> Result<Vec<Region>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{REGION_SELECT} WHERE r.id IN ({}) ORDER BY r.name",
        join_ids(ids)
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// Every division, in catalog order.
pub async fn list_divisions(db: &Db) -> Result<Vec<Division>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT id, code, name FROM divisions ORDER BY position, id")
            .fetch_all(pool)
            .await
    })
}

/// Moves a region to a division.
pub async fn set_division(db: &Db, region_id: i64, division_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE regions SET division_id = $1 WHERE id = $2")
            .bind(division_id)
            .bind(region_id)
    )?;
    Ok(())
}

/// The email addresses of the active coordinators of a region.
pub async fn coordinator_emails(db: &Db, region_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.email FROM people p JOIN grants g ON g.person_id = p.id \
             WHERE g.role = 'coordinator' AND g.region_id = $1 AND p.status = 'active' \
             ORDER BY p.id",
        )
        .bind(region_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(email,)| email).collect())
}

/// The coordinators' names of every region, keyed by region id.
pub async fn coordinator_names(db: &Db) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT g.region_id, p.name FROM grants g JOIN people p ON p.id = g.person_id \
             WHERE g.role = 'coordinator' AND g.region_id IS NOT NULL AND p.status = 'active' \
             ORDER BY p.name",
        )
        .fetch_all(pool)
        .await
    })
}

/// Active members per region.
pub async fn member_counts(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT region_id, COUNT(*) FROM people WHERE status = 'active' \
             AND region_id IS NOT NULL GROUP BY region_id",
        )
        .fetch_all(pool)
        .await
    })
}

/// Active members of one region, counted from the people's region index alone.
pub async fn member_count(db: &Db, region_id: i64) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT COUNT(*) FROM people WHERE region_id = $1 AND status = 'active'")
            .bind(region_id)
            .fetch_one(pool)
            .await
    })?;
    Ok(count)
}
