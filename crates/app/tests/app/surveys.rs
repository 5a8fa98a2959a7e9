//! Surveys: sending, answering once, the answer rules, the five-answer threshold, named
//! responses for admins only, the CSV export and the schedule.

use axum::http::StatusCode;
use carrel_app::cycles::state::CycleState;
use carrel_app::platform::auth::roles::Role;
use carrel_app::platform::db::now;
use carrel_app::surveys::builtin::{self, Audience};
use carrel_app::surveys::question::Value;
use carrel_app::surveys::store::{self, NewSurvey, Submitted};
use carrel_app::{execute, on_db};

use crate::cycles::cycle_in;
use crate::harness::TestApp;

/// Makes a mentorship of a cycle between two people, as if both had accepted a proposal.
pub async fn pair(app: &TestApp, cycle_id: i64, mentee: i64, mentor: i64, liaison: Option<i64>) {
    let (proposal,): (i64,) = on_db!(&app.db, |pool| {
        sqlx::query_as(
            "INSERT INTO proposals (cycle_id, solver, mentee_id, mentor_id, score, status, \
             created_at) VALUES ($1, 'coordinator', $2, $3, 500, 'accepted', $4) RETURNING id",
        )
        .bind(cycle_id)
        .bind(mentee)
        .bind(mentor)
        .bind(now())
        .fetch_one(pool)
        .await
    })
    .unwrap();
    execute!(
        &app.db,
        sqlx::query(
            "INSERT INTO mentorships (cycle_id, proposal_id, mentee_id, mentor_id, liaison_id, \
             status, started_at) VALUES ($1, $2, $3, $4, $5, 'active', $6)",
        )
        .bind(cycle_id)
        .bind(proposal)
        .bind(mentee)
        .bind(mentor)
        .bind(liaison)
        .bind(now())
    )
    .unwrap();
}

/// A New York cycle with `pairs` mentorships; returns the cycle and the mentees' and
/// mentors' ids. People are `mentee{i}@example.org` and `mentor{i}@example.org`.
async fn cycle_with_pairs(app: &TestApp, pairs: usize) -> (i64, Vec<i64>, Vec<i64>) {
    let cycle = cycle_in(app, Some("NY"), CycleState::Published).await;
    let mut mentees = Vec::new();
    let mut mentors = Vec::new();
    for i in 0..pairs {
        let mentee = app
            .person(&format!("mentee{i}@example.org"), &[(Role::Mentee, None)])
            .await;
        let mentor = app
            .person(&format!("mentor{i}@example.org"), &[(Role::Mentor, None)])
            .await;
        pair(app, cycle, mentee, mentor, None).await;
        mentees.push(mentee);
        mentors.push(mentor);
    }
    (cycle, mentees, mentors)
}

/// Sends a survey now, open for a week.
async fn send(app: &TestApp, cycle_id: i64, template: &str, audience: Audience) -> i64 {
    let new = NewSurvey {
        cycle_id,
        template: builtin::template(template).unwrap(),
        audience,
        opens_at: now(),
        closes_at: now() + chrono::Duration::days(7),
        scheduled: false,
        sent_by: None,
    };
    store::create(&app.db, &new).await.unwrap().0
}

/// Answers the program evaluation for a person: a recommendation, a fit, and a comment.
async fn evaluate(app: &TestApp, survey: i64, person: i64, role: &str, score: i64, text: &str) {
    let questions = store::questions(&app.db, survey).await.unwrap();
    let mut answers = vec![
        (questions[0].id, Value::Number(score)),
        (questions[1].id, Value::Number(4)),
    ];
    if !text.is_empty() {
        answers.push((questions[3].id, Value::Text(text.into())));
    }
    let outcome = store::submit(&app.db, survey, person, role, &answers)
        .await
        .unwrap();
    assert_eq!(outcome, Submitted::Saved);
}

async fn signed_in(app: &TestApp, email: &str) -> TestApp {
    let mut browser = app.other_browser();
    browser.sign_in(email).await;
    browser
}

