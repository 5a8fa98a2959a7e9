//! The surveys' queries: sending a survey with its questions and recipients, answers,
//! counts for results, and the named-response log.

use chrono::{DateTime, Utc};

use crate::mentorships::rules::SURVEYED_STATUSES;
use crate::platform::db::{is_unique_violation, now, Db};
use crate::platform::mail::{self, Outgoing};
use crate::surveys::builtin::{Audience, SurveyTemplate, HOW_IT_IS_GOING};
use crate::surveys::question::{Question, QuestionKind, Value};
use crate::{execute, on_db};

/// A survey as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Survey {
    /// Its id.
    pub id: i64,
    /// The cycle it belongs to.
    pub cycle_id: i64,
    /// The built-in template it was sent from (its kind).
    pub template: String,
    /// Its title.
    pub title: String,
    /// The audience code (see [`Audience`]).
    pub audience: String,
    /// When answers are first taken.
    pub opens_at: DateTime<Utc>,
    /// When answers stop being taken.
    pub closes_at: DateTime<Utc>,
    /// Whether the scheduler sent it, rather than a person.
    pub scheduled: bool,
    /// When the reminder went out, if it did.
    pub reminded_at: Option<DateTime<Utc>>,
}

impl Survey {
    /// Whether answers are taken at this moment.
    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.opens_at <= at && at < self.closes_at
    }

    /// Whether answers are taken now.
    pub fn is_open_now(&self) -> bool {
        self.is_open(now())
    }

    /// Its audience; an unknown code reads as mentees and mentors.
    pub fn audience(&self) -> Audience {
        Audience::parse(&self.audience).unwrap_or(Audience::Both)
    }
}

const SURVEY_COLUMNS: &str = "id, cycle_id, template, title, audience, opens_at, closes_at, \
     scheduled, reminded_at";

/// A survey to send.
#[derive(Clone, Debug)]
pub struct NewSurvey {
    /// The cycle.
    pub cycle_id: i64,
    /// The template whose questions it copies.
    pub template: &'static SurveyTemplate,
    /// Who it asks.
    pub audience: Audience,
    /// When it opens.
    pub opens_at: DateTime<Utc>,
    /// When it closes.
    pub closes_at: DateTime<Utc>,
    /// Whether the scheduler sends it.
    pub scheduled: bool,
    /// Who sent it.
    pub sent_by: Option<i64>,
}

