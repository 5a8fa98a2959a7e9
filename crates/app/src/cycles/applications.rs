//! Mentees' applications and mentors' offers: their forms, their rules and their queries.
//!
//! An application ranks needs from the topic taxonomy, says what the mentee hopes for in
//! their own words, and states preferences. An offer gives a capacity, topics, the stages a
//! mentor wants to mentor and when they can meet. Both can be changed until the window
//! closes; each person has at most one of each per cycle.

use chrono::{DateTime, Utc};

use crate::people::profile::{Topic, LANGUAGES, MODALITIES};
use crate::people::topics::Stage;
use crate::platform::db::{now, Db};
use crate::platform::web::forms::{self, FieldErrors};
use crate::{execute, on_db};

/// How many needs an application ranks at most.
pub const MAX_NEEDS: usize = 5;

/// The most mentees a mentor can take in one cycle.
pub const MAX_CAPACITY: i64 = 5;

/// Times of the week a person can meet, in their own time zone: code, words, and the local
/// hours `[start, end)` on weekdays (`true`) or weekends.
pub const AVAILABILITY: [(&str, &str, bool, u32, u32); 6] = [
    ("weekday_morning", "Weekday mornings (8 to 11)", true, 8, 11),
    (
        "weekday_midday",
        "Weekday lunchtimes (11 to 14)",
        true,
        11,
        14,
    ),
    (
        "weekday_afternoon",
        "Weekday afternoons (14 to 17)",
        true,
        14,
        17,
    ),
    (
        "weekday_evening",
        "Weekday evenings (17 to 21)",
        true,
        17,
        21,
    ),
    ("weekend_daytime", "Weekend daytime (9 to 17)", false, 9, 17),
    (
        "weekend_evening",
        "Weekend evenings (17 to 21)",
        false,
        17,
        21,
    ),
];

/// Identity groups a person may choose to share for affinity matching. Only the matching
/// and coordinators see the choice; mentors never do.
pub const AFFINITIES: [(&str, &str); 7] = [
    ("bipoc", "Black, Indigenous or a person of color"),
    ("lgbtq", "LGBTQ+"),
    ("disability", "Disabled or living with a chronic illness"),
    (
        "first_generation",
        "First in my family in a professional career",
    ),
    ("caregiver", "Parent or caregiver"),
    ("rural", "Working in a rural or small library"),
    ("veteran", "Veteran"),
];

/// The application form, as typed.
#[derive(Clone, Debug, Default)]
pub struct ApplicationForm {
    /// Ranked needs, topic codes, first is most important.
    pub needs: [String; MAX_NEEDS],
    /// Goals in the mentee's own words.
    pub goals: String,
    /// Prefers a mentor in the same library type (`yes` when checked).
    pub same_library_type: bool,
    /// Prefers someone nearby.
    pub nearby: bool,
    /// Would welcome a peer at the same stage.
    pub wants_peer: bool,
    /// Not within their own institution.
    pub avoid_same_institution: bool,
    /// Preferred language code, empty for none.
    pub language: String,
    /// Modality code.
    pub modality: String,
    /// Availability codes.
    pub availability: Vec<String>,
    /// Identity group codes shared for affinity.
    pub affinity: Vec<String>,
}

impl ApplicationForm {
    /// An empty form that meets either way.
    pub fn blank() -> Self {
        ApplicationForm {
            modality: "either".into(),
            ..ApplicationForm::default()
        }
    }

    /// Reads the submitted pairs; checkbox groups repeat their names.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = ApplicationForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "goals" => form.goals = value,
                "language" => form.language = value,
                "modality" => form.modality = value,
                "same_library_type" => form.same_library_type = true,
                "nearby" => form.nearby = true,
                "wants_peer" => form.wants_peer = true,
                "avoid_same_institution" => form.avoid_same_institution = true,
                "availability" => form.availability.push(value),
                "affinity" => form.affinity.push(value),
                other => {
                    let rank = other
                        .strip_prefix("need_")
                        .and_then(|n| n.parse::<usize>().ok());
                    if let Some(slot) = rank.and_then(|r| form.needs.get_mut(r.wrapping_sub(1))) {
                        *slot = value;
                    }
                }
            }
        }
        form
    }

    /// The ranked needs with their rank, for the template.
    pub fn ranks(&self) -> Vec<(usize, &str)> {
        self.needs
            .iter()
            .enumerate()
            .map(|(i, code)| (i + 1, code.as_str()))
            .collect()
    }
}

