//! The resource library: curation, search, files, versions, feeds, digests, collections.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use carrel_app::execute;
use carrel_app::people::store as people;
use carrel_app::people::topics::Stage;
use carrel_app::platform::auth::roles::Role;
use carrel_app::resources::files::{self, samples};
use carrel_app::resources::form::ValidResource;
use carrel_app::resources::model::{Action, Audience, Format, Kind, License, Status, Visibility};
use carrel_app::resources::{self, digest, store};
use chrono::{Duration, TimeZone, Utc};

use crate::harness::{TestApp, TestResponse};

// Fixtures --------------------------------------------------------------------------------

/// A resource as an author would save it.
fn valid(title: &str, body: &str, topic_id: i64, visibility: Visibility) -> ValidResource {
    ValidResource {
        kind: Kind::Page,
        title: title.to_owned(),
        summary: format!("About {title}."),
        body: body.to_owned(),
        url: String::new(),
        audience: Audience::Everyone,
        format: Format::Guide,
        license: License::CcBy,
        visibility,
        topic_ids: vec![topic_id],
        stages: vec![Stage::Early],
        co_author_ids: Vec::new(),
    }
}

async fn topic_id(app: &TestApp, code: &str) -> i64 {
    carrel_app::people::profile::list_topics(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.code == code)
        .unwrap()
        .id
}

async fn person_id(app: &TestApp, email: &str) -> i64 {
    people::find_by_email(&app.db, email)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// A draft by `author`.
async fn draft(app: &TestApp, author: i64, title: &str, visibility: Visibility) -> i64 {
    let topic = topic_id(app, "leadership").await;
    let body = format!("Notes on {title} for new supervisors.");
    store::create(&app.db, author, &valid(title, &body, topic, visibility))
        .await
        .unwrap()
}

/// A draft by `author`, submitted for review.
async fn in_review(app: &TestApp, author: i64, title: &str) -> i64 {
    let id = draft(app, author, title, Visibility::Public).await;
    store::transition(&app.db, id, author, Status::Draft, Action::Submit, "")
        .await
        .unwrap();
    id
}

/// A resource by `author`, approved by `reviewer`.
async fn published(
    app: &TestApp,
    author: i64,
    reviewer: i64,
    title: &str,
    visibility: Visibility,
) -> i64 {
    let id = draft(app, author, title, visibility).await;
    store::transition(&app.db, id, author, Status::Draft, Action::Submit, "")
        .await
        .unwrap();
    store::publish(&app.db, id, reviewer, "", 365)
        .await
        .unwrap();
    id
}

/// Stores a file for a resource, as an upload would.
async fn attach(app: &TestApp, id: i64, uploader: i64, name: &str, bytes: Vec<u8>) {
    let checked = files::check(name, bytes).unwrap();
    let stored = files::store(&app.state.config.data_dir, &checked.bytes)
        .await
        .unwrap();
    store::attach_file(&app.db, id, uploader, &stored, &checked)
        .await
        .unwrap();
}

/// Replaces the access table's placeholders with fresh resources of New York's coordinator
/// (`coordinator.ny@example.org`), reviewed by the admin.
pub async fn fill_placeholders(app: &TestApp, text: &str) -> String {
    if !text.contains('{') {
        return text.to_owned();
    }
    let author = person_id(app, "coordinator.ny@example.org").await;
    let admin = person_id(app, "admin@example.org").await;
    let mut text = text.to_owned();
    if text.contains("{published}") {
        let id = published(app, author, admin, "Access check", Visibility::Members).await;
        attach(app, id, author, "guide.pdf", samples::pdf()).await;
        store::transition(&app.db, id, author, Status::Draft, Action::Submit, "")
            .await
            .unwrap();
        store::publish(&app.db, id, admin, "", 365).await.unwrap();
        text = text.replace("{published}", &id.to_string());
    }
    if text.contains("{draft}") {
        let id = draft(app, author, "Access draft", Visibility::Members).await;
        text = text.replace("{draft}", &id.to_string());
    }
    if text.contains("{in_review}") {
        let id = in_review(app, author, "Access review").await;
        text = text.replace("{in_review}", &id.to_string());
    }
    if text.contains("{archived}") {
        let id = draft(app, author, "Access archive", Visibility::Members).await;
        store::transition(&app.db, id, author, Status::Draft, Action::Archive, "")
            .await
            .unwrap();
        text = text.replace("{archived}", &id.to_string());
    }
    if text.contains("{collection}") {
        let id = resources::collections::create_collection(&app.db, author, "Starter kit", "")
            .await
            .unwrap();
        text = text.replace("{collection}", &id.to_string());
    }
    text
}

/// Sends a multipart upload of one file, with the form token in the query string as the
/// upload form does.
async fn upload(app: &mut TestApp, id: i64, name: &str, bytes: &[u8]) -> TestResponse {
    let token = app.csrf_token().await;
    let boundary = "carrel-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let cookies: Vec<String> = app
        .cookies_mut()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/resources/{id}/file?csrf={token}"))
        .header(header::COOKIE, cookies.join("; "))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from(body))
        .unwrap();
    app.request(request).await
}

