//! Self-match: mentees browse their suggested mentors and ask one; mentors accept or decline;
//! a mentor's capacity holds even when two acceptances arrive at once.

use axum::http::StatusCode;
use carrel_app::cycles::cycle;
use carrel_app::cycles::self_match::{self, Outcome};
use carrel_app::cycles::state::CycleState;
use carrel_app::platform::auth::roles::Role;

use crate::cycles::{cycle_in, mentee_in, mentor_in};
use crate::harness::TestApp;

/// A published New York cycle that lets mentees choose.
async fn self_match_cycle(app: &TestApp) -> i64 {
    let id = cycle_in(app, Some("NY"), CycleState::Published).await;
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE cycles SET self_match = TRUE WHERE id = $1").bind(id)
    )
    .unwrap();
    id
}

async fn browser(app: &TestApp, email: &str) -> TestApp {
    let mut browser = app.other_browser();
    browser.sign_in(email).await;
    browser
}

async fn request_id(app: &TestApp, mentee_id: i64) -> i64 {
    let (id,): (i64,) = carrel_app::on_db!(&app.db, |pool| sqlx::query_as(
        "SELECT id FROM match_requests WHERE mentee_id = $1 ORDER BY id DESC LIMIT 1"
    )
    .bind(mentee_id)
    .fetch_one(pool)
    .await)
    .unwrap();
    id
}

async fn mentorships_of(app: &TestApp, mentor_id: i64) -> i64 {
    let (count,): (i64,) = carrel_app::on_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM mentorships WHERE mentor_id = $1"
    )
    .bind(mentor_id)
    .fetch_one(pool)
    .await)
    .unwrap();
    count
}

#[tokio::test]
async fn a_mentee_asks_a_suggested_mentor_who_accepts_and_the_mentorship_begins() {
    // Arrange
    let app = TestApp::spawn().await;
    let id = self_match_cycle(&app).await;
    let ana = mentee_in(&app, id, "ana@example.org", &["leadership"]).await;
    let lead = mentor_in(&app, id, "lead@example.org", &["leadership"], 2).await;
    let mut mentee = browser(&app, "ana@example.org").await;
    let mut mentor = browser(&app, "lead@example.org").await;

    // Act
    let suggestions = mentee.get(&format!("/cycles/{id}/mentors")).await;
    let sent = mentee
        .post_form(
            &format!("/cycles/{id}/mentors/request"),
            &[
                ("mentor", &lead.to_string()),
                ("message", "I lead a new team and want to do it well."),
            ],
        )
        .await;
    let received = mentor.get(&format!("/cycles/{id}/requests")).await;
    let request = request_id(&app, ana).await;
    let accepted = mentor
        .post_form(
            &format!("/match-requests/{request}/answer"),
            &[("answer", "accept"), ("reply", "Glad to.")],
        )
        .await;
    let after = mentee.get(&format!("/cycles/{id}/mentors")).await;

    // Assert
    assert_eq!(suggestions.status, StatusCode::OK);
    assert!(suggestions.body.contains("Person lead@example.org"));
    assert!(
        suggestions.body.contains("shares your need"),
        "reasons in words"
    );
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(app.emails_to("lead@example.org").await[0].contains("want to do it well"));
    assert!(received.body.contains("I lead a new team"));
    assert_eq!(accepted.status, StatusCode::SEE_OTHER);
    assert_eq!(mentorships_of(&app, lead).await, 1);
    let told = app.emails_to("ana@example.org").await;
    assert!(told.iter().any(|m| m.contains("your mentorship has begun")));
    assert!(after.body.contains("Accepted: your mentorship has begun"));
    let (solver, status): (String, String) = carrel_app::on_db!(&app.db, |pool| sqlx::query_as(
        "SELECT solver, status FROM proposals WHERE mentee_id = $1"
    )
    .bind(ana)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!((solver.as_str(), status.as_str()), ("self", "accepted"));
}

#[tokio::test]
async fn an_empty_message_is_refused_at_the_field_and_a_second_request_to_the_same_mentor_too() {
    // Arrange
    let app = TestApp::spawn().await;
    let id = self_match_cycle(&app).await;
    mentee_in(&app, id, "ana@example.org", &["leadership"]).await;
    let lead = mentor_in(&app, id, "lead@example.org", &["leadership"], 2).await;
    let mut mentee = browser(&app, "ana@example.org").await;
    let path = format!("/cycles/{id}/mentors/request");
    let mentor = lead.to_string();

    // Act
    let empty = mentee
        .post_form(&path, &[("mentor", &mentor), ("message", "  ")])
        .await;
    let first = mentee
        .post_form(&path, &[("mentor", &mentor), ("message", "Hello")])
        .await;
    let again = mentee
        .post_form(&path, &[("mentor", &mentor), ("message", "Hello again")])
        .await;

    // Assert
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Write a few words to the mentor"));
    assert!(empty
        .body
        .contains(&format!("aria-describedby=\"message-{lead}-error\"")));
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("already asked this mentor"));
    assert!(again.body.contains("Hello again"), "what was typed is kept");
}

