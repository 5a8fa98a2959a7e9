//! People: accounts, career profiles, topics and the directory.

pub mod store;
pub mod topics;
