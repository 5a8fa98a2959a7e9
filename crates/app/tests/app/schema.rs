//! The two engines must have the same tables and columns.

use std::collections::BTreeMap;

use carrel_app::platform::config::Config;
use carrel_app::platform::db::Db;

type Schema = BTreeMap<String, Vec<String>>;

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::for_data_dir(dir.path().to_path_buf());
    let db = carrel_app::app::open_database(&config).await.unwrap();
    let Db::Sqlite(pool) = &db else {
        unreachable!("the default is SQLite")
    };
    // `pragma_table_list` tells plain tables from virtual ones and their shadow tables: the
    // full-text index (FTS5) is SQLite's own engine, which PostgreSQL does with an index
    // instead, so it is a per-engine difference and not part of the shared schema.
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table' \
         AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut schema = Schema::new();
    for (table,) in tables {
        let columns: Vec<(String,)> =
            sqlx::query_as(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .unwrap();
        let mut names: Vec<String> = columns.into_iter().map(|(c,)| c).collect();
        names.sort();
        schema.insert(table, names);
    }
    schema
}

/// Reads `CREATE TABLE` statements of a migrations folder: one column per line, constraint
/// lines skipped. Good enough for our own migrations, which are written that way.
/// `CREATE VIRTUAL TABLE` (SQLite's full-text index) does not match, on purpose.
fn schema_from_files(engine: &str) -> Schema {
    let folder = format!("{}/migrations/{engine}", env!("CARGO_MANIFEST_DIR"));
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut schema = Schema::new();
    for file in files {
        let text = std::fs::read_to_string(file).unwrap();
        let mut current: Option<String> = None;
        for line in text.lines().map(str::trim) {
            if let Some(rest) = line.strip_prefix("CREATE TABLE ") {
                current = rest.split_whitespace().next().map(str::to_owned);
                schema.entry(current.clone().unwrap()).or_default();
            } else if line.starts_with(')') {
                current = None;
            } else if let Some(table) = &current {
                let word = line.split_whitespace().next().unwrap_or_default();
                let constraint = ["PRIMARY", "UNIQUE", "FOREIGN", "CHECK", "CONSTRAINT", ""];
                if !constraint.contains(&word) {
                    schema.get_mut(table).unwrap().push(word.to_owned());
                }
            } else if line.contains("GENERATED ALWAYS AS") {
                // A generated column is derived data one engine keeps for itself (PostgreSQL's
                // stored text-search vector); it is not part of the shared schema.
                continue;
            } else if let Some(rest) = line.strip_prefix("ALTER TABLE ") {
                let mut words = rest.split_whitespace();
                let table = words.next().unwrap_or_default().to_owned();
                if words.next() == Some("ADD") && words.next() == Some("COLUMN") {
                    let column = words.next().unwrap_or_default().to_owned();
                    schema.entry(table).or_default().push(column);
                }
            }
        }
    }
    schema.values_mut().for_each(|columns| columns.sort());
    schema
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_define_the_same_tables_and_columns() {
    let sqlite = sqlite_schema().await;

    assert_eq!(
        sqlite,
        schema_from_files("sqlite"),
        "the file reader agrees with SQLite itself"
    );
    assert_eq!(
        sqlite,
        schema_from_files("postgres"),
        "PostgreSQL migrations differ"
    );
}

#[tokio::test]
async fn the_live_postgres_schema_matches_sqlite() {
    let Ok(server) = std::env::var("CARREL_TEST_DATABASE_URL") else {
        return; // Checked against the migration files above; CI also runs this on a server.
    };
    let app = crate::harness::TestApp::spawn().await;
    let Db::Postgres(pool) = &app.db else {
        panic!("{server} did not select PostgreSQL")
    };
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = 'public' AND table_name NOT LIKE '_sqlx%' \
         AND is_generated = 'NEVER'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut postgres = Schema::new();
    for (table, column) in rows {
        postgres.entry(table).or_default().push(column);
    }
    postgres.values_mut().for_each(|columns| columns.sort());

    assert_eq!(postgres, sqlite_schema().await);
}