/// A checked application, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidApplication {
    /// Topic ids, most important first.
    pub need_ids: Vec<i64>,
    /// Goals.
    pub goals: String,
    /// Same library type wanted.
    pub same_library_type: bool,
    /// Nearby wanted.
    pub nearby: bool,
    /// A peer is welcome.
    pub wants_peer: bool,
    /// Not the same institution.
    pub avoid_same_institution: bool,
    /// Language code or empty.
    pub language: String,
    /// Modality code.
    pub modality: String,
    /// Availability codes, comma-separated.
    pub availability: String,
    /// Affinity codes, comma-separated.
    pub affinity: String,
}

/// Checks an application form and collects each problem beside its field.
pub fn validate_application(
    form: &ApplicationForm,
    topics: &[Topic],
) -> Result<ValidApplication, FieldErrors> {
    let mut errors = FieldErrors::new();
    let need_ids = ranked_needs(&mut errors, &form.needs, topics);
    let goals = forms::text(&mut errors, "goals", &form.goals, true, 2000);
    if !form.language.is_empty() && !LANGUAGES.iter().any(|(c, _)| *c == form.language) {
        errors.add("language", "Choose a language from the list.");
    }
    check_modality(&mut errors, &form.modality);
    let availability = codes(&mut errors, "availability", &form.availability, &slots());
    let affinity = codes(&mut errors, "affinity", &form.affinity, &affinity_codes());

    errors.into_result()?;
    Ok(ValidApplication {
        need_ids,
        goals,
        same_library_type: form.same_library_type,
        nearby: form.nearby,
        wants_peer: form.wants_peer,
        avoid_same_institution: form.avoid_same_institution,
        language: form.language.clone(),
        modality: form.modality.clone(),
        availability,
        affinity,
    })
}

fn ranked_needs(errors: &mut FieldErrors, needs: &[String], topics: &[Topic]) -> Vec<i64> {
    let mut ids = Vec::new();
    for code in needs.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match topics.iter().find(|t| t.code == code) {
            Some(topic) if ids.contains(&topic.id) => {
                errors.add("need_1", "Each need can appear once; remove the repeat.");
            }
            Some(topic) => ids.push(topic.id),
            None => errors.add(
                "need_1",
                format!("“{code}” is not a topic; choose from the list."),
            ),
        }
    }
    if ids.is_empty() {
        errors.add("need_1", "Choose at least your first need.");
    }
    ids
}

fn check_modality(errors: &mut FieldErrors, modality: &str) {
    if !MODALITIES.iter().any(|(c, _)| *c == modality) {
        errors.add("modality", "Choose how you can meet.");
    }
}

fn slots() -> Vec<&'static str> {
    AVAILABILITY.iter().map(|slot| slot.0).collect()
}

fn affinity_codes() -> Vec<&'static str> {
    AFFINITIES.iter().map(|(code, _)| *code).collect()
}

fn codes(
    errors: &mut FieldErrors,
    field: &'static str,
    chosen: &[String],
    allowed: &[&str],
) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for code in chosen.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match allowed.iter().find(|a| **a == code) {
            Some(a) if !kept.contains(a) => kept.push(a),
            Some(_) => {}
            None => errors.add(field, format!("“{code}” is not one of the choices.")),
        }
    }
    kept.join(",")
}

/// The offer form, as typed.
#[derive(Clone, Debug, Default)]
pub struct OfferForm {
    /// Capacity, as typed.
    pub capacity: String,
    /// Offered topic codes.
    pub topics: Vec<String>,
    /// Stage codes the mentor wants to mentor.
    pub stages: Vec<String>,
    /// Modality code.
    pub modality: String,
    /// Availability codes.
    pub availability: Vec<String>,
    /// Affinity codes.
    pub affinity: Vec<String>,
}