fn robots(response: &TestResponse) -> &str {
    response
        .headers
        .get("x-robots-tag")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

async fn coordinators(app: &TestApp) -> (i64, i64) {
    let ny = app
        .person(
            "coordinator.ny@example.org",
            &[(Role::Coordinator, Some("NY"))],
        )
        .await;
    let ca = app
        .person_in(
            "coordinator.ca@example.org",
            "CA",
            &[(Role::Coordinator, Some("CA"))],
        )
        .await;
    (ny, ca)
}

/// A page resource form with these title and body.
pub fn resource_form<'a>(title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", "page"),
        ("title", title),
        ("summary", "How to hold the first meeting of a mentorship."),
        ("body", body),
        ("format", "guide"),
        ("audience", "mentors"),
        ("topic", "supervision"),
        ("stage", "early"),
        ("license", "cc-by-4.0"),
        ("visibility", "public"),
    ]
}

// Curation --------------------------------------------------------------------------------

#[tokio::test]
async fn a_draft_reviewed_by_another_coordinator_is_published_for_everyone() {
    // Arrange
    let app = TestApp::spawn().await;
    coordinators(&app).await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;
    let mut reviewer = app.other_browser();
    reviewer.sign_in("coordinator.ca@example.org").await;
    let mut visitor = app.other_browser();

    // Act
    let created = author
        .post_form(
            "/resources/new",
            &resource_form("First meetings", "Agree on **goals** together."),
        )
        .await;
    let id: i64 = created
        .location()
        .trim_start_matches("/resources/")
        .trim_end_matches("/edit")
        .parse()
        .unwrap();
    let before = visitor.get(&format!("/resources/{id}")).await;
    author
        .post_form(&format!("/resources/{id}/submit"), &[])
        .await;
    let approved = reviewer
        .post_form(
            &format!("/resources/{id}/review"),
            &[("decision", "approve"), ("comment", "Clear and kind.")],
        )
        .await;

    // Assert
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    assert_eq!(
        before.status,
        StatusCode::NOT_FOUND,
        "drafts are not public"
    );
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let page = visitor.get(&format!("/resources/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<strong>goals</strong>"));
    assert!(page.body.contains("Version</dt><dd>1, published"));
    let resource = store::find(&app.db, id).await.unwrap().unwrap();
    assert_eq!(resource.status(), Status::Published);
    assert!(resource.review_due_at.unwrap() > resource.first_published_at.unwrap());
    let history = author.get(&format!("/resources/{id}")).await;
    assert!(
        history.body.contains("Clear and kind."),
        "the author reads the review"
    );
}

#[tokio::test]
async fn an_author_may_not_review_their_own_resource_and_changes_need_a_comment() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, _) = coordinators(&app).await;
    let id = in_review(&app, ny, "Own work").await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;
    let mut reviewer = app.other_browser();
    reviewer.sign_in("coordinator.ca@example.org").await;

    // Act
    let own = author
        .post_form(
            &format!("/resources/{id}/review"),
            &[("decision", "approve")],
        )
        .await;
    let silent = reviewer
        .post_form(
            &format!("/resources/{id}/review"),
            &[("decision", "changes")],
        )
        .await;
    let changes = reviewer
        .post_form(
            &format!("/resources/{id}/review"),
            &[("decision", "changes"), ("comment", "Add an example.")],
        )
        .await;

    // Assert
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert_eq!(silent.status, StatusCode::BAD_REQUEST);
    assert_eq!(changes.status, StatusCode::SEE_OTHER);
    let resource = store::find(&app.db, id).await.unwrap().unwrap();
    assert_eq!(resource.status(), Status::Draft, "sent back to its author");
    assert_eq!(resource.current_version, 0);
}

