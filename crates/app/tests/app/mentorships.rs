//! Mentorships: agreement, goals, meetings and their private notes, health and the daily
//! round, fit and re-pairing, ending well, home pages and dashboards.

use axum::http::StatusCode;
use carrel_app::cycles::applications;
use carrel_app::cycles::cycle;
use carrel_app::cycles::proposals::{self, Answered, Side};
use carrel_app::cycles::state::CycleState;
use carrel_app::mentorships::reminders;
use carrel_app::platform::auth::roles::Role;
use carrel_app::platform::db::now;
use carrel_app::surveys::builtin::{self, Audience};
use carrel_app::surveys::question::Value;
use carrel_app::surveys::store::{self as surveys, NewSurvey, Submitted};
use chrono::{Days, NaiveDate};

use crate::cycles::{application, cycle_in, offer};
use crate::harness::TestApp;

/// A mentorship between two existing people in a new New York cycle; returns its id.
pub async fn mentorship_between(app: &TestApp, mentee: i64, mentor: i64) -> i64 {
    let cycle_id = cycle_in(app, Some("NY"), CycleState::Published).await;
    let needs = application(app, &["leadership"]).await;
    applications::save_applications(&app.db, cycle_id, &[(mentee, needs)])
        .await
        .unwrap();
    let places = offer(app, &["leadership"], 2).await;
    applications::save_offers(&app.db, cycle_id, &[(mentor, places)])
        .await
        .unwrap();
    crate::cycles::set_stage(app, mentor, "senior").await;
    let cycle = cycle::find(&app.db, cycle_id).await.unwrap().unwrap();
    let id = proposals::propose_now(&app.db, &cycle, mentee, mentor, 400, "http://x")
        .await
        .unwrap()
        .unwrap();
    let proposal = proposals::find(&app.db, id).await.unwrap().unwrap();
    proposals::answer(&app.db, &proposal, Side::Mentee, true, "")
        .await
        .unwrap();
    let proposal = proposals::find(&app.db, id).await.unwrap().unwrap();
    let Answered::Mentorship(mentorship) =
        proposals::answer(&app.db, &proposal, Side::Mentor, true, "")
            .await
            .unwrap()
    else {
        panic!("both accepted")
    };
    mentorship
}

/// Moves a mentorship's start this many days into the past.
pub async fn began_days_ago(app: &TestApp, id: i64, days: u64) {
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE mentorships SET started_at = $1 WHERE id = $2")
            .bind(now() - chrono::Duration::days(days as i64))
            .bind(id)
    )
    .unwrap();
}

/// Logs a meeting this many days ago through the store.
async fn met_days_ago(app: &TestApp, id: i64, person: i64, days: u64, notes: &str) {
    let meeting = carrel_app::mentorships::store::NewMeeting {
        met_on: today() - Days::new(days),
        minutes: 60,
        mode: "video".into(),
        topics: "leadership".into(),
        private_notes: notes.into(),
    };
    carrel_app::mentorships::store::log_meeting(&app.db, id, &meeting, person)
        .await
        .unwrap();
}

fn today() -> NaiveDate {
    now().date_naive()
}

/// A New York coordinator (the liaison), a mentee and a mentor in a mentorship.
struct Pair {
    id: i64,
    mentee: i64,
    mentor: i64,
}

