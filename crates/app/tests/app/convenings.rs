//! Convenings: planning, invitations and their .ics files, time zones across daylight-saving
//! changes, calendar feeds, reminders, attendance, minutes and action items.
//!
//! Calendar files are read with the `icalendar` crate's parser, not with anything of ours.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use carrel_app::convenings::audience::Audience;
use carrel_app::convenings::schedule::{self, Repeat};
use carrel_app::convenings::store::{self, NewConvening};
use carrel_app::platform::auth::roles::Role;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};

use crate::harness::{TestApp, TestResponse};

/// A convening of New York a week from now, hosted by `host`, with an action item owned by
/// `owner`; returns (convening id, item id). Used by the access table too.
pub async fn access_fixture(app: &TestApp, host: i64, owner: i64) -> (i64, i64) {
    let region = app.region_id("NY").await;
    let zone = schedule::zone_or_default("America/New_York");
    let date = Utc::now().date_naive() + Duration::days(7);
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    let one = NaiveTime::from_hms_opt(13, 0, 0).unwrap();
    let slots = schedule::plan_slots(zone, date, noon, one, Repeat::Never, 1);
    let ids = store::create(
        &app.db,
        &NewConvening {
            audience: Audience::Region(region),
            title: "New York open hour",
            agenda: "",
            host_id: host,
            time_zone: "America/New_York",
            video_url: "https://meet.jit.si/Carrel-test",
            repeat: Repeat::Never,
            slots: &slots,
        },
    )
    .await
    .unwrap();
    let due = date + Duration::days(7);
    let item = store::add_action_item(&app.db, ids[0], owner, "Share the slides", due)
        .await
        .unwrap();
    (ids[0], item)
}

/// The calendar's METHOD and each VEVENT's properties, as the independent parser reads them.
struct Parsed {
    method: String,
    events: Vec<BTreeMap<String, String>>,
}

fn parse_ics(text: &str) -> Parsed {
    let unfolded = icalendar::parser::unfold(text);
    let calendar = icalendar::parser::read_calendar(&unfolded).expect("a valid iCalendar file");
    let method = calendar
        .properties
        .iter()
        .find(|p| p.name == "METHOD")
        .map(|p| p.val.to_string())
        .unwrap_or_default();
    let events = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .map(|c| {
            c.properties
                .iter()
                .map(|p| (p.name.to_string(), p.val.to_string()))
                .collect()
        })
        .collect();
    Parsed { method, events }
}

fn days_ahead(days: i64) -> String {
    (Utc::now().date_naive() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// A plan form with sensible values, overridden by `changes`.
fn plan_fields<'a>(audience: &'a str, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, String)> {
    let mut fields: Vec<(&str, String)> = vec![
        ("title", "Coordinator network call".to_owned()),
        ("audience", audience.to_owned()),
        ("date", days_ahead(30)),
        ("start", "15:00".to_owned()),
        ("end", "16:00".to_owned()),
        ("time_zone", "America/New_York".to_owned()),
        ("repeat", "none".to_owned()),
        ("meetings", "1".to_owned()),
        ("video_url", String::new()),
        ("agenda", "1. Welcome\n2. Round of regions".to_owned()),
    ];
    for (key, value) in changes {
        match fields.iter_mut().find(|(k, _)| k == key) {
            Some(field) => field.1 = (*value).to_owned(),
            None => fields.push((key, (*value).to_owned())),
        }
    }
    fields
}

async fn plan(browser: &mut TestApp, fields: &[(&str, String)]) -> TestResponse {
    let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser.post_form("/convenings/new", &pairs).await
}

fn id_from(location: &str) -> i64 {
    location
        .trim_start_matches("/convenings/")
        .parse()
        .expect("a convening's page")
}

async fn set_time_zone(app: &TestApp, person: i64, zone: &str) {
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE people SET time_zone = $1 WHERE id = $2")
            .bind(zone)
            .bind(person)
    )
    .unwrap();
}

/// The path of the feed address shown on the calendar page.
fn feed_path(body: &str) -> String {
    let start = body.find("/calendar/").expect("a feed address");
    let rest = &body[start..];
    rest[..rest.find('"').expect("the end of the address")].to_owned()
}

/// Signs in a new browser as this person.
async fn browser(app: &TestApp, email: &str) -> TestApp {
    let mut browser = app.other_browser();
    browser.sign_in(email).await;
    browser
}

#[tokio::test]
async fn planning_a_network_convening_invites_the_network_and_no_one_else() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    let mut host = browser(&app, "host@example.org").await;

    // Act
    let fields = plan_fields("network", &[("repeat", "weekly"), ("meetings", "3")]);
    let response = plan(&mut host, &fields).await;

    // Assert
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let first = id_from(response.location());
    let invitations = app.emails_to("ca@example.org").await;
    assert_eq!(invitations.len(), 1, "one email lists every meeting");
    let invitation = &invitations[0];
    assert!(invitation.contains("It meets 3 times"));
    assert!(invitation.contains(&format!("/convenings/{first}/invite.ics")));
    assert!(invitation.contains("https://meet.jit.si/Carrel-"));
    assert!(app.emails_to("mentee@example.org").await.is_empty());
    let page = host.get(&format!("/convenings/{first}")).await;
    assert!(page.body.contains("Every week"));
    for later in [first + 1, first + 2] {
        assert!(
            page.body.contains(&format!("href=\"/convenings/{later}\"")),
            "{later}"
        );
    }
}