#[tokio::test]
async fn a_coordinator_sends_a_survey_and_every_mentee_is_invited() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, _, _) = cycle_with_pairs(&app, 3).await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = signed_in(&app, "coordinator@example.org").await;

    // Act
    let sent = coordinator
        .post_form(
            &format!("/cycles/{cycle}/surveys"),
            &[
                ("template", "mentee_midpoint"),
                ("audience", "mentees"),
                ("days", "14"),
            ],
        )
        .await;
    let list = coordinator.get(&format!("/cycles/{cycle}/surveys")).await;

    // Assert
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert!(list.body.contains("Mentee midpoint check-in"));
    assert!(list.body.contains("0 of 3 (0%)"), "{}", list.body);
    for i in 0..3 {
        let mail = app.emails_to(&format!("mentee{i}@example.org")).await;
        assert_eq!(mail.len(), 1);
        assert!(mail[0].contains("/surveys/"), "{}", mail[0]);
    }
    assert!(app.emails_to("mentor0@example.org").await.is_empty());
}

#[tokio::test]
async fn a_survey_sent_to_the_wrong_audience_is_refused_at_the_field() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, _, _) = cycle_with_pairs(&app, 1).await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = signed_in(&app, "coordinator@example.org").await;

    // Act
    let refused = coordinator
        .post_form(
            &format!("/cycles/{cycle}/surveys"),
            &[
                ("template", "coordinator_checkin"),
                ("audience", "mentees"),
                ("days", "99"),
            ],
        )
        .await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("This survey is for: the coordinators"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Enter a whole number from 3 to 60."));
    assert!(
        refused.body.contains("value=\"99\""),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn a_mentee_answers_once_and_a_second_try_is_told_so() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, _, _) = cycle_with_pairs(&app, 1).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Both).await;
    let mut mentee = signed_in(&app, "mentee0@example.org").await;
    let answers = [("q1", "9"), ("q2", "4"), ("q4", "More regional meetups.")];

    // Act
    let form = mentee.get(&format!("/surveys/{survey}")).await;
    let first = mentee
        .post_form(&format!("/surveys/{survey}"), &answers)
        .await;
    let receipt = mentee.get(&format!("/surveys/{survey}")).await;
    let second = mentee
        .post_form(&format!("/surveys/{survey}"), &answers)
        .await;

    // Assert
    assert_eq!(form.status, StatusCode::OK);
    assert!(form
        .body
        .contains("answers cannot be changed after you send them"));
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    assert!(receipt
        .body
        .contains("Thank you. Your answers were received"));
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(second
        .body
        .contains("You have already answered this survey"));
    assert!(
        second.body.contains("More regional meetups."),
        "what was typed is kept"
    );
    let (responses,): (i64,) = on_db!(&app.db, |pool| {
        sqlx::query_as("SELECT COUNT(*) FROM survey_responses WHERE survey_id = $1")
            .bind(survey)
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(responses, 1);
}

#[tokio::test]
async fn the_database_refuses_a_second_response_from_the_same_person() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 1).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    evaluate(&app, survey, mentees[0], "mentee", 8, "").await;

    // Act
    let again = store::submit(&app.db, survey, mentees[0], "mentee", &[])
        .await
        .unwrap();

    // Assert
    assert_eq!(again, Submitted::AlreadyAnswered);
}

