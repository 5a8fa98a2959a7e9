//! The demo's cycles: last year's closed New York cycle with its mentorships, this year's
//! New York cycle open for applications, California's in matching, Texas's with proposals
//! out and answers coming in (and self-match open to the mentees still without a mentor: a
//! few asked a mentor themselves, the Texas mentee account has yet to choose, and the Texas
//! mentor account, who offered late, has a request to answer), and, at national scale, a
//! national cycle in matching with about 50,000 applications and 20,000 offers.

use std::collections::HashMap;

use carrel_matching::synthetic::SplitMix64;
use chrono::{Days, Months, NaiveDate};

use crate::cycles::applications::{self, ValidApplication, ValidOffer, AVAILABILITY};
use crate::cycles::cycle::{self, CycleForm, Placement};
use crate::cycles::engine::{self, Only};
use crate::cycles::matching::{self, Solver};
use crate::cycles::proposals::{self, Side};
use crate::cycles::self_match;
use crate::cycles::state::{CycleState, Move};
use crate::demo::Scale;
use crate::network;
use crate::on_db;
use crate::people::profile;
use crate::platform::db::{now, Db};

// Links in the demo's emails, which the outbox shows but never sends.
const BASE_URL: &str = "http://127.0.0.1:8080";

/// Builds the demo's cycles over the demo network.
pub async fn build(db: &Db, scale: Scale, seed: u64) -> anyhow::Result<()> {
    let mut dice = SplitMix64::new(seed ^ 0x00C1_C1E5);
    let people = Members::load(db).await?;
    let admin = people.admin;
    let today = now().date_naive();

    let last_year = today - Days::new(365);
    let closed = regional(db, "NY", "New York 2025", last_year, admin, false).await?;
    open_cycle(db, closed, admin).await?;
    enroll(db, &people, closed, Some("NY"), 60, 30, &mut dice).await?;
    run_to_answers(db, closed, admin, 100).await?;
    for (step, from, to) in [
        (Move::Start, CycleState::Published, CycleState::Active),
        (Move::BeginClosing, CycleState::Active, CycleState::Closing),
        (Move::Close, CycleState::Closing, CycleState::Closed),
    ] {
        cycle::record_move(db, closed, step, from, to, Some(admin)).await?;
    }

    let open = regional(
        db,
        "NY",
        "New York 2026",
        today - Days::new(7),
        admin,
        false,
    )
    .await?;
    open_cycle(db, open, admin).await?;
    enroll(db, &people, open, Some("NY"), 40, 20, &mut dice).await?;
    enroll_fixed(db, &people, open).await?;
    career_timeline(db, &people).await?;

    let matching = regional(
        db,
        "CA",
        "California 2026",
        today - Days::new(40),
        admin,
        false,
    )
    .await?;
    open_cycle(db, matching, admin).await?;
    enroll(db, &people, matching, Some("CA"), 80, 35, &mut dice).await?;
    start_matching(db, matching, admin, true).await?;

    let opens_on = today - Days::new(50);
    let answering = regional(db, "TX", "Texas 2026", opens_on, admin, true).await?;
    open_cycle(db, answering, admin).await?;
    enroll(db, &people, answering, Some("TX"), 50, 40, &mut dice).await?;
    run_to_answers(db, answering, admin, 60).await?;
    late_mentor(db, &people, answering).await?;
    late_applicants(db, &people, answering, &mut dice).await?;
    self_match_requests(db, answering, people.texas_mentee).await?;
    ask_late_mentor(db, answering, &people).await?;

    if scale == Scale::National {
        let national = national_cycle(db, today - Days::new(30), admin).await?;
        open_cycle(db, national, admin).await?;
        enroll(db, &people, national, None, 50_000, 20_000, &mut dice).await?;
        start_matching(db, national, admin, false).await?;
    }
    tracing::info!("demo cycles built");
    Ok(())
}

/// The demo's members with their roles, profile needs and offers.
struct Members {
    admin: i64,
    mentees: Vec<(i64, Option<String>)>,
    mentors: Vec<(i64, Option<String>)>,
    needs: HashMap<i64, Vec<i64>>,
    offers: HashMap<i64, Vec<i64>>,
    mentee_account: Option<i64>,
    mentor_account: Option<i64>,
    // Texas's self-match accounts: a late applicant still choosing, a mentor asked.
    texas_mentee: Option<i64>,
    texas_mentor: Option<i64>,
}

