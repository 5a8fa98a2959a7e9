//! Program cycles: from the call for applications to the first meeting.
//!
//! A cycle is national or belongs to one region. Coordinators set its window, dates and
//! matching weights and move it through its states ([`state`]); mentees apply and mentors
//! offer ([`applications`], or by CSV [`import`]); the coordinator runs the matching engine
//! and compares its two proposals side by side ([`matching`], through [`engine`]); one
//! proposal is published and both people answer ([`proposals`]); mentees left without a
//! mentor wait in the [`pool`], where the engine suggests the next mentor with a free place.
//! A cycle may also let mentees choose: they browse their suggested mentors and ask one
//! ([`self_match`]). Every active person confirms their career stage and needs on a
//! schedule ([`career`]).

pub mod applications;
pub mod background;
pub mod career;
pub mod cycle;
pub mod demo;
pub mod engine;
pub mod import;
pub mod matching;
pub mod pages;
pub mod pool;
pub mod proposals;
pub mod self_match;
pub mod state;

mod career_pages;
mod entry_pages;
mod matching_pages;
mod proposal_pages;
mod self_match_pages;

use std::time::Duration;

use crate::platform::jobs::Task;
use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/cycles", pages::list)
        .get("/cycles/new", pages::new)
        .post("/cycles/new", pages::create)
        .get("/cycles/{id}", pages::show)
        .get("/cycles/{id}/edit", pages::edit)
        .post("/cycles/{id}/edit", pages::save)
        .post("/cycles/{id}/move", pages::make_move)
        .get("/cycles/{id}/apply", entry_pages::application)
        .post("/cycles/{id}/apply", entry_pages::save_application)
        .get("/cycles/{id}/offer", entry_pages::offer)
        .post("/cycles/{id}/offer", entry_pages::save_offer)
        .get("/cycles/{id}/applications", entry_pages::list)
        .get("/cycles/{id}/import", entry_pages::import_form)
        .post("/cycles/{id}/import", entry_pages::import)
        .get("/cycles/{id}/matching", matching_pages::show)
        .post("/cycles/{id}/matching/run", matching_pages::run)
        .post("/cycles/{id}/matching/rule", matching_pages::rule)
        .get(
            "/cycles/{id}/matching/assign/{mentee}",
            matching_pages::assign,
        )
        .post("/cycles/{id}/matching/publish", matching_pages::publish)
        .get("/cycles/{id}/pool", matching_pages::pool)
        .post("/cycles/{id}/pool/confirm", matching_pages::confirm)
        .get("/proposals/{id}", proposal_pages::show)
        .post("/proposals/{id}/answer", proposal_pages::answer)
        .get("/cycles/{id}/mentors", self_match_pages::mentors)
        .post("/cycles/{id}/mentors/request", self_match_pages::request)
        .get("/cycles/{id}/requests", self_match_pages::requests)
        .post("/match-requests/{id}/answer", self_match_pages::answer)
        .get("/career", career_pages::show)
        .post("/career", career_pages::save)
}

/// The periodic tasks of this feature, every hour: answer reminders and expiry, and the
/// requests to confirm one's career stage and needs.
pub fn scheduled_tasks() -> Vec<Task> {
    vec![
        Task {
            name: "cycles: career check-in requests",
            every: Duration::from_secs(3600),
            run: |state| {
                Box::pin(async move {
                    let base_url = state.config.base_url.clone();
                    let months = state.config.career_check_months;
                    career::ask_due(&state.db, &base_url, months).await?;
                    Ok(())
                })
            },
        },
        Task {
            name: "cycles: proposal reminders and expiry",
            every: Duration::from_secs(3600),
            run: |state| {
                Box::pin(async move {
                    let base_url = state.config.base_url.clone();
                    proposals::remind_and_expire(&state.db, &base_url).await
                })
            },
        },
    ]
}