#[tokio::test]
async fn answers_out_of_range_missing_or_unknown_are_named_at_their_question() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 1).await;
    let survey = send(&app, cycle, "mentee_midpoint", Audience::Mentees).await;
    let mut mentee = signed_in(&app, "mentee0@example.org").await;

    // Act
    let refused = mentee
        .post_form(
            &format!("/surveys/{survey}"),
            &[
                ("q1", "9"),
                ("q3", "1"),
                ("q3", "42"),
                ("q4", "3"),
                ("q5", "2"),
                ("q6", "Keep every word of this answer."),
            ],
        )
        .await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &refused.body;
    assert!(
        body.contains("id=\"q1-error\">Choose a whole number from 1 to 5."),
        "{body}"
    );
    assert!(body.contains("id=\"q2-error\">This question needs an answer."));
    assert!(body.contains("id=\"q3-error\">Choose from the answers listed."));
    assert!(
        body.contains("href=\"#q1\""),
        "the summary links to the question"
    );
    assert!(body.contains("Keep every word of this answer."));
    assert!(
        body.contains("id=\"q5-2\" name=\"q5\" value=\"2\" checked"),
        "choices kept"
    );
    assert!(body.contains("id=\"q3-1\" name=\"q3\" value=\"1\" checked"));
    assert!(store::answered_at(&app.db, survey, mentees[0])
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn an_answer_to_a_closed_survey_is_refused_and_kept_on_the_page() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, _, _) = cycle_with_pairs(&app, 1).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = signed_in(&app, "coordinator@example.org").await;
    let mut mentee = signed_in(&app, "mentee0@example.org").await;

    // Act
    let closed = coordinator
        .post_form(&format!("/surveys/{survey}/close"), &[])
        .await;
    let refused = mentee
        .post_form(
            &format!("/surveys/{survey}"),
            &[("q1", "7"), ("q2", "3"), ("q4", "Too late, perhaps.")],
        )
        .await;

    // Assert
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("no longer takes answers"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains("Too late, perhaps."));
}

#[tokio::test]
async fn fewer_than_five_answers_hide_the_results() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 6).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    for mentee in &mentees[..4] {
        evaluate(&app, survey, *mentee, "mentee", 9, "A secret remark").await;
    }
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = signed_in(&app, "coordinator@example.org").await;

    // Act
    let page = coordinator.get(&format!("/surveys/{survey}/results")).await;
    let csv = coordinator
        .get(&format!("/surveys/{survey}/results.csv"))
        .await;

    // Assert
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("4 of 6 people answered (67%)"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("hidden, because fewer than 5 people answered"));
    assert!(!page.body.contains("<svg"));
    assert!(!page.body.contains("A secret remark"));
    assert!(!page.body.contains("Net promoter score"));
    assert!(csv.body.contains("hidden: fewer than 5 answers"));
    assert!(!csv.body.contains(",9 ("), "no distribution in the export");
}

#[tokio::test]
async fn five_answers_show_charts_tables_and_unnamed_free_text() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 5).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    for (i, mentee) in mentees.iter().enumerate() {
        evaluate(
            &app,
            survey,
            *mentee,
            "mentee",
            6 + i as i64,
            &format!("Comment {i}"),
        )
        .await;
    }
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = signed_in(&app, "admin@example.org").await;

    // Act
    let page = admin.get(&format!("/surveys/{survey}/results")).await;

    // Assert
    let body = &page.body;
    assert!(body.contains("<svg role=\"img\""), "{body}");
    assert!(body.contains("<title id="));
    assert!(body.contains("<desc id="));
    assert!(body.contains("<th scope=\"row\">10 (Extremely likely)</th><td>1</td><td>20%</td>"));
    assert!(body.contains("Net promoter score +20"), "{body}");
    for i in 0..5 {
        assert!(body.contains(&format!("<li>Comment {i}</li>")));
    }
    assert!(!body.contains("mentee0@example.org") && !body.contains("Person mentee0"));
}

#[tokio::test]
async fn a_breakdown_with_a_small_group_hides_the_whole_breakdown() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, mentors) = cycle_with_pairs(&app, 6).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Both).await;
    for mentee in &mentees {
        evaluate(&app, survey, *mentee, "mentee", 9, "").await;
    }
    for mentor in &mentors[..2] {
        evaluate(&app, survey, *mentor, "mentor", 3, "").await;
    }
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = signed_in(&app, "admin@example.org").await;

    // Act
    let page = admin.get(&format!("/surveys/{survey}/results")).await;

    // Assert
    assert!(page.body.contains("Everyone (8 answered)"), "{}", page.body);
    assert!(!page.body.contains("Mentees (6 answered)"));
    assert!(page.body.contains("The breakdown by role is hidden"));
}