async fn pair(app: &TestApp) -> Pair {
    app.person("liaison@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mentee = app
        .person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    let mentor = app
        .person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    let id = mentorship_between(app, mentee, mentor).await;
    Pair { id, mentee, mentor }
}

async fn browser(app: &TestApp, email: &str) -> TestApp {
    let mut browser = app.other_browser();
    browser.sign_in(email).await;
    browser
}

/// For the access table: an active mentorship of the table's mentee and mentor with a goal,
/// and an ended one of the same pair in another cycle.
pub async fn access_fixture(app: &TestApp, mentee: i64, mentor: i64) -> Vec<(&'static str, i64)> {
    let active = mentorship_between(app, mentee, mentor).await;
    let goal = carrel_app::mentorships::store::add_goal(&app.db, active, "Lead", &[], mentee)
        .await
        .unwrap();
    let ended = mentorship_between(app, mentee, mentor).await;
    carrel_app::mentorships::store::close(&app.db, ended, "completed", "")
        .await
        .unwrap();
    vec![
        ("{mentorship}", active),
        ("{goal}", goal),
        ("{ended}", ended),
    ]
}

#[tokio::test]
async fn one_of_the_pair_writes_the_agreement_and_the_other_confirms_it() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    let mut mentee = browser(&app, "mentee@example.org").await;
    let mut mentor = browser(&app, "mentor@example.org").await;
    let ends_on = (today() + Days::new(200)).to_string();
    let path = format!("/mentorships/{}/agreement", p.id);

    // Act
    let saved = mentee
        .post_form(
            &path,
            &[
                ("goals", "Lead a team project by spring."),
                ("cadence", "biweekly"),
                ("meeting_mode", "video"),
                ("confidentiality", "Between us."),
                ("ends_on", &ends_on),
            ],
        )
        .await;
    let before = mentor.get(&format!("/mentorships/{}", p.id)).await;
    let confirmed = mentor.post_form(&format!("{path}/confirm"), &[]).await;
    let after = mentor.get(&format!("/mentorships/{}", p.id)).await;

    // Assert
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(
        before.body.contains("by the mentor: not yet"),
        "{}",
        before.body
    );
    assert!(before.body.contains("I confirm this agreement"));
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert!(after
        .body
        .contains("Confirmed by the mentee: yes; by the mentor: yes"));
    assert!(after.body.contains("Every two weeks"));
    let asked = app.emails_to("mentor@example.org").await;
    assert!(asked.iter().any(|m| m.contains("confirm it")), "{asked:?}");
    let _ = p.mentor;
}

#[tokio::test]
async fn an_agreement_without_goals_or_with_an_end_before_the_start_is_refused_at_the_field() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    let mut mentee = browser(&app, "mentee@example.org").await;

    // Act
    let response = mentee
        .post_form(
            &format!("/mentorships/{}/agreement", p.id),
            &[
                ("goals", ""),
                ("cadence", "weekly-ish"),
                ("meeting_mode", "video"),
                ("confidentiality", "Kept between us"),
                ("ends_on", "2001-01-01"),
            ],
        )
        .await;

    // Assert
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("id=\"goals-error\""));
    assert!(response.body.contains("Choose how often you will meet."));
    assert!(response
        .body
        .contains("The end date must come after the day you began."));
    assert!(
        response.body.contains("Kept between us"),
        "typed text is kept"
    );
}

#[tokio::test]
async fn either_of_the_pair_adds_a_goal_and_marks_its_progress_and_milestones() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    let mut mentee = browser(&app, "mentee@example.org").await;
    let mut mentor = browser(&app, "mentor@example.org").await;
    let goals = format!("/mentorships/{}/goals", p.id);

    // Act
    let added = mentee
        .post_form(
            &goals,
            &[
                ("title", "Chair a committee"),
                ("milestones", "Find a committee\nVolunteer as chair"),
            ],
        )
        .await;
    let goal = carrel_app::mentorships::store::goals(&app.db, p.id)
        .await
        .unwrap()
        .remove(0);
    let first = goal.milestones[0].id.to_string();
    let updated = mentor
        .post_form(
            &format!("{goals}/{}", goal.id),
            &[("progress", "40"), ("done", &first)],
        )
        .await;
    let refused = mentor
        .post_form(&format!("{goals}/{}", goal.id), &[("progress", "140")])
        .await;

    // Assert
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    assert_eq!(updated.status, StatusCode::SEE_OTHER);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("from 0 to 100"));
    let goal = carrel_app::mentorships::store::goals(&app.db, p.id)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(goal.progress, 40);
    assert!(goal.milestones[0].done);
    assert!(!goal.milestones[1].done);
}