#[tokio::test]
async fn only_the_audience_and_admins_see_a_convening_and_only_its_host_changes_it() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person("other@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    app.person_in("admin@example.org", "CA", &[(Role::Admin, None)])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let region = format!("region-{}", app.region_id("NY").await);
    let regional = id_from(plan(&mut host, &plan_fields(&region, &[])).await.location());
    let network = id_from(
        plan(&mut host, &plan_fields("network", &[]))
            .await
            .location(),
    );

    // Act
    let mut mentee = browser(&app, "mentee@example.org").await;
    let mut ca = browser(&app, "ca@example.org").await;
    let mut other = browser(&app, "other@example.org").await;
    let mut admin = browser(&app, "admin@example.org").await;

    // Assert
    let status = |r: TestResponse| r.status;
    assert_eq!(
        status(mentee.get(&format!("/convenings/{regional}")).await),
        StatusCode::OK
    );
    assert_eq!(
        status(mentee.get(&format!("/convenings/{network}")).await),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(ca.get(&format!("/convenings/{regional}")).await),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(ca.get(&format!("/convenings/{regional}/invite.ics")).await),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        status(ca.get(&format!("/convenings/{network}")).await),
        StatusCode::OK
    );
    assert_eq!(
        status(other.get(&format!("/convenings/{regional}/edit")).await),
        StatusCode::FORBIDDEN
    );
    let renamed = admin
        .post_form(
            &format!("/convenings/{regional}/edit"),
            &[
                ("title", "Renamed by the admin"),
                ("date", &days_ahead(30)),
                ("start", "15:00"),
                ("end", "16:00"),
                ("time_zone", "America/New_York"),
                ("video_url", "https://meet.google.com/abc-defg-hij"),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    let mentee_list = mentee.get("/convenings").await;
    assert!(mentee_list.body.contains("Renamed by the admin"));
    assert!(!mentee_list
        .body
        .contains(&format!("/convenings/{network}\"")));
}

#[tokio::test]
async fn bad_plans_get_a_message_at_each_field_and_keep_what_was_typed() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let cases: [(&str, &str, &str); 7] = [
        ("end", "14:00", "The end must be after the start"),
        ("date", "2020-01-07", "The start is in the past"),
        (
            "time_zone",
            "Mars/Olympus_Mons",
            "Choose a time zone from the list",
        ),
        ("video_url", "http://zoom.us/j/1", "starts with https://"),
        (
            "video_url",
            "https://zoom.example.com/j/1",
            "links to zoom.example.com are not allowed",
        ),
        (
            "audience",
            "region-999999",
            "Choose who the convening is for",
        ),
        ("meetings", "40", "from 2 to 26"),
    ];

    for (field, value, message) in cases {
        // Act
        let mut changes = vec![(field, value), ("title", "Kept <title>")];
        if field == "meetings" {
            changes.push(("repeat", "monthly"));
        }
        let response = plan(&mut host, &plan_fields("network", &changes)).await;

        // Assert
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert!(response.body.contains(message), "{field}: {message}");
        assert!(
            response.body.contains(&format!("id=\"{field}-error\"")),
            "{field} message sits at its field"
        );
        assert!(
            response.body.contains("value=\"Kept &#60;title&#62;\""),
            "{field}"
        );
    }
    assert!(app.emails_to("host@example.org").await.is_empty());
}

#[tokio::test]
async fn an_invitation_keeps_its_uid_raises_its_sequence_and_becomes_a_cancellation() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let title = "Budgets, grants; and a long title that needs folding across lines in ics";
    let agenda = "Line one, with a comma\nLine two; with a semicolon and a back\\slash";
    let fields = plan_fields("network", &[("title", title), ("agenda", agenda)]);
    let id = id_from(plan(&mut host, &fields).await.location());
    let path = format!("/convenings/{id}/invite.ics");

    // Act
    let first = host.get(&path).await;
    let date = days_ahead(31);
    let moved = host
        .post_form(
            &format!("/convenings/{id}/edit"),
            &[
                ("title", title),
                ("agenda", agenda),
                ("date", &date),
                ("start", "09:30"),
                ("end", "10:30"),
                ("time_zone", "America/Chicago"),
                ("video_url", "https://us02web.zoom.us/j/123?pwd=x"),
            ],
        )
        .await;
    let second = host.get(&path).await;
    host.post_form(&format!("/convenings/{id}/cancel"), &[])
        .await;
    let third = host.get(&path).await;

    // Assert
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    let content_type = first.headers["content-type"].to_str().unwrap();
    assert!(content_type.starts_with("text/calendar"));
    assert!(first.body.split("\r\n").all(|line| line.len() <= 75));
    let (a, b, c) = (
        parse_ics(&first.body),
        parse_ics(&second.body),
        parse_ics(&third.body),
    );
    assert_eq!(
        (a.method.as_str(), b.method.as_str()),
        ("REQUEST", "REQUEST")
    );
    assert_eq!(c.method, "CANCEL");
    let (a, b, c) = (&a.events[0], &b.events[0], &c.events[0]);
    assert_eq!(a["UID"], b["UID"]);
    assert_eq!(b["UID"], c["UID"]);
    assert_eq!((a["SEQUENCE"].as_str(), b["SEQUENCE"].as_str()), ("0", "1"));
    assert_eq!(c["SEQUENCE"], "2");
    assert_eq!(c["STATUS"], "CANCELLED");
    assert_eq!(a["SUMMARY"], title);
    assert!(a["DESCRIPTION"].contains(agenda), "{}", a["DESCRIPTION"]);
    let start = NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    let chicago = schedule::zone_or_default("America/Chicago");
    let expected = schedule::to_utc(chicago, start.and_hms_opt(9, 30, 0).unwrap());
    assert_eq!(b["DTSTART"], expected.format("%Y%m%dT%H%M%SZ").to_string());
    assert!(b["DTEND"].ends_with('Z'));
    assert_eq!(b["LOCATION"], "https://us02web.zoom.us/j/123?pwd=x");
    let told = app.emails_to("ca@example.org").await;
    assert_eq!(
        told.len(),
        3,
        "invited, told of the change, told of the cancellation"
    );
    assert!(told[1].contains("9:30 AM") || told[1].contains("10:30 AM"));
    assert!(told[2].contains("cancelled"));
}