/// Creates a survey with its questions and recipients, in one transaction; returns its id
/// and how many people it asks.
pub async fn create(db: &Db, new: &NewSurvey) -> Result<(i64, i64), sqlx::Error> {
    let at = now();
    let recipients = recipients_sql(new.audience);
    let (id, asked) = on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO surveys (cycle_id, template, title, audience, opens_at, closes_at, \
             scheduled, sent_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(new.cycle_id)
        .bind(new.template.code)
        .bind(new.template.title)
        .bind(new.audience.code())
        .bind(new.opens_at)
        .bind(new.closes_at)
        .bind(new.scheduled)
        .bind(new.sent_by)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        for (index, (kind, prompt, choices, required)) in new.template.questions.iter().enumerate()
        {
            sqlx::query(
                "INSERT INTO survey_questions (survey_id, position, kind, prompt, choices, \
                 required) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(index as i64 + 1)
            .bind(kind.code())
            .bind(*prompt)
            .bind(choices.join("\n"))
            .bind(*required)
            .execute(&mut *tx)
            .await?;
        }
        let mut asked = 0;
        for sql in &recipients {
            asked += sqlx::query(sql)
                .bind(id)
                .bind(new.cycle_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        tx.commit().await?;
        Ok::<(i64, u64), sqlx::Error>((id, asked))
    })?;
    tracing::info!(
        survey.id = id,
        cycle.id = new.cycle_id,
        asked,
        "survey sent"
    );
    Ok((id, i64::try_from(asked).unwrap_or(i64::MAX)))
}

// Recipients are fixed when a survey is sent, so the response rate keeps its meaning when
// pairs change later. Mentees and mentors are asked through the cycle's mentorships that are
// running or completed (`rules::SURVEYED_STATUSES`): a mentee re-paired within the cycle is
// asked once, through the new pair, and a pair that ended early is not asked at all. A
// person in both roles of a cycle is asked once, as a mentee. The coordinators asked are
// those of the cycle's region or group, or all of them for a national cycle.
fn recipients_sql(audience: Audience) -> Vec<String> {
    let surveyed = SURVEYED_STATUSES
        .iter()
        .map(|status| format!("'{status}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let side = |column: &str, role: &str| {
        format!(
            "INSERT INTO survey_recipients (survey_id, person_id, role) \
             SELECT DISTINCT $1, {column}, '{role}' FROM mentorships \
             WHERE cycle_id = $2 AND status IN ({surveyed}) ON CONFLICT DO NOTHING"
        )
    };
    const COORDINATORS: &str = "INSERT INTO survey_recipients (survey_id, person_id, role) \
         SELECT DISTINCT $1, g.person_id, 'coordinator' FROM grants g \
         JOIN people p ON p.id = g.person_id JOIN cycles c ON c.id = $2 \
         WHERE g.role = 'coordinator' AND p.status = 'active' \
         AND (g.region_id = c.region_id OR (c.region_id IS NULL AND (\
         NOT EXISTS (SELECT 1 FROM cycle_regions r WHERE r.cycle_id = c.id) \
         OR g.region_id IN (SELECT r.region_id FROM cycle_regions r WHERE r.cycle_id = c.id)))) \
         ON CONFLICT DO NOTHING";
    let mentees = || side("mentee_id", "mentee");
    let mentors = || side("mentor_id", "mentor");
    match audience {
        Audience::Mentees => vec![mentees()],
        Audience::Mentors => vec![mentors()],
        Audience::Both => vec![mentees(), mentors()],
        Audience::Coordinators => vec![COORDINATORS.to_owned()],
    }
}

/// One survey.
pub async fn find(db: &Db, id: i64) -> Result<Option<Survey>, sqlx::Error> {
    let sql = format!("SELECT {SURVEY_COLUMNS} FROM surveys WHERE id = $1");
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await)
}

/// A survey's questions, in order.
pub async fn questions(db: &Db, survey_id: i64) -> Result<Vec<Question>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, position, kind, prompt, choices, required FROM survey_questions \
             WHERE survey_id = $1 ORDER BY position",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })
}

/// The role in which a person is asked a survey, if they are asked at all.
pub async fn recipient_role(
    db: &Db,
    survey_id: i64,
    person_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT role FROM survey_recipients WHERE survey_id = $1 AND person_id = $2")
            .bind(survey_id)
            .bind(person_id)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.map(|(role,)| role))
}

/// When a person answered a survey, if they did.
pub async fn answered_at(
    db: &Db,
    survey_id: i64,
    person_id: i64,
) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let row: Option<(DateTime<Utc>,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT submitted_at FROM survey_responses WHERE survey_id = $1 AND person_id = $2",
        )
        .bind(survey_id)
        .bind(person_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(at,)| at))
}

/// What became of a submitted response.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Submitted {
    /// Stored.
    Saved,
    /// The person had already answered; nothing changed.
    AlreadyAnswered,
    /// The survey closed before the answer arrived; nothing changed.
    Closed,
}

