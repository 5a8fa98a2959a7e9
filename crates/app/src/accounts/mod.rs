//! Accounts: signing in and out, signing up, confirming email, resetting passwords,
//! invitations, approvals and the first admin.

pub mod client;
pub mod sign_in;
pub mod tokens;

use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/sign-in", sign_in::show)
        .post("/sign-in", sign_in::submit)
        .post("/sign-out", sign_in::sign_out)
}