impl Members {
    async fn load(db: &Db) -> Result<Self, sqlx::Error> {
        let with_role = |role: &'static str| async move {
            let rows: Vec<(i64, Option<String>)> = on_db!(db, |pool| {
                sqlx::query_as(
                    "SELECT p.id, r.code FROM people p JOIN grants g ON g.person_id = p.id \
                     LEFT JOIN regions r ON r.id = p.region_id \
                     WHERE g.role = $1 AND p.status = 'active' ORDER BY p.id",
                )
                .bind(role)
                .fetch_all(pool)
                .await
            })?;
            Ok::<_, sqlx::Error>(rows)
        };
        let admin = with_role("admin").await?.first().map_or(0, |r| r.0);
        let mentees = with_role("mentee").await?;
        let mentors = with_role("mentor").await?;
        let topics: Vec<(i64, i64, String)> = on_db!(db, |pool| {
            sqlx::query_as(
                "SELECT person_id, topic_id, kind FROM person_topics ORDER BY person_id, rank",
            )
            .fetch_all(pool)
            .await
        })?;
        let mut needs: HashMap<i64, Vec<i64>> = HashMap::new();
        let mut offers: HashMap<i64, Vec<i64>> = HashMap::new();
        for (person, topic, kind) in topics {
            let map = if kind == "need" {
                &mut needs
            } else {
                &mut offers
            };
            map.entry(person).or_default().push(topic);
        }
        let account = |email: &'static str| async move {
            let row: Option<(i64,)> = on_db!(db, |pool| {
                sqlx::query_as("SELECT id FROM people WHERE email = $1")
                    .bind(email)
                    .fetch_optional(pool)
                    .await
            })?;
            Ok::<_, sqlx::Error>(row.map(|r| r.0))
        };
        Ok(Members {
            admin,
            mentees,
            mentors,
            needs,
            offers,
            mentee_account: account(crate::demo::DEMO_SIGN_INS[5].1).await?,
            mentor_account: account(crate::demo::DEMO_SIGN_INS[4].1).await?,
            texas_mentee: account(crate::demo::DEMO_SIGN_INS[6].1).await?,
            texas_mentor: account(crate::demo::DEMO_SIGN_INS[7].1).await?,
        })
    }

    // Whether the person is one of the fixed accounts, which the demo places by hand.
    fn is_account(&self, id: i64) -> bool {
        [
            self.mentee_account,
            self.mentor_account,
            self.texas_mentee,
            self.texas_mentor,
        ]
        .contains(&Some(id))
    }
}

async fn regional(
    db: &Db,
    code: &str,
    name: &str,
    opens_on: NaiveDate,
    by: i64,
    self_match: bool,
) -> anyhow::Result<i64> {
    let regions = network::list_regions(db).await?;
    let region: Vec<_> = regions.into_iter().filter(|r| r.code == code).collect();
    let form = CycleForm {
        name: name.into(),
        region: code.into(),
        self_match: if self_match { "yes" } else { "" }.into(),
        ..CycleForm::starting(opens_on)
    };
    let placement = Placement {
        national: false,
        regions: &region,
    };
    let valid = cycle::validate(&form, &placement)
        .map_err(|_| anyhow::anyhow!("the demo cycle's settings are invalid"))?;
    Ok(cycle::create(db, &valid, None, Some(by)).await?)
}

async fn national_cycle(db: &Db, opens_on: NaiveDate, by: i64) -> anyhow::Result<i64> {
    let form = CycleForm {
        name: "National 2026".into(),
        region: "national".into(),
        ..CycleForm::starting(opens_on)
    };
    let placement = Placement {
        national: true,
        regions: &[],
    };
    let valid = cycle::validate(&form, &placement)
        .map_err(|_| anyhow::anyhow!("the demo cycle's settings are invalid"))?;
    Ok(cycle::create(db, &valid, None, Some(by)).await?)
}

async fn open_cycle(db: &Db, id: i64, by: i64) -> Result<(), sqlx::Error> {
    cycle::record_move(
        db,
        id,
        Move::Open,
        CycleState::Draft,
        CycleState::Open,
        Some(by),
    )
    .await?;
    Ok(())
}

