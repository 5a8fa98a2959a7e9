//! The demo library: believable resources across topics, stages, formats and curation
//! states, from a fixed seed; also the data of the search benchmark (5,000 resources).

use chrono::{DateTime, Duration, Utc};

use crate::people::profile::{self, Topic};
use crate::people::topics::{Stage, TOPICS};
use crate::platform::db::{now, Db, Engine};
use crate::resources::model::{Audience, Format, License};
use crate::{execute, on_db};

/// Resources in the demo network.
pub const DEMO_RESOURCES: usize = 72;

/// A word that appears in about one resource in a thousand, for the benchmark's rare term.
pub const RARE_WORD: &str = "palimpsest";

/// A small deterministic generator (SplitMix64), as the people demo uses.
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

const TITLES: [(Format, &str); 14] = [
    (Format::Guide, "A practical guide to {topic}"),
    (Format::Guide, "{Topic} for mentors: what to ask and when"),
    (Format::Template, "{Topic} goal-setting template"),
    (
        Format::Template,
        "Mentorship agreement template with a {topic} focus",
    ),
    (Format::Toolkit, "{Topic} toolkit for regional coordinators"),
    (Format::Toolkit, "Starting out in {topic}: a toolkit"),
    (Format::Prompts, "Discussion prompts on {topic}"),
    (
        Format::Prompts,
        "Twelve conversation starters about {topic}",
    ),
    (Format::Reading, "Reading list: {topic}"),
    (
        Format::Reading,
        "Essential readings on {topic} in libraries",
    ),
    (
        Format::Checklist,
        "{Topic} checklist for the first ninety days",
    ),
    (
        Format::Checklist,
        "Before the next meeting: a {topic} checklist",
    ),
    (Format::Guide, "Mentoring across library types: {topic}"),
    (Format::Toolkit, "{Topic} in small and rural libraries"),
];

const SUMMARIES: [&str; 6] = [
    "A short, field-tested resource that helps pairs talk about {topic} with purpose.",
    "Written by coordinators for mentors and mentees who want to make progress on {topic}.",
    "Practical steps, examples from academic and public libraries, and questions for {topic}.",
    "Helps a mentee set goals on {topic} and helps the mentor follow up between meetings.",
    "A starting point for {topic}, with suggestions for each career stage.",
    "Collected advice from the network on {topic}, reviewed by peers.",
];

const PARAGRAPHS: [&str; 10] = [
    "Start by asking what {topic} means in the mentee's library today. Listen for the \
     constraints they name: staffing, budget, time and the expectations of supervisors.",
    "Agree on one goal for the next month. A goal that fits in a calendar is more useful than \
     a goal that fits on a poster; write it down together.",
    "Mentors often share too much too soon. Ask before advising, and tell a story from your \
     own career only when it answers a question the mentee asked.",
    "Bring one artifact to the meeting: a job posting, a budget line, a lesson plan or a \
     policy draft. Concrete documents make {topic} easier to discuss.",
    "Between meetings, the mentee tries one small change and notes what happened. The next \
     meeting starts from those notes, not from a blank page.",
    "Coordinators can use this resource in orientation sessions, and pairs can return to it \
     at the midpoint check-in to see how far they have come.",
    "Libraries differ: a school librarian working alone faces {topic} differently from a \
     department in a research library. Adapt the questions to the setting.",
    "Close each conversation with a question for next time, so the mentorship keeps moving \
     even when schedules get busy.",
    "If the conversation stalls, return to the mentee's own words about why {topic} matters \
     to them, and build the next step from there.",
    "Share what worked with your coordinator: the network improves this resource with every \
     review, and your experience helps the next pair.",
];

const REVIEW_COMMENTS: [&str; 4] = [
    "Clear and practical; ready for the library.",
    "Good examples. I would add one for public libraries next time.",
    "Checked the links and the license; approved.",
    "Useful for the orientation session.",
];

const COLLECTIONS: [(&str, &str); 3] = [
    (
        "Starter kit for new coordinators",
        "What to read and use in your first term as a regional coordinator.",
    ),
    (
        "The first months of a mentorship",
        "Agreements, first meetings and goals: resources for new pairs.",
    ),
    (
        "Conversation starters",
        "Prompts that help a pair go deeper.",
    ),
];

/// One generated resource, before insertion.
struct Generated {
    title: String,
    summary: String,
    body: String,
    earlier_body: String,
    url: String,
    format: Format,
    audience: Audience,
    license: License,
    public: bool,
    topic_ids: Vec<i64>,
    stages: Vec<Stage>,
    authors: Vec<i64>,
    reviewer: i64,
    versions: i64,
    status: &'static str,
    first_published: DateTime<Utc>,
    last_published: DateTime<Utc>,
    views: i64,
    downloads: i64,
}