/// Stores one person's answers, in one transaction. The survey's closing time is checked in
/// the same statement that writes the response, and the unique (survey, person) pair turns
/// a second answer, even one sent at the same moment, into [`Submitted::AlreadyAnswered`].
pub async fn submit(
    db: &Db,
    survey_id: i64,
    person_id: i64,
    role: &str,
    answers: &[(i64, Value)],
) -> Result<Submitted, sqlx::Error> {
    let at = now();
    let result = on_db!(db, |pool| async {
        let mut tx = pool.begin().await?;
        let response: Option<(i64,)> = sqlx::query_as(
            "INSERT INTO survey_responses (survey_id, person_id, role, submitted_at) \
             SELECT id, $2, $3, $4 FROM surveys WHERE id = $1 AND opens_at <= $4 \
             AND closes_at > $4 RETURNING id",
        )
        .bind(survey_id)
        .bind(person_id)
        .bind(role)
        .bind(at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((response_id,)) = response else {
            return Ok(Submitted::Closed);
        };
        for (question_id, value) in answers {
            let (number, text) = match value {
                Value::Number(n) => (Some(*n), ""),
                Value::Text(t) => (None, t.as_str()),
            };
            sqlx::query(
                "INSERT INTO survey_answers (response_id, survey_id, question_id, role, \
                 number, text) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(response_id)
            .bind(survey_id)
            .bind(question_id)
            .bind(role)
            .bind(number)
            .bind(text)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok::<Submitted, sqlx::Error>(Submitted::Saved)
    }
    .await);
    match result {
        Ok(Submitted::Saved) => {
            tracing::info!(survey.id = survey_id, "survey answered");
            Ok(Submitted::Saved)
        }
        Ok(other) => Ok(other),
        Err(error) if is_unique_violation(&error) => Ok(Submitted::AlreadyAnswered),
        Err(error) => Err(error),
    }
}

/// Closes a survey now, if it is still open; returns whether it was.
pub async fn close(db: &Db, survey_id: i64) -> Result<bool, sqlx::Error> {
    let at = now();
    let changed = execute!(
        db,
        sqlx::query("UPDATE surveys SET closes_at = $1 WHERE id = $2 AND closes_at > $1")
            .bind(at)
            .bind(survey_id)
    )?;
    if changed == 1 {
        tracing::info!(survey.id = survey_id, "survey closed");
    }
    Ok(changed == 1)
}

/// A survey with how many people it asks and how many answered.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SurveyRow {
    /// Its id.
    pub id: i64,
    /// Its title.
    pub title: String,
    /// The audience code.
    pub audience: String,
    /// When it opens.
    pub opens_at: DateTime<Utc>,
    /// When it closes.
    pub closes_at: DateTime<Utc>,
    /// Whether the scheduler sent it.
    pub scheduled: bool,
    /// People asked.
    pub asked: i64,
    /// People who answered.
    pub answered: i64,
}

impl SurveyRow {
    /// The audience's words.
    pub fn audience_label(&self) -> &'static str {
        Audience::parse(&self.audience).map_or("", Audience::label)
    }

    /// Whether it takes answers now.
    pub fn is_open_now(&self) -> bool {
        let at = now();
        self.opens_at <= at && at < self.closes_at
    }

    /// The response rate in whole percent.
    pub fn rate(&self) -> i64 {
        percent(self.answered, self.asked)
    }
}

/// A part of a whole in whole percent, rounded; 0 of nothing is 0.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

/// A cycle's surveys, newest first, with their response counts.
pub async fn of_cycle(db: &Db, cycle_id: i64) -> Result<Vec<SurveyRow>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id, s.title, s.audience, s.opens_at, s.closes_at, s.scheduled, \
             (SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = s.id) AS asked, \
             (SELECT COUNT(*) FROM survey_responses x WHERE x.survey_id = s.id) AS answered \
             FROM surveys s WHERE s.cycle_id = $1 ORDER BY s.opens_at DESC, s.id DESC",
        )
        .bind(cycle_id)
        .fetch_all(pool)
        .await
    })
}

/// Whether a cycle has a survey of this template already.
pub async fn exists_for(db: &Db, cycle_id: i64, template: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM surveys WHERE cycle_id = $1 AND template = $2 LIMIT 1")
            .bind(cycle_id)
            .bind(template)
            .fetch_optional(pool)
            .await
    })?;
    Ok(row.is_some())
}

