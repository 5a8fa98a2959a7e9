//! Who may do what: every access rule of the foundation, in one place.
//!
//! Handlers ask these functions and turn a `false` into [`AppError::Forbidden`] (or
//! `NotFound` where even the existence of a thing is private). Rules take plain values,
//! so they are tested here without a database.
//!
//! [`AppError::Forbidden`]: crate::platform::error::AppError::Forbidden

use crate::convenings::audience::{Audience, Groups};
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

// The coordinator network: terms, applications, cohorts and circles.

/// Whether a viewer appoints coordinators and ends their terms (admins).
pub fn may_appoint_coordinators(viewer: &Viewer) -> bool {
    viewer.is_admin()
}

/// Whether a viewer may apply to coordinate a region: mentors and guides.
pub fn may_apply_to_coordinate(viewer: &Viewer) -> bool {
    viewer.has(Role::Mentor) || viewer.has(Role::Guide)
}

/// Whether a viewer creates cohorts and enrolls coordinators in them (admins).
pub fn may_create_cohorts(viewer: &Viewer) -> bool {
    viewer.is_admin()
}

/// Whether a viewer runs a cohort: changes its requirements and curriculum, logs records
/// and approves graduations. Admins run every cohort, a lead runs their own.
pub fn may_run_cohort(viewer: &Viewer, lead_id: Option<i64>) -> bool {
    viewer.is_admin() || lead_id == Some(viewer.person_id)
}

/// Whether a viewer may open a cohort's page: those who run it and its members.
pub fn may_view_cohort(viewer: &Viewer, lead_id: Option<i64>, is_member: bool) -> bool {
    is_member || may_run_cohort(viewer, lead_id)
}

/// Whether a viewer may see a member's readiness: the member, and those who run the cohort.
/// Other members see who is in the cohort, not how far along they are.
pub fn may_see_readiness(viewer: &Viewer, member_id: i64, lead_id: Option<i64>) -> bool {
    viewer.person_id == member_id || may_run_cohort(viewer, lead_id)
}

/// Whether a viewer may open a graduate's certificate.
pub fn may_view_certificate(viewer: &Viewer, graduate_id: i64, lead_id: Option<i64>) -> bool {
    may_see_readiness(viewer, graduate_id, lead_id)
}

/// Whether a viewer may start a mentor circle: guides lead circles.
pub fn may_start_circle(viewer: &Viewer) -> bool {
    viewer.has(Role::Guide)
}

/// Whether a viewer leads a circle: accepts members, logs gatherings.
pub fn may_lead_circle(viewer: &Viewer, guide_id: i64) -> bool {
    viewer.person_id == guide_id
}

/// Whether a viewer may ask to join a circle: mentors who are not in it or asking already.
pub fn may_ask_to_join_circle(viewer: &Viewer, guide_id: i64, standing: Option<&str>) -> bool {
    viewer.has(Role::Mentor) && viewer.person_id != guide_id && standing.is_none()
}

/// Whether a viewer sees a circle's gatherings and notes and may add notes: its guide and
/// members; admins may read them to look after the network, and do not write there.
pub fn may_read_circle(viewer: &Viewer, guide_id: i64, standing: Option<&str>) -> bool {
    may_write_in_circle(viewer, guide_id, standing) || viewer.is_admin()
}

