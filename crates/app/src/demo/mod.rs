//! The demo network: a deterministic, believable set of people across every region.
//!
//! The same seed always builds the same network. Every region gets a lead coordinator and a
//! backup; members spread over regions in proportion to the profession's size there, over
//! every career stage, library type and topic. A handful of fixed accounts, one per role,
//! let a visitor sign in and look around.

pub mod names;

use crate::network::{self, Region};
use crate::people::profile::{self, Topic};
use crate::people::topics::{Stage, TOPICS};
use crate::platform::auth::password;
use crate::platform::db::{now, numbered_rows, Db, Engine};
use crate::{execute, on_db};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "reading-room-2026";

/// The sign-in of one demo account per role.
pub const DEMO_SIGN_INS: [(&str, &str); 8] = [
    ("admin", "admin@demo.carrel.example"),
    ("coordinator (New York)", "coordinator@demo.carrel.example"),
    (
        "coordinator (California)",
        "coordinator.ca@demo.carrel.example",
    ),
    ("guide", "guide@demo.carrel.example"),
    ("mentor", "mentor@demo.carrel.example"),
    ("mentee", "mentee@demo.carrel.example"),
    (
        "mentee choosing a mentor (Texas)",
        "mentee.tx@demo.carrel.example",
    ),
    (
        "mentor asked by a mentee (Texas)",
        "mentor.tx@demo.carrel.example",
    ),
];

/// How large a network to build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// About 3,000 members: quick to build, enough to explore.
    Default,
    /// About 150,000 members, the size of the profession, for load and speed work.
    National,
}

impl Scale {
    /// Members to generate, besides the fixed accounts and coordinators.
    pub fn members(self) -> usize {
        match self {
            Scale::Default => 3_000,
            Scale::National => 150_000,
        }
    }
}

/// A small deterministic generator (SplitMix64): the demo needs repeatable variety, not
/// cryptographic quality.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Role codes with their region, where the role has one.
type Roles = Vec<(&'static str, Option<i64>)>;

/// Whether a generated member suits a fixed account.
type Fits = fn(&Member) -> bool;

/// One generated person, before insertion.
struct Member {
    id: i64,
    email: String,
    name: String,
    status: &'static str,
    requested_role: &'static str,
    pronouns: &'static str,
    region_id: i64,
    time_zone: String,
    library_type: &'static str,
    institution: String,
    position: &'static str,
    stage: Stage,
    years: i64,
    languages: String,
    modality: &'static str,
    hours: i64,
    bio: String,
    visibility: &'static str,
    roles: Roles,
    needs: Vec<i64>,
    offers: Vec<i64>,
}

/// Whether the demo network is already in this database.
pub async fn exists(db: &Db) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM people WHERE email = $1")
            .bind(DEMO_SIGN_INS[0].1)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.is_some())
}

/// Builds the demo network into an empty, migrated database; returns how many people it made.
pub async fn build(db: &Db, scale: Scale, seed: u64) -> anyhow::Result<usize> {
    let regions = network::list_regions(db).await?;
    let topics = profile::list_topics(db).await?;
    let hash = password::hash_blocking(DEMO_PASSWORD.to_owned()).await?;
    let first_id = next_person_id(db).await?;

    let members = generate(&regions, &topics, scale, seed, first_id);
    insert(db, &members, &hash).await?;
    let convenings = crate::convenings::demo::build(db, seed).await?;
    crate::network::demo::build(db, seed).await?;
    crate::cohorts::demo::build(db, seed).await?;
    crate::resources::demo::build(db, crate::resources::demo::DEMO_RESOURCES, seed, 365).await?;
    crate::cycles::demo::build(db, scale, seed).await?;
    crate::mentorships::demo::build(db, scale, seed).await?;
    crate::surveys::demo::build(db, seed).await?;
    crate::people::words::index_missing(db).await?;
    tracing::info!(people = members.len(), convenings, "demo network built");
    Ok(members.len())
}

async fn next_person_id(db: &Db) -> Result<i64, sqlx::Error> {
    let (max,): (Option<i64>,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT MAX(id) FROM people")
            .fetch_one(pool)
            .await
    })?;
    Ok(max.unwrap_or(0) + 1)
}