#[tokio::test]
async fn a_revision_keeps_the_published_version_until_approved_and_the_diff_shows_it() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let id = published(&app, ny, ca, "Supervision basics", Visibility::Public).await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;
    let mut visitor = app.other_browser();

    // Act
    let saved = author
        .post_form(
            &format!("/resources/{id}/edit"),
            &resource_form("Supervision basics", "A brand new second paragraph."),
        )
        .await;
    let during = visitor.get(&format!("/resources/{id}")).await;
    let working_diff = author.get(&format!("/resources/{id}/versions")).await;
    store::transition(&app.db, id, ny, Status::Draft, Action::Submit, "")
        .await
        .unwrap();
    store::publish(&app.db, id, ca, "", 365).await.unwrap();
    let history = visitor.get(&format!("/resources/{id}/versions")).await;

    // Assert
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(
        during.body.contains("Notes on Supervision basics"),
        "version 1 still shown"
    );
    assert!(!during.body.contains("brand new"));
    assert!(working_diff
        .body
        .contains("added: </span>A brand new second paragraph."));
    assert!(working_diff
        .body
        .contains("removed: </span>Notes on Supervision basics"));
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("Changes from version 1 to version 2"));
    assert!(history.body.contains("A brand new second paragraph."));
}

#[tokio::test]
async fn due_resources_are_listed_for_curators_until_confirmed_current() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let id = published(&app, ny, ca, "Aging guide", Visibility::Public).await;
    let long_ago = Utc::now() - Duration::days(3);
    execute!(
        &app.db,
        sqlx::query("UPDATE resources SET review_due_at = $1 WHERE id = $2")
            .bind(long_ago)
            .bind(id)
    )
    .unwrap();
    let mut curator = app.other_browser();
    curator.sign_in("coordinator.ca@example.org").await;

    // Act
    let before = curator.get("/resources/curation").await;
    let confirmed = curator
        .post_form(
            &format!("/resources/{id}/confirm"),
            &[("comment", "Links work.")],
        )
        .await;
    let after = curator.get("/resources/curation").await;

    // Assert
    let due_section = |body: &str| {
        let start = body.find("Due for review within").unwrap();
        let end = body.find("My drafts").unwrap();
        body[start..end].to_owned()
    };
    assert!(due_section(&before.body).contains("Aging guide"));
    assert_eq!(confirmed.status, StatusCode::SEE_OTHER);
    assert!(!due_section(&after.body).contains("Aging guide"));
    assert_eq!(robots(&after), "noindex, nofollow");
}

#[tokio::test]
async fn a_co_author_may_edit_but_not_review_and_unknown_co_authors_are_refused() {
    // Arrange
    let app = TestApp::spawn().await;
    coordinators(&app).await;
    app.person_in(
        "third@example.org",
        "OH",
        &[(Role::Coordinator, Some("OH"))],
    )
    .await;
    app.person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;
    let mut fields = resource_form("Shared work", "Written by two.");
    fields.push(("co_authors", "Coordinator.CA@example.org"));
    let mut refused_fields = resource_form("Shared work", "Written by two.");
    refused_fields.push(("co_authors", "mentor@example.org"));

    // Act
    let refused = author.post_form("/resources/new", &refused_fields).await;
    let created = author.post_form("/resources/new", &fields).await;
    let edit_path = created.location().to_owned();
    let id = edit_path
        .trim_start_matches("/resources/")
        .trim_end_matches("/edit");
    author
        .post_form(&format!("/resources/{id}/submit"), &[])
        .await;
    let mut co_author = app.other_browser();
    co_author.sign_in("coordinator.ca@example.org").await;
    let co_author_edit = co_author.get(&edit_path).await;
    let co_author_review = co_author
        .post_form(
            &format!("/resources/{id}/review"),
            &[("decision", "approve")],
        )
        .await;
    let mut third = app.other_browser();
    third.sign_in("third@example.org").await;
    let third_review = third
        .post_form(
            &format!("/resources/{id}/review"),
            &[("decision", "approve")],
        )
        .await;

    // Assert
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .body
        .contains("No coordinator uses the address mentor@example.org"));
    assert_eq!(co_author_edit.status, StatusCode::OK);
    assert!(co_author_edit
        .body
        .contains("value=\"coordinator.ca@example.org\""));
    assert_eq!(co_author_review.status, StatusCode::FORBIDDEN);
    assert_eq!(third_review.status, StatusCode::SEE_OTHER);
    let ca = person_id(&app, "coordinator.ca@example.org").await;
    assert_eq!(resources::published_by(&app.db, ca).await.unwrap(), 1);
}