/// Whether a viewer may add notes to a circle: its guide and members.
pub fn may_write_in_circle(viewer: &Viewer, guide_id: i64, standing: Option<&str>) -> bool {
    viewer.person_id == guide_id || standing == Some("member")
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

    // The coordinator network.

    #[test]
    fn only_admins_appoint_and_mentors_or_guides_apply() {
        let admin = viewer(&[(Role::Admin, None)], None);
        let mentor = viewer(&[(Role::Mentor, None)], Some(5));
        let guide = viewer(&[(Role::Guide, None)], Some(5));
        let coordinator = viewer(&[(Role::Coordinator, Some(5))], Some(5));
        let mentee = viewer(&[(Role::Mentee, None)], Some(5));
        assert!(may_appoint_coordinators(&admin));
        assert!(!may_appoint_coordinators(&coordinator));
        assert!(may_apply_to_coordinate(&mentor) && may_apply_to_coordinate(&guide));
        assert!(!may_apply_to_coordinate(&mentee) && !may_apply_to_coordinate(&coordinator));
        assert!(!may_apply_to_coordinate(&admin));
    }

    #[test]
    fn a_cohort_is_run_by_admins_and_its_lead_and_seen_by_its_members() {
        let admin = viewer(&[(Role::Admin, None)], None);
        let lead = viewer(&[(Role::Guide, None)], None);
        let member = Viewer {
            person_id: 2,
            ..viewer(&[(Role::Coordinator, Some(5))], Some(5))
        };
        assert!(may_run_cohort(&admin, None) && may_run_cohort(&lead, Some(1)));
        assert!(!may_run_cohort(&lead, Some(9)) && !may_run_cohort(&member, Some(1)));
        assert!(may_view_cohort(&member, Some(1), true));
        assert!(!may_view_cohort(&member, Some(1), false));
        assert!(may_create_cohorts(&admin) && !may_create_cohorts(&lead));
    }

    #[test]
    fn readiness_and_certificates_are_for_the_member_and_those_who_run_the_cohort() {
        let member = viewer(&[(Role::Coordinator, Some(5))], Some(5));
        let classmate = Viewer {
            person_id: 3,
            ..viewer(&[(Role::Coordinator, Some(6))], Some(6))
        };
        assert!(may_see_readiness(&member, 1, None));
        assert!(!may_see_readiness(&classmate, 1, None));
        assert!(may_view_certificate(&classmate, 1, Some(3)), "the lead");
        assert!(!may_view_certificate(&classmate, 1, Some(4)));
    }

    #[test]
    fn guides_lead_circles_and_mentors_ask_to_join() {
        let guide = viewer(&[(Role::Guide, None), (Role::Mentor, None)], None);
        let mentor = Viewer {
            person_id: 2,
            ..viewer(&[(Role::Mentor, None)], None)
        };
        let admin = Viewer {
            person_id: 3,
            ..viewer(&[(Role::Admin, None)], None)
        };
        assert!(
            may_start_circle(&guide) && !may_start_circle(&mentor) && !may_start_circle(&admin)
        );
        assert!(may_lead_circle(&guide, 1) && !may_lead_circle(&admin, 1));
        assert!(may_ask_to_join_circle(&mentor, 1, None));
        assert!(!may_ask_to_join_circle(&mentor, 1, Some("requested")));
        assert!(
            !may_ask_to_join_circle(&guide, 1, None),
            "the guide is already in it"
        );
        assert!(may_read_circle(&mentor, 1, Some("member")));
        assert!(!may_read_circle(&mentor, 1, Some("requested")));
        assert!(may_read_circle(&admin, 1, None) && !may_write_in_circle(&admin, 1, None));
    }
}

// Convenings ---------------------------------------------------------------------------

/// Whether a viewer is one of the people a convening is for.
///
/// The network is every coordinator, guide and admin; a region is its members (by profile)
/// and its coordinators; a cohort is its members and its lead; a circle is its members and
/// its guide. `groups` are the viewer's cohorts and circles.
pub fn belongs_to_audience(viewer: &Viewer, groups: &Groups, audience: Audience) -> bool {
    match audience {
        Audience::Network => {
            viewer.has(Role::Coordinator) || viewer.has(Role::Guide) || viewer.is_admin()
        }
        Audience::Region(region) => viewer.region_id == Some(region) || viewer.coordinates(region),
        Audience::Cohort(cohort) => {
            groups.cohorts.contains(&cohort) || groups.cohorts_led.contains(&cohort)
        }
        Audience::Circle(circle) => {
            groups.circles.contains(&circle) || groups.circles_guided.contains(&circle)
        }
    }
}

