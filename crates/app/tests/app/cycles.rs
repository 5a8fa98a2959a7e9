//! Program cycles: settings and moves, applications and offers, import, matching,
//! publication, answers and the pool.

use axum::http::StatusCode;
use carrel_app::cycles::applications::{self, ValidApplication, ValidOffer};
use carrel_app::cycles::career;
use carrel_app::cycles::cycle::{self, CycleForm, Placement};
use carrel_app::cycles::proposals;
use carrel_app::cycles::state::{CycleState, Move};
use carrel_app::platform::auth::roles::Role;

use crate::harness::TestApp;

/// Creates a cycle in a region (or nationally) and moves it to `state` through the
/// recorded moves; returns its id.
pub async fn cycle_in(app: &TestApp, region: Option<&str>, state: CycleState) -> i64 {
    let regions = carrel_app::network::list_regions(&app.db).await.unwrap();
    let today = carrel_app::platform::db::now().date_naive();
    let form = CycleForm {
        name: "Test cycle 2026".into(),
        region: region.unwrap_or("national").into(),
        ..CycleForm::starting(today - chrono::Days::new(1))
    };
    let placement = Placement {
        national: true,
        regions: &regions,
    };
    let valid = cycle::validate(&form, &placement).unwrap();
    let id = cycle::create(&app.db, &valid, None, None).await.unwrap();
    let path = [
        (Move::Open, CycleState::Draft, CycleState::Open),
        (Move::StartMatching, CycleState::Open, CycleState::Matching),
        (Move::Publish, CycleState::Matching, CycleState::Published),
    ];
    for (step, from, to) in path {
        if from == state {
            break;
        }
        cycle::record_move(&app.db, id, step, from, to, None)
            .await
            .unwrap();
    }
    id
}

/// A plain application with these topic codes as needs.
pub async fn application(app: &TestApp, needs: &[&str]) -> ValidApplication {
    let topics = carrel_app::people::profile::list_topics(&app.db)
        .await
        .unwrap();
    ValidApplication {
        need_ids: needs
            .iter()
            .map(|code| topics.iter().find(|t| t.code == *code).unwrap().id)
            .collect(),
        goals: "Grow as a leader.".into(),
        same_library_type: false,
        nearby: false,
        wants_peer: false,
        avoid_same_institution: false,
        language: String::new(),
        modality: "either".into(),
        availability: String::new(),
        affinity: String::new(),
    }
}

/// A plain offer of these topics.
pub async fn offer(app: &TestApp, topics: &[&str], capacity: i64) -> ValidOffer {
    let all = carrel_app::people::profile::list_topics(&app.db)
        .await
        .unwrap();
    ValidOffer {
        capacity,
        topic_ids: topics
            .iter()
            .map(|code| all.iter().find(|t| t.code == *code).unwrap().id)
            .collect(),
        stages: "student,early,mid".into(),
        modality: "either".into(),
        availability: String::new(),
        affinity: String::new(),
    }
}

/// Sets a person's career stage.
pub async fn set_stage(app: &TestApp, person_id: i64, stage: &str) {
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE people SET stage = $1 WHERE id = $2")
            .bind(stage)
            .bind(person_id)
    )
    .unwrap();
}

/// A mentor at senior stage with an offer in a cycle.
pub async fn mentor_in(
    app: &TestApp,
    cycle_id: i64,
    email: &str,
    topics: &[&str],
    capacity: i64,
) -> i64 {
    let id = app.person(email, &[(Role::Mentor, None)]).await;
    set_stage(app, id, "senior").await;
    let offer = offer(app, topics, capacity).await;
    applications::save_offers(&app.db, cycle_id, &[(id, offer)])
        .await
        .unwrap();
    id
}

/// A mentee with an application in a cycle.
pub async fn mentee_in(app: &TestApp, cycle_id: i64, email: &str, needs: &[&str]) -> i64 {
    let id = app.person(email, &[(Role::Mentee, None)]).await;
    let application = application(app, needs).await;
    applications::save_applications(&app.db, cycle_id, &[(id, application)])
        .await
        .unwrap();
    id
}

/// For the access table: a New York cycle open for applications, a mentee who applied,
/// and a proposal out between `subject` and a mentor of the cycle.
pub async fn access_fixture(app: &TestApp, subject: i64) -> (i64, i64, i64) {
    let id = cycle_in(app, Some("NY"), CycleState::Open).await;
    let applicant = mentee_in(app, id, "cycle.applicant@example.org", &["leadership"]).await;
    let application = application(app, &["leadership"]).await;
    applications::save_applications(&app.db, id, &[(subject, application)])
        .await
        .unwrap();
    let mentor = mentor_in(app, id, "partner@example.org", &["leadership"], 2).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();
    let proposal = proposals::propose_now(&app.db, &cycle, subject, mentor, 400, "http://x")
        .await
        .unwrap()
        .unwrap();
    (id, applicant, proposal)
}

