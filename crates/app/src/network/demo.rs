//! Coordinator terms for the demo network, in every coverage state.
//!
//! The demo's people already hold `coordinator` grants: a lead and a backup per region, plus
//! the fixed New York and California accounts. This turns them into terms: most regions are
//! covered, some thin (the backup's term ended), some ending soon with no successor, one with a
//! successor already appointed, and some gaps (every term over). Grants then follow the terms.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};

use crate::demo::DEMO_SIGN_INS;
use crate::network::succession;
use crate::network::terms::{self, Appointment, Span, TermRole};
use crate::network::{self};
use crate::on_db;
use crate::platform::db::Db;

/// A deterministic number below `n` for the `index`-th choice of a seed.
pub fn roll(seed: u64, index: u64, n: u64) -> u64 {
    let mut z = seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) % n.max(1)
}

/// What happens to a region's terms in the demo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scenario {
    Covered,
    Thin,
    Ending,
    Succeeded,
    Gap,
}

fn scenario(code: &str, seed: u64, index: u64) -> Scenario {
    // The fixed coordinators' regions stay covered, so their demo sign-ins keep their role.
    if code == "NY" || code == "CA" {
        return Scenario::Covered;
    }
    match roll(seed, index, 20) {
        0..=10 => Scenario::Covered,
        11..=13 => Scenario::Thin,
        14..=15 => Scenario::Ending,
        16 => Scenario::Succeeded,
        _ => Scenario::Gap,
    }
}

fn shift(today: NaiveDate, days: i64) -> NaiveDate {
    let magnitude = Days::new(days.unsigned_abs());
    let moved = if days < 0 {
        today.checked_sub_days(magnitude)
    } else {
        today.checked_add_days(magnitude)
    };
    moved.unwrap_or(today)
}

/// Appoints the demo's coordinators for terms; returns how many terms it made.
pub async fn build(db: &Db, seed: u64) -> anyhow::Result<usize> {
    let today = succession::today();
    let admin = person_id(db, DEMO_SIGN_INS[0].1).await?;
    let fixed = [
        person_id(db, DEMO_SIGN_INS[1].1).await?,
        person_id(db, DEMO_SIGN_INS[2].1).await?,
    ];
    let regions = network::list_regions(db).await?;
    let mut by_region: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (person, region) in coordinator_grants(db).await? {
        by_region.entry(region).or_default().push(person);
    }

    let mut made = 0;
    for (index, region) in regions.iter().enumerate() {
        let people = by_region.remove(&region.id).unwrap_or_default();
        let (named, generated): (Vec<i64>, Vec<i64>) =
            people.into_iter().partition(|p| fixed.contains(p));
        let [lead, backup] = [generated.first(), generated.get(1)];
        let (Some(&lead), Some(&backup)) = (lead, backup) else {
            continue;
        };
        let plan = terms_for(
            scenario(&region.code, seed, index as u64),
            lead,
            backup,
            seed,
        );
        for (person, role, from, to) in plan {
            let appointment = Appointment {
                person_id: person,
                span: Span {
                    id: 0,
                    role,
                    starts_on: shift(today, from),
                    ends_on: shift(today, to),
                },
            };
            terms::appoint(db, region.id, &appointment, admin, today).await?;
            made += 1;
        }
        for person in named {
            let appointment = Appointment {
                person_id: person,
                span: Span {
                    id: 0,
                    role: TermRole::CoCoordinator,
                    starts_on: shift(today, -200),
                    ends_on: shift(today, 900),
                },
            };
            terms::appoint(db, region.id, &appointment, admin, today).await?;
            made += 1;
        }
    }
    terms::sync_all(db, today).await?;
    tracing::info!(terms = made, "demo coordinator terms built");
    Ok(made)
}

/// (person, role, first day, last day) with days counted from today.
fn terms_for(
    scenario: Scenario,
    lead: i64,
    backup: i64,
    seed: u64,
) -> Vec<(i64, TermRole, i64, i64)> {
    let spread = roll(seed, lead as u64, 60) as i64;
    match scenario {
        Scenario::Covered => vec![
            (lead, TermRole::Lead, -400 - spread, 700 + spread),
            (backup, TermRole::Backup, -300, 400 + spread),
        ],
        Scenario::Thin => vec![
            (lead, TermRole::Lead, -500, 500 + spread),
            (backup, TermRole::Backup, -760, -30 - spread),
        ],
        Scenario::Ending => vec![
            (lead, TermRole::Lead, -700, 20 + spread),
            (backup, TermRole::Backup, -200, 600),
        ],
        Scenario::Succeeded => vec![
            (lead, TermRole::Lead, -700, 45),
            (backup, TermRole::Backup, -200, 45),
            (backup, TermRole::Lead, 46, 46 + 730),
            (lead, TermRole::Backup, 46, 46 + 365),
        ],
        Scenario::Gap => vec![
            (lead, TermRole::Lead, -900, -10 - spread),
            (backup, TermRole::Backup, -800, -45),
        ],
    }
}

async fn person_id(db: &Db, email: &str) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = on_db!(db, |pool| {
        sqlx::query_as("SELECT id FROM people WHERE email = $1")
            .bind(email)
            .fetch_one(pool)
            .await
    })?;
    Ok(id)
}

async fn coordinator_grants(db: &Db) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT person_id, region_id FROM grants WHERE role = 'coordinator' \
             AND region_id IS NOT NULL ORDER BY region_id, person_id",
        )
        .fetch_all(pool)
        .await
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_scenarios_and_every_kind_appears() {
        let codes: Vec<String> = (0..56).map(|i| format!("R{i}")).collect();
        let first: Vec<Scenario> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| scenario(c, 7, i as u64))
            .collect();
        let again: Vec<Scenario> = codes
            .iter()
            .enumerate()
            .map(|(i, c)| scenario(c, 7, i as u64))
            .collect();
        assert_eq!(first, again);
        for kind in [
            Scenario::Covered,
            Scenario::Thin,
            Scenario::Ending,
            Scenario::Gap,
        ] {
            assert!(first.contains(&kind), "{kind:?}");
        }
        assert_eq!(scenario("NY", 7, 3), Scenario::Covered);
    }

    #[test]
    fn planned_terms_never_end_before_they_start() {
        for kind in [
            Scenario::Covered,
            Scenario::Thin,
            Scenario::Ending,
            Scenario::Succeeded,
            Scenario::Gap,
        ] {
            for (_, _, from, to) in terms_for(kind, 1, 2, 42) {
                assert!(from <= to, "{kind:?}");
            }
        }
    }
}
