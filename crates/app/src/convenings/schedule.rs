//! When convenings happen: local times in a named zone, repeats, and how times are shown.
//!
//! A convening is planned in a time zone ("3 pm in New York") and stored as UTC instants.
//! Repeats are computed on local dates and then converted one by one, so a monthly 3 pm in
//! New York stays at 3 pm New York time across a daylight-saving change, and its UTC instant
//! moves by the hour instead.

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
    Weekday,
};
use chrono_tz::Tz;

use crate::platform::web::forms::FieldErrors;

/// The most meetings one plan may create: half a year of weekly meetings.
pub const MAX_MEETINGS: u32 = 26;

/// The longest a convening may last.
pub const MAX_HOURS: i64 = 8;

/// How a convening repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repeat {
    /// Once.
    Never,
    /// Every week on the same weekday.
    Weekly,
    /// Every two weeks on the same weekday.
    Fortnightly,
    /// Every month on the same weekday of the same week ("the second Tuesday").
    MonthlyByWeekday,
}

impl Repeat {
    /// Every choice, in the order the form offers them.
    pub const ALL: [Repeat; 4] = [
        Repeat::Never,
        Repeat::Weekly,
        Repeat::Fortnightly,
        Repeat::MonthlyByWeekday,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Repeat::Never => "none",
            Repeat::Weekly => "weekly",
            Repeat::Fortnightly => "biweekly",
            Repeat::MonthlyByWeekday => "monthly",
        }
    }

    /// The words on the form and the page.
    pub fn label(self) -> &'static str {
        match self {
            Repeat::Never => "Does not repeat",
            Repeat::Weekly => "Every week",
            Repeat::Fortnightly => "Every two weeks",
            Repeat::MonthlyByWeekday => "Every month on the same weekday",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Repeat> {
        Repeat::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// One meeting's start and end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Slot {
    /// The start, UTC.
    pub starts_at: DateTime<Utc>,
    /// The end, UTC.
    pub ends_at: DateTime<Utc>,
}

/// The local dates of `count` meetings starting on `first`.
///
/// Monthly meetings keep the weekday and its week of the month: the second Tuesday stays
/// the second Tuesday. A fifth weekday, which most months lack, becomes the month's last.
pub fn meeting_dates(first: NaiveDate, repeat: Repeat, count: u32) -> Vec<NaiveDate> {
    let count = count.clamp(1, MAX_MEETINGS);
    let step_days = match repeat {
        Repeat::Never => return vec![first],
        Repeat::Weekly => 7,
        Repeat::Fortnightly => 14,
        Repeat::MonthlyByWeekday => return monthly_dates(first, count),
    };
    (0..count)
        .map(|n| first + Duration::days(step_days * i64::from(n)))
        .collect()
}

fn monthly_dates(first: NaiveDate, count: u32) -> Vec<NaiveDate> {
    let week = (first.day0() / 7) + 1;
    let weekday = first.weekday();
    let mut dates = Vec::with_capacity(count as usize);
    let (mut year, mut month) = (first.year(), first.month());
    while dates.len() < count as usize {
        if let Some(date) = weekday_of_month(year, month, weekday, week) {
            dates.push(date);
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    dates
}

/// The `week`-th given weekday of a month (1 to 4), or the last one for week 5.
fn weekday_of_month(year: i32, month: u32, weekday: Weekday, week: u32) -> Option<NaiveDate> {
    if week >= 5 {
        let next_month = if month == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, month + 1, 1)?
        };
        let mut day = next_month.pred_opt()?;
        while day.weekday() != weekday {
            day = day.pred_opt()?;
        }
        return Some(day);
    }
    NaiveDate::from_weekday_of_month_opt(year, month, weekday, week as u8)
}

/// The UTC instant of a wall-clock time in a zone.
///
/// When the clocks fall back, the earlier of the two instants is taken. A time the clocks
/// skip when they spring forward does not exist; the meeting moves to the hour after, which
/// is what a wall clock shows then.
pub fn to_utc(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => at.with_timezone(&Utc),
        LocalResult::None => {
            let later = local + Duration::hours(1);
            zone.from_local_datetime(&later)
                .earliest()
                .map_or_else(|| later.and_utc(), |at| at.with_timezone(&Utc))
        }
    }
}