#[tokio::test]
async fn a_meeting_in_the_future_before_the_pairing_or_of_odd_length_gets_messages_at_the_field() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 10).await;
    let mut mentor = browser(&app, "mentor@example.org").await;
    let path = format!("/mentorships/{}/meetings", p.id);
    let tomorrow = (today() + Days::new(1)).to_string();
    let before_start = (today() - Days::new(11)).to_string();

    // Act
    let future = mentor
        .post_form(
            &path,
            &[
                ("met_on", &tomorrow),
                ("minutes", "45"),
                ("mode", "video"),
                ("private_notes", "Talked about the budget fight."),
            ],
        )
        .await;
    let early = mentor
        .post_form(
            &path,
            &[
                ("met_on", &before_start),
                ("minutes", "900"),
                ("mode", "phone"),
            ],
        )
        .await;

    // Assert
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(future.body.contains("id=\"met_on-error\""));
    assert!(future.body.contains("The date is in the future."));
    assert!(
        future.body.contains("Talked about the budget fight."),
        "notes kept"
    );
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(early.body.contains("before your mentorship began"));
    assert!(early.body.contains("Enter a length from 5 to 600 minutes."));
    let meetings = carrel_app::mentorships::store::meetings(&app.db, p.id)
        .await
        .unwrap();
    assert!(meetings.is_empty());
}

#[tokio::test]
async fn private_notes_are_read_by_the_pair_alone_and_coordinators_see_only_that_they_met() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    app.person_in(
        "coordinator.ca@example.org",
        "CA",
        &[(Role::Coordinator, Some("CA"))],
    )
    .await;
    app.person(
        "coordinator.ny@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let stranger = app
        .person("stranger@example.org", &[(Role::Mentee, None)])
        .await;
    let _ = stranger;
    let mut mentee = browser(&app, "mentee@example.org").await;
    let logged = mentee
        .post_form(
            &format!("/mentorships/{}/meetings", p.id),
            &[
                ("met_on", &today().to_string()),
                ("minutes", "50"),
                ("mode", "video"),
                ("topics", "leadership"),
                ("private_notes", "SECRET-NOTE about my manager"),
            ],
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER, "{}", logged.body);
    let page = format!("/mentorships/{}", p.id);
    let cycle_id = carrel_app::mentorships::store::find(&app.db, p.id)
        .await
        .unwrap()
        .unwrap()
        .cycle_id;

    // Act and assert: the pair reads the notes.
    for email in ["mentee@example.org", "mentor@example.org"] {
        let response = browser(&app, email).await.get(&page).await;
        assert_eq!(response.status, StatusCode::OK, "{email}");
        assert!(
            response.body.contains("SECRET-NOTE"),
            "{email} reads the notes"
        );
    }
    // The liaison, another coordinator of the cycle's region and an admin see the meeting,
    // never the notes, on the page, the ending page, the letter or the dashboard's CSV.
    for email in [
        "liaison@example.org",
        "coordinator.ny@example.org",
        "admin@example.org",
    ] {
        let mut watcher = browser(&app, email).await;
        let response = watcher.get(&page).await;
        assert_eq!(response.status, StatusCode::OK, "{email}");
        assert!(
            response.body.contains("1 meeting logged, 50 minutes"),
            "{email}"
        );
        assert!(
            !response.body.contains("SECRET-NOTE"),
            "{email} must not read notes"
        );
        let ending = watcher.get(&format!("{page}/ending")).await;
        assert!(!ending.body.contains("SECRET-NOTE"), "{email}");
        let csv = watcher
            .get(&format!("/cycles/{cycle_id}/dashboard.csv"))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{email}");
        assert!(!csv.body.contains("SECRET-NOTE"), "{email}");
        let forbidden = watcher
            .post_form(&format!("{page}/meetings"), &[("met_on", "2026-01-01")])
            .await;
        assert_eq!(
            forbidden.status,
            StatusCode::FORBIDDEN,
            "{email} cannot log"
        );
    }
    // Anyone else is told the mentorship does not exist.
    for email in ["coordinator.ca@example.org", "stranger@example.org"] {
        let response = browser(&app, email).await.get(&page).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{email}");
        assert!(!response.body.contains("SECRET-NOTE"));
    }
    let national = browser(&app, "admin@example.org")
        .await
        .get("/dashboard/national.csv")
        .await;
    assert!(!national.body.contains("SECRET-NOTE"));
    for address in [
        "mentee@example.org",
        "mentor@example.org",
        "liaison@example.org",
    ] {
        for email in app.emails_to(address).await {
            assert!(!email.contains("SECRET-NOTE"), "no notes in email");
        }
    }
}