/// The second Tuesday of a month of next year, so the date is always ahead.
fn second_tuesday(month: u32) -> NaiveDate {
    let year = Utc::now().year() + 1;
    NaiveDate::from_weekday_of_month_opt(year, month, Weekday::Tue, 2).unwrap()
}

#[tokio::test]
async fn a_monthly_3_pm_new_york_convening_stays_at_3_pm_and_moves_an_hour_in_honolulu_and_guam() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let honolulu = app
        .person_in("hi@example.org", "HI", &[(Role::Coordinator, Some("HI"))])
        .await;
    let guam = app
        .person_in("gu@example.org", "GU", &[(Role::Coordinator, Some("GU"))])
        .await;
    set_time_zone(&app, honolulu, "Pacific/Honolulu").await;
    set_time_zone(&app, guam, "Pacific/Guam").await;
    let mut host = browser(&app, "host@example.org").await;
    let february = second_tuesday(2).format("%Y-%m-%d").to_string();
    let october = second_tuesday(10).format("%Y-%m-%d").to_string();

    // Act: February to April crosses the spring change; October to November the fall one.
    let spring = plan_fields(
        "network",
        &[
            ("date", &february),
            ("repeat", "monthly"),
            ("meetings", "3"),
        ],
    );
    let spring = id_from(plan(&mut host, &spring).await.location());
    let fall = plan_fields(
        "network",
        &[("date", &october), ("repeat", "monthly"), ("meetings", "2")],
    );
    let fall = id_from(plan(&mut host, &fall).await.location());
    let (february_id, april_id) = (spring, spring + 2);
    let (october_id, november_id) = (fall, fall + 1);

    // Assert: UTC instants move by an hour, New York keeps 3 pm.
    let mut utc_start = BTreeMap::new();
    for id in [february_id, april_id, october_id, november_id] {
        let ics = host.get(&format!("/convenings/{id}/invite.ics")).await;
        let start = parse_ics(&ics.body).events[0]["DTSTART"].clone();
        utc_start.insert(id, start[9..].to_owned());
        let page = host.get(&format!("/convenings/{id}")).await;
        assert!(
            page.body.contains(", 3:00 PM to 4:00 PM"),
            "{id} stays at 3 pm"
        );
        assert!(page.body.contains("(America/New_York)"));
    }
    assert_eq!(utc_start[&february_id], "200000Z");
    assert_eq!(utc_start[&april_id], "190000Z");
    assert_eq!(utc_start[&october_id], "190000Z");
    assert_eq!(utc_start[&november_id], "200000Z");

    let mut hi = browser(&app, "hi@example.org").await;
    let mut gu = browser(&app, "gu@example.org").await;
    let read = |body: &str| body.to_owned();
    let hi_feb = read(&hi.get(&format!("/convenings/{february_id}")).await.body);
    let hi_apr = read(&hi.get(&format!("/convenings/{april_id}")).await.body);
    let gu_feb = read(&gu.get(&format!("/convenings/{february_id}")).await.body);
    let gu_apr = read(&gu.get(&format!("/convenings/{april_id}")).await.body);
    assert!(
        hi_feb.contains("10:00 AM to 11:00 AM HST (Pacific/Honolulu)"),
        "{hi_feb}"
    );
    assert!(hi_apr.contains("9:00 AM to 10:00 AM HST (Pacific/Honolulu)"));
    assert!(gu_feb.contains("6:00 AM to 7:00 AM ChST (Pacific/Guam)"));
    assert!(gu_apr.contains("5:00 AM to 6:00 AM ChST (Pacific/Guam)"));
    let next_day = (second_tuesday(2) + Duration::days(1))
        .format("%B %-d")
        .to_string();
    assert!(gu_feb.contains(&next_day), "Guam is already on Wednesday");
    assert!(
        hi_feb.contains("3:00 PM to 4:00 PM"),
        "the planned time is shown too"
    );
}

