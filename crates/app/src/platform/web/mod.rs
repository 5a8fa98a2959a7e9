//! The web layer: layout, forms, cookies, middleware and metrics.

pub mod cookies;
pub mod csrf;
pub mod flash;
pub mod forms;
pub mod headers;
pub mod markdown;
pub mod metrics;
pub mod observe;
pub mod pages;
pub mod routes;
pub mod tokens;
