//! Coverage: whether a region has the coordinators it needs, now and in the coming months,
//! and how mentor supply compares with mentee demand there.
//!
//! The rules are plain functions of terms and counts, tested without a database.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Days, NaiveDate};

use crate::network::terms::{Span, TermRole};
use crate::on_db;
use crate::people::topics::Stage;
use crate::platform::db::Db;
use crate::platform::state::AppState;

/// A term ending within this many days with no successor puts its region on alert.
pub const ENDING_WINDOW_DAYS: u64 = 90;

/// A region's coverage, most urgent first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// No active coordinator at all.
    Gap,
    /// A term ends within [`ENDING_WINDOW_DAYS`] and no successor is appointed.
    Ending,
    /// Someone coordinates, but the region lacks an active lead or an active backup.
    Thin,
    /// An active lead and an active backup, and no term ending without a successor.
    Covered,
}

impl Status {
    /// Every status, most urgent first.
    pub const ALL: [Status; 4] = [Status::Gap, Status::Ending, Status::Thin, Status::Covered];

    /// The code used in CSS classes and pattern ids.
    pub fn code(self) -> &'static str {
        match self {
            Status::Gap => "gap",
            Status::Ending => "ending",
            Status::Thin => "thin",
            Status::Covered => "covered",
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Status::Gap => "Gap",
            Status::Ending => "Ending soon",
            Status::Thin => "Thin",
            Status::Covered => "Covered",
        }
    }

    /// What the status means, for legends.
    pub fn meaning(self) -> &'static str {
        match self {
            Status::Gap => "no active coordinator",
            Status::Ending => "a term ends within 90 days and no successor is appointed",
            Status::Thin => "an active coordinator, but no lead or no backup",
            Status::Covered => "an active lead and an active backup",
        }
    }
}

/// A region's coverage with the facts behind it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    /// The summary.
    pub status: Status,
    /// Whether an active lead exists.
    pub has_lead: bool,
    /// Whether an active backup exists.
    pub has_backup: bool,
    /// How many terms are active.
    pub active: usize,
    /// Active terms ending within the window that no later term of the same role follows.
    pub ending_without_successor: Vec<Span>,
}

/// Assesses one region from its terms on a given day.
///
/// A successor of a term is a term of the same role that starts after it ends (overlapping
/// terms of one role are refused at appointment, so a successor cannot run alongside it).
pub fn assess(terms: &[Span], today: NaiveDate) -> Coverage {
    let active: Vec<&Span> = terms.iter().filter(|t| t.is_active(today)).collect();
    let has = |role| active.iter().any(|t| t.role == role);
    let horizon = today
        .checked_add_days(Days::new(ENDING_WINDOW_DAYS))
        .unwrap_or(today);
    let ending_without_successor: Vec<Span> = active
        .iter()
        .filter(|t| t.ends_on < horizon)
        .filter(|t| {
            !terms
                .iter()
                .any(|next| next.role == t.role && next.starts_on > t.ends_on)
        })
        .map(|t| **t)
        .collect();

    let (has_lead, has_backup) = (has(TermRole::Lead), has(TermRole::Backup));
    let status = if active.is_empty() {
        Status::Gap
    } else if !ending_without_successor.is_empty() {
        Status::Ending
    } else if !(has_lead && has_backup) {
        Status::Thin
    } else {
        Status::Covered
    };
    Coverage {
        status,
        has_lead,
        has_backup,
        active: active.len(),
        ending_without_successor,
    }
}

/// How many regions are in each status, most urgent first.
pub fn tally<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> Vec<(Status, usize)> {
    let mut counts: HashMap<Status, usize> = HashMap::new();
    for status in statuses {
        *counts.entry(*status).or_default() += 1;
    }
    Status::ALL
        .into_iter()
        .map(|s| (s, counts.get(&s).copied().unwrap_or(0)))
        .collect()
}

/// Supply and demand at one career stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageBalance {
    /// The stage.
    pub stage: Stage,
    /// Mentees at this stage whose applications wait in a cycle open for applications or
    /// being matched.
    pub mentees_waiting: i64,
    /// Mentors whose offers in those cycles accept mentees at this stage.
    pub mentors: i64,
    /// The places those offers give, in mentees. An offer open to several stages counts at
    /// each of them, so the stages' capacities add up to more than the total.
    pub capacity: i64,
}

impl StageBalance {
    /// Capacity minus demand at this stage; negative when mentees outnumber places.
    pub fn surplus(&self) -> i64 {
        self.capacity - self.mentees_waiting
    }
}

/// Counts read from the cycles for one region (or the nation).
#[derive(Clone, Debug, Default)]
pub struct SupplyCounts {
    /// (stage code of the mentee, applications waiting).
    pub waiting: Vec<(String, i64)>,
    /// (stages an offer accepts as stored, `early,mid`; places offered; offers), grouped by
    /// the stages text so a nation of offers reads as a few dozen rows.
    pub offers: Vec<(String, i64, i64)>,
}

