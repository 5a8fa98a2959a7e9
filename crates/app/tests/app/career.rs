//! The career lifecycle: scheduled check-ins of career stage and needs, the timeline on the
//! profile, and the changed need flagged to the next cycle's coordinators.

use axum::http::StatusCode;
use carrel_app::cycles::career;
use carrel_app::cycles::state::CycleState;
use carrel_app::platform::auth::roles::Role;

use crate::cycles::{cycle_in, mentee_in};
use crate::harness::TestApp;

async fn joined_months_ago(app: &TestApp, person_id: i64, months: u32) {
    let at = career::cutoff(carrel_app::platform::db::now(), months);
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE people SET created_at = $1 WHERE id = $2")
            .bind(at)
            .bind(person_id)
    )
    .unwrap();
}

async fn browser(app: &TestApp, email: &str) -> TestApp {
    let mut browser = app.other_browser();
    browser.sign_in(email).await;
    browser
}

#[tokio::test]
async fn a_person_due_for_a_check_in_is_asked_once_by_email_and_on_their_home_page() {
    // Arrange
    let app = TestApp::spawn().await;
    let due = app.person("due@example.org", &[(Role::Mentee, None)]).await;
    app.person("recent@example.org", &[(Role::Mentee, None)])
        .await;
    joined_months_ago(&app, due, 7).await;
    let mut home = browser(&app, "due@example.org").await;
    let mut recent = browser(&app, "recent@example.org").await;

    // Act
    let first = career::ask_due(&app.db, "http://x", 6).await.unwrap();
    let second = career::ask_due(&app.db, "http://x", 6).await.unwrap();
    let page = home.get("/").await;
    let other = recent.get("/").await;

    // Assert
    assert_eq!((first, second), (1, 0), "once per period");
    let emails = app.emails_to("due@example.org").await;
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains("http://x/career"));
    assert!(app.emails_to("recent@example.org").await.is_empty());
    assert!(page.body.contains("Confirm your career stage and needs"));
    assert!(!other.body.contains("Confirm your career stage and needs"));
}

#[tokio::test]
async fn a_changed_need_goes_on_the_timeline_and_is_flagged_in_the_next_cycles_applications() {
    // Arrange
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let ana = mentee_in(&app, id, "ana@example.org", &["leadership"]).await;
    joined_months_ago(&app, ana, 7).await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut mentee = browser(&app, "ana@example.org").await;
    let mut coordinator = browser(&app, "coordinator@example.org").await;
    let before = coordinator.get(&format!("/cycles/{id}/applications")).await;

    // Act
    let form = mentee.get("/career").await;
    let saved = mentee
        .post_form(
            "/career",
            &[
                ("stage", "mid"),
                ("need_1", "grant_writing"),
                ("need_2", "leadership"),
            ],
        )
        .await;
    let home = mentee.get("/").await;
    let profile = coordinator.get(&format!("/people/{ana}")).await;
    let after = coordinator.get(&format!("/cycles/{id}/applications")).await;

    // Assert
    assert!(form.body.contains("It is time to check"));
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(!home.body.contains("Confirm your career stage and needs"));
    assert!(profile.body.contains("Career timeline"));
    assert!(profile.body.contains("Career stage and needs changed"));
    assert!(!before.body.contains("needs changed since last match"));
    assert!(after.body.contains("needs changed since last match"));
    let timeline = career::timeline(&app.db, ana).await.unwrap();
    assert_eq!(timeline[0].needs, "grant_writing,leadership");
}

#[tokio::test]
async fn a_bad_check_in_is_refused_at_its_fields_and_keeps_what_was_chosen() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    let mut mentee = browser(&app, "ana@example.org").await;

    // Act
    let refused = mentee
        .post_form(
            "/career",
            &[
                ("stage", "someday"),
                ("need_1", "grant_writing"),
                ("need_2", "grant_writing"),
                ("need_3", "astrology"),
            ],
        )
        .await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Choose your career stage."));
    assert!(refused.body.contains("This need is already ranked higher."));
    assert!(refused.body.contains("aria-describedby=\"need_3-error\""));
    assert!(refused
        .body
        .contains("<option value=\"grant_writing\" selected>"));
}

#[tokio::test]
async fn another_member_never_sees_someones_career_timeline() {
    // Arrange
    let app = TestApp::spawn().await;
    let ana = app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.person("bo@example.org", &[(Role::Mentee, None)]).await;
    let mut mentee = browser(&app, "ana@example.org").await;
    mentee
        .post_form("/career", &[("stage", "mid"), ("need_1", "leadership")])
        .await;
    let mut other = browser(&app, "bo@example.org").await;

    // Act
    let own = mentee.get(&format!("/people/{ana}")).await;
    let seen = other.get(&format!("/people/{ana}")).await;

    // Assert
    assert!(own.body.contains("Career timeline"));
    assert_eq!(seen.status, StatusCode::OK, "the profile itself is visible");
    assert!(!seen.body.contains("Career timeline"));
}
