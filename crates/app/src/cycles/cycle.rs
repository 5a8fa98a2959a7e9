//! A cycle's settings: its form and rules, and the queries that store it and its moves.

use chrono::{DateTime, Months, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::cycles::state::{CycleState, Move};
use crate::network::Region;
use crate::platform::db::{join_ids, now, Db};
use crate::platform::web::forms::{self, FieldErrors};
use crate::{execute, on_db};

/// How often a pair is expected to meet.
pub const CADENCES: [(&str, &str); 3] = [
    ("biweekly", "Every two weeks"),
    ("monthly", "Monthly"),
    ("quarterly", "Every three months"),
];

/// A cycle as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Cycle {
    /// Its id.
    pub id: i64,
    /// Its name, such as "New York 2026".
    pub name: String,
    /// The region it belongs to; `None` for a national cycle or a group of regions.
    pub region_id: Option<i64>,
    /// Whether mentees may browse their suggested mentors and ask one directly.
    pub self_match: bool,
    /// The regions of a cycle for a group of regions (empty otherwise), from
    /// `cycle_regions`.
    #[sqlx(skip)]
    pub group: Vec<i64>,
    /// The state code (see [`CycleState`]).
    pub state: String,
    /// First day applications are taken.
    pub opens_on: NaiveDate,
    /// Last day applications are taken or changed.
    pub closes_on: NaiveDate,
    /// The day matching is planned.
    pub matching_on: NaiveDate,
    /// The day mentorships start.
    pub starts_on: NaiveDate,
    /// How long mentorships last.
    pub duration_months: i64,
    /// The meeting cadence code (see [`CADENCES`]).
    pub cadence: String,
    /// Days people have to answer a proposal.
    pub answer_days: i64,
    /// The matching weights, JSON of [`CycleWeights`].
    pub weights: String,
    /// The cycle this one was copied from.
    pub copied_from: Option<i64>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
}

impl Cycle {
    /// Its state; an unknown stored code reads as closed, where nothing more can happen.
    pub fn state(&self) -> CycleState {
        CycleState::parse(&self.state).unwrap_or(CycleState::Closed)
    }

    /// The regions whose people the cycle is for and whose coordinators run it: one, a
    /// group, or none for a national cycle.
    pub fn regions(&self) -> Vec<i64> {
        match self.region_id {
            Some(id) => vec![id],
            None => self.group.clone(),
        }
    }

    /// Its matching weights.
    pub fn weights(&self) -> CycleWeights {
        serde_json::from_str(&self.weights).unwrap_or_default()
    }

    /// Whether a person may still apply or change an application today.
    pub fn window_is_open(&self, today: NaiveDate) -> bool {
        self.state().takes_applications() && today >= self.opens_on && today <= self.closes_on
    }

    /// The day mentorships end.
    pub fn ends_on(&self) -> NaiveDate {
        let months = Months::new(u32::try_from(self.duration_months).unwrap_or(9));
        self.starts_on
            .checked_add_months(months)
            .unwrap_or(self.starts_on)
    }

    /// The cadence's words.
    pub fn cadence_label(&self) -> &'static str {
        CADENCES
            .iter()
            .find(|(code, _)| *code == self.cadence)
            .map_or("", |(_, label)| label)
    }
}

/// How much each matching feature counts in a cycle, in percent of the engine's defaults
/// (100 keeps the default, 0 switches the feature off, 300 at most).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CycleWeights {
    /// Shared needs.
    pub needs: u16,
    /// Career stage gap.
    pub stage: u16,
    /// Library type.
    pub library_type: u16,
    /// Time zone.
    pub time_zone: u16,
    /// Language.
    pub language: u16,
    /// Shared availability.
    pub availability: u16,
    /// Shared identity.
    pub affinity: u16,
    /// Nearness.
    pub nearby: u16,
}

impl Default for CycleWeights {
    fn default() -> Self {
        CycleWeights {
            needs: 100,
            stage: 100,
            library_type: 100,
            time_zone: 100,
            language: 100,
            availability: 100,
            affinity: 100,
            nearby: 100,
        }
    }
}

impl CycleWeights {
    /// The weights' form names and labels, in form order.
    pub const FIELDS: [(&'static str, &'static str); 8] = [
        ("weight_needs", "Shared needs"),
        ("weight_stage", "Career stage gap"),
        ("weight_library_type", "Library type"),
        ("weight_time_zone", "Time zone"),
        ("weight_language", "Language"),
        ("weight_availability", "Availability"),
        ("weight_affinity", "Shared identity"),
        ("weight_nearby", "Nearness"),
    ];