#[tokio::test]
async fn a_private_feed_lists_the_persons_convenings_and_a_wrong_or_revoked_token_reveals_nothing()
{
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let mut ca = browser(&app, "ca@example.org").await;
    let ny = format!("region-{}", app.region_id("NY").await);
    let ca_region = format!("region-{}", app.region_id("CA").await);
    let ny_id = id_from(
        plan(
            &mut host,
            &plan_fields(&ny, &[("title", "New York meet-up")]),
        )
        .await
        .location(),
    );
    let network_id = id_from(
        plan(&mut host, &plan_fields("network", &[]))
            .await
            .location(),
    );
    plan(
        &mut ca,
        &plan_fields(&ca_region, &[("title", "California meet-up")]),
    )
    .await;
    host.post_form(&format!("/convenings/{ny_id}/cancel"), &[])
        .await;
    let mut mentee = browser(&app, "mentee@example.org").await;

    // Act
    let made = mentee.post_form("/calendar/feed", &[]).await;
    let url = feed_path(&made.body);
    let feed = app.other_browser().get(&url).await;
    let replaced = mentee.post_form("/calendar/feed", &[]).await;
    let new_url = feed_path(&replaced.body);
    let old_after_replace = app.other_browser().get(&url).await;
    let new_after_replace = app.other_browser().get(&new_url).await;
    mentee.post_form("/calendar/feed/revoke", &[]).await;
    let after_revoke = app.other_browser().get(&new_url).await;
    let guessed = app
        .other_browser()
        .get(&format!("/calendar/{}.ics", "A".repeat(43)))
        .await;

    // Assert
    assert_eq!(feed.status, StatusCode::OK);
    let parsed = parse_ics(&feed.body);
    assert_eq!(parsed.method, "PUBLISH");
    let titles: Vec<&str> = parsed
        .events
        .iter()
        .map(|e| e["SUMMARY"].as_str())
        .collect();
    assert_eq!(
        titles,
        vec!["New York meet-up"],
        "their region only, not the network"
    );
    assert_eq!(parsed.events[0]["STATUS"], "CANCELLED");
    assert!(parsed.events[0]["UID"].starts_with("convening-"));
    assert_ne!(url, new_url);
    assert_eq!(new_after_replace.status, StatusCode::OK);
    for refused in [old_after_replace, after_revoke, guessed] {
        assert_eq!(refused.status, StatusCode::NOT_FOUND);
        assert!(!refused.body.contains("BEGIN:VCALENDAR"));
        assert!(!refused.body.contains("meet-up"));
    }
    let host_feed_page = host.post_form("/calendar/feed", &[]).await;
    let host_feed = app
        .other_browser()
        .get(&feed_path(&host_feed_page.body))
        .await;
    let host_titles = parse_ics(&host_feed.body).events.len();
    assert_eq!(
        host_titles, 2,
        "the network and New York, not California: {network_id}"
    );
}

#[tokio::test]
async fn a_reminder_goes_out_once_a_day_before_and_not_to_people_who_declined() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    app.person_in("tx@example.org", "TX", &[(Role::Coordinator, Some("TX"))])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let id = id_from(
        plan(&mut host, &plan_fields("network", &[]))
            .await
            .location(),
    );
    let mut tx = browser(&app, "tx@example.org").await;
    tx.post_form(&format!("/convenings/{id}/rsvp"), &[("answer", "no")])
        .await;
    let convening = store::find(&app.db, id).await.unwrap().unwrap();
    let two_days_before = convening.starts_at - Duration::hours(48);
    let hours_before = convening.starts_at - Duration::hours(20);

    // Act
    let early = carrel_app::convenings::notices::send_reminders(&app.state, two_days_before)
        .await
        .unwrap();
    let due = carrel_app::convenings::notices::send_reminders(&app.state, hours_before)
        .await
        .unwrap();
    let again = carrel_app::convenings::notices::send_reminders(&app.state, hours_before)
        .await
        .unwrap();

    // Assert
    assert_eq!((early, due, again), (0, 1, 0));
    let ca_mail = app.emails_to("ca@example.org").await;
    assert_eq!(ca_mail.len(), 2, "the invitation and one reminder");
    assert!(ca_mail[1].contains("A reminder"));
    assert_eq!(
        app.emails_to("tx@example.org").await.len(),
        1,
        "no reminder"
    );
}

