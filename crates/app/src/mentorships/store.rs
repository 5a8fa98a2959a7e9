//! The queries of mentorships: the pair as stored, its agreement, goals, meetings, fit
//! answers, extensions and reflections.
//!
//! Private notes are read by [`private_notes`] alone, which handlers call only after
//! [`may_read_private_notes`](crate::platform::auth::policy::may_read_private_notes); every
//! other query, including the dashboards and their CSV, leaves the column out.

use chrono::{DateTime, Months, NaiveDate, Utc};

use crate::cycles::proposals::Side;
use crate::mentorships::rules::{self, CheckIn, Concerns, Health};
use crate::platform::db::{join_ids, now, Db};
use crate::surveys::store::{latest_check_ins, LATEST_CHECK_INS};
use crate::{execute, on_db};

/// A mentorship with its pair, cycle and liaison.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Mentorship {
    /// Its id.
    pub id: i64,
    /// The cycle.
    pub cycle_id: i64,
    /// The cycle's name.
    pub cycle_name: String,
    /// The cycle's region; `None` for a national cycle or a group of regions.
    pub cycle_region_id: Option<i64>,
    /// The regions of a cycle for a group of regions (empty otherwise).
    #[sqlx(skip)]
    pub cycle_group: Vec<i64>,
    /// The cycle's meeting cadence, used until the pair agrees on one.
    pub cycle_cadence: String,
    /// The day the cycle's mentorships start.
    pub cycle_starts_on: NaiveDate,
    /// How long the cycle's mentorships last.
    pub cycle_months: i64,
    /// The proposal both accepted.
    pub proposal_id: i64,
    /// The mentee.
    pub mentee_id: i64,
    /// Their name.
    pub mentee_name: String,
    /// Their address.
    pub mentee_email: String,
    /// Their career stage code.
    pub mentee_stage: String,
    /// The mentor.
    pub mentor_id: i64,
    /// Their name.
    pub mentor_name: String,
    /// Their address.
    pub mentor_email: String,
    /// The liaison coordinator.
    pub liaison_id: Option<i64>,
    /// Their name.
    pub liaison_name: Option<String>,
    /// Their address.
    pub liaison_email: Option<String>,
    /// `active`, `completed` or `ended` (early).
    pub status: String,
    /// When both had accepted.
    pub started_at: DateTime<Utc>,
    /// The planned end, once agreed or extended.
    pub ends_on: Option<NaiveDate>,
    /// When it ended.
    pub ended_at: Option<DateTime<Utc>>,
    /// Why it ended early; empty for a completed one.
    pub end_reason: String,
    /// The cadence the pair agreed on, if any.
    pub agreed_cadence: Option<String>,
}

impl Mentorship {
    /// The side a person is on, if they are one of the pair.
    pub fn side_of(&self, person_id: i64) -> Option<Side> {
        if person_id == self.mentee_id {
            Some(Side::Mentee)
        } else if person_id == self.mentor_id {
            Some(Side::Mentor)
        } else {
            None
        }
    }

    /// Whether a person is one of the pair.
    pub fn is_pair(&self, person_id: i64) -> bool {
        self.side_of(person_id).is_some()
    }

    /// The name of the other person of the pair.
    pub fn partner_name(&self, person_id: i64) -> &str {
        if person_id == self.mentee_id {
            &self.mentor_name
        } else {
            &self.mentee_name
        }
    }

    /// The day it began.
    pub fn started_on(&self) -> NaiveDate {
        self.started_at.date_naive()
    }

    /// The planned last day: agreed or extended, else the cycle's end.
    pub fn planned_end(&self) -> NaiveDate {
        self.ends_on.unwrap_or_else(|| {
            let months = Months::new(u32::try_from(self.cycle_months).unwrap_or(9));
            self.cycle_starts_on
                .checked_add_months(months)
                .unwrap_or(self.cycle_starts_on)
        })
    }

    /// The meeting cadence in force.
    pub fn cadence(&self) -> &str {
        self.agreed_cadence
            .as_deref()
            .unwrap_or(&self.cycle_cadence)
    }

    /// Whether the pair still meets.
    pub fn is_active(&self) -> bool {
        self.status == "active"
    }