#[tokio::test]
async fn two_acceptances_for_a_mentors_last_place_at_once_make_one_mentorship() {
    // Arrange: a mentor with one place, asked by two mentees.
    let app = TestApp::spawn().await;
    let id = self_match_cycle(&app).await;
    let ana = mentee_in(&app, id, "ana@example.org", &["leadership"]).await;
    let bo = mentee_in(&app, id, "bo@example.org", &["leadership"]).await;
    let lead = mentor_in(&app, id, "lead@example.org", &["leadership"], 1).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();
    for mentee in [ana, bo] {
        self_match::send(&app.db, &cycle, mentee, lead, 500, "Hello", "http://x")
            .await
            .unwrap()
            .unwrap();
    }
    let first = self_match::find(&app.db, request_id(&app, ana).await)
        .await
        .unwrap()
        .unwrap();
    let second = self_match::find(&app.db, request_id(&app, bo).await)
        .await
        .unwrap()
        .unwrap();

    // Act
    let (a, b) = tokio::join!(
        self_match::accept(&app.db, &first),
        self_match::accept(&app.db, &second),
    );

    // Assert
    let outcomes = [a.unwrap(), b.unwrap()];
    let started = outcomes
        .iter()
        .filter(|o| matches!(o, Outcome::Mentorship(_)))
        .count();
    assert_eq!(started, 1, "{outcomes:?}");
    assert!(outcomes.contains(&Outcome::Full), "{outcomes:?}");
    assert_eq!(mentorships_of(&app, lead).await, 1);
    assert_eq!(self_match::free_places(&app.db, id, lead).await.unwrap(), 0);
}

#[tokio::test]
async fn a_mentor_without_a_free_place_is_told_so_and_the_request_still_waits() {
    // Arrange: the only place went to Ana; Bo's request is still waiting.
    let app = TestApp::spawn().await;
    let id = self_match_cycle(&app).await;
    let ana = mentee_in(&app, id, "ana@example.org", &["leadership"]).await;
    let bo = mentee_in(&app, id, "bo@example.org", &["leadership"]).await;
    let lead = mentor_in(&app, id, "lead@example.org", &["leadership"], 1).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();
    for mentee in [ana, bo] {
        self_match::send(&app.db, &cycle, mentee, lead, 500, "Hello", "http://x")
            .await
            .unwrap()
            .unwrap();
    }
    let mut mentor = browser(&app, "lead@example.org").await;
    let first = request_id(&app, ana).await;
    let second = request_id(&app, bo).await;
    mentor
        .post_form(
            &format!("/match-requests/{first}/answer"),
            &[("answer", "accept")],
        )
        .await;

    // Act
    let refused = mentor
        .post_form(
            &format!("/match-requests/{second}/answer"),
            &[("answer", "accept"), ("reply", "Let me see")],
        )
        .await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("no free place left"));
    assert!(
        refused.body.contains("Let me see"),
        "the reply typed is kept"
    );
    let waiting = self_match::find(&app.db, second).await.unwrap().unwrap();
    assert_eq!(waiting.status, "waiting");
    assert_eq!(mentorships_of(&app, lead).await, 1);
}