    fn slots(&mut self) -> [&mut u16; 8] {
        [
            &mut self.needs,
            &mut self.stage,
            &mut self.library_type,
            &mut self.time_zone,
            &mut self.language,
            &mut self.availability,
            &mut self.affinity,
            &mut self.nearby,
        ]
    }

    /// The percentages in form order.
    pub fn values(&self) -> [u16; 8] {
        let mut copy = *self;
        copy.slots().map(|v| *v)
    }

    /// The engine's weights scaled by these percentages.
    pub fn engine_weights(&self) -> carrel_matching::scoring::Weights {
        let scale = |points: u16, percent: u16| -> u16 {
            (u32::from(points) * u32::from(percent) / 100).min(1000) as u16
        };
        let base = carrel_matching::scoring::Weights::default();
        carrel_matching::scoring::Weights {
            need_by_rank: base.need_by_rank.map(|p| scale(p, self.needs)),
            stage_gap: base.stage_gap.map(|p| scale(p, self.stage)),
            peer: scale(base.peer, self.stage),
            library_type: scale(base.library_type, self.library_type),
            time_zone: scale(base.time_zone, self.time_zone),
            time_zone_per_hour: scale(base.time_zone_per_hour, self.time_zone),
            language: scale(base.language, self.language),
            availability_per_hour: scale(base.availability_per_hour, self.availability),
            availability_max: scale(base.availability_max, self.availability),
            affinity: scale(base.affinity, self.affinity),
            same_region: scale(base.same_region, self.nearby),
            same_division: scale(base.same_division, self.nearby),
        }
    }
}

/// The cycle form, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CycleForm {
    /// Name.
    pub name: String,
    /// Region code, `national`, or `group` (the regions are in `group`).
    pub region: String,
    /// The region codes of a group, separated by commas or spaces.
    pub group: String,
    /// `yes` when mentees may also choose a mentor themselves.
    pub self_match: String,
    /// First day of applications, `YYYY-MM-DD`.
    pub opens_on: String,
    /// Last day of applications.
    pub closes_on: String,
    /// Matching day.
    pub matching_on: String,
    /// Start day.
    pub starts_on: String,
    /// Duration in months, as typed.
    pub duration_months: String,
    /// Cadence code.
    pub cadence: String,
    /// Days to answer, as typed.
    pub answer_days: String,
    /// Weight of shared needs, percent.
    pub weight_needs: String,
    /// Weight of the stage gap, percent.
    pub weight_stage: String,
    /// Weight of the library type, percent.
    pub weight_library_type: String,
    /// Weight of the time zone, percent.
    pub weight_time_zone: String,
    /// Weight of language, percent.
    pub weight_language: String,
    /// Weight of availability, percent.
    pub weight_availability: String,
    /// Weight of shared identity, percent.
    pub weight_affinity: String,
    /// Weight of nearness, percent.
    pub weight_nearby: String,
}

impl CycleForm {
    /// A new cycle's form: a window opening today, the defaults (nine months,
    /// monthly, seven days to answer) and the default weights.
    pub fn starting(today: NaiveDate) -> Self {
        let day = |days: u64| (today + chrono::Days::new(days)).to_string();
        let mut form = CycleForm {
            opens_on: day(0),
            closes_on: day(28),
            matching_on: day(35),
            starts_on: day(49),
            duration_months: "9".into(),
            cadence: "monthly".into(),
            answer_days: "7".into(),
            ..CycleForm::default()
        };
        form.set_weights(&CycleWeights::default());
        form
    }

    /// The form filled from a stored cycle.
    pub fn from_cycle(cycle: &Cycle, region_code: &str) -> Self {
        let mut form = CycleForm {
            name: cycle.name.clone(),
            region: region_code.to_owned(),
            self_match: if cycle.self_match { "yes" } else { "" }.to_owned(),
            opens_on: cycle.opens_on.to_string(),
            closes_on: cycle.closes_on.to_string(),
            matching_on: cycle.matching_on.to_string(),
            starts_on: cycle.starts_on.to_string(),
            duration_months: cycle.duration_months.to_string(),
            cadence: cycle.cadence.clone(),
            answer_days: cycle.answer_days.to_string(),
            ..CycleForm::default()
        };
        form.set_weights(&cycle.weights());
        form
    }

