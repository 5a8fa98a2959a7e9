//! Mentorships from kickoff to graduation.
//!
//! When both people accept a proposal, [`cycles::proposals`](crate::cycles::proposals) starts
//! a mentorship. From there this feature carries the pair: they write and confirm an
//! agreement and set goals with milestones ([`store`], [`pages`]); either logs meetings,
//! whose private notes only the two of them can read; each pair's health comes from the quiet
//! since its last meeting against its cadence, and a fit answer ([`rules`]); a daily round
//! reminds late pairs, raises stalled ones to their liaison and asks the fit question
//! ([`reminders`]); at the end both reflect and rate goal attainment, the mentor gets a letter
//! of service and the mentee an invitation to mentor. Home pages show the next steps
//! ([`home`]); coordinators and admins see the [`dashboard`].

pub mod dashboard;
pub mod demo;
pub mod home;
pub mod notices;
pub mod pages;
pub mod reminders;
pub mod rules;
pub mod store;

use std::time::Duration;

use crate::platform::jobs::Task;
use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/mentorships/{id}", pages::show)
        .get("/mentorships/{id}/agreement", pages::agreement)
        .post("/mentorships/{id}/agreement", pages::save_agreement)
        .post(
            "/mentorships/{id}/agreement/confirm",
            pages::confirm_agreement,
        )
        .post("/mentorships/{id}/goals", pages::add_goal)
        .post("/mentorships/{id}/goals/{goal}", pages::update_goal)
        .get("/mentorships/{id}/meetings/new", pages::new_meeting)
        .post("/mentorships/{id}/meetings", pages::log_meeting)
        .post("/mentorships/{id}/fit", pages::answer_fit)
        .get("/mentorships/{id}/ending", pages::ending)
        .post("/mentorships/{id}/extend", pages::extend)
        .post("/mentorships/{id}/end", pages::end_early)
        .post("/mentorships/{id}/repair", pages::repair)
        .post("/mentorships/{id}/reflection", pages::reflect)
        .get("/mentorships/{id}/letter", pages::letter)
        .get("/cycles/{id}/dashboard", dashboard::cycle_page)
        .get("/cycles/{id}/dashboard.csv", dashboard::cycle_csv)
        .get("/dashboard/national", dashboard::national_page)
        .get("/dashboard/national.csv", dashboard::national_csv)
}

/// The periodic tasks of this feature: the daily round, looked for every hour so a restart
/// does not skip a day; it runs once per day across instances.
pub fn scheduled_tasks() -> Vec<Task> {
    vec![Task {
        name: "mentorships: daily round",
        every: Duration::from_secs(3600),
        run: |state| {
            Box::pin(async move {
                let base_url = state.config.base_url.clone();
                let today = crate::platform::db::now().date_naive();
                reminders::daily(&state.db, &base_url, today).await?;
                Ok(())
            })
        },
    }]
}
