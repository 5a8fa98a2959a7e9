//! Who may do what: every access rule of the foundation, in one place.
//!
//! Handlers ask these functions and turn a `false` into [`AppError::Forbidden`] (or
//! `NotFound` where even the existence of a thing is private). Rules take plain values,
//! so they are tested here without a database.
//!
//! [`AppError::Forbidden`]: crate::platform::error::AppError::Forbidden

use crate::platform::auth::roles::Role;
use crate::platform::auth::viewer::Viewer;

/// Which people a viewer may list in the directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DirectoryScope {
    /// Everyone (admins).
    National,
    /// The people of these regions (coordinators).
    Regions(Vec<i64>),
}

/// The directory a viewer may search, if any.
pub fn directory_scope(viewer: &Viewer) -> Option<DirectoryScope> {
    if viewer.is_admin() {
        return Some(DirectoryScope::National);
    }
    let regions = viewer.coordinated_regions();
    (!regions.is_empty()).then_some(DirectoryScope::Regions(regions))
}

/// Whether a viewer may invite someone to a role in a region.
///
/// Admins invite anyone anywhere; coordinators invite mentors and mentees of a region they
/// coordinate.
pub fn may_invite(viewer: &Viewer, role: Role, region_id: i64) -> bool {
    if viewer.is_admin() {
        return true;
    }
    matches!(role, Role::Mentor | Role::Mentee) && viewer.coordinates(region_id)
}

/// The roles a viewer may invite people to at all, for the invitation form.
pub fn invitable_roles(viewer: &Viewer) -> Vec<Role> {
    if viewer.is_admin() {
        vec![Role::Coordinator, Role::Mentor, Role::Mentee, Role::Admin]
    } else if !viewer.coordinated_regions().is_empty() {
        vec![Role::Mentor, Role::Mentee]
    } else {
        Vec::new()
    }
}

/// Whether a viewer may approve a self-registered person of this region.
pub fn may_approve(viewer: &Viewer, region_id: Option<i64>) -> bool {
    viewer.is_admin() || region_id.is_some_and(|region| viewer.coordinates(region))
}

/// Who may see a profile besides its owner, coordinators of its region and admins.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Visibility {
    /// Every signed-in member.
    Members,
    /// Members of the same region.
    Region,
    /// Only coordinators of the region and admins.
    Coordinators,
}

impl Visibility {
    /// Every choice, widest first.
    pub const ALL: [Visibility; 3] = [
        Visibility::Members,
        Visibility::Region,
        Visibility::Coordinators,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Visibility::Members => "members",
            Visibility::Region => "region",
            Visibility::Coordinators => "coordinators",
        }
    }

    /// The words shown on the profile form.
    pub fn label(self) -> &'static str {
        match self {
            Visibility::Members => "Every member of the network",
            Visibility::Region => "Members of my region",
            Visibility::Coordinators => "Only coordinators and admins",
        }
    }

    /// Reads a stored code; unknown codes read as the narrowest choice.
    pub fn parse(code: &str) -> Visibility {
        Visibility::ALL
            .into_iter()
            .find(|v| v.code() == code)
            .unwrap_or(Visibility::Coordinators)
    }
}

/// Whether a viewer may see a person's profile.
pub fn may_view_profile(
    viewer: &Viewer,
    person_id: i64,
    person_region: Option<i64>,
    visibility: Visibility,
) -> bool {
    if viewer.person_id == person_id || viewer.is_admin() {
        return true;
    }
    if person_region.is_some_and(|region| viewer.coordinates(region)) {
        return true;
    }
    match visibility {
        Visibility::Members => true,
        Visibility::Region => person_region.is_some() && person_region == viewer.region_id,
        Visibility::Coordinators => false,
    }
}

/// Whether a viewer runs the network's settings (regions, divisions, the outbox).
pub fn may_administer(viewer: &Viewer) -> bool {
    viewer.is_admin()
}

// The resource library ----------------------------------------------------------------------

/// Whether a viewer curates the library: drafts resources, reviews others' work, keeps
/// collections and sees what is due. Coordinators and admins.
pub fn may_curate_resources(viewer: &Viewer) -> bool {
    viewer.has(Role::Coordinator) || viewer.is_admin()
}

/// Whether someone, signed in or not, may read a published resource. Members-only resources
/// do not exist for visitors.
pub fn may_read_resource(viewer: Option<&Viewer>, members_only: bool) -> bool {
    !members_only || viewer.is_some()
}

/// Whether a viewer may see a resource's working copy (a draft, a copy in review, an
/// archived resource) and its curation history: its authors and every curator.
pub fn may_see_working_copy(viewer: &Viewer, is_author: bool) -> bool {
    is_author || may_curate_resources(viewer)
}

/// Whether a viewer may change a resource's working copy, upload its file, submit, archive
/// or restore it: its authors while they curate, and admins.
pub fn may_edit_resource(viewer: &Viewer, is_author: bool) -> bool {
    viewer.is_admin() || (is_author && may_curate_resources(viewer))
}