/// A survey a person is asked and has not answered, while it is open.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueSurvey {
    /// The survey's id; its page is `/surveys/{id}`.
    pub survey_id: i64,
    /// Its title.
    pub title: String,
    /// The cycle's name.
    pub cycle_name: String,
    /// When it closes.
    pub closes_at: DateTime<Utc>,
}

/// The surveys a person must still answer, soonest closing first.
pub async fn due_for(db: &Db, person_id: i64) -> Result<Vec<DueSurvey>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id AS survey_id, s.title, c.name AS cycle_name, s.closes_at \
             FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id \
             JOIN cycles c ON c.id = s.cycle_id \
             WHERE r.person_id = $1 AND s.opens_at <= $2 AND s.closes_at > $2 \
             AND NOT EXISTS (SELECT 1 FROM survey_responses x \
                             WHERE x.survey_id = s.id AND x.person_id = $1) \
             ORDER BY s.closes_at, s.id LIMIT 50",
        )
        .bind(person_id)
        .bind(now())
        .fetch_all(pool)
        .await
    })
}

/// A survey a person was asked, with whether they answered.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AskedSurvey {
    /// The survey's id.
    pub survey_id: i64,
    /// Its title.
    pub title: String,
    /// The cycle's name.
    pub cycle_name: String,
    /// When it opens.
    pub opens_at: DateTime<Utc>,
    /// When it closes.
    pub closes_at: DateTime<Utc>,
    /// When the person answered.
    pub answered_at: Option<DateTime<Utc>>,
}

impl AskedSurvey {
    /// Whether it takes answers now.
    pub fn is_open_now(&self) -> bool {
        let at = now();
        self.opens_at <= at && at < self.closes_at
    }
}

/// Every survey a person was asked, newest first.
pub async fn asked_of(db: &Db, person_id: i64) -> Result<Vec<AskedSurvey>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT s.id AS survey_id, s.title, c.name AS cycle_name, s.opens_at, s.closes_at, \
             x.submitted_at AS answered_at \
             FROM survey_recipients r JOIN surveys s ON s.id = r.survey_id \
             JOIN cycles c ON c.id = s.cycle_id \
             LEFT JOIN survey_responses x ON x.survey_id = s.id AND x.person_id = r.person_id \
             WHERE r.person_id = $1 AND s.opens_at <= $2 \
             ORDER BY s.opens_at DESC, s.id DESC LIMIT 100",
        )
        .bind(person_id)
        .bind(now())
        .fetch_all(pool)
        .await
    })
}

/// The response rate of one kind of survey (one template) over many surveys.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ResponseRate {
    /// The template code.
    pub kind: String,
    /// How many surveys of this kind.
    pub surveys: i64,
    /// People asked, over all of them.
    pub asked: i64,
    /// People who answered.
    pub answered: i64,
}

impl ResponseRate {
    /// The kind's title.
    pub fn title(&self) -> &str {
        crate::surveys::builtin::kind_title(&self.kind)
    }

    /// The response rate in whole percent.
    pub fn rate(&self) -> i64 {
        percent(self.answered, self.asked)
    }
}

/// Response rates per kind of survey: of one cycle, of one region's cycles, or of every
/// cycle when both are `None`. A region counts its regional cycles; national cycles are
/// counted only nationally.
pub async fn cycle_response_summary(
    db: &Db,
    cycle_id: Option<i64>,
    region_id: Option<i64>,
) -> Result<Vec<ResponseRate>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT s.template AS kind, COUNT(DISTINCT s.id) AS surveys, \
             COUNT(r.person_id) AS asked, COUNT(x.id) AS answered \
             FROM surveys s JOIN cycles c ON c.id = s.cycle_id \
             JOIN survey_recipients r ON r.survey_id = s.id \
             LEFT JOIN survey_responses x ON x.survey_id = r.survey_id \
               AND x.person_id = r.person_id \
             WHERE ($1 IS NULL OR s.cycle_id = $1) AND ($2 IS NULL OR c.region_id = $2) \
             GROUP BY s.template ORDER BY s.template",
        )
        .bind(cycle_id)
        .bind(region_id)
        .fetch_all(pool)
        .await
    })
}