    fn set_weights(&mut self, weights: &CycleWeights) {
        for (slot, value) in self.weight_slots().into_iter().zip(weights.values()) {
            *slot = value.to_string();
        }
    }

    fn weight_slots(&mut self) -> [&mut String; 8] {
        [
            &mut self.weight_needs,
            &mut self.weight_stage,
            &mut self.weight_library_type,
            &mut self.weight_time_zone,
            &mut self.weight_language,
            &mut self.weight_availability,
            &mut self.weight_affinity,
            &mut self.weight_nearby,
        ]
    }

    /// The weights as typed, with their form names and labels, for the template.
    pub fn weight_fields(&self) -> Vec<(&'static str, &'static str, String)> {
        let mut copy = self.clone();
        CycleWeights::FIELDS
            .into_iter()
            .zip(copy.weight_slots())
            .map(|((name, label), value)| (name, label, value.clone()))
            .collect()
    }
}

/// A checked cycle, ready to store.
#[derive(Clone, Debug)]
pub struct ValidCycle {
    name: String,
    region_id: Option<i64>,
    group: Vec<i64>,
    self_match: bool,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    matching_on: NaiveDate,
    starts_on: NaiveDate,
    duration_months: i64,
    cadence: String,
    answer_days: i64,
    weights: String,
}

/// Where a viewer may place a cycle: the nation (admins) and the regions they manage.
#[derive(Clone, Debug)]
pub struct Placement<'a> {
    /// Whether a national cycle is allowed.
    pub national: bool,
    /// The regions allowed.
    pub regions: &'a [Region],
}

/// Checks every field of the cycle form and collects each problem beside its field.
pub fn validate(form: &CycleForm, placement: &Placement) -> Result<ValidCycle, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = forms::text(&mut errors, "name", &form.name, true, 120);

    let mut group = Vec::new();
    let region_id = if form.region == "national" && placement.national {
        None
    } else if form.region == "group" && placement.national {
        group = region_group(&mut errors, &form.group, placement.regions);
        None
    } else {
        let region = placement.regions.iter().find(|r| r.code == form.region);
        if region.is_none() {
            errors.add("region", "Choose a region you coordinate.");
        }
        region.map(|r| r.id)
    };

    let opens_on = date(&mut errors, "opens_on", &form.opens_on);
    let closes_on = date(&mut errors, "closes_on", &form.closes_on);
    let matching_on = date(&mut errors, "matching_on", &form.matching_on);
    let starts_on = date(&mut errors, "starts_on", &form.starts_on);
    let order = [
        (
            opens_on,
            closes_on,
            "closes_on",
            "The window must end on or after it opens.",
        ),
        (
            closes_on,
            matching_on,
            "matching_on",
            "Matching comes on or after the window closes.",
        ),
        (
            matching_on,
            starts_on,
            "starts_on",
            "Mentorships start on or after matching.",
        ),
    ];
    for (earlier, later, field, message) in order {
        if let (Some(earlier), Some(later)) = (earlier, later) {
            if later < earlier {
                errors.add(field, message);
            }
        }
    }

    let duration_months = number(&mut errors, "duration_months", &form.duration_months, 1, 24);
    if !CADENCES.iter().any(|(code, _)| *code == form.cadence) {
        errors.add("cadence", "Choose how often pairs meet.");
    }
    let answer_days = number(&mut errors, "answer_days", &form.answer_days, 1, 30);
    let weights = weights(&mut errors, form);

    match (opens_on, closes_on, matching_on, starts_on) {
        (Some(opens_on), Some(closes_on), Some(matching_on), Some(starts_on))
            if errors.is_empty() =>
        {
            Ok(ValidCycle {
                name,
                region_id,
                group,
                self_match: form.self_match == "yes",
                opens_on,
                closes_on,
                matching_on,
                starts_on,
                duration_months,
                cadence: form.cadence.clone(),
                answer_days,
                weights: serde_json::to_string(&weights).unwrap_or_default(),
            })
        }
        _ => Err(errors),
    }
}

// The regions of a group, from their codes: at least two, all known, none twice.
fn region_group(errors: &mut FieldErrors, typed: &str, regions: &[Region]) -> Vec<i64> {
    let codes: Vec<String> = typed
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|code| !code.is_empty())
        .map(str::to_uppercase)
        .collect();
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for code in &codes {
        match regions.iter().find(|r| r.code.eq_ignore_ascii_case(code)) {
            Some(region) if !ids.contains(&region.id) => ids.push(region.id),
            Some(_) => {}
            None => unknown.push(code.as_str()),
        }
    }
    if !unknown.is_empty() {
        errors.add(
            "group",
            format!("Unknown region codes: {}.", unknown.join(", ")),
        );
    } else if ids.len() < 2 {
        errors.add(
            "group",
            "Name at least two regions by their codes, such as NY, NJ, CT.",
        );
    }
    ids
}

