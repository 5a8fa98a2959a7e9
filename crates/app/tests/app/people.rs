//! Profiles and the directory.

use axum::http::StatusCode;
use carrel_app::platform::auth::roles::Role;

use crate::harness::TestApp;

fn valid_profile() -> Vec<(&'static str, &'static str)> {
    vec![
        ("name", "Ana Reyes"),
        ("pronouns", "she/her"),
        ("region", "NY"),
        ("time_zone", "America/New_York"),
        ("library_type", "public"),
        ("institution", "Maple Falls Public Library"),
        ("position", "Branch Manager"),
        ("stage", "mid"),
        ("years_in_profession", "8"),
        ("need_1", "leadership"),
        ("need_2", "grant_writing"),
        ("offer", "instruction"),
        ("language", "en"),
        ("language", "es"),
        ("modality", "online"),
        ("hours_per_month", "4"),
        ("bio", "I run a **branch** <script>alert(1)</script>"),
        ("visibility", "members"),
    ]
}

#[tokio::test]
async fn a_saved_profile_shows_its_ranked_needs_and_a_safe_bio() {
    // Arrange
    let mut app = TestApp::spawn().await;
    let id = app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;

    // Act
    let saved = app.post_form("/profile", &valid_profile()).await;
    let page = app.get(&format!("/people/{id}")).await;

    // Assert
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert_eq!(page.status, StatusCode::OK);
    let leadership = page.body.find("<li>Leadership</li>").expect("first need");
    let grants = page
        .body
        .find("<li>Grant writing</li>")
        .expect("second need");
    assert!(leadership < grants, "needs keep their rank");
    assert!(page.body.contains("<strong>branch</strong>"));
    assert!(
        !page.body.contains("<script>alert(1)"),
        "script is removed from the bio"
    );
    assert!(page.body.contains("English, Spanish"));
    let form = app.get("/profile").await;
    assert!(form.body.contains("value=\"grant_writing\" selected"));
}

#[tokio::test]
async fn profile_problems_are_shown_at_their_fields_and_keep_what_was_typed() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;
    let mut fields = valid_profile();
    let long_name = "N".repeat(121);
    for (key, value) in fields.iter_mut() {
        match *key {
            "name" => *value = Box::leak(long_name.clone().into_boxed_str()),
            "region" => *value = "XX",
            "time_zone" => *value = "Mars/Olympus_Mons",
            "years_in_profession" => *value = "abc",
            "need_1" => *value = "astrology",
            _ => {}
        }
    }

    let response = app.post_form("/profile", &fields).await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &response.body;
    for message in [
        "Use at most 120 characters.",
        "Choose your region from the list.",
        "Choose a time zone from the list.",
        "Enter a whole number from 0 to 70.",
        "Choose needs from the list of topics.",
    ] {
        assert!(body.contains(message), "missing message: {message}");
    }
    assert!(body.contains("value=\"abc\""), "the typed years are kept");
    assert!(
        body.contains("Maple Falls Public Library"),
        "other fields are kept"
    );
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(
        body.contains("aria-describedby=\"name-error\""),
        "the name field points at its message"
    );
    assert!(
        !body.contains("aria-describedby=\"\""),
        "no field points at nothing"
    );
    let stored = carrel_app::people::profile::load(&app.db, 1)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        stored.institution, "Maple Falls Public Library",
        "nothing was saved"
    );
}

#[tokio::test]
async fn a_profile_form_missing_every_field_is_a_message_not_a_crash() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;

    let response = app.post_form("/profile", &[("unexpected", "field")]).await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("This field is required."));
}

#[tokio::test]
async fn the_directory_shows_a_coordinator_their_region_only() {
    // Arrange
    let mut app = TestApp::spawn().await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    app.person("ny.mentee@example.org", &[(Role::Mentee, None)])
        .await;
    app.person_in("ca.mentee@example.org", "CA", &[(Role::Mentee, None)])
        .await;
    app.sign_in("coordinator@example.org").await;

    // Act
    let all = app.get("/people").await;
    let named = app.get("/people?q=ny.mentee").await;
    let asked_for_ca = app.get("/people?region=CA").await;

    // Assert
    assert!(all.body.contains("Person ny.mentee@example.org"));
    assert!(!all.body.contains("Person ca.mentee@example.org"));
    assert!(named.body.contains("Person ny.mentee@example.org"));
    assert_eq!(
        named.body.matches("<a href=\"/people/").count(),
        1,
        "only the named person"
    );
    assert!(
        !asked_for_ca.body.contains("ca.mentee"),
        "a filter cannot widen the scope"
    );
}

