//! Convenings: online meetings of the coordinator network, a region, a cohort or a circle,
//! with invitations, RSVPs, attendance, minutes, action items and private calendar feeds.
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

use crate::cohorts;
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

/// The names of regions, cohorts and circles, loaded once per page, to name audiences in
/// words.
pub struct AudienceNames {
    regions: Vec<(i64, String)>,
    cohorts: Vec<(i64, String)>,
    circles: Vec<(i64, String)>,
}

fn name_in(names: &[(i64, String)], id: i64) -> Option<&str> {
    names
        .iter()
        .find(|(n, _)| *n == id)
        .map(|(_, name)| name.as_str())
}

impl AudienceNames {
    /// Loads the names.
    pub async fn load(db: &Db) -> Result<Self, sqlx::Error> {
        let regions = network::list_regions(db)
            .await?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let cohorts = cohorts::cohorts(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        let circles = cohorts::all_circles(db)
            .await?
            .into_iter()
            .map(|c| (c.id, c.name))
            .collect();
        Ok(AudienceNames {
            regions,
            cohorts,
            circles,
        })
    }

    /// The region's name.
    pub fn region(&self, id: i64) -> &str {
        name_in(&self.regions, id).unwrap_or("an unknown region")
    }

    /// Every audience there is: the network, then each region, cohort and circle.
    pub fn every(&self) -> Vec<Audience> {
        let regions = self.regions.iter().map(|(id, _)| Audience::Region(*id));
        let cohorts = self.cohorts.iter().map(|(id, _)| Audience::Cohort(*id));
        let circles = self.circles.iter().map(|(id, _)| Audience::Circle(*id));
        std::iter::once(Audience::Network)
            .chain(regions)
            .chain(cohorts)
            .chain(circles)
            .collect()
    }

    /// An audience in words: "the coordinator network", "members of New York", "the
    /// Spring 2027 cohort".
    pub fn label(&self, audience: Option<Audience>) -> String {
        match audience {
            Some(Audience::Network) => "the coordinator network".to_owned(),
            Some(Audience::Region(id)) => format!("members of {}", self.region(id)),
            Some(Audience::Cohort(id)) => format!(
                "the cohort {}",
                name_in(&self.cohorts, id).unwrap_or("(removed)")
            ),
            Some(Audience::Circle(id)) => format!(
                "the circle {}",
                name_in(&self.circles, id).unwrap_or("(removed)")
            ),
            None => "an audience this version of Carrel does not know".to_owned(),
        }
    }
}