/// The slots of every meeting of a plan: the same wall-clock start and end on each date.
pub fn plan_slots(
    zone: Tz,
    first: NaiveDate,
    start: NaiveTime,
    end: NaiveTime,
    repeat: Repeat,
    count: u32,
) -> Vec<Slot> {
    meeting_dates(first, repeat, count)
        .into_iter()
        .map(|date| Slot {
            starts_at: to_utc(zone, date.and_time(start)),
            ends_at: to_utc(zone, date.and_time(end)),
        })
        .collect()
}

/// Which meetings of a series a change applies to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// The one meeting.
    This,
    /// The meeting and every later one of its series.
    Following,
    /// Every meeting of the series; those that already took place keep their times.
    Series,
}

impl Scope {
    /// Every scope, in the order the form offers them.
    pub const ALL: [Scope; 3] = [Scope::This, Scope::Following, Scope::Series];

    /// The form's code.
    pub fn code(self) -> &'static str {
        match self {
            Scope::This => "this",
            Scope::Following => "following",
            Scope::Series => "series",
        }
    }

    /// The words on the form.
    pub fn label(self) -> &'static str {
        match self {
            Scope::This => "This meeting only",
            Scope::Following => "This meeting and the following ones",
            Scope::Series => "Every meeting of the series",
        }
    }

    /// Reads a form code; an empty one is this meeting only.
    pub fn parse(code: &str) -> Option<Scope> {
        match code {
            "" => Some(Scope::This),
            _ => Scope::ALL.into_iter().find(|s| s.code() == code),
        }
    }
}

/// Where a meeting of a series goes when the series is changed through one of its meetings.
///
/// The edited meeting moves to `times`; every other meeting moves by the same number of days
/// (its own date in the zone it was planned in, shifted), at the new local start and end in
/// the new zone. So moving a Tuesday 3 pm meeting to Wednesday 4 pm moves each following
/// meeting to its Wednesday at 4 pm, at 4 pm local time on either side of a clock change.
pub fn shifted_slot(
    meeting: Slot,
    meeting_zone: Tz,
    edited: Slot,
    edited_zone: Tz,
    times: &Times,
) -> Slot {
    let edited_date = edited.starts_at.with_timezone(&edited_zone).date_naive();
    let days = times.date - edited_date;
    let date = meeting.starts_at.with_timezone(&meeting_zone).date_naive() + days;
    Slot {
        starts_at: to_utc(times.zone, date.and_time(times.start)),
        ends_at: to_utc(times.zone, date.and_time(times.end)),
    }
}

/// The times part of a convening form, as typed.
#[derive(Clone, Debug, Default)]
pub struct TimesInput<'a> {
    /// The date, `YYYY-MM-DD`.
    pub date: &'a str,
    /// The start, `HH:MM`.
    pub start: &'a str,
    /// The end, `HH:MM`.
    pub end: &'a str,
    /// The IANA zone the times are in.
    pub time_zone: &'a str,
}

/// Checked times: the zone and the first meeting's local date and times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Times {
    /// The zone.
    pub zone: Tz,
    /// The local date.
    pub date: NaiveDate,
    /// The local start.
    pub start: NaiveTime,
    /// The local end, later on the same date.
    pub end: NaiveTime,
}

impl Times {
    /// The first (or only) meeting's slot.
    pub fn slot(&self) -> Slot {
        plan_slots(self.zone, self.date, self.start, self.end, Repeat::Never, 1)[0]
    }
}

/// Checks the times of a form, adding a message at each field that is wrong.
///
/// `earliest` is the first acceptable start: now, for a new convening or a moved one.
pub fn check_times(
    errors: &mut FieldErrors,
    input: &TimesInput<'_>,
    earliest: Option<DateTime<Utc>>,
) -> Option<Times> {
    let zone = input.time_zone.trim().parse::<Tz>().ok();
    if zone.is_none() {
        errors.add("time_zone", "Choose a time zone from the list.");
    }
    let date = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.add("date", "Enter the date as year-month-day, like 2027-02-09.");
    }
    let start = parse_time(input.start);
    if start.is_none() {
        errors.add(
            "start",
            "Enter the start time as hours and minutes, like 15:00.",
        );
    }
    let end = parse_time(input.end);
    if end.is_none() {
        errors.add(
            "end",
            "Enter the end time as hours and minutes, like 16:00.",
        );
    }
    let (zone, date, start, end) = (zone?, date?, start?, end?);

    if end <= start {
        errors.add("end", "The end must be after the start, on the same day.");
        return None;
    }
    if end - start > Duration::hours(MAX_HOURS) {
        errors.add(
            "end",
            format!("A convening lasts at most {MAX_HOURS} hours."),
        );
        return None;
    }
    let times = Times {
        zone,
        date,
        start,
        end,
    };
    if earliest.is_some_and(|earliest| times.slot().starts_at < earliest) {
        errors.add(
            "date",
            "The start is in the past. Choose a later date or time.",
        );
        return None;
    }
    Some(times)
}