#[tokio::test]
async fn the_daily_round_reminds_late_pairs_raises_stalled_ones_and_runs_once_a_day() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    let other_mentee = app
        .person("mentee2@example.org", &[(Role::Mentee, None)])
        .await;
    let other_mentor = app
        .person("mentor2@example.org", &[(Role::Mentor, None)])
        .await;
    let stalled = mentorship_between(&app, other_mentee, other_mentor).await;
    began_days_ago(&app, p.id, 60).await;
    met_days_ago(&app, p.id, p.mentee, 45, "").await;
    began_days_ago(&app, stalled, 90).await;

    // Act
    let round = reminders::daily(&app.db, "http://127.0.0.1:8080", today())
        .await
        .unwrap()
        .unwrap();
    let again = reminders::daily(&app.db, "http://127.0.0.1:8080", today())
        .await
        .unwrap();

    // Assert
    assert_eq!(round.reminders, 1, "{round:?}");
    assert_eq!(round.raised, 1, "{round:?}");
    assert_eq!(round.fit_questions, 2, "both pairs are past thirty days");
    assert_eq!(again, None, "the round runs once per day");
    let to_mentee = app.emails_to("mentee@example.org").await;
    assert!(to_mentee
        .iter()
        .any(|m| m.contains("time to plan the next one")));
    assert!(to_mentee
        .iter()
        .any(|m| m.contains("Does this match fit you?")));
    let to_liaison = app.emails_to("liaison@example.org").await;
    assert!(
        to_liaison
            .iter()
            .any(|m| m.contains("has stalled") && m.contains("mentee2@example.org")),
        "{to_liaison:?}"
    );
    assert!(!to_liaison
        .iter()
        .any(|m| m.contains("Person mentee@example.org with")));
}

#[tokio::test]
async fn a_coordinators_home_lists_stalled_pairs_before_at_risk_ones_and_poor_fits() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 50).await;
    let mut ids = Vec::new();
    for n in 2..=4 {
        let mentee = app
            .person(&format!("mentee{n}@example.org"), &[(Role::Mentee, None)])
            .await;
        let mentor = app
            .person(&format!("mentor{n}@example.org"), &[(Role::Mentor, None)])
            .await;
        ids.push((mentee, mentorship_between(&app, mentee, mentor).await));
    }
    began_days_ago(&app, ids[0].1, 100).await;
    began_days_ago(&app, ids[1].1, 35).await;
    carrel_app::mentorships::store::answer_fit(&app.db, ids[1].1, ids[1].0, "poor")
        .await
        .unwrap();

    // Act
    let home = browser(&app, "liaison@example.org").await.get("/").await;

    // Assert
    let body = &home.body;
    let stalled = body
        .find("Person mentee2@example.org with")
        .expect("stalled listed");
    let late = body
        .find("Person mentee@example.org with")
        .expect("at risk listed");
    let poor = body
        .find("Person mentee3@example.org with")
        .expect("poor fit listed");
    assert!(
        stalled < late && late < poor,
        "stalled, then at risk, then poor fit"
    );
    assert!(body.contains("At risk, poor fit reported"));
    assert!(
        !body.contains("Person mentee4@example.org with"),
        "on track is not listed"
    );
}