    /// The regions whose coordinators run the cycle: one, a group, or none when national.
    pub fn cycle_regions(&self) -> Vec<i64> {
        match self.cycle_region_id {
            Some(id) => vec![id],
            None => self.cycle_group.clone(),
        }
    }

    /// The status in words.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "active" => "Active",
            "completed" => "Completed",
            _ => "Ended early",
        }
    }
}

const SELECT: &str = "SELECT s.id, s.cycle_id, c.name AS cycle_name, \
     c.region_id AS cycle_region_id, c.cadence AS cycle_cadence, \
     c.starts_on AS cycle_starts_on, c.duration_months AS cycle_months, s.proposal_id, \
     s.mentee_id, e.name AS mentee_name, e.email AS mentee_email, e.stage AS mentee_stage, \
     s.mentor_id, m.name AS mentor_name, m.email AS mentor_email, s.liaison_id, \
     l.name AS liaison_name, l.email AS liaison_email, s.status, s.started_at, s.ends_on, \
     s.ended_at, s.end_reason, a.cadence AS agreed_cadence \
     FROM mentorships s JOIN cycles c ON c.id = s.cycle_id \
     JOIN people e ON e.id = s.mentee_id JOIN people m ON m.id = s.mentor_id \
     LEFT JOIN people l ON l.id = s.liaison_id \
     LEFT JOIN mentorship_agreements a ON a.mentorship_id = s.id";

/// One mentorship.
pub async fn find(db: &Db, id: i64) -> Result<Option<Mentorship>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    let found: Option<Mentorship> = on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)?;
    let Some(mut mentorship) = found else {
        return Ok(None);
    };
    if mentorship.cycle_region_id.is_none() {
        mentorship.cycle_group = crate::cycles::cycle::group_of(db, mentorship.cycle_id).await?;
    }
    Ok(Some(mentorship))
}

/// A person's mentorships, as mentee or mentor, active ones first, newest first.
pub async fn of_person(db: &Db, person_id: i64) -> Result<Vec<Mentorship>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE s.mentee_id = $1 OR s.mentor_id = $1 \
         ORDER BY CASE WHEN s.status = 'active' THEN 0 ELSE 1 END, s.id DESC LIMIT 50"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(person_id)
        .fetch_all(pool)
        .await)
}

/// Which mentorships a list covers.
#[derive(Clone, Debug)]
pub enum Scope {
    /// Every mentorship of the nation.
    National,
    /// One cycle's.
    Cycle(i64),
    /// Those of cycles in these regions, and those this person is liaison to.
    Watched {
        /// The regions the person coordinates.
        regions: Vec<i64>,
        /// The person.
        liaison_id: i64,
    },
}

impl Scope {
    /// The cycles a scope's pairs belong to, as a list or a subquery for
    /// [`latest_check_ins`]; `None` for every cycle. A coordinator's home page then reads the
    /// check-ins of the cycles they watch, not the nation's.
    fn cycles(&self) -> Option<String> {
        match self {
            Scope::National => None,
            Scope::Cycle(id) => Some(id.to_string()),
            Scope::Watched { .. } => Some(format!(
                "SELECT s.cycle_id FROM mentorships s JOIN cycles c ON c.id = s.cycle_id \
                 WHERE {}",
                self.condition()
            )),
        }
    }

    // Ids come from the policy and the database only; see `join_ids`.
    fn condition(&self) -> String {
        match self {
            Scope::National => "1 = 1".to_owned(),
            Scope::Cycle(id) => format!("s.cycle_id = {id}"),
            Scope::Watched {
                regions,
                liaison_id,
            } if regions.is_empty() => format!("s.liaison_id = {liaison_id}"),
            Scope::Watched {
                regions,
                liaison_id,
            } => {
                let regions = join_ids(regions);
                format!(
                    "(c.region_id IN ({regions}) OR s.liaison_id = {liaison_id} \
                     OR EXISTS (SELECT 1 FROM cycle_regions g \
                     WHERE g.cycle_id = s.cycle_id AND g.region_id IN ({regions})))"
                )
            }
        }
    }
}

/// The latest answer of each of a pair to the "how is it going" question of the cycle's
/// midpoint check-ins, read with the pair from the survey answers.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct PairCheckIns {
    /// The mentee's answer, 1 to 5.
    pub mentee_check_in: Option<i64>,
    /// When the mentee gave it.
    pub mentee_check_in_at: Option<DateTime<Utc>>,
    /// The mentor's answer, 1 to 5.
    pub mentor_check_in: Option<i64>,
    /// When the mentor gave it.
    pub mentor_check_in_at: Option<DateTime<Utc>>,
}

