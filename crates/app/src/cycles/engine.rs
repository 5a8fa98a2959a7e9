//! The bridge to the matching engine: stored applications and offers become the engine's
//! plain structs, and its results come back as pairs of person ids.
//!
//! The engine compares small integer codes; this module owns the mapping from Carrel's
//! codes (topics, languages, identity groups, regions, institutions) to them, and the
//! conversion of a person's local meeting times to hours of the week in UTC.

use std::collections::HashMap;

use carrel_matching::candidates::{CandidateSearch, Candidates};
use carrel_matching::instance::{Instance, InstanceBuilder, InstanceError};
use carrel_matching::profile::{
    Application, Availability, CodeSet, InstitutionId, LibraryType, Modality, Offer, PersonId,
    Place, Stage as EngineStage, StageSet,
};
use carrel_matching::scoring::{Exclusions, Explanation, Rejection, Scorer};
use chrono::{Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::cycles::applications::{split_codes, AFFINITIES, AVAILABILITY};
use crate::cycles::cycle::Cycle;
use crate::on_db;
use crate::people::profile::{Topic, LANGUAGES};
use crate::people::topics::Stage;
use crate::platform::db::{join_ids, Db};

/// Which applications and offers to load.
#[derive(Clone, Copy, Debug)]
pub enum Only<'a> {
    /// Every one of the cycle.
    All,
    /// Those of these people (ids), for explaining a few pairs.
    People(&'a [i64]),
    /// One mentee's application and every offer, for choosing a mentor by hand.
    Mentee(i64),
}

/// What the engine needs to match one cycle, with the map back to people.
pub struct Inputs {
    /// Applications, in order of submission.
    pub applications: Vec<Application>,
    /// Offers, by mentor id.
    pub offers: Vec<Offer>,
    /// Each application's mentee region id (for counts by region).
    pub mentee_regions: Vec<Option<i64>>,
    /// The cycle's scorer.
    pub scorer: Scorer,
    /// Pairs never to propose: people matched in an earlier cycle.
    pub exclusions: Exclusions,
}

impl Inputs {
    /// The index of a mentee's application.
    pub fn mentee_index(&self, person_id: i64) -> Option<usize> {
        let person = PersonId(person_id as u64);
        self.applications.iter().position(|a| a.person == person)
    }

    /// The index of a mentor's offer.
    pub fn mentor_index(&self, person_id: i64) -> Option<usize> {
        let person = PersonId(person_id as u64);
        self.offers.iter().position(|o| o.person == person)
    }

    /// A pair's score with its reasons, or why it can never be proposed.
    pub fn explain(&self, mentee: usize, mentor: usize) -> Result<Explanation, Rejection> {
        self.scorer.explain(
            &self.applications[mentee],
            &self.offers[mentor],
            &self.exclusions,
        )
    }

    /// Each mentee's best acceptable mentors (the engine's candidate search).
    pub fn candidates(&self) -> Result<Candidates, InstanceError> {
        CandidateSearch::new(&self.scorer)
            .exclusions(&self.exclusions)
            .run(&self.applications, &self.offers)
    }
}

/// A person id as the engine numbers it.
pub fn person(id: i64) -> PersonId {
    PersonId(id as u64)
}

/// An engine person id back as Carrel's.
pub fn person_id(person: PersonId) -> i64 {
    person.0 as i64
}

#[derive(sqlx::FromRow)]
struct ApplicationRow {
    id: i64,
    person_id: i64,
    stage: String,
    library_type: String,
    institution: String,
    region_id: Option<i64>,
    division_id: Option<i64>,
    time_zone: String,
    same_library_type: bool,
    nearby: bool,
    wants_peer: bool,
    avoid_same_institution: bool,
    language: String,
    modality: String,
    availability: String,
    affinity: String,
}

#[derive(sqlx::FromRow)]
struct OfferRow {
    id: i64,
    person_id: i64,
    stage: String,
    library_type: String,
    institution: String,
    region_id: Option<i64>,
    division_id: Option<i64>,
    time_zone: String,
    languages: String,
    capacity: i64,
    stages: String,
    modality: String,
    availability: String,
    affinity: String,
}

/// Loads a cycle's applications and offers as the engine's structs.
pub async fn load(
    db: &Db,
    cycle: &Cycle,
    topics: &[Topic],
    only: Only<'_>,
) -> anyhow::Result<Inputs> {
    let filter = |column: &str| match only {
        Only::All => String::new(),
        Only::People([]) => " AND FALSE".to_owned(),
        Only::People(ids) => format!(" AND {column} IN ({})", join_ids(ids)),
        Only::Mentee(id) if column.starts_with("a.") => format!(" AND {column} = {id}"),
        Only::Mentee(_) => String::new(),
    };
    let topic_codes = TopicCodes::new(topics);
    let mut institutions = Institutions::default();

    let sql = format!(
        "SELECT a.id, a.person_id, p.stage, p.library_type, p.institution, p.region_id, \
         r.division_id, p.time_zone, a.same_library_type, a.nearby, a.wants_peer, \
         a.avoid_same_institution, a.language, a.modality, a.availability, a.affinity \
         FROM applications a JOIN people p ON p.id = a.person_id \
         LEFT JOIN regions r ON r.id = p.region_id \
         WHERE a.cycle_id = $1{} ORDER BY a.submitted_at, a.id",
        filter("a.person_id")
    );
    let rows: Vec<ApplicationRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle.id)
        .fetch_all(pool)
        .await)?;
    let sql = format!(
        "SELECT n.application_id, n.topic_id FROM application_needs n \
         JOIN applications a ON a.id = n.application_id WHERE a.cycle_id = $1{} \
         ORDER BY n.application_id, n.rank",
        filter("a.person_id")
    );
    let needs: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle.id)
        .fetch_all(pool)
        .await)?;
    let needs = group(needs);

    let mut applications = Vec::with_capacity(rows.len());
    let mut mentee_regions = Vec::with_capacity(rows.len());
    for row in rows {
        let mut a = Application::new(person(row.person_id), stage(&row.stage));
        a.library_type = library_type(&row.library_type).filter(|_| row.same_library_type);
        a.institution = institutions.id(&row.institution);
        a.place = place(row.region_id, row.division_id, &row.time_zone);
        a.languages = code_set(LANGUAGES.iter().map(|l| l.0), &row.language);
        a.modality = modality(&row.modality);
        a.needs = needs
            .get(&row.id)
            .map(|ids| ids.iter().filter_map(|id| topic_codes.code(*id)).collect())
            .unwrap_or_default();
        a.availability = availability(&row.availability, &row.time_zone);
        a.affinity = code_set(AFFINITIES.iter().map(|a| a.0), &row.affinity);
        a.wants_peer = row.wants_peer;
        a.avoid_same_institution = row.avoid_same_institution;
        a.wants_nearby = row.nearby;
        applications.push(a);
        mentee_regions.push(row.region_id);
    }

    let sql = format!(
        "SELECT o.id, o.person_id, p.stage, p.library_type, p.institution, p.region_id, \
         r.division_id, p.time_zone, p.languages, o.capacity, o.stages, o.modality, \
         o.availability, o.affinity \
         FROM offers o JOIN people p ON p.id = o.person_id \
         LEFT JOIN regions r ON r.id = p.region_id \
         WHERE o.cycle_id = $1{} ORDER BY o.person_id",
        filter("o.person_id")
    );
    let rows: Vec<OfferRow> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle.id)
        .fetch_all(pool)
        .await)?;
    let sql = format!(
        "SELECT ot.offer_id, ot.topic_id FROM offer_topics ot \
         JOIN offers o ON o.id = ot.offer_id WHERE o.cycle_id = $1{} ORDER BY ot.offer_id",
        filter("o.person_id")
    );
    let offered: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle.id)
        .fetch_all(pool)
        .await)?;
    let offered = group(offered);

    let mut offers = Vec::with_capacity(rows.len());
    for row in rows {
        let mut o = Offer::new(person(row.person_id), stage(&row.stage));
        o.topics = offered
            .get(&row.id)
            .map(|ids| ids.iter().filter_map(|id| topic_codes.code(*id)).collect())
            .unwrap_or_default();
        o.capacity = row.capacity.clamp(0, 5) as u8;
        o.library_type = library_type(&row.library_type);
        o.institution = institutions.id(&row.institution);
        o.place = place(row.region_id, row.division_id, &row.time_zone);
        o.languages = code_set(LANGUAGES.iter().map(|l| l.0), &row.languages);
        o.modality = modality(&row.modality);
        o.availability = availability(&row.availability, &row.time_zone);
        o.affinity = code_set(AFFINITIES.iter().map(|a| a.0), &row.affinity);
        o.mentors_stages = split_codes(&row.stages)
            .iter()
            .map(|code| stage(code))
            .collect::<StageSet>();
        offers.push(o);
    }

    let mut scorer = Scorer::builder().weights(cycle.weights().engine_weights());
    for topic in topics {
        if let Some(code) = topic_codes.code(topic.id) {
            scorer = scorer.topic(code, topic.name.to_lowercase());
        }
    }
    Ok(Inputs {
        applications,
        offers,
        mentee_regions,
        scorer: scorer.build(),
        exclusions: past_pairs(db).await?,
    })
}