/// The name of the table [`latest_check_ins`] defines.
pub const LATEST_CHECK_INS: &str = "latest_check_ins";

/// A common table expression, to follow `WITH`, that defines [`LATEST_CHECK_INS`]
/// `(cycle_id, person_id, role, score, answered_at)`: each person's latest answer, in the
/// role they were asked, to the "how is it going" question of a cycle's midpoint check-ins
/// ([`HOW_IT_IS_GOING`]). Mentorship health joins it by cycle, person and role; it carries a
/// number and a time, no text and no name. `cycles`, a list of cycle ids or a subquery that
/// selects them, narrows it to those cycles' surveys; `None` reads every cycle's.
pub fn latest_check_ins(cycles: Option<&str>) -> String {
    let questions = HOW_IT_IS_GOING
        .iter()
        .map(|(template, role, position)| {
            format!(
                "(v.template = '{template}' AND a.role = '{role}' \
                 AND q.position = {position})"
            )
        })
        .collect::<Vec<_>>()
        .join(" OR ");
    // The cycles come from the calling feature's own code, never from a request. Answers
    // are found by survey, question and role in their covering tally index, then their
    // responses by key: reading each response's answers instead costs half as much again
    // nationally.
    let cycle = cycles.map_or_else(String::new, |cycles| {
        format!("AND v.cycle_id IN ({cycles})")
    });
    format!(
        "{LATEST_CHECK_INS} AS (SELECT cycle_id, person_id, role, score, answered_at FROM \
         (SELECT v.cycle_id, x.person_id, x.role, a.number AS score, \
         x.submitted_at AS answered_at, ROW_NUMBER() OVER (PARTITION BY v.cycle_id, \
         x.person_id, x.role ORDER BY x.submitted_at DESC, x.id DESC) AS newest \
         FROM surveys v JOIN survey_questions q ON q.survey_id = v.id \
         JOIN survey_answers a ON a.survey_id = v.id AND a.question_id = q.id \
         JOIN survey_responses x ON x.id = a.response_id \
         WHERE ({questions}) AND a.number IS NOT NULL {cycle}) answers WHERE newest = 1)"
    )
}

/// The answers to one numbered question (a 1-to-5 or 0-to-10 scale) of one survey, summed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NumberedTotal {
    /// The survey's id.
    pub survey_id: i64,
    /// Its template (its kind).
    pub template: String,
    /// The question's place in the survey, from 1.
    pub position: i64,
    /// What it asks.
    pub prompt: String,
    /// Its kind code.
    pub kind: String,
    /// How many people answered it.
    pub answered: i64,
    /// The sum of their answers.
    pub total: i64,
}

impl NumberedTotal {
    /// The question's kind; an unknown code reads as free text, which has no range.
    pub fn kind(&self) -> QuestionKind {
        QuestionKind::parse(&self.kind).unwrap_or(QuestionKind::Text)
    }
}

/// The sums of the answers to every numbered question, per survey: of one cycle's surveys,
/// or of every survey with `None`. Summed in the database from the answers' covering index;
/// one row per survey and question comes back, never an answer.
///
/// A scale question holds one number per response (`check_answer` takes one), so its rows
/// count its people, the count [`answered_counts`] gives the results page; counting them
/// without `DISTINCT` spares a sort of every answer (0.13 s instead of 0.36 s of CPU for a
/// national cycle's 936,000 answers on SQLite).
pub async fn numbered_totals(
    db: &Db,
    cycle_id: Option<i64>,
) -> Result<Vec<NumberedTotal>, sqlx::Error> {
    let sql = format!(
        "SELECT s.id AS survey_id, s.template, q.position, q.prompt, q.kind, \
         COUNT(a.response_id) AS answered, \
         CAST(COALESCE(SUM(a.number), 0) AS BIGINT) AS total \
         FROM surveys s JOIN survey_questions q ON q.survey_id = s.id \
         LEFT JOIN survey_answers a ON a.survey_id = s.id AND a.question_id = q.id \
           AND a.number IS NOT NULL \
         WHERE q.kind IN ('{}', '{}') AND ($1 IS NULL OR s.cycle_id = $1) \
         GROUP BY s.id, s.template, q.position, q.prompt, q.kind ORDER BY s.id, q.position",
        QuestionKind::Scale.code(),
        QuestionKind::ZeroToTen.code()
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .fetch_all(pool)
        .await)
}

