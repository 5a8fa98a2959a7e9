//! The coordinator network: terms and the grants that follow them, coverage, the map,
//! succession alerts and applications.

use axum::http::StatusCode;
use carrel_app::network::succession;
use carrel_app::platform::auth::roles::Role;
use chrono::Days;

use crate::harness::TestApp;

fn in_days(days: i64) -> String {
    let today = succession::today();
    let moved = if days < 0 {
        today.checked_sub_days(Days::new(days.unsigned_abs()))
    } else {
        today.checked_add_days(Days::new(days as u64))
    };
    moved.unwrap().to_string()
}

async fn admin_browser(app: &TestApp) -> TestApp {
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = app.other_browser();
    admin.sign_in("admin@example.org").await;
    admin
}

async fn appoint(
    admin: &mut TestApp,
    region: &str,
    person: &str,
    role: &str,
    from: i64,
    to: i64,
) -> crate::harness::TestResponse {
    admin
        .post_form(
            &format!("/admin/regions/{region}/terms"),
            &[
                ("person", person),
                ("role", role),
                ("starts_on", &in_days(from)),
                ("ends_on", &in_days(to)),
            ],
        )
        .await
}

#[tokio::test]
async fn an_appointed_coordinator_holds_the_role_during_the_term_and_loses_it_when_it_ends() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    app.person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    let mut browser = app.other_browser();
    browser.sign_in("mentor@example.org").await;
    assert_eq!(browser.get("/people").await.status, StatusCode::FORBIDDEN);

    // Act
    let appointed = appoint(&mut admin, "NY", "mentor@example.org", "lead", -1, 365).await;
    let while_serving = browser.get("/people").await.status;
    let terms = admin.get("/admin/regions/NY/terms").await;
    let term_id = terms
        .body
        .split("/admin/terms/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    let ended = admin
        .post_form(&format!("/admin/terms/{term_id}/end"), &[])
        .await;
    let after = browser.get("/people").await.status;

    // Assert
    assert_eq!(
        appointed.status,
        StatusCode::SEE_OTHER,
        "{}",
        appointed.body
    );
    assert_eq!(while_serving, StatusCode::OK);
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(after, StatusCode::FORBIDDEN);
    let history = admin.get("/admin/regions/NY/terms").await.body;
    assert!(
        history.contains("Person mentor@example.org"),
        "history kept"
    );
    assert!(history.contains("past"));
}

