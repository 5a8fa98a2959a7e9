//! People: accounts, career profiles, topics and the directory.

pub mod directory;
pub mod pages;
pub mod profile;
pub mod store;
pub mod topics;
pub mod words;

use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/profile", pages::edit)
        .post("/profile", pages::save)
        .get("/people", pages::directory)
        .get("/people/{id}", pages::show)
}
