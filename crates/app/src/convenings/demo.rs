//! Demo convenings: a monthly network call, regional meetings, and a past meeting with
//! minutes, attendance and action items, all hosted by the demo coordinators.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use crate::convenings::audience::Audience;
use crate::convenings::schedule::{self, zone_or_default, Repeat};
use crate::convenings::store::{self, NewConvening, Rsvp};
use crate::convenings::video;
use crate::network;
use crate::people::store as people;
use crate::platform::db::{now, Db};

/// Titles for the network's monthly call, one picked by the seed.
const NETWORK_TITLES: [&str; 3] = [
    "Coordinator network monthly call",
    "Coordinators' monthly exchange",
    "National coordinator check-in",
];

/// Agenda of the network call.
const NETWORK_AGENDA: &str = "1. Welcome and introductions of new coordinators\n\
2. Round of regions: what worked in matching this cycle\n\
3. Resource library: guides due for review\n\
4. Open questions\n";

/// Regional meeting titles.
const REGION_TITLES: [&str; 3] = [
    "Mentor and mentee meet-up",
    "Regional mentorship open hour",
    "Career conversations: regional gathering",
];

/// Builds the demo convenings; returns how many meetings it made.
pub async fn build(db: &Db, seed: u64) -> anyhow::Result<usize> {
    let Some(host) = people::find_by_email(db, crate::demo::DEMO_SIGN_INS[1].1).await? else {
        return Ok(0);
    };
    let ca_host = people::find_by_email(db, crate::demo::DEMO_SIGN_INS[2].1).await?;
    let ny = network::find_region(db, "NY").await?;
    let ca = network::find_region(db, "CA").await?;
    let pick =
        |items: &[&'static str], salt: u64| items[((seed ^ salt) % items.len() as u64) as usize];
    let new_york = zone_or_default("America/New_York");
    let today = now().with_timezone(&new_york).date_naive();
    let jitsi = "https://meet.jit.si";
    let mut made = 0;

    // The monthly network call: second Tuesday, 3 pm New York time, for six months.
    let first = second_tuesday_after(today);
    let slots = schedule::plan_slots(
        new_york,
        first,
        at(15, 0),
        at(16, 0),
        Repeat::MonthlyByWeekday,
        6,
    );
    made += store::create(
        db,
        &NewConvening {
            audience: Audience::Network,
            title: pick(&NETWORK_TITLES, 1),
            agenda: NETWORK_AGENDA,
            host_id: host.id,
            time_zone: new_york.name(),
            video_url: &video::new_jitsi_room(jitsi),
            repeat: Repeat::MonthlyByWeekday,
            slots: &slots,
        },
    )
    .await?
    .len();

    // Regional meetings in New York and California, a week and two weeks out.
    let regional = [
        (ny, Some(host.id), "America/New_York", 7),
        (ca, ca_host.map(|h| h.id), "America/Los_Angeles", 14),
    ];
    for (index, (region, host_id, zone, days)) in regional.into_iter().enumerate() {
        let (Some(region), Some(host_id)) = (region, host_id) else {
            continue;
        };
        let zone = zone_or_default(zone);
        let slots = schedule::plan_slots(
            zone,
            today + Duration::days(days),
            at(12, 0),
            at(13, 0),
            Repeat::Never,
            1,
        );
        made += store::create(
            db,
            &NewConvening {
                audience: Audience::Region(region.id),
                title: pick(&REGION_TITLES, 7 + index as u64),
                agenda: "Introductions, then small groups by career stage.",
                host_id,
                time_zone: zone.name(),
                video_url: &video::new_jitsi_room(jitsi),
                repeat: Repeat::Never,
                slots: &slots,
            },
        )
        .await?
        .len();
    }

    made += past_meeting(db, host.id, new_york, today).await?;
    Ok(made)
}

/// A network call three weeks ago, with attendance, minutes and action items.
async fn past_meeting(
    db: &Db,
    host_id: i64,
    zone: chrono_tz::Tz,
    today: NaiveDate,
) -> anyhow::Result<usize> {
    let date = today - Duration::days(21);
    let slots = schedule::plan_slots(zone, date, at(15, 0), at(16, 0), Repeat::Never, 1);
    let ids = store::create(
        db,
        &NewConvening {
            audience: Audience::Network,
            title: "Coordinator network: matching retrospective",
            agenda: NETWORK_AGENDA,
            host_id,
            time_zone: zone.name(),
            video_url: &video::new_jitsi_room("https://meet.jit.si"),
            repeat: Repeat::Never,
            slots: &slots,
        },
    )
    .await?;
    let id = ids[0];
    store::set_rsvp(db, id, host_id, Rsvp::Yes).await?;
    store::record_attendance(db, id, &[host_id], host_id).await?;
    store::save_minutes(
        db,
        id,
        "**Decisions**\n\n- Matching opens two weeks earlier next cycle.\n- Regions with \
         one coordinator pair up for backup.\n",
        "",
    )
    .await?;
    store::add_action_item(
        db,
        id,
        host_id,
        "Draft the pairing list for backup coordinators",
        today + Duration::days(10),
    )
    .await?;
    Ok(ids.len())
}

fn at(hour: u32, minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(hour, minute, 0).unwrap_or(NaiveTime::MIN)
}

/// The second Tuesday of the month after `today`'s.
fn second_tuesday_after(today: NaiveDate) -> NaiveDate {
    let next = today
        .with_day(1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .unwrap_or(today);
    NaiveDate::from_weekday_of_month_opt(next.year(), next.month(), Weekday::Tue, 2).unwrap_or(next)
}
