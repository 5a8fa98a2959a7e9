//! The network: regions, divisions and their time zones.

pub mod catalog;