/// Turns counts into one row per stage, in career order, and the totals.
pub fn balance(counts: &SupplyCounts) -> (Vec<StageBalance>, StageTotals) {
    let rows: Vec<StageBalance> = Stage::ALL
        .into_iter()
        .map(|stage| {
            let code = stage.code();
            let mentees_waiting = counts
                .waiting
                .iter()
                .filter(|(s, _)| s == code)
                .map(|(_, n)| n)
                .sum();
            let open_to_stage = counts
                .offers
                .iter()
                .filter(|(stages, _, _)| stages.split(',').any(|s| s.trim() == code));
            StageBalance {
                stage,
                mentees_waiting,
                mentors: open_to_stage.clone().map(|(_, _, n)| n).sum(),
                capacity: open_to_stage.map(|(_, places, _)| places).sum(),
            }
        })
        .collect();
    let totals = StageTotals {
        mentees_waiting: counts.waiting.iter().map(|(_, n)| n).sum(),
        mentors: counts.offers.iter().map(|(_, _, n)| n).sum(),
        capacity: counts.offers.iter().map(|(_, places, _)| places).sum(),
    };
    (rows, totals)
}

/// Every stage together, each mentor and each place counted once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StageTotals {
    /// Mentees waiting.
    pub mentees_waiting: i64,
    /// Mentors offering.
    pub mentors: i64,
    /// Places offered.
    pub capacity: i64,
}

impl StageTotals {
    /// Capacity minus demand.
    pub fn surplus(&self) -> i64 {
        self.capacity - self.mentees_waiting
    }
}

/// Cycles whose applications and offers still wait for matches: open for applications, or
/// being matched. Once matches are published, the people are accounted for by proposals.
const WAITING_CYCLES: &str = "c.state IN ('open', 'matching')";

/// Reads the supply and demand of one region, or of the whole network for `None`, from the
/// applications and offers of cycles that are open or being matched. A person counts in the
/// region of their profile, whether the cycle is national or regional.
///
/// PostgreSQL sums integers as `numeric`, hence the casts back to `BIGINT`.
///
/// The nation's queries walk from the handful of waiting cycles to their applications and
/// offers (`CROSS JOIN` keeps SQLite to that order; PostgreSQL plans it alike), rather than
/// from 150,000 people to their applications. A region's start from its people instead.
pub async fn supply_counts(db: &Db, region_id: Option<i64>) -> Result<SupplyCounts, sqlx::Error> {
    let (waiting_sql, offers_sql) = match region_id {
        Some(_) => (
            format!(
                "SELECT p.stage, COUNT(*) FROM people p \
                 JOIN applications a ON a.person_id = p.id JOIN cycles c ON c.id = a.cycle_id \
                 WHERE p.region_id = $1 AND p.status = 'active' AND {WAITING_CYCLES} \
                 GROUP BY p.stage"
            ),
            format!(
                "SELECT o.stages, CAST(SUM(o.capacity) AS BIGINT), COUNT(*) FROM people p \
                 JOIN offers o ON o.person_id = p.id JOIN cycles c ON c.id = o.cycle_id \
                 WHERE p.region_id = $1 AND p.status = 'active' AND {WAITING_CYCLES} \
                 GROUP BY o.stages"
            ),
        ),
        None => (
            format!(
                "SELECT p.stage, COUNT(*) FROM cycles c CROSS JOIN applications a \
                 CROSS JOIN people p WHERE a.cycle_id = c.id AND p.id = a.person_id \
                 AND p.status = 'active' AND {WAITING_CYCLES} GROUP BY p.stage"
            ),
            format!(
                "SELECT o.stages, CAST(SUM(o.capacity) AS BIGINT), COUNT(*) FROM cycles c \
                 CROSS JOIN offers o CROSS JOIN people p WHERE o.cycle_id = c.id \
                 AND p.id = o.person_id AND p.status = 'active' AND {WAITING_CYCLES} \
                 GROUP BY o.stages"
            ),
        ),
    };
    let waiting = on_db!(db, |pool| {
        let mut query = sqlx::query_as(&waiting_sql);
        if let Some(id) = region_id {
            query = query.bind(id);
        }
        query.fetch_all(pool).await
    })?;
    let offers = on_db!(db, |pool| {
        let mut query = sqlx::query_as(&offers_sql);
        if let Some(id) = region_id {
            query = query.bind(id);
        }
        query.fetch_all(pool).await
    })?;
    Ok(SupplyCounts { waiting, offers })
}