#[tokio::test]
async fn a_term_that_ends_before_it_starts_is_refused_at_the_field_keeping_what_was_typed() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    app.person("mentor@example.org", &[(Role::Mentor, None)])
        .await;

    // Act
    let response = appoint(&mut admin, "VT", "mentor@example.org", "backup", 30, 10).await;

    // Assert
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .body
        .contains("The term must end on or after the day it starts."));
    assert!(response.body.contains(&in_days(30)));
    assert!(response.body.contains(r#"value="backup" checked"#));
}

#[tokio::test]
async fn overlapping_terms_of_the_same_role_are_refused_but_a_successor_is_accepted() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    app.person("first@example.org", &[(Role::Mentor, None)])
        .await;
    app.person("second@example.org", &[(Role::Mentor, None)])
        .await;
    appoint(&mut admin, "VT", "first@example.org", "lead", -100, 30).await;

    // Act
    let overlapping = appoint(&mut admin, "VT", "second@example.org", "lead", 20, 400).await;
    let successor = appoint(&mut admin, "VT", "second@example.org", "lead", 31, 400).await;

    // Assert
    assert_eq!(overlapping.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(overlapping.body.contains("already has a lead term"));
    assert_eq!(successor.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_map_draws_every_region_as_a_titled_link_with_a_legend_and_a_table() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut visitor = app.other_browser();

    // Act
    let response = visitor.get("/network/map").await;

    // Assert
    assert_eq!(response.status, StatusCode::OK);
    let body = &response.body;
    let svg = &body[body.find("<svg").unwrap()..body.find("</svg>").unwrap()];
    assert_eq!(svg.matches("<a href=\"/regions/").count(), 56);
    assert_eq!(svg.matches("class=\"map-shape\"").count(), 56);
    assert_eq!(
        svg.matches("<rect x=").count(),
        5,
        "one inset per territory"
    );
    assert!(svg.contains("<title>New York: Gap (no active coordinator)</title>"));
    assert!(svg.contains("<title>Puerto Rico: Gap"));
    assert!(svg.contains("fill=\"url(#fill-gap)\""));
    assert!(svg.contains("<desc id=\"map-desc\">"));
    assert!(body.contains("class=\"map-legend\""));
    assert!(body.contains("<caption>Coverage of every region"));
    assert!(body.contains("<th scope=\"row\"><a href=\"/regions/GU\">Guam</a></th>"));
}

#[tokio::test]
async fn the_map_shows_a_covered_region_and_the_national_page_counts_it() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    app.person("lead@example.org", &[(Role::Mentor, None)])
        .await;
    app.person("backup@example.org", &[(Role::Mentor, None)])
        .await;
    appoint(&mut admin, "OH", "lead@example.org", "lead", -10, 500).await;
    appoint(&mut admin, "OH", "backup@example.org", "backup", -10, 500).await;
    let mut visitor = app.other_browser();

    // Act
    let map = visitor.get("/network/map").await;
    let national = visitor.get("/network").await;
    let member_view = admin.get("/network").await;

    // Assert
    assert!(map.body.contains("<title>Ohio: Covered"));
    assert!(national.body.contains("Covered</span> 1 region"));
    assert!(national.body.contains("Gap</span> 55 regions"));
    assert!(
        !national.body.contains("Person lead@example.org"),
        "visitors see counts, not names"
    );
    assert!(member_view.body.contains("Person lead@example.org (Lead)"));
}

#[tokio::test]
async fn the_national_page_links_to_the_cohorts_only_for_members() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut member = app.other_browser();
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    member.sign_in("mentee@example.org").await;
    let mut visitor = app.other_browser();

    // Act
    let visitor_view = visitor.get("/network").await;
    let member_view = member.get("/network").await;

    // Assert
    let link = "<a href=\"/cohorts\">All cohorts</a>";
    assert!(
        !visitor_view.body.contains(link),
        "the cohort list asks visitors to sign in, so they are not sent there"
    );
    assert!(member_view.body.contains(link));
}

#[tokio::test]
async fn admins_see_a_term_ending_without_successor_on_their_home_page() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    app.person("lead@example.org", &[(Role::Mentor, None)])
        .await;
    app.person("backup@example.org", &[(Role::Mentor, None)])
        .await;
    appoint(&mut admin, "OH", "lead@example.org", "lead", -300, 30).await;
    appoint(&mut admin, "OH", "backup@example.org", "backup", -300, 500).await;

    // Act
    let home = admin.get("/").await;

    // Assert
    assert!(home.body.contains("Succession alerts"));
    let expected = format!(
        "Person lead@example.org&#39;s term as lead of Ohio ends on {} and no successor is \
         appointed.",
        in_days(30)
    );
    assert!(home.body.contains(&expected), "{}", home.body);
    assert!(home.body.contains("Vermont has no active coordinator."));
}

#[tokio::test]
async fn the_daily_alert_email_goes_to_each_admin_once_however_many_runs() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let today = succession::today();

    // Act
    let first = succession::send_daily_alerts(&app.db, "http://carrel.test", today)
        .await
        .unwrap();
    let second = succession::send_daily_alerts(&app.db, "http://carrel.test", today)
        .await
        .unwrap();

    // Assert
    assert!(first && !second);
    let emails = app.emails_to("admin@example.org").await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains("Alabama has no active coordinator."));
    assert!(emails[0].contains("http://carrel.test/admin/regions/AL/terms"));
}

