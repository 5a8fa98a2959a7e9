//! Cohorts, readiness, graduation and mentor circles.

use axum::http::StatusCode;
use carrel_app::platform::auth::roles::Role;
use carrel_app::platform::auth::session::grants_of;

use crate::harness::TestApp;

/// An admin, a guide who leads the cohort, and two coordinators, each signed in in their
/// own browser; returns (admin, lead, first member, second member, cohort path, member ids).
struct Cohort {
    admin: TestApp,
    lead: TestApp,
    ana: TestApp,
    ben: TestApp,
    path: String,
    ana_id: i64,
    ben_id: i64,
}

async fn cohort_with_two_members(app: &TestApp) -> Cohort {
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let lead_id = app
        .person(
            "lead@example.org",
            &[(Role::Guide, None), (Role::Mentor, None)],
        )
        .await;
    let ana_id = app
        .person("ana@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let ben_id = app
        .person_in("ben@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    let mut admin = app.other_browser();
    admin.sign_in("admin@example.org").await;
    let created = admin
        .post_form(
            "/admin/cohorts",
            &[
                ("name", "Cohort 2026"),
                ("starts_on", "2026-01-15"),
                ("ends_on", "2026-12-15"),
                ("lead", &lead_id.to_string()),
                ("min_convenings", "4"),
                ("min_resources", "1"),
                ("min_sessions", "1"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let path = created.location().to_owned();
    for id in [ana_id, ben_id] {
        let enrolled = admin
            .post_form(
                &format!("{path}/members"),
                &[("coordinator", &id.to_string())],
            )
            .await;
        assert_eq!(enrolled.status, StatusCode::SEE_OTHER);
    }
    let mut browsers = Vec::new();
    for email in ["lead@example.org", "ana@example.org", "ben@example.org"] {
        let mut browser = app.other_browser();
        browser.sign_in(email).await;
        browsers.push(browser);
    }
    let ben = browsers.pop().unwrap();
    let ana = browsers.pop().unwrap();
    let lead = browsers.pop().unwrap();
    Cohort {
        admin,
        lead,
        ana,
        ben,
        path,
        ana_id,
        ben_id,
    }
}

async fn log(browser: &mut TestApp, path: &str, person: i64, kind: &str, times: usize) {
    for n in 0..times {
        let response = browser
            .post_form(
                &format!("{path}/records"),
                &[
                    ("person", &person.to_string()),
                    ("kind", kind),
                    ("occurred_on", &format!("2026-0{}-10", n + 2)),
                    ("note", "Logged in a test"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
}

fn module_id(body: &str) -> String {
    let start = body.find("/modules/").expect("a module form") + "/modules/".len();
    body[start..].split('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_new_cohort_has_the_default_requirements_and_enrolling_someone_twice_gets_a_message() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;

    // Act
    let page = cohort.admin.get(&cohort.path).await;
    let twice = cohort
        .admin
        .post_form(
            &format!("{}/members", cohort.path),
            &[("coordinator", &cohort.ana_id.to_string())],
        )
        .await;

    // Assert
    assert!(page
        .body
        .contains("attends at least 4 coordinator convenings"));
    assert!(page
        .body
        .contains("contributes at least 1 published resources"));
    assert!(page.body.contains("co-facilitates at least 1 sessions"));
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(twice
        .body
        .contains("Person ana@example.org is already enrolled in this cohort."));
}

#[tokio::test]
async fn a_cohort_that_ends_before_it_starts_is_refused_keeping_what_was_typed() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = app.other_browser();
    admin.sign_in("admin@example.org").await;

    // Act
    let response = admin
        .post_form(
            "/admin/cohorts",
            &[
                ("name", "Cohort backwards"),
                ("starts_on", "2026-06-01"),
                ("ends_on", "2026-01-01"),
                ("min_convenings", "6"),
                ("min_resources", "1"),
                ("min_sessions", "1"),
            ],
        )
        .await;

    // Assert
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .body
        .contains("The cohort must end on or after the day it starts."));
    assert!(response.body.contains("value=\"Cohort backwards\""));
    assert!(response.body.contains("value=\"6\""));
}

#[tokio::test]
async fn readiness_is_shown_to_the_member_and_the_lead_but_not_to_classmates() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;
    log(
        &mut cohort.lead,
        &cohort.path,
        cohort.ben_id,
        "convening",
        1,
    )
    .await;

    // Act
    let lead_view = cohort.lead.get(&cohort.path).await;
    let ana_view = cohort.ana.get(&cohort.path).await;

    // Assert
    assert!(lead_view.body.contains("1 of 4 convenings attended"));
    assert!(lead_view.body.contains("0 of 4 convenings attended"));
    assert!(
        ana_view.body.contains("0 of 4 convenings attended"),
        "her own"
    );
    assert!(
        !ana_view.body.contains("1 of 4 convenings attended"),
        "not her classmate's"
    );
    assert!(
        ana_view.body.contains("Person ben@example.org"),
        "but who is in it"
    );
}

#[tokio::test]
async fn graduating_someone_not_ready_needs_a_reason_which_is_recorded() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;
    let graduate = format!("{}/members/{}/graduate", cohort.path, cohort.ana_id);

    // Act
    let refused = cohort.lead.post_form(&graduate, &[("reason", "")]).await;
    let approved = cohort
        .lead
        .post_form(&graduate, &[("reason", "Led the region through a vacancy")])
        .await;
    let page = cohort.admin.get(&cohort.path).await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("is not ready yet (0 of 4 convenings attended"));
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    assert!(page
        .body
        .contains("Reason recorded: Led the region through a vacancy"));
    assert!(page.body.contains("Graduated (approved by exception)"));
    let grants = grants_of(&app.db, cohort.ana_id).await.unwrap();
    assert!(grants.iter().any(|g| g.role == Role::Guide));
}

#[tokio::test]
async fn a_ready_coordinator_graduates_becomes_a_guide_and_gets_a_printable_certificate() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;
    let added = cohort
        .lead
        .post_form(
            &format!("{}/modules", cohort.path),
            &[
                ("title", "Reading a match"),
                ("due_on", "2026-03-01"),
                ("resource_url", "https://example.org/matching"),
            ],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let module = module_id(&cohort.ana.get(&cohort.path).await.body);
    cohort
        .ana
        .post_form(
            &format!("{}/modules/{module}/done", cohort.path),
            &[("done", "1")],
        )
        .await;
    log(
        &mut cohort.lead,
        &cohort.path,
        cohort.ana_id,
        "convening",
        4,
    )
    .await;
    log(&mut cohort.lead, &cohort.path, cohort.ana_id, "resource", 1).await;
    log(&mut cohort.lead, &cohort.path, cohort.ana_id, "session", 1).await;
    assert!(cohort
        .ana
        .get(&cohort.path)
        .await
        .body
        .contains("<strong>Ready</strong>"));

    // Act
    let graduated = cohort
        .lead
        .post_form(
            &format!("{}/members/{}/graduate", cohort.path, cohort.ana_id),
            &[("reason", "")],
        )
        .await;
    let certificate_path = format!("{}/certificates/{}", cohort.path, cohort.ana_id);
    let own = cohort.ana.get(&certificate_path).await;
    let classmate = cohort.ben.get(&certificate_path).await;

    // Assert
    assert_eq!(graduated.status, StatusCode::SEE_OTHER);
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Certificate of graduation"));
    assert!(own.body.contains("Person ana@example.org"));
    assert_eq!(classmate.status, StatusCode::FORBIDDEN);
    let page = cohort.admin.get(&cohort.path).await.body;
    assert!(!page.contains("approved by exception"));
    let grants = grants_of(&app.db, cohort.ana_id).await.unwrap();
    assert!(grants.iter().any(|g| g.role == Role::Guide));
    let emails = app.emails_to("ana@example.org").await;
    assert!(emails[0].contains(&certificate_path));
}

#[tokio::test]
async fn a_module_link_that_is_not_https_or_a_carrel_path_is_refused() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;

    // Act
    let response = cohort
        .lead
        .post_form(
            &format!("{}/modules", cohort.path),
            &[("title", "Tricky"), ("resource_url", "javascript:alert(1)")],
        )
        .await;

    // Assert
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .body
        .contains("Enter an address starting with https://"));
    assert!(!cohort
        .ana
        .get(&cohort.path)
        .await
        .body
        .contains("javascript:"));
}

#[tokio::test]
async fn a_guide_starts_a_circle_a_mentor_asks_to_join_and_once_accepted_reads_its_notes() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person(
        "guide@example.org",
        &[(Role::Guide, None), (Role::Mentor, None)],
    )
    .await;
    let mentor = app
        .person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    let mut guide = app.other_browser();
    guide.sign_in("guide@example.org").await;
    let mut browser = app.other_browser();
    browser.sign_in("mentor@example.org").await;
    let created = guide
        .post_form(
            "/circles",
            &[
                ("name", "Ohio mentors"),
                ("region", "OH"),
                ("topic", "leadership"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let circle = created.location().to_owned();
    guide
        .post_form(
            &format!("{circle}/notes"),
            &[("body", "Bring one question from your first meeting.")],
        )
        .await;

    // Act
    let before = browser.get(&circle).await;
    let asked = browser.post_form(&format!("{circle}/join"), &[]).await;
    let accepted = guide
        .post_form(&format!("{circle}/requests/{mentor}/accept"), &[])
        .await;
    let gathering = guide
        .post_form(
            &format!("{circle}/gatherings"),
            &[("held_on", "2026-02-03"), ("note", "First gathering")],
        )
        .await;
    let after = browser.get(&circle).await;

    // Assert
    assert!(before.body.contains("Ask to join"));
    assert!(!before.body.contains("Bring one question"));
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert_eq!(gathering.status, StatusCode::SEE_OTHER);
    assert!(after
        .body
        .contains("Bring one question from your first meeting."));
    assert!(after.body.contains("First gathering"));
    assert!(after.body.contains("Ohio · Leadership"));
    assert!(!after.body.contains("Ask to join"));
}

#[tokio::test]
async fn a_circle_needs_a_region_or_a_topic_and_a_gathering_needs_a_day() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("guide@example.org", &[(Role::Guide, None)])
        .await;
    let mut guide = app.other_browser();
    guide.sign_in("guide@example.org").await;

    // Act
    let no_focus = guide
        .post_form(
            "/circles",
            &[("name", "Somewhere"), ("description", "Kept")],
        )
        .await;
    let circle = guide
        .post_form(
            "/circles",
            &[("name", "Youth"), ("topic", "youth_services")],
        )
        .await
        .location()
        .to_owned();
    let no_day = guide
        .post_form(&format!("{circle}/gatherings"), &[("note", "Kept note")])
        .await;

    // Assert
    assert_eq!(no_focus.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_focus.body.contains("Choose a region, a topic or both"));
    assert!(no_focus.body.contains(">Kept</textarea>"));
    assert_eq!(no_day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_day.body.contains("Enter a date."));
    assert!(no_day.body.contains("value=\"Kept note\""));
}

// Readiness from the records of convenings and the library -----------------------------------

/// Backdates every enrollment by `days`, as if the cohort had been running that long.
async fn enrolled_days_ago(app: &TestApp, days: i64) {
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE cohort_members SET enrolled_at = $1")
            .bind(carrel_app::platform::db::now() - chrono::Duration::days(days))
    )
    .unwrap();
}

/// Moves a meeting into the past as the clock would: it started `hours` hours ago.
async fn took_place(app: &TestApp, id: i64, hours: i64) {
    let start = carrel_app::platform::db::now() - chrono::Duration::hours(hours);
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE convenings SET starts_at = $1, ends_at = $2 WHERE id = $3")
            .bind(start)
            .bind(start + chrono::Duration::hours(1))
            .bind(id)
    )
    .unwrap();
}

/// Plans a convening through the form; returns the ids of its meetings.
async fn planned(browser: &mut TestApp, audience: &str, meetings: i64, cohost: &str) -> Vec<i64> {
    let date = (chrono::Utc::now().date_naive() + chrono::Duration::days(20)).to_string();
    let (repeat, count) = if meetings > 1 {
        ("weekly", meetings.to_string())
    } else {
        ("none", "1".to_owned())
    };
    let response = browser
        .post_form(
            "/convenings/new",
            &[
                ("title", "A meeting that counts"),
                ("audience", audience),
                ("date", &date),
                ("start", "15:00"),
                ("end", "16:00"),
                ("time_zone", "America/New_York"),
                ("repeat", repeat),
                ("meetings", &count),
                ("cohost_email", cohost),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let first: i64 = response
        .location()
        .trim_start_matches("/convenings/")
        .parse()
        .unwrap();
    (first..first + meetings).collect()
}

/// The host marks a member present, by email, at a meeting that has started.
async fn mark_present(host: &mut TestApp, id: i64, email: &str) {
    let response = host
        .post_form(
            &format!("/convenings/{id}/attendance"),
            &[("attendee_email", email)],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
}

#[tokio::test]
async fn attending_network_and_cohort_convenings_while_enrolled_meets_the_attendance_requirement() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;
    let cohort_id = cohort.path.trim_start_matches("/cohorts/").to_owned();
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mut host = app.other_browser();
    host.sign_in("host@example.org").await;
    enrolled_days_ago(&app, 30).await;
    let network = planned(&mut host, "network", 4, "").await;
    let region = app.region_id("NY").await;
    let regional = planned(&mut host, &format!("region-{region}"), 1, "").await;
    let own = planned(&mut cohort.lead, &format!("cohort-{cohort_id}"), 1, "").await;
    took_place(&app, network[0], 60 * 24).await;
    for id in network.iter().skip(1).chain(&regional).chain(&own) {
        took_place(&app, *id, 2).await;
    }
    let before = cohort.ana.get(&cohort.path).await;

    // Act
    for id in network.iter().take(3).chain(&regional) {
        mark_present(&mut host, *id, "ana@example.org").await;
    }
    mark_present(&mut cohort.lead, own[0], "ana@example.org").await;
    let counted = cohort.ana.get(&cohort.path).await;
    mark_present(&mut host, network[3], "ana@example.org").await;
    let met = cohort.ana.get(&cohort.path).await;

    // Assert
    assert!(before.body.contains("0 of 4 convenings attended"));
    assert!(
        counted.body.contains("3 of 4 convenings attended"),
        "two network meetings and the cohort's; not the one before enrollment, not the \
         region's: {}",
        counted.body
    );
    assert!(!met.body.contains("convenings attended"), "{}", met.body);
    assert!(met.body.contains("0 of 1 resources contributed"));
}

#[tokio::test]
async fn publishing_a_resource_and_co_hosting_a_meeting_that_took_place_meet_their_requirements() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut cohort = cohort_with_two_members(&app).await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mut host = app.other_browser();
    host.sign_in("host@example.org").await;
    enrolled_days_ago(&app, 30).await;
    let before = cohort.ana.get(&cohort.path).await;

    // Act
    let form = crate::resources::resource_form("First meetings", "Agree on goals together.");
    let created = cohort.ana.post_form("/resources/new", &form).await;
    let resource = created.location().trim_end_matches("/edit").to_owned();
    let submitted = cohort
        .ana
        .post_form(&format!("{resource}/submit"), &[])
        .await;
    let in_review = cohort.ana.get(&cohort.path).await;
    cohort
        .ben
        .post_form(
            &format!("{resource}/review"),
            &[("decision", "approve"), ("comment", "Clear.")],
        )
        .await;
    let published = cohort.ana.get(&cohort.path).await;
    let meeting = planned(&mut host, "network", 1, "ana@example.org").await;
    let planned_only = cohort.ana.get(&cohort.path).await;
    took_place(&app, meeting[0], 2).await;
    let co_hosted = cohort.ana.get(&cohort.path).await;

    // Assert
    assert!(before.body.contains("0 of 1 resources contributed"));
    assert!(before.body.contains("0 of 1 sessions co-facilitated"));
    assert_eq!(submitted.status, StatusCode::SEE_OTHER);
    assert!(
        in_review.body.contains("0 of 1 resources contributed"),
        "not yet published"
    );
    assert!(
        !published.body.contains("resources contributed"),
        "{}",
        published.body
    );
    assert!(
        planned_only.body.contains("0 of 1 sessions co-facilitated"),
        "not yet held"
    );
    assert!(
        !co_hosted.body.contains("sessions co-facilitated"),
        "{}",
        co_hosted.body
    );
}