async fn past_pairs(db: &Db) -> Result<Exclusions, sqlx::Error> {
    let rows: Vec<(i64, i64)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT mentee_id, mentor_id FROM mentorships")
            .fetch_all(pool)
            .await
    })?;
    let mut exclusions = Exclusions::new();
    for (mentee, mentor) in rows {
        exclusions.add_past(person(mentee), person(mentor));
    }
    Ok(exclusions)
}

fn group(rows: Vec<(i64, i64)>) -> HashMap<i64, Vec<i64>> {
    let mut grouped: HashMap<i64, Vec<i64>> = HashMap::new();
    for (owner, item) in rows {
        grouped.entry(owner).or_default().push(item);
    }
    grouped
}

/// Topic ids as the engine's codes `0..128`, in the taxonomy's order.
struct TopicCodes(HashMap<i64, u8>);

impl TopicCodes {
    fn new(topics: &[Topic]) -> Self {
        let mut ids: Vec<i64> = topics.iter().map(|t| t.id).collect();
        ids.sort_unstable();
        // The engine holds 128 topic codes; a larger taxonomy loses its newest topics.
        TopicCodes(ids.into_iter().take(128).zip(0u8..).collect())
    }

    fn code(&self, topic_id: i64) -> Option<u8> {
        self.0.get(&topic_id).copied()
    }
}