impl OfferForm {
    /// An empty form: one mentee, every stage, either way.
    pub fn blank() -> Self {
        OfferForm {
            capacity: "1".into(),
            stages: Stage::ALL.iter().map(|s| s.code().to_owned()).collect(),
            modality: "either".into(),
            ..OfferForm::default()
        }
    }

    /// Reads the submitted pairs.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = OfferForm::default();
        for (key, value) in pairs {
            match key.as_str() {
                "capacity" => form.capacity = value,
                "modality" => form.modality = value,
                "topic" => form.topics.push(value),
                "stage" => form.stages.push(value),
                "availability" => form.availability.push(value),
                "affinity" => form.affinity.push(value),
                _ => {}
            }
        }
        form
    }
}

/// A checked offer, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidOffer {
    /// Capacity, 1 to 5.
    pub capacity: i64,
    /// Offered topic ids.
    pub topic_ids: Vec<i64>,
    /// Stage codes, comma-separated.
    pub stages: String,
    /// Modality code.
    pub modality: String,
    /// Availability codes, comma-separated.
    pub availability: String,
    /// Affinity codes, comma-separated.
    pub affinity: String,
}

/// Checks an offer form and collects each problem beside its field.
pub fn validate_offer(form: &OfferForm, topics: &[Topic]) -> Result<ValidOffer, FieldErrors> {
    let mut errors = FieldErrors::new();
    let capacity = match form.capacity.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_CAPACITY).contains(&n) => n,
        _ => {
            errors.add("capacity", "Take from 1 to 5 mentees.");
            1
        }
    };
    let mut topic_ids = Vec::new();
    for code in form
        .topics
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    {
        match topics.iter().find(|t| t.code == code) {
            Some(topic) if !topic_ids.contains(&topic.id) => topic_ids.push(topic.id),
            Some(_) => {}
            None => errors.add(
                "topics",
                format!("“{code}” is not a topic; choose from the list."),
            ),
        }
    }
    if topic_ids.is_empty() && errors.get("topics").is_none() {
        errors.add("topics", "Choose at least one topic you can mentor in.");
    }
    let stage_codes: Vec<&str> = Stage::ALL.iter().map(|s| s.code()).collect();
    let stages = codes(&mut errors, "stages", &form.stages, &stage_codes);
    if stages.is_empty() && errors.get("stages").is_none() {
        errors.add(
            "stages",
            "Choose at least one career stage you want to mentor.",
        );
    }
    check_modality(&mut errors, &form.modality);
    let availability = codes(&mut errors, "availability", &form.availability, &slots());
    let affinity = codes(&mut errors, "affinity", &form.affinity, &affinity_codes());

    errors.into_result()?;
    Ok(ValidOffer {
        capacity,
        topic_ids,
        stages,
        modality: form.modality.clone(),
        availability,
        affinity,
    })
}

/// An application as stored, with its ranked need codes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredApplication {
    /// Its id.
    pub id: i64,
    /// The mentee.
    pub person_id: i64,
    /// Goals.
    pub goals: String,
    /// Same library type wanted.
    pub same_library_type: bool,
    /// Nearby wanted.
    pub nearby: bool,
    /// Peer welcome.
    pub wants_peer: bool,
    /// Not the same institution.
    pub avoid_same_institution: bool,
    /// Language code or empty.
    pub language: String,
    /// Modality code.
    pub modality: String,
    /// Availability codes.
    pub availability: String,
    /// Affinity codes.
    pub affinity: String,
    /// When first submitted: the waitlist's order.
    pub submitted_at: DateTime<Utc>,
}

impl StoredApplication {
    /// The form filled from what is stored.
    pub fn to_form(&self, need_codes: &[String]) -> ApplicationForm {
        let mut needs: [String; MAX_NEEDS] = Default::default();
        for (slot, code) in needs.iter_mut().zip(need_codes) {
            slot.clone_from(code);
        }
        ApplicationForm {
            needs,
            goals: self.goals.clone(),
            same_library_type: self.same_library_type,
            nearby: self.nearby,
            wants_peer: self.wants_peer,
            avoid_same_institution: self.avoid_same_institution,
            language: self.language.clone(),
            modality: self.modality.clone(),
            availability: split_codes(&self.availability),
            affinity: split_codes(&self.affinity),
        }
    }
}