/// The audiences whose convenings a viewer's lists and calendar feed show.
pub fn own_audiences(viewer: &Viewer, groups: &Groups) -> Vec<Audience> {
    let mut audiences = Vec::new();
    if belongs_to_audience(viewer, groups, Audience::Network) {
        audiences.push(Audience::Network);
    }
    let regions = viewer
        .region_id
        .into_iter()
        .chain(viewer.coordinated_regions());
    let cohorts = groups.cohorts.iter().chain(&groups.cohorts_led);
    let circles = groups.circles.iter().chain(&groups.circles_guided);
    let others = regions
        .map(Audience::Region)
        .chain(cohorts.map(|id| Audience::Cohort(*id)))
        .chain(circles.map(|id| Audience::Circle(*id)));
    for audience in others {
        if !audiences.contains(&audience) {
            audiences.push(audience);
        }
    }
    audiences
}

/// Whether a viewer may see a convening: its audience, and admins.
pub fn may_see_convening(viewer: &Viewer, groups: &Groups, audience: Audience) -> bool {
    viewer.is_admin() || belongs_to_audience(viewer, groups, audience)
}

/// Whether a viewer may plan a convening for an audience: coordinators for the network and
/// for the regions they coordinate, a cohort's lead for the cohort, a circle's guide for the
/// circle, and admins for every network, region and cohort. A circle belongs to its guide,
/// so admins, who do not write in circles, do not plan its meetings either.
pub fn may_plan_convening(viewer: &Viewer, groups: &Groups, audience: Audience) -> bool {
    match audience {
        Audience::Circle(circle) => groups.circles_guided.contains(&circle),
        _ if viewer.is_admin() => true,
        Audience::Network => viewer.has(Role::Coordinator),
        Audience::Region(region) => viewer.coordinates(region),
        Audience::Cohort(cohort) => groups.cohorts_led.contains(&cohort),
    }
}

/// Whether a viewer may plan convenings at all, for the planning form.
pub fn may_plan_any_convening(viewer: &Viewer, groups: &Groups) -> bool {
    viewer.is_admin()
        || viewer.has(Role::Coordinator)
        || !groups.cohorts_led.is_empty()
        || !groups.circles_guided.is_empty()
}

/// Whether a viewer runs a convening: edits, moves or cancels it, takes attendance, writes
/// minutes and action items. Its host and admins do.
pub fn may_run_convening(viewer: &Viewer, host_id: i64) -> bool {
    viewer.person_id == host_id || viewer.is_admin()
}

/// Whether a viewer may change an action item's status: its owner, the host, admins.
pub fn may_update_action_item(viewer: &Viewer, owner_id: i64, host_id: i64) -> bool {
    viewer.person_id == owner_id || may_run_convening(viewer, host_id)
}

#[cfg(test)]
mod convening_tests {
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

    fn none() -> Groups {
        Groups::default()
    }

    #[test]
    fn the_network_is_coordinators_guides_and_admins() {
        let cases = [
            (viewer(1, &[(Role::Coordinator, Some(5))], Some(5)), true),
            (viewer(1, &[(Role::Guide, None)], Some(5)), true),
            (viewer(1, &[(Role::Admin, None)], None), true),
            (viewer(1, &[(Role::Mentor, None)], Some(5)), false),
            (viewer(1, &[(Role::Mentee, None)], Some(5)), false),
        ];
        for (who, expected) in cases {
            assert_eq!(
                belongs_to_audience(&who, &none(), Audience::Network),
                expected
            );
            assert_eq!(
                may_see_convening(&who, &none(), Audience::Network),
                expected
            );
        }
    }

    #[test]
    fn a_region_is_its_members_and_coordinators_and_admins_see_it_too() {
        let member = viewer(1, &[(Role::Mentee, None)], Some(5));
        let elsewhere = viewer(1, &[(Role::Mentee, None)], Some(6));
        let coordinator = viewer(1, &[(Role::Coordinator, Some(5))], Some(6));
        let admin = viewer(1, &[(Role::Admin, None)], None);

        assert!(may_see_convening(&member, &none(), Audience::Region(5)));
        assert!(!may_see_convening(&elsewhere, &none(), Audience::Region(5)));
        assert!(may_see_convening(
            &coordinator,
            &none(),
            Audience::Region(5)
        ));
        assert!(may_see_convening(&admin, &none(), Audience::Region(5)));
        assert!(!belongs_to_audience(&admin, &none(), Audience::Region(5)));
        assert_eq!(
            own_audiences(&coordinator, &none()),
            vec![Audience::Network, Audience::Region(6), Audience::Region(5)]
        );
        assert_eq!(own_audiences(&member, &none()), vec![Audience::Region(5)]);
    }