impl PairCheckIns {
    /// The check-in of one side, if it answered.
    pub fn of(&self, side: Side) -> Option<CheckIn> {
        let (score, answered_at) = match side {
            Side::Mentee => (self.mentee_check_in, self.mentee_check_in_at),
            Side::Mentor => (self.mentor_check_in, self.mentor_check_in_at),
        };
        Some(CheckIn {
            score: score?,
            answered_at: answered_at?,
        })
    }

    /// The check-ins of both sides that answered.
    pub fn both(&self) -> Vec<CheckIn> {
        [Side::Mentee, Side::Mentor]
            .into_iter()
            .filter_map(|side| self.of(side))
            .collect()
    }
}

// The columns of `PairCheckIns`, from the joins of `check_in_joins`.
const CHECK_IN_COLUMNS: &str =
    "ce.score AS mentee_check_in, ce.answered_at AS mentee_check_in_at, \
     cr.score AS mentor_check_in, cr.answered_at AS mentor_check_in_at";

// Joins the `latest_check_ins` table expression to the mentorship aliased `alias`, once for
// each side of the pair, in the role each side is asked.
fn check_in_joins(alias: &str) -> String {
    format!(
        "LEFT JOIN {LATEST_CHECK_INS} ce ON ce.cycle_id = {alias}.cycle_id \
         AND ce.person_id = {alias}.mentee_id AND ce.role = 'mentee' \
         LEFT JOIN {LATEST_CHECK_INS} cr ON cr.cycle_id = {alias}.cycle_id \
         AND cr.person_id = {alias}.mentor_id AND cr.role = 'mentor'"
    )
}

/// The latest check-ins of one mentorship's pair.
pub async fn check_ins(db: &Db, mentorship: &Mentorship) -> Result<PairCheckIns, sqlx::Error> {
    let sql = format!(
        "WITH {} SELECT {} FROM mentorships s {} WHERE s.id = $1",
        latest_check_ins(Some(&mentorship.cycle_id.to_string())),
        CHECK_IN_COLUMNS,
        check_in_joins("s")
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(mentorship.id)
        .fetch_one(pool)
        .await)
}

/// A mentorship with what its health and the dashboards need.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PairRow {
    /// The mentorship.
    #[sqlx(flatten)]
    pub mentorship: Mentorship,
    /// The day of its last meeting.
    pub last_met_on: Option<NaiveDate>,
    /// How many meetings it logged.
    pub meetings: i64,
    /// How many of the pair answered whether the match fits.
    pub fit_answers: i64,
    /// How many of the pair said the match does not fit.
    pub poor_fits: i64,
    /// The sum of the goal-attainment ratings given at the end.
    pub attainment_sum: i64,
    /// How many rated goal attainment.
    pub attainment_count: i64,
    /// The latest check-in of each of the pair.
    #[sqlx(flatten)]
    pub check_ins: PairCheckIns,
}

impl PairRow {
    /// What either of the pair raised, as it counts today.
    pub fn concerns(&self, today: NaiveDate) -> Concerns {
        Concerns::from_answers(
            self.poor_fits > 0,
            &self.check_ins.both(),
            self.mentorship.started_at,
            today,
        )
    }

    /// Its health today; only meaningful while active.
    pub fn health(&self, today: NaiveDate) -> Health {
        let since = self
            .last_met_on
            .unwrap_or_else(|| self.mentorship.started_on());
        rules::health(
            self.mentorship.cadence(),
            since,
            today,
            self.concerns(today),
        )
    }

    /// The day the next meeting is due by.
    pub fn next_meeting_due(&self) -> NaiveDate {
        let since = self
            .last_met_on
            .unwrap_or_else(|| self.mentorship.started_on());
        rules::next_meeting_due(self.mentorship.cadence(), since)
    }
}

