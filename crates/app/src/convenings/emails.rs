//! The words of convening emails: plain text, times in the recipient's own zone, links on
//! lines of their own. The outbox holds plain text only, so the calendar invitation is a
//! link to download, not an attachment.

use chrono_tz::Tz;

use crate::accounts::emails::Email;
use crate::convenings::schedule::{self, Slot};

/// What every convening email says about a meeting.
pub struct About<'a> {
    /// Carrel's address.
    pub base_url: &'a str,
    /// The meeting's title.
    pub title: &'a str,
    /// The host's name.
    pub host: &'a str,
    /// Who it is for, in words.
    pub audience: &'a str,
    /// Where to join.
    pub video_url: &'a str,
}

/// One meeting in an email: its id and times.
pub struct Meeting {
    /// Its id, for links.
    pub id: i64,
    /// Its times.
    pub slot: Slot,
}

fn meeting_lines(base_url: &str, meetings: &[Meeting], zone: Tz) -> String {
    meetings
        .iter()
        .map(|m| {
            format!(
                "- {}\n  Page: {base_url}/convenings/{id}\n  Add to your calendar: \
                 {base_url}/convenings/{id}/invite.ics\n",
                schedule::describe_range(m.slot, zone),
                id = m.id
            )
        })
        .collect()
}

/// Invites a member to a newly planned convening, listing every meeting if it repeats.
pub fn invitation(about: &About<'_>, meetings: &[Meeting], zone: Tz) -> Email {
    let when = if meetings.len() == 1 {
        "It meets once:".to_owned()
    } else {
        format!("It meets {} times:", meetings.len())
    };
    Email {
        subject: format!("Invitation: {}", about.title),
        body: format!(
            "Hello,\n\n{host} invites {audience} to a convening on Carrel: {title}.\n\n\
             {when}\n\n{lines}\nJoin by video: {video}\n\n\
             Let the host know whether you will come on the convening's page. The calendar \
             links give an invitation your calendar app can add.\n",
            host = about.host,
            audience = about.audience,
            title = about.title,
            lines = meeting_lines(about.base_url, meetings, zone),
            video = about.video_url,
        ),
    }
}

/// Tells a member that meetings changed: one, or several of a series changed together.
pub fn changed(about: &About<'_>, meetings: &[Meeting], zone: Tz) -> Email {
    let (what, now_meets) = if meetings.len() == 1 {
        ("a convening", "It now meets:".to_owned())
    } else {
        (
            "meetings of a convening",
            format!("These {} meetings now meet:", meetings.len()),
        )
    };
    Email {
        subject: format!("Changed: {}", about.title),
        body: format!(
            "Hello,\n\n{host} changed {what} of {audience}: {title}. {now_meets}\n\n\
             {lines}\nJoin by video: {video}\n\n\
             Download the updated invitations to change them in your calendar too.\n",
            host = about.host,
            audience = about.audience,
            title = about.title,
            lines = meeting_lines(about.base_url, meetings, zone),
            video = about.video_url,
        ),
    }
}

/// Tells a member that a meeting is cancelled.
pub fn cancelled(about: &About<'_>, meeting: &Meeting, zone: Tz) -> Email {
    Email {
        subject: format!("Cancelled: {}", about.title),
        body: format!(
            "Hello,\n\n{host} cancelled this meeting of {title} ({audience}):\n\n{lines}\n\
             Download the cancellation to remove it from your calendar.\n",
            host = about.host,
            audience = about.audience,
            title = about.title,
            lines = meeting_lines(about.base_url, std::slice::from_ref(meeting), zone),
        ),
    }
}

/// Reminds a member of a meeting the next day.
pub fn reminder(about: &About<'_>, meeting: &Meeting, zone: Tz) -> Email {
    Email {
        subject: format!("Reminder: {}", about.title),
        body: format!(
            "Hello,\n\nA reminder: {title} ({audience}), hosted by {host}, meets within a \
             day.\n\n{lines}\nJoin by video: {video}\n",
            host = about.host,
            audience = about.audience,
            title = about.title,
            lines = meeting_lines(about.base_url, std::slice::from_ref(meeting), zone),
            video = about.video_url,
        ),
    }
}
