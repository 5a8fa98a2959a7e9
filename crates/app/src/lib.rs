//! The Carrel web application.