fn parse_time(value: &str) -> Option<NaiveTime> {
    let value = value.trim();
    NaiveTime::parse_from_str(value, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(value, "%H:%M:%S"))
        .ok()
}

/// A stored zone name as a zone; an unknown name reads as New York, the profile default.
pub fn zone_or_default(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::America::New_York)
}

/// A date and time in a zone, with the zone's abbreviation: "Tuesday, February 9, 2027,
/// 3:00 PM EST".
pub fn describe(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%A, %B %-d, %Y, %-I:%M %p %Z")
        .to_string()
}

/// A meeting's start and end in a zone, naming the zone: "Tuesday, February 9, 2027,
/// 3:00 PM to 4:00 PM EST (America/New_York)".
pub fn describe_range(slot: Slot, zone: Tz) -> String {
    let start = slot.starts_at.with_timezone(&zone);
    let end = slot.ends_at.with_timezone(&zone);
    let end_text = if start.date_naive() == end.date_naive() {
        end.format("%-I:%M %p %Z").to_string()
    } else {
        end.format("%A, %B %-d, %-I:%M %p %Z").to_string()
    };
    format!(
        "{} to {} ({})",
        start.format("%A, %B %-d, %Y, %-I:%M %p"),
        end_text,
        zone.name()
    )
}

/// A short start time for lists and the month view: "3:00 PM".
pub fn clock(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%-I:%M %p").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::New_York;
    use chrono_tz::Pacific::{Guam, Honolulu};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("a date")
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("a time")
    }

    #[test]
    fn monthly_meetings_keep_the_weekday_and_its_week() {
        // 2027-02-09 is the second Tuesday of February.
        let dates = meeting_dates(date(2027, 2, 9), Repeat::MonthlyByWeekday, 4);
        assert_eq!(
            dates,
            vec![
                date(2027, 2, 9),
                date(2027, 3, 9),
                date(2027, 4, 13),
                date(2027, 5, 11)
            ]
        );
        assert!(dates.iter().all(|d| d.weekday() == Weekday::Tue));
    }

    #[test]
    fn a_fifth_weekday_repeats_as_the_last_one() {
        // 2027-03-31 is the fifth Wednesday of March; April 2027 has four.
        let dates = meeting_dates(date(2027, 3, 31), Repeat::MonthlyByWeekday, 2);
        assert_eq!(dates, vec![date(2027, 3, 31), date(2027, 4, 28)]);
    }

    #[test]
    fn weekly_and_fortnightly_meetings_step_by_days_and_the_count_is_bounded() {
        let weekly = meeting_dates(date(2027, 12, 28), Repeat::Weekly, 2);
        assert_eq!(weekly, vec![date(2027, 12, 28), date(2028, 1, 4)]);
        let fortnightly = meeting_dates(date(2027, 1, 5), Repeat::Fortnightly, 3);
        assert_eq!(fortnightly[2], date(2027, 2, 2));
        assert_eq!(
            meeting_dates(date(2027, 1, 5), Repeat::Weekly, 500).len(),
            26
        );
        assert_eq!(meeting_dates(date(2027, 1, 5), Repeat::Never, 9).len(), 1);
    }

    #[test]
    fn three_pm_in_new_york_stays_three_pm_across_both_daylight_saving_changes() {
        let spring = plan_slots(
            New_York,
            date(2027, 2, 9),
            time(15, 0),
            time(16, 0),
            Repeat::MonthlyByWeekday,
            3,
        );
        let fall = plan_slots(
            New_York,
            date(2027, 10, 12),
            time(15, 0),
            time(16, 0),
            Repeat::MonthlyByWeekday,
            2,
        );

        // Standard time is UTC-5, daylight time UTC-4.
        assert_eq!(
            spring[0].starts_at.to_rfc3339(),
            "2027-02-09T20:00:00+00:00"
        );
        assert_eq!(
            spring[2].starts_at.to_rfc3339(),
            "2027-04-13T19:00:00+00:00"
        );
        assert_eq!(fall[0].starts_at.to_rfc3339(), "2027-10-12T19:00:00+00:00");
        assert_eq!(fall[1].starts_at.to_rfc3339(), "2027-11-09T20:00:00+00:00");
        for slot in spring.iter().chain(&fall) {
            assert_eq!(clock(slot.starts_at, New_York), "3:00 PM");
            assert_eq!(slot.ends_at - slot.starts_at, Duration::hours(1));
        }
    }

    #[test]
    fn honolulu_and_guam_see_the_hour_move_when_new_york_changes_its_clocks() {
        let slots = plan_slots(
            New_York,
            date(2027, 2, 9),
            time(15, 0),
            time(16, 0),
            Repeat::MonthlyByWeekday,
            3,
        );
        let (winter, summer) = (slots[0].starts_at, slots[2].starts_at);

        assert_eq!(
            describe(winter, Honolulu),
            "Tuesday, February 9, 2027, 10:00 AM HST"
        );
        assert_eq!(
            describe(summer, Honolulu),
            "Tuesday, April 13, 2027, 9:00 AM HST"
        );
        assert_eq!(
            describe(winter, Guam),
            "Wednesday, February 10, 2027, 6:00 AM ChST"
        );
        assert_eq!(
            describe(summer, Guam),
            "Wednesday, April 14, 2027, 5:00 AM ChST"
        );
    }

    #[test]
    fn a_skipped_local_time_moves_to_the_hour_after_and_a_repeated_one_takes_the_first() {
        // Clocks in New York jump from 2:00 to 3:00 on 2027-03-14 and fall back on 2027-11-07.
        let skipped = to_utc(New_York, date(2027, 3, 14).and_time(time(2, 30)));
        let repeated = to_utc(New_York, date(2027, 11, 7).and_time(time(1, 30)));
        assert_eq!(skipped.to_rfc3339(), "2027-03-14T07:30:00+00:00");
        assert_eq!(repeated.to_rfc3339(), "2027-11-07T05:30:00+00:00");
    }

    #[test]
    fn moving_one_meeting_of_a_series_moves_the_others_by_the_same_days_at_the_new_local_time() {
        // Weekly on Tuesdays at 3 pm New York, from 2027-03-02, across the March change.
        let slots = plan_slots(
            New_York,
            date(2027, 3, 2),
            time(15, 0),
            time(16, 0),
            Repeat::Weekly,
            3,
        );
        let times = Times {
            zone: New_York,
            date: date(2027, 3, 10),
            start: time(16, 0),
            end: time(17, 0),
        };

        let moved = shifted_slot(slots[2], New_York, slots[1], New_York, &times);

        let local = moved.starts_at.with_timezone(&New_York);
        assert_eq!(
            local.date_naive(),
            date(2027, 3, 17),
            "Wednesday the 17th, a day later"
        );
        assert_eq!(local.time(), time(16, 0), "4 pm after the clocks changed");
        assert_eq!(moved.ends_at - moved.starts_at, Duration::hours(1));
        assert_eq!(Scope::parse(""), Some(Scope::This));
        assert_eq!(Scope::parse("following"), Some(Scope::Following));
        assert_eq!(Scope::parse("all"), None);
    }

    #[test]
    fn bad_times_get_a_message_at_their_field() {
        let now = Utc
            .with_ymd_and_hms(2027, 1, 1, 0, 0, 0)
            .single()
            .expect("an instant");
        let cases = [
            (("2027-02-09", "15:00", "14:00", "America/New_York"), "end"),
            (("2027-02-09", "09:00", "18:00", "America/New_York"), "end"),
            (("2026-12-31", "15:00", "16:00", "America/New_York"), "date"),
            (("2027-02-30", "15:00", "16:00", "America/New_York"), "date"),
            (("2027-02-09", "3pm", "16:00", "America/New_York"), "start"),
            (
                ("2027-02-09", "15:00", "16:00", "Mars/Olympus_Mons"),
                "time_zone",
            ),
        ];
        for ((date, start, end, time_zone), field) in cases {
            let mut errors = FieldErrors::new();
            let input = TimesInput {
                date,
                start,
                end,
                time_zone,
            };
            assert!(check_times(&mut errors, &input, Some(now)).is_none());
            assert!(errors.get(field).is_some(), "{field}: {:?}", errors.all());
        }

        let mut errors = FieldErrors::new();
        let good = TimesInput {
            date: "2027-02-09",
            start: "15:00",
            end: "16:30",
            time_zone: "America/New_York",
        };
        let times = check_times(&mut errors, &good, Some(now)).expect("valid times");
        assert!(errors.is_empty());
        assert_eq!(
            describe_range(times.slot(), Honolulu),
            "Tuesday, February 9, 2027, 10:00 AM to 11:30 AM HST (Pacific/Honolulu)"
        );
    }
}