fn fill(template: &str, topic: &Topic) -> String {
    let lower = topic.name.to_lowercase();
    let mut capital = topic.name.clone();
    if let Some(first) = capital.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    template
        .replace("{topic}", &lower)
        .replace("{Topic}", &capital)
}

fn generate(
    dice: &mut Dice,
    topics: &[Topic],
    curators: &[i64],
    at: DateTime<Utc>,
    review_days: i64,
) -> Generated {
    let topic = &topics[dice.below(topics.len())];
    let (format, title_template) = dice.pick(&TITLES);
    let title = fill(title_template, topic);
    let summary = fill(dice.pick(&SUMMARIES), topic);

    let mut paragraphs: Vec<String> = Vec::new();
    for _ in 0..3 + dice.below(4) {
        paragraphs.push(fill(dice.pick(&PARAGRAPHS), topic));
    }
    if dice.below(1000) == 0 {
        paragraphs.push(format!(
            "A note for the curious: a mentorship, like a {RARE_WORD}, keeps traces of every \
             earlier conversation."
        ));
    }
    let body = format!("## Why it matters\n\n{}\n", paragraphs.join("\n\n"));
    let earlier_body = format!(
        "## Why it matters\n\n{}\n",
        paragraphs[..paragraphs.len() - 1].join("\n\n")
    );

    let mut topic_ids = vec![topic.id];
    if dice.chance(40) {
        let other = topics[dice.below(topics.len())].id;
        if other != topic.id {
            topic_ids.push(other);
        }
    }
    let stages: Vec<Stage> = TOPICS
        .iter()
        .find(|seed| seed.code == topic.code)
        .map(|seed| seed.stages.to_vec())
        .unwrap_or_default();

    let author = dice.pick(curators);
    let mut authors = vec![author];
    if dice.chance(20) {
        let co_author = dice.pick(curators);
        if co_author != author {
            authors.push(co_author);
        }
    }
    let mut reviewer = dice.pick(curators);
    if authors.contains(&reviewer) {
        reviewer = curators
            .iter()
            .copied()
            .find(|c| !authors.contains(c))
            .unwrap_or(reviewer);
    }

    // Mostly published; some in review, some drafts, a few archived. A fifth of the
    // published ones were published over a review period ago and are due.
    let roll = dice.below(100);
    let (status, versions) = match roll {
        0..=9 => ("in_review", if dice.chance(30) { 1 } else { 0 }),
        10..=17 => ("draft", 0),
        18..=21 => ("archived", 1),
        _ => ("published", 1 + dice.below(3) as i64),
    };
    let age_days = if status == "published" && dice.chance(20) {
        review_days + 1 + dice.below(200) as i64
    } else {
        dice.below(usize::try_from(review_days - 40).unwrap_or(300)) as i64 + 1
    };
    let last_published = at - Duration::days(age_days);
    let first_published = last_published - Duration::days(60 * (versions - 1).max(0));

    Generated {
        title,
        summary,
        body,
        earlier_body,
        url: if dice.chance(20) {
            format!("https://example.org/library-mentoring/{}", topic.code)
        } else {
            String::new()
        },
        format,
        audience: dice.pick(Audience::ALL),
        license: dice.pick(&[
            License::CcBy,
            License::CcBy,
            License::CcBySa,
            License::CcByNc,
            License::AllRightsReserved,
        ]),
        public: dice.chance(60),
        topic_ids,
        stages,
        authors,
        reviewer,
        versions,
        status,
        first_published,
        last_published,
        views: dice.below(400) as i64,
        downloads: dice.below(60) as i64,
    }
}

/// The people who may author and review: every coordinator, by id.
async fn curators(db: &Db) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT DISTINCT person_id FROM grants WHERE role = 'coordinator' ORDER BY person_id",
        )
        .fetch_all(pool)
        .await
    })?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Builds `count` resources, with versions, reviews and a few collections, into a database
/// that has coordinators; returns how many it made (0 without coordinators).
pub async fn build(db: &Db, count: usize, seed: u64, review_days: u32) -> anyhow::Result<usize> {
    let topics = profile::list_topics(db).await?;
    let curators = curators(db).await?;
    if curators.len() < 2 || topics.is_empty() {
        return Ok(0);
    }
    let mut dice = Dice(seed ^ 0x5E50_0CE5);
    let at = now();
    let review_days = i64::from(review_days);

    let mut ids = Vec::with_capacity(count);
    for _ in 0..count {
        let resource = generate(&mut dice, &topics, &curators, at, review_days);
        ids.push(insert(db, &resource, review_days).await?);
    }
    collections(db, &mut dice, &curators, &ids).await?;
    tracing::info!(resources = ids.len(), "demo library built");
    Ok(ids.len())
}