#[tokio::test]
async fn with_a_breakdown_shown_each_free_text_answer_still_appears_once() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, mentors) = cycle_with_pairs(&app, 5).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Both).await;
    for (i, (mentee, mentor)) in mentees.iter().zip(&mentors).enumerate() {
        let (from_mentee, from_mentor) = (format!("Mentee note {i}"), format!("Mentor note {i}"));
        evaluate(&app, survey, *mentee, "mentee", 9, &from_mentee).await;
        evaluate(&app, survey, *mentor, "mentor", 7, &from_mentor).await;
    }
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = signed_in(&app, "admin@example.org").await;

    // Act
    let page = admin.get(&format!("/surveys/{survey}/results")).await;

    // Assert
    assert!(page.body.contains("Mentors (5 answered)"), "{}", page.body);
    assert_eq!(page.body.matches("<li>Mentee note 0</li>").count(), 1);
    assert_eq!(page.body.matches("<li>Mentor note 4</li>").count(), 1);
}

#[tokio::test]
async fn no_coordinator_liaison_mentor_or_mentee_reaches_named_answers() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 1).await;
    let liaison = app
        .person("liaison@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mentor = app
        .person("mentor.l@example.org", &[(Role::Mentor, None)])
        .await;
    pair(&app, cycle, mentees[0], mentor, Some(liaison)).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Both).await;
    evaluate(
        &app,
        survey,
        mentees[0],
        "mentee",
        2,
        "Something went wrong.",
    )
    .await;
    let response = store::respondents(&app.db, survey).await.unwrap()[0].0;
    let who = [
        "liaison@example.org",
        "mentor0@example.org",
        "mentee0@example.org",
    ];

    for email in who {
        let mut browser = signed_in(&app, email).await;

        // Act
        let form = browser.get(&format!("/surveys/{survey}/named")).await;
        let opened = browser
            .post_form(
                &format!("/surveys/{survey}/named"),
                &[
                    ("response", &response.to_string()),
                    ("reason", "I would just like to know."),
                ],
            )
            .await;
        let log = browser.get("/admin/survey-access").await;

        // Assert
        assert_eq!(form.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(opened.status, StatusCode::FORBIDDEN, "{email}");
        assert_eq!(log.status, StatusCode::FORBIDDEN, "{email}");
        assert!(!opened.body.contains("Something went wrong."), "{email}");
    }
    assert!(store::access_log(&app.db, 10).await.unwrap().is_empty());
}

#[tokio::test]
async fn an_admin_opens_a_named_response_only_with_a_reason_and_it_is_logged() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 1).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    evaluate(
        &app,
        survey,
        mentees[0],
        "mentee",
        1,
        "My mentor was abusive at our meeting.",
    )
    .await;
    let response = store::respondents(&app.db, survey).await.unwrap()[0]
        .0
        .to_string();
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = signed_in(&app, "admin@example.org").await;
    let reason = "Safeguarding: a free-text answer reports abuse at a meeting.";

    // Act
    let form = admin.get(&format!("/surveys/{survey}/named")).await;
    let without_reason = admin
        .post_form(
            &format!("/surveys/{survey}/named"),
            &[("response", &response), ("reason", "")],
        )
        .await;
    let opened = admin
        .post_form(
            &format!("/surveys/{survey}/named"),
            &[("response", &response), ("reason", reason)],
        )
        .await;
    let log = admin.get("/admin/survey-access").await;

    // Assert
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(without_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(without_reason.body.contains("This field is required."));
    assert!(!without_reason.body.contains("abusive"));
    assert_eq!(opened.status, StatusCode::OK);
    assert!(opened.body.contains("Person mentee0@example.org"));
    assert!(opened
        .body
        .contains("My mentor was abusive at our meeting."));
    assert_eq!(opened.headers.get("cache-control").unwrap(), "no-store");
    let entries = store::access_log(&app.db, 10).await.unwrap();
    assert_eq!(entries.len(), 1, "one entry, for the opening with a reason");
    assert_eq!(entries[0].reason, reason);
    assert_eq!(entries[0].admin_name, "Person admin@example.org");
    assert!(log.body.contains(reason));
}

