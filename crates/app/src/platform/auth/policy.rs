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
}

// Cycles: who runs a program cycle, who takes part, who sees its proposals.

/// Whether a viewer runs a cycle of this region (`None`: a national cycle): its settings,
/// moves, imports, matching and pool. Admins run every cycle, including national ones and
/// those that match across regions; a coordinator runs only their own region's cycles.
pub fn may_manage_cycle(viewer: &Viewer, cycle_region: Option<i64>) -> bool {
    viewer.is_admin() || cycle_region.is_some_and(|region| viewer.coordinates(region))
}

/// Whether a viewer may see that a cycle exists: those who run it, and the members it is
/// for (everyone for a national cycle, the region's members for a regional one).
pub fn may_see_cycle(viewer: &Viewer, cycle_region: Option<i64>) -> bool {
    may_manage_cycle(viewer, cycle_region)
        || cycle_region.is_none()
        || cycle_region == viewer.region_id
}

/// Whether a viewer may apply as a mentee to a cycle they can see.
pub fn may_apply(viewer: &Viewer, cycle_region: Option<i64>) -> bool {
    viewer.has(Role::Mentee) && may_see_cycle(viewer, cycle_region)
}

/// Whether a viewer may offer mentoring in a cycle they can see.
pub fn may_offer(viewer: &Viewer, cycle_region: Option<i64>) -> bool {
    viewer.has(Role::Mentor) && may_see_cycle(viewer, cycle_region)
}

/// Whether a viewer may see a proposal: its two people and those who run its cycle. Anyone
/// else is told it does not exist.
pub fn may_view_proposal(
    viewer: &Viewer,
    mentee_id: i64,
    mentor_id: i64,
    cycle_region: Option<i64>,
) -> bool {
    viewer.person_id == mentee_id
        || viewer.person_id == mentor_id
        || may_manage_cycle(viewer, cycle_region)
}

/// Whether a viewer may see a mentee's shared identity groups: only those who run the
/// cycle. The mentor never does, even once matched.
pub fn may_see_affinity(viewer: &Viewer, cycle_region: Option<i64>) -> bool {
    may_manage_cycle(viewer, cycle_region)
}

#[cfg(test)]
mod cycles_tests {
    use super::*;
    use crate::platform::auth::roles::Grant;

    fn viewer(id: i64, grants: &[(Role, Option<i64>)], region: Option<i64>) -> Viewer {
        Viewer {
            person_id: id,
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
    fn coordinators_run_their_regions_cycles_and_admins_run_all() {
        let ny = viewer(1, &[(Role::Coordinator, Some(5))], Some(5));
        let admin = viewer(2, &[(Role::Admin, None)], None);
        assert!(may_manage_cycle(&ny, Some(5)));
        assert!(!may_manage_cycle(&ny, Some(6)));
        assert!(
            !may_manage_cycle(&ny, None),
            "national cycles are the office's"
        );
        assert!(may_manage_cycle(&admin, None));
        assert!(may_manage_cycle(&admin, Some(6)));
    }

    #[test]
    fn members_see_national_cycles_and_their_own_regions() {
        let mentee = viewer(1, &[(Role::Mentee, None)], Some(5));
        assert!(may_see_cycle(&mentee, None));
        assert!(may_see_cycle(&mentee, Some(5)));
        assert!(!may_see_cycle(&mentee, Some(6)));
        assert!(may_apply(&mentee, Some(5)));
        assert!(
            !may_offer(&mentee, Some(5)),
            "offering takes the mentor role"
        );
        let elsewhere = viewer(3, &[(Role::Coordinator, Some(6))], Some(6));
        assert!(!may_see_cycle(&elsewhere, Some(5)));
    }

    #[test]
    fn a_proposal_is_seen_by_its_pair_and_its_coordinators_only() {
        let mentee = viewer(10, &[(Role::Mentee, None)], Some(5));
        let stranger = viewer(11, &[(Role::Mentee, None)], Some(5));
        let ny = viewer(12, &[(Role::Coordinator, Some(5))], Some(5));
        let ca = viewer(13, &[(Role::Coordinator, Some(6))], Some(6));
        assert!(may_view_proposal(&mentee, 10, 20, Some(5)));
        assert!(may_view_proposal(&viewer(20, &[], None), 10, 20, Some(5)));
        assert!(!may_view_proposal(&stranger, 10, 20, Some(5)));
        assert!(may_view_proposal(&ny, 10, 20, Some(5)));
        assert!(!may_view_proposal(&ca, 10, 20, Some(5)));
        assert!(!may_see_affinity(
            &viewer(20, &[(Role::Mentor, None)], Some(5)),
            Some(5)
        ));
    }
}