#[tokio::test]
async fn the_host_takes_attendance_writes_safe_minutes_and_assigns_action_items_to_owners() {
    // Arrange
    let app = TestApp::spawn().await;
    let host_id = app
        .person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let ca_id = app
        .person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    app.person_in("tx@example.org", "TX", &[(Role::Coordinator, Some("TX"))])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let mut ca = browser(&app, "ca@example.org").await;
    let id = id_from(
        plan(&mut host, &plan_fields("network", &[]))
            .await
            .location(),
    );
    ca.post_form(&format!("/convenings/{id}/rsvp"), &[("answer", "yes")])
        .await;
    let early = host
        .post_form(
            &format!("/convenings/{id}/attendance"),
            &[("present", &ca_id.to_string())],
        )
        .await;
    // The meeting takes place: move it into the past as the clock would.
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE convenings SET starts_at = $1, ends_at = $2 WHERE id = $3")
            .bind(Utc::now() - Duration::hours(2))
            .bind(Utc::now() - Duration::hours(1))
            .bind(id)
    )
    .unwrap();

    // Act
    let ca_text = ca_id.to_string();
    let host_text = host_id.to_string();
    let taken = host
        .post_form(
            &format!("/convenings/{id}/attendance"),
            &[
                ("present", ca_text.as_str()),
                ("present", host_text.as_str()),
                ("attendee_email", "tx@example.org"),
            ],
        )
        .await;
    let stranger = host
        .post_form(
            &format!("/convenings/{id}/attendance"),
            &[("attendee_email", "nobody@example.org")],
        )
        .await;
    let minutes = host
        .post_form(
            &format!("/convenings/{id}/minutes"),
            &[
                ("minutes", "**Decided** <script>alert(1)</script>"),
                ("recording_url", "https://library.example/recordings/7"),
            ],
        )
        .await;
    let bad_item = host
        .post_form(
            &format!("/convenings/{id}/actions"),
            &[
                ("description", "Share the slides"),
                ("owner", &ca_text),
                ("due_on", "soon"),
            ],
        )
        .await;
    let item = host
        .post_form(
            &format!("/convenings/{id}/actions"),
            &[
                ("description", "Share the slides"),
                ("owner", &ca_text),
                ("due_on", "2099-03-01"),
            ],
        )
        .await;
    let ca_home = ca.get("/").await;

    // Assert
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not started yet"
    );
    assert_eq!(taken.status, StatusCode::SEE_OTHER, "{}", taken.body);
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(stranger.body.contains("No member of this convening"));
    assert!(stranger.body.contains("value=\"nobody@example.org\""));
    let db = &app.db;
    assert_eq!(
        carrel_app::convenings::attendance_count(db, ca_id)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        carrel_app::convenings::attendance_count(db, host_id)
            .await
            .unwrap(),
        1
    );
    let tx_id = carrel_app::people::store::find_by_email(db, "tx@example.org")
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        carrel_app::convenings::attendance_count(db, tx_id)
            .await
            .unwrap(),
        1
    );
    assert_eq!(minutes.status, StatusCode::SEE_OTHER);
    let page = ca.get(&format!("/convenings/{id}")).await;
    assert!(page.body.contains("<strong>Decided</strong>"));
    assert!(!page.body.contains("<script>alert(1)"));
    assert!(page.body.contains("https://library.example/recordings/7"));
    assert!(page.body.contains("3 people attended"));
    assert_eq!(bad_item.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_item.body.contains("id=\"due_on-error\""));
    assert!(bad_item.body.contains("value=\"Share the slides\""));
    assert_eq!(item.status, StatusCode::SEE_OTHER);
    assert!(ca_home.body.contains("Your action items"));
    assert!(ca_home.body.contains("Share the slides"));
    assert!(ca_home.body.contains("2099-03-01"));
}

#[tokio::test]
async fn an_owner_marks_an_action_item_done_and_it_leaves_their_home_page() {
    // Arrange
    let app = TestApp::spawn().await;
    let host = app
        .person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let owner = app
        .person("owner@example.org", &[(Role::Mentee, None)])
        .await;
    app.person("bystander@example.org", &[(Role::Mentor, None)])
        .await;
    let (id, item) = access_fixture(&app, host, owner).await;
    let mut owner_browser = browser(&app, "owner@example.org").await;
    let mut bystander = browser(&app, "bystander@example.org").await;
    let path = format!("/convenings/{id}/actions/{item}/status");

    // Act
    let refused = bystander.post_form(&path, &[("status", "done")]).await;
    let before = owner_browser.get("/").await;
    let done = owner_browser
        .post_form(&path, &[("status", "done"), ("back", "home")])
        .await;
    let after = owner_browser.get("/").await;

    // Assert
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(before.body.contains("Share the slides"));
    assert_eq!(done.location(), "/");
    assert!(!after.body.contains("Share the slides"));
}