/// Sends the midpoint check-in of one side of a mentorship's cycle and records one person's
/// answer: `score` to "how is it going", and 1 to every other required question, so only the
/// first question can tell health anything.
async fn check_in(app: &TestApp, mentorship: i64, person: i64, role: &str, score: i64) {
    let cycle_id = carrel_app::mentorships::store::find(&app.db, mentorship)
        .await
        .unwrap()
        .unwrap()
        .cycle_id;
    let (template, audience) = match role {
        "mentee" => ("mentee_midpoint", Audience::Mentees),
        _ => ("mentor_midpoint", Audience::Mentors),
    };
    let new = NewSurvey {
        cycle_id,
        template: builtin::template(template).unwrap(),
        audience,
        opens_at: now(),
        closes_at: now() + chrono::Duration::days(7),
        scheduled: false,
        sent_by: None,
    };
    let (survey, _) = surveys::create(&app.db, &new).await.unwrap();
    let answers: Vec<(i64, Value)> = surveys::questions(&app.db, survey)
        .await
        .unwrap()
        .into_iter()
        .filter(|q| q.required)
        .map(|q| (q.id, Value::Number(if q.position == 1 { score } else { 1 })))
        .collect();
    let outcome = surveys::submit(&app.db, survey, person, role, &answers)
        .await
        .unwrap();
    assert_eq!(outcome, Submitted::Saved);
}

/// Moves a person's survey answers this many days into the past.
async fn answered_days_ago(app: &TestApp, person: i64, days: i64) {
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE survey_responses SET submitted_at = $1 WHERE person_id = $2")
            .bind(now() - chrono::Duration::days(days))
            .bind(person)
    )
    .unwrap();
}

#[tokio::test]
async fn a_check_in_reporting_difficulty_puts_a_pair_at_risk_without_saying_who_answered() {
    // Arrange: a pair that meets on time; its mentor answers 2 of 5 to "how is it going".
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 20).await;
    met_days_ago(&app, p.id, p.mentee, 5, "").await;
    check_in(&app, p.id, p.mentor, "mentor", 2).await;
    let page = format!("/mentorships/{}", p.id);
    let cycle_id = carrel_app::mentorships::store::find(&app.db, p.id)
        .await
        .unwrap()
        .unwrap()
        .cycle_id;
    let mut liaison = browser(&app, "liaison@example.org").await;

    // Act
    let home = liaison.get("/").await;
    let watched = liaison.get(&page).await;
    let dashboard = liaison.get(&format!("/cycles/{cycle_id}/dashboard")).await;
    let by_mentor = browser(&app, "mentor@example.org").await.get(&page).await;
    let by_mentee = browser(&app, "mentee@example.org").await.get(&page).await;
    let round = reminders::daily(&app.db, "http://127.0.0.1:8080", today())
        .await
        .unwrap()
        .unwrap();

    // Assert
    let reason = "a recent check-in reported difficulty";
    assert!(
        home.body.contains(&format!("At risk, {reason}")),
        "{}",
        home.body
    );
    assert!(watched
        .body
        .contains(&format!("Health: At risk ({reason})</span>")));
    assert!(dashboard
        .body
        .contains("<th scope=\"row\">At risk</th><td>1</td>"));
    assert!(by_mentor
        .body
        .contains(&format!("Health: At risk ({reason})</span>")));
    assert!(
        by_mentee.body.contains("Health: On track</span>"),
        "the mentee does not learn the mentor's answer: {}",
        by_mentee.body
    );
    assert!(!by_mentee.body.contains(reason));
    assert_eq!(round.reminders, 0, "they met on time: no reminder to meet");
    for address in ["mentee@example.org", "mentor@example.org"] {
        let mail = app.emails_to(address).await;
        assert!(!mail.iter().any(|m| m.contains("time to plan the next one")));
    }
}

