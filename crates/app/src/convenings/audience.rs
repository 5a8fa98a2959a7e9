//! Who a convening is for.
//!
//! An audience is stored as a kind and, for kinds that need one, an id: `("network", NULL)`,
//! `("region", 12)`, `("cohort", 3)` or `("circle", 7)`.

use crate::on_db;
use crate::platform::db::Db;

/// The people a convening is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// The whole coordinator network: every coordinator, guide and admin.
    Network,
    /// The members of one region (by their profile) and the region's coordinators.
    Region(i64),
    /// The members of one cohort and its lead.
    Cohort(i64),
    /// The members of one mentor circle and its guide.
    Circle(i64),
}

impl Audience {
    /// The stored kind.
    pub fn kind(self) -> &'static str {
        match self {
            Audience::Network => "network",
            Audience::Region(_) => "region",
            Audience::Cohort(_) => "cohort",
            Audience::Circle(_) => "circle",
        }
    }

    /// The stored id, for kinds that have one.
    pub fn id(self) -> Option<i64> {
        match self {
            Audience::Network => None,
            Audience::Region(id) | Audience::Cohort(id) | Audience::Circle(id) => Some(id),
        }
    }

    /// Reads a stored kind and id; an unknown kind, or a kind missing its id, is `None`.
    pub fn from_parts(kind: &str, id: Option<i64>) -> Option<Audience> {
        match (kind, id) {
            ("network", _) => Some(Audience::Network),
            ("region", Some(id)) => Some(Audience::Region(id)),
            ("cohort", Some(id)) => Some(Audience::Cohort(id)),
            ("circle", Some(id)) => Some(Audience::Circle(id)),
            _ => None,
        }
    }

    /// The value a form sends for this audience: `network`, `region-12`, `cohort-3`.
    pub fn form_value(self) -> String {
        match self.id() {
            None => self.kind().to_owned(),
            Some(id) => format!("{}-{id}", self.kind()),
        }
    }

    /// Reads a form value written by [`form_value`](Self::form_value).
    pub fn parse_form_value(value: &str) -> Option<Audience> {
        if value == "network" {
            return Some(Audience::Network);
        }
        let (kind, id) = value.split_once('-')?;
        Audience::from_parts(kind, Some(id.parse().ok()?)).filter(|a| *a != Audience::Network)
    }
}

/// The cohorts and circles a person belongs to, which their grants do not say. Access rules
/// read it beside the viewer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Groups {
    /// Cohorts they are enrolled in (graduated or not).
    pub cohorts: Vec<i64>,
    /// Cohorts they lead.
    pub cohorts_led: Vec<i64>,
    /// Circles they are a member of (accepted, not merely asking).
    pub circles: Vec<i64>,
    /// Circles they guide.
    pub circles_guided: Vec<i64>,
}

/// The cohorts and circles of one person, in one query.
pub async fn groups_of(db: &Db, person_id: i64) -> Result<Groups, sqlx::Error> {
    let rows: Vec<(String, i64)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT 'cohort', cohort_id FROM cohort_members WHERE person_id = $1 \
             UNION ALL SELECT 'lead', id FROM cohorts WHERE lead_id = $1 \
             UNION ALL SELECT 'circle', circle_id FROM circle_members \
             WHERE person_id = $1 AND status = 'member' \
             UNION ALL SELECT 'guide', id FROM circles WHERE guide_id = $1",
        )
        .bind(person_id)
        .fetch_all(pool)
        .await
    })?;
    let mut groups = Groups::default();
    for (kind, id) in rows {
        let list = match kind.as_str() {
            "cohort" => &mut groups.cohorts,
            "lead" => &mut groups.cohorts_led,
            "circle" => &mut groups.circles,
            _ => &mut groups.circles_guided,
        };
        list.push(id);
    }
    Ok(groups)
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

const COHORT_MEMBERS: &str = "SELECT p.id, p.name, p.email, p.time_zone FROM people p \
     WHERE p.status = 'active' AND (EXISTS (SELECT 1 FROM cohort_members m \
     WHERE m.person_id = p.id AND m.cohort_id = $1) \
     OR p.id IN (SELECT lead_id FROM cohorts WHERE id = $1))";

const CIRCLE_MEMBERS: &str = "SELECT p.id, p.name, p.email, p.time_zone FROM people p \
     WHERE p.status = 'active' AND (EXISTS (SELECT 1 FROM circle_members m \
     WHERE m.person_id = p.id AND m.circle_id = $1 AND m.status = 'member') \
     OR p.id IN (SELECT guide_id FROM circles WHERE id = $1))";

/// The query of an audience's members, and the id it binds as `$1` when it has one.
fn members_query(audience: Audience) -> (&'static str, Option<i64>) {
    match audience {
        Audience::Network => (NETWORK_MEMBERS, None),
        Audience::Region(id) => (REGION_MEMBERS, Some(id)),
        Audience::Cohort(id) => (COHORT_MEMBERS, Some(id)),
        Audience::Circle(id) => (CIRCLE_MEMBERS, Some(id)),
    }
}

/// Every active member of an audience, by name.
pub async fn members(db: &Db, audience: Audience) -> Result<Vec<Member>, sqlx::Error> {
    let (base, id) = members_query(audience);
    let sql = format!("{base} ORDER BY p.name, p.id");
    on_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        if let Some(id) = id {
            query = query.bind(id);
        }
        query.fetch_all(pool).await
    })
}

/// The active member of an audience with this email address, if there is one.
pub async fn member_by_email(
    db: &Db,
    audience: Audience,
    email: &str,
) -> Result<Option<Member>, sqlx::Error> {
    let (base, id) = members_query(audience);
    let placeholder = if id.is_some() { "$2" } else { "$1" };
    let sql = format!("{base} AND p.email = {placeholder}");
    on_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        if let Some(id) = id {
            query = query.bind(id);
        }
        query.bind(email).fetch_optional(pool).await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_read_back_from_their_stored_and_form_values() {
        let every = [
            Audience::Network,
            Audience::Region(12),
            Audience::Cohort(3),
            Audience::Circle(7),
        ];
        for audience in every {
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
        assert_eq!(Audience::from_parts("cohort", None), None);
        assert_eq!(Audience::from_parts("guild", Some(3)), None);
        assert_eq!(Audience::parse_form_value("region-x"), None);
        assert_eq!(Audience::parse_form_value("network-4"), None);
        assert_eq!(Audience::parse_form_value(""), None);
    }
}