fn generate(
    regions: &[Region],
    topics: &[Topic],
    scale: Scale,
    seed: u64,
    first_id: i64,
) -> Vec<Member> {
    let mut dice = Dice(seed);
    let mut members = Vec::with_capacity(scale.members() + 200);
    let mut next_id = first_id;
    let mut new_member = |dice: &mut Dice, region: &Region| {
        let member = random_member(dice, next_id, region, topics);
        next_id += 1;
        member
    };

    let region = |code: &str| {
        regions
            .iter()
            .find(|r| r.code == code)
            .unwrap_or(&regions[0])
    };
    let fixed: [(&str, &str, Roles); 6] = [
        (DEMO_SIGN_INS[0].1, "NY", vec![("admin", None)]),
        (
            DEMO_SIGN_INS[1].1,
            "NY",
            vec![("coordinator", Some(region("NY").id))],
        ),
        (
            DEMO_SIGN_INS[2].1,
            "CA",
            vec![("coordinator", Some(region("CA").id))],
        ),
        (
            DEMO_SIGN_INS[3].1,
            "OH",
            vec![("guide", None), ("mentor", None)],
        ),
        (DEMO_SIGN_INS[4].1, "NY", vec![("mentor", None)]),
        (DEMO_SIGN_INS[5].1, "NY", vec![("mentee", None)]),
    ];
    for (email, code, roles) in fixed {
        let mut member = new_member(&mut dice, region(code));
        member.email = email.to_owned();
        member.roles = roles;
        member.visibility = "members";
        members.push(member);
    }

    for region in regions {
        for role in ["lead", "backup"] {
            let mut member = new_member(&mut dice, region);
            member.stage = if role == "lead" {
                Stage::Senior
            } else {
                Stage::Mid
            };
            member.roles = vec![("coordinator", Some(region.id)), ("mentor", None)];
            if role == "lead" && dice.chance(20) {
                member.roles.push(("guide", None));
            }
            members.push(member);
        }
    }

    let weights: Vec<u64> = regions.iter().map(|r| region_weight(&r.code)).collect();
    let total: u64 = weights.iter().sum();
    for _ in 0..scale.members() {
        let mut ticket = dice.next() % total.max(1);
        let index = weights.iter().position(|w| {
            let hit = ticket < *w;
            ticket = ticket.saturating_sub(*w);
            hit
        });
        let region = &regions[index.unwrap_or(0)];
        let mut member = new_member(&mut dice, region);
        if dice.chance(1) {
            member.status = "pending_approval";
            member.requested_role = if dice.chance(50) { "mentor" } else { "mentee" };
            member.roles.clear();
        }
        members.push(member);
    }

    // Texas's self-match accounts come last, so that every member above stays the same: an
    // early-career mentee with needs, and a senior mentor with topics to offer.
    let texas = region("TX");
    let accounts: [(&str, Fits, Roles); 2] = [
        (
            DEMO_SIGN_INS[6].1,
            |m| m.stage == Stage::Early && !m.needs.is_empty(),
            vec![("mentee", None)],
        ),
        (
            DEMO_SIGN_INS[7].1,
            |m| m.stage == Stage::Senior && !m.offers.is_empty() && m.needs.is_empty(),
            vec![("mentor", None)],
        ),
    ];
    for (email, fits, roles) in accounts {
        let mut member = new_member(&mut dice, texas);
        while !fits(&member) {
            member = new_member(&mut dice, texas);
        }
        member.email = email.to_owned();
        member.roles = roles;
        member.visibility = "members";
        members.push(member);
    }
    members
}

fn region_weight(code: &str) -> u64 {
    network::catalog::region(code).map_or(1, |r| u64::from(r.librarians.max(1)))
}

fn random_member(dice: &mut Dice, id: i64, region: &Region, topics: &[Topic]) -> Member {
    let given = dice.pick(names::GIVEN_NAMES);
    let family = dice.pick(names::FAMILY_NAMES);
    let stage = dice.pick(&[
        Stage::Student,
        Stage::Early,
        Stage::Early,
        Stage::Mid,
        Stage::Mid,
        Stage::Mid,
        Stage::Senior,
        Stage::Senior,
        Stage::Late,
    ]);
    let years = match stage {
        Stage::Student => 0,
        Stage::Early => 1 + dice.below(5) as i64,
        Stage::Mid => 6 + dice.below(10) as i64,
        Stage::Senior => 14 + dice.below(14) as i64,
        Stage::Late => 25 + dice.below(15) as i64,
    };
    let type_index = dice.below(names::LIBRARY_TYPES.len());
    let library_type = names::LIBRARY_TYPES[type_index];
    let pattern = dice.pick(names::PATTERNS_BY_TYPE[type_index].1);
    let institution = pattern
        .replace("{city}", dice.pick(names::CITIES))
        .replace("{county}", dice.pick(names::COUNTIES))
        .replace("{region}", &region.name);
    let position = if stage == Stage::Student {
        "Graduate Student in Library Science"
    } else {
        dice.pick(names::POSITIONS_BY_TYPE[type_index].1)
    };

    let stage_topics: Vec<&Topic> = topics
        .iter()
        .filter(|t| {
            TOPICS
                .iter()
                .any(|seed| seed.code == t.code && seed.stages.contains(&stage))
        })
        .collect();
    let mentors = stage >= Stage::Mid && dice.chance(60);
    let mentee = !mentors || dice.chance(20);
    let need_count = if mentee { 1 + dice.below(5) } else { 0 };
    let offer_count = if mentors { 2 + dice.below(5) } else { 0 };
    let all_topics: Vec<&Topic> = topics.iter().collect();
    let needs = distinct_topics(dice, &stage_topics, need_count);
    let offers = distinct_topics(dice, &all_topics, offer_count);
    let mut roles = Vec::new();
    if mentors {
        roles.push(("mentor", None));
    }
    if mentee {
        roles.push(("mentee", None));
    }

    let topic_name = offers
        .first()
        .or(needs.first())
        .and_then(|id| topics.iter().find(|t| t.id == *id));
    let bio = dice
        .pick(names::BIO_TEMPLATES)
        .replace("{position}", position)
        .replace("{institution}", &institution)
        .replace(
            "{topic}",
            &topic_name.map_or("librarianship".to_owned(), |t| t.name.to_lowercase()),
        );
    let mut languages = vec!["en"];
    if dice.chance(18) {
        languages.push(dice.pick(&names::LANGUAGES[1..]).0);
    }
    let zones = region.zones();

    Member {
        id,
        email: format!(
            "{}.{}.{id}@demo.carrel.example",
            ascii_lower(given),
            ascii_lower(family)
        ),
        name: format!("{given} {family}"),
        status: "active",
        requested_role: "",
        pronouns: if dice.chance(60) {
            dice.pick(names::PRONOUNS)
        } else {
            ""
        },
        region_id: region.id,
        time_zone: (*zones.first().unwrap_or(&"America/New_York")).to_owned(),
        library_type,
        institution,
        position,
        stage,
        years,
        languages: languages.join(","),
        modality: dice.pick(&["online", "online", "either", "either", "in_person"]),
        hours: 1 + dice.below(8) as i64,
        bio,
        visibility: dice.pick(&["members", "members", "members", "region", "coordinators"]),
        roles,
        needs,
        offers,
    }
}