/// The mentorships of a scope with their meeting counts, last meetings, fit and attainment,
/// `status` (`None`: any), by id.
pub async fn pairs(
    db: &Db,
    scope: &Scope,
    status: Option<&str>,
) -> Result<Vec<PairRow>, sqlx::Error> {
    let sql = format!(
        "WITH {} SELECT q.*, {}, \
         (SELECT MAX(g.met_on) FROM mentorship_meetings g WHERE g.mentorship_id = q.id) \
           AS last_met_on, \
         (SELECT COUNT(*) FROM mentorship_meetings g WHERE g.mentorship_id = q.id) \
           AS meetings, \
         (SELECT COUNT(*) FROM mentorship_fit f WHERE f.mentorship_id = q.id) AS fit_answers, \
         (SELECT COUNT(*) FROM mentorship_fit f WHERE f.mentorship_id = q.id \
           AND f.answer = 'poor') AS poor_fits, \
         (SELECT CAST(COALESCE(SUM(r.attainment), 0) AS BIGINT) \
           FROM mentorship_reflections r WHERE r.mentorship_id = q.id) AS attainment_sum, \
         (SELECT COUNT(*) FROM mentorship_reflections r WHERE r.mentorship_id = q.id) \
           AS attainment_count \
         FROM ({SELECT} WHERE {} AND ($1 = '' OR s.status = $1)) q {} ORDER BY q.id",
        latest_check_ins(scope.cycles().as_deref()),
        CHECK_IN_COLUMNS,
        scope.condition(),
        check_in_joins("q")
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(status.unwrap_or(""))
        .fetch_all(pool)
        .await)
}

/// The numbers of one mentorship the dashboards count: no names, no text.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Tally {
    /// `active`, `completed` or `ended`.
    pub status: String,
    /// When both had accepted.
    pub started_at: DateTime<Utc>,
    /// Why it ended early.
    pub end_reason: String,
    /// The cadence in force: agreed, else the cycle's.
    pub cadence: String,
    /// The day of its last meeting.
    pub last_met_on: Option<NaiveDate>,
    /// How many meetings it logged.
    pub meetings: i64,
    /// How many of the pair said the match does not fit.
    pub poor_fits: i64,
    /// The sum of the goal-attainment ratings given at the end.
    pub attainment_sum: i64,
    /// How many rated goal attainment.
    pub attainment_count: i64,
    /// The latest check-in of each of the pair.
    #[sqlx(flatten)]
    pub check_ins: PairCheckIns,
}

impl Tally {
    /// Its health today; only meaningful while active.
    pub fn health(&self, today: NaiveDate) -> Health {
        let since = self
            .last_met_on
            .unwrap_or_else(|| self.started_at.date_naive());
        let concerns = Concerns::from_answers(
            self.poor_fits > 0,
            &self.check_ins.both(),
            self.started_at,
            today,
        );
        rules::health(&self.cadence, since, today, concerns)
    }
}

/// The numbers of every mentorship of a scope, for the dashboards. Lighter than [`pairs`]:
/// it reads no person and carries no text a dashboard does not count.
pub async fn tallies(db: &Db, scope: &Scope) -> Result<Vec<Tally>, sqlx::Error> {
    let sql = format!(
        "WITH {} SELECT s.status, s.started_at, s.end_reason, \
         COALESCE(a.cadence, c.cadence) AS cadence, {}, \
         (SELECT MAX(g.met_on) FROM mentorship_meetings g WHERE g.mentorship_id = s.id) \
           AS last_met_on, \
         (SELECT COUNT(*) FROM mentorship_meetings g WHERE g.mentorship_id = s.id) \
           AS meetings, \
         (SELECT COUNT(*) FROM mentorship_fit f WHERE f.mentorship_id = s.id \
           AND f.answer = 'poor') AS poor_fits, \
         (SELECT CAST(COALESCE(SUM(r.attainment), 0) AS BIGINT) \
           FROM mentorship_reflections r WHERE r.mentorship_id = s.id) AS attainment_sum, \
         (SELECT COUNT(*) FROM mentorship_reflections r WHERE r.mentorship_id = s.id) \
           AS attainment_count \
         FROM mentorships s JOIN cycles c ON c.id = s.cycle_id \
         LEFT JOIN mentorship_agreements a ON a.mentorship_id = s.id {} WHERE {}",
        latest_check_ins(scope.cycles().as_deref()),
        CHECK_IN_COLUMNS,
        check_in_joins("s"),
        scope.condition()
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}

/// The agreement of a pair.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct Agreement {
    /// What the pair wants to reach, in their words.
    pub goals: String,
    /// The meeting cadence code.
    pub cadence: String,
    /// How they will meet (a mode code).
    pub meeting_mode: String,
    /// What stays between them.
    pub confidentiality: String,
    /// When the mentee confirmed the current text.
    pub mentee_confirmed_at: Option<DateTime<Utc>>,
    /// When the mentor confirmed the current text.
    pub mentor_confirmed_at: Option<DateTime<Utc>>,
}