async fn insert(db: &Db, g: &Generated, review_days: i64) -> Result<i64, sqlx::Error> {
    let kind = if g.url.is_empty() { "page" } else { "link" };
    let visibility = if g.public { "public" } else { "members" };
    let (first, last) = (g.first_published, g.last_published);
    let published = g.versions > 0;
    let due = published.then(|| last + Duration::days(review_days));
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO resources (kind, title, summary, body, url, audience, format, license, \
             visibility, status, current_version, first_published_at, review_due_at, views, \
             downloads, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, \
             $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id",
        )
        .bind(kind)
        .bind(&g.title)
        .bind(&g.summary)
        .bind(&g.body)
        .bind(&g.url)
        .bind(g.audience.code())
        .bind(g.format.code())
        .bind(g.license.code())
        .bind(visibility)
        .bind(g.status)
        .bind(g.versions)
        .bind(published.then_some(first))
        .bind(due)
        .bind(g.views)
        .bind(g.downloads)
        .bind(g.authors[0])
        .bind(first - Duration::days(14))
        .bind(last)
        .fetch_one(&mut *tx)
        .await?;
        for author in &g.authors {
            sqlx::query("INSERT INTO resource_authors (resource_id, person_id) VALUES ($1, $2)")
                .bind(id)
                .bind(author)
                .execute(&mut *tx)
                .await?;
        }
        for topic in &g.topic_ids {
            sqlx::query("INSERT INTO resource_topics (resource_id, topic_id) VALUES ($1, $2)")
                .bind(id)
                .bind(topic)
                .execute(&mut *tx)
                .await?;
        }
        for stage in &g.stages {
            sqlx::query("INSERT INTO resource_stages (resource_id, stage) VALUES ($1, $2)")
                .bind(id)
                .bind(stage.code())
                .execute(&mut *tx)
                .await?;
        }
        for number in 1..=g.versions {
            let at = last - Duration::days(60 * (g.versions - number));
            let body = if number == g.versions {
                &g.body
            } else {
                &g.earlier_body
            };
            sqlx::query(
                "INSERT INTO resource_versions (resource_id, number, title, summary, body, url, \
                 license, visibility, approved_by, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(number)
            .bind(&g.title)
            .bind(&g.summary)
            .bind(body)
            .bind(&g.url)
            .bind(g.license.code())
            .bind(visibility)
            .bind(g.reviewer)
            .bind(at)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO resource_reviews (resource_id, person_id, action, comment, \
                 created_at) VALUES ($1, $2, 'approve', $3, $4)",
            )
            .bind(id)
            .bind(g.reviewer)
            .bind(REVIEW_COMMENTS[(id as usize + number as usize) % REVIEW_COMMENTS.len()])
            .bind(at)
            .execute(&mut *tx)
            .await?;
        }
        if g.status == "in_review" {
            sqlx::query(
                "INSERT INTO resource_reviews (resource_id, person_id, action, comment, \
                 created_at) VALUES ($1, $2, 'submit', '', $3)",
            )
            .bind(id)
            .bind(g.authors[0])
            .bind(last)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok::<i64, sqlx::Error>(id)
    })
}

async fn collections(
    db: &Db,
    dice: &mut Dice,
    curators: &[i64],
    ids: &[i64],
) -> Result<(), sqlx::Error> {
    for (title, summary) in COLLECTIONS {
        let owner = dice.pick(curators);
        let id =
            crate::resources::collections::create_collection(db, owner, title, summary).await?;
        for _ in 0..6 {
            let resource = ids[dice.below(ids.len())];
            crate::resources::collections::add_item(db, id, resource).await?;
        }
    }
    // Fresh statistics let PostgreSQL plan searches for the table's real size at once,
    // rather than after autovacuum comes around.
    if db.engine() == Engine::Postgres {
        execute!(db, sqlx::query("ANALYZE resource_versions"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<Topic> {
        vec![
            Topic {
                id: 1,
                code: "leadership".into(),
                name: "Leadership".into(),
            },
            Topic {
                id: 2,
                code: "grant_writing".into(),
                name: "Grant writing".into(),
            },
        ]
    }

    #[test]
    fn the_same_seed_makes_the_same_resources() {
        let at = now();
        let a = generate(&mut Dice(7), &topics(), &[10, 11, 12], at, 365);
        let b = generate(&mut Dice(7), &topics(), &[10, 11, 12], at, 365);
        assert_eq!(a.title, b.title);
        assert_eq!(a.body, b.body);
    }

    #[test]
    fn a_reviewer_is_never_an_author() {
        let mut dice = Dice(1);
        for _ in 0..500 {
            let g = generate(&mut dice, &topics(), &[10, 11, 12], now(), 365);
            assert!(!g.authors.contains(&g.reviewer));
        }
    }

    #[test]
    fn titles_name_the_topic() {
        let topic = &topics()[1];
        assert_eq!(fill("{Topic} checklist", topic), "Grant writing checklist");
        assert_eq!(
            fill("Reading list: {topic}", topic),
            "Reading list: grant writing"
        );
    }
}