#[tokio::test]
async fn a_check_in_that_is_fine_old_or_about_an_earlier_pair_leaves_health_to_the_meetings() {
    // Arrange: the first pair's mentee answered 1 of 5 sixty-one days ago and its mentor 4
    // now; the second pair's mentee answered 1 just before this mentorship began (as after a
    // re-pairing).
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 100).await;
    met_days_ago(&app, p.id, p.mentee, 3, "").await;
    check_in(&app, p.id, p.mentee, "mentee", 1).await;
    answered_days_ago(&app, p.mentee, 61).await;
    check_in(&app, p.id, p.mentor, "mentor", 4).await;
    let mentee = app
        .person("mentee2@example.org", &[(Role::Mentee, None)])
        .await;
    let mentor = app
        .person("mentor2@example.org", &[(Role::Mentor, None)])
        .await;
    let second = mentorship_between(&app, mentee, mentor).await;
    check_in(&app, second, mentee, "mentee", 1).await;
    answered_days_ago(&app, mentee, 1).await;
    began_days_ago(&app, second, 0).await;

    // Act
    let home = browser(&app, "liaison@example.org").await.get("/").await;

    // Assert
    assert!(
        home.body.contains("Every pair you watch is on track."),
        "{}",
        home.body
    );
}

#[tokio::test]
async fn a_mentees_home_says_what_to_do_next() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 31).await;
    carrel_app::mentorships::store::add_goal(&app.db, p.id, "Publish a paper", &[], p.mentee)
        .await
        .unwrap();

    // Act
    let home = browser(&app, "mentee@example.org").await.get("/").await;

    // Assert
    assert!(
        home.body.contains("Write your mentorship agreement"),
        "{}",
        home.body
    );
    assert!(home.body.contains("Meet Person mentor@example.org by"));
    assert!(home.body.contains("Open goals: Publish a paper (0%)."));
    assert!(home.body.contains("whether your match with"));
    assert!(home.body.contains("This month&#39;s prompt:") || home.body.contains("This month"));
}

#[tokio::test]
async fn a_poor_fit_lets_the_coordinator_return_the_mentee_to_the_pool() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 31).await;
    let mut mentee = browser(&app, "mentee@example.org").await;
    let mut liaison = browser(&app, "liaison@example.org").await;
    let refused_early = liaison
        .post_form(&format!("/mentorships/{}/repair", p.id), &[])
        .await;

    // Act
    let answered = mentee
        .post_form(&format!("/mentorships/{}/fit", p.id), &[("answer", "poor")])
        .await;
    let repaired = liaison
        .post_form(&format!("/mentorships/{}/repair", p.id), &[])
        .await;

    // Assert
    assert_eq!(
        refused_early.status,
        StatusCode::BAD_REQUEST,
        "no poor fit yet"
    );
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    assert!(app
        .emails_to("liaison@example.org")
        .await
        .iter()
        .any(|m| m.contains("does not fit")));
    assert_eq!(repaired.status, StatusCode::SEE_OTHER);
    let m = carrel_app::mentorships::store::find(&app.db, p.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.status, "ended");
    assert_eq!(m.end_reason, "re-paired");
    let pool = liaison.get(repaired.location()).await;
    assert_eq!(pool.status, StatusCode::OK);
    assert!(
        pool.body.contains("Person mentee@example.org"),
        "back in the pool"
    );
}

#[tokio::test]
async fn a_poor_fit_shows_in_the_health_seen_by_the_one_who_answered_and_the_watchers_only() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 31).await;
    let mut mentee = browser(&app, "mentee@example.org").await;
    let answered = mentee
        .post_form(&format!("/mentorships/{}/fit", p.id), &[("answer", "poor")])
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let page = format!("/mentorships/{}", p.id);

    // Act
    let by_mentee = mentee.get(&page).await;
    let by_mentor = browser(&app, "mentor@example.org").await.get(&page).await;
    let by_liaison = browser(&app, "liaison@example.org").await.get(&page).await;

    // Assert
    let at_risk = "Health: At risk (poor fit reported)</span>";
    assert!(by_mentee.body.contains(at_risk), "{}", by_mentee.body);
    assert!(by_liaison.body.contains(at_risk), "{}", by_liaison.body);
    assert!(
        by_mentor.body.contains("Health: On track</span>"),
        "only coordinators learn the other's answer: {}",
        by_mentor.body
    );
}