impl Agreement {
    /// Whether both confirmed the current text.
    pub fn is_confirmed(&self) -> bool {
        self.mentee_confirmed_at.is_some() && self.mentor_confirmed_at.is_some()
    }

    /// Whether this side confirmed the current text.
    pub fn confirmed_by(&self, side: Side) -> bool {
        match side {
            Side::Mentee => self.mentee_confirmed_at.is_some(),
            Side::Mentor => self.mentor_confirmed_at.is_some(),
        }
    }
}

/// The agreement of a mentorship, if written.
pub async fn agreement(db: &Db, id: i64) -> Result<Option<Agreement>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT goals, cadence, meeting_mode, confidentiality, mentee_confirmed_at, \
             mentor_confirmed_at FROM mentorship_agreements WHERE mentorship_id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await
    })
}

/// Saves the agreement and its end date. A changed text needs both confirmations again; the
/// person who saved it confirms it by saving.
pub async fn save_agreement(
    db: &Db,
    id: i64,
    agreement: &Agreement,
    ends_on: NaiveDate,
    by: Side,
    person_id: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    let (mentee_at, mentor_at) = match by {
        Side::Mentee => (Some(at), None),
        Side::Mentor => (None, Some(at)),
    };
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO mentorship_agreements (mentorship_id, goals, cadence, meeting_mode, \
             confidentiality, mentee_confirmed_at, mentor_confirmed_at, updated_by, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (mentorship_id) DO UPDATE \
             SET goals = excluded.goals, cadence = excluded.cadence, \
             meeting_mode = excluded.meeting_mode, confidentiality = excluded.confidentiality, \
             mentee_confirmed_at = excluded.mentee_confirmed_at, \
             mentor_confirmed_at = excluded.mentor_confirmed_at, \
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        )
        .bind(id)
        .bind(&agreement.goals)
        .bind(&agreement.cadence)
        .bind(&agreement.meeting_mode)
        .bind(&agreement.confidentiality)
        .bind(mentee_at)
        .bind(mentor_at)
        .bind(person_id)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE mentorships SET ends_on = $1 WHERE id = $2")
            .bind(ends_on)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })?;
    tracing::info!(mentorship.id = id, "agreement saved");
    Ok(())
}

/// Records one side's confirmation of the agreement as it stands.
pub async fn confirm_agreement(db: &Db, id: i64, side: Side) -> Result<u64, sqlx::Error> {
    let column = match side {
        Side::Mentee => "mentee_confirmed_at",
        Side::Mentor => "mentor_confirmed_at",
    };
    let sql = format!(
        "UPDATE mentorship_agreements SET {column} = $1 WHERE mentorship_id = $2 \
         AND {column} IS NULL"
    );
    let changed = execute!(db, sqlx::query(&sql).bind(now()).bind(id))?;
    tracing::info!(mentorship.id = id, "agreement confirmed");
    Ok(changed)
}

/// A goal with its milestones.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Goal {
    /// Its id.
    pub id: i64,
    /// The mentorship.
    pub mentorship_id: i64,
    /// What the mentee wants to reach.
    pub title: String,
    /// Progress in percent, 0 to 100.
    pub progress: i64,
    /// The steps toward it.
    #[sqlx(skip)]
    pub milestones: Vec<Milestone>,
}

impl Goal {
    /// Whether the goal is still open.
    pub fn is_open(&self) -> bool {
        self.progress < 100
    }
}

/// A step toward a goal.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Milestone {
    /// Its id.
    pub id: i64,
    /// The goal.
    pub goal_id: i64,
    /// What it is.
    pub title: String,
    /// Whether it is reached.
    pub done: bool,
}