#[tokio::test]
async fn the_month_view_and_the_past_search_find_convenings_by_day_audience_and_date() {
    // Arrange
    let app = TestApp::spawn().await;
    let host = app
        .person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mentee = app
        .person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    let (id, _) = access_fixture(&app, host, mentee).await;
    let convening = store::find(&app.db, id).await.unwrap().unwrap();
    let zone = schedule::zone_or_default("America/New_York");
    let local = convening.starts_at.with_timezone(&zone);
    let month = local.format("%Y-%m").to_string();
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE convenings SET starts_at = $1, ends_at = $2, title = $3 WHERE id = $4")
            .bind(Utc::now() - Duration::days(40))
            .bind(Utc::now() - Duration::days(40) + Duration::hours(1))
            .bind("Last season's meet-up")
            .bind(id)
    )
    .unwrap();
    let (upcoming, _) = access_fixture(&app, host, mentee).await;
    let mut viewer = browser(&app, "mentee@example.org").await;
    let region = format!("region-{}", app.region_id("NY").await);
    let from = (Utc::now() - Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();

    // Act
    let month_page = viewer
        .get(&format!("/convenings/month?month={month}"))
        .await;
    let past = viewer
        .get(&format!(
            "/convenings?when=past&audience={region}&from={from}"
        ))
        .await;
    let too_late = viewer
        .get(&format!(
            "/convenings?when=past&audience={region}&from={}",
            days_ahead(-10)
        ))
        .await;
    let bad = viewer
        .get("/convenings?from=yesterday&audience=network")
        .await;
    let bad_month = viewer.get("/convenings/month?month=2027-13").await;

    // Assert
    assert_eq!(month_page.status, StatusCode::OK);
    let cell = format!("{}</span>", local.day());
    assert!(month_page.body.contains(&cell));
    assert!(month_page
        .body
        .contains(&format!("/convenings/{upcoming}\">New York open hour")));
    assert!(month_page.body.contains("<th scope=\"col\">"));
    assert!(
        past.body.contains("Last season&#39;s meet-up"),
        "{}",
        past.body
    );
    assert!(!too_late.body.contains("Last season"));
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("id=\"from-error\""));
    assert!(
        bad.body.contains("id=\"audience-error\""),
        "mentees are not in the network"
    );
    assert_eq!(bad_month.status, StatusCode::BAD_REQUEST);
}

/// For the access table: a convening of `cohort` hosted by `host`, and one of a new circle
/// whose guide is `circle.guide@example.org` and whose one member is `member`; returns
/// (cohort convening, circle convening).
pub async fn group_fixtures(app: &TestApp, cohort: i64, host: i64, member: i64) -> (i64, i64) {
    use carrel_app::cohorts::circles;

    let guide = app
        .person("circle.guide@example.org", &[(Role::Guide, None)])
        .await;
    let new_circle = circles::NewCircle {
        name: "Circle of the access table".into(),
        description: String::new(),
        region_id: Some(app.region_id("NY").await),
        topic_id: None,
    };
    let circle = circles::create(&app.db, &new_circle, guide).await.unwrap();
    circles::add_member(&app.db, circle, member).await.unwrap();
    let zone = schedule::zone_or_default("America/New_York");
    let date = Utc::now().date_naive() + Duration::days(7);
    let noon = NaiveTime::from_hms_opt(12, 0, 0).unwrap();
    let one = NaiveTime::from_hms_opt(13, 0, 0).unwrap();
    let slots = schedule::plan_slots(zone, date, noon, one, Repeat::Never, 1);
    let mut ids = Vec::new();
    for (audience, host) in [
        (Audience::Cohort(cohort), host),
        (Audience::Circle(circle), guide),
    ] {
        let created = store::create(
            &app.db,
            &NewConvening {
                audience,
                title: "A group's meeting",
                agenda: "",
                host_id: host,
                time_zone: "America/New_York",
                video_url: "https://meet.jit.si/Carrel-group",
                repeat: Repeat::Never,
                slots: &slots,
            },
        )
        .await
        .unwrap();
        ids.push(created[0]);
    }
    (ids[0], ids[1])
}