#[tokio::test]
async fn a_decline_tells_the_mentee_and_leaves_the_mentor_out_of_their_suggestions() {
    // Arrange
    let app = TestApp::spawn().await;
    let id = self_match_cycle(&app).await;
    let ana = mentee_in(&app, id, "ana@example.org", &["leadership"]).await;
    let lead = mentor_in(&app, id, "lead@example.org", &["leadership"], 1).await;
    mentor_in(&app, id, "other@example.org", &["leadership"], 1).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();
    self_match::send(&app.db, &cycle, ana, lead, 500, "Hello", "http://x")
        .await
        .unwrap()
        .unwrap();
    let mut mentor = browser(&app, "lead@example.org").await;
    let request = request_id(&app, ana).await;

    // Act
    let declined = mentor
        .post_form(
            &format!("/match-requests/{request}/answer"),
            &[("answer", "decline"), ("reply", "My year is full.")],
        )
        .await;
    let topics = carrel_app::people::profile::list_topics(&app.db)
        .await
        .unwrap();
    let suggestions = self_match::suggestions(&app.db, &cycle, &topics, ana)
        .await
        .unwrap();

    // Assert
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    let told = app.emails_to("ana@example.org").await;
    assert!(told.iter().any(|m| m.contains("My year is full.")));
    assert!(suggestions.iter().all(|s| s.mentor_id != lead));
    assert!(!suggestions.is_empty(), "the other mentor is suggested");
}

#[tokio::test]
async fn a_cycle_without_self_match_takes_no_requests_and_only_the_mentor_answers() {
    // Arrange
    let app = TestApp::spawn().await;
    let plain = cycle_in(&app, Some("NY"), CycleState::Published).await;
    mentee_in(&app, plain, "ana@example.org", &["leadership"]).await;
    let lead = mentor_in(&app, plain, "lead@example.org", &["leadership"], 1).await;
    let id = self_match_cycle(&app).await;
    let bo = mentee_in(&app, id, "bo@example.org", &["leadership"]).await;
    let other = mentor_in(&app, id, "other@example.org", &["leadership"], 1).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();
    self_match::send(&app.db, &cycle, bo, other, 500, "Hello", "http://x")
        .await
        .unwrap()
        .unwrap();
    let request = request_id(&app, bo).await;
    let mut mentee = browser(&app, "ana@example.org").await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = browser(&app, "coordinator@example.org").await;

    // Act
    let page = mentee.get(&format!("/cycles/{plain}/mentors")).await;
    let refused = mentee
        .post_form(
            &format!("/cycles/{plain}/mentors/request"),
            &[("mentor", &lead.to_string()), ("message", "Hello")],
        )
        .await;
    let not_theirs = coordinator
        .post_form(
            &format!("/match-requests/{request}/answer"),
            &[("answer", "accept")],
        )
        .await;

    // Assert
    assert!(page.body.contains("Your coordinators propose every match"));
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(not_theirs.status, StatusCode::NOT_FOUND);
    assert_eq!(mentorships_of(&app, other).await, 0);
}

/// For the access table: a waiting request in a New York self-match cycle between two
/// people none of the table's browsers is.
pub async fn access_fixture(app: &TestApp) -> i64 {
    let id = self_match_cycle(app).await;
    let mentee = mentee_in(app, id, "sm.mentee@example.org", &["leadership"]).await;
    let mentor = mentor_in(app, id, "sm.mentor@example.org", &["leadership"], 1).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();
    self_match::send(&app.db, &cycle, mentee, mentor, 500, "Hello", "http://x")
        .await
        .unwrap()
        .unwrap()
}

/// For the access table: a draft cycle for the group of New York and New Jersey.
pub async fn group_cycle(app: &TestApp) -> i64 {
    let id = cycle_in(app, None, CycleState::Draft).await;
    for code in ["NY", "NJ"] {
        let region = app.region_id(code).await;
        carrel_app::execute!(
            &app.db,
            sqlx::query("INSERT INTO cycle_regions (cycle_id, region_id) VALUES ($1, $2)")
                .bind(id)
                .bind(region)
        )
        .unwrap();
    }
    id
}
