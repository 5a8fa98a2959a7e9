//! Accounts: sign-in, sessions, sign-up, confirmation, approval, reset, invitations, setup.

use axum::http::StatusCode;
use carrel_app::platform::auth::roles::Role;

use crate::harness::{link_path, TestApp, PASSWORD};

#[tokio::test]
async fn signing_in_rotates_the_session_and_signing_out_ends_it() {
    // Arrange
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;

    // Act
    app.sign_in("ana@example.org").await;
    let first = app.cookie("carrel_session").unwrap().to_owned();
    app.sign_in("ana@example.org").await;
    let second = app.cookie("carrel_session").unwrap().to_owned();

    // Assert
    assert_ne!(first, second, "a new sign-in issues a new session token");
    let mut thief = app.other_browser();
    thief.cookies_mut().insert("carrel_session".into(), first);
    assert_eq!(
        thief.get("/profile").await.status,
        StatusCode::SEE_OTHER,
        "old token is dead"
    );
    assert_eq!(app.get("/profile").await.status, StatusCode::OK);

    let response = app.post_form("/sign-out", &[]).await;
    assert_eq!(response.location(), "/sign-in");
    let mut replay = app.other_browser();
    replay.cookies_mut().insert("carrel_session".into(), second);
    assert_eq!(replay.get("/profile").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_lax() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;

    let response = app
        .post_form(
            "/sign-in",
            &[("email", "ana@example.org"), ("password", PASSWORD)],
        )
        .await;

    let cookie = response
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.starts_with("carrel_session="))
        .expect("session cookie set");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
}

#[tokio::test]
async fn unknown_address_and_wrong_password_get_the_same_answer() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;

    let wrong = app
        .post_form(
            "/sign-in",
            &[
                ("email", "ana@example.org"),
                ("password", "not the password"),
            ],
        )
        .await;
    let unknown = app
        .post_form(
            "/sign-in",
            &[
                ("email", "nobody@example.org"),
                ("password", "whatever it is"),
            ],
        )
        .await;

    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status, unknown.status);
    let message = "The email address or password is not right.";
    assert!(wrong.body.contains(message) && unknown.body.contains(message));
    assert!(
        unknown.body.contains("value=\"nobody@example.org\""),
        "typed email is kept"
    );
}