#[tokio::test]
async fn terms_that_start_later_give_the_role_on_their_first_day_through_the_daily_sync() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    let mentor = app
        .person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    appoint(&mut admin, "NY", "mentor@example.org", "backup", 10, 400).await;
    let grants = || carrel_app::platform::auth::session::grants_of(&app.db, mentor);
    assert!(!grants()
        .await
        .unwrap()
        .iter()
        .any(|g| g.role == Role::Coordinator));

    // Act
    let later = succession::today().checked_add_days(Days::new(10)).unwrap();
    carrel_app::network::terms::sync_all(&app.db, later)
        .await
        .unwrap();

    // Assert
    assert!(grants()
        .await
        .unwrap()
        .iter()
        .any(|g| g.role == Role::Coordinator));
}

#[tokio::test]
async fn a_mentor_applies_and_the_admin_sees_the_candidate_with_what_qualifies_them() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = admin_browser(&app).await;
    app.person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    let mut browser = app.other_browser();
    browser.sign_in("mentor@example.org").await;

    // Act
    let applied = browser
        .post_form(
            "/network/apply",
            &[
                ("region", "VT"),
                ("statement", "I run our county's mentoring lunches."),
            ],
        )
        .await;
    let again = browser
        .post_form(
            "/network/apply",
            &[("region", "VT"), ("statement", "Again")],
        )
        .await;
    let page = admin.get("/admin/regions/VT/terms").await;
    appoint(&mut admin, "VT", "mentor@example.org", "lead", 0, 300).await;
    let after = admin.get("/admin/regions/VT/terms").await;

    // Assert
    assert_eq!(applied.status, StatusCode::SEE_OTHER);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("You have already applied for Vermont"));
    assert!(page
        .body
        .contains("I run our county&#39;s mentoring lunches."));
    assert!(page.body.contains("Mentorships completed"));
    assert!(
        after.body.contains("No open application."),
        "appointing closes it"
    );
}

#[tokio::test]
async fn a_region_page_shows_coverage_to_all_and_supply_and_demand_from_waiting_cycles() {
    // Arrange
    use crate::cycles::{cycle_in, mentee_in, mentor_in, set_stage};
    use carrel_app::cycles::applications;
    use carrel_app::cycles::state::CycleState;

    let app = TestApp::spawn().await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let open = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let waiting = mentee_in(&app, open, "waiting@example.org", &["leadership"]).await;
    set_stage(&app, waiting, "early").await;
    mentor_in(&app, open, "mentor@example.org", &["leadership"], 3).await;
    let published = cycle_in(&app, Some("NY"), CycleState::Published).await;
    let matched = mentee_in(&app, published, "matched@example.org", &["leadership"]).await;
    set_stage(&app, matched, "early").await;
    let national = cycle_in(&app, None, CycleState::Matching).await;
    let elsewhere = app
        .person_in("elsewhere@example.org", "CA", &[(Role::Mentee, None)])
        .await;
    set_stage(&app, elsewhere, "early").await;
    let application = crate::cycles::application(&app, &["leadership"]).await;
    applications::save_applications(&app.db, national, &[(elsewhere, application)])
        .await
        .unwrap();
    let mut coordinator = app.other_browser();
    coordinator.sign_in("coordinator@example.org").await;
    let mut visitor = app.other_browser();

    // Act
    let seen = coordinator.get("/regions/NY").await;
    let public = visitor.get("/regions/NY").await;
    let nation = coordinator.get("/network").await;

    // Assert
    assert!(public.body.contains("status-gap"));
    assert!(!public.body.contains("Places offered"));
    assert!(seen.body.contains("Places offered"));
    let early = "<th scope=\"row\">Early career (0–5 years)</th>";
    assert!(
        seen.body
            .contains(&format!("{early}<td>1</td><td>1</td><td>3</td>")),
        "one waiting in New York, not the matched one nor California's: {}",
        seen.body
    );
    assert!(
        nation
            .body
            .contains(&format!("{early}<td>2</td><td>1</td><td>3</td>")),
        "the nation counts California's too: {}",
        nation.body
    );
    assert!(nation
        .body
        .contains("<th scope=\"row\">All stages</th><td>2</td><td>1</td><td>3</td>"));
}
