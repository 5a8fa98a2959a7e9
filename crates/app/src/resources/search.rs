//! Finding resources: full-text search in each engine's own index, with facets.
//!
//! SQLite searches its FTS5 table (`resource_versions_fts`, porter stemming) and ranks with
//! BM25; PostgreSQL matches the stored, GIN-indexed `search_vector` of the same columns
//! (English stemming) with `plainto_tsquery` and ranks with `ts_rank`. Titles weigh
//! more than summaries, and summaries more than bodies, on both. Only the published version
//! a reader would see is searched; members-only versions only for members. On both, every
//! word typed must match; punctuation and operators are ignored, so both engines read a
//! query the same way.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::on_db;
use crate::platform::db::{Db, Engine};

/// Results per page.
pub const PAGE_SIZE: i64 = 20;
/// Deeper pages are refused; narrow the search instead.
pub const MAX_PAGE: i64 = 100;
/// Words of a query past this many are ignored.
const MAX_TERMS: usize = 12;

/// The search form, from the query string. Unknown facet values match nothing.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Words to look for.
    pub q: String,
    /// Topic code.
    pub topic: String,
    /// Stage code.
    pub stage: String,
    /// Audience code.
    pub audience: String,
    /// Format code.
    pub format: String,
    /// Page number, from 1.
    pub page: Option<i64>,
}

impl Filters {
    /// The page number, from 1 to [`MAX_PAGE`].
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }

    /// Whether any filter or words are given.
    pub fn is_empty(&self) -> bool {
        self.q.trim().is_empty()
            && self.topic.is_empty()
            && self.stage.is_empty()
            && self.audience.is_empty()
            && self.format.is_empty()
    }

    /// The query string of another page of the same search.
    pub fn query_for_page(&self, page: i64) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("topic", &self.topic),
            ("stage", &self.stage),
            ("audience", &self.audience),
            ("format", &self.format),
        ];
        let mut kept: Vec<(&str, String)> = pairs
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, (*v).to_owned()))
            .collect();
        kept.push(("page", page.to_string()));
        serde_urlencoded::to_string(kept).unwrap_or_default()
    }
}

/// One resource found.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Hit {
    /// Resource id.
    pub id: i64,
    /// Title of the published version.
    pub title: String,
    /// Summary of the published version.
    pub summary: String,
    /// Kind code.
    pub kind: String,
    /// Format code.
    pub format: String,
    /// Audience code.
    pub audience: String,
    /// Visibility code of the published version.
    pub visibility: String,
    /// When the version was published.
    pub published_at: DateTime<Utc>,
}

/// How many results each value of a facet would keep.
#[derive(Clone, Debug, Default)]
pub struct Facets {
    /// By topic code.
    pub topics: Vec<(String, i64)>,
    /// By stage code.
    pub stages: Vec<(String, i64)>,
    /// By audience code.
    pub audiences: Vec<(String, i64)>,
    /// By format code.
    pub formats: Vec<(String, i64)>,
}

impl Facets {
    /// The count for one value of a facet, 0 when absent.
    pub fn count(counts: &[(String, i64)], code: &str) -> i64 {
        counts
            .iter()
            .find(|(c, _)| c == code)
            .map_or(0, |(_, n)| *n)
    }
}

/// A page of results, the total and the facets.
#[derive(Clone, Debug, Default)]
pub struct Results {
    /// The resources on this page.
    pub hits: Vec<Hit>,
    /// How many resources match in all.
    pub total: i64,
    /// Counts by facet value.
    pub facets: Facets,
}

/// Turns what a person typed into an FTS5 query: each word quoted, so FTS5 operators and
/// stray quotes cannot make the query fail, all words required. `None` when there are no
/// words.
pub fn fts5_query(text: &str) -> Option<String> {
    let terms: Vec<String> = words(text)
        .into_iter()
        .map(|word| format!("\"{word}\""))
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The words of a query: runs of letters and digits, at most [`MAX_TERMS`].
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(str::to_lowercase)
        .collect()
}

enum Arg {
    Text(String),
    Int(i64),
}

/// A query's FROM and WHERE, with its bound values, shared by the page, the total and the
/// facet counts.
struct Plan {
    from: String,
    conditions: Vec<String>,
    args: Vec<Arg>,
    rank: Option<String>,
}

impl Plan {
    fn arg(&mut self, value: Arg) -> String {
        self.args.push(value);
        format!("${}", self.args.len())
    }

