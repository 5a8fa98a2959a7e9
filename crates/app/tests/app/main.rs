//! Integration tests: the real router, a fresh database per test.
//!
//! Tests run on a temporary SQLite file by default, and on PostgreSQL when
//! `CARREL_TEST_DATABASE_URL` names a server (each test then gets its own database).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod accounts;
mod career;
mod cohorts;
mod convenings;
mod cycles;
mod harness;
mod mail;
mod mentorships;
mod network;
mod people;
mod platform;
mod resources;
mod schema;
mod self_match;
mod surveys;