/// Waits until the cycle's background run or publication has ended.
pub async fn wait_for_jobs(db: &carrel_app::platform::db::Db, cycle_id: i64) {
    for _ in 0..2000 {
        let running = carrel_app::cycles::background::running(db, cycle_id)
            .await
            .unwrap();
        if running.is_none() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the cycle's background job did not end");
}

async fn signed_in(app: &TestApp, email: &str, grants: &[(Role, Option<&str>)]) -> TestApp {
    app.person(email, grants).await;
    let mut browser = app.other_browser();
    browser.sign_in(email).await;
    browser
}

fn cycle_form(region: &str, opens: &str, closes: &str) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = vec![
        ("name", "New York 2026".into()),
        ("region", region.into()),
        ("opens_on", opens.into()),
        ("closes_on", closes.into()),
        ("matching_on", "2026-10-10".into()),
        ("starts_on", "2026-11-01".into()),
        ("duration_months", "9".into()),
        ("cadence", "monthly".into()),
        ("answer_days", "7".into()),
    ];
    for (name, _) in carrel_app::cycles::cycle::CycleWeights::FIELDS {
        fields.push((name, "100".into()));
    }
    fields
}

fn as_refs<'a>(fields: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    fields.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[tokio::test]
async fn a_coordinator_creates_and_opens_a_cycle_and_the_history_names_them() {
    // Arrange
    let app = TestApp::spawn().await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let fields = cycle_form("NY", "2026-09-01", "2026-09-30");

    // Act
    let created = coordinator
        .post_form("/cycles/new", &as_refs(&fields))
        .await;
    let path = created.location().to_owned();
    let moved = coordinator
        .post_form(&format!("{path}/move"), &[("step", "open")])
        .await;
    let page = coordinator.get(&path).await;

    // Assert
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Open for applications"));
    assert!(
        page.body.contains("Person coordinator@example.org"),
        "who moved it"
    );
    assert!(page.body.contains("Close applications and start matching"));
    assert!(
        !page.body.contains("Cancel the cycle"),
        "only admins cancel"
    );
}

#[tokio::test]
async fn a_window_that_ends_before_it_opens_is_refused_at_the_field_keeping_what_was_typed() {
    let app = TestApp::spawn().await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let fields = cycle_form("NY", "2026-09-30", "2026-09-01");

    let response = coordinator
        .post_form("/cycles/new", &as_refs(&fields))
        .await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response
        .body
        .contains("The window must end on or after it opens."));
    assert!(
        response.body.contains("value=\"2026-09-30\""),
        "typed date kept"
    );
}

