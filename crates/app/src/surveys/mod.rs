//! Surveys: check-ins and evaluations of a cycle's mentorships.
//!
//! A coordinator (for their region's cycles) or an admin sends a survey from a built-in
//! template ([`builtin`]) to an audience; the schedule ([`schedule`]) also opens the
//! midpoint and end surveys of running cycles and reminds those who have not answered. Each
//! person asked answers once ([`question`] checks every answer); answers cannot be changed
//! afterwards. Results ([`results`]) show in aggregate only, for groups of at least five
//! people; no one sees who gave which answer except an admin who opens one named response
//! on purpose, with a reason that is logged.
//!
//! Other features reach surveys through [`due_for`] (what a person must answer, for home
//! pages), [`cycle_response_summary`] (response rates per kind), [`dashboard`] (the charts of
//! the mentorship dashboards) and [`store::latest_check_ins`] (what mentorship health reads).

pub mod builtin;
pub mod dashboard;
pub mod demo;
pub mod question;
pub mod results;
pub mod schedule;
pub mod store;

mod pages;

use std::time::Duration;

use crate::platform::jobs::Task;
use crate::platform::web::routes::Routes;

pub use store::{cycle_response_summary, due_for, DueSurvey, ResponseRate};

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/surveys", pages::mine)
        .get("/cycles/{id}/surveys", pages::of_cycle)
        .post("/cycles/{id}/surveys", pages::send)
        .get("/surveys/{id}", pages::show)
        .post("/surveys/{id}", pages::answer)
        .post("/surveys/{id}/close", pages::close)
        .get("/surveys/{id}/results", pages::results)
        .get("/surveys/{id}/results.csv", pages::export)
        .get("/surveys/{id}/named", pages::named_form)
        .post("/surveys/{id}/named", pages::open_named)
        .get("/admin/survey-access", pages::access_log)
}

/// The periodic task of this feature: open scheduled surveys and send reminders, hourly.
pub fn scheduled_tasks() -> Vec<Task> {
    vec![Task {
        name: "surveys: scheduled surveys and reminders",
        every: Duration::from_secs(3600),
        run: |state| {
            Box::pin(async move {
                let base_url = state.config.base_url.clone();
                schedule::run(&state.db, &base_url).await
            })
        },
    }]
}
