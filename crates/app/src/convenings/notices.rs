//! Telling the audience: invitations, changes, cancellations, and the reminder a day before.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::accounts::emails::Email;
use crate::convenings::audience::{self, Member};
use crate::convenings::emails::{self, About, Meeting};
use crate::convenings::schedule::zone_or_default;
use crate::convenings::store::{self, Convening};
use crate::convenings::AudienceNames;
use crate::platform::db::{now, Db};
use crate::platform::jobs::{self, Task};
use crate::platform::mail;
use crate::platform::state::AppState;

/// Why a member hears about a single meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    /// Its times, title, agenda or link changed.
    Changed,
    /// It is cancelled.
    Cancelled,
    /// It starts within a day.
    Reminder,
}

impl Notice {
    fn code(self) -> &'static str {
        match self {
            Notice::Changed => "changed",
            Notice::Cancelled => "cancelled",
            Notice::Reminder => "reminder",
        }
    }
}

fn meeting(convening: &Convening) -> Meeting {
    Meeting {
        id: convening.id,
        slot: convening.slot(),
    }
}

/// Emails each member of the audience its own words, with times in the member's zone.
///
/// The messages are written first and queued together in one batched insert: an audience
/// of the whole network is hundreds of people, and one round trip each would hold the
/// request that planned the meeting for seconds.
async fn send_each(
    db: &Db,
    members: &[Member],
    skip: &[i64],
    write: impl Fn(&Member) -> Email,
) -> Result<usize, sqlx::Error> {
    let messages: Vec<mail::Outgoing> = members
        .iter()
        .filter(|m| !skip.contains(&m.id))
        .map(|member| {
            let email = write(member);
            mail::Outgoing {
                to: member.email.clone(),
                subject: email.subject,
                body: email.body,
            }
        })
        .collect();
    mail::enqueue_many(db, &messages).await
}

/// Invites the audience to newly planned meetings (all meetings of one plan); returns how
/// many people were invited.
pub async fn invite(state: &AppState, meetings: &[Convening]) -> Result<usize, sqlx::Error> {
    let Some(first) = meetings.first() else {
        return Ok(0);
    };
    let Some(audience) = first.audience() else {
        return Ok(0);
    };
    let names = AudienceNames::load(&state.db).await?;
    let label = names.label(Some(audience));
    let about = About {
        base_url: &state.config.base_url,
        title: &first.title,
        host: &first.host_name,
        audience: &label,
        video_url: &first.video_url,
    };
    let list: Vec<Meeting> = meetings.iter().map(meeting).collect();

    let members = audience::members(&state.db, audience).await?;
    let sent = send_each(&state.db, &members, &[], |member| {
        emails::invitation(&about, &list, zone_or_default(&member.time_zone))
    })
    .await?;
    tracing::info!(
        convening.id = first.id,
        recipients = sent,
        "invitations queued"
    );
    Ok(sent)
}

/// Tells the audience that some meetings of one convening changed (one meeting, or several
/// of a series changed together), in one email each listing them all.
pub async fn tell_changed(state: &AppState, meetings: &[Convening]) -> Result<usize, sqlx::Error> {
    let Some(first) = meetings.first() else {
        return Ok(0);
    };
    let Some(audience) = first.audience() else {
        return Ok(0);
    };
    let names = AudienceNames::load(&state.db).await?;
    let label = names.label(Some(audience));
    let about = About {
        base_url: &state.config.base_url,
        title: &first.title,
        host: &first.host_name,
        audience: &label,
        video_url: &first.video_url,
    };
    let list: Vec<Meeting> = meetings.iter().map(meeting).collect();

    let members = audience::members(&state.db, audience).await?;
    let sent = send_each(&state.db, &members, &[], |member| {
        emails::changed(&about, &list, zone_or_default(&member.time_zone))
    })
    .await?;
    tracing::info!(
        convening.id = first.id,
        meetings = meetings.len(),
        recipients = sent,
        "convening changes queued"
    );
    Ok(sent)
}

/// Tells the audience about one meeting; people who said they will not come are spared
/// reminders.
pub async fn tell(
    state: &AppState,
    convening: &Convening,
    notice: Notice,
) -> Result<usize, sqlx::Error> {
    let Some(audience) = convening.audience() else {
        return Ok(0);
    };
    let names = AudienceNames::load(&state.db).await?;
    let label = names.label(Some(audience));
    let about = About {
        base_url: &state.config.base_url,
        title: &convening.title,
        host: &convening.host_name,
        audience: &label,
        video_url: &convening.video_url,
    };
    let this = meeting(convening);
    let skip = match notice {
        Notice::Reminder => store::declined(&state.db, convening.id).await?,
        Notice::Changed | Notice::Cancelled => Vec::new(),
    };

    let members = audience::members(&state.db, audience).await?;
    let sent = send_each(&state.db, &members, &skip, |member| {
        let zone = zone_or_default(&member.time_zone);
        match notice {
            Notice::Changed => emails::changed(&about, std::slice::from_ref(&this), zone),
            Notice::Cancelled => emails::cancelled(&about, &this, zone),
            Notice::Reminder => emails::reminder(&about, &this, zone),
        }
    })
    .await?;
    tracing::info!(
        convening.id = convening.id,
        notice = notice.code(),
        recipients = sent,
        "convening notices queued"
    );
    Ok(sent)
}

/// How often the reminder task looks for meetings starting within a day.
const REMINDER_EVERY: Duration = Duration::from_secs(15 * 60);

/// The reminder task, for the scheduler.
pub fn reminder_task() -> Task {
    Task {
        name: "convening reminders",
        every: REMINDER_EVERY,
        run: |state| Box::pin(async move { send_reminders(&state, now()).await.map(|_| ()) }),
    }
}

/// Sends the reminders due at `at`: each scheduled meeting starting within the next day is
/// reminded once, on whichever instance claims it first. The claim names the start time,
/// so a meeting moved to another day is reminded again before its new time.
pub async fn send_reminders(state: &AppState, at: DateTime<Utc>) -> anyhow::Result<usize> {
    let soon = store::starting_between(&state.db, at, at + chrono::Duration::days(1)).await?;
    let mut reminded = 0;
    for convening in soon {
        let key = format!(
            "convening-reminder:{}:{}",
            convening.id,
            convening.starts_at.timestamp()
        );
        if !jobs::claim_once(&state.db, &key).await? {
            continue;
        }
        tell(state, &convening, Notice::Reminder).await?;
        reminded += 1;
    }
    Ok(reminded)
}
