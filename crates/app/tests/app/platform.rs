//! The platform: security headers, form tokens, error pages, limits, health and metrics.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use carrel_app::platform::auth::roles::Role;

use crate::harness::TestApp;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let mut app = TestApp::spawn().await;

    for path in ["/", "/sign-in", "/no-such-page"] {
        let response = app.get(path).await;
        let csp = response.headers[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert_eq!(response.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(response.headers[header::REFERRER_POLICY], "same-origin");
        assert!(response.headers.contains_key("x-request-id"));
    }
}

#[tokio::test]
async fn a_form_without_its_token_is_refused() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.csrf_token().await;

    let missing = app
        .post_raw("/sign-in", "email=ana%40example.org&password=x")
        .await;
    let wrong = app
        .post_raw("/sign-in", "csrf=forged&email=ana%40example.org&password=x")
        .await;
    let mut fresh = app.other_browser();
    let no_cookie = fresh
        .post_raw("/sign-in", "csrf=anything&email=a&password=b")
        .await;

    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(no_cookie.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_cross_site_post_is_refused_even_with_a_token() {
    let mut app = TestApp::spawn().await;
    let token = app.csrf_token().await;
    let request = Request::builder()
        .method(Method::POST)
        .uri("/sign-in")
        .header(header::COOKIE, format!("carrel_csrf={token}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .body(Body::from(format!("csrf={token}&email=a&password=b")))
        .unwrap();

    let response = app.request(request).await;

    assert_eq!(response.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn error_pages_name_the_request_and_nothing_else() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;

    let response = app.get("/people/not-a-number").await;
    let missing = app.get("/no-such-page").await;

    assert!(response.status.is_client_error());
    let id = response.headers["x-request-id"].to_str().unwrap();
    assert!(response.body.contains(id), "the page names the request id");
    assert!(
        !response.body.contains("Invalid URL"),
        "no parser detail leaks"
    );
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("Page not found"));
    assert!(
        missing.body.contains("Skip to main content"),
        "error pages use the layout"
    );
}

#[tokio::test]
async fn oversized_and_malformed_bodies_get_a_4xx() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;
    let token = app.csrf_token().await;

    let huge = format!("csrf={token}&bio={}", "x".repeat(300 * 1024));
    let oversized = app.post_raw("/profile", &huge).await;
    let malformed = app
        .post_raw("/profile", &format!("csrf={token}&years_in_profession=%ZZ"))
        .await;
    let bad_query = app.get("/people?page=lots").await;

    assert_eq!(oversized.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(malformed.status.is_client_error(), "{}", malformed.status);
    assert!(bad_query.status.is_client_error(), "{}", bad_query.status);
}

#[tokio::test]
async fn health_checks_the_database_and_metrics_count_routes() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;
    app.get("/people/12345").await;

    let health = app.get("/healthz").await;
    let metrics = app.get("/metrics").await;

    assert_eq!(health.status, StatusCode::OK);
    let line = "carrel_http_requests_total{method=\"GET\",route=\"/people/{id}\",status=\"404\"} 1";
    assert!(metrics.body.contains(line), "{}", metrics.body);
    assert!(
        !metrics.body.contains("/people/12345"),
        "paths never become labels"
    );

    app.db.close().await;
    assert_eq!(
        app.get("/healthz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn the_admin_reads_the_outbox_and_no_one_else_does() {
    let mut app = TestApp::spawn().await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    app.person(
        "coordinator@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    app.post_form("/reset", &[("email", "admin@example.org")])
        .await;

    let mut admin = app.other_browser();
    admin.sign_in("admin@example.org").await;
    let mut coordinator = app.other_browser();
    coordinator.sign_in("coordinator@example.org").await;

    let list = admin.get("/admin/outbox").await;
    assert!(list.body.contains("Choose a new Carrel password"));
    assert_eq!(
        coordinator.get("/admin/outbox").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_job_key_is_claimed_once() {
    let app = TestApp::spawn().await;

    let first = carrel_app::platform::jobs::claim_once(&app.db, "digest:7:2026-12")
        .await
        .unwrap();
    let second = carrel_app::platform::jobs::claim_once(&app.db, "digest:7:2026-12")
        .await
        .unwrap();

    assert!(first && !second);
}

#[tokio::test]
async fn an_error_page_keeps_the_signed_in_layout() {
    let mut app = TestApp::spawn().await;
    app.person("ana@example.org", &[(Role::Mentee, None)]).await;
    app.sign_in("ana@example.org").await;

    let response = app.get("/people").await;

    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(
        response.body.contains("Sign out"),
        "the header still shows who is signed in"
    );
    assert!(response.body.contains("Person ana@example.org"));
}
