//! Importing applications and offers from the spreadsheets programs keep today.
//!
//! The file is CSV with a header row. Every row is checked with the same rules as the forms;
//! every problem is reported with its line and column, and nothing is imported until the
//! whole file is clean. Lists inside a cell (needs, topics, stages, times, groups) are
//! separated by semicolons; yes/no columns take `yes`, `no` or nothing.

use std::collections::HashMap;

use crate::cycles::applications::{
    self, ApplicationForm, OfferForm, ValidApplication, ValidOffer, MAX_NEEDS,
};
use crate::cycles::cycle::Cycle;
use crate::on_db;
use crate::people::profile::Topic;
use crate::platform::db::Db;
use crate::platform::web::forms::FieldErrors;

/// The most rows one import takes.
pub const MAX_ROWS: usize = 5_000;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Mentees' applications.
    Applications,
    /// Mentors' offers.
    Offers,
}

impl Kind {
    /// Reads the form value.
    pub fn parse(code: &str) -> Option<Kind> {
        match code {
            "applications" => Some(Kind::Applications),
            "offers" => Some(Kind::Offers),
            _ => None,
        }
    }

    /// The columns a file of this kind may have; the first ones are required.
    pub fn columns(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Kind::Applications => (
                &["email", "needs", "goals"],
                &[
                    "same_library_type",
                    "nearby",
                    "wants_peer",
                    "avoid_same_institution",
                    "language",
                    "modality",
                    "availability",
                    "affinity",
                ],
            ),
            Kind::Offers => (
                &["email", "capacity", "topics"],
                &["stages", "modality", "availability", "affinity"],
            ),
        }
    }
}

/// One problem of the file, where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// The line in the file, the header being line 1 (0: the file as a whole).
    pub line: u64,
    /// The column, or empty for the row as a whole.
    pub column: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// A file's rows, checked: who each row is for, and what to store.
#[derive(Debug, Default)]
pub struct Checked {
    /// Applications by person id.
    pub applications: Vec<(i64, ValidApplication)>,
    /// Offers by person id.
    pub offers: Vec<(i64, ValidOffer)>,
}

/// A person an import row may name: an active member, with their region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Member {
    /// Their id.
    pub id: i64,
    /// Their region.
    pub region_id: Option<i64>,
    /// Whether they already have an entry of this kind in the cycle.
    pub already_in: bool,
}