/// Institutions named alike (ignoring case and spaces around) are the same institution.
#[derive(Default)]
struct Institutions(HashMap<String, u64>);

impl Institutions {
    fn id(&mut self, name: &str) -> Option<InstitutionId> {
        let key = name.trim().to_lowercase();
        if key.is_empty() {
            return None;
        }
        let next = self.0.len() as u64;
        Some(InstitutionId(*self.0.entry(key).or_insert(next)))
    }
}

/// Carrel's stage code as the engine's stage; an unknown code reads as early career.
pub fn stage(code: &str) -> EngineStage {
    match Stage::parse(code) {
        Some(Stage::Student) => EngineStage::Student,
        Some(Stage::Mid) => EngineStage::Mid,
        Some(Stage::Senior) => EngineStage::Senior,
        Some(Stage::Late) => EngineStage::Late,
        Some(Stage::Early) | None => EngineStage::Early,
    }
}

fn library_type(code: &str) -> Option<LibraryType> {
    match code {
        "academic" => Some(LibraryType::Academic),
        "public" => Some(LibraryType::Public),
        "school" => Some(LibraryType::School),
        "special" => Some(LibraryType::Special),
        "archives" => Some(LibraryType::Archives),
        _ => None,
    }
}

fn modality(code: &str) -> Modality {
    match code {
        "online" => Modality::Virtual,
        "in_person" => Modality::InPerson,
        _ => Modality::Either,
    }
}

