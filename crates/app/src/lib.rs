//! The Carrel web application: a mentorship network for librarians.
//!
//! Each feature module holds its rules, its queries and its pages; `platform` holds what
//! every feature shares (database, sessions and access rules, mail, page layout).

pub mod accounts;
pub mod admin;
pub mod app;
pub mod cohorts;
pub mod convenings;
pub mod cycles;
pub mod demo;
pub mod home;
pub mod mentorships;
pub mod network;
pub mod people;
pub mod platform;
pub mod resources;
pub mod surveys;
