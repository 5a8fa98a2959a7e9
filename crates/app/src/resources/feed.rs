//! Atom feeds of the public library, whole and per topic (RFC 4287).
//!
//! Only public resources appear: a feed reader is never signed in, and members-only
//! resources must not leave the network. The XML is written by hand, every text escaped.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, SecondsFormat, Utc};

use crate::on_db;
use crate::platform::db::join_ids;
use crate::platform::db::Db;
use crate::platform::error::{AppError, AppResult};
use crate::platform::state::AppState;
use crate::resources::search::{self, Published};

/// Entries per feed.
pub const FEED_SIZE: i64 = 50;

/// The facts of a feed besides its entries.
pub struct FeedInfo {
    /// The feed's own address (its id and `self` link).
    pub self_url: String,
    /// The page it mirrors.
    pub page_url: String,
    /// Its title.
    pub title: String,
}

/// One entry of a feed.
pub struct Entry {
    /// The resource's page.
    pub url: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// When this version was published.
    pub updated: DateTime<Utc>,
    /// When the resource was first published.
    pub published: Option<DateTime<Utc>>,
    /// Author names.
    pub authors: Vec<String>,
    /// Topic names.
    pub categories: Vec<String>,
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 forbids most control characters even when escaped.
            c if c.is_control() && !matches!(c, '\n' | '\r' | '\t') => {}
            c => out.push(c),
        }
    }
    out
}

fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Writes an Atom document. `fallback_updated` dates an empty feed.
pub fn atom(info: &FeedInfo, entries: &[Entry], fallback_updated: DateTime<Utc>) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .unwrap_or(fallback_updated);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("  <id>{}</id>\n", escape(&info.self_url)));
    xml.push_str(&format!("  <title>{}</title>\n", escape(&info.title)));
    xml.push_str(&format!("  <updated>{}</updated>\n", timestamp(updated)));
    xml.push_str(&format!(
        "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        escape(&info.self_url)
    ));
    xml.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        escape(&info.page_url)
    ));
    // Atom requires an author for every entry, or one for the whole feed.
    xml.push_str("  <author><name>Carrel resource library</name></author>\n");

    for entry in entries {
        xml.push_str("  <entry>\n");
        xml.push_str(&format!("    <id>{}</id>\n", escape(&entry.url)));
        xml.push_str(&format!("    <title>{}</title>\n", escape(&entry.title)));
        xml.push_str(&format!(
            "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            escape(&entry.url)
        ));
        xml.push_str(&format!(
            "    <updated>{}</updated>\n",
            timestamp(entry.updated)
        ));
        if let Some(published) = entry.published {
            xml.push_str(&format!(
                "    <published>{}</published>\n",
                timestamp(published)
            ));
        }
        for author in &entry.authors {
            xml.push_str(&format!(
                "    <author><name>{}</name></author>\n",
                escape(author)
            ));
        }
        for category in &entry.categories {
            xml.push_str(&format!("    <category term=\"{}\"/>\n", escape(category)));
        }
        xml.push_str(&format!(
            "    <summary type=\"text\">{}</summary>\n",
            escape(&entry.summary)
        ));
        xml.push_str("  </entry>\n");
    }
    xml.push_str("</feed>\n");
    xml
}

/// Names by resource id, for the given resources: authors or topics.
async fn names_by_resource(
    db: &Db,
    ids: &[i64],
    sql_of: fn(&str) -> String,
) -> Result<HashMap<i64, Vec<String>>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = sql_of(&join_ids(ids));
    let rows: Vec<(i64, String)> = on_db!(db, |pool| sqlx::query_as(&sql).fetch_all(pool).await)?;
    let mut names: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, name) in rows {
        names.entry(id).or_default().push(name);
    }
    Ok(names)
}

async fn entries(db: &Db, base_url: &str, published: Vec<Published>) -> AppResult<Vec<Entry>> {
    let ids: Vec<i64> = published.iter().map(|p| p.id).collect();
    // The ids come from our own query, so joining them into SQL cannot inject anything.
    let mut authors = names_by_resource(db, &ids, |ids| {
        format!(
            "SELECT a.resource_id, p.name FROM resource_authors a JOIN people p \
             ON p.id = a.person_id WHERE a.resource_id IN ({ids}) ORDER BY p.name"
        )
    })
    .await?;
    let mut topics = names_by_resource(db, &ids, |ids| {
        format!(
            "SELECT rt.resource_id, t.name FROM resource_topics rt JOIN topics t \
             ON t.id = rt.topic_id WHERE rt.resource_id IN ({ids}) ORDER BY t.name"
        )
    })
    .await?;
    Ok(published
        .into_iter()
        .map(|p| Entry {
            url: format!("{base_url}/resources/{}", p.id),
            title: p.title,
            summary: p.summary,
            updated: p.published_at,
            published: p.first_published_at,
            authors: authors.remove(&p.id).unwrap_or_default(),
            categories: topics.remove(&p.id).unwrap_or_default(),
        })
        .collect())
}

fn atom_response(xml: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/atom+xml; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=900"),
        ],
        xml,
    )
        .into_response()
}

/// The feed of the whole public library.
pub async fn library_feed(State(state): State<AppState>) -> AppResult<Response> {
    let base = state.config.base_url.trim_end_matches('/');
    let published = search::newest_public(&state.db, None, FEED_SIZE).await?;
    let entries = entries(&state.db, base, published).await?;
    let info = FeedInfo {
        self_url: format!("{base}/resources/feed.atom"),
        page_url: format!("{base}/resources"),
        title: "Carrel resource library".to_owned(),
    };
    Ok(atom_response(atom(
        &info,
        &entries,
        crate::platform::db::now(),
    )))
}

/// The feed of one topic's public resources.
pub async fn topic_feed(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> AppResult<Response> {
    let topics = crate::people::profile::list_topics(&state.db).await?;
    let topic = topics
        .into_iter()
        .find(|t| t.code == code)
        .ok_or(AppError::NotFound)?;
    let base = state.config.base_url.trim_end_matches('/');

    let published = search::newest_public(&state.db, Some(&topic.code), FEED_SIZE).await?;
    let entries = entries(&state.db, base, published).await?;
    let info = FeedInfo {
        self_url: format!("{base}/resources/topics/{}/feed.atom", topic.code),
        page_url: format!("{base}/resources?topic={}", topic.code),
        title: format!("Carrel resource library: {}", topic.name),
    };
    Ok(atom_response(atom(
        &info,
        &entries,
        crate::platform::db::now(),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn markup_in_text_is_escaped() {
        assert_eq!(
            escape("<b>Tom & \"Jerry\"'s</b>\u{1}"),
            "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&apos;s&lt;/b&gt;"
        );
    }

    #[test]
    fn a_feed_is_dated_by_its_newest_entry() {
        let older = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let newer = Utc.with_ymd_and_hms(2026, 2, 2, 3, 4, 5).unwrap();
        let entry = |updated| Entry {
            url: "https://carrel.example/resources/1".into(),
            title: "A & B".into(),
            summary: "S".into(),
            updated,
            published: None,
            authors: vec!["Ana".into()],
            categories: vec!["Leadership".into()],
        };
        let info = FeedInfo {
            self_url: "https://carrel.example/resources/feed.atom".into(),
            page_url: "https://carrel.example/resources".into(),
            title: "Library".into(),
        };
        let xml = atom(&info, &[entry(older), entry(newer)], older);
        assert!(xml.contains("<updated>2026-02-02T03:04:05Z</updated>\n  <link"));
        assert!(xml.contains("<title>A &amp; B</title>"));
    }
}