/// An offer as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StoredOffer {
    /// Its id.
    pub id: i64,
    /// The mentor.
    pub person_id: i64,
    /// Capacity.
    pub capacity: i64,
    /// Stage codes.
    pub stages: String,
    /// Modality code.
    pub modality: String,
    /// Availability codes.
    pub availability: String,
    /// Affinity codes.
    pub affinity: String,
    /// When first submitted.
    pub submitted_at: DateTime<Utc>,
}

impl StoredOffer {
    /// The form filled from what is stored.
    pub fn to_form(&self, topic_codes: &[String]) -> OfferForm {
        OfferForm {
            capacity: self.capacity.to_string(),
            topics: topic_codes.to_vec(),
            stages: split_codes(&self.stages),
            modality: self.modality.clone(),
            availability: split_codes(&self.availability),
            affinity: split_codes(&self.affinity),
        }
    }
}

/// Comma-separated codes as a list, without empty entries.
pub fn split_codes(codes: &str) -> Vec<String> {
    codes
        .split(',')
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

const APPLICATION_COLUMNS: &str = "id, person_id, goals, same_library_type, nearby, wants_peer, \
     avoid_same_institution, language, modality, availability, affinity, submitted_at";

/// A person's application to a cycle, if any.
pub async fn find_application(
    db: &Db,
    cycle_id: i64,
    person_id: i64,
) -> Result<Option<StoredApplication>, sqlx::Error> {
    let sql = format!(
        "SELECT {APPLICATION_COLUMNS} FROM applications WHERE cycle_id = $1 AND person_id = $2"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .bind(person_id)
        .fetch_optional(pool)
        .await)
}

/// The ranked need codes of an application.
pub async fn need_codes(db: &Db, application_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.code FROM application_needs n JOIN topics t ON t.id = n.topic_id \
             WHERE n.application_id = $1 ORDER BY n.rank",
        )
        .bind(application_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Saves applications (new or changed) in one transaction; each person keeps the time of
/// their first submission, which orders the waitlist.
pub async fn save_applications(
    db: &Db,
    cycle_id: i64,
    applications: &[(i64, ValidApplication)],
) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for (person_id, a) in applications {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO applications (cycle_id, person_id, goals, same_library_type, \
                 nearby, wants_peer, avoid_same_institution, language, modality, availability, \
                 affinity, submitted_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
                 ON CONFLICT (cycle_id, person_id) DO UPDATE SET goals = excluded.goals, \
                 same_library_type = excluded.same_library_type, nearby = excluded.nearby, \
                 wants_peer = excluded.wants_peer, \
                 avoid_same_institution = excluded.avoid_same_institution, \
                 language = excluded.language, modality = excluded.modality, \
                 availability = excluded.availability, affinity = excluded.affinity, \
                 updated_at = excluded.updated_at RETURNING id",
            )
            .bind(cycle_id)
            .bind(person_id)
            .bind(&a.goals)
            .bind(a.same_library_type)
            .bind(a.nearby)
            .bind(a.wants_peer)
            .bind(a.avoid_same_institution)
            .bind(&a.language)
            .bind(&a.modality)
            .bind(&a.availability)
            .bind(&a.affinity)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM application_needs WHERE application_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for (rank, topic_id) in a.need_ids.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO application_needs (application_id, rank, topic_id) \
                     VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(rank as i64 + 1)
                .bind(topic_id)
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await
    })?;
    tracing::info!(
        cycle.id = cycle_id,
        count = applications.len(),
        "applications saved"
    );
    Ok(())
}

const OFFER_COLUMNS: &str =
    "id, person_id, capacity, stages, modality, availability, affinity, submitted_at";

/// A person's offer to a cycle, if any.
pub async fn find_offer(
    db: &Db,
    cycle_id: i64,
    person_id: i64,
) -> Result<Option<StoredOffer>, sqlx::Error> {
    let sql = format!("SELECT {OFFER_COLUMNS} FROM offers WHERE cycle_id = $1 AND person_id = $2");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .bind(person_id)
        .fetch_optional(pool)
        .await)
}