fn date(errors: &mut FieldErrors, field: &'static str, value: &str) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.add(field, "Enter a date like 2026-09-01.");
    }
    parsed
}

/// Reads a whole number in a range, or records a message at the field.
pub fn number(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    min: i64,
    max: i64,
) -> i64 {
    match value.trim().parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors.add(field, format!("Enter a whole number from {min} to {max}."));
            min
        }
    }
}

fn weights(errors: &mut FieldErrors, form: &CycleForm) -> CycleWeights {
    let mut weights = CycleWeights::default();
    let typed = form.weight_fields();
    for (slot, (field, _, value)) in weights.slots().into_iter().zip(typed) {
        *slot = number(errors, field, &value, 0, 300) as u16;
    }
    weights
}

const CYCLE_COLUMNS: &str =
    "id, name, region_id, self_match, state, opens_on, closes_on, matching_on, \
     starts_on, duration_months, cadence, answer_days, weights, copied_from, created_at";

/// Creates a draft cycle and returns its id.
pub async fn create(
    db: &Db,
    cycle: &ValidCycle,
    copied_from: Option<i64>,
    by: Option<i64>,
) -> Result<i64, sqlx::Error> {
    let at = now();
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as(
            "INSERT INTO cycles (name, region_id, state, opens_on, closes_on, matching_on, \
             starts_on, duration_months, cadence, answer_days, weights, copied_from, created_by, \
             created_at, updated_at, self_match) \
             VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, $14) \
             RETURNING id",
        )
        .bind(&cycle.name)
        .bind(cycle.region_id)
        .bind(cycle.opens_on)
        .bind(cycle.closes_on)
        .bind(cycle.matching_on)
        .bind(cycle.starts_on)
        .bind(cycle.duration_months)
        .bind(&cycle.cadence)
        .bind(cycle.answer_days)
        .bind(&cycle.weights)
        .bind(copied_from)
        .bind(by)
        .bind(at)
        .bind(cycle.self_match)
        .fetch_one(pool)
        .await
    })?;
    save_group(db, id, &cycle.group).await?;
    tracing::info!(cycle.id = id, "cycle created");
    Ok(id)
}

/// Saves a cycle's settings.
pub async fn update(db: &Db, id: i64, cycle: &ValidCycle) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "UPDATE cycles SET name = $1, region_id = $2, opens_on = $3, closes_on = $4, \
             matching_on = $5, starts_on = $6, duration_months = $7, cadence = $8, \
             answer_days = $9, weights = $10, updated_at = $11, self_match = $13 \
             WHERE id = $12",
        )
        .bind(&cycle.name)
        .bind(cycle.region_id)
        .bind(cycle.opens_on)
        .bind(cycle.closes_on)
        .bind(cycle.matching_on)
        .bind(cycle.starts_on)
        .bind(cycle.duration_months)
        .bind(&cycle.cadence)
        .bind(cycle.answer_days)
        .bind(&cycle.weights)
        .bind(now())
        .bind(id)
        .bind(cycle.self_match)
    )?;
    save_group(db, id, &cycle.group).await?;
    tracing::info!(cycle.id = id, "cycle settings saved");
    Ok(())
}

// Replaces a cycle's group of regions (none for a national or one-region cycle).
async fn save_group(db: &Db, cycle_id: i64, group: &[i64]) -> Result<(), sqlx::Error> {
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM cycle_regions WHERE cycle_id = $1")
            .bind(cycle_id)
            .execute(&mut *tx)
            .await?;
        for region_id in group {
            sqlx::query("INSERT INTO cycle_regions (cycle_id, region_id) VALUES ($1, $2)")
                .bind(cycle_id)
                .bind(region_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    })
}

