//! Who a convening is for.
//!
//! An audience is stored as a kind and, for kinds that need one, an id: `("network", NULL)`
//! or `("region", 12)`. Cohorts and circles are being built elsewhere; they will join as new
//! kinds (`"cohort"`, `"circle"`) with their own ids, without changing the table.

use crate::on_db;
use crate::platform::db::Db;

/// The people a convening is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The whole coordinator network: every coordinator, guide and admin.
    Network,
    /// The members of one region (by their profile) and the region's coordinators.
    Region(i64),
}

impl Audience {
    /// The stored kind.
    pub fn kind(self) -> &'static str {
        match self {
            Audience::Network => "network",
            Audience::Region(_) => "region",
        }
    }

    /// The stored id, for kinds that have one.
    pub fn id(self) -> Option<i64> {
        match self {
            Audience::Network => None,
            Audience::Region(id) => Some(id),
        }
    }

    /// Reads a stored kind and id; an unknown kind, or a region without an id, is `None`.
    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Audience> {
        match (kind, id) {
            ("network", _) => Some(Audience::Network),
            ("region", Some(id)) => Some(Audience::Region(id)),
            _ => None,
        }
    }

    /// The value a form sends for this audience: `network` or `region-12`.
    pub fn form_value(self) -> String {
        match self {
            Audience::Network => "network".to_owned(),
            Audience::Region(id) => format!("region-{id}"),
        }
    }

    /// Reads a form value written by [`form_value`](Self::form_value).
    pub fn parse_form_value(value: &str) -> Option<Audience> {
        if value == "network" {
            return Some(Audience::Network);
        }
        let id = value.strip_prefix("region-")?.parse().ok()?;
        Some(Audience::Region(id))
    }
}

/// A member of an audience, as invitations and reminders need them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    /// The person's id.
    pub id: i64,
    /// Their display name.
    pub name: String,
    /// Their email address.
    pub email: String,
    /// Their profile's IANA time zone, in which their emails give times.
    pub time_zone: String,
}

const NETWORK_MEMBERS: &str = "SELECT p.id, p.name, p.email, p.time_zone FROM people p \
     WHERE p.status = 'active' AND EXISTS (SELECT 1 FROM grants g WHERE g.person_id = p.id \
     AND g.role IN ('coordinator', 'guide', 'admin'))";

const REGION_MEMBERS: &str = "SELECT p.id, p.name, p.email, p.time_zone FROM people p \
     WHERE p.status = 'active' AND (p.region_id = $1 OR EXISTS (SELECT 1 FROM grants g \
     WHERE g.person_id = p.id AND g.role = 'coordinator' AND g.region_id = $1))";

/// Every active member of an audience, by name.
pub async fn members(db: &Db, audience: Audience) -> Result<Vec<Member>, sqlx::Error> {
    match audience {
        Audience::Network => {
            let sql = format!("{NETWORK_MEMBERS} ORDER BY p.name, p.id");
            on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
        }
        Audience::Region(region_id) => {
            let sql = format!("{REGION_MEMBERS} ORDER BY p.name, p.id");
            on_db!(db, |pool| sqlx::query_as(&sql)
                .bind(region_id)
                .fetch_all(pool)
                .await)
        }
    }
}

/// The active member of an audience with this email address, if there is one.
pub async fn member_by_email(
    db: &Db,
    audience: Audience,
    email: &str,
) -> Result<Option<Member>, sqlx::Error> {
    match audience {
        Audience::Network => {
            let sql = format!("{NETWORK_MEMBERS} AND p.email = $1");
            on_db!(db, |pool| sqlx::query_as(&sql)
                .bind(email)
                .fetch_optional(pool)
                .await)
        }
        Audience::Region(region_id) => {
            let sql = format!("{REGION_MEMBERS} AND p.email = $2");
            on_db!(db, |pool| sqlx::query_as(&sql)
                .bind(region_id)
                .bind(email)
                .fetch_optional(pool)
                .await)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_read_back_from_their_stored_and_form_values() {
        for audience in [Audience::Network, Audience::Region(12)] {
            assert_eq!(
                Audience::from_parts(audience.kind(), audience.id()),
                Some(audience)
            );
            assert_eq!(
                Audience::parse_form_value(&audience.form_value()),
                Some(audience)
            );
        }
        assert_eq!(Audience::from_parts("region", None), None);
        assert_eq!(Audience::from_parts("cohort", Some(3)), None);
        assert_eq!(Audience::parse_form_value("region-x"), None);
        assert_eq!(Audience::parse_form_value(""), None);
    }
}