#[tokio::test]
async fn an_ended_mentorship_takes_reflections_gives_a_letter_and_invites_the_mentee() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 200).await;
    met_days_ago(&app, p.id, p.mentor, 150, "").await;
    met_days_ago(&app, p.id, p.mentor, 120, "").await;
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE mentorships SET ends_on = $1 WHERE id = $2")
            .bind(today() - Days::new(1))
            .bind(p.id)
    )
    .unwrap();
    let mut mentee = browser(&app, "mentee@example.org").await;
    let mut mentor = browser(&app, "mentor@example.org").await;
    let early_reflection = mentee
        .post_form(
            &format!("/mentorships/{}/reflection", p.id),
            &[("reflection", "Too soon"), ("attainment", "4")],
        )
        .await;

    // Act
    let round = reminders::daily(&app.db, "http://127.0.0.1:8080", today())
        .await
        .unwrap()
        .unwrap();
    let bad = mentee
        .post_form(
            &format!("/mentorships/{}/reflection", p.id),
            &[("reflection", "I grew."), ("attainment", "9")],
        )
        .await;
    let good = mentee
        .post_form(
            &format!("/mentorships/{}/reflection", p.id),
            &[("reflection", "I grew."), ("attainment", "4")],
        )
        .await;
    let letter = mentor.get(&format!("/mentorships/{}/letter", p.id)).await;
    let mentee_letter = mentee.get(&format!("/mentorships/{}/letter", p.id)).await;
    let home = mentee.get("/").await;

    // Assert
    assert_eq!(early_reflection.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(round.completed, 1);
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("from 1 to 5"));
    assert!(bad.body.contains("I grew."), "typed text kept");
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(letter.status, StatusCode::OK);
    assert!(letter.body.contains("Letter of service"));
    assert!(letter.body.contains("logged 2 meetings"));
    assert!(letter.body.contains("Goal attainment was rated 4.0 of 5."));
    assert_eq!(mentee_letter.status, StatusCode::FORBIDDEN);
    assert!(home.body.contains("invited to mentor"));
    let invited = app.emails_to("mentee@example.org").await;
    assert!(invited.iter().any(|m| m.contains("invited to mentor")));
    let thanked = app.emails_to("mentor@example.org").await;
    assert!(thanked.iter().any(|m| m.contains("/letter")));
    let counted =
        carrel_app::mentorships::store::completed_as_mentor(&app.db, &[p.mentor, p.mentee])
            .await
            .unwrap();
    assert_eq!(counted, vec![(p.mentor, 1)]);
}

#[tokio::test]
async fn a_pair_extends_with_a_later_date_and_ends_early_only_with_a_reason() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    let mut mentor = browser(&app, "mentor@example.org").await;
    let m = carrel_app::mentorships::store::find(&app.db, p.id)
        .await
        .unwrap()
        .unwrap();
    let later = (m.planned_end() + Days::new(30)).to_string();
    let earlier = (m.planned_end() - Days::new(1)).to_string();

    // Act
    let too_early = mentor
        .post_form(
            &format!("/mentorships/{}/extend", p.id),
            &[("to_on", &earlier), ("reason", "More time")],
        )
        .await;
    let extended = mentor
        .post_form(
            &format!("/mentorships/{}/extend", p.id),
            &[("to_on", &later), ("reason", "More time")],
        )
        .await;
    let no_reason = mentor
        .post_form(
            &format!("/mentorships/{}/end", p.id),
            &[("end_reason", " ")],
        )
        .await;
    let ended = mentor
        .post_form(
            &format!("/mentorships/{}/end", p.id),
            &[("end_reason", "A new job leaves no time.")],
        )
        .await;

    // Assert
    assert_eq!(too_early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_early
        .body
        .contains("Choose a day after the current end"));
    assert_eq!(extended.status, StatusCode::SEE_OTHER);
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("id=\"end_reason-error\""));
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    let m = carrel_app::mentorships::store::find(&app.db, p.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(m.planned_end().to_string(), later);
    assert_eq!(m.status, "ended");
    assert_eq!(m.end_reason, "A new job leaves no time.");
}