/// People asked and people who answered, by the role they were asked in.
pub async fn counts_by_role(
    db: &Db,
    survey_id: i64,
) -> Result<Vec<(String, i64, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT r.role, COUNT(*), COUNT(x.id) FROM survey_recipients r \
             LEFT JOIN survey_responses x ON x.survey_id = r.survey_id \
               AND x.person_id = r.person_id \
             WHERE r.survey_id = $1 GROUP BY r.role ORDER BY r.role",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })
}

/// How often each number (scale point or choice) was given, per question and role:
/// (question id, role, number, count).
pub async fn number_counts(
    db: &Db,
    survey_id: i64,
) -> Result<Vec<(i64, String, i64, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT question_id, role, number, COUNT(*) FROM survey_answers \
             WHERE survey_id = $1 AND number IS NOT NULL \
             GROUP BY question_id, role, number",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })
}

/// How many people answered each question, per role: (question id, role, people).
pub async fn answered_counts(
    db: &Db,
    survey_id: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT question_id, role, COUNT(DISTINCT response_id) FROM survey_answers \
             WHERE survey_id = $1 GROUP BY question_id, role",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })
}

/// The free-text answers to one question, as (answer id, text), without who wrote them.
pub async fn texts(
    db: &Db,
    survey_id: i64,
    question_id: i64,
    limit: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT id, text FROM survey_answers WHERE survey_id = $1 AND question_id = $2 \
             AND number IS NULL AND text <> '' ORDER BY id LIMIT $3",
        )
        .bind(survey_id)
        .bind(question_id)
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// The people who answered a survey, by name: (response id, name). For the admin's form
/// that opens one named response.
pub async fn respondents(db: &Db, survey_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT x.id, p.name FROM survey_responses x JOIN people p ON p.id = x.person_id \
             WHERE x.survey_id = $1 ORDER BY p.name, x.id",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })
}

/// One response with the name of the person who gave it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NamedResponse {
    /// The response's id.
    pub id: i64,
    /// The person's name.
    pub name: String,
    /// The role they were asked in.
    pub role: String,
    /// When they answered.
    pub submitted_at: DateTime<Utc>,
}

/// One named response of a survey.
pub async fn named_response(
    db: &Db,
    survey_id: i64,
    response_id: i64,
) -> Result<Option<NamedResponse>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT x.id, p.name, x.role, x.submitted_at FROM survey_responses x \
             JOIN people p ON p.id = x.person_id WHERE x.survey_id = $1 AND x.id = $2",
        )
        .bind(survey_id)
        .bind(response_id)
        .fetch_optional(pool)
        .await
    })
}

/// The answers of one response: (question id, number, text).
pub async fn answers_of(
    db: &Db,
    response_id: i64,
) -> Result<Vec<(i64, Option<i64>, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT question_id, number, text FROM survey_answers WHERE response_id = $1 \
             ORDER BY question_id, number",
        )
        .bind(response_id)
        .fetch_all(pool)
        .await
    })
}

/// Records that an admin opened a named response, and why.
pub async fn log_access(
    db: &Db,
    survey_id: i64,
    response_id: i64,
    admin_id: i64,
    reason: &str,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "INSERT INTO survey_access_log (survey_id, response_id, admin_id, reason, \
             opened_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(survey_id)
        .bind(response_id)
        .bind(admin_id)
        .bind(reason)
        .bind(now())
    )?;
    // The log line names ids only; the reason may hold personal details.
    tracing::info!(
        survey.id = survey_id,
        response.id = response_id,
        admin.id = admin_id,
        "named survey response opened"
    );
    Ok(())
}