    #[test]
    fn coordinators_plan_for_the_network_and_their_regions_only() {
        let coordinator = viewer(1, &[(Role::Coordinator, Some(5))], Some(5));
        let mentor = viewer(1, &[(Role::Mentor, None)], Some(5));
        let admin = viewer(1, &[(Role::Admin, None)], None);

        assert!(may_plan_convening(&coordinator, &none(), Audience::Network));
        assert!(may_plan_convening(
            &coordinator,
            &none(),
            Audience::Region(5)
        ));
        assert!(!may_plan_convening(
            &coordinator,
            &none(),
            Audience::Region(6)
        ));
        assert!(!may_plan_convening(&mentor, &none(), Audience::Region(5)));
        assert!(!may_plan_any_convening(&mentor, &none()));
        assert!(may_plan_convening(&admin, &none(), Audience::Region(6)));
    }

    #[test]
    fn a_cohort_is_its_members_and_lead_and_only_the_lead_and_admins_plan_for_it() {
        let enrolled = Groups {
            cohorts: vec![3],
            ..Groups::default()
        };
        let leading = Groups {
            cohorts_led: vec![3],
            ..Groups::default()
        };
        let member = viewer(1, &[(Role::Coordinator, Some(5))], Some(5));
        let lead = viewer(2, &[(Role::Mentor, None)], Some(5));
        let outsider = viewer(3, &[(Role::Coordinator, Some(6))], Some(6));
        let admin = viewer(4, &[(Role::Admin, None)], None);

        assert!(may_see_convening(&member, &enrolled, Audience::Cohort(3)));
        assert!(!may_see_convening(&member, &enrolled, Audience::Cohort(4)));
        assert!(may_see_convening(&lead, &leading, Audience::Cohort(3)));
        assert!(!may_see_convening(&outsider, &none(), Audience::Cohort(3)));
        assert!(may_see_convening(&admin, &none(), Audience::Cohort(3)));
        assert!(!belongs_to_audience(&admin, &none(), Audience::Cohort(3)));

        assert!(!may_plan_convening(&member, &enrolled, Audience::Cohort(3)));
        assert!(may_plan_convening(&lead, &leading, Audience::Cohort(3)));
        assert!(!may_plan_convening(&lead, &leading, Audience::Cohort(4)));
        assert!(
            may_plan_any_convening(&lead, &leading),
            "a lead who is not a coordinator"
        );
        assert!(may_plan_convening(&admin, &none(), Audience::Cohort(3)));
        assert_eq!(own_audiences(&member, &enrolled)[2], Audience::Cohort(3));
    }

    #[test]
    fn a_circle_is_its_members_and_guide_and_only_the_guide_plans_for_it() {
        let joined = Groups {
            circles: vec![7],
            ..Groups::default()
        };
        let guiding = Groups {
            circles_guided: vec![7],
            ..Groups::default()
        };
        let mentor = viewer(1, &[(Role::Mentor, None)], Some(5));
        let guide = viewer(2, &[(Role::Guide, None)], Some(5));
        let admin = viewer(3, &[(Role::Admin, None)], None);

        assert!(may_see_convening(&mentor, &joined, Audience::Circle(7)));
        assert!(!may_see_convening(&mentor, &none(), Audience::Circle(7)));
        assert!(may_see_convening(&guide, &guiding, Audience::Circle(7)));
        assert!(may_see_convening(&admin, &none(), Audience::Circle(7)));
        assert_eq!(
            own_audiences(&mentor, &joined),
            vec![Audience::Region(5), Audience::Circle(7)]
        );

        assert!(may_plan_convening(&guide, &guiding, Audience::Circle(7)));
        assert!(!may_plan_convening(&guide, &guiding, Audience::Circle(8)));
        assert!(!may_plan_convening(&mentor, &joined, Audience::Circle(7)));
        assert!(!may_plan_convening(&admin, &none(), Audience::Circle(7)));
        assert!(!may_plan_any_convening(&mentor, &joined));
    }

