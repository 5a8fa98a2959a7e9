//! The member directory: the people of a coordinator's regions (admins: everyone),
//! filtered by role, stage, library type, topic and text, a page at a time.

use serde::Deserialize;

use crate::on_db;
use crate::people::words;
use crate::platform::auth::policy::DirectoryScope;
use crate::platform::db::join_ids;
use crate::platform::db::Db;

/// Rows per page.
pub const PAGE_SIZE: i64 = 50;
/// Deeper pages than this are refused; narrow the filters instead.
pub const MAX_PAGE: i64 = 200;

/// The directory's filters, from the query string. Unknown values match nothing rather than
/// everything.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filters {
    /// Text in the name, institution or email.
    pub q: String,
    /// Region code.
    pub region: String,
    /// Role code.
    pub role: String,
    /// Stage code.
    pub stage: String,
    /// Library type code.
    pub library_type: String,
    /// Topic code, needed or offered.
    pub topic: String,
    /// Page number, from 1.
    pub page: Option<i64>,
}

impl Filters {
    /// The page number, at least 1.
    pub fn page(&self) -> i64 {
        self.page.unwrap_or(1).clamp(1, MAX_PAGE)
    }

    /// The query string for another page with the same filters.
    pub fn query_for_page(&self, page: i64) -> String {
        let pairs = [
            ("q", self.q.as_str()),
            ("region", &self.region),
            ("role", &self.role),
            ("stage", &self.stage),
            ("library_type", &self.library_type),
            ("topic", &self.topic),
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

/// One person in the directory.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Entry {
    /// Their id.
    pub id: i64,
    /// Their name.
    pub name: String,
    /// Their pronouns.
    pub pronouns: String,
    /// Stage code.
    pub stage: String,
    /// Library type code.
    pub library_type: String,
    /// Institution.
    pub institution: String,
    /// Position.
    pub position: String,
    /// Region name.
    pub region_name: Option<String>,
}

/// A page of results and whether another follows.
pub struct Results {
    /// The people on this page.
    pub entries: Vec<Entry>,
    /// Whether there is a next page.
    pub has_next: bool,
}

enum Arg {
    Text(String),
    Int(i64),
}

/// Runs the directory query within a scope.
pub async fn search(
    db: &Db,
    scope: &DirectoryScope,
    filters: &Filters,
) -> Result<Results, sqlx::Error> {
    let text = filters.q.trim().to_lowercase();
    let mut conditions = vec!["p.status = 'active'".to_owned()];
    let mut from = "people p".to_owned();
    let mut args: Vec<Arg> = Vec::new();
    let arg = |args: &mut Vec<Arg>, value: Arg| {
        args.push(value);
        format!("${}", args.len())
    };

    if let DirectoryScope::Regions(ids) = scope {
        // Our own grant ids, never user input.
        conditions.push(format!("p.region_id IN ({})", join_ids(ids)));
    }
    if !filters.region.is_empty() {
        let n = arg(&mut args, Arg::Text(filters.region.clone()));
        conditions.push(format!("r.code = {n}"));
    }
    for (column, value) in [
        ("p.stage", &filters.stage),
        ("p.library_type", &filters.library_type),
    ] {
        if !value.is_empty() {
            let n = arg(&mut args, Arg::Text(value.clone()));
            conditions.push(format!("{column} = {n}"));
        }
    }
    if !filters.role.is_empty() {
        let n = arg(&mut args, Arg::Text(filters.role.clone()));
        conditions.push(format!(
            "EXISTS (SELECT 1 FROM grants g WHERE g.person_id = p.id AND g.role = {n})"
        ));
    }
    if !filters.topic.is_empty() {
        let n = arg(&mut args, Arg::Text(filters.topic.clone()));
        // A set built once, not a subquery per person: a topic has thousands of people.
        conditions.push(format!(
            "p.id IN (SELECT pt.person_id FROM person_topics pt JOIN topics t \
             ON t.id = pt.topic_id WHERE t.code = {n})"
        ));
    }
    if text.contains('@') {
        // An address is looked up whole or by its start; rare, so a scan is acceptable.
        let escaped = text
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let n = arg(&mut args, Arg::Text(format!("{escaped}%")));
        conditions.push(format!("lower(p.email) LIKE {n} ESCAPE '\\'"));
    } else if !text.is_empty() {
        let mut query_words = words::words(&text);
        if query_words.is_empty() {
            conditions.push("1 = 0".to_owned());
        }
        query_words.sort_by_key(|word| std::cmp::Reverse(word.len()));
        query_words.truncate(words::MAX_QUERY_WORDS);
        let mut lists = Vec::new();
        for word in &query_words {
            let (low, high) = words::prefix_range(word);
            let low = arg(&mut args, Arg::Text(low));
            let high = arg(&mut args, Arg::Text(high));
            lists.push(format!(
                "SELECT w.person_id FROM person_words w WHERE w.word >= {low} AND w.word < {high}"
            ));
        }
        if !lists.is_empty() {
            // Start from the people the words find, not from everyone in name order: a name
            // matches a few hundred people, and walking a whole name index to find them costs
            // more than sorting them. SQLite keeps the order of a CROSS JOIN as written.
            from = format!("({}) m CROSS JOIN people p", lists.join(" INTERSECT "));
            conditions.push("p.id = m.person_id".to_owned());
        }
    }
    let limit = arg(&mut args, Arg::Int(PAGE_SIZE + 1));
    let offset = arg(&mut args, Arg::Int((filters.page() - 1) * PAGE_SIZE));

    let sql = format!(
        "SELECT p.id, p.name, p.pronouns, p.stage, p.library_type, p.institution, p.position, \
         r.name AS region_name FROM {from} LEFT JOIN regions r ON r.id = p.region_id \
         WHERE {} ORDER BY p.name, p.id LIMIT {limit} OFFSET {offset}",
        conditions.join(" AND ")
    );
    let mut entries: Vec<Entry> = on_db!(db, |pool| {
        let mut query = sqlx::query_as(&sql);
        for value in &args {
            query = match value {
                Arg::Text(text) => query.bind(text),
                Arg::Int(number) => query.bind(number),
            };
        }
        query.fetch_all(pool).await
    })?;

    let has_next = entries.len() as i64 > PAGE_SIZE;
    entries.truncate(PAGE_SIZE as usize);
    Ok(Results { entries, has_next })
}
