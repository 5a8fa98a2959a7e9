//! The career profile: who a person is in the profession and what they need and offer.

use chrono_tz::Tz;

use crate::network::Region;
use crate::people::topics::Stage;
use crate::people::words;
use crate::platform::auth::policy::Visibility;
use std::sync::Arc;

use crate::platform::db::{now, Db};
use crate::platform::state::AppState;
use crate::platform::web::forms::{self, FieldErrors};
use crate::{execute, on_db};

/// The kinds of library a person works in.
pub const LIBRARY_TYPES: [(&str, &str); 6] = [
    ("academic", "Academic"),
    ("public", "Public"),
    ("school", "School"),
    ("special", "Special"),
    ("archives", "Archives"),
    ("other", "Other"),
];

/// How a person can meet.
pub const MODALITIES: [(&str, &str); 3] = [
    ("online", "Online"),
    ("in_person", "In person"),
    ("either", "Online or in person"),
];

/// Languages a person can be mentored in.
pub const LANGUAGES: &[(&str, &str)] = crate::demo::names::LANGUAGES;

/// Needs are ranked; more than this is not a ranking any more.
pub const MAX_NEEDS: usize = 5;

/// A person's profile as stored.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Profile {
    /// The person's id.
    pub id: i64,
    /// Email address (shown to the person, coordinators and admins only).
    pub email: String,
    /// Display name.
    pub name: String,
    /// Pronouns, free text.
    pub pronouns: String,
    /// Region id.
    pub region_id: Option<i64>,
    /// IANA time zone.
    pub time_zone: String,
    /// Library type code.
    pub library_type: String,
    /// Institution.
    pub institution: String,
    /// Position.
    pub position: String,
    /// Career stage code.
    pub stage: String,
    /// Years in the profession.
    pub years_in_profession: i64,
    /// Language codes, comma-separated.
    pub languages: String,
    /// Modality code.
    pub modality: String,
    /// Hours available per month.
    pub hours_per_month: i64,
    /// Bio in Markdown.
    pub bio: String,
    /// Visibility code.
    pub visibility: String,
}