fn code_set<'a>(all: impl Iterator<Item = &'a str>, chosen: &str) -> CodeSet {
    let chosen = split_codes(chosen);
    all.enumerate()
        .filter(|(_, code)| chosen.iter().any(|c| c == code))
        .map(|(index, _)| index as u8)
        .collect()
}

fn utc_offset_minutes(time_zone: &str) -> i32 {
    let zone: Tz = time_zone.parse().unwrap_or(chrono_tz::America::New_York);
    zone.offset_from_utc_datetime(&Utc::now().naive_utc())
        .fix()
        .local_minus_utc()
        / 60
}

fn place(region_id: Option<i64>, division_id: Option<i64>, time_zone: &str) -> Place {
    Place {
        region: region_id.map_or(0, |id| id.clamp(0, i64::from(u16::MAX)) as u16),
        division: division_id.map_or(0, |id| id.clamp(0, i64::from(u8::MAX)) as u8),
        utc_offset_minutes: utc_offset_minutes(time_zone) as i16,
    }
}

/// Local meeting times as hours of the week in UTC (hour 0 is Monday 00:00 UTC).
pub fn availability(codes: &str, time_zone: &str) -> Availability {
    let offset_hours = utc_offset_minutes(time_zone).div_euclid(60);
    let chosen = split_codes(codes);
    let mut hours = Vec::new();
    for (code, _, weekdays, start, end) in AVAILABILITY {
        if !chosen.iter().any(|c| c == code) {
            continue;
        }
        let days = if weekdays { 0..5 } else { 5..7 };
        for day in days {
            for hour in start..end {
                let local = (day * 24 + hour) as i32;
                hours.push((local - offset_hours).rem_euclid(168) as u16);
            }
        }
    }
    hours.into_iter().collect()
}

/// The instance with extra listed pairs added (pins the candidate search did not keep).
pub fn with_extra_pairs(
    instance: &Instance,
    extra: &[(u32, u32, u16)],
) -> Result<Instance, InstanceError> {
    let mut builder = InstanceBuilder::with_capacity(
        instance.mentee_count(),
        instance.mentor_count(),
        instance.candidate_count() + extra.len(),
    )?;
    for &capacity in instance.capacities() {
        builder.add_mentor(capacity)?;
    }
    for mentee in 0..instance.mentee_count() as u32 {
        let mut list: Vec<(u32, u16)> = instance
            .candidates(mentee)
            .map(|c| (c.mentor, c.score))
            .collect();
        for &(m, mentor, score) in extra {
            if m == mentee && !list.iter().any(|(j, _)| *j == mentor) {
                list.push((mentor, score));
            }
        }
        builder.add_candidates(mentee, &list)?;
    }
    Ok(builder.build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekday_evenings_in_new_york_are_late_evening_hours_in_utc() {
        let hours = availability("weekday_evening", "America/New_York");
        let same = availability("weekday_evening", "America/New_York");
        let tokyo = availability("weekday_evening", "Asia/Tokyo");
        assert_eq!(hours.overlap_hours(&same), 20);
        assert!(hours.overlap_hours(&tokyo) < 20);
        assert!(availability("", "America/New_York").is_empty());
    }

    #[test]
    fn codes_become_engine_sets_by_their_position_in_the_list() {
        let set = code_set(["en", "es", "fr"].into_iter(), "fr,en,xx");
        assert!(set.contains(0));
        assert!(set.contains(2));
        assert!(!set.contains(1));
    }

    #[test]
    fn institutions_named_alike_are_one() {
        let mut institutions = Institutions::default();
        let a = institutions.id("Maple Falls Library");
        assert_eq!(a, institutions.id("  maple falls library "));
        assert_ne!(a, institutions.id("Oak Hill Library"));
        assert_eq!(institutions.id(" "), None);
    }
}
