//! What every feature shares: configuration, database, errors, authentication and access
//! rules, mail, and the web layer (layout, forms, middleware).

pub mod auth;
pub mod cache;
pub mod config;
pub mod db;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod state;
pub mod web;