impl Profile {
    /// The career stage's label.
    pub fn stage_label(&self) -> &'static str {
        Stage::parse(&self.stage).map_or("", Stage::label)
    }

    /// The library type's label.
    pub fn library_type_label(&self) -> &'static str {
        label_of(&LIBRARY_TYPES, &self.library_type)
    }

    /// The modality's label.
    pub fn modality_label(&self) -> &'static str {
        label_of(&MODALITIES, &self.modality)
    }

    /// The languages' names.
    pub fn language_names(&self) -> String {
        self.languages
            .split(',')
            .map(|code| label_of(LANGUAGES, code))
            .filter(|name| !name.is_empty())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn label_of(options: &[(&str, &'static str)], code: &str) -> &'static str {
    options
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, label)| label)
}

/// A topic as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Topic {
    /// Its id.
    pub id: i64,
    /// Its code.
    pub code: String,
    /// Its name.
    pub name: String,
}

/// The profile form, as typed.
#[derive(Clone, Debug, Default)]
pub struct ProfileForm {
    /// Name.
    pub name: String,
    /// Pronouns.
    pub pronouns: String,
    /// Region code.
    pub region: String,
    /// Time zone.
    pub time_zone: String,
    /// Library type code.
    pub library_type: String,
    /// Institution.
    pub institution: String,
    /// Position.
    pub position: String,
    /// Stage code.
    pub stage: String,
    /// Years, as typed.
    pub years_in_profession: String,
    /// Ranked needs: topic codes, first is most important.
    pub need_1: String,
    /// Second need.
    pub need_2: String,
    /// Third need.
    pub need_3: String,
    /// Fourth need.
    pub need_4: String,
    /// Fifth need.
    pub need_5: String,
    /// Offered topic codes (checkboxes named `offer`).
    pub offers: Vec<String>,
    /// Language codes (checkboxes named `language`).
    pub languages: Vec<String>,
    /// Modality code.
    pub modality: String,
    /// Hours, as typed.
    pub hours_per_month: String,
    /// Bio in Markdown.
    pub bio: String,
    /// Visibility code.
    pub visibility: String,
}

impl ProfileForm {
    /// Reads the submitted pairs. Checkbox groups repeat their name, which the plain form
    /// extractor cannot gather into a list; unknown names are ignored.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = ProfileForm::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "offer" => {
                    form.offers.push(value);
                    continue;
                }
                "language" => {
                    form.languages.push(value);
                    continue;
                }
                "name" => &mut form.name,
                "pronouns" => &mut form.pronouns,
                "region" => &mut form.region,
                "time_zone" => &mut form.time_zone,
                "library_type" => &mut form.library_type,
                "institution" => &mut form.institution,
                "position" => &mut form.position,
                "stage" => &mut form.stage,
                "years_in_profession" => &mut form.years_in_profession,
                "need_1" => &mut form.need_1,
                "need_2" => &mut form.need_2,
                "need_3" => &mut form.need_3,
                "need_4" => &mut form.need_4,
                "need_5" => &mut form.need_5,
                "modality" => &mut form.modality,
                "hours_per_month" => &mut form.hours_per_month,
                "bio" => &mut form.bio,
                "visibility" => &mut form.visibility,
                _ => continue,
            };
            *slot = value;
        }
        form
    }

    /// The ranked needs, in order.
    pub fn needs(&self) -> [&str; MAX_NEEDS] {
        [
            &self.need_1,
            &self.need_2,
            &self.need_3,
            &self.need_4,
            &self.need_5,
        ]
    }

    /// The form filled from a stored profile.
    pub fn from_profile(
        profile: &Profile,
        region_code: &str,
        needs: &[String],
        offers: &[String],
    ) -> Self {
        let need = |i: usize| needs.get(i).cloned().unwrap_or_default();
        ProfileForm {
            name: profile.name.clone(),
            pronouns: profile.pronouns.clone(),
            region: region_code.to_owned(),
            time_zone: profile.time_zone.clone(),
            library_type: profile.library_type.clone(),
            institution: profile.institution.clone(),
            position: profile.position.clone(),
            stage: profile.stage.clone(),
            years_in_profession: profile.years_in_profession.to_string(),
            need_1: need(0),
            need_2: need(1),
            need_3: need(2),
            need_4: need(3),
            need_5: need(4),
            offers: offers.to_vec(),
            languages: profile.languages.split(',').map(str::to_owned).collect(),
            modality: profile.modality.clone(),
            hours_per_month: profile.hours_per_month.to_string(),
            bio: profile.bio.clone(),
            visibility: profile.visibility.clone(),
        }
    }
}

/// A checked profile, ready to store.
#[derive(Clone, Debug)]
pub struct ValidProfile {
    name: String,
    pronouns: String,
    region_id: i64,
    time_zone: String,
    library_type: String,
    institution: String,
    position: String,
    stage: String,
    years: i64,
    need_ids: Vec<i64>,
    offer_ids: Vec<i64>,
    languages: String,
    modality: String,
    hours: i64,
    bio: String,
    visibility: String,
}