/// The topic codes of an offer.
pub async fn offer_topic_codes(db: &Db, offer_id: i64) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.code FROM offer_topics o JOIN topics t ON t.id = o.topic_id \
             WHERE o.offer_id = $1 ORDER BY t.name",
        )
        .bind(offer_id)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Saves offers (new or changed) in one transaction.
pub async fn save_offers(
    db: &Db,
    cycle_id: i64,
    offers: &[(i64, ValidOffer)],
) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for (person_id, o) in offers {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO offers (cycle_id, person_id, capacity, stages, modality, \
                 availability, affinity, submitted_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
                 ON CONFLICT (cycle_id, person_id) DO UPDATE SET capacity = excluded.capacity, \
                 stages = excluded.stages, modality = excluded.modality, \
                 availability = excluded.availability, affinity = excluded.affinity, \
                 updated_at = excluded.updated_at RETURNING id",
            )
            .bind(cycle_id)
            .bind(person_id)
            .bind(o.capacity)
            .bind(&o.stages)
            .bind(&o.modality)
            .bind(&o.availability)
            .bind(&o.affinity)
            .bind(at)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM offer_topics WHERE offer_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            for topic_id in &o.topic_ids {
                sqlx::query("INSERT INTO offer_topics (offer_id, topic_id) VALUES ($1, $2)")
                    .bind(id)
                    .bind(topic_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tx.commit().await
    })?;
    tracing::info!(cycle.id = cycle_id, count = offers.len(), "offers saved");
    Ok(())
}

/// Withdraws a person's application from a cycle.
pub async fn withdraw_application(
    db: &Db,
    cycle_id: i64,
    person_id: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("DELETE FROM applications WHERE cycle_id = $1 AND person_id = $2")
            .bind(cycle_id)
            .bind(person_id)
    )?;
    tracing::info!(cycle.id = cycle_id, "application withdrawn");
    Ok(())
}

/// One line of the coordinator's list of applications or offers.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Listed {
    /// The person.
    pub person_id: i64,
    /// Their name.
    pub name: String,
    /// Their stage code.
    pub stage: String,
    /// Their region's code.
    pub region_code: Option<String>,
    /// Topic names: ranked needs, or offered topics.
    pub topics: String,
    /// Capacity (offers) or 0.
    pub capacity: i64,
    /// Affinity codes (seen by coordinators only).
    pub affinity: String,
    /// When first submitted.
    pub submitted_at: DateTime<Utc>,
    /// Whether the mentee's needs changed at a career check-in since their last mentorship
    /// began (or ever, if they never had one); always false for offers.
    pub needs_changed: bool,
}

impl Listed {
    /// The stage's words.
    pub fn stage_label(&self) -> &'static str {
        Stage::parse(&self.stage).map_or("", Stage::label)
    }

    /// The affinity groups in words.
    pub fn affinity_labels(&self) -> String {
        affinity_labels(&self.affinity)
    }
}

/// Affinity codes in words.
pub fn affinity_labels(codes: &str) -> String {
    split_codes(codes)
        .iter()
        .filter_map(|code| AFFINITIES.iter().find(|(c, _)| c == code))
        .map(|(_, label)| *label)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Applications to a cycle in order of submission, a page at a time.
pub async fn list_applications(
    db: &Db,
    cycle_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT a.person_id, p.name, p.stage, r.code AS region_code, \
             COALESCE((SELECT STRING_AGG(t.name, ', ' ORDER BY n.rank) FROM application_needs n \
               JOIN topics t ON t.id = n.topic_id WHERE n.application_id = a.id), '') AS topics, \
             CAST(0 AS BIGINT) AS capacity, a.affinity, a.submitted_at, \
             EXISTS (SELECT 1 FROM career_checks c WHERE c.person_id = a.person_id \
               AND c.needs_changed AND NOT EXISTS (SELECT 1 FROM mentorships s \
                 WHERE s.mentee_id = a.person_id AND s.started_at >= c.checked_at)) \
               AS needs_changed \
             FROM applications a JOIN people p ON p.id = a.person_id \
             LEFT JOIN regions r ON r.id = p.region_id \
             WHERE a.cycle_id = $1 ORDER BY a.submitted_at, a.id LIMIT $2 OFFSET $3",
        )
        .bind(cycle_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })
}