async fn start_matching(db: &Db, id: i64, by: i64, run: bool) -> anyhow::Result<()> {
    cycle::record_move(
        db,
        id,
        Move::StartMatching,
        CycleState::Open,
        CycleState::Matching,
        Some(by),
    )
    .await?;
    if run {
        let cycle = cycle::find(db, id).await?.ok_or(sqlx::Error::RowNotFound)?;
        let topics = profile::list_topics(db).await?;
        matching::run(db, &cycle, &topics, by).await?;
    }
    Ok(())
}

// Matches, publishes the optimal proposal, and answers: most pairs accept, one in twelve
// declines, and the rest of `answered_percent` stays waiting.
async fn run_to_answers(db: &Db, id: i64, by: i64, answered_percent: u64) -> anyhow::Result<()> {
    let mut dice = SplitMix64::new(id as u64);
    start_matching(db, id, by, true).await?;
    cycle::record_move(
        db,
        id,
        Move::Publish,
        CycleState::Matching,
        CycleState::Published,
        Some(by),
    )
    .await?;
    let cycle = cycle::find(db, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    proposals::publish(db, &cycle, Solver::Optimal, BASE_URL).await?;
    let published = proposals::of_cycle(db, id, "published", 10_000, 0).await?;
    for proposal in published {
        if dice.below(100) >= answered_percent {
            continue;
        }
        if dice.below(12) == 0 {
            let reason = "Our schedules do not overlap this year.";
            proposals::answer(db, &proposal, Side::Mentor, false, reason).await?;
            continue;
        }
        proposals::answer(db, &proposal, Side::Mentee, true, "").await?;
        if let Some(fresh) = proposals::find(db, proposal.id).await? {
            proposals::answer(db, &fresh, Side::Mentor, true, "").await?;
        }
    }
    Ok(())
}

// Mentees who applied late, after the proposals went out, open to any modality and time:
// the cycle's waitlist, who find a mentor through self-match.
async fn late_applicants(
    db: &Db,
    people: &Members,
    cycle_id: i64,
    dice: &mut SplitMix64,
) -> Result<(), sqlx::Error> {
    const LATE: usize = 6;
    let applied: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT person_id FROM applications WHERE cycle_id = $1")
            .bind(cycle_id)
            .fetch_all(pool)
            .await
    })?;
    let applied: std::collections::HashSet<i64> = applied.into_iter().map(|(id,)| id).collect();

    // The Texas mentee account is one more of them, choosing a mentor on their own.
    let late: Vec<(i64, ValidApplication)> = people
        .mentees
        .iter()
        .filter(|(id, code)| {
            code.as_deref() == Some("TX")
                && !applied.contains(id)
                && !people.is_account(*id)
                && people.needs.contains_key(id)
        })
        .map(|(id, _)| *id)
        .take(LATE)
        .chain(
            people
                .texas_mentee
                .filter(|id| people.needs.contains_key(id)),
        )
        .map(|id| {
            let application = ValidApplication {
                nearby: false,
                wants_peer: false,
                language: String::new(),
                modality: "either".into(),
                availability: any_time(),
                ..demo_application(&people.needs[&id], dice)
            };
            (id, application)
        })
        .collect();
    applications::save_applications(db, cycle_id, &late).await
}

// A few mentees left without a mentor (declined, late, or with no mentor the engine accepts)
// ask their best suggested mentor themselves: the first request is accepted, the second
// declined (and that mentee asks their next mentor), the others wait for an answer.
async fn self_match_requests(db: &Db, id: i64, still_choosing: Option<i64>) -> anyhow::Result<()> {
    const ASKING: usize = 4;
    const MESSAGE: &str = "Your work on outreach is what I hope to learn. Could we meet monthly?";
    let cycle = cycle::find(db, id).await?.ok_or(sqlx::Error::RowNotFound)?;
    let topics = profile::list_topics(db).await?;
    let mut sent_count = 0;
    for mentee_id in without_mentor(db, id).await? {
        if Some(mentee_id) == still_choosing {
            continue;
        }
        let suggested = self_match::suggestions(db, &cycle, &topics, mentee_id).await?;
        let Some(best) = suggested.first() else {
            continue;
        };
        let sent = self_match::send(
            db,
            &cycle,
            mentee_id,
            best.mentor_id,
            best.score,
            MESSAGE,
            BASE_URL,
        )
        .await?;
        let Ok(request_id) = sent else {
            continue;
        };
        let Some(request) = self_match::find(db, request_id).await? else {
            continue;
        };
        match sent_count {
            0 => {
                self_match::accept(db, &request).await?;
            }
            1 => {
                let reply = "My places this year are promised to my own library's new staff.";
                self_match::decline(db, &request, reply).await?;
                // The declined mentee asks the next mentor, who has not answered yet.
                if let Some(next) = suggested.get(1) {
                    let score = next.score;
                    self_match::send(
                        db,
                        &cycle,
                        mentee_id,
                        next.mentor_id,
                        score,
                        MESSAGE,
                        BASE_URL,
                    )
                    .await?
                    .ok();
                }
            }
            _ => {}
        }
        sent_count += 1;
        if sent_count == ASKING {
            break;
        }
    }
    Ok(())
}