/// Checks every field of the form and collects each problem beside its field.
pub fn validate(
    form: &ProfileForm,
    regions: &[Region],
    topics: &[Topic],
) -> Result<ValidProfile, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);
    let pronouns = forms::text(&mut errors, "pronouns", &form.pronouns, false, 40);
    let institution = forms::text(&mut errors, "institution", &form.institution, false, 200);
    let position = forms::text(&mut errors, "position", &form.position, false, 200);
    let bio = forms::text(&mut errors, "bio", &form.bio, false, 4000);

    let region = regions.iter().find(|r| r.code == form.region);
    if region.is_none() {
        errors.add("region", "Choose your region from the list.");
    }
    if form.time_zone.parse::<Tz>().is_err() || !all_zones(regions).contains(&form.time_zone) {
        errors.add("time_zone", "Choose a time zone from the list.");
    }
    check_choice(
        &mut errors,
        "library_type",
        &form.library_type,
        &LIBRARY_TYPES,
    );
    if Stage::parse(&form.stage).is_none() {
        errors.add("stage", "Choose your career stage.");
    }
    let years = number(
        &mut errors,
        "years_in_profession",
        &form.years_in_profession,
        0,
        70,
    );
    let hours = number(&mut errors, "hours_per_month", &form.hours_per_month, 0, 40);
    check_choice(&mut errors, "modality", &form.modality, &MODALITIES);
    if !Visibility::ALL.iter().any(|v| v.code() == form.visibility) {
        errors.add("visibility", "Choose who may see your profile.");
    }
    let need_ids = ranked_needs(&mut errors, form, topics);
    let offer_ids = offered_topics(&mut errors, form, topics);
    let languages = chosen_languages(&mut errors, form);

    match (errors.is_empty(), region) {
        (true, Some(region)) => Ok(ValidProfile {
            name,
            pronouns,
            region_id: region.id,
            time_zone: form.time_zone.clone(),
            library_type: form.library_type.clone(),
            institution,
            position,
            stage: form.stage.clone(),
            years,
            need_ids,
            offer_ids,
            languages,
            modality: form.modality.clone(),
            hours,
            bio,
            visibility: form.visibility.clone(),
        }),
        _ => Err(errors),
    }
}

/// Every time zone of every region, sorted, without repeats.
pub fn all_zones(regions: &[Region]) -> Vec<String> {
    let mut zones: Vec<String> = regions
        .iter()
        .flat_map(|r| r.zones())
        .map(str::to_owned)
        .collect();
    zones.sort();
    zones.dedup();
    zones
}

fn check_choice(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    options: &[(&str, &str)],
) {
    if !options.iter().any(|(code, _)| *code == value) {
        errors.add(field, "Choose one of the options.");
    }
}

fn number(errors: &mut FieldErrors, field: &'static str, value: &str, min: i64, max: i64) -> i64 {
    match value.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors.add(field, format!("Enter a whole number from {min} to {max}."));
            0
        }
    }
}

fn ranked_needs(errors: &mut FieldErrors, form: &ProfileForm, topics: &[Topic]) -> Vec<i64> {
    let mut ids = Vec::new();
    for code in form.needs().into_iter().filter(|code| !code.is_empty()) {
        match topics.iter().find(|t| t.code == code) {
            Some(topic) if ids.contains(&topic.id) => {
                errors.add("need_1", "Each need can appear once; remove the repeat.");
            }
            Some(topic) => ids.push(topic.id),
            None => errors.add("need_1", "Choose needs from the list of topics."),
        }
    }
    ids
}

fn offered_topics(errors: &mut FieldErrors, form: &ProfileForm, topics: &[Topic]) -> Vec<i64> {
    let mut ids = Vec::new();
    for code in &form.offers {
        match topics.iter().find(|t| &t.code == code) {
            Some(topic) if !ids.contains(&topic.id) => ids.push(topic.id),
            Some(_) => {}
            None => errors.add("offers", "Choose offered topics from the list."),
        }
    }
    ids
}

fn chosen_languages(errors: &mut FieldErrors, form: &ProfileForm) -> String {
    let mut codes: Vec<&str> = Vec::new();
    for code in &form.languages {
        match LANGUAGES.iter().find(|(c, _)| c == code) {
            Some((c, _)) if !codes.contains(c) => codes.push(c),
            Some(_) => {}
            None => errors.add("languages", "Choose languages from the list."),
        }
    }
    if codes.is_empty() {
        errors.add("languages", "Choose at least one language.");
    }
    codes.join(",")
}

const PROFILE_COLUMNS: &str = "id, email, name, pronouns, region_id, time_zone, library_type, \
     institution, position, stage, years_in_profession, languages, modality, hours_per_month, \
     bio, visibility";