fn distinct_topics(dice: &mut Dice, pool: &[&Topic], count: usize) -> Vec<i64> {
    let mut chosen = Vec::new();
    for _ in 0..count * 3 {
        if chosen.len() == count || pool.is_empty() {
            break;
        }
        let id = dice.pick(pool).id;
        if !chosen.contains(&id) {
            chosen.push(id);
        }
    }
    chosen
}

fn ascii_lower(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Rows per INSERT: well under SQLite's limit on bound values, and few round trips.
const BATCH: usize = 400;

async fn insert(db: &Db, members: &[Member], hash: &str) -> Result<(), sqlx::Error> {
    let at = now();
    let people_sql = |rows| {
        format!(
            "INSERT INTO people (id, email, password_hash, status, name, pronouns, region_id, \
             time_zone, library_type, institution, position, stage, years_in_profession, \
             languages, modality, hours_per_month, bio, visibility, requested_role, \
             email_confirmed_at, created_at, updated_at) VALUES {}",
            numbered_rows(rows, 22)
        )
    };
    let grants: Vec<(i64, &str, Option<i64>)> = members
        .iter()
        .flat_map(|m| {
            m.roles
                .iter()
                .map(move |(role, region)| (m.id, *role, *region))
        })
        .collect();
    let grants_sql = |rows| {
        let values = numbered_rows(rows, 4);
        format!("INSERT INTO grants (person_id, role, region_id, created_at) VALUES {values}")
    };
    let topics: Vec<(i64, i64, &str, i64)> = members
        .iter()
        .flat_map(|m| {
            let needs = m.needs.iter().enumerate();
            let needs = needs.map(move |(rank, topic)| (m.id, *topic, "need", rank as i64 + 1));
            let offers = m.offers.iter().map(move |topic| (m.id, *topic, "offer", 1));
            needs.chain(offers)
        })
        .collect();
    let topics_sql = |rows| {
        let values = numbered_rows(rows, 4);
        format!("INSERT INTO person_topics (person_id, topic_id, kind, rank) VALUES {values}")
    };

    // One transaction: one sync to disk instead of one per batch, and no half-built demo.
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for chunk in members.chunks(BATCH) {
            let sql = people_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for m in chunk {
                query = query
                    .bind(m.id)
                    .bind(&m.email)
                    .bind(hash)
                    .bind(m.status)
                    .bind(&m.name)
                    .bind(m.pronouns)
                    .bind(m.region_id)
                    .bind(&m.time_zone)
                    .bind(m.library_type)
                    .bind(&m.institution)
                    .bind(m.position)
                    .bind(m.stage.code())
                    .bind(m.years)
                    .bind(&m.languages)
                    .bind(m.modality)
                    .bind(m.hours)
                    .bind(&m.bio)
                    .bind(m.visibility)
                    .bind(m.requested_role)
                    .bind(at)
                    .bind(at)
                    .bind(at);
            }
            query.execute(&mut *tx).await?;
        }
        for chunk in grants.chunks(BATCH) {
            let sql = grants_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for (person, role, region) in chunk {
                query = query.bind(person).bind(*role).bind(region).bind(at);
            }
            query.execute(&mut *tx).await?;
        }
        for chunk in topics.chunks(BATCH) {
            let sql = topics_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for (person, topic, kind, rank) in chunk {
                query = query.bind(person).bind(topic).bind(*kind).bind(rank);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await
    })?;

    // Ids were given explicitly; PostgreSQL's identity sequence must learn where they end.
    if db.engine() == Engine::Postgres {
        execute!(
            db,
            sqlx::query(
                "SELECT setval(pg_get_serial_sequence('people', 'id'), \
                 (SELECT MAX(id) FROM people))"
            )
        )?;
    }
    Ok(())
}
