//! A small iCalendar (RFC 5545) writer for invitations and calendar feeds.
//!
//! Only what convenings need: one calendar holding events, each with UTC times, a stable
//! UID and a SEQUENCE. Times are always UTC (`…Z`), so no VTIMEZONE is needed. Each meeting
//! of a repeating convening is its own event rather than one event with a repeat rule:
//! a rule over UTC times would drift by an hour at every daylight-saving change.
//!
//! Lines end in CRLF and are folded at 75 octets without splitting a UTF-8 character;
//! TEXT values escape backslashes, semicolons, commas and line breaks.

use chrono::{DateTime, Utc};

/// Octets per line before folding, excluding the line break (RFC 5545 section 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// What a calendar object asks of the calendar that receives it (RFC 5546).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// A feed: the events as they are, to display.
    Publish,
    /// An invitation, or an update of one with a higher SEQUENCE.
    Request,
    /// A cancellation of events the receiver already has.
    Cancel,
}

impl Method {
    /// The name written in `METHOD:` and in the `method` parameter of the content type.
    pub fn name(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// One event, ready to write.
#[derive(Clone, Debug)]
pub struct Event {
    /// Globally unique and stable for the life of the meeting.
    pub uid: String,
    /// Raised on every change the receiver should apply.
    pub sequence: i64,
    /// When this version of the event was last changed.
    pub stamp: DateTime<Utc>,
    /// The start.
    pub starts_at: DateTime<Utc>,
    /// The end.
    pub ends_at: DateTime<Utc>,
    /// The title.
    pub summary: String,
    /// Plain text, any length, any lines.
    pub description: String,
    /// Where to join: the video link.
    pub location: String,
    /// The convening's page.
    pub url: String,
    /// The organizer's email address.
    pub organizer: String,
    /// Whether the meeting is cancelled.
    pub cancelled: bool,
}

/// A whole calendar object with the given method, an optional display name, and events.
pub fn calendar(method: Method, name: Option<&str>, events: &[Event]) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Carrel//Convenings//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, &format!("METHOD:{}", method.name()));
    if let Some(name) = name {
        line(&mut out, &format!("X-WR-CALNAME:{}", escape_text(name)));
    }
    for event in events {
        write_event(&mut out, event);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn write_event(out: &mut String, event: &Event) {
    let status = if event.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", escape_text(&event.uid)));
    line(out, &format!("SEQUENCE:{}", event.sequence.max(0)));
    line(out, &format!("DTSTAMP:{}", utc(event.stamp)));
    line(out, &format!("DTSTART:{}", utc(event.starts_at)));
    line(out, &format!("DTEND:{}", utc(event.ends_at)));
    line(out, &format!("SUMMARY:{}", escape_text(&event.summary)));
    if !event.description.is_empty() {
        line(
            out,
            &format!("DESCRIPTION:{}", escape_text(&event.description)),
        );
    }
    if !event.location.is_empty() {
        line(out, &format!("LOCATION:{}", escape_text(&event.location)));
    }
    if !event.url.is_empty() {
        line(out, &format!("URL:{}", event.url));
    }
    if !event.organizer.is_empty() {
        line(
            out,
            &format!("ORGANIZER;CN=Carrel:mailto:{}", event.organizer),
        );
    }
    line(out, &format!("STATUS:{status}"));
    line(out, "TRANSP:OPAQUE");
    line(out, "END:VEVENT");
}

/// A UTC instant in iCalendar's basic format: `20270209T200000Z`.
pub fn utc(at: DateTime<Utc>) -> String {
    at.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                // CRLF and a lone CR are both one line break.
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            // Other control characters are not allowed in TEXT.
            c if c.is_control() && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line, folded and ended with CRLF.
fn line(out: &mut String, content: &str) {
    out.push_str(&fold(content));
    out.push_str("\r\n");
}

/// Folds a content line so no physical line exceeds 75 octets: a break is CRLF followed by
/// one space, and the space counts towards the next line's 75.
pub fn fold(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + content.len() / 70 * 3);
    let mut used = 0;
    for c in content.chars() {
        let width = c.len_utf8();
        if used + width > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += width;
    }
    out
}

/// The stable UID of a meeting, from its stored random id.
pub fn uid(stored: &str) -> String {
    format!("convening-{stored}@carrel")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn text_values_escape_what_rfc_5545_asks() {
        assert_eq!(
            escape_text("a\\b; c, d\r\ne\nf\u{7}"),
            "a\\\\b\\; c\\, d\\ne\\nf"
        );
    }

    #[test]
    fn long_lines_fold_at_75_octets_without_splitting_characters() {
        let content = format!("SUMMARY:{}", "Réunion é ".repeat(30));
        let folded = fold(&content);

        for physical in folded.split("\r\n") {
            assert!(physical.len() <= 75, "{} octets", physical.len());
        }
        assert!(folded.split("\r\n").skip(1).all(|l| l.starts_with(' ')));
        assert_eq!(unfold(&folded), content);
        assert_eq!(fold("SHORT:x"), "SHORT:x");
    }

    #[test]
    fn a_cancellation_names_its_method_and_status_and_every_line_ends_in_crlf() {
        let at = Utc.with_ymd_and_hms(2027, 2, 9, 20, 0, 0).unwrap();
        let event = Event {
            uid: uid("abc"),
            sequence: 3,
            stamp: at,
            starts_at: at,
            ends_at: at + chrono::Duration::hours(1),
            summary: "Network call".into(),
            description: String::new(),
            location: String::new(),
            url: String::new(),
            organizer: String::new(),
            cancelled: true,
        };
        let text = calendar(Method::Cancel, None, &[event]);

        assert!(text.contains("\r\nMETHOD:CANCEL\r\n"));
        assert!(text.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(text.contains("\r\nSEQUENCE:3\r\n"));
        assert!(text.contains("\r\nDTSTART:20270209T200000Z\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