/// The goals of a mentorship with their milestones, oldest first.
pub async fn goals(db: &Db, id: i64) -> Result<Vec<Goal>, sqlx::Error> {
    let mut goals: Vec<Goal> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, mentorship_id, title, progress FROM mentorship_goals \
             WHERE mentorship_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    let milestones: Vec<Milestone> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT k.id, k.goal_id, k.title, k.done FROM goal_milestones k \
             JOIN mentorship_goals g ON g.id = k.goal_id WHERE g.mentorship_id = $1 \
             ORDER BY k.id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })?;
    for goal in &mut goals {
        goal.milestones = milestones
            .iter()
            .filter(|m| m.goal_id == goal.id)
            .cloned()
            .collect();
    }
    Ok(goals)
}

/// Adds a goal with its milestones.
pub async fn add_goal(
    db: &Db,
    id: i64,
    title: &str,
    milestones: &[String],
    person_id: i64,
) -> Result<i64, sqlx::Error> {
    let at = now();
    let goal_id = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (goal_id,): (i64,) = sqlx::query_as(
            "INSERT INTO mentorship_goals (mentorship_id, title, progress, created_by, \
             created_at, updated_at) VALUES ($1, $2, 0, $3, $4, $4) RETURNING id",
        )
        .bind(id)
        .bind(title)
        .bind(person_id)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for milestone in milestones {
            sqlx::query("INSERT INTO goal_milestones (goal_id, title, done) VALUES ($1, $2, $3)")
                .bind(goal_id)
                .bind(milestone)
                .bind(false)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(goal_id)
    })?;
    tracing::info!(mentorship.id = id, goal.id = goal_id, "goal added");
    Ok(goal_id)
}

/// Sets a goal's progress and which of its milestones are reached.
pub async fn update_goal(
    db: &Db,
    goal_id: i64,
    progress: i64,
    done: &[i64],
) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("UPDATE mentorship_goals SET progress = $1, updated_at = $2 WHERE id = $3")
            .bind(progress)
            .bind(at)
            .bind(goal_id)
            .execute(&mut *tx)
            .await?;
        let milestones: Vec<(i64, bool)> =
            sqlx::query_as("SELECT id, done FROM goal_milestones WHERE goal_id = $1")
                .bind(goal_id)
                .fetch_all(&mut *tx)
                .await?;
        for (milestone, was_done) in milestones {
            let is_done = done.contains(&milestone);
            if is_done == was_done {
                continue;
            }
            sqlx::query("UPDATE goal_milestones SET done = $1, done_at = $2 WHERE id = $3")
                .bind(is_done)
                .bind(is_done.then_some(at))
                .bind(milestone)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    })?;
    tracing::info!(goal.id = goal_id, "goal progress updated");
    Ok(())
}

/// A logged meeting, without its private notes.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Meeting {
    /// Its id.
    pub id: i64,
    /// The day they met.
    pub met_on: NaiveDate,
    /// How long, in minutes.
    pub minutes: i64,
    /// How they met (a mode code).
    pub mode: String,
    /// The topic codes touched, comma separated.
    pub topics: String,
    /// Who logged it.
    pub logged_by_name: Option<String>,
}

impl Meeting {
    /// The mode in words.
    pub fn mode_label(&self) -> &str {
        rules::mode_label(&self.mode)
    }
}

/// The meetings of a mentorship, newest first, without their private notes.
pub async fn meetings(db: &Db, id: i64) -> Result<Vec<Meeting>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT g.id, g.met_on, g.minutes, g.mode, g.topics, p.name AS logged_by_name \
             FROM mentorship_meetings g LEFT JOIN people p ON p.id = g.logged_by \
             WHERE g.mentorship_id = $1 ORDER BY g.met_on DESC, g.id DESC",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// The private notes of a mentorship's meetings, by meeting id. Call only for the pair.
