//! The demo's mentorships.