// Bad input ---------------------------------------------------------------------------------

#[tokio::test]
async fn bad_fields_get_messages_beside_them_and_keep_what_was_typed() {
    // Arrange
    let app = TestApp::spawn().await;
    coordinators(&app).await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;
    let mut fields = resource_form("", "Hello <script>alert('x')</script> world");
    fields.retain(|(k, _)| *k != "license" && *k != "summary");
    fields.push(("license", "gpl-3.0"));
    fields.push(("summary", "Typed summary stays"));

    // Act
    let response = author.post_form("/resources/new", &fields).await;

    // Assert
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(response.body.contains("This field is required."));
    assert!(response.body.contains("Choose a license from the list."));
    assert!(response.body.contains("Remove the HTML script"));
    assert!(response.body.contains("Typed summary stays"));
    assert!(
        response.body.contains("&#60;script&#62;alert"),
        "the body is kept, escaped"
    );
    let (count,): (i64,) = carrel_app::on_db!(&app.db, |pool| {
        sqlx::query_as("SELECT COUNT(*) FROM resources")
            .fetch_one(pool)
            .await
    })
    .unwrap();
    assert_eq!(count, 0, "nothing is stored");
}

// Files -------------------------------------------------------------------------------------

#[tokio::test]
async fn an_upload_is_checked_by_content_stored_under_a_generated_name_and_sent_as_attachment() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let id = draft(&app, ny, "Printable agreement", Visibility::Public).await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;

    // Act
    let accepted = upload(&mut author, id, "Agreement 2026.pdf", &samples::pdf()).await;
    store::transition(&app.db, id, ny, Status::Draft, Action::Submit, "")
        .await
        .unwrap();
    store::publish(&app.db, id, ca, "", 365).await.unwrap();
    let download = app
        .other_browser()
        .get(&format!("/resources/{id}/download"))
        .await;

    // Assert
    assert_eq!(accepted.status, StatusCode::SEE_OTHER, "{}", accepted.body);
    let uploads = files::uploads_dir(&app.state.config.data_dir);
    let stored: Vec<String> = std::fs::read_dir(uploads)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(stored.len(), 1);
    assert!(files::is_generated_name(&stored[0]), "{}", stored[0]);
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.headers[header::CONTENT_TYPE], "application/pdf");
    let disposition = download.headers[header::CONTENT_DISPOSITION]
        .to_str()
        .unwrap();
    assert!(disposition.starts_with("attachment; filename=\"Agreement 2026.pdf\""));
    assert_eq!(download.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert!(download.body.starts_with("%PDF-"));
    assert_eq!(
        store::find(&app.db, id).await.unwrap().unwrap().downloads,
        1
    );
}

#[tokio::test]
async fn disguised_oversized_and_oddly_named_uploads_get_clear_messages() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, _) = coordinators(&app).await;
    let id = draft(&app, ny, "Slides", Visibility::Public).await;
    let mut author = app.other_browser();
    author.sign_in("coordinator.ny@example.org").await;
    let mut big = samples::pdf();
    big.resize(files::MAX_FILE_BYTES + 10, b' ');
    let cases: [(&str, Vec<u8>, &str); 4] = [
        ("slides.pdf", b"MZ\x90\0 not a pdf".to_vec(), "is not a PDF"),
        (
            "slides.docx",
            samples::pdf(),
            "does not match what it contains",
        ),
        (
            "../../slides.pdf",
            samples::pdf(),
            "may not contain folders",
        ),
        ("slides.pdf", big, "larger than 10 MB"),
    ];

    for (name, bytes, message) in cases {
        // Act
        let response = upload(&mut author, id, name, &bytes).await;

        // Assert
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(response.body.contains(message), "{name}: {message}");
    }
    let uploads = files::uploads_dir(&app.state.config.data_dir);
    assert!(!uploads.exists() || std::fs::read_dir(uploads).unwrap().next().is_none());
    assert!(store::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .file_id
        .is_none());
}