#[tokio::test]
async fn the_directory_filters_by_role_stage_topic_and_pages() {
    let mut app = TestApp::spawn().await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let mentor = app
        .person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    for n in 0..55 {
        app.person(
            &format!("mentee{n:02}@example.org"),
            &[(Role::Mentee, None)],
        )
        .await;
    }
    app.sign_in("mentor@example.org").await;
    let mut profile = valid_profile();
    profile.retain(|(key, _)| *key != "stage");
    profile.push(("stage", "senior"));
    app.post_form("/profile", &profile).await;
    let mut admin = app.other_browser();
    admin.sign_in("admin@example.org").await;

    let mentors = admin.get("/people?role=mentor").await;
    let seniors = admin.get("/people?stage=senior").await;
    let offering = admin.get("/people?topic=instruction").await;
    let first = admin.get("/people?role=mentee").await;
    let second = admin.get("/people?role=mentee&page=2").await;
    let percent = admin.get("/people?q=%25").await;

    let link = format!("/people/{mentor}\"");
    assert!(mentors.body.contains(&link) && !mentors.body.contains("mentee00"));
    assert!(seniors.body.contains(&link) && !seniors.body.contains("mentee00"));
    assert!(offering.body.contains(&link));
    assert_eq!(first.body.matches("Person mentee").count(), 50);
    assert!(first.body.contains("Next page"));
    assert_eq!(second.body.matches("Person mentee").count(), 5);
    assert!(!second.body.contains("Next page"));
    assert!(
        percent.body.contains("No one matches"),
        "% is a character, not a wildcard"
    );
}

#[tokio::test]
async fn the_directory_finds_people_by_the_start_of_any_word_of_their_name_or_library() {
    // Arrange
    let mut app = TestApp::spawn().await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let ana = app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.person("other@example.org", &[(Role::Mentee, None)])
        .await;
    app.sign_in("ana@example.org").await;
    let mut profile = valid_profile();
    profile.retain(|(key, _)| *key != "name");
    profile.push(("name", "Ana María García-López"));
    app.post_form("/profile", &profile).await;
    let mut admin = app.other_browser();
    admin.sign_in("admin@example.org").await;
    let link = format!("/people/{ana}\"");

    // Act
    let by_surname_start = admin.get("/people?q=garc").await.body;
    let by_accent = admin.get("/people?q=Garc%C3%ADa").await.body;
    let by_second_surname = admin.get("/people?q=lopez").await.body;
    let by_two_words = admin.get("/people?q=ana+maple").await.body;
    let by_library = admin.get("/people?q=falls+public").await.body;
    let by_address = admin.get("/people?q=ana%40example").await.body;
    let by_middle_of_word = admin.get("/people?q=arcia").await.body;
    let by_old_name = admin.get("/people?q=person+ana").await.body;
    let by_unrelated_word = admin.get("/people?q=ana+brooklyn").await.body;

    // Assert
    for (what, body) in [
        ("start of a surname", &by_surname_start),
        ("accented spelling", &by_accent),
        ("second surname", &by_second_surname),
        ("name and library words", &by_two_words),
        ("library words", &by_library),
        ("address", &by_address),
    ] {
        assert!(body.contains(&link), "found by {what}");
        assert!(!body.contains("Person other@"), "only Ana, by {what}");
    }
    assert!(
        !by_middle_of_word.contains(&link),
        "words match from their start"
    );
    assert!(
        !by_old_name.contains(&link),
        "a renamed person loses the old name's words"
    );
    assert!(!by_unrelated_word.contains(&link), "every word must match");
}

#[tokio::test]
async fn a_profile_hidden_from_members_does_not_exist_for_them() {
    let mut app = TestApp::spawn().await;
    let private = app
        .person("private@example.org", &[(Role::Mentee, None)])
        .await;
    app.person("neighbour@example.org", &[(Role::Mentee, None)])
        .await;
    app.sign_in("private@example.org").await;
    let mut profile = valid_profile();
    profile.retain(|(key, _)| *key != "visibility");
    profile.push(("visibility", "coordinators"));
    app.post_form("/profile", &profile).await;

    let mut neighbour = app.other_browser();
    neighbour.sign_in("neighbour@example.org").await;
    let response = neighbour.get(&format!("/people/{private}")).await;

    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(!response.body.contains("Ana Reyes"));
}