#[tokio::test]
async fn the_csv_export_holds_aggregates_and_no_free_text_or_names() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 5).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    for mentee in &mentees {
        evaluate(&app, survey, *mentee, "mentee", 10, "=cmd|' /C calc'!A0").await;
    }
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = signed_in(&app, "coordinator@example.org").await;

    // Act
    let csv = coordinator
        .get(&format!("/surveys/{survey}/results.csv"))
        .await;

    // Assert
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(
        csv.body.contains("10 (Extremely likely),5,100"),
        "{}",
        csv.body
    );
    assert!(csv.body.contains("free-text answers (not exported),5"));
    assert!(!csv.body.contains("calc"));
    assert!(!csv.body.contains("Person mentee"));
}

#[tokio::test]
async fn the_schedule_opens_the_midpoint_surveys_once_and_reminds_only_those_who_have_not_answered()
{
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 2).await;
    let starts_on = now().date_naive() - chrono::Days::new(140);
    execute!(
        &app.db,
        sqlx::query("UPDATE cycles SET state = 'active', starts_on = $1 WHERE id = $2")
            .bind(starts_on)
            .bind(cycle)
    )
    .unwrap();
    let base = "http://127.0.0.1:8080";

    // Act
    carrel_app::surveys::schedule::run(&app.db, base)
        .await
        .unwrap();
    carrel_app::surveys::schedule::run(&app.db, base)
        .await
        .unwrap();
    let surveys = store::of_cycle(&app.db, cycle).await.unwrap();
    let mentee_survey = surveys
        .iter()
        .find(|s| s.title.starts_with("Mentee"))
        .unwrap()
        .id;
    let questions = store::questions(&app.db, mentee_survey).await.unwrap();
    let answers = [
        (questions[0].id, Value::Number(4)),
        (questions[1].id, Value::Number(3)),
        (questions[3].id, Value::Number(4)),
        (questions[4].id, Value::Number(2)),
    ];
    store::submit(&app.db, mentee_survey, mentees[0], "mentee", &answers)
        .await
        .unwrap();
    execute!(
        &app.db,
        sqlx::query("UPDATE surveys SET closes_at = $1").bind(now() + chrono::Duration::days(3))
    )
    .unwrap();
    carrel_app::surveys::schedule::run(&app.db, base)
        .await
        .unwrap();
    carrel_app::surveys::schedule::run(&app.db, base)
        .await
        .unwrap();

    // Assert
    assert_eq!(surveys.len(), 2, "a mentee and a mentor midpoint, once");
    assert!(surveys.iter().all(|s| s.scheduled && s.asked == 2));
    let answered = app.emails_to("mentee0@example.org").await;
    let waiting = app.emails_to("mentee1@example.org").await;
    assert_eq!(answered.len(), 1, "the invitation only");
    assert_eq!(waiting.len(), 2, "the invitation and one reminder");
    assert!(
        waiting[1].contains("we have not heard from you"),
        "{}",
        waiting[1]
    );
    assert_eq!(app.emails_to("mentor0@example.org").await.len(), 2);
}

#[tokio::test]
async fn a_mentee_sees_a_due_survey_on_the_home_page_until_they_answer() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 1).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    let mut mentee = signed_in(&app, "mentee0@example.org").await;

    // Act
    let before = mentee.get("/").await;
    let due = carrel_app::surveys::due_for(&app.db, mentees[0])
        .await
        .unwrap();
    evaluate(&app, survey, mentees[0], "mentee", 7, "").await;
    let after = mentee.get("/").await;

    // Assert
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].survey_id, survey);
    assert!(before.body.contains("Surveys waiting for your answers"));
    assert!(before.body.contains(&format!("href=\"/surveys/{survey}\"")));
    assert!(!after.body.contains("Surveys waiting for your answers"));
}