// Fills in the groups of regions of these cycles.
async fn with_groups(db: &Db, mut cycles: Vec<Cycle>) -> Result<Vec<Cycle>, sqlx::Error> {
    let ids: Vec<i64> = cycles
        .iter()
        .filter(|c| c.region_id.is_none())
        .map(|c| c.id)
        .collect();
    if ids.is_empty() {
        return Ok(cycles);
    }
    let sql = format!(
        "SELECT cycle_id, region_id FROM cycle_regions WHERE cycle_id IN ({}) \
         ORDER BY cycle_id, region_id",
        join_ids(&ids)
    );
    let rows: Vec<(i64, i64)> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    for cycle in &mut cycles {
        cycle.group = rows
            .iter()
            .filter(|(id, _)| *id == cycle.id)
            .map(|(_, region)| *region)
            .collect();
    }
    Ok(cycles)
}

/// The regions of a cycle for a group of regions; empty for any other cycle.
pub async fn group_of(db: &Db, cycle_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| sqlx::query_as(
        "SELECT region_id FROM cycle_regions WHERE cycle_id = $1 ORDER BY region_id"
    )
    .bind(cycle_id)
    .fetch_all(pool)
    .await)?;
    Ok(rows.into_iter().map(|(region,)| region).collect())
}

/// One cycle.
pub async fn find(db: &Db, id: i64) -> Result<Option<Cycle>, sqlx::Error> {
    let sql = format!("SELECT {CYCLE_COLUMNS} FROM cycles WHERE id = $1");
    let cycle: Option<Cycle> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    Ok(with_groups(db, cycle.into_iter().collect()).await?.pop())
}

/// Which cycles a list shows.
#[derive(Clone, Debug)]
pub enum CycleScope {
    /// Every cycle (admins).
    All,
    /// National cycles and those of these regions.
    Regions(Vec<i64>),
}

/// Cycles in a scope, newest first.
pub async fn list(db: &Db, scope: &CycleScope) -> Result<Vec<Cycle>, sqlx::Error> {
    let filter = match scope {
        CycleScope::All => String::new(),
        CycleScope::Regions(ids) if ids.is_empty() => "WHERE region_id IS NULL AND NOT EXISTS \
             (SELECT 1 FROM cycle_regions g WHERE g.cycle_id = cycles.id)"
            .to_owned(),
        CycleScope::Regions(ids) => {
            let ids = join_ids(ids);
            format!(
                "WHERE (region_id IS NULL AND NOT EXISTS (SELECT 1 FROM cycle_regions g \
                   WHERE g.cycle_id = cycles.id)) \
                 OR region_id IN ({ids}) OR EXISTS (SELECT 1 FROM cycle_regions g \
                   WHERE g.cycle_id = cycles.id AND g.region_id IN ({ids}))"
            )
        }
    };
    let sql = format!(
        "SELECT {CYCLE_COLUMNS} FROM cycles {filter} ORDER BY opens_on DESC, id DESC LIMIT 200"
    );
    let cycles = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    with_groups(db, cycles).await
}

/// The newest cycle of the same place (region, or national) as a cycle, before it.
pub async fn latest_in_place(
    db: &Db,
    region_id: Option<i64>,
) -> Result<Option<Cycle>, sqlx::Error> {
    let sql = format!(
        "SELECT {CYCLE_COLUMNS} FROM cycles WHERE region_id IS NOT DISTINCT FROM $1 \
         ORDER BY opens_on DESC, id DESC LIMIT 1"
    );
    let cycle: Option<Cycle> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(region_id)
        .fetch_optional(pool)
        .await)?;
    Ok(with_groups(db, cycle.into_iter().collect()).await?.pop())
}

/// The settings of a cycle, moved a year on, as a new cycle's form.
pub fn copy_form(cycle: &Cycle, region_code: &str) -> CycleForm {
    let year_on = |day: NaiveDate| {
        day.checked_add_months(Months::new(12))
            .unwrap_or(day)
            .to_string()
    };
    let mut form = CycleForm::from_cycle(cycle, region_code);
    form.name = format!("{} (copy)", cycle.name);
    form.opens_on = year_on(cycle.opens_on);
    form.closes_on = year_on(cycle.closes_on);
    form.matching_on = year_on(cycle.matching_on);
    form.starts_on = year_on(cycle.starts_on);
    form
}

/// One recorded move.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct MoveRecord {
    /// The move code.
    pub step: String,
    /// The state before.
    pub from_state: String,
    /// The state after.
    pub to_state: String,
    /// Who made it (empty for the system).
    pub person_name: Option<String>,
    /// When.
    pub moved_at: DateTime<Utc>,
}