/// Whether a viewer may review a resource (approve it, ask for changes, confirm it is still
/// current): a curator who is not one of its authors, so every publication is seen by a
/// second pair of eyes.
pub fn may_review_resource(viewer: &Viewer, is_author: bool) -> bool {
    may_curate_resources(viewer) && !is_author
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::auth::roles::Grant;

    fn viewer(grants: &[(Role, Option<i64>)], region: Option<i64>) -> Viewer {
        Viewer {
            person_id: 1,
            name: "Test".into(),
            region_id: region,
            grants: grants
                .iter()
                .map(|&(role, region_id)| Grant { role, region_id })
                .collect(),
            session_digest: String::new(),
        }
    }

    #[test]
    fn coordinators_invite_mentors_and_mentees_of_their_region_only() {
        let coordinator = viewer(&[(Role::Coordinator, Some(5))], Some(5));
        assert!(may_invite(&coordinator, Role::Mentee, 5));
        assert!(may_invite(&coordinator, Role::Mentor, 5));
        assert!(!may_invite(&coordinator, Role::Mentee, 6));
        assert!(!may_invite(&coordinator, Role::Coordinator, 5));
        assert!(!may_invite(&coordinator, Role::Admin, 5));
    }

    #[test]
    fn admins_invite_anyone_and_members_no_one() {
        let admin = viewer(&[(Role::Admin, None)], None);
        let mentor = viewer(&[(Role::Mentor, None)], Some(5));
        assert!(may_invite(&admin, Role::Coordinator, 9));
        assert!(!may_invite(&mentor, Role::Mentee, 5));
        assert!(invitable_roles(&mentor).is_empty());
    }

    #[test]
    fn the_directory_is_national_for_admins_regional_for_coordinators() {
        let admin = viewer(&[(Role::Admin, None)], None);
        let coordinator = viewer(&[(Role::Coordinator, Some(5))], Some(5));
        let mentee = viewer(&[(Role::Mentee, None)], Some(5));
        assert_eq!(directory_scope(&admin), Some(DirectoryScope::National));
        assert_eq!(
            directory_scope(&coordinator),
            Some(DirectoryScope::Regions(vec![5]))
        );
        assert_eq!(directory_scope(&mentee), None);
    }

    #[test]
    fn profile_visibility_follows_the_owners_choice() {
        let neighbour = viewer(&[(Role::Mentee, None)], Some(5));
        let stranger = viewer(&[(Role::Mentee, None)], Some(6));
        let their_coordinator = viewer(&[(Role::Coordinator, Some(5))], Some(6));

        assert!(may_view_profile(&stranger, 2, Some(5), Visibility::Members));
        assert!(may_view_profile(&neighbour, 2, Some(5), Visibility::Region));
        assert!(!may_view_profile(&stranger, 2, Some(5), Visibility::Region));
        assert!(!may_view_profile(
            &neighbour,
            2,
            Some(5),
            Visibility::Coordinators
        ));
        assert!(may_view_profile(
            &their_coordinator,
            2,
            Some(5),
            Visibility::Coordinators
        ));
        assert!(
            may_view_profile(&stranger, 1, Some(5), Visibility::Coordinators),
            "self"
        );
    }

    #[test]
    fn coordinators_and_admins_curate_the_library_and_members_read_it() {
        let coordinator = viewer(&[(Role::Coordinator, Some(5))], Some(5));
        let admin = viewer(&[(Role::Admin, None)], None);
        let mentor = viewer(&[(Role::Mentor, None)], Some(5));
        assert!(may_curate_resources(&coordinator));
        assert!(may_curate_resources(&admin));
        assert!(!may_curate_resources(&mentor));

        assert!(may_read_resource(None, false));
        assert!(
            !may_read_resource(None, true),
            "members-only is invisible to visitors"
        );
        assert!(may_read_resource(Some(&mentor), true));
        assert!(!may_see_working_copy(&mentor, false));
        assert!(may_see_working_copy(&coordinator, false));
    }

    #[test]
    fn authors_edit_and_other_curators_review() {
        let coordinator = viewer(&[(Role::Coordinator, Some(5))], Some(5));
        let admin = viewer(&[(Role::Admin, None)], None);
        let mentor = viewer(&[(Role::Mentor, None)], Some(5));

        assert!(may_edit_resource(&coordinator, true));
        assert!(!may_edit_resource(&coordinator, false));
        assert!(may_edit_resource(&admin, false));
        assert!(
            !may_edit_resource(&mentor, true),
            "an author who no longer curates"
        );

        assert!(may_review_resource(&coordinator, false));
        assert!(
            !may_review_resource(&coordinator, true),
            "never one's own work"
        );
        assert!(!may_review_resource(&admin, true));
        assert!(!may_review_resource(&mentor, false));
    }
}