#[tokio::test]
async fn the_cycle_dashboard_counts_pairs_by_health_and_exports_the_same_numbers() {
    // Arrange
    let app = TestApp::spawn().await;
    let p = pair(&app).await;
    began_days_ago(&app, p.id, 100).await;
    met_days_ago(&app, p.id, p.mentee, 5, "").await;
    met_days_ago(&app, p.id, p.mentee, 40, "").await;
    let cycle_id = carrel_app::mentorships::store::find(&app.db, p.id)
        .await
        .unwrap()
        .unwrap()
        .cycle_id;
    let mut liaison = browser(&app, "liaison@example.org").await;

    // Act
    let page = liaison.get(&format!("/cycles/{cycle_id}/dashboard")).await;
    let csv = liaison
        .get(&format!("/cycles/{cycle_id}/dashboard.csv"))
        .await;

    // Assert
    assert_eq!(page.status, StatusCode::OK);
    assert!(page
        .body
        .contains("<title id=\"chart-health-title\">Active pairs by health"));
    assert!(page.body.contains("<desc id=\"chart-health-desc\">"));
    assert!(page
        .body
        .contains("<th scope=\"row\">On track</th><td>1</td>"));
    assert!(page
        .body
        .contains("<th scope=\"row\">3 to 5</th><td>0</td>"));
    assert!(page
        .body
        .contains("<th scope=\"row\">1 to 2</th><td>1</td>"));
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("scope,chart,label,value"));
    assert!(
        csv.body.contains("Active pairs by health,On track,1"),
        "{}",
        csv.body
    );
    assert!(
        csv.body.contains("Totals,Meetings per pair,2.0"),
        "{}",
        csv.body
    );
}

#[tokio::test]
async fn the_demo_has_pairs_in_every_health_state_and_completed_ones_with_reflections() {
    // Arrange
    let app = TestApp::spawn().await;

    // Act
    carrel_app::demo::build(&app.db, carrel_app::demo::Scale::Default, 7)
        .await
        .unwrap();

    // Assert
    use carrel_app::mentorships::rules::Health;
    use carrel_app::mentorships::store::{pairs, Scope};
    let all = pairs(&app.db, &Scope::National, None).await.unwrap();
    let active: Vec<_> = all.iter().filter(|p| p.mentorship.is_active()).collect();
    for health in Health::ALL {
        assert!(
            active.iter().any(|p| p.health(today()) == health),
            "{health:?}"
        );
    }
    assert!(active.iter().any(|p| p.poor_fits > 0), "a poor fit");
    assert!(active
        .iter()
        .all(|p| p.meetings > 0 || p.health(today()) != Health::OnTrack));
    let completed: Vec<_> = all
        .iter()
        .filter(|p| p.mentorship.status == "completed")
        .collect();
    assert!(!completed.is_empty());
    assert!(completed.iter().any(|p| p.attainment_count > 0));
    assert!(all.iter().any(|p| p.mentorship.status == "ended"));
    let mut mentee = app.other_browser();
    let signed_in = mentee
        .post_form(
            "/sign-in",
            &[
                ("email", "mentee@demo.carrel.example"),
                ("password", carrel_app::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let home = mentee.get("/").await;
    assert!(
        home.body.contains("Your mentorship: next steps"),
        "{}",
        home.body
    );
}