    fn where_clause(&self) -> String {
        self.conditions.join(" AND ")
    }
}

fn plan(engine: Engine, filters: &Filters, members: bool) -> Plan {
    let mut plan = Plan {
        from: "resources r JOIN resource_versions v ON v.resource_id = r.id \
               AND v.number = r.current_version"
            .to_owned(),
        conditions: vec![
            "r.current_version > 0".to_owned(),
            "r.status <> 'archived'".to_owned(),
        ],
        args: Vec::new(),
        rank: None,
    };
    if !members {
        plan.conditions.push("v.visibility = 'public'".to_owned());
    }

    match engine {
        Engine::Sqlite => {
            if let Some(query) = fts5_query(&filters.q) {
                plan.from = "resource_versions_fts \
                    JOIN resource_versions v ON v.id = resource_versions_fts.rowid \
                    JOIN resources r ON r.id = v.resource_id AND v.number = r.current_version"
                    .to_owned();
                let n = plan.arg(Arg::Text(query));
                plan.conditions
                    .push(format!("resource_versions_fts MATCH {n}"));
                // bm25 is lower for better matches; weights follow the column order.
                plan.rank = Some("bm25(resource_versions_fts, 10.0, 4.0, 1.0)".to_owned());
            }
        }
        Engine::Postgres => {
            let text = words(&filters.q).join(" ");
            if !text.is_empty() {
                let n = plan.arg(Arg::Text(text));
                let query = format!("plainto_tsquery('english'::regconfig, {n})");
                plan.conditions.push(format!("v.search_vector @@ {query}"));
                plan.rank = Some(format!("-ts_rank(v.search_vector, {query})"));
            }
        }
    }

    if !filters.topic.is_empty() {
        let n = plan.arg(Arg::Text(filters.topic.clone()));
        plan.conditions.push(format!(
            "EXISTS (SELECT 1 FROM resource_topics rt JOIN topics t ON t.id = rt.topic_id \
             WHERE rt.resource_id = r.id AND t.code = {n})"
        ));
    }
    if !filters.stage.is_empty() {
        let n = plan.arg(Arg::Text(filters.stage.clone()));
        plan.conditions.push(format!(
            "EXISTS (SELECT 1 FROM resource_stages rs WHERE rs.resource_id = r.id \
             AND rs.stage = {n})"
        ));
    }
    for (column, value) in [
        ("r.audience", &filters.audience),
        ("r.format", &filters.format),
    ] {
        if !value.is_empty() {
            let n = plan.arg(Arg::Text(value.clone()));
            plan.conditions.push(format!("{column} = {n}"));
        }
    }
    plan
}

/// Runs a query of the plan with its values bound.
macro_rules! fetch_planned {
    ($db:expr, $plan:expr, $sql:expr) => {
        on_db!($db, |pool| {
            let mut query = sqlx::query_as($sql);
            for value in &$plan.args {
                query = match value {
                    Arg::Text(text) => query.bind(text),
                    Arg::Int(number) => query.bind(number),
                };
            }
            query.fetch_all(pool).await
        })
    };
}

/// Searches the published library as a member (`members`) or a visitor sees it.
pub async fn search(db: &Db, filters: &Filters, members: bool) -> Result<Results, sqlx::Error> {
    let mut plan = plan(db.engine(), filters, members);
    let where_clause = plan.where_clause();
    let from = plan.from.clone();

    let facets = facets(db, &plan, &from, &where_clause).await?;
    // Every resource has exactly one audience, so these counts add up to the total.
    let total = facets.audiences.iter().map(|(_, n)| n).sum();

    let order = match &plan.rank {
        Some(rank) => format!("{rank}, v.published_at DESC, r.id DESC"),
        None => "v.published_at DESC, r.id DESC".to_owned(),
    };
    let limit = plan.arg(Arg::Int(PAGE_SIZE));
    let offset = plan.arg(Arg::Int((filters.page() - 1) * PAGE_SIZE));
    let sql = format!(
        "SELECT r.id, v.title, v.summary, r.kind, r.format, r.audience, v.visibility, \
         v.published_at FROM {from} WHERE {where_clause} ORDER BY {order} \
         LIMIT {limit} OFFSET {offset}"
    );
    let hits: Vec<Hit> = fetch_planned!(db, plan, &sql)?;
    Ok(Results {
        hits,
        total,
        facets,
    })
}

