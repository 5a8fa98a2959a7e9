//! Mentor matching for Carrel: scoring, candidates and solvers.
#![deny(missing_docs)]