/// Checks a whole file. `find` answers for each email address (lowercased) who it is;
/// `cycle_regions` are the cycle's regions (none for a national cycle).
pub fn check(
    text: &str,
    kind: Kind,
    cycle_regions: &[i64],
    topics: &[Topic],
    find: &HashMap<String, Member>,
) -> Result<Checked, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut checked = Checked::default();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());

    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.to_lowercase()).collect(),
        Err(error) => return Err(vec![file_error(&error)]),
    };
    let (required, optional) = kind.columns();
    for column in required {
        if !header.iter().any(|h| h == column) {
            errors.push(RowError {
                line: 1,
                column: (*column).to_owned(),
                message: format!("The header has no “{column}” column."),
            });
        }
    }
    for column in &header {
        if !required.contains(&column.as_str()) && !optional.contains(&column.as_str()) {
            errors.push(RowError {
                line: 1,
                column: column.clone(),
                message: format!("“{column}” is not a column Carrel knows."),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }

    let mut seen: HashMap<String, u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        if index >= MAX_ROWS {
            errors.push(RowError {
                line: 0,
                column: String::new(),
                message: format!("The file has more than {MAX_ROWS} rows; split it."),
            });
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(file_error(&error));
                continue;
            }
        };
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |name: &str| -> String {
            header
                .iter()
                .position(|h| h == name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        let mut row_errors = Vec::new();
        let mut add = |column: &str, message: String| {
            row_errors.push(RowError {
                line,
                column: column.to_owned(),
                message,
            });
        };

        let email = cell("email").to_lowercase();
        let member = find.get(&email).copied();
        match (member, seen.get(&email)) {
            (_, Some(first)) => add(
                "email",
                format!("{email} appears twice; first on line {first}."),
            ),
            (None, None) if email.is_empty() => add("email", "The email is missing.".into()),
            (None, None) => add(
                "email",
                format!("{email} is not an active member of Carrel."),
            ),
            (Some(m), None)
                if !cycle_regions.is_empty()
                    && !m.region_id.is_some_and(|r| cycle_regions.contains(&r)) =>
            {
                add(
                    "email",
                    format!("{email} is not a member of this cycle's regions."),
                )
            }
            (Some(m), None) if m.already_in => add(
                "email",
                format!("{email} already has one in this cycle; they can change it themselves."),
            ),
            _ => {}
        }
        seen.entry(email).or_insert(line);

        let list = |name: &str| -> Vec<String> {
            cell(name)
                .split(';')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut bad_flag = None;
        let mut flag = |name: &'static str| -> bool {
            match cell(name).to_lowercase().as_str() {
                "yes" | "y" | "true" | "1" => true,
                "" | "no" | "n" | "false" | "0" => false,
                _ => {
                    bad_flag = Some(name);
                    false
                }
            }
        };
        match kind {
            Kind::Applications => {
                let mut needs: [String; MAX_NEEDS] = Default::default();
                let listed = list("needs");
                if listed.len() > MAX_NEEDS {
                    add("needs", format!("Rank at most {MAX_NEEDS} needs."));
                }
                for (slot, need) in needs.iter_mut().zip(listed) {
                    *slot = need;
                }
                let modality = cell("modality");
                let form = ApplicationForm {
                    needs,
                    goals: cell("goals"),
                    same_library_type: flag("same_library_type"),
                    nearby: flag("nearby"),
                    wants_peer: flag("wants_peer"),
                    avoid_same_institution: flag("avoid_same_institution"),
                    language: cell("language"),
                    modality: if modality.is_empty() {
                        "either".into()
                    } else {
                        modality
                    },
                    availability: list("availability"),
                    affinity: list("affinity"),
                };
                match applications::validate_application(&form, topics) {
                    Ok(valid) => {
                        if let Some(m) = member {
                            checked.applications.push((m.id, valid));
                        }
                    }
                    Err(field_errors) => report(&mut add, &field_errors),
                }
            }
            Kind::Offers => {
                let modality = cell("modality");
                let stages = list("stages");
                let form = OfferForm {
                    capacity: cell("capacity"),
                    topics: list("topics"),
                    stages: if stages.is_empty() {
                        OfferForm::blank().stages
                    } else {
                        stages
                    },
                    modality: if modality.is_empty() {
                        "either".into()
                    } else {
                        modality
                    },
                    availability: list("availability"),
                    affinity: list("affinity"),
                };
                match applications::validate_offer(&form, topics) {
                    Ok(valid) => {
                        if let Some(m) = member {
                            checked.offers.push((m.id, valid));
                        }
                    }
                    Err(field_errors) => report(&mut add, &field_errors),
                }
            }
        }
        if let Some(name) = bad_flag {
            add(name, "Write yes or no.".into());
        }
        errors.extend(row_errors);
    }

    if errors.is_empty() && checked.applications.is_empty() && checked.offers.is_empty() {
        errors.push(RowError {
            line: 0,
            column: String::new(),
            message: "The file has a header but no rows.".into(),
        });
    }
    if errors.is_empty() {
        Ok(checked)
    } else {
        Err(errors)
    }
}

// The form's field names become the file's column names.
fn report(add: &mut impl FnMut(&str, String), errors: &FieldErrors) {
    for (field, message) in errors.all() {
        let column = match field {
            "need_1" => "needs",
            other => other,
        };
        add(column, message.to_owned());
    }
}

fn file_error(error: &csv::Error) -> RowError {
    let line = error.position().map_or(0, csv::Position::line);
    let message = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("This row has {len} cells where the header has {expected_len}."),
        csv::ErrorKind::Utf8 { .. } => "This row is not valid UTF-8 text.".to_owned(),
        _ => "This row could not be read as CSV; check its quotes.".to_owned(),
    };
    RowError {
        line,
        column: String::new(),
        message,
    }
}

/// Looks up every email address of a file: active members, their region, and whether they
/// already have an entry of this kind in the cycle.
pub async fn members_named(
    db: &Db,
    text: &str,
    cycle: &Cycle,
    kind: Kind,
) -> Result<HashMap<String, Member>, sqlx::Error> {
    let mut emails: Vec<String> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let column = reader
        .headers()
        .ok()
        .and_then(|h| h.iter().position(|c| c.eq_ignore_ascii_case("email")));
    if let Some(column) = column {
        for record in reader.records().flatten().take(MAX_ROWS) {
            if let Some(email) = record.get(column) {
                emails.push(email.to_lowercase());
            }
        }
    }
    emails.sort();
    emails.dedup();

    let table = match kind {
        Kind::Applications => "applications",
        Kind::Offers => "offers",
    };
    let sql = format!(
        "SELECT p.id, p.region_id, EXISTS (SELECT 1 FROM {table} x WHERE x.cycle_id = $1 \
         AND x.person_id = p.id) FROM people p WHERE p.email = $2 AND p.status = 'active'"
    );
    let mut found = HashMap::new();
    for email in emails {
        let row: Option<(i64, Option<i64>, bool)> = on_db!(db, |pool| sqlx::query_as(&sql)
            .bind(cycle.id)
            .bind(&email)
            .fetch_optional(pool)
            .await)?;
        if let Some((id, region_id, already_in)) = row {
            found.insert(
                email,
                Member {
                    id,
                    region_id,
                    already_in,
                },
            );
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<Topic> {
        ["leadership", "grant_writing"]
            .iter()
            .enumerate()
            .map(|(i, code)| Topic {
                id: i as i64 + 1,
                code: (*code).into(),
                name: (*code).into(),
            })
            .collect()
    }

    fn members() -> HashMap<String, Member> {
        let member = |id| Member {
            id,
            region_id: Some(5),
            already_in: false,
        };
        HashMap::from([
            ("ana@example.org".to_owned(), member(1)),
            ("bo@example.org".to_owned(), member(2)),
            (
                "cy@example.org".to_owned(),
                Member {
                    id: 3,
                    region_id: Some(6),
                    already_in: false,
                },
            ),
        ])
    }

    #[test]
    fn a_clean_file_gives_every_row() {
        let text = "email,needs,goals,nearby\n\
                    ana@example.org,leadership;grant_writing,Lead a team,yes\n\
                    BO@example.org,grant_writing,\"Write grants, win some\",\n";
        let checked = check(text, Kind::Applications, &[5], &topics(), &members()).expect("clean");
        assert_eq!(checked.applications.len(), 2);
        assert_eq!(checked.applications[0].1.need_ids, [1, 2]);
        assert!(checked.applications[0].1.nearby);
    }

    #[test]
    fn every_bad_row_is_reported_by_line_and_column() {
        let text = "email,needs,goals,nearby\n\
                    ana@example.org,astrology,Lead,maybe\n\
                    nobody@example.org,leadership,Lead,\n\
                    cy@example.org,leadership,Lead,\n\
                    ana@example.org,leadership,,\n";
        let errors = check(text, Kind::Applications, &[5], &topics(), &members())
            .err()
            .unwrap_or_default();
        let at =
            |line: u64, column: &str| errors.iter().any(|e| e.line == line && e.column == column);
        assert!(at(2, "needs"), "{errors:?}");
        assert!(at(2, "nearby"), "{errors:?}");
        assert!(at(3, "email"), "{errors:?}");
        assert!(at(4, "email"), "other region: {errors:?}");
        assert!(at(5, "email"), "duplicate: {errors:?}");
        assert!(at(5, "goals"), "{errors:?}");
    }

    #[test]
    fn a_malformed_file_is_refused_with_its_line() {
        let text = "email,capacity,topics\nana@example.org,2\n";
        let errors = check(text, Kind::Offers, &[], &topics(), &members())
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].line, 2);
        assert!(errors[0].message.contains("2 cells"));

        let missing = check("name\nx\n", Kind::Offers, &[], &topics(), &members())
            .err()
            .unwrap_or_default();
        assert!(missing.iter().any(|e| e.column == "email" && e.line == 1));
    }

    #[test]
    fn offers_check_capacity_and_topics() {
        let text = "email,capacity,topics\nana@example.org,9,leadership\nbo@example.org,2,\n";
        let errors = check(text, Kind::Offers, &[], &topics(), &members())
            .err()
            .unwrap_or_default();
        assert!(errors.iter().any(|e| e.line == 2 && e.column == "capacity"));
        assert!(errors.iter().any(|e| e.line == 3 && e.column == "topics"));
    }
}