#[tokio::test]
async fn a_coordinator_cannot_place_a_cycle_nationally_nor_see_another_regions_cycle() {
    let app = TestApp::spawn().await;
    let ny_cycle = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let email = "coordinator.ca@example.org";
    app.person_in(email, "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    let mut california = app.other_browser();
    california.sign_in(email).await;

    let national = california
        .post_form(
            "/cycles/new",
            &as_refs(&cycle_form("national", "2026-09-01", "2026-09-30")),
        )
        .await;
    let other = california.get(&format!("/cycles/{ny_cycle}")).await;
    let list = california.get("/cycles").await;

    assert_eq!(national.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(national.body.contains("Choose a region you coordinate."));
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert!(!list.body.contains("Test cycle 2026"));
}

#[tokio::test]
async fn copying_a_cycle_offers_its_settings_a_year_on() {
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let original = cycle::find(&app.db, id).await.unwrap().unwrap();
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;

    let form = coordinator.get(&format!("/cycles/new?from={id}")).await;
    let last = coordinator.get("/cycles/new?copy=last").await;

    let next_year = original
        .opens_on
        .checked_add_months(chrono::Months::new(12))
        .unwrap()
        .to_string();
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("Test cycle 2026 (copy)"));
    assert!(form.body.contains(&format!("value=\"{next_year}\"")));
    assert!(last.body.contains("Test cycle 2026 (copy)"));
}

fn application_fields() -> Vec<(&'static str, &'static str)> {
    vec![
        ("need_1", "leadership"),
        ("need_2", "grant_writing"),
        ("goals", "Lead my first team well."),
        ("modality", "online"),
        ("availability", "weekday_evening"),
        ("affinity", "first_generation"),
        ("nearby", "yes"),
    ]
}

#[tokio::test]
async fn a_mentee_applies_and_changes_the_application_until_the_window_closes() {
    // Arrange
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let mut mentee = signed_in(&app, "mentee@example.org", &[(Role::Mentee, None)]).await;
    let path = format!("/cycles/{id}/apply");

    // Act
    let sent = mentee.post_form(&path, &application_fields()).await;
    let mut changed = application_fields();
    changed[0] = ("need_1", "supervision");
    let resent = mentee.post_form(&path, &changed).await;
    let form = mentee.get(&path).await;
    cycle::record_move(
        &app.db,
        id,
        Move::StartMatching,
        CycleState::Open,
        CycleState::Matching,
        None,
    )
    .await
    .unwrap();
    let late = mentee.post_form(&path, &application_fields()).await;

    // Assert
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(resent.status, StatusCode::SEE_OTHER);
    assert!(form.body.contains("value=\"supervision\" selected"));
    let (applications, _, _) = applications::counts(&app.db, id).await.unwrap();
    assert_eq!(
        applications, 1,
        "one application per person, changed in place"
    );
    assert_eq!(late.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(late.body.contains("The application window closed"));
}

#[tokio::test]
async fn application_and_offer_problems_are_shown_at_their_fields() {
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let mut both = signed_in(
        &app,
        "both@example.org",
        &[(Role::Mentee, None), (Role::Mentor, None)],
    )
    .await;

    let application = both
        .post_form(
            &format!("/cycles/{id}/apply"),
            &[
                ("need_1", "astrology"),
                ("goals", "Typed goals"),
                ("modality", "either"),
            ],
        )
        .await;
    let offer = both
        .post_form(
            &format!("/cycles/{id}/offer"),
            &[
                ("capacity", "6"),
                ("topic", "leadership"),
                ("stage", "early"),
                ("modality", "either"),
            ],
        )
        .await;

    assert_eq!(application.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(application.body.contains("“astrology” is not a topic"));
    assert!(application.body.contains("Typed goals"), "typed goals kept");
    assert_eq!(offer.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(offer.body.contains("Take from 1 to 5 mentees."));
    assert!(offer.body.contains("value=\"6\""));
}

#[tokio::test]
async fn members_never_see_the_list_of_applications_and_coordinators_see_affinity() {
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let mut mentee = signed_in(&app, "mentee@example.org", &[(Role::Mentee, None)]).await;
    mentee
        .post_form(&format!("/cycles/{id}/apply"), &application_fields())
        .await;
    let mut other = signed_in(&app, "other@example.org", &[(Role::Mentee, None)]).await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;

    let refused = other.get(&format!("/cycles/{id}/applications")).await;
    let list = coordinator.get(&format!("/cycles/{id}/applications")).await;

    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("mentee@example.org"));
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("Person mentee@example.org"));
    assert!(list
        .body
        .contains("First in my family in a professional career"));
}

#[tokio::test]
async fn an_import_reports_every_bad_row_and_imports_nothing_until_the_file_is_clean() {
    // Arrange
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.person("bo@example.org", &[(Role::Mentee, None)]).await;
    app.person_in("cy@example.org", "CA", &[(Role::Mentee, None)])
        .await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let path = format!("/cycles/{id}/import");
    let bad = "email,needs,goals,nearby\n\
               ana@example.org,leadership;astrology,Lead,yes\n\
               cy@example.org,leadership,Lead,\n\
               nobody@example.org,leadership,Lead,\n\
               bo@example.org,grant_writing,\"Write, and win\",perhaps\n";
    let clean = "email,needs,goals,nearby\n\
                 ana@example.org,leadership;grant_writing,Lead,yes\n\
                 bo@example.org,grant_writing,\"Write, and win\",no\n";

    // Act
    let refused = coordinator
        .post_form(&path, &[("kind", "applications"), ("text", bad)])
        .await;
    let (after_refusal, _, _) = applications::counts(&app.db, id).await.unwrap();
    let imported = coordinator
        .post_form(&path, &[("kind", "applications"), ("text", clean)])
        .await;
    let again = coordinator
        .post_form(&path, &[("kind", "applications"), ("text", clean)])
        .await;
    let broken = coordinator
        .post_form(
            &path,
            &[
                ("kind", "offers"),
                ("text", "email,capacity,topics\n\"ana@example.org,2\n"),
            ],
        )
        .await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for expected in [
        "“astrology” is not a topic",
        "not a member of this cycle&#39;s region",
        "nobody@example.org is not an active member",
        "Write yes or no.",
    ] {
        assert!(
            refused.body.contains(expected),
            "{expected}: {}",
            refused.body
        );
    }
    assert!(
        refused.body.contains("<th scope=\"row\">2</th>"),
        "line numbers"
    );
    assert!(refused.body.contains("<th scope=\"row\">5</th>"));
    assert_eq!(after_refusal, 0, "nothing imported from a bad file");
    assert_eq!(imported.status, StatusCode::SEE_OTHER, "{}", imported.body);
    assert_eq!(applications::counts(&app.db, id).await.unwrap().0, 2);
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "duplicates");
    assert!(again.body.contains("already has one in this cycle"));
    assert_eq!(broken.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A cycle in matching with three mentees and two mentors of one place each.
async fn small_matching(app: &TestApp) -> (i64, [i64; 3], [i64; 2]) {
    let id = cycle_in(app, Some("NY"), CycleState::Open).await;
    let ana = mentee_in(app, id, "ana@example.org", &["leadership"]).await;
    let bo = mentee_in(app, id, "bo@example.org", &["grant_writing"]).await;
    let cy = mentee_in(app, id, "cy@example.org", &["leadership", "grant_writing"]).await;
    let lead = mentor_in(app, id, "lead@example.org", &["leadership"], 1).await;
    let grants = mentor_in(app, id, "grants@example.org", &["grant_writing"], 1).await;
    cycle::record_move(
        &app.db,
        id,
        Move::StartMatching,
        CycleState::Open,
        CycleState::Matching,
        None,
    )
    .await
    .unwrap();
    (id, [ana, bo, cy], [lead, grants])
}

#[tokio::test]
async fn matching_shows_both_proposals_with_their_figures_and_reasons() {
    // Arrange
    let app = TestApp::spawn().await;
    let (id, _, _) = small_matching(&app).await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;

    // Act
    let run = coordinator
        .post_form(&format!("/cycles/{id}/matching/run"), &[])
        .await;
    wait_for_jobs(&app.db, id).await;
    let page = coordinator.get(&format!("/cycles/{id}/matching")).await;

    // Assert
    assert_eq!(run.status, StatusCode::SEE_OTHER);
    assert_eq!(page.status, StatusCode::OK);
    for expected in [
        "Matched mentees",
        "Blocking pairs",
        "Score given up",
        "Matched and unmatched by career stage",
        "New York",
        "shares your need: leadership",
        "two career stages ahead",
    ] {
        assert!(page.body.contains(expected), "{expected}");
    }
    let summary = carrel_app::cycles::matching::latest_summary(&app.db, id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(summary.optimal.matched, 2);
    assert_eq!(summary.optimal.unmatched_by_stage[1], 1);
}

#[tokio::test]
async fn a_pinned_pair_is_kept_and_a_forbidden_pair_is_never_proposed() {
    let app = TestApp::spawn().await;
    let (id, [ana, _, cy], [lead, grants]) = small_matching(&app).await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let rule = format!("/cycles/{id}/matching/rule");

    let pinned = coordinator
        .post_form(
            &rule,
            &[
                ("mentee", &cy.to_string()),
                ("mentor", &lead.to_string()),
                ("kind", "pin"),
            ],
        )
        .await;
    coordinator
        .post_form(
            &rule,
            &[
                ("mentee", &ana.to_string()),
                ("mentor", &grants.to_string()),
                ("kind", "forbid"),
            ],
        )
        .await;
    let bogus = coordinator
        .post_form(
            &rule,
            &[
                ("mentee", "999999"),
                ("mentor", &lead.to_string()),
                ("kind", "pin"),
            ],
        )
        .await;
    coordinator
        .post_form(&format!("/cycles/{id}/matching/run"), &[])
        .await;
    wait_for_jobs(&app.db, id).await;
    let assign = coordinator
        .get(&format!("/cycles/{id}/matching/assign/{ana}"))
        .await;

    assert_eq!(pinned.status, StatusCode::SEE_OTHER);
    assert_eq!(bogus.status, StatusCode::BAD_REQUEST);
    let pairs = draft_pairs(&app, id).await;
    for solver in ["optimal", "stable"] {
        assert!(
            pairs.contains(&(solver.to_owned(), cy, lead)),
            "{solver}: {pairs:?}"
        );
        assert!(
            !pairs.contains(&(solver.to_owned(), ana, grants)),
            "{solver}: {pairs:?}"
        );
    }
    assert_eq!(assign.status, StatusCode::OK);
    assert!(assign.body.contains("Person lead@example.org"));
    assert!(assign.body.contains("shares your need: leadership"));
}

async fn draft_pairs(app: &TestApp, cycle_id: i64) -> Vec<(String, i64, i64)> {
    carrel_app::on_db!(&app.db, |pool| sqlx::query_as(
        "SELECT solver, mentee_id, mentor_id FROM proposals \
         WHERE cycle_id = $1 AND status = 'draft'"
    )
    .bind(cycle_id)
    .fetch_all(pool)
    .await)
    .unwrap()
}

/// Runs and publishes the optimal proposal of the small cycle as its coordinator.
async fn published(app: &TestApp) -> (i64, [i64; 3], [i64; 2], TestApp) {
    let (id, mentees, mentors) = small_matching(app).await;
    let mut coordinator = signed_in(
        app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    coordinator
        .post_form(&format!("/cycles/{id}/matching/run"), &[])
        .await;
    wait_for_jobs(&app.db, id).await;
    let response = coordinator
        .post_form(
            &format!("/cycles/{id}/matching/publish"),
            &[("solver", "optimal")],
        )
        .await;
    wait_for_jobs(&app.db, id).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    (id, mentees, mentors, coordinator)
}

async fn proposal_of(app: &TestApp, mentee_id: i64) -> proposals::Proposal {
    let id: (i64,) = carrel_app::on_db!(&app.db, |pool| sqlx::query_as(
        "SELECT id FROM proposals WHERE mentee_id = $1 ORDER BY id DESC LIMIT 1"
    )
    .bind(mentee_id)
    .fetch_one(pool)
    .await)
    .unwrap();
    proposals::find(&app.db, id.0).await.unwrap().unwrap()
}

#[tokio::test]
async fn publishing_tells_both_people_and_two_accepts_make_a_mentorship_with_a_liaison() {
    // Arrange
    let app = TestApp::spawn().await;
    let (id, [ana, _, _], _, _) = published(&app).await;
    let proposal = proposal_of(&app, ana).await;
    let mut mentee = app.other_browser();
    mentee.sign_in("ana@example.org").await;
    let mut mentor = app.other_browser();
    mentor.sign_in(&proposal.mentor_email).await;
    let path = format!("/proposals/{}", proposal.id);

    // Act
    let home = mentee.get("/").await;
    let first = mentee
        .post_form(&format!("{path}/answer"), &[("answer", "accept")])
        .await;
    let second = mentor
        .post_form(&format!("{path}/answer"), &[("answer", "accept")])
        .await;
    let twice = mentor
        .post_form(&format!("{path}/answer"), &[("answer", "accept")])
        .await;
    let page = mentee.get(&path).await;

    // Assert
    assert!(app.emails_to("ana@example.org").await[0].contains(&path));
    assert!(app.emails_to(&proposal.mentor_email).await[0].contains(&path));
    assert!(home.body.contains("as your mentor"), "in-app notice");
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mentorship = proposals::mentorship_of(&app.db, proposal.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(mentorship.cycle_id, id);
    assert_eq!(
        mentorship.liaison_name.as_deref(),
        Some("Person coordinator@example.org")
    );
    assert!(page.body.contains("Accepted by both"));
    assert!(page.body.contains("liaison coordinator"));
}

#[tokio::test]
async fn a_decline_needs_a_reason_and_sends_the_mentee_back_to_the_pool_with_a_next_mentor() {
    // Arrange: one more mentor with a free place arrives after publication.
    let app = TestApp::spawn().await;
    let (id, [ana, _, _], _, mut coordinator) = published(&app).await;
    let spare = mentor_in(&app, id, "spare@example.org", &["leadership"], 1).await;
    let proposal = proposal_of(&app, ana).await;
    let mut mentee = app.other_browser();
    mentee.sign_in("ana@example.org").await;
    let answer = format!("/proposals/{}/answer", proposal.id);

    // Act
    let no_reason = mentee.post_form(&answer, &[("answer", "decline")]).await;
    let declined = mentee
        .post_form(
            &answer,
            &[
                ("answer", "decline"),
                ("reason", "We work at the same branch."),
            ],
        )
        .await;
    let pool = coordinator.get(&format!("/cycles/{id}/pool")).await;
    let confirmed = coordinator
        .post_form(
            &format!("/cycles/{id}/pool/confirm"),
            &[("mentee", &ana.to_string()), ("mentor", &spare.to_string())],
        )
        .await;

    // Assert
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.body.contains("Say briefly why"));
    assert_eq!(declined.status, StatusCode::SEE_OTHER);
    assert!(pool.body.contains("We work at the same branch."));
    assert!(
        pool.body.contains("Person spare@example.org"),
        "next best mentor with a place"
    );
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    let next = proposal_of(&app, ana).await;
    assert_eq!(next.mentor_id, spare);
    assert_eq!(next.status, "published");
    assert!(app.emails_to("spare@example.org").await[0].contains("propose that you mentor"));
}

#[tokio::test]
async fn the_mentor_never_sees_the_mentees_identity_affinity() {
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Open).await;
    let mentor = mentor_in(&app, id, "lead@example.org", &["leadership"], 1).await;
    let mut mentee = signed_in(&app, "mentee@example.org", &[(Role::Mentee, None)]).await;
    mentee
        .post_form(&format!("/cycles/{id}/apply"), &application_fields())
        .await;
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE offers SET affinity = 'first_generation' WHERE person_id = $1")
            .bind(mentor)
    )
    .unwrap();
    cycle::record_move(
        &app.db,
        id,
        Move::StartMatching,
        CycleState::Open,
        CycleState::Matching,
        None,
    )
    .await
    .unwrap();
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    coordinator
        .post_form(&format!("/cycles/{id}/matching/run"), &[])
        .await;
    wait_for_jobs(&app.db, id).await;
    coordinator
        .post_form(
            &format!("/cycles/{id}/matching/publish"),
            &[("solver", "stable")],
        )
        .await;
    wait_for_jobs(&app.db, id).await;
    let mentee_id = carrel_app::people::store::find_by_email(&app.db, "mentee@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let proposal = proposal_of(&app, mentee_id).await;
    let mut mentor_browser = app.other_browser();
    mentor_browser.sign_in("lead@example.org").await;

    let as_mentor = mentor_browser
        .get(&format!("/proposals/{}", proposal.id))
        .await;
    let as_coordinator = coordinator
        .get(&format!("/proposals/{}", proposal.id))
        .await;

    assert_eq!(as_mentor.status, StatusCode::OK);
    assert!(
        as_mentor.body.contains("Lead my first team well."),
        "goals are shared"
    );
    assert!(!as_mentor.body.contains("identity"), "{}", as_mentor.body);
    assert!(as_coordinator.body.contains("shares an identity"));
    assert!(as_coordinator.body.contains("First in my family"));
}

#[tokio::test]
async fn two_accepts_at_the_same_moment_make_one_mentorship() {
    let app = TestApp::spawn().await;
    let (_, [ana, _, _], _, _) = published(&app).await;
    let proposal = proposal_of(&app, ana).await;

    let (a, b) = tokio::join!(
        proposals::answer(&app.db, &proposal, proposals::Side::Mentee, true, ""),
        proposals::answer(&app.db, &proposal, proposals::Side::Mentor, true, ""),
    );

    let outcomes = [a.unwrap(), b.unwrap()];
    let created = outcomes
        .iter()
        .filter(|o| matches!(o, proposals::Answered::Mentorship(_)))
        .count();
    assert_eq!(created, 1, "{outcomes:?}");
    let (count,): (i64,) = carrel_app::on_db!(&app.db, |pool| sqlx::query_as(
        "SELECT COUNT(*) FROM mentorships WHERE proposal_id = $1"
    )
    .bind(proposal.id)
    .fetch_one(pool)
    .await)
    .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn two_coordinators_confirming_the_last_place_at_once_fill_it_once() {
    let app = TestApp::spawn().await;
    let id = cycle_in(&app, Some("NY"), CycleState::Published).await;
    let a = mentee_in(&app, id, "a@example.org", &["leadership"]).await;
    let b = mentee_in(&app, id, "b@example.org", &["leadership"]).await;
    let mentor = mentor_in(&app, id, "lead@example.org", &["leadership"], 1).await;
    let cycle = cycle::find(&app.db, id).await.unwrap().unwrap();

    let (first, second) = tokio::join!(
        proposals::propose_now(&app.db, &cycle, a, mentor, 500, "http://x"),
        proposals::propose_now(&app.db, &cycle, b, mentor, 500, "http://x"),
    );

    let sent = [first.unwrap(), second.unwrap()];
    assert_eq!(sent.iter().filter(|s| s.is_some()).count(), 1, "{sent:?}");
}

#[tokio::test]
async fn a_reminder_goes_once_before_the_deadline_and_late_proposals_expire() {
    let app = TestApp::spawn().await;
    let (_, [ana, bo, _], _, _) = published(&app).await;
    let due_soon = proposal_of(&app, ana).await;
    let overdue = proposal_of(&app, bo).await;
    for (id, days) in [(due_soon.id, 1), (overdue.id, -1)] {
        let at = carrel_app::platform::db::now() + chrono::Duration::days(days);
        carrel_app::execute!(
            &app.db,
            sqlx::query("UPDATE proposals SET answer_by = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
        )
        .unwrap();
    }

    proposals::remind_and_expire(&app.db, "http://x")
        .await
        .unwrap();
    proposals::remind_and_expire(&app.db, "http://x")
        .await
        .unwrap();

    let reminders = app
        .emails_to("ana@example.org")
        .await
        .into_iter()
        .filter(|body| body.contains("waiting for your answer"))
        .count();
    assert_eq!(reminders, 1);
    let expired = proposals::find(&app.db, overdue.id).await.unwrap().unwrap();
    assert_eq!(expired.status, "expired");
}

#[tokio::test]
async fn a_stranger_is_told_a_proposal_does_not_exist_and_cannot_answer_it() {
    let app = TestApp::spawn().await;
    let (_, [ana, _, _], _, _) = published(&app).await;
    let proposal = proposal_of(&app, ana).await;
    let mut stranger = signed_in(&app, "stranger@example.org", &[(Role::Mentee, None)]).await;

    let page = stranger.get(&format!("/proposals/{}", proposal.id)).await;
    let answer = stranger
        .post_form(
            &format!("/proposals/{}/answer", proposal.id),
            &[("answer", "accept")],
        )
        .await;

    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_has_an_open_a_matching_an_answering_and_a_closed_cycle() {
    let app = TestApp::spawn().await;

    carrel_app::demo::build(&app.db, carrel_app::demo::Scale::Default, 7)
        .await
        .unwrap();

    let cycles = cycle::list(&app.db, &cycle::CycleScope::All).await.unwrap();
    let states: Vec<&str> = cycles.iter().map(|c| c.state.as_str()).collect();
    for state in ["open", "matching", "published", "closed"] {
        assert!(states.contains(&state), "{state}: {states:?}");
    }
    let closed = cycles.iter().find(|c| c.state == "closed").unwrap();
    assert!(
        proposals::mentorship_count(&app.db, closed.id)
            .await
            .unwrap()
            > 0
    );

    let texas = cycles.iter().find(|c| c.name == "Texas 2026").unwrap();
    assert!(texas.self_match, "Texas takes self-match requests");
    let answers: Vec<(String,)> = carrel_app::on_db!(&app.db, |pool| {
        sqlx::query_as("SELECT status FROM match_requests WHERE cycle_id = $1 ORDER BY id")
            .bind(texas.id)
            .fetch_all(pool)
            .await
    })
    .unwrap();
    let answers: Vec<&str> = answers.iter().map(|(s,)| s.as_str()).collect();
    assert!(answers.contains(&"accepted"), "{answers:?}");
    assert!(answers.contains(&"declined"), "{answers:?}");
    assert!(answers.contains(&"waiting"), "{answers:?}");

    // The Texas accounts find self-match on their home page: the mentee a mentor to choose
    // from suggestions, the mentor a request waiting for an answer.
    let choose = format!("/cycles/{}/mentors", texas.id);
    let answer = format!("/cycles/{}/requests", texas.id);
    let accounts = [
        (
            "mentee.tx@demo.carrel.example",
            &choose,
            "Choose your mentor in Texas 2026",
            &answer,
        ),
        (
            "mentor.tx@demo.carrel.example",
            &answer,
            "asked you to mentor them in Texas 2026",
            &choose,
        ),
    ];
    for (email, link, step, not_theirs) in accounts {
        let mut browser = app.other_browser();
        let password = carrel_app::demo::DEMO_PASSWORD;
        let signed = browser
            .post_form("/sign-in", &[("email", email), ("password", password)])
            .await;
        assert_eq!(signed.status, StatusCode::SEE_OTHER, "{email}");
        let home = browser.get("/").await;
        let page = browser.get(link).await;
        let other = browser.get(not_theirs).await;
        assert!(
            home.body.contains(&format!("href=\"{link}\"")),
            "{email}: {}",
            home.body
        );
        assert!(home.body.contains(step), "{email}: {}", home.body);
        assert_eq!(page.status, StatusCode::OK, "{email}");
        assert_eq!(
            other.status,
            StatusCode::FORBIDDEN,
            "{email} on {not_theirs}"
        );
        if link == &choose {
            assert!(
                page.body.contains("/mentors/request"),
                "a mentor to ask: {}",
                page.body
            );
        } else {
            assert!(
                page.body.contains("joined late this year"),
                "the request: {}",
                page.body
            );
        }
    }

    let mentee = carrel_app::people::store::find_by_email(&app.db, "mentee@demo.carrel.example")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(career::timeline(&app.db, mentee).await.unwrap().len(), 2);
    assert!(career::is_due(&app.db, mentee, 6).await.unwrap());
}

#[tokio::test]
async fn a_cycle_for_a_group_of_regions_is_run_by_each_regions_coordinators_and_open_to_its_people()
{
    // Arrange
    let app = TestApp::spawn().await;
    let mut admin = signed_in(&app, "admin@example.org", &[(Role::Admin, None)]).await;
    let mut fields = cycle_form("group", "2026-09-01", "2026-09-30");
    fields.push(("group", "ny, NJ".into()));
    let mut unknown = fields.clone();
    unknown.retain(|(k, _)| *k != "group");
    unknown.push(("group", "NY, ZZ".into()));
    app.person_in(
        "coordinator.nj@example.org",
        "NJ",
        &[(Role::Coordinator, Some("NJ"))],
    )
    .await;
    app.person_in(
        "coordinator.ca@example.org",
        "CA",
        &[(Role::Coordinator, Some("CA"))],
    )
    .await;
    app.person_in("mentee.nj@example.org", "NJ", &[(Role::Mentee, None)])
        .await;
    app.person_in("mentee.ca@example.org", "CA", &[(Role::Mentee, None)])
        .await;

    // Act
    let refused = admin.post_form("/cycles/new", &as_refs(&unknown)).await;
    let created = admin.post_form("/cycles/new", &as_refs(&fields)).await;
    let path = created.location().to_owned();
    let mut views = Vec::new();
    for email in [
        "coordinator.nj@example.org",
        "coordinator.ca@example.org",
        "mentee.nj@example.org",
        "mentee.ca@example.org",
    ] {
        let mut browser = app.other_browser();
        browser.sign_in(email).await;
        views.push((
            browser.get(&format!("{path}/edit")).await.status,
            browser.get(&format!("{path}/apply")).await.status,
        ));
    }

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Unknown region codes: ZZ."));
    assert!(refused.body.contains("NY, ZZ"), "what was typed is kept");
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(
        views[0],
        (StatusCode::OK, StatusCode::FORBIDDEN),
        "NJ runs it"
    );
    assert_eq!(views[1].0, StatusCode::NOT_FOUND, "CA sees nothing of it");
    assert_eq!(
        views[2],
        (StatusCode::FORBIDDEN, StatusCode::OK),
        "NJ applies"
    );
    assert_eq!(
        views[3].1,
        StatusCode::NOT_FOUND,
        "CA people are not its pool"
    );
    let page = admin.get(&path).await;
    assert!(page.body.contains("Regions "), "{}", page.body);
}

#[tokio::test]
async fn while_a_run_works_in_the_background_the_page_says_so_and_nothing_else_starts() {
    // Arrange: a run already working on the cycle.
    let app = TestApp::spawn().await;
    let (id, _, _) = small_matching(&app).await;
    let mut coordinator = signed_in(
        &app,
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let coordinator_id =
        carrel_app::people::store::find_by_email(&app.db, "coordinator@example.org")
            .await
            .unwrap()
            .unwrap()
            .id;
    let job = carrel_app::cycles::background::start(
        &app.db,
        id,
        carrel_app::cycles::background::Kind::Run,
        coordinator_id,
    )
    .await
    .unwrap()
    .unwrap();

    // Act
    let page = coordinator.get(&format!("/cycles/{id}/matching")).await;
    let again = coordinator
        .post_form(&format!("/cycles/{id}/matching/run"), &[])
        .await;
    let publish = coordinator
        .post_form(
            &format!("/cycles/{id}/matching/publish"),
            &[("solver", "optimal")],
        )
        .await;
    carrel_app::cycles::background::finish(&app.db, job, &Ok(()))
        .await
        .unwrap();
    let after = coordinator.get(&format!("/cycles/{id}/matching")).await;

    // Assert
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("The matching is running"));
    assert!(page.body.contains("<meta http-equiv=\"refresh\""));
    assert!(page.body.contains("Reload now"));
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert!(
        carrel_app::cycles::matching::latest_summary(&app.db, id)
            .await
            .unwrap()
            .is_none(),
        "the second click started no run"
    );
    assert_eq!(publish.status, StatusCode::BAD_REQUEST);
    assert!(!after.body.contains("The matching is running"));
}