/// A person's profile, whatever their status.
pub async fn load(db: &Db, person_id: i64) -> Result<Option<Profile>, sqlx::Error> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM people WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(person_id)
        .fetch_optional(pool)
        .await)
}

/// An active person's profile.
pub async fn load_active(db: &Db, person_id: i64) -> Result<Option<Profile>, sqlx::Error> {
    let sql = format!("SELECT {PROFILE_COLUMNS} FROM people WHERE id = $1 AND status = 'active'");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(person_id)
        .fetch_optional(pool)
        .await)
}

/// Every topic, by name.
pub async fn list_topics(db: &Db) -> Result<Vec<Topic>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as("SELECT id, code, name FROM topics ORDER BY name")
            .fetch_all(pool)
            .await
    })
}

/// Every topic, by name, from the short-lived cache.
pub async fn topics(state: &AppState) -> Result<Arc<Vec<Topic>>, sqlx::Error> {
    state.topics.get_or_load(|| list_topics(&state.db)).await
}

/// A person's topic codes of one kind (`need` or `offer`), needs in rank order.
pub async fn topic_codes(db: &Db, person_id: i64, kind: &str) -> Result<Vec<String>, sqlx::Error> {
    let rows: Vec<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT t.code FROM person_topics pt JOIN topics t ON t.id = pt.topic_id \
             WHERE pt.person_id = $1 AND pt.kind = $2 ORDER BY pt.rank, t.name",
        )
        .bind(person_id)
        .bind(kind)
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(code,)| code).collect())
}

/// Saves a checked profile and its topics in one transaction.
pub async fn save(db: &Db, person_id: i64, profile: &ValidProfile) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "UPDATE people SET name = $1, pronouns = $2, region_id = $3, time_zone = $4, \
             library_type = $5, institution = $6, position = $7, stage = $8, \
             years_in_profession = $9, languages = $10, modality = $11, hours_per_month = $12, \
             bio = $13, visibility = $14, updated_at = $15 WHERE id = $16",
        )
        .bind(&profile.name)
        .bind(&profile.pronouns)
        .bind(profile.region_id)
        .bind(&profile.time_zone)
        .bind(&profile.library_type)
        .bind(&profile.institution)
        .bind(&profile.position)
        .bind(&profile.stage)
        .bind(profile.years)
        .bind(&profile.languages)
        .bind(&profile.modality)
        .bind(profile.hours)
        .bind(&profile.bio)
        .bind(&profile.visibility)
        .bind(at)
        .bind(person_id)
        .execute(&mut *tx)
        .await?;
        words::replace_in(&mut tx, person_id, &profile.name, &profile.institution).await?;
        sqlx::query("DELETE FROM person_topics WHERE person_id = $1")
            .bind(person_id)
            .execute(&mut *tx)
            .await?;
        let ranked = profile
            .need_ids
            .iter()
            .enumerate()
            .map(|(rank, id)| ("need", *id, rank));
        let offered = profile.offer_ids.iter().map(|id| ("offer", *id, 0));
        for (kind, topic_id, rank) in ranked.chain(offered) {
            sqlx::query(
                "INSERT INTO person_topics (person_id, topic_id, kind, rank) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(person_id)
            .bind(topic_id)
            .bind(kind)
            .bind(rank as i64 + 1)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    })?;
    tracing::info!(person.id = person_id, "profile saved");
    Ok(())
}

/// Inserts the topics of the taxonomy that the database does not have yet.
pub async fn seed_topics(db: &Db) -> Result<(), sqlx::Error> {
    for topic in crate::people::topics::TOPICS {
        let stages: Vec<&str> = topic.stages.iter().map(|s| s.code()).collect();
        execute!(
            db,
            sqlx::query(
                "INSERT INTO topics (code, name, stages) VALUES ($1, $2, $3) \
                 ON CONFLICT (code) DO NOTHING",
            )
            .bind(topic.code)
            .bind(topic.name)
            .bind(stages.join(","))
        )?;
    }
    Ok(())
}
