//! Convenings: online meetings of the coordinator network or a region, with invitations,
//! RSVPs, attendance, minutes, action items and private calendar feeds.
//!
//! The rooms of this feature: [`audience`] (who a convening is for), [`schedule`] (times,
//! repeats, time zones), [`video`] (meeting links), [`ical`] (the iCalendar writer),
//! [`store`] (queries), [`notices`] (emails and the reminder task), [`feeds`] (calendar
//! feeds), and the pages in [`pages`], [`plan`] and [`record`]. Access rules live in
//! [`crate::platform::auth::policy`], under "Convenings".

pub mod audience;
pub mod demo;
pub mod emails;
pub mod feeds;
pub mod ical;
pub mod notices;
pub mod pages;
pub mod plan;
pub mod record;
pub mod schedule;
pub mod store;
pub mod video;

use crate::convenings::audience::Audience;
use crate::network;
use crate::platform::db::Db;
use crate::platform::jobs::Task;
use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/convenings", pages::list)
        .get("/convenings/month", pages::month)
        .get("/convenings/new", plan::new)
        .post("/convenings/new", plan::create)
        .get("/convenings/{id}", pages::show)
        .get("/convenings/{id}/invite.ics", feeds::invitation)
        .get("/convenings/{id}/edit", plan::edit)
        .post("/convenings/{id}/edit", plan::update)
        .post("/convenings/{id}/cancel", plan::cancel)
        .post("/convenings/{id}/rsvp", record::rsvp)
        .post("/convenings/{id}/attendance", record::attendance)
        .post("/convenings/{id}/minutes", record::minutes)
        .post("/convenings/{id}/actions", record::add_action_item)
        .post(
            "/convenings/{id}/actions/{item}/status",
            record::action_item_status,
        )
        .get("/calendar", feeds::show)
        .post("/calendar/feed", feeds::create)
        .post("/calendar/feed/revoke", feeds::revoke)
        .get("/calendar/{file}", feeds::feed)
}

/// The periodic tasks of this feature: the reminder a day before each meeting.
pub fn scheduled_tasks() -> Vec<Task> {
    vec![notices::reminder_task()]
}

/// How many convenings a person attended, as recorded by their hosts.
///
/// Counts meetings of every audience where the host marked the person present, once per
/// meeting; cancelled meetings do not count, even if attendance had been taken. A person
/// with no record, or no account, has 0. This is the figure cohort readiness reads.
pub async fn attendance_count(db: &Db, person_id: i64) -> Result<i64, sqlx::Error> {
    store::attendance_count(db, person_id).await
}

/// Region names, loaded once per page, to name audiences in words.
pub struct AudienceNames {
    regions: Vec<(i64, String)>,
}

impl AudienceNames {
    /// Loads the region names.
    pub async fn load(db: &Db) -> Result<Self, sqlx::Error> {
        let regions = network::list_regions(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        Ok(AudienceNames { regions })
    }

    /// The region's name.
    pub fn region(&self, id: i64) -> &str {
        self.regions
            .iter()
            .find(|(r, _)| *r == id)
            .map_or("an unknown region", |(_, name)| name.as_str())
    }

    /// An audience in words: "the coordinator network", "New York".
    pub fn label(&self, audience: Option<Audience>) -> String {
        match audience {
            Some(Audience::Network) => "the coordinator network".to_owned(),
            Some(Audience::Region(id)) => format!("members of {}", self.region(id)),
            None => "an audience this version of Carrel does not know".to_owned(),
        }
    }
}
