//! Accounts: signing in and out, signing up, confirming email, resetting passwords,
//! invitations, approvals and the first admin.

pub mod approvals;
pub mod client;
pub mod emails;
pub mod invitations;
pub mod reset;
pub mod setup;
pub mod sign_in;
pub mod sign_up;
pub mod tokens;

use crate::platform::web::routes::Routes;

/// The routes of this feature.
pub fn routes() -> Routes {
    Routes::default()
        .get("/sign-in", sign_in::show)
        .post("/sign-in", sign_in::submit)
        .post("/sign-out", sign_in::sign_out)
        .get("/sign-up", sign_up::show)
        .post("/sign-up", sign_up::submit)
        .get("/confirm/{token}", sign_up::show_confirm)
        .post("/confirm/{token}", sign_up::confirm)
        .get("/reset", reset::show_request)
        .post("/reset", reset::request)
        .get("/reset/{token}", reset::show_new_password)
        .post("/reset/{token}", reset::set_new_password)
        .get("/invitations/new", invitations::show)
        .post("/invitations/new", invitations::send)
        .get("/invitations/{token}", invitations::show_accept)
        .post("/invitations/{token}", invitations::accept)
        .get("/approvals", approvals::list)
        .post("/approvals/{id}/approve", approvals::approve)
        .post("/approvals/{id}/decline", approvals::decline)
        .get("/setup/{token}", setup::show)
        .post("/setup/{token}", setup::submit)
}
