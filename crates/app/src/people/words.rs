//! The directory's word index: every word of a person's name and institution, so a text
//! search finds people by the start of any of those words through an index on both engines.
//!
//! A substring search (`LIKE '%garcia%'`) has to read every row, which at national scale
//! makes one search cost as much as a hundred directory pages. People look each other up by
//! the start of a name ("garc", "maria", "brooklyn pub"), which a sorted list of words answers
//! with a range scan: every word at or after the prefix and before the prefix followed by the
//! largest character. Words are folded to lowercase and common accents are dropped, so
//! "Garcia" finds "García" and the reverse.

use crate::on_db;
use crate::platform::db::{numbered_rows, Db};

/// Words of a query past this many are ignored, the shortest first.
pub const MAX_QUERY_WORDS: usize = 4;

/// Rows per INSERT when indexing many people: well under SQLite's limit on bound values.
const BATCH: usize = 400;

/// Splits text into the index's words: lowercase, accents dropped, split at anything that is
/// not a letter or a digit, each word once.
pub fn words(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    let mut current = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            current.push(fold(c));
        } else if !current.is_empty() {
            push_once(&mut found, std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        push_once(&mut found, current);
    }
    found
}

/// The words a person is found by.
pub fn person_words(name: &str, institution: &str) -> Vec<String> {
    let mut all = words(name);
    for word in words(institution) {
        push_once(&mut all, word);
    }
    all
}

/// The search condition's bounds for one query word: every indexed word from `low` up to,
/// not including, `high` starts with it.
pub fn prefix_range(prefix: &str) -> (String, String) {
    // U+10FFFF sorts after every character in both engines' byte order.
    (prefix.to_owned(), format!("{prefix}\u{10FFFF}"))
}

fn push_once(list: &mut Vec<String>, word: String) {
    if !list.contains(&word) {
        list.push(word);
    }
}

/// The unaccented letter for the accented Latin letters common in names.
fn fold(c: char) -> char {
    match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è'..='ë' | 'ē' | 'ė' | 'ę' | 'ě' => 'e',
        'ğ' => 'g',
        'ì'..='ï' | 'ī' | 'į' | 'ı' => 'i',
        'ł' | 'ľ' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò'..='ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ť' | 'ţ' => 't',
        'ù'..='ü' | 'ū' | 'ů' | 'ű' | 'ų' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        other => other,
    }
}

/// Replaces one person's words inside the caller's transaction, so that a profile and its
/// words change together.
pub async fn replace_in<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    person_id: i64,
    name: &str,
    institution: &str,
) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    for<'e> &'e mut DB::Connection: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    i64: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    String: for<'q> sqlx::Encode<'q, DB> + sqlx::Type<DB>,
{
    sqlx::query::<DB>("DELETE FROM person_words WHERE person_id = $1")
        .bind(person_id)
        .execute(&mut **tx)
        .await?;

    let found = person_words(name, institution);
    if found.is_empty() {
        return Ok(());
    }
    let sql = insert_sql(found.len());
    let mut query = sqlx::query::<DB>(&sql);
    for word in found {
        query = query.bind(word).bind(person_id);
    }
    query.execute(&mut **tx).await?;
    Ok(())
}

/// Indexes everyone who has no words yet: people made before the index existed, or in bulk
/// by the demo. Returns how many people it indexed.
pub async fn index_missing(db: &Db) -> Result<usize, sqlx::Error> {
    let missing: Vec<(i64, String, String)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT p.id, p.name, p.institution FROM people p WHERE NOT EXISTS \
             (SELECT 1 FROM person_words w WHERE w.person_id = p.id) ORDER BY p.id",
        )
        .fetch_all(pool)
        .await
    })?;
    let rows: Vec<(String, i64)> = missing
        .iter()
        .flat_map(|(id, name, institution)| {
            person_words(name, institution)
                .into_iter()
                .map(move |word| (word, *id))
        })
        .collect();

    // One transaction: a national demo is a few hundred thousand words, synced to disk once.
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(BATCH) {
            let sql = insert_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for (word, id) in chunk {
                query = query.bind(word).bind(id);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await
    })?;
    if !missing.is_empty() {
        tracing::info!(
            people = missing.len(),
            words = rows.len(),
            "directory words indexed"
        );
    }
    Ok(missing.len())
}

fn insert_sql(rows: usize) -> String {
    format!(
        "INSERT INTO person_words (word, person_id) VALUES {}",
        numbered_rows(rows, 2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_lowercase_unaccented_and_split_at_punctuation() {
        assert_eq!(
            words("María García-López"),
            vec!["maria", "garcia", "lopez"]
        );
        assert_eq!(words("O'Neil, Ada"), vec!["o", "neil", "ada"]);
    }

    #[test]
    fn a_word_in_both_name_and_institution_is_indexed_once() {
        assert_eq!(
            person_words("Ada Brooklyn", "Brooklyn Public Library"),
            vec!["ada", "brooklyn", "public", "library"]
        );
    }

    #[test]
    fn text_without_letters_or_digits_has_no_words() {
        assert!(words(" -- @@ ").is_empty());
    }

    #[test]
    fn a_prefix_range_holds_every_word_that_starts_with_it_and_no_other() {
        let (low, high) = prefix_range("garc");
        for inside in ["garc", "garcia", "garcía", "garc\u{1F600}"] {
            assert!(low.as_str() <= inside && inside < high.as_str(), "{inside}");
        }
        for outside in ["gara", "gard", "gar", "h"] {
            assert!(
                !(low.as_str() <= outside && outside < high.as_str()),
                "{outside}"
            );
        }
    }
}