#[tokio::test]
async fn the_response_summary_gives_rates_per_kind_for_a_cycle_and_a_region() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 4).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Both).await;
    send(&app, cycle, "mentor_end", Audience::Mentors).await;
    evaluate(&app, survey, mentees[0], "mentee", 9, "").await;
    evaluate(&app, survey, mentees[1], "mentee", 9, "").await;
    let ny = app.region_id("NY").await;
    let ca = app.region_id("CA").await;

    // Act
    let of_cycle = carrel_app::surveys::cycle_response_summary(&app.db, Some(cycle), None)
        .await
        .unwrap();
    let of_ny = carrel_app::surveys::cycle_response_summary(&app.db, None, Some(ny))
        .await
        .unwrap();
    let of_ca = carrel_app::surveys::cycle_response_summary(&app.db, None, Some(ca))
        .await
        .unwrap();

    // Assert
    let evaluation = of_cycle
        .iter()
        .find(|r| r.kind == "program_evaluation")
        .unwrap();
    assert_eq!(
        (evaluation.asked, evaluation.answered, evaluation.rate()),
        (8, 2, 25)
    );
    let end = of_cycle.iter().find(|r| r.kind == "mentor_end").unwrap();
    assert_eq!((end.surveys, end.asked, end.answered), (1, 4, 0));
    assert_eq!(of_ny.len(), 2);
    assert!(of_ca.is_empty());
}

#[tokio::test]
async fn pairs_that_ended_early_are_not_asked_and_a_re_paired_mentee_is_asked_once() {
    // Arrange: four pairs; the first completed, the second re-paired (its mentee now with a
    // new mentor), the third ended early by the pair, the fourth still meeting.
    let app = TestApp::spawn().await;
    let (cycle, mentees, mentors) = cycle_with_pairs(&app, 4).await;
    let new_mentor = app
        .person("mentor.new@example.org", &[(Role::Mentor, None)])
        .await;
    let endings = [
        (mentees[0], "completed", ""),
        (mentees[1], "ended", "re-paired"),
        (mentees[2], "ended", "A new job leaves no time."),
    ];
    for (mentee, status, reason) in endings {
        execute!(
            &app.db,
            sqlx::query(
                "UPDATE mentorships SET status = $1, end_reason = $2, ended_at = $3 \
                 WHERE cycle_id = $4 AND mentee_id = $5",
            )
            .bind(status)
            .bind(reason)
            .bind(now())
            .bind(cycle)
            .bind(mentee)
        )
        .unwrap();
    }
    pair(&app, cycle, mentees[1], new_mentor, None).await;

    // Act
    let mentee_end = send(&app, cycle, "mentee_end", Audience::Mentees).await;
    let mentor_end = send(&app, cycle, "mentor_end", Audience::Mentors).await;
    let midpoint = send(&app, cycle, "mentee_midpoint", Audience::Mentees).await;
    let evaluation = send(&app, cycle, "program_evaluation", Audience::Both).await;

    // Assert
    let asked = |survey: i64| {
        let db = app.db.clone();
        async move {
            let mut people: Vec<i64> = store::recipients(&db, survey)
                .await
                .unwrap()
                .into_iter()
                .map(|(person, _)| person)
                .collect();
            people.sort_unstable();
            people
        }
    };
    let sorted = |mut people: Vec<i64>| {
        people.sort_unstable();
        people
    };
    let kept_mentees = sorted(vec![mentees[0], mentees[1], mentees[3]]);
    let kept_mentors = sorted(vec![mentors[0], mentors[3], new_mentor]);
    assert_eq!(
        asked(mentee_end).await,
        kept_mentees,
        "re-paired once, early end not"
    );
    assert_eq!(
        asked(mentor_end).await,
        kept_mentors,
        "the first mentors of ended pairs not"
    );
    assert_eq!(
        asked(midpoint).await,
        kept_mentees,
        "the midpoint follows the same rule"
    );
    let both = sorted([kept_mentees.clone(), kept_mentors.clone()].concat());
    assert_eq!(asked(evaluation).await, both);
    let not_asked = [
        ("mentee2@example.org", mentee_end),
        ("mentor1@example.org", mentor_end),
        ("mentor2@example.org", mentor_end),
    ];
    for (email, survey) in not_asked {
        let mut browser = signed_in(&app, email).await;
        let form = browser.get(&format!("/surveys/{survey}")).await;
        assert_eq!(form.status, StatusCode::NOT_FOUND, "{email} is not asked");
    }
}

