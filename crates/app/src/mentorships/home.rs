//! What a mentorship puts on its people's home pages: for the pair, the next steps; for a
//! coordinator, the pairs that need attention first.

use chrono::NaiveDate;

use crate::mentorships::rules::{self, Concerns, Health};
use crate::mentorships::store::{self, PairRow, Scope};
use crate::platform::auth::viewer::Viewer;
use crate::platform::db::Db;

/// One thing to do next, with where to do it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextStep {
    /// What to do, in a sentence.
    pub text: String,
    /// Where to do it.
    pub href: String,
}

/// The next steps of a person's active mentorships, as mentee or mentor, in the order to
/// take them: the agreement, the next meeting, open goals, the fit question, this month's
/// prompt; then, after a completed mentorship, the reflection and the invitation to mentor.
///
/// Other features add their own steps to the list this returns (a survey that is due, say).
pub async fn next_steps(
    db: &Db,
    viewer: &Viewer,
    today: NaiveDate,
) -> Result<Vec<NextStep>, sqlx::Error> {
    let mut steps = Vec::new();
    for m in store::of_person(db, viewer.person_id).await? {
        let href = format!("/mentorships/{}", m.id);
        let partner = m.partner_name(viewer.person_id).to_owned();
        if !m.is_active() {
            let reflected = store::reflections(db, m.id)
                .await?
                .iter()
                .any(|r| r.person_id == viewer.person_id);
            if !reflected {
                steps.push(NextStep {
                    text: format!(
                        "Write your closing reflection on your mentorship with {partner}."
                    ),
                    href: format!("{href}/ending"),
                });
            }
            if m.status == "completed" && m.mentee_id == viewer.person_id {
                steps.push(NextStep {
                    text: "You are invited to mentor someone in a coming cycle.".into(),
                    href: "/cycles".into(),
                });
            }
            continue;
        }

        let Some(side) = m.side_of(viewer.person_id) else {
            continue;
        };
        match store::agreement(db, m.id).await? {
            None => steps.push(NextStep {
                text: format!("Write your mentorship agreement with {partner}."),
                href: format!("{href}/agreement"),
            }),
            Some(a) if !a.confirmed_by(side) => steps.push(NextStep {
                text: format!("Confirm the agreement {partner} wrote."),
                href: href.clone(),
            }),
            Some(_) => {}
        }
        let meetings = store::meetings(db, m.id).await?;
        let since = meetings
            .first()
            .map_or_else(|| m.started_on(), |g| g.met_on);
        let due = rules::next_meeting_due(m.cadence(), since);
        steps.push(NextStep {
            text: format!(
                "Meet {partner} by {} ({} so far), then log the meeting.",
                due.format("%B %-d, %Y"),
                match meetings.len() {
                    1 => "1 meeting".to_owned(),
                    n => format!("{n} meetings"),
                }
            ),
            href: format!("{href}/meetings/new"),
        });
        let open: Vec<String> = store::goals(db, m.id)
            .await?
            .into_iter()
            .filter(|g| g.is_open())
            .map(|g| format!("{} ({}%)", g.title, g.progress))
            .collect();
        if !open.is_empty() {
            steps.push(NextStep {
                text: format!("Open goals: {}.", open.join("; ")),
                href: format!("{href}#goals"),
            });
        }
        let asked = (today - m.started_on()).num_days() >= rules::FIT_QUESTION_DAY;
        let answered = store::fit_answers(db, m.id)
            .await?
            .iter()
            .any(|(person, _)| *person == viewer.person_id);
        if asked && !answered {
            steps.push(NextStep {
                text: format!("Tell us whether your match with {partner} fits."),
                href: format!("{href}#fit"),
            });
        }
        let needs = crate::people::profile::topic_codes(db, m.mentee_id, "need").await?;
        let month = rules::month_of(m.started_on(), today);
        steps.push(NextStep {
            text: format!(
                "This month's prompt: {}",
                rules::monthly_prompt(&m.mentee_stage, &needs, month)
            ),
            href,
        });
    }
    Ok(steps)
}

/// The most pairs listed on a coordinator's home page.
pub const ATTENTION_SHOWN: usize = 20;

/// A pair that needs a coordinator's attention.
#[derive(Clone, Debug)]
pub struct Attention {
    /// The pair.
    pub pair: PairRow,
    /// Its health today.
    pub health: Health,
    /// What either of the pair raised, without saying which.
    pub concerns: Concerns,
}

impl Attention {
    /// Why it is listed, in words.
    pub fn reason(&self) -> String {
        let mut reason = self.health.label().to_owned();
        for words in self.concerns.reasons() {
            reason.push_str(", ");
            reason.push_str(words);
        }
        reason
    }
}

/// The active pairs a coordinator watches (their regions' cycles and those they are liaison
/// to; admins watch through the national dashboard instead) that need attention: stalled
/// first, then at risk, then at risk only for a poor fit or a difficult check-in, each group
/// longest quiet first; with how many there are in all.
pub async fn attention(
    db: &Db,
    viewer: &Viewer,
    today: NaiveDate,
) -> Result<(Vec<Attention>, usize), sqlx::Error> {
    let scope = Scope::Watched {
        regions: viewer.coordinated_regions(),
        liaison_id: viewer.person_id,
    };
    let mut listed: Vec<Attention> = store::pairs(db, &scope, Some("active"))
        .await?
        .into_iter()
        .map(|pair| Attention {
            health: pair.health(today),
            concerns: pair.concerns(today),
            pair,
        })
        .filter(|a| a.health != Health::OnTrack)
        .collect();
    listed.sort_by_key(|a| {
        let since = a
            .pair
            .last_met_on
            .unwrap_or_else(|| a.pair.mentorship.started_on());
        let cadence = a.pair.mentorship.cadence();
        let quiet_alone = rules::health(cadence, since, today, Concerns::default());
        let concerns_only = a.health == Health::AtRisk && quiet_alone == Health::OnTrack;
        (a.health, concerns_only, since)
    });
    let total = listed.len();
    listed.truncate(ATTENTION_SHOWN);
    Ok((listed, total))
}
