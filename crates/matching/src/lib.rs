//! Mentor matching for Carrel: scoring, candidates and solvers.
#![deny(missing_docs)]

pub mod candidates;
pub mod instance;
pub mod matching;
pub mod optimal;
pub mod parse;
pub mod profile;
pub mod rules;
pub mod scoring;
pub mod stable;
pub mod synthetic;