const RECOMMEND: &str = "How likely are you to recommend the program to a colleague? (0 to 10)";

#[tokio::test]
async fn the_cycle_dashboard_shows_response_rates_and_a_mean_only_from_five_answers() {
    // Arrange
    let app = TestApp::spawn().await;
    let (cycle, mentees, _) = cycle_with_pairs(&app, 6).await;
    let survey = send(&app, cycle, "program_evaluation", Audience::Mentees).await;
    for mentee in &mentees[..4] {
        evaluate(&app, survey, *mentee, "mentee", 9, "").await;
    }
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut coordinator = signed_in(&app, "coordinator@example.org").await;
    let page = format!("/cycles/{cycle}/dashboard");
    let csv = format!("{page}.csv");

    // Act
    let four = coordinator.get(&page).await;
    let four_csv = coordinator.get(&csv).await;
    evaluate(&app, survey, mentees[4], "mentee", 7, "").await;
    let five = coordinator.get(&page).await;
    let five_csv = coordinator.get(&csv).await;

    // Assert: four answers give the rate and hide the mean, in the page and the CSV.
    assert_eq!(four.status, StatusCode::OK);
    assert!(four
        .body
        .contains("<title id=\"chart-survey-rates-title\">Survey response rates</title>"));
    assert!(four.body.contains("67% (4 of 6)"), "{}", four.body);
    assert!(four
        .body
        .contains("</th><td>67</td><td>6</td><td>4</td></tr>"));
    assert!(four.body.contains(&format!(
        "<th scope=\"row\">{RECOMMEND}</th><td>hidden: fewer than 5 answers</td>"
    )));
    assert!(!four.body.contains(" of 10 ("), "no mean");
    assert!(four_csv.body.contains("\",67\n"), "{}", four_csv.body);
    assert!(four_csv
        .body
        .contains(&format!("{RECOMMEND},hidden: fewer than 5 answers\n")));
    // The fifth answer shows it: (4 × 9 + 7) / 5.
    assert!(five.body.contains("83% (5 of 6)"));
    assert!(
        five.body.contains("8.6 of 10 (5 answered)"),
        "{}",
        five.body
    );
    assert!(five.body.contains(&format!(
        "<th scope=\"row\">{RECOMMEND}</th><td>8.6</td><td>5</td>"
    )));
    assert!(five.body.contains("4.0 of 5 (5 answered)"));
    assert!(five_csv.body.contains(&format!("{RECOMMEND},8.6\n")));
    assert!(five_csv
        .body
        .contains(&format!("{RECOMMEND}: Answered,5\n")));
}

#[tokio::test]
async fn the_national_dashboard_adds_up_only_the_surveys_whose_results_show() {
    // Arrange: one cycle's five answers show (6 to 10, a mean of 8.0); another cycle's two
    // answers of 0 stay hidden, and must not pull the national mean down.
    let app = TestApp::spawn().await;
    let (shown_cycle, mentees, _) = cycle_with_pairs(&app, 5).await;
    let shown = send(&app, shown_cycle, "program_evaluation", Audience::Mentees).await;
    for (score, mentee) in (6..).zip(&mentees) {
        evaluate(&app, shown, *mentee, "mentee", score, "").await;
    }
    let small_cycle = cycle_in(&app, Some("NY"), CycleState::Published).await;
    let mut few = Vec::new();
    for i in 0..2 {
        let mentee = app
            .person(
                &format!("few.mentee{i}@example.org"),
                &[(Role::Mentee, None)],
            )
            .await;
        let mentor = app
            .person(
                &format!("few.mentor{i}@example.org"),
                &[(Role::Mentor, None)],
            )
            .await;
        pair(&app, small_cycle, mentee, mentor, None).await;
        few.push(mentee);
    }
    let hidden = send(&app, small_cycle, "program_evaluation", Audience::Mentees).await;
    for mentee in few {
        evaluate(&app, hidden, mentee, "mentee", 0, "").await;
    }
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mut admin = signed_in(&app, "admin@example.org").await;

    // Act
    let page = admin.get("/dashboard/national").await;
    let csv = admin.get("/dashboard/national.csv").await;

    // Assert
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Program evaluation (2 sent)"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("100% (7 of 7)"),
        "every answer counts in the rate"
    );
    assert!(
        page.body.contains("8.0 of 10 (5 answered)"),
        "only the survey that shows counts in the mean: {}",
        page.body
    );
    assert!(
        csv.body.contains(&format!("{RECOMMEND},8.0\n")),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(&format!("{RECOMMEND}: Answered,5\n")));
}