/// The nation's supply and demand, from a cache kept for a minute.
///
/// The national page is public and its counts add up every waiting application and offer
/// of the country (tens of thousands of rows at national scale): reading them on each
/// request made the page the slowest of the site, while the numbers move by a few an hour.
pub async fn national_supply(state: &AppState) -> Result<Arc<SupplyCounts>, sqlx::Error> {
    state
        .national_supply
        .get_or_load(|| supply_counts(&state.db, None))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("valid")
    }

    fn term(id: i64, role: TermRole, start: &str, end: &str) -> Span {
        Span {
            id,
            role,
            starts_on: day(start),
            ends_on: day(end),
        }
    }

    const TODAY: &str = "2026-03-01";

    #[test]
    fn a_region_with_an_active_lead_and_backup_is_covered() {
        let terms = [
            term(1, TermRole::Lead, "2025-01-01", "2027-12-31"),
            term(2, TermRole::Backup, "2025-06-01", "2027-06-30"),
        ];
        let coverage = assess(&terms, day(TODAY));
        assert_eq!(coverage.status, Status::Covered);
        assert_eq!(coverage.active, 2);
    }

    #[test]
    fn a_region_without_a_backup_is_thin() {
        let terms = [
            term(1, TermRole::Lead, "2025-01-01", "2027-12-31"),
            term(2, TermRole::Backup, "2024-01-01", "2025-12-31"),
        ];
        let coverage = assess(&terms, day(TODAY));
        assert_eq!(coverage.status, Status::Thin);
        assert!(coverage.has_lead && !coverage.has_backup);
    }

    #[test]
    fn a_region_with_only_a_backup_or_co_coordinator_is_thin_too() {
        let terms = [
            term(1, TermRole::Backup, "2025-01-01", "2027-12-31"),
            term(2, TermRole::CoCoordinator, "2025-01-01", "2027-12-31"),
        ];
        assert_eq!(assess(&terms, day(TODAY)).status, Status::Thin);
    }

    #[test]
    fn a_region_whose_terms_are_all_past_or_future_is_a_gap() {
        let terms = [
            term(1, TermRole::Lead, "2023-01-01", "2025-12-31"),
            term(2, TermRole::Lead, "2026-04-01", "2028-03-31"),
        ];
        assert_eq!(assess(&terms, day(TODAY)).status, Status::Gap);
        assert_eq!(assess(&[], day(TODAY)).status, Status::Gap);
    }

    #[test]
    fn a_term_ending_within_ninety_days_without_successor_puts_the_region_on_alert() {
        let terms = [
            term(1, TermRole::Lead, "2024-06-01", "2026-05-29"),
            term(2, TermRole::Backup, "2025-01-01", "2027-12-31"),
        ];
        let coverage = assess(&terms, day(TODAY));
        assert_eq!(coverage.status, Status::Ending);
        assert_eq!(coverage.ending_without_successor.len(), 1);
        assert_eq!(coverage.ending_without_successor[0].id, 1);
    }

    #[test]
    fn an_appointed_successor_clears_the_alert() {
        let terms = [
            term(1, TermRole::Lead, "2024-06-01", "2026-05-29"),
            term(2, TermRole::Backup, "2025-01-01", "2027-12-31"),
            term(3, TermRole::Lead, "2026-05-30", "2028-05-29"),
        ];
        assert_eq!(assess(&terms, day(TODAY)).status, Status::Covered);
    }

    #[test]
    fn a_term_ending_after_the_window_is_not_an_alert() {
        let terms = [
            term(1, TermRole::Lead, "2024-06-01", "2026-06-01"),
            term(2, TermRole::Backup, "2025-01-01", "2027-12-31"),
        ];
        // 2026-03-01 + 90 days is 2026-05-30.
        assert_eq!(assess(&terms, day(TODAY)).status, Status::Covered);
    }

    #[test]
    fn the_tally_lists_every_status_even_when_empty() {
        let counts = tally(&[Status::Thin, Status::Gap, Status::Thin]);
        assert_eq!(
            counts,
            [
                (Status::Gap, 1),
                (Status::Ending, 0),
                (Status::Thin, 2),
                (Status::Covered, 0)
            ]
        );
    }

    #[test]
    fn an_offer_counts_at_every_stage_it_accepts_and_once_in_the_totals() {
        let counts = SupplyCounts {
            waiting: vec![("early".into(), 10), ("mid".into(), 3)],
            offers: vec![
                ("early,mid".into(), 6, 3),
                ("senior".into(), 2, 1),
                ("mid".into(), 1, 1),
            ],
        };

        let (rows, totals) = balance(&counts);

        assert_eq!(rows.len(), 5);
        assert_eq!(rows[1].stage, Stage::Early);
        assert_eq!((rows[1].mentors, rows[1].capacity), (3, 6));
        assert_eq!(rows[1].surplus(), -4);
        assert_eq!((rows[2].mentors, rows[2].capacity), (4, 7));
        assert_eq!(rows[2].surplus(), 4);
        assert_eq!((rows[3].mentees_waiting, rows[3].capacity), (0, 2));
        assert_eq!(rows[0].capacity, 0, "no offer takes students");
        assert_eq!(
            totals,
            StageTotals {
                mentees_waiting: 13,
                mentors: 5,
                capacity: 9
            }
        );
        assert_eq!(totals.surplus(), -4);
    }
}