// Finding -------------------------------------------------------------------------------------

#[tokio::test]
async fn search_matches_stemmed_words_ranks_titles_first_and_filters_by_facet() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let leadership = topic_id(&app, "leadership").await;
    let grants = topic_id(&app, "grant_writing").await;
    let mut in_title = valid(
        "Budgeting for branches",
        "Plain text.",
        grants,
        Visibility::Public,
    );
    in_title.format = Format::Checklist;
    let mut in_body = valid(
        "Running meetings",
        "Meetings go better when budgets are shared early.",
        leadership,
        Visibility::Public,
    );
    in_body.format = Format::Guide;
    for resource in [&in_title, &in_body] {
        let id = store::create(&app.db, ny, resource).await.unwrap();
        store::transition(&app.db, id, ny, Status::Draft, Action::Submit, "")
            .await
            .unwrap();
        store::publish(&app.db, id, ca, "", 365).await.unwrap();
    }
    let mut visitor = app.other_browser();

    // Act
    let both = visitor.get("/resources?q=budget").await;
    let faceted = visitor.get("/resources?q=budget&format=guide").await;
    let nothing = visitor.get("/resources?q=%22unbalanced+NEAR(").await;

    // Assert
    assert_eq!(both.status, StatusCode::OK);
    assert!(
        both.body.contains("2 resources match"),
        "stemming: budget finds budgets"
    );
    let first = both.body.find("Budgeting for branches").unwrap();
    let second = both.body.find("Running meetings").unwrap();
    assert!(first < second, "a title match ranks above a body match");
    assert!(both.body.contains("Checklist (1)"), "facet counts");
    assert!(faceted.body.contains("1 resource matches"));
    assert!(faceted.body.contains("Running meetings"));
    assert!(!faceted.body.contains("Budgeting for branches"));
    assert_eq!(nothing.status, StatusCode::OK, "query syntax never fails");
}

#[tokio::test]
async fn members_only_resources_are_invisible_to_visitors_search_engines_and_feeds() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    let secret = published(&app, ny, ca, "Internal onboarding", Visibility::Members).await;
    published(&app, ny, ca, "Open onboarding", Visibility::Public).await;
    let mut visitor = app.other_browser();
    let mut member = app.other_browser();
    member.sign_in("mentee@example.org").await;

    // Act
    let direct = visitor.get(&format!("/resources/{secret}")).await;
    let search = visitor.get("/resources?q=onboarding").await;
    let feed = visitor.get("/resources/feed.atom").await;
    let member_page = member.get(&format!("/resources/{secret}")).await;
    let member_search = member.get("/resources?q=onboarding").await;

    // Assert
    assert_eq!(direct.status, StatusCode::NOT_FOUND);
    assert!(!search.body.contains("Internal onboarding"));
    assert!(search.body.contains("Open onboarding"));
    assert_eq!(robots(&search), "", "the public library may be indexed");
    assert!(!feed.body.contains("Internal onboarding"));
    assert!(feed.body.contains("Open onboarding"));
    assert_eq!(member_page.status, StatusCode::OK);
    assert_eq!(robots(&member_page), "noindex, nofollow");
    assert!(member_search.body.contains("Internal onboarding"));
    assert_eq!(robots(&member_search), "noindex, nofollow");
}

#[tokio::test]
async fn the_atom_feeds_are_well_formed_and_escape_what_authors_typed() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    published(
        &app,
        ny,
        ca,
        "Tips & <tricks> for \"mentors\"",
        Visibility::Public,
    )
    .await;
    let mut visitor = app.other_browser();

    // Act
    let library = visitor.get("/resources/feed.atom").await;
    let topic = visitor.get("/resources/topics/leadership/feed.atom").await;
    let other_topic = visitor
        .get("/resources/topics/retirement_planning/feed.atom")
        .await;
    let unknown = visitor.get("/resources/topics/astrology/feed.atom").await;

    // Assert
    for feed in [&library, &topic, &other_topic] {
        assert_eq!(feed.status, StatusCode::OK);
        assert_eq!(
            feed.headers[header::CONTENT_TYPE],
            "application/atom+xml; charset=utf-8"
        );
        assert_well_formed(&feed.body);
    }
    assert!(library
        .body
        .contains("<title>Tips &amp; &lt;tricks&gt; for &quot;mentors&quot;</title>"));
    assert!(topic.body.contains("<entry>"));
    assert!(!other_topic.body.contains("<entry>"));
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0i32;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Start(_)) => depth += 1,
            Ok(quick_xml::events::Event::End(_)) => depth -= 1,
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(error) => panic!("not well formed: {error}\n{xml}"),
        }
    }
    assert_eq!(depth, 0, "every element is closed");
}