impl MoveRecord {
    /// The move's words.
    pub fn label(&self) -> &'static str {
        Move::parse(&self.step).map_or("", Move::label)
    }

    /// The resulting state's words.
    pub fn to_label(&self) -> &'static str {
        CycleState::parse(&self.to_state).map_or("", CycleState::label)
    }
}

/// Moves a cycle from one state to the next and records who did it, in one transaction.
/// Returns false when the cycle was no longer in `from` (someone else moved it first).
pub async fn record_move(
    db: &Db,
    cycle_id: i64,
    step: Move,
    from: CycleState,
    to: CycleState,
    by: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let at = now();
    let moved = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let changed = sqlx::query(
            "UPDATE cycles SET state = $1, updated_at = $2 WHERE id = $3 AND state = $4",
        )
        .bind(to.code())
        .bind(at)
        .bind(cycle_id)
        .bind(from.code())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed == 1 {
            sqlx::query(
                "INSERT INTO cycle_moves (cycle_id, move, from_state, to_state, person_id, \
                 moved_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(cycle_id)
            .bind(step.code())
            .bind(from.code())
            .bind(to.code())
            .bind(by)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok::<bool, sqlx::Error>(changed == 1)
    })?;
    if moved {
        tracing::info!(cycle.id = cycle_id, to = to.code(), "cycle moved");
    }
    Ok(moved)
}

/// A cycle's moves, oldest first.
pub async fn moves(db: &Db, cycle_id: i64) -> Result<Vec<MoveRecord>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT m.move AS step, m.from_state, m.to_state, p.name AS person_name, m.moved_at \
             FROM cycle_moves m LEFT JOIN people p ON p.id = m.person_id \
             WHERE m.cycle_id = $1 ORDER BY m.moved_at, m.id",
        )
        .bind(cycle_id)
        .fetch_all(pool)
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region() -> Region {
        Region {
            id: 5,
            code: "NY".into(),
            name: "New York".into(),
            kind: "state".into(),
            fips: "36".into(),
            division_id: 1,
            division_name: "Middle Atlantic".into(),
            time_zones: "America/New_York".into(),
        }
    }

    fn form() -> CycleForm {
        let today = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default();
        CycleForm {
            name: "New York 2026".into(),
            region: "NY".into(),
            ..CycleForm::starting(today)
        }
    }

    #[test]
    fn a_new_cycle_form_is_valid_as_offered() {
        let regions = [region()];
        let placement = Placement {
            national: false,
            regions: &regions,
        };
        assert!(validate(&form(), &placement).is_ok());
    }

    #[test]
    fn a_window_that_ends_before_it_starts_is_refused_at_the_end_date() {
        let regions = [region()];
        let placement = Placement {
            national: false,
            regions: &regions,
        };
        let mut bad = form();
        bad.closes_on = "2026-02-01".into();
        let errors = validate(&bad, &placement).err().unwrap_or_default();
        assert_eq!(
            errors.message("closes_on"),
            "The window must end on or after it opens."
        );
    }

    #[test]
    fn a_coordinator_cannot_place_a_cycle_nationally_or_elsewhere() {
        let regions = [region()];
        let placement = Placement {
            national: false,
            regions: &regions,
        };
        for place in ["national", "CA", ""] {
            let mut bad = form();
            bad.region = place.into();
            let errors = validate(&bad, &placement).err().unwrap_or_default();
            assert!(!errors.message("region").is_empty(), "{place}");
        }
    }

    #[test]
    fn bad_numbers_and_dates_get_field_messages() {
        let placement = Placement {
            national: true,
            regions: &[],
        };
        let mut bad = form();
        bad.region = "national".into();
        bad.opens_on = "tomorrow".into();
        bad.duration_months = "40".into();
        bad.weight_needs = "-1".into();
        let errors = validate(&bad, &placement).err().unwrap_or_default();
        assert_eq!(errors.message("opens_on"), "Enter a date like 2026-09-01.");
        assert!(!errors.message("duration_months").is_empty());
        assert!(!errors.message("weight_needs").is_empty());
        assert!(
            errors.message("region").is_empty(),
            "admins place nationally"
        );
    }

    #[test]
    fn weights_scale_the_engine_defaults() {
        let weights = CycleWeights {
            needs: 200,
            affinity: 0,
            ..CycleWeights::default()
        };
        let engine = weights.engine_weights();
        assert_eq!(engine.need_by_rank[0], 260);
        assert_eq!(engine.affinity, 0);
        assert_eq!(
            CycleWeights::default().engine_weights(),
            carrel_matching::scoring::Weights::default()
        );
    }
}
