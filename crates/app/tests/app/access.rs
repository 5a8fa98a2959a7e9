//! Every route of the router, walked by every role, against the expected status.
//!
//! A route added to the app but missing here fails `every_route_is_in_the_table`, so access
//! rules are decided for each new page, not discovered later.

use axum::http::{Method, StatusCode};
use carrel_app::people::store::{self, NewPerson, Status};
use carrel_app::platform::auth::roles::Role;

use crate::harness::TestApp;

/// Who makes the request.
#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Mentee,
    Mentor,
    CoordinatorHere,
    CoordinatorElsewhere,
    Admin,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Mentee,
    Who::Mentor,
    Who::CoordinatorHere,
    Who::CoordinatorElsewhere,
    Who::Admin,
];

/// (method, route template, concrete path, form body, expected status per role in the order
/// anonymous, mentee, mentor, coordinator here, coordinator elsewhere, admin).
///
/// `{pending}` is replaced by a new person awaiting approval in New York, `{subject}` by a
/// New York member who shows their profile to coordinators only, `{message}` by an outbox
/// message. Tokens are unknown on purpose: the flows with real tokens have their own tests.
type Row = (Method, &'static str, &'static str, &'static str, [u16; 6]);

fn table() -> Vec<Row> {
    use Method as M;
    const OPEN: [u16; 6] = [200; 6];
    const MEMBERS: [u16; 6] = [303, 200, 200, 200, 200, 200];
    const STAFF: [u16; 6] = [303, 403, 403, 200, 200, 200];
    const ADMIN: [u16; 6] = [303, 403, 403, 403, 403, 200];
    const GONE: [u16; 6] = [404; 6];
    const INVALID: [u16; 6] = [422; 6];
    const NY_MEMBERS: [u16; 6] = [303, 200, 200, 200, 404, 200];
    const NY_STAFF: [u16; 6] = [303, 403, 403, 200, 404, 200];
    const NY_INVALID: [u16; 6] = [303, 403, 403, 422, 404, 422];
    const NY_REFUSED: [u16; 6] = [303, 403, 403, 400, 404, 400];
    vec![
        (M::GET, "/", "/", "", OPEN),
        (M::GET, "/healthz", "/healthz", "", OPEN),
        (M::GET, "/metrics", "/metrics", "", OPEN),
        (M::GET, "/static/carrel.css", "/static/carrel.css", "", OPEN),
        (M::GET, "/sign-in", "/sign-in", "", OPEN),
        (
            M::POST,
            "/sign-in",
            "/sign-in",
            "email=x&password=y",
            INVALID,
        ),
        (M::POST, "/sign-out", "/sign-out", "", [303; 6]),
        (M::GET, "/sign-up", "/sign-up", "", OPEN),
        (M::POST, "/sign-up", "/sign-up", "name=", INVALID),
        (M::GET, "/confirm/{token}", "/confirm/unknown", "", GONE),
        (M::POST, "/confirm/{token}", "/confirm/unknown", "", GONE),
        (M::GET, "/reset", "/reset", "", OPEN),
        (M::POST, "/reset", "/reset", "email=", INVALID),
        (M::GET, "/reset/{token}", "/reset/unknown", "", GONE),
        (
            M::POST,
            "/reset/{token}",
            "/reset/unknown",
            "password=x",
            GONE,
        ),
        (M::GET, "/invitations/new", "/invitations/new", "", STAFF),
        (
            M::POST,
            "/invitations/new",
            "/invitations/new",
            "name=New+Mentee&email=new.mentee%40example.org&role=mentee&region=NY",
            // The coordinator of California is not offered New York: a field message.
            [303, 403, 403, 303, 422, 303],
        ),
        (
            M::GET,
            "/invitations/{token}",
            "/invitations/unknown",
            "",
            GONE,
        ),
        (
            M::POST,
            "/invitations/{token}",
            "/invitations/unknown",
            "name=x",
            GONE,
        ),
        (M::GET, "/approvals", "/approvals", "", STAFF),
        (
            M::POST,
            "/approvals/{id}/approve",
            "/approvals/{pending}/approve",
            "",
            [303, 403, 403, 303, 403, 303],
        ),
        (
            M::POST,
            "/approvals/{id}/decline",
            "/approvals/{pending}/decline",
            "",
            [303, 403, 403, 303, 403, 303],
        ),
        (M::GET, "/setup/{token}", "/setup/unknown", "", GONE),
        (M::POST, "/setup/{token}", "/setup/unknown", "", GONE),
        (M::GET, "/profile", "/profile", "", MEMBERS),
        (
            M::POST,
            "/profile",
            "/profile",
            "name=",
            [303, 422, 422, 422, 422, 422],
        ),
        (M::GET, "/people", "/people", "", STAFF),
        (
            M::GET,
            "/people/{id}",
            "/people/{subject}",
            "",
            [303, 404, 404, 200, 404, 200],
        ),
        (M::GET, "/regions", "/regions", "", OPEN),
        (M::GET, "/regions/{code}", "/regions/NY", "", OPEN),
        (M::GET, "/admin/divisions", "/admin/divisions", "", ADMIN),
        (
            M::POST,
            "/admin/divisions",
            "/admin/divisions",
            "region-NY=middle_atlantic",
            [303, 403, 403, 403, 403, 303],
        ),
        (M::GET, "/admin/outbox", "/admin/outbox", "", ADMIN),
        // Cycles: `{cycle}` is a New York cycle open for applications, `{applicant}` a
        // mentee who applied to it, `{proposal}` a proposal out to two other people.
        (M::GET, "/cycles", "/cycles", "", MEMBERS),
        (M::GET, "/cycles/new", "/cycles/new", "", STAFF),
        (
            M::POST,
            "/cycles/new",
            "/cycles/new",
            "name=",
            [303, 403, 403, 422, 422, 422],
        ),
        (M::GET, "/cycles/{id}", "/cycles/{cycle}", "", NY_MEMBERS),
        (
            M::GET,
            "/cycles/{id}/edit",
            "/cycles/{cycle}/edit",
            "",
            NY_STAFF,
        ),
        (
            M::POST,
            "/cycles/{id}/edit",
            "/cycles/{cycle}/edit",
            "name=",
            NY_INVALID,
        ),
        (
            M::POST,
            "/cycles/{id}/move",
            "/cycles/{cycle}/move",
            "step=fly",
            NY_REFUSED,
        ),
        (
            M::GET,
            "/cycles/{id}/apply",
            "/cycles/{cycle}/apply",
            "",
            [303, 200, 403, 403, 404, 403],
        ),
        (
            M::POST,
            "/cycles/{id}/apply",
            "/cycles/{cycle}/apply",
            "goals=",
            [303, 422, 403, 403, 404, 403],
        ),
        (
            M::GET,
            "/cycles/{id}/offer",
            "/cycles/{cycle}/offer",
            "",
            [303, 403, 200, 403, 404, 403],
        ),
        (
            M::POST,
            "/cycles/{id}/offer",
            "/cycles/{cycle}/offer",
            "capacity=9",
            [303, 403, 422, 403, 404, 403],
        ),
        (
            M::GET,
            "/cycles/{id}/applications",
            "/cycles/{cycle}/applications",
            "",
            NY_STAFF,
        ),
        (
            M::GET,
            "/cycles/{id}/import",
            "/cycles/{cycle}/import",
            "",
            NY_STAFF,
        ),
        (
            M::POST,
            "/cycles/{id}/import",
            "/cycles/{cycle}/import",
            "kind=applications&text=email",
            NY_INVALID,
        ),
        (
            M::GET,
            "/cycles/{id}/matching",
            "/cycles/{cycle}/matching",
            "",
            NY_STAFF,
        ),
        // The cycle is not in matching yet: its coordinators are told so, others refused.
        (
            M::POST,
            "/cycles/{id}/matching/run",
            "/cycles/{cycle}/matching/run",
            "",
            NY_REFUSED,
        ),
        (
            M::POST,
            "/cycles/{id}/matching/rule",
            "/cycles/{cycle}/matching/rule",
            "mentee=1&mentor=2&kind=pin",
            NY_REFUSED,
        ),
        (
            M::GET,
            "/cycles/{id}/matching/assign/{mentee}",
            "/cycles/{cycle}/matching/assign/{applicant}",
            "",
            NY_STAFF,
        ),
        (
            M::POST,
            "/cycles/{id}/matching/publish",
            "/cycles/{cycle}/matching/publish",
            "solver=optimal",
            NY_REFUSED,
        ),
        (
            M::GET,
            "/cycles/{id}/pool",
            "/cycles/{cycle}/pool",
            "",
            NY_STAFF,
        ),
        (
            M::POST,
            "/cycles/{id}/pool/confirm",
            "/cycles/{cycle}/pool/confirm",
            "mentee=1&mentor=2",
            NY_REFUSED,
        ),
        (
            M::GET,
            "/proposals/{id}",
            "/proposals/{proposal}",
            "",
            [303, 404, 404, 200, 404, 200],
        ),
        (
            M::POST,
            "/proposals/{id}/answer",
            "/proposals/{proposal}/answer",
            "answer=accept",
            [303, 404, 404, 403, 404, 403],
        ),
        (
            M::GET,
            "/admin/outbox/{id}",
            "/admin/outbox/{message}",
            "",
            ADMIN,
        ),
    ]
}

#[test]
fn every_route_is_in_the_table() {
    let table: Vec<(Method, &str)> = table().into_iter().map(|row| (row.0, row.1)).collect();
    let routes = carrel_app::app::route_list();

    for route in &routes {
        assert!(
            table.contains(route),
            "route {} {} is missing from the access table",
            route.0,
            route.1
        );
    }
    for row in &table {
        assert!(
            routes.contains(row),
            "the access table names {} {}, which is not a route",
            row.0,
            row.1
        );
    }
}

async fn browser_for(app: &TestApp, who: Who) -> TestApp {
    let mut browser = app.other_browser();
    let email = match who {
        Who::Anonymous => return browser,
        Who::Mentee => "mentee@example.org",
        Who::Mentor => "mentor@example.org",
        Who::CoordinatorHere => "coordinator.ny@example.org",
        Who::CoordinatorElsewhere => "coordinator.ca@example.org",
        Who::Admin => "admin@example.org",
    };
    browser.sign_in(email).await;
    browser
}

async fn pending_person(app: &TestApp, n: usize) -> i64 {
    let region_id = app.region_id("NY").await;
    store::create(
        &app.db,
        &NewPerson {
            email: &format!("pending{n}@example.org"),
            name: "Pending Person",
            password_hash: None,
            status: Status::PendingApproval,
            region_id: Some(region_id),
            requested_role: "mentee",
            time_zone: "America/New_York",
        },
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn every_role_gets_the_expected_answer_from_every_route() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    app.person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    app.person(
        "coordinator.ny@example.org",
        &[(Role::Coordinator, Some("NY"))],
    )
    .await;
    app.person_in(
        "coordinator.ca@example.org",
        "CA",
        &[(Role::Coordinator, Some("CA"))],
    )
    .await;
    app.person("admin@example.org", &[(Role::Admin, None)])
        .await;
    let subject = app
        .person("subject@example.org", &[(Role::Mentee, None)])
        .await;
    set_visibility(&app, subject, "coordinators").await;
    carrel_app::platform::mail::enqueue(&app.db, "someone@example.org", "Hello", "Body")
        .await
        .unwrap();
    let message = carrel_app::platform::mail::list(&app.db, 1, 0)
        .await
        .unwrap()[0]
        .id;
    let (cycle, applicant, proposal) = crate::cycles::access_fixture(&app, subject).await;

    // Act and assert
    let mut failures = Vec::new();
    let mut pending_count = 0;
    for (index, who) in EVERYONE.into_iter().enumerate() {
        let mut browser = browser_for(&app, who).await;
        for (method, template, path, body, expected) in table() {
            let mut path = path.replace("{subject}", &subject.to_string());
            path = path.replace("{message}", &message.to_string());
            path = path.replace("{cycle}", &cycle.to_string());
            path = path.replace("{applicant}", &applicant.to_string());
            path = path.replace("{proposal}", &proposal.to_string());
            if path.contains("{pending}") {
                pending_count += 1;
                let id = pending_person(&app, pending_count).await;
                path = path.replace("{pending}", &id.to_string());
            }
            let response = if method == Method::GET {
                browser.get(&path).await
            } else {
                let token = browser.csrf_token().await;
                let body = if body.is_empty() {
                    format!("csrf={token}")
                } else {
                    format!("csrf={token}&{body}")
                };
                browser.post_raw(&path, &body).await
            };
            if response.status != StatusCode::from_u16(expected[index]).unwrap() {
                failures.push(format!(
                    "{who:?} {method} {template}: expected {}, got {}",
                    expected[index], response.status
                ));
            }
            if template == "/sign-out" {
                browser = browser_for(&app, who).await;
            }
        }
    }

    assert!(
        failures.is_empty(),
        "access table mismatches:\n{}",
        failures.join("\n")
    );
}

async fn set_visibility(app: &TestApp, person_id: i64, visibility: &str) {
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE people SET visibility = $1 WHERE id = $2")
            .bind(visibility)
            .bind(person_id)
    )
    .unwrap();
}
