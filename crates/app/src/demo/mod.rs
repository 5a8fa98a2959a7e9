//! The demo network: a deterministic, believable set of people across every region.

pub mod names;