/// Offers to a cycle by mentor name, a page at a time.
pub async fn list_offers(
    db: &Db,
    cycle_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<Listed>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT o.person_id, p.name, p.stage, r.code AS region_code, \
             COALESCE((SELECT STRING_AGG(t.name, ', ' ORDER BY t.name) FROM offer_topics ot \
               JOIN topics t ON t.id = ot.topic_id WHERE ot.offer_id = o.id), '') AS topics, \
             o.capacity, o.affinity, o.submitted_at, FALSE AS needs_changed \
             FROM offers o JOIN people p ON p.id = o.person_id \
             LEFT JOIN regions r ON r.id = p.region_id \
             WHERE o.cycle_id = $1 ORDER BY p.name, o.id LIMIT $2 OFFSET $3",
        )
        .bind(cycle_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await
    })
}

/// How many applications and offers a cycle has, and the places offered.
pub async fn counts(db: &Db, cycle_id: i64) -> Result<(i64, i64, i64), sqlx::Error> {
    let (applications,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT COUNT(*) FROM applications WHERE cycle_id = $1")
            .bind(cycle_id)
            .fetch_one(pool)
            .await
    })?;
    let (offers, places): (i64, Option<i64>) = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT COUNT(*), CAST(SUM(capacity) AS BIGINT) FROM offers WHERE cycle_id = $1",
        )
        .bind(cycle_id)
        .fetch_one(pool)
        .await
    })?;
    Ok((applications, offers, places.unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<Topic> {
        ["leadership", "grant_writing", "supervision"]
            .iter()
            .enumerate()
            .map(|(i, code)| Topic {
                id: i as i64 + 1,
                code: (*code).into(),
                name: (*code).into(),
            })
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn an_application_keeps_its_needs_in_rank_order() {
        let form = ApplicationForm::from_pairs(pairs(&[
            ("need_2", "leadership"),
            ("need_1", "supervision"),
            ("goals", "Lead my first team"),
            ("modality", "online"),
            ("availability", "weekday_evening"),
            ("nearby", "yes"),
        ]));
        let valid = validate_application(&form, &topics()).expect("valid");
        assert_eq!(valid.need_ids, [3, 1]);
        assert!(valid.nearby);
        assert_eq!(valid.availability, "weekday_evening");
    }

    #[test]
    fn unknown_topics_repeats_and_missing_goals_are_refused_at_their_fields() {
        let form = ApplicationForm::from_pairs(pairs(&[
            ("need_1", "astrology"),
            ("modality", "teleport"),
            ("affinity", "unicorns"),
        ]));
        let errors = validate_application(&form, &topics())
            .err()
            .unwrap_or_default();
        assert!(errors.message("need_1").contains("astrology"));
        assert_eq!(errors.message("goals"), "This field is required.");
        assert!(!errors.message("modality").is_empty());
        assert!(!errors.message("affinity").is_empty());

        let repeat = ApplicationForm::from_pairs(pairs(&[
            ("need_1", "leadership"),
            ("need_2", "leadership"),
            ("goals", "x"),
            ("modality", "either"),
        ]));
        let errors = validate_application(&repeat, &topics())
            .err()
            .unwrap_or_default();
        assert!(errors.message("need_1").contains("once"));
    }

    #[test]
    fn capacity_must_be_one_to_five() {
        for (typed, ok) in [
            ("0", false),
            ("1", true),
            ("5", true),
            ("6", false),
            ("x", false),
        ] {
            let mut form = OfferForm::blank();
            form.capacity = typed.into();
            form.topics = vec!["leadership".into()];
            let result = validate_offer(&form, &topics());
            assert_eq!(result.is_ok(), ok, "{typed}");
        }
    }

    #[test]
    fn an_offer_needs_a_topic_and_a_stage() {
        let mut form = OfferForm::blank();
        form.stages.clear();
        let errors = validate_offer(&form, &topics()).err().unwrap_or_default();
        assert!(!errors.message("topics").is_empty());
        assert!(!errors.message("stages").is_empty());
    }
}