/// A cohort led by `lead@example.org` with `member@example.org` enrolled, and a
/// coordinator who is not in it; returns the cohort's id.
async fn cohort_of_one(app: &TestApp) -> i64 {
    use carrel_app::cohorts::store as cohorts;

    let lead = app.person("lead@example.org", &[(Role::Guide, None)]).await;
    let member = app
        .person("member@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person("outsider@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let new_cohort = cohorts::NewCohort {
        name: "Cohort of the test".into(),
        starts_on: Utc::now().date_naive(),
        ends_on: Utc::now().date_naive() + Duration::days(200),
        lead_id: Some(lead),
        requirements: Default::default(),
    };
    let cohort = cohorts::create(&app.db, &new_cohort, lead).await.unwrap();
    cohorts::enroll(&app.db, cohort, member).await.unwrap();
    cohort
}

#[tokio::test]
async fn a_cohorts_lead_plans_its_convening_which_only_its_members_see_and_are_invited_to() {
    // Arrange
    let app = TestApp::spawn().await;
    let cohort = cohort_of_one(&app).await;
    let audience = format!("cohort-{cohort}");
    let mut lead = browser(&app, "lead@example.org").await;
    let mut member = browser(&app, "member@example.org").await;
    let mut outsider = browser(&app, "outsider@example.org").await;

    // Act
    let form = member.get("/convenings/new").await;
    let by_member = plan(&mut member, &plan_fields(&audience, &[])).await;
    let offered = lead.get("/convenings/new").await;
    let planned = plan(&mut lead, &plan_fields(&audience, &[])).await;
    let id = id_from(planned.location());
    let seen = member.get(&format!("/convenings/{id}")).await;
    let hidden = outsider.get(&format!("/convenings/{id}")).await;
    let listed = member.get("/convenings").await;
    let not_listed = outsider.get("/convenings").await;

    // Assert
    assert!(!form.body.contains(&format!("value=\"{audience}\"")));
    assert_eq!(by_member.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(by_member.body.contains("Choose who the convening is for."));
    assert!(offered.body.contains(&format!("value=\"{audience}\"")));
    assert!(offered.body.contains("the cohort Cohort of the test"));
    assert!(
        !offered.body.contains("value=\"network\""),
        "a lead who is not a coordinator"
    );
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    assert_eq!(seen.status, StatusCode::OK);
    assert!(seen.body.contains("the cohort Cohort of the test"));
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert!(listed.body.contains("Coordinator network call"));
    assert!(!not_listed.body.contains("Coordinator network call"));
    assert_eq!(app.emails_to("member@example.org").await.len(), 1);
    assert_eq!(app.emails_to("lead@example.org").await.len(), 1);
    assert!(app.emails_to("outsider@example.org").await.is_empty());
}

#[tokio::test]
async fn a_circles_guide_plans_its_convening_for_its_members_and_not_for_those_still_asking() {
    // Arrange
    use carrel_app::cohorts::circles;

    let app = TestApp::spawn().await;
    let guide = app
        .person(
            "guide@example.org",
            &[(Role::Guide, None), (Role::Mentor, None)],
        )
        .await;
    let member = app
        .person("member@example.org", &[(Role::Mentor, None)])
        .await;
    let asking = app
        .person("asking@example.org", &[(Role::Mentor, None)])
        .await;
    app.person("other.guide@example.org", &[(Role::Guide, None)])
        .await;
    let new_circle = circles::NewCircle {
        name: "Instruction mentors".into(),
        description: String::new(),
        region_id: Some(app.region_id("NY").await),
        topic_id: None,
    };
    let circle = circles::create(&app.db, &new_circle, guide).await.unwrap();
    circles::add_member(&app.db, circle, member).await.unwrap();
    circles::request_to_join(&app.db, circle, asking)
        .await
        .unwrap();
    let audience = format!("circle-{circle}");
    let mut guide = browser(&app, "guide@example.org").await;
    let mut other_guide = browser(&app, "other.guide@example.org").await;
    let mut member = browser(&app, "member@example.org").await;
    let mut asking = browser(&app, "asking@example.org").await;

    // Act
    let refused = plan(&mut other_guide, &plan_fields(&audience, &[])).await;
    let planned = plan(&mut guide, &plan_fields(&audience, &[])).await;
    let id = id_from(planned.location());
    let seen = member.get(&format!("/convenings/{id}/invite.ics")).await;
    let hidden = asking.get(&format!("/convenings/{id}")).await;

    // Assert
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a guide of no circle plans nothing"
    );
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    assert_eq!(seen.status, StatusCode::OK);
    assert_eq!(parse_ics(&seen.body).events.len(), 1);
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(app.emails_to("member@example.org").await.len(), 1);
    assert!(app.emails_to("asking@example.org").await.is_empty());
    assert!(app.emails_to("other.guide@example.org").await.is_empty());
}

/// The fields of an edit form for a meeting, with `changes` applied.
fn edit_fields<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, String)> {
    let mut fields = plan_fields("network", changes);
    fields.retain(|(k, _)| !matches!(*k, "audience" | "repeat" | "meetings"));
    fields
}

async fn ics_of(browser: &mut TestApp, id: i64) -> BTreeMap<String, String> {
    let response = browser.get(&format!("/convenings/{id}/invite.ics")).await;
    parse_ics(&response.body).events.remove(0)
}