#[tokio::test]
async fn repeated_failures_on_one_account_are_throttled_with_retry_after() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;

    for _ in 0..10 {
        let response = app
            .post_form(
                "/sign-in",
                &[
                    ("email", "ana@example.org"),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let mut elsewhere = app.other_browser();
    let response = elsewhere
        .post_form(
            "/sign-in",
            &[("email", "ana@example.org"), ("password", PASSWORD)],
        )
        .await;

    assert_eq!(
        response.status,
        StatusCode::TOO_MANY_REQUESTS,
        "even from another address"
    );
    let retry: u64 = response.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
}

#[tokio::test]
async fn one_address_is_throttled_across_accounts() {
    let mut app = TestApp::spawn().await;

    let mut last = StatusCode::OK;
    for n in 0..31 {
        let email = format!("person{n}@example.org");
        last = app
            .post_form("/sign-in", &[("email", &email), ("password", "x")])
            .await
            .status;
    }

    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_idle_session_expires() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;

    let two_hours_ago = carrel_app::platform::db::now() - chrono::Duration::hours(2);
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE sessions SET last_seen_at = $1").bind(two_hours_ago)
    )
    .unwrap();

    assert_eq!(app.get("/profile").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn sign_up_confirm_and_approval_let_a_new_member_in() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    let mut newcomer = app.other_browser();

    // Act: sign up and confirm
    let response = newcomer
        .post_form(
            "/sign-up",
            &[
                ("name", "Rosa Diaz"),
                ("email", "Rosa.Diaz@Example.org"),
                ("region", "NY"),
                ("role", "mentor"),
                ("password", "card catalog of the heart"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let email = app.emails_to("rosa.diaz@example.org").await;
    let confirm = link_path(&email[0], "/confirm/");
    assert_eq!(
        newcomer.get(&confirm).await.status,
        StatusCode::OK,
        "confirm page"
    );
    let before = newcomer
        .post_form(
            "/sign-in",
            &[
                ("email", "rosa.diaz@example.org"),
                ("password", "card catalog of the heart"),
            ],
        )
        .await;
    newcomer.post_form(&confirm, &[]).await;

    // Assert: not in before approval; the coordinator hears of it and approves
    assert_eq!(
        before.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unconfirmed cannot sign in"
    );
    assert!(app.emails_to("coordinator@example.org").await[0].contains("/approvals"));
    let mut coordinator = app.other_browser();
    coordinator.sign_in("coordinator@example.org").await;
    let list = coordinator.get("/approvals").await;
    assert!(list.body.contains("Rosa Diaz"));
    let id = carrel_app::people::store::find_by_email(&app.db, "rosa.diaz@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let approved = coordinator
        .post_form(&format!("/approvals/{id}/approve"), &[])
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);

    let signed_in = newcomer
        .post_form(
            "/sign-in",
            &[
                ("email", "rosa.diaz@example.org"),
                ("password", "card catalog of the heart"),
            ],
        )
        .await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    let grants = carrel_app::platform::auth::session::grants_of(&app.db, id)
        .await
        .unwrap();
    assert_eq!(
        grants.iter().map(|g| g.role).collect::<Vec<_>>(),
        vec![Role::Mentor]
    );
}

#[tokio::test]
async fn a_confirmation_link_works_once() {
    let mut app = TestApp::spawn().await;
    app.post_form(
        "/sign-up",
        &[
            ("name", "Rosa Diaz"),
            ("email", "rosa@example.org"),
            ("region", "NY"),
            ("role", "mentee"),
            ("password", "card catalog of the heart"),
        ],
    )
    .await;
    let confirm = link_path(&app.emails_to("rosa@example.org").await[0], "/confirm/");

    let first = app.post_form(&confirm, &[]).await;
    let second = app.post_form(&confirm, &[]).await;

    assert_eq!(first.status, StatusCode::SEE_OTHER);
    assert_eq!(second.status, StatusCode::NOT_FOUND);
    assert!(second.body.contains("This link no longer works"));
}

#[tokio::test]
async fn sign_up_with_a_known_address_answers_as_for_a_new_one() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    let fields = |email| {
        vec![
            ("name", "Someone"),
            ("email", email),
            ("region", "NY"),
            ("role", "mentee"),
            ("password", "card catalog of the heart"),
        ]
    };

    let known = app.post_form("/sign-up", &fields("ana@example.org")).await;
    let new = app
        .post_form("/sign-up", &fields("fresh@example.org"))
        .await;

    assert_eq!(
        (known.status, known.location()),
        (new.status, new.location())
    );
    assert!(app.emails_to("ana@example.org").await[0].contains("already has an account"));
    assert!(app.emails_to("fresh@example.org").await[0].contains("/confirm/"));
}

#[tokio::test]
async fn sign_up_problems_are_shown_at_their_fields_and_keep_what_was_typed() {
    let mut app = TestApp::spawn().await;

    let response = app
        .post_form(
            "/sign-up",
            &[
                ("name", "Rosa <b>Diaz</b>"),
                ("email", "rosa@@example"),
                ("region", "ZZ"),
                ("role", "overlord"),
                ("password", "password1234"),
            ],
        )
        .await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &response.body;
    assert!(
        body.contains("value=\"Rosa &#60;b&#62;Diaz&#60;/b&#62;\"")
            || body.contains("Rosa &lt;b&gt;"),
        "name kept, escaped"
    );
    assert!(body.contains("value=\"rosa@@example\""), "email kept");
    assert!(body.contains("id=\"email-error\""));
    assert!(body.contains("Choose your region from the list."));
    assert!(body.contains("Choose whether you want to be a mentee or a mentor."));
    assert!(
        body.contains("one people often use"),
        "common password refused"
    );
    assert!(
        !body.contains("password1234"),
        "the password is never echoed"
    );
}

#[tokio::test]
async fn a_reset_link_sets_a_new_password_once_and_ends_sessions() {
    // Arrange
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    let mut other_device = app.other_browser();
    other_device.sign_in("ana@example.org").await;

    // Act
    let response = app
        .post_form("/reset", &[("email", "ANA@example.org")])
        .await;
    let link = link_path(&app.emails_to("ana@example.org").await[0], "/reset/");
    let weak = app.post_form(&link, &[("password", "short")]).await;
    let done = app
        .post_form(&link, &[("password", "a brand new shelving system")])
        .await;
    let again = app
        .post_form(&link, &[("password", "another brand new system")])
        .await;

    // Assert
    assert_eq!(response.location(), "/sign-in");
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a refused password keeps the link"
    );
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(again.status, StatusCode::NOT_FOUND, "the link works once");
    assert_eq!(
        other_device.get("/profile").await.status,
        StatusCode::SEE_OTHER
    );
    let old = app
        .post_form(
            "/sign-in",
            &[("email", "ana@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = app
        .post_form(
            "/sign-in",
            &[
                ("email", "ana@example.org"),
                ("password", "a brand new shelving system"),
            ],
        )
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_reset_link_expires_within_the_hour() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.post_form("/reset", &[("email", "ana@example.org")])
        .await;
    let link = link_path(&app.emails_to("ana@example.org").await[0], "/reset/");

    let (expires,): (chrono::DateTime<chrono::Utc>,) = carrel_app::on_db!(&app.db, |pool| {
        sqlx::query_as("SELECT expires_at FROM one_time_tokens WHERE purpose = 'reset'")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert!(expires - carrel_app::platform::db::now() <= chrono::Duration::hours(1));
    let past = carrel_app::platform::db::now() - chrono::Duration::seconds(1);
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE one_time_tokens SET expires_at = $1").bind(past)
    )
    .unwrap();

    assert_eq!(app.get(&link).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_reset_for_an_unknown_address_sends_nothing_and_looks_the_same() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;

    let known = app
        .post_form("/reset", &[("email", "ana@example.org")])
        .await;
    let unknown = app
        .post_form("/reset", &[("email", "nobody@example.org")])
        .await;

    assert_eq!(
        (known.status, known.location()),
        (unknown.status, unknown.location())
    );
    assert!(app.emails_to("nobody@example.org").await.is_empty());
}

#[tokio::test]
async fn an_admin_invites_a_coordinator_who_joins_with_the_region() {
    // Arrange
    let mut admin = TestApp::spawn().await;
    admin
        .person("admin@example.org", &[(Role::Admin, None)])
        .await;
    admin.sign_in("admin@example.org").await;

    // Act
    let sent = admin
        .post_form(
            "/invitations/new",
            &[
                ("name", "Lee Park"),
                ("email", "lee@example.org"),
                ("role", "coordinator"),
                ("region", "OR"),
            ],
        )
        .await;
    let link = link_path(
        &admin.emails_to("lee@example.org").await[0],
        "/invitations/",
    );
    let mut invitee = admin.other_browser();
    let page = invitee.get(&link).await;
    let joined = invitee
        .post_form(
            &link,
            &[("name", "Lee Park"), ("password", "oregon trail of books")],
        )
        .await;

    // Assert
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(page.body.contains("Coordinator"));
    assert_eq!(joined.location(), "/profile");
    assert_eq!(
        invitee.get("/people").await.status,
        StatusCode::OK,
        "coordinators see people"
    );
    let id = carrel_app::people::store::find_by_email(&admin.db, "lee@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    let grants = carrel_app::platform::auth::session::grants_of(&admin.db, id)
        .await
        .unwrap();
    let oregon = admin.region_id("OR").await;
    assert_eq!(grants[0].role, Role::Coordinator);
    assert_eq!(grants[0].region_id, Some(oregon));
}

#[tokio::test]
async fn a_coordinator_cannot_invite_a_coordinator() {
    let mut app = TestApp::spawn().await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    app.sign_in("coordinator@example.org").await;

    let response = app
        .post_form(
            "/invitations/new",
            &[
                ("name", "X"),
                ("email", "x@example.org"),
                ("role", "coordinator"),
                ("region", "NY"),
            ],
        )
        .await;

    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("Choose a role from the list."));
    assert!(app.emails_to("x@example.org").await.is_empty());
}

#[tokio::test]
async fn the_setup_link_creates_the_first_admin_once() {
    let mut app = TestApp::spawn().await;
    let path = carrel_app::accounts::setup::setup_link_if_needed(&app.db)
        .await
        .unwrap()
        .unwrap();

    let created = app
        .post_form(
            &path,
            &[
                ("name", "Pat Office"),
                ("email", "pat@example.org"),
                ("password", "national program office"),
            ],
        )
        .await;
    let again = app.other_browser().get(&path).await;

    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get("/admin/outbox").await.status,
        StatusCode::OK,
        "signed in as admin"
    );
    assert!(carrel_app::accounts::setup::setup_link_if_needed(&app.db)
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn create_admin_refuses_a_weak_password() {
    let app = TestApp::spawn().await;

    let result =
        carrel_app::accounts::setup::create_admin(&app.db, "pat@example.org", "Pat", "short").await;

    assert!(result.unwrap_err().to_string().contains("password"));
}