    #[test]
    fn only_the_host_and_admins_run_a_convening_and_owners_update_their_items() {
        let host = viewer(1, &[(Role::Coordinator, Some(5))], Some(5));
        let other = viewer(2, &[(Role::Coordinator, Some(5))], Some(5));
        let admin = viewer(3, &[(Role::Admin, None)], None);

        assert!(may_run_convening(&host, 1));
        assert!(!may_run_convening(&other, 1));
        assert!(may_run_convening(&admin, 1));
        assert!(may_update_action_item(&other, 2, 1), "the owner");
        assert!(!may_update_action_item(&other, 4, 1));
        assert!(may_update_action_item(&host, 4, 1), "the host");
    }
}

#[cfg(test)]
mod resource_tests {
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

// Cycles: who runs a program cycle, who takes part, who sees its proposals.

/// Whether a viewer runs a cycle of these regions (one, a group, or none for a national
/// cycle): its settings, moves, imports, matching and pool. Admins run every cycle,
/// including national ones and those that match across regions; a coordinator runs the
/// cycles of a region they coordinate, alone or in a group with other regions.
pub fn may_manage_cycle(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    viewer.is_admin()
        || cycle_regions
            .iter()
            .any(|region| viewer.coordinates(*region))
}

/// Whether a viewer may see that a cycle exists: those who run it, and the members it is
/// for (everyone for a national cycle, the people of its regions otherwise).
pub fn may_see_cycle(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    may_manage_cycle(viewer, cycle_regions)
        || cycle_regions.is_empty()
        || viewer
            .region_id
            .is_some_and(|region| cycle_regions.contains(&region))
}

/// Whether a viewer may apply as a mentee to a cycle they can see.
pub fn may_apply(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    viewer.has(Role::Mentee) && may_see_cycle(viewer, cycle_regions)
}

/// Whether a viewer may offer mentoring in a cycle they can see.
pub fn may_offer(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    viewer.has(Role::Mentor) && may_see_cycle(viewer, cycle_regions)
}

/// Whether a viewer may see a proposal: its two people and those who run its cycle. Anyone
/// else is told it does not exist.
pub fn may_view_proposal(
    viewer: &Viewer,
    mentee_id: i64,
    mentor_id: i64,
    cycle_regions: &[i64],
) -> bool {
    viewer.person_id == mentee_id
        || viewer.person_id == mentor_id
        || may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer may see a mentee's shared identity groups: only those who run the
/// cycle. The mentor never does, even once matched.
pub fn may_see_affinity(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer may browse their suggested mentors and ask one in a self-match cycle:
/// a mentee who applied to it. The cycle's own rules (state, self-match) come on top.
pub fn may_request_mentor(viewer: &Viewer, cycle_regions: &[i64], applied: bool) -> bool {
    applied && may_apply(viewer, cycle_regions)
}

/// Whether a viewer may answer a mentee's request: only the mentor asked. Coordinators
/// watch the pairs that result but do not answer for a mentor.
pub fn may_answer_request(viewer: &Viewer, mentor_id: i64) -> bool {
    viewer.person_id == mentor_id
}

/// Whether a viewer may see a person's career timeline (their check-ins): the person, and
/// those who coordinate their region, and admins.
pub fn may_see_career_timeline(
    viewer: &Viewer,
    person_id: i64,
    person_region: Option<i64>,
) -> bool {
    viewer.person_id == person_id
        || viewer.is_admin()
        || person_region.is_some_and(|region| viewer.coordinates(region))
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
        assert!(may_manage_cycle(&ny, &[5]));
        assert!(!may_manage_cycle(&ny, &[6]));
        assert!(
            !may_manage_cycle(&ny, &[]),
            "national cycles are the office's"
        );
        assert!(may_manage_cycle(&admin, &[]));
        assert!(may_manage_cycle(&admin, &[6]));
    }

    #[test]
    fn members_see_national_cycles_and_their_own_regions() {
        let mentee = viewer(1, &[(Role::Mentee, None)], Some(5));
        assert!(may_see_cycle(&mentee, &[]));
        assert!(may_see_cycle(&mentee, &[5]));
        assert!(!may_see_cycle(&mentee, &[6]));
        assert!(may_apply(&mentee, &[5]));
        assert!(!may_offer(&mentee, &[5]), "offering takes the mentor role");
        let elsewhere = viewer(3, &[(Role::Coordinator, Some(6))], Some(6));
        assert!(!may_see_cycle(&elsewhere, &[5]));
    }

    #[test]
    fn a_proposal_is_seen_by_its_pair_and_its_coordinators_only() {
        let mentee = viewer(10, &[(Role::Mentee, None)], Some(5));
        let stranger = viewer(11, &[(Role::Mentee, None)], Some(5));
        let ny = viewer(12, &[(Role::Coordinator, Some(5))], Some(5));
        let ca = viewer(13, &[(Role::Coordinator, Some(6))], Some(6));
        assert!(may_view_proposal(&mentee, 10, 20, &[5]));
        assert!(may_view_proposal(&viewer(20, &[], None), 10, 20, &[5]));
        assert!(!may_view_proposal(&stranger, 10, 20, &[5]));
        assert!(may_view_proposal(&ny, 10, 20, &[5]));
        assert!(!may_view_proposal(&ca, 10, 20, &[5]));
        assert!(!may_see_affinity(
            &viewer(20, &[(Role::Mentor, None)], Some(5)),
            &[5]
        ));
    }

    #[test]
    fn every_coordinator_of_a_group_runs_it_and_its_regions_people_take_part() {
        let ny = viewer(1, &[(Role::Coordinator, Some(5))], Some(5));
        let nj = viewer(2, &[(Role::Coordinator, Some(7))], Some(7));
        let ca = viewer(3, &[(Role::Coordinator, Some(6))], Some(6));
        let mentee_nj = viewer(4, &[(Role::Mentee, None)], Some(7));
        let mentee_ca = viewer(5, &[(Role::Mentee, None)], Some(6));
        let group = [5, 7];
        assert!(may_manage_cycle(&ny, &group) && may_manage_cycle(&nj, &group));
        assert!(!may_manage_cycle(&ca, &group) && !may_see_cycle(&ca, &group));
        assert!(may_apply(&mentee_nj, &group));
        assert!(!may_see_cycle(&mentee_ca, &group), "outside the group");
    }

    #[test]
    fn only_an_applicant_requests_a_mentor_and_only_that_mentor_answers() {
        let mentee = viewer(10, &[(Role::Mentee, None)], Some(5));
        assert!(may_request_mentor(&mentee, &[5], true));
        assert!(!may_request_mentor(&mentee, &[5], false), "apply first");
        assert!(!may_request_mentor(&mentee, &[6], true), "another region");
        assert!(may_answer_request(&viewer(20, &[], None), 20));
        let ny = viewer(12, &[(Role::Coordinator, Some(5))], Some(5));
        assert!(!may_answer_request(&ny, 20), "not for the mentor");
    }

    #[test]
    fn a_career_timeline_is_seen_by_its_person_and_their_coordinators() {
        let ny = viewer(12, &[(Role::Coordinator, Some(5))], Some(5));
        let member = viewer(10, &[(Role::Mentee, None)], Some(5));
        assert!(may_see_career_timeline(&member, 10, Some(5)));
        assert!(!may_see_career_timeline(&member, 11, Some(5)));
        assert!(may_see_career_timeline(&ny, 10, Some(5)));
        assert!(!may_see_career_timeline(&ny, 10, Some(6)));
    }
}

// Surveys: who sends them and reads their results, who answers, who may see a name.

/// Whether a viewer sends surveys for a cycle of this region (`None`: national) and closes
/// them: those who run the cycle.
pub fn may_send_survey(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer reads a survey's results (aggregates only) and exports them: those who
/// run its cycle.
pub fn may_see_survey_results(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer may answer a survey: only the people it asks, while it is open.
pub fn may_answer_survey(is_recipient: bool, is_open: bool) -> bool {
    is_recipient && is_open
}

/// Whether a viewer may open one named survey response (with a reason, which is logged)
/// and read the log of such openings: admins only. Coordinators, liaisons, mentors and
/// mentees never see who gave which answer.
pub fn may_open_named_response(viewer: &Viewer) -> bool {
    viewer.is_admin()
}

#[cfg(test)]
mod survey_tests {
    use super::*;
    use crate::platform::auth::roles::Grant;

    fn viewer(grants: &[(Role, Option<i64>)]) -> Viewer {
        Viewer {
            person_id: 1,
            name: "Test".into(),
            region_id: Some(5),
            grants: grants
                .iter()
                .map(|&(role, region_id)| Grant { role, region_id })
                .collect(),
            session_digest: String::new(),
        }
    }

    #[test]
    fn coordinators_send_and_read_their_regions_surveys_and_admins_all() {
        let ny = viewer(&[(Role::Coordinator, Some(5))]);
        let admin = viewer(&[(Role::Admin, None)]);
        let mentor = viewer(&[(Role::Mentor, None)]);
        assert!(may_send_survey(&ny, &[5]) && may_see_survey_results(&ny, &[5]));
        assert!(!may_send_survey(&ny, &[6]) && !may_see_survey_results(&ny, &[]));
        assert!(may_send_survey(&admin, &[]) && may_see_survey_results(&admin, &[6]));
        assert!(!may_send_survey(&mentor, &[5]) && !may_see_survey_results(&mentor, &[5]));
    }

    #[test]
    fn only_admins_open_named_responses() {
        let cases = [
            (viewer(&[(Role::Admin, None)]), true),
            (viewer(&[(Role::Coordinator, Some(5))]), false),
            (viewer(&[(Role::Guide, None)]), false),
            (viewer(&[(Role::Mentor, None)]), false),
            (viewer(&[(Role::Mentee, None)]), false),
        ];
        for (who, expected) in cases {
            assert_eq!(may_open_named_response(&who), expected);
        }
    }

    #[test]
    fn only_recipients_answer_and_only_while_open() {
        assert!(may_answer_survey(true, true));
        assert!(!may_answer_survey(true, false));
        assert!(!may_answer_survey(false, true));
    }
}

// Mentorships: the pair works on it, its liaison and the coordinators of its cycle watch
// over it, and the private notes of its meetings are the pair's alone.

/// Whether a viewer may see a mentorship: its pair, its liaison, and those who run its cycle.
/// They see that meetings happened, never what was said. Anyone else is told it does not
/// exist.
pub fn may_view_mentorship(
    viewer: &Viewer,
    pair: (i64, i64),
    liaison_id: Option<i64>,
    cycle_regions: &[i64],
) -> bool {
    is_in_pair(viewer, pair)
        || liaison_id == Some(viewer.person_id)
        || may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer works on a mentorship: agreement, goals, meetings, fit, extension, an
/// early end and the closing reflection. Only the two people of the pair.
pub fn may_work_on_mentorship(viewer: &Viewer, pair: (i64, i64)) -> bool {
    is_in_pair(viewer, pair)
}

/// Whether a viewer may read the private notes of a pair's meetings: the two people of the
/// pair alone. Not their liaison, not a coordinator, not an admin; no export carries them.
pub fn may_read_private_notes(viewer: &Viewer, pair: (i64, i64)) -> bool {
    is_in_pair(viewer, pair)
}

/// Whether a viewer may end a mentorship and return its mentee to the pool after a poor fit:
/// those who run the cycle and the pair's liaison.
pub fn may_repair_mentorship(
    viewer: &Viewer,
    liaison_id: Option<i64>,
    cycle_regions: &[i64],
) -> bool {
    liaison_id == Some(viewer.person_id) || may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer may open a mentor's letter of service: the mentor, and those who run
/// the cycle (who may print it for them).
pub fn may_view_letter_of_service(viewer: &Viewer, mentor_id: i64, cycle_regions: &[i64]) -> bool {
    viewer.person_id == mentor_id || may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer may see a cycle's mentorship dashboard: those who run the cycle.
pub fn may_see_cycle_dashboard(viewer: &Viewer, cycle_regions: &[i64]) -> bool {
    may_manage_cycle(viewer, cycle_regions)
}

/// Whether a viewer may see the national mentorship dashboard (admins).
pub fn may_see_national_dashboard(viewer: &Viewer) -> bool {
    viewer.is_admin()
}

fn is_in_pair(viewer: &Viewer, (mentee_id, mentor_id): (i64, i64)) -> bool {
    viewer.person_id == mentee_id || viewer.person_id == mentor_id
}

#[cfg(test)]
mod mentorships_tests {
    use super::*;
    use crate::platform::auth::roles::Grant;

    fn viewer(id: i64, grants: &[(Role, Option<i64>)]) -> Viewer {
        Viewer {
            person_id: id,
            name: "Test".into(),
            region_id: Some(5),
            grants: grants
                .iter()
                .map(|&(role, region_id)| Grant { role, region_id })
                .collect(),
            session_digest: String::new(),
        }
    }

    const PAIR: (i64, i64) = (10, 20);

    #[test]
    fn private_notes_are_read_by_the_pair_alone() {
        let mentee = viewer(10, &[(Role::Mentee, None)]);
        let mentor = viewer(20, &[(Role::Mentor, None)]);
        let liaison = viewer(30, &[(Role::Coordinator, Some(5))]);
        let admin = viewer(40, &[(Role::Admin, None)]);
        let stranger = viewer(50, &[(Role::Mentee, None)]);
        assert!(may_read_private_notes(&mentee, PAIR));
        assert!(may_read_private_notes(&mentor, PAIR));
        for other in [&liaison, &admin, &stranger] {
            assert!(!may_read_private_notes(other, PAIR), "{}", other.person_id);
            assert!(!may_work_on_mentorship(other, PAIR), "{}", other.person_id);
        }
    }

    #[test]
    fn the_liaison_and_the_cycles_coordinators_watch_a_pair() {
        let liaison = viewer(30, &[(Role::Coordinator, Some(6))]);
        let ny = viewer(31, &[(Role::Coordinator, Some(5))]);
        let ca = viewer(32, &[(Role::Coordinator, Some(6))]);
        let admin = viewer(40, &[(Role::Admin, None)]);
        let stranger = viewer(50, &[(Role::Mentor, None)]);
        assert!(may_view_mentorship(&liaison, PAIR, Some(30), &[5]));
        assert!(may_view_mentorship(&ny, PAIR, Some(30), &[5]));
        assert!(may_view_mentorship(&admin, PAIR, None, &[]));
        assert!(!may_view_mentorship(&ca, PAIR, Some(30), &[5]));
        assert!(!may_view_mentorship(&stranger, PAIR, Some(30), &[5]));
        assert!(may_repair_mentorship(&liaison, Some(30), &[5]));
        assert!(!may_repair_mentorship(&ca, Some(30), &[5]));
        assert!(!may_repair_mentorship(&viewer(10, &[]), Some(30), &[5]));
    }

    #[test]
    fn dashboards_and_letters_follow_who_runs_the_cycle() {
        let ny = viewer(31, &[(Role::Coordinator, Some(5))]);
        let admin = viewer(40, &[(Role::Admin, None)]);
        assert!(may_see_cycle_dashboard(&ny, &[5]));
        assert!(!may_see_cycle_dashboard(&ny, &[6]));
        assert!(!may_see_cycle_dashboard(&ny, &[]));
        assert!(may_see_national_dashboard(&admin));
        assert!(!may_see_national_dashboard(&ny));
        assert!(may_view_letter_of_service(&viewer(20, &[]), 20, &[5]));
        assert!(!may_view_letter_of_service(&viewer(10, &[]), 20, &[5]));
    }
}