fn utc_stamp(date: NaiveDate, hour: u32, zone: &str) -> String {
    let zone = schedule::zone_or_default(zone);
    schedule::to_utc(zone, date.and_hms_opt(hour, 0, 0).unwrap())
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

#[tokio::test]
async fn changing_a_meeting_and_the_following_ones_moves_them_raises_their_sequence_and_tells_once()
{
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let first_date = days_ahead(14);
    let fields = plan_fields(
        "network",
        &[
            ("repeat", "weekly"),
            ("meetings", "4"),
            ("date", &first_date),
        ],
    );
    let first = id_from(plan(&mut host, &fields).await.location());
    let ids = [first, first + 1, first + 2, first + 3];
    let second_date = NaiveDate::parse_from_str(&days_ahead(21), "%Y-%m-%d").unwrap();
    let moved_date = (second_date + Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    let before: Vec<_> = {
        let mut all = Vec::new();
        for id in ids {
            all.push(ics_of(&mut host, id).await);
        }
        all
    };

    // Act
    let form = host.get(&format!("/convenings/{}/edit", ids[1])).await;
    let changed = host
        .post_form(
            &format!("/convenings/{}/edit", ids[1]),
            &edit_fields(&[
                ("scope", "following"),
                ("title", "Network call, now on Thursdays"),
                ("date", &moved_date),
                ("start", "16:00"),
                ("end", "17:00"),
            ])
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
        )
        .await;
    let mut after = Vec::new();
    for id in ids {
        after.push(ics_of(&mut host, id).await);
    }

    // Assert
    assert!(form.body.contains("This meeting and the following ones"));
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.body);
    assert_eq!(after[0], before[0], "the earlier meeting is untouched");
    for (n, event) in after.iter().enumerate().skip(1) {
        assert_eq!(
            event["UID"], before[n]["UID"],
            "the same event for calendars"
        );
        assert_eq!(event["SEQUENCE"], "1");
        assert_eq!(event["SUMMARY"], "Network call, now on Thursdays");
        let day = second_date + Duration::days(1 + 7 * (n as i64 - 1));
        assert_eq!(event["DTSTART"], utc_stamp(day, 16, "America/New_York"));
        assert_eq!(event["DTEND"], utc_stamp(day, 17, "America/New_York"));
    }
    let told = app.emails_to("ca@example.org").await;
    assert_eq!(
        told.len(),
        2,
        "the invitation, then one email for the three changes"
    );
    assert!(told[1].contains("These 3 meetings now meet"));
}

#[tokio::test]
async fn changing_the_whole_series_keeps_past_meetings_times_and_refuses_moving_one_into_the_past()
{
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    let mut host = browser(&app, "host@example.org").await;
    let fields = plan_fields("network", &[("repeat", "weekly"), ("meetings", "3")]);
    let first = id_from(plan(&mut host, &fields).await.location());
    let ids = [first, first + 1, first + 2];
    // The first meeting took place: move it into the past as the clock would.
    carrel_app::execute!(
        &app.db,
        sqlx::query("UPDATE convenings SET starts_at = $1, ends_at = $2 WHERE id = $3")
            .bind(Utc::now() - Duration::days(7))
            .bind(Utc::now() - Duration::days(7) + Duration::hours(1))
            .bind(first)
    )
    .unwrap();
    let past = ics_of(&mut host, first).await;
    let third = ics_of(&mut host, ids[2]).await;
    let second_date = days_ahead(37);
    let too_early = days_ahead(-40);

    // Act
    let into_the_past = host
        .post_form(
            &format!("/convenings/{}/edit", ids[1]),
            &edit_fields(&[("scope", "series"), ("date", &too_early)])
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    let renamed = host
        .post_form(
            &format!("/convenings/{}/edit", ids[1]),
            &edit_fields(&[
                ("scope", "series"),
                ("title", "Renamed series"),
                ("date", &second_date),
                ("start", "17:00"),
                ("end", "18:00"),
            ])
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .collect::<Vec<_>>(),
        )
        .await;
    let unknown = host
        .post_form(
            &format!("/convenings/{}/edit", ids[1]),
            &edit_fields(&[("scope", "everything")])
                .iter()
                .map(|(k, v)| (*k, v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;

    // Assert
    assert_eq!(into_the_past.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(into_the_past.body.contains("id=\"date-error\""));
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.body);
    let now_past = ics_of(&mut host, first).await;
    assert_eq!(
        now_past["DTSTART"], past["DTSTART"],
        "it took place when it did"
    );
    assert_eq!(now_past["SUMMARY"], "Renamed series");
    assert_eq!(now_past["SEQUENCE"], "1");
    let now_third = ics_of(&mut host, ids[2]).await;
    assert_eq!(now_third["SEQUENCE"], "1");
    assert_eq!(now_third["UID"], third["UID"]);
    assert_ne!(
        now_third["DTSTART"], third["DTSTART"],
        "moved with the second"
    );
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unknown
        .body
        .contains("Choose which meetings the change applies to."));
}

#[tokio::test]
async fn a_co_host_must_be_in_the_audience_and_is_shown_on_the_page() {
    // Arrange
    let app = TestApp::spawn().await;
    app.person("host@example.org", &[(Role::Coordinator, Some("NY"))])
        .await;
    app.person_in("ca@example.org", "CA", &[(Role::Coordinator, Some("CA"))])
        .await;
    app.person("mentee@example.org", &[(Role::Mentee, None)])
        .await;
    let mut host = browser(&app, "host@example.org").await;

    // Act
    let outsider = plan(
        &mut host,
        &plan_fields("network", &[("cohost_email", "mentee@example.org")]),
    )
    .await;
    let itself = plan(
        &mut host,
        &plan_fields("network", &[("cohost_email", "host@example.org")]),
    )
    .await;
    let planned = plan(
        &mut host,
        &plan_fields("network", &[("cohost_email", "ca@example.org")]),
    )
    .await;

    // Assert
    assert_eq!(outsider.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(outsider.body.contains("id=\"cohost_email-error\""));
    assert!(outsider.body.contains("value=\"mentee@example.org\""));
    assert_eq!(itself.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(itself.body.contains("The host cannot co-host too"));
    assert_eq!(planned.status, StatusCode::SEE_OTHER, "{}", planned.body);
    let page = host.get(planned.location()).await;
    assert!(page.body.contains("<dt>Co-host</dt>"));
    let edit = host.get(&format!("{}/edit", planned.location())).await;
    assert!(edit.body.contains("value=\"ca@example.org\""));
}