// The Texas mentor account offers to mentor after the proposals went out, open to any
// modality and time: places that self-match can fill.
async fn late_mentor(db: &Db, people: &Members, cycle_id: i64) -> Result<(), sqlx::Error> {
    let Some(id) = people.texas_mentor else {
        return Ok(());
    };
    let Some(topics) = people.offers.get(&id) else {
        return Ok(());
    };
    let offer = ValidOffer {
        capacity: 2,
        modality: "either".into(),
        availability: any_time(),
        affinity: String::new(),
        ..demo_offer(topics, &mut SplitMix64::new(11))
    };
    applications::save_offers(db, cycle_id, &[(id, offer)]).await
}

// The first mentee still without a mentor whom the engine would pair with the Texas mentor
// account asks them, so that the account has a request to answer.
async fn ask_late_mentor(db: &Db, cycle_id: i64, people: &Members) -> anyhow::Result<()> {
    const MESSAGE: &str = "I saw you joined late this year. Could you take one more mentee?";
    let Some(mentor) = people.texas_mentor else {
        return Ok(());
    };
    let cycle = cycle::find(db, cycle_id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let topics = profile::list_topics(db).await?;

    for mentee_id in without_mentor(db, cycle_id).await? {
        if Some(mentee_id) == people.texas_mentee {
            continue;
        }
        let inputs = engine::load(db, &cycle, &topics, Only::Mentee(mentee_id)).await?;
        let offered = inputs
            .offers
            .iter()
            .position(|offer| engine::person_id(offer.person) == mentor);
        let (Some(mentee), Some(offered)) = (inputs.mentee_index(mentee_id), offered) else {
            continue;
        };
        let Ok(explanation) = inputs.explain(mentee, offered) else {
            continue;
        };
        let sent = self_match::send(
            db,
            &cycle,
            mentee_id,
            mentor,
            explanation.score,
            MESSAGE,
            BASE_URL,
        )
        .await?;
        if sent.is_ok() {
            break;
        }
    }
    Ok(())
}

// The mentees who applied to a cycle and have no proposal out or accepted, in order of
// application.
async fn without_mentor(db: &Db, cycle_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.person_id FROM applications a WHERE a.cycle_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM proposals p WHERE p.cycle_id = a.cycle_id \
              AND p.mentee_id = a.person_id AND p.status IN ('published', 'accepted')) \
             ORDER BY a.id",
        )
        .bind(cycle_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

async fn enroll(
    db: &Db,
    people: &Members,
    cycle_id: i64,
    region: Option<&str>,
    mentees: usize,
    mentors: usize,
    dice: &mut SplitMix64,
) -> Result<(), sqlx::Error> {
    let in_place = |list: &[(i64, Option<String>)]| -> Vec<i64> {
        list.iter()
            .filter(|(id, code)| {
                region.is_none_or(|r| code.as_deref() == Some(r)) && !people.is_account(*id)
            })
            .map(|(id, _)| *id)
            .collect()
    };
    let applications: Vec<(i64, ValidApplication)> = in_place(&people.mentees)
        .into_iter()
        .filter(|id| people.needs.contains_key(id))
        .take(mentees)
        .map(|id| (id, demo_application(&people.needs[&id], dice)))
        .collect();
    let taken: std::collections::HashSet<i64> = applications.iter().map(|(id, _)| *id).collect();
    let offers: Vec<(i64, ValidOffer)> = in_place(&people.mentors)
        .into_iter()
        .filter(|id| people.offers.contains_key(id) && !taken.contains(id))
        .take(mentors)
        .map(|id| (id, demo_offer(&people.offers[&id], dice)))
        .collect();
    applications::save_applications(db, cycle_id, &applications).await?;
    applications::save_offers(db, cycle_id, &offers).await
}

// The demo mentee's career timeline: a confirmation thirteen months ago and a change of needs
// seven months ago, so that the six-monthly check-in is due on their home page.
async fn career_timeline(db: &Db, people: &Members) -> Result<(), sqlx::Error> {
    let Some(id) = people.mentee_account else {
        return Ok(());
    };
    let (stage,): (String,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT stage FROM people WHERE id = $1")
            .bind(id)
            .fetch_one(pool)
            .await
    })?;
    let needs: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.code FROM person_topics pt JOIN topics t ON t.id = pt.topic_id \
             WHERE pt.person_id = $1 AND pt.kind = 'need' ORDER BY pt.rank",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    let needs: Vec<String> = needs.into_iter().map(|(code,)| code).collect();
    let earlier = needs.iter().take(1).cloned().collect::<Vec<_>>().join(",");

    let at = |months: u32| {
        now()
            .checked_sub_months(Months::new(months))
            .unwrap_or(now())
    };
    let checks = [(earlier, false, at(13)), (needs.join(","), true, at(7))];
    for (codes, needs_changed, checked_at) in checks {
        crate::execute!(
            db,
            sqlx::query(
                "INSERT INTO career_checks (person_id, stage, needs, stage_changed, \
                 needs_changed, checked_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(&stage)
            .bind(codes)
            .bind(false)
            .bind(needs_changed)
            .bind(checked_at)
        )?;
    }
    Ok(())
}

async fn enroll_fixed(db: &Db, people: &Members, cycle_id: i64) -> Result<(), sqlx::Error> {
    let mut dice = SplitMix64::new(7);
    if let Some(id) = people.mentee_account {
        let needs = people.needs.get(&id).cloned().unwrap_or_default();
        if !needs.is_empty() {
            let application = demo_application(&needs, &mut dice);
            applications::save_applications(db, cycle_id, &[(id, application)]).await?;
        }
    }
    if let Some(id) = people.mentor_account {
        let topics = people.offers.get(&id).cloned().unwrap_or_default();
        if !topics.is_empty() {
            let offer = demo_offer(&topics, &mut dice);
            applications::save_offers(db, cycle_id, &[(id, offer)]).await?;
        }
    }
    Ok(())
}

const GOALS: [&str; 6] = [
    "Grow into my first supervisory role with confidence.",
    "Build a portfolio for tenure and learn how to say no.",
    "Plan a move from a school library to a public library.",
    "Find my footing after five years away from the profession.",
    "Learn to write grants that get funded.",
    "Prepare for retirement and pass on what I know.",
];

// Every slot of the week, for the late mentees and mentor who can meet at any time.
fn any_time() -> String {
    let slots: Vec<&str> = AVAILABILITY.iter().map(|slot| slot.0).collect();
    slots.join(",")
}

fn slots(dice: &mut SplitMix64) -> String {
    let mut chosen: Vec<&str> = AVAILABILITY
        .iter()
        .filter(|_| dice.below(3) == 0)
        .map(|slot| slot.0)
        .collect();
    if chosen.is_empty() {
        chosen.push(AVAILABILITY[3].0);
    }
    chosen.join(",")
}

fn demo_application(needs: &[i64], dice: &mut SplitMix64) -> ValidApplication {
    ValidApplication {
        need_ids: needs.iter().take(5).copied().collect(),
        goals: GOALS[dice.below(GOALS.len() as u64) as usize].to_owned(),
        same_library_type: dice.below(2) == 0,
        nearby: dice.below(4) == 0,
        wants_peer: dice.below(10) == 0,
        avoid_same_institution: dice.below(3) == 0,
        language: if dice.below(10) == 0 {
            "es".into()
        } else {
            String::new()
        },
        modality: ["online", "either", "either", "in_person"][dice.below(4) as usize].into(),
        availability: slots(dice),
        affinity: if dice.below(6) == 0 {
            "first_generation".into()
        } else {
            String::new()
        },
    }
}

fn demo_offer(topics: &[i64], dice: &mut SplitMix64) -> ValidOffer {
    ValidOffer {
        capacity: 1 + dice.below(3) as i64,
        topic_ids: topics.to_vec(),
        stages: "student,early,mid,senior".into(),
        modality: ["online", "either", "either"][dice.below(3) as usize].into(),
        availability: slots(dice),
        affinity: if dice.below(6) == 0 {
            "first_generation".into()
        } else {
            String::new()
        },
    }
}