/// Counts every facet in one statement: the matching resources are found once, kept in a
/// materialized CTE, and grouped four ways.
async fn facets(
    db: &Db,
    plan: &Plan,
    from: &str,
    where_clause: &str,
) -> Result<Facets, sqlx::Error> {
    let sql = format!(
        "WITH matched AS MATERIALIZED (SELECT r.id, r.audience, r.format FROM {from} \
         WHERE {where_clause}) \
         SELECT 'audience', audience, COUNT(*) FROM matched GROUP BY audience \
         UNION ALL SELECT 'format', format, COUNT(*) FROM matched GROUP BY format \
         UNION ALL SELECT 'topic', t.code, COUNT(*) FROM matched m \
         JOIN resource_topics ft ON ft.resource_id = m.id JOIN topics t ON t.id = ft.topic_id \
         GROUP BY t.code \
         UNION ALL SELECT 'stage', fs.stage, COUNT(*) FROM matched m \
         JOIN resource_stages fs ON fs.resource_id = m.id GROUP BY fs.stage"
    );
    let rows: Vec<(String, String, i64)> = fetch_planned!(db, plan, &sql)?;
    let mut facets = Facets::default();
    for (facet, code, count) in rows {
        let counts = match facet.as_str() {
            "audience" => &mut facets.audiences,
            "format" => &mut facets.formats,
            "topic" => &mut facets.topics,
            _ => &mut facets.stages,
        };
        counts.push((code, count));
    }
    Ok(facets)
}

/// A published version for a feed or a digest.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Published {
    /// Resource id.
    pub id: i64,
    /// Version number.
    pub number: i64,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// When this version was published.
    pub published_at: DateTime<Utc>,
    /// When the resource was first published.
    pub first_published_at: Option<DateTime<Utc>>,
}

/// The newest public versions, optionally of one topic, for the Atom feeds.
pub async fn newest_public(
    db: &Db,
    topic: Option<&str>,
    limit: i64,
) -> Result<Vec<Published>, sqlx::Error> {
    let topic_condition = if topic.is_some() {
        "AND EXISTS (SELECT 1 FROM resource_topics rt JOIN topics t ON t.id = rt.topic_id \
         WHERE rt.resource_id = r.id AND t.code = $2)"
    } else {
        "AND $2 = ''"
    };
    let sql = format!(
        "SELECT r.id, v.number, v.title, v.summary, v.published_at, r.first_published_at \
         FROM resources r JOIN resource_versions v ON v.resource_id = r.id \
         AND v.number = r.current_version WHERE r.current_version > 0 \
         AND r.status <> 'archived' AND v.visibility = 'public' {topic_condition} \
         ORDER BY v.published_at DESC, r.id DESC LIMIT $1"
    );
    on_db!(db, |pool| {
        sqlx::query_as(&sql)
            .bind(limit)
            .bind(topic.unwrap_or(""))
            .fetch_all(pool)
            .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_words_become_quoted_fts5_terms() {
        assert_eq!(
            fts5_query("Grant  writing!").as_deref(),
            Some("\"grant\" \"writing\"")
        );
        assert_eq!(
            fts5_query("\"unbalanced OR NEAR(").as_deref(),
            Some("\"unbalanced\" \"or\" \"near\"")
        );
        assert_eq!(fts5_query("  ¿?  "), None);
        assert_eq!(
            fts5_query("bibliothèque").as_deref(),
            Some("\"bibliothèque\"")
        );
    }

    #[test]
    fn long_queries_keep_their_first_words() {
        let text = (0..40)
            .map(|i| format!("w{i}"))
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(words(&text).len(), MAX_TERMS);
    }

    #[test]
    fn paging_keeps_the_filters_and_bounds_the_page() {
        let filters = Filters {
            q: "first meeting".into(),
            topic: "leadership".into(),
            page: Some(500),
            ..Filters::default()
        };
        assert_eq!(filters.page(), MAX_PAGE);
        assert_eq!(
            filters.query_for_page(2),
            "q=first+meeting&topic=leadership&page=2"
        );
    }

    #[test]
    fn visitors_search_public_versions_only() {
        let visitor = plan(Engine::Sqlite, &Filters::default(), false);
        let member = plan(Engine::Sqlite, &Filters::default(), true);
        assert!(visitor.where_clause().contains("v.visibility = 'public'"));
        assert!(!member.where_clause().contains("visibility"));
    }
}