// Ratings, collections, the digest ------------------------------------------------------------

#[tokio::test]
async fn members_rate_a_resource_once_and_curators_see_the_ratings() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    app.person("mentor@example.org", &[(Role::Mentor, None)])
        .await;
    let id = published(&app, ny, ca, "Goal setting", Visibility::Members).await;
    let mut member = app.other_browser();
    member.sign_in("mentor@example.org").await;
    let mut curator = app.other_browser();
    curator.sign_in("coordinator.ny@example.org").await;

    // Act
    member
        .post_form(&format!("/resources/{id}/rating"), &[("decision", "no")])
        .await;
    let rated = member
        .post_form(
            &format!("/resources/{id}/rating"),
            &[("decision", "yes"), ("comment", "Used it twice.")],
        )
        .await;
    let member_view = member.get(&format!("/resources/{id}")).await;
    let curator_view = curator.get(&format!("/resources/{id}")).await;

    // Assert
    assert_eq!(rated.status, StatusCode::SEE_OTHER);
    assert!(member_view.body.contains("You marked it helpful"));
    assert!(
        !member_view.body.contains("Used it twice."),
        "comments are for curators"
    );
    assert!(curator_view.body.contains("1 helpful, 0 not helpful"));
    assert!(curator_view.body.contains("Used it twice."));
    assert!(curator_view.body.contains("views"));
}

#[tokio::test]
async fn a_collection_lists_its_resources_in_the_order_curators_choose() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let first = published(&app, ny, ca, "Alpha guide", Visibility::Public).await;
    let second = published(&app, ny, ca, "Beta guide", Visibility::Public).await;
    let hidden = published(&app, ny, ca, "Gamma guide", Visibility::Members).await;
    let mut curator = app.other_browser();
    curator.sign_in("coordinator.ca@example.org").await;
    let created = curator
        .post_form("/resources/collections/new", &[("title", "Starter kit")])
        .await;
    let path = created.location().to_owned();

    // Act
    for id in [first, second, hidden] {
        let resource = id.to_string();
        curator
            .post_form(
                &format!("{path}/items"),
                &[("action", "add"), ("resource", &resource)],
            )
            .await;
    }
    let second_id = second.to_string();
    curator
        .post_form(
            &format!("{path}/items"),
            &[("action", "up"), ("resource", &second_id)],
        )
        .await;
    let public = app.other_browser().get(&path).await;

    // Assert
    let beta = public.body.find("Beta guide").unwrap();
    let alpha = public.body.find("Alpha guide").unwrap();
    assert!(beta < alpha, "moved up");
    assert!(
        !public.body.contains("Gamma guide"),
        "members-only items are hidden"
    );
}

#[tokio::test]
async fn the_digest_goes_once_a_month_to_those_it_fits_and_never_to_those_who_stopped_it() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let fits = app
        .person("early@example.org", &[(Role::Mentee, None)])
        .await;
    let stopped = app
        .person("stopped@example.org", &[(Role::Mentee, None)])
        .await;
    app.person("late@example.org", &[(Role::Mentee, None)])
        .await;
    execute!(
        &app.db,
        sqlx::query("UPDATE people SET stage = 'late' WHERE email = 'late@example.org'")
    )
    .unwrap();
    published(&app, ny, ca, "Early career habits", Visibility::Members).await;
    digest::set_frequency(&app.db, stopped, resources::model::Frequency::Off)
        .await
        .unwrap();
    let mut browser = app.other_browser();
    browser.sign_in("early@example.org").await;
    let setting = browser
        .post_form("/resources/digest", &[("frequency", "weekly")])
        .await;
    let now = Utc::now();

    // Act
    let first = digest::send_digests(&app.db, "http://127.0.0.1:8080", now)
        .await
        .unwrap();
    let again = digest::send_digests(&app.db, "http://127.0.0.1:8080", now)
        .await
        .unwrap();

    // Assert
    assert_eq!(setting.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mail = app.emails_to("early@example.org").await;
    assert_eq!(mail.len(), 1, "one digest a month");
    assert!(mail[0].contains("Early career habits"));
    assert!(mail[0].contains("/resources/digest"));
    assert!(app.emails_to("stopped@example.org").await.is_empty());
    assert!(
        app.emails_to("late@example.org").await.is_empty(),
        "an early-career resource does not fit a late-career mentee"
    );
    assert!(first >= 1);
    assert_eq!(again, 0);
    let claimed = carrel_app::platform::jobs::claim_once(
        &app.db,
        &digest::claim_key(fits, &digest::month_key(now)),
    )
    .await
    .unwrap();
    assert!(!claimed, "the month's key was claimed");
}

