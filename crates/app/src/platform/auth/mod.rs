//! Passwords, sessions, roles and the access policy.

pub mod password;
pub mod policy;
pub mod roles;
pub mod session;
pub mod throttle;
pub mod viewer;