/// One entry of the named-response log.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccessRecord {
    /// When.
    pub opened_at: DateTime<Utc>,
    /// The admin who opened it.
    pub admin_name: String,
    /// The survey's id.
    pub survey_id: i64,
    /// The survey's title.
    pub survey_title: String,
    /// The person whose response was opened.
    pub person_name: String,
    /// Why.
    pub reason: String,
}

/// The newest entries of the named-response log.
pub async fn access_log(db: &Db, limit: i64) -> Result<Vec<AccessRecord>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT l.opened_at, a.name AS admin_name, s.id AS survey_id, \
             s.title AS survey_title, p.name AS person_name, l.reason \
             FROM survey_access_log l JOIN people a ON a.id = l.admin_id \
             JOIN surveys s ON s.id = l.survey_id \
             JOIN survey_responses x ON x.id = l.response_id \
             JOIN people p ON p.id = x.person_id \
             ORDER BY l.opened_at DESC, l.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await
    })
}

/// Writes one message to each recipient of a survey who has not answered yet (everyone,
/// for a survey just sent), as one batch; returns how many were written.
pub async fn mail_unanswered(
    db: &Db,
    survey_id: i64,
    subject: &str,
    body: impl Fn(&str) -> String,
) -> Result<usize, sqlx::Error> {
    let people: Vec<(String, String)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.email, p.name FROM survey_recipients r JOIN people p ON p.id = r.person_id \
             WHERE r.survey_id = $1 AND p.status = 'active' AND NOT EXISTS \
             (SELECT 1 FROM survey_responses x WHERE x.survey_id = r.survey_id \
              AND x.person_id = r.person_id) ORDER BY p.id",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })?;
    let messages: Vec<Outgoing> = people
        .into_iter()
        .map(|(to, name)| Outgoing {
            to,
            subject: subject.to_owned(),
            body: body(&name),
        })
        .collect();
    mail::enqueue_many(db, &messages).await?;
    Ok(messages.len())
}

/// Marks a survey's reminder as sent.
pub async fn mark_reminded(db: &Db, survey_id: i64) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query("UPDATE surveys SET reminded_at = $1 WHERE id = $2")
            .bind(now())
            .bind(survey_id)
    )?;
    Ok(())
}

/// Open surveys that close before `before` and have had no reminder.
pub async fn due_reminders(db: &Db, before: DateTime<Utc>) -> Result<Vec<Survey>, sqlx::Error> {
    let sql = format!(
        "SELECT {SURVEY_COLUMNS} FROM surveys WHERE reminded_at IS NULL AND opens_at <= $1 \
         AND closes_at > $1 AND closes_at <= $2 ORDER BY id LIMIT 500"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(now())
        .bind(before)
        .fetch_all(pool)
        .await)
}

/// The people a survey asks, with their role, by id.
pub async fn recipients(db: &Db, survey_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT person_id, role FROM survey_recipients WHERE survey_id = $1 \
             ORDER BY person_id",
        )
        .bind(survey_id)
        .fetch_all(pool)
        .await
    })
}

/// Moves a survey and its responses into the past: for the demo, whose surveys ran before
/// it was built.
pub async fn backdate(
    db: &Db,
    survey_id: i64,
    opens_at: DateTime<Utc>,
    closes_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let answered_at = opens_at + (closes_at - opens_at) / 3;
    execute!(
        db,
        sqlx::query(
            "UPDATE surveys SET opens_at = $1, closes_at = $2, created_at = $1 WHERE id = $3"
        )
        .bind(opens_at)
        .bind(closes_at)
        .bind(survey_id)
    )?;
    execute!(
        db,
        sqlx::query("UPDATE survey_responses SET submitted_at = $1 WHERE survey_id = $2")
            .bind(answered_at)
            .bind(survey_id)
    )?;
    Ok(())
}