#[tokio::test]
async fn a_quarterly_digest_goes_out_in_april_but_not_in_may() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let person = app.person("q@example.org", &[(Role::Mentee, None)]).await;
    let id = published(&app, ny, ca, "Quarterly news", Visibility::Members).await;
    let march = Utc.with_ymd_and_hms(2026, 3, 20, 9, 0, 0).unwrap();
    execute!(
        &app.db,
        sqlx::query("UPDATE resource_versions SET published_at = $1 WHERE resource_id = $2")
            .bind(march)
            .bind(id)
    )
    .unwrap();
    digest::set_frequency(&app.db, person, resources::model::Frequency::Quarterly)
        .await
        .unwrap();
    let may = Utc.with_ymd_and_hms(2026, 5, 2, 9, 0, 0).unwrap();
    let april = Utc.with_ymd_and_hms(2026, 4, 2, 9, 0, 0).unwrap();

    // Act
    digest::send_digests(&app.db, "http://127.0.0.1:8080", may)
        .await
        .unwrap();
    let after_may = app.emails_to("q@example.org").await.len();
    digest::send_digests(&app.db, "http://127.0.0.1:8080", april)
        .await
        .unwrap();
    let after_april = app.emails_to("q@example.org").await;

    // Assert
    assert_eq!(after_may, 0, "May is not a quarter's first month");
    assert_eq!(after_april.len(), 1);
    assert!(after_april[0].contains("Quarterly news"));
}

#[tokio::test]
async fn published_by_counts_resources_a_person_published_even_after_archiving() {
    // Arrange
    let app = TestApp::spawn().await;
    let (ny, ca) = coordinators(&app).await;
    let kept = published(&app, ny, ca, "Kept", Visibility::Public).await;
    let withdrawn = published(&app, ny, ca, "Withdrawn", Visibility::Public).await;
    draft(&app, ny, "Unfinished", Visibility::Public).await;
    in_review(&app, ny, "Waiting").await;
    store::transition(
        &app.db,
        withdrawn,
        ny,
        Status::Published,
        Action::Archive,
        "",
    )
    .await
    .unwrap();

    // Act
    let author = resources::published_by(&app.db, ny).await.unwrap();
    let reviewer = resources::published_by(&app.db, ca).await.unwrap();

    // Assert
    assert_eq!(author, 2);
    assert_eq!(reviewer, 0, "reviewing is not authoring");
    assert!(kept > 0);
}

#[tokio::test]
async fn the_demo_library_has_sixty_resources_some_in_review_and_some_due() {
    // Arrange
    let app = TestApp::spawn().await;
    coordinators(&app).await;
    app.person_in(
        "third@example.org",
        "OH",
        &[(Role::Coordinator, Some("OH"))],
    )
    .await;

    // Act
    let made = resources::demo::build(&app.db, resources::demo::DEMO_RESOURCES, 7, 365)
        .await
        .unwrap();

    // Assert
    assert!(made >= 60);
    let count = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            let (n,): (i64,) =
                carrel_app::on_db!(&db, |pool| { sqlx::query_as(sql).fetch_one(pool).await })
                    .unwrap();
            n
        }
    };
    assert!(count("SELECT COUNT(*) FROM resources WHERE status = 'in_review'").await > 0);
    assert!(count("SELECT COUNT(*) FROM resources WHERE status = 'draft'").await > 0);
    let due = store::curation_list(&app.db, store::CurationList::DueBefore(Utc::now()))
        .await
        .unwrap();
    assert!(!due.is_empty(), "some resources are due for review");
    assert!(count("SELECT COUNT(*) FROM resource_collections").await >= 3);
}