pub async fn private_notes(db: &Db, id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, private_notes FROM mentorship_meetings \
             WHERE mentorship_id = $1 AND private_notes <> '' ORDER BY id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// A meeting to log.
#[derive(Clone, Debug)]
pub struct NewMeeting {
    /// The day they met.
    pub met_on: NaiveDate,
    /// How long, in minutes.
    pub minutes: i64,
    /// A mode code.
    pub mode: String,
    /// Topic codes, comma separated.
    pub topics: String,
    /// Notes for the pair alone.
    pub private_notes: String,
}

/// Logs a meeting.
pub async fn log_meeting(
    db: &Db,
    id: i64,
    meeting: &NewMeeting,
    person_id: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO mentorship_meetings (mentorship_id, met_on, minutes, mode, topics, \
             private_notes, logged_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(meeting.met_on)
        .bind(meeting.minutes)
        .bind(&meeting.mode)
        .bind(&meeting.topics)
        .bind(&meeting.private_notes)
        .bind(person_id)
        .bind(now())
    )?;
    tracing::info!(mentorship.id = id, "meeting logged");
    Ok(())
}

/// The fit answers of a mentorship: (person, answer code).
pub async fn fit_answers(db: &Db, id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT person_id, answer FROM mentorship_fit WHERE mentorship_id = $1 \
             ORDER BY person_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// Records (or changes) one person's answer to "does this match fit?".
pub async fn answer_fit(db: &Db, id: i64, person_id: i64, answer: &str) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO mentorship_fit (mentorship_id, person_id, answer, answered_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (mentorship_id, person_id) DO UPDATE \
             SET answer = excluded.answer, answered_at = excluded.answered_at",
        )
        .bind(id)
        .bind(person_id)
        .bind(answer)
        .bind(now())
    )?;
    tracing::info!(mentorship.id = id, "fit answered");
    Ok(())
}

/// Moves the planned end to a later day and records why.
pub async fn extend(
    db: &Db,
    mentorship: &Mentorship,
    to_on: NaiveDate,
    reason: &str,
    person_id: i64,
) -> Result<(), sqlx::Error> {
    let from_on = mentorship.planned_end();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query(
            "INSERT INTO mentorship_extensions (mentorship_id, from_on, to_on, reason, \
             person_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(mentorship.id)
        .bind(from_on)
        .bind(to_on)
        .bind(reason)
        .bind(person_id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE mentorships SET ends_on = $1 WHERE id = $2")
            .bind(to_on)
            .bind(mentorship.id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    })?;
    tracing::info!(mentorship.id = mentorship.id, "mentorship extended");
    Ok(())
}

/// Ends an active mentorship: `completed` at its planned end, or `ended` early with a
/// reason. Returns whether this call ended it (a second call finds it ended already).
pub async fn close(db: &Db, id: i64, status: &str, reason: &str) -> Result<bool, sqlx::Error> {
    let changed = execute!(
        db,
        sqlx::query(
            "UPDATE mentorships SET status = $1, end_reason = $2, ended_at = $3 \
             WHERE id = $4 AND status = 'active'",
        )
        .bind(status)
        .bind(reason)
        .bind(now())
        .bind(id)
    )?;
    if changed == 1 {
        tracing::info!(mentorship.id = id, status, "mentorship closed");
    }
    Ok(changed == 1)
}

/// A closing reflection.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Reflection {
    /// Who wrote it.
    pub person_id: i64,
    /// What they wrote.
    pub reflection: String,
    /// Goal attainment from 1 (none) to 5 (fully).
    pub attainment: i64,
}

/// The reflections of a mentorship.
pub async fn reflections(db: &Db, id: i64) -> Result<Vec<Reflection>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT person_id, reflection, attainment FROM mentorship_reflections \
             WHERE mentorship_id = $1 ORDER BY person_id",
        )
        .bind(id)
        .fetch_all(pool)
        .await
    })
}

/// Saves (or rewrites) one person's closing reflection.
pub async fn save_reflection(
    db: &Db,
    id: i64,
    person_id: i64,
    reflection: &str,
    attainment: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO mentorship_reflections (mentorship_id, person_id, reflection, \
             attainment, written_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (mentorship_id, person_id) DO UPDATE SET \
             reflection = excluded.reflection, attainment = excluded.attainment, \
             written_at = excluded.written_at",
        )
        .bind(id)
        .bind(person_id)
        .bind(reflection)
        .bind(attainment)
        .bind(now())
    )?;
    tracing::info!(mentorship.id = id, "reflection saved");
    Ok(())
}

/// How many mentorships each of these people completed as mentor.
pub async fn completed_as_mentor(db: &Db, people: &[i64]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    if people.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT mentor_id, COUNT(*) FROM mentorships WHERE status = 'completed' \
         AND mentor_id IN ({}) GROUP BY mentor_id",
        join_ids(people)
    );
    on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)
}
