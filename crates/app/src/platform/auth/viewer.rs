//! The person making a request, as handlers see them.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::platform::auth::roles::{Grant, Role};
use crate::platform::error::AppError;

/// A signed-in person and their grants.
#[derive(Clone, Debug)]
pub struct Viewer {
    /// The person's id.
    pub person_id: i64,
    /// Their display name.
    pub name: String,
    /// The region of their profile.
    pub region_id: Option<i64>,
    /// Every role they hold.
    pub grants: Vec<Grant>,
    /// The digest of their session token, to end this session.
    pub session_digest: String,
}

impl Viewer {
    /// Whether they hold the role anywhere.
    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|grant| grant.role == role)
    }

    /// Whether they are an admin.
    pub fn is_admin(&self) -> bool {
        self.has(Role::Admin)
    }

    /// The regions they coordinate.
    pub fn coordinated_regions(&self) -> Vec<i64> {
        self.grants
            .iter()
            .filter(|grant| grant.role == Role::Coordinator)
            .filter_map(|grant| grant.region_id)
            .collect()
    }

    /// Whether they coordinate this region.
    pub fn coordinates(&self, region_id: i64) -> bool {
        self.coordinated_regions().contains(&region_id)
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Viewer>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// The signed-in person, if any, for pages that anyone may see.
#[derive(Clone, Debug)]
pub struct MaybeViewer(pub Option<Viewer>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeViewer {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeViewer(parts.extensions.get::<Viewer>().cloned()))
    }
}