/// For the access table: `{survey}` is an open program evaluation of the cycle that asks
/// the table's mentee and mentor; `{fresh_survey}` is a new one for each use.
pub async fn fill_placeholders(app: &TestApp, text: &str, cycle: i64) -> String {
    if !text.contains("survey}") {
        return text.to_owned();
    }
    let mut text = text.to_owned();
    if text.contains("{fresh_survey}") {
        let id = send(app, cycle, "program_evaluation", Audience::Both).await;
        text = text.replace("{fresh_survey}", &id.to_string());
    }
    if text.contains("{survey}") {
        let existing: Option<(i64,)> = on_db!(&app.db, |pool| {
            sqlx::query_as("SELECT MIN(id) FROM surveys WHERE cycle_id = $1 HAVING COUNT(*) > 0")
                .bind(cycle)
                .fetch_optional(pool)
                .await
        })
        .unwrap();
        let id = match existing {
            Some((id,)) => id,
            None => {
                let id = send(app, cycle, "program_evaluation", Audience::Both).await;
                for (email, role) in [
                    ("mentee@example.org", "mentee"),
                    ("mentor@example.org", "mentor"),
                ] {
                    execute!(
                        &app.db,
                        sqlx::query(
                            "INSERT INTO survey_recipients (survey_id, person_id, role) \
                             SELECT $1, id, $2 FROM people WHERE email = $3",
                        )
                        .bind(id)
                        .bind(role)
                        .bind(email)
                    )
                    .unwrap();
                }
                id
            }
        };
        text = text.replace("{survey}", &id.to_string());
    }
    text
}

#[tokio::test]
async fn the_demo_has_answered_surveys_and_a_check_in_too_small_to_show() {
    // Arrange
    let app = TestApp::spawn().await;

    // Act
    carrel_app::demo::build(&app.db, carrel_app::demo::Scale::Default, 7)
        .await
        .unwrap();
    let counts: Vec<(String, i64)> = on_db!(&app.db, |pool| {
        sqlx::query_as(
            "SELECT s.template, COUNT(x.id) FROM surveys s JOIN cycles c ON c.id = s.cycle_id \
             LEFT JOIN survey_responses x ON x.survey_id = s.id \
             WHERE c.name = 'New York 2025' GROUP BY s.template ORDER BY s.template",
        )
        .fetch_all(pool)
        .await
    })
    .unwrap();

    // Assert
    assert_eq!(counts.len(), 6, "{counts:?}");
    for (template, answers) in &counts {
        if template == "coordinator_checkin" {
            assert!(*answers < 5, "the check-in stays hidden: {answers}");
        } else {
            assert!(*answers >= 5, "{template} shows: {answers}");
        }
    }
    let closed = store::of_cycle(&app.db, new_york_2025(&app).await)
        .await
        .unwrap();
    assert!(closed.iter().all(|s| !s.is_open_now()));
}

async fn new_york_2025(app: &TestApp) -> i64 {
    let (id,): (i64,) = on_db!(&app.db, |pool| {
        sqlx::query_as("SELECT id FROM cycles WHERE name = 'New York 2025'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    id
}
