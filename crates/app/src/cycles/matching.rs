//! Running the engine on a cycle: both proposals, their figures side by side, and the
//! coordinator's pinned and forbidden pairs.
//!
//! A run loads every application and offer, searches each mentee's best candidates, adds
//! any pinned pair the search did not keep, and solves twice on the same instance: the
//! optimal solver (most mentees matched, then the highest total score) and the stable one
//! (no pair would rather leave for each other). Both results are stored as draft proposals
//! with the run's summary; publishing one of them is a separate step.

use std::time::Instant;

use carrel_matching::matching::{Matching, Report};
use carrel_matching::optimal::OptimalSolver;
use carrel_matching::rules::Rules;
use carrel_matching::stable::solve_stable;
use serde::{Deserialize, Serialize};

use crate::cycles::cycle::Cycle;
use crate::cycles::engine::{self, Inputs, Only};
use crate::people::profile::Topic;
use crate::people::topics::Stage;
use crate::platform::db::{now, Db};
use crate::{execute, on_db};

/// The two solvers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Solver {
    /// The most mentees matched, then the highest total score.
    Optimal,
    /// Mentee-proposing deferred acceptance: no pair would rather leave for each other.
    Stable,
}

impl Solver {
    /// The stored code, also the form value.
    pub fn code(self) -> &'static str {
        match self {
            Solver::Optimal => "optimal",
            Solver::Stable => "stable",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Option<Solver> {
        match code {
            "optimal" => Some(Solver::Optimal),
            "stable" => Some(Solver::Stable),
            _ => None,
        }
    }
}

/// Matched and unmatched mentees of one region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RegionCount {
    /// The region's id (0 for mentees without a region).
    pub region_id: i64,
    /// Matched mentees.
    pub matched: usize,
    /// Unmatched mentees.
    pub unmatched: usize,
}

/// The figures of one solver's proposal.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SolverSummary {
    /// Matched mentees.
    pub matched: usize,
    /// Unmatched mentees.
    pub unmatched: usize,
    /// Matched mentees by career stage, in career order.
    pub matched_by_stage: [usize; 5],
    /// Unmatched mentees by career stage.
    pub unmatched_by_stage: [usize; 5],
    /// Counts by the mentee's region.
    pub by_region: Vec<RegionCount>,
    /// The sum of the pairs' scores.
    pub total_score: u64,
    /// The mean score of a pair.
    pub mean_score: f64,
    /// Pairs that would rather be together than in this proposal.
    pub blocking_pairs: usize,
}

/// What a run found, stored with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Applications matched.
    pub applications: usize,
    /// Offers matched.
    pub offers: usize,
    /// Places offered in all.
    pub places: usize,
    /// Candidate pairs the search kept.
    pub candidates: usize,
    /// The optimal proposal.
    pub optimal: SolverSummary,
    /// The stable proposal.
    pub stable: SolverSummary,
    /// Pins that could not be honored, in words.
    pub skipped: Vec<String>,
    /// How long the engine took, in milliseconds (search and both solvers).
    pub engine_millis: u64,
}

impl Summary {
    /// The total score the stable proposal gives up against the optimal one (negative when
    /// it scores more, by matching fewer mentees).
    pub fn score_given_up(&self) -> i64 {
        self.optimal.total_score as i64 - self.stable.total_score as i64
    }

    /// Stages with their matched and unmatched counts in both proposals, for the table.
    pub fn by_stage(&self) -> Vec<(&'static str, [usize; 4])> {
        Stage::ALL
            .iter()
            .enumerate()
            .map(|(i, stage)| {
                let counts = [
                    self.optimal.matched_by_stage[i],
                    self.optimal.unmatched_by_stage[i],
                    self.stable.matched_by_stage[i],
                    self.stable.unmatched_by_stage[i],
                ];
                (stage.label(), counts)
            })
            .filter(|(_, counts)| counts.iter().any(|&n| n > 0))
            .collect()
    }
}

/// A pair decided by the coordinator before solving.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct PairRule {
    /// The mentee.
    pub mentee_id: i64,
    /// The mentor.
    pub mentor_id: i64,
    /// `pin` or `forbid`.
    pub kind: String,
}

/// One proposed pair, as people ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The mentee.
    pub mentee_id: i64,
    /// The mentor.
    pub mentor_id: i64,
    /// The pair's score.
    pub score: u16,
}

/// The result of a run, before it is stored.
pub struct Outcome {
    /// The figures.
    pub summary: Summary,
    /// The optimal proposal.
    pub optimal: Vec<Pair>,
    /// The stable proposal.
    pub stable: Vec<Pair>,
}

/// Runs the engine on a cycle's stored applications and offers and stores both proposals.
pub async fn run(db: &Db, cycle: &Cycle, topics: &[Topic], by: i64) -> anyhow::Result<Summary> {
    let inputs = engine::load(db, cycle, topics, Only::All).await?;
    let rules = pair_rules(db, cycle.id).await?;

    // Scoring and solving are pure CPU work of up to a few seconds nationally: keep them
    // off the threads that answer requests.
    let outcome = tokio::task::spawn_blocking(move || solve(&inputs, &rules)).await??;

    store(db, cycle.id, by, &outcome).await?;
    tracing::info!(
        cycle.id = cycle.id,
        matched = outcome.summary.optimal.matched,
        "matching run stored"
    );
    Ok(outcome.summary)
}

/// Searches candidates and solves both ways under the coordinator's rules.
pub fn solve(inputs: &Inputs, pair_rules: &[PairRule]) -> anyhow::Result<Outcome> {
    let started = Instant::now();
    let candidates = inputs.candidates()?;
    let mut skipped = Vec::new();
    let (rules, extra) = engine_rules(inputs, pair_rules, &mut skipped);
    let instance = if extra.is_empty() {
        candidates.instance
    } else {
        engine::with_extra_pairs(&candidates.instance, &extra)?
    };

    let optimal = OptimalSolver::new(&instance, &rules)?.solve();
    let stable = solve_stable(&instance, &rules)?;
    let engine_millis = started.elapsed().as_millis() as u64;

    let stages = &candidates.stages;
    let summarize = |matching: &Matching| -> anyhow::Result<SolverSummary> {
        let report = Report::new(&instance, matching, &rules, Some(stages))?;
        Ok(solver_summary(inputs, matching, &report))
    };
    let summary = Summary {
        applications: inputs.applications.len(),
        offers: inputs.offers.len(),
        places: inputs.offers.iter().map(|o| usize::from(o.capacity)).sum(),
        candidates: instance.candidate_count(),
        optimal: summarize(&optimal)?,
        stable: summarize(&stable)?,
        skipped,
        engine_millis,
    };
    Ok(Outcome {
        summary,
        optimal: pairs(inputs, &optimal),
        stable: pairs(inputs, &stable),
    })
}

// The coordinator's rules as engine indices, and pinned pairs the search left out.
fn engine_rules(
    inputs: &Inputs,
    pair_rules: &[PairRule],
    skipped: &mut Vec<String>,
) -> (Rules, Vec<(u32, u32, u16)>) {
    let mut rules = Rules::new();
    let mut extra = Vec::new();
    let mut pinned_per_mentor = vec![0u8; inputs.offers.len()];
    for rule in pair_rules {
        let (Some(mentee), Some(mentor)) = (
            inputs.mentee_index(rule.mentee_id),
            inputs.mentor_index(rule.mentor_id),
        ) else {
            // The application or the offer was withdrawn: the rule no longer applies.
            continue;
        };
        if rule.kind == "forbid" {
            rules = rules.forbid(mentee as u32, mentor as u32);
            continue;
        }
        let score = match inputs.explain(mentee, mentor) {
            Ok(explanation) => explanation.score,
            Err(rejection) => {
                skipped.push(format!("A pin was skipped: {rejection}."));
                continue;
            }
        };
        if pinned_per_mentor[mentor] >= inputs.offers[mentor].capacity {
            skipped.push("A pin was skipped: the mentor has no place left.".to_owned());
            continue;
        }
        pinned_per_mentor[mentor] += 1;
        rules = rules.pin(mentee as u32, mentor as u32);
        extra.push((mentee as u32, mentor as u32, score));
    }
    (rules, extra)
}

fn pairs(inputs: &Inputs, matching: &Matching) -> Vec<Pair> {
    matching
        .pairs()
        .map(|(mentee, mentor, score)| Pair {
            mentee_id: engine::person_id(inputs.applications[mentee as usize].person),
            mentor_id: engine::person_id(inputs.offers[mentor as usize].person),
            score,
        })
        .collect()
}

fn solver_summary(inputs: &Inputs, matching: &Matching, report: &Report) -> SolverSummary {
    let mut matched_by_stage = [0; 5];
    let mut by_region: Vec<RegionCount> = Vec::new();
    for (mentee, application) in inputs.applications.iter().enumerate() {
        let matched = matching.mentor_of(mentee as u32).is_some();
        if matched {
            matched_by_stage[application.stage.index()] += 1;
        }
        let region_id = inputs.mentee_regions[mentee].unwrap_or(0);
        let index = match by_region.iter().position(|r| r.region_id == region_id) {
            Some(index) => index,
            None => {
                by_region.push(RegionCount {
                    region_id,
                    ..RegionCount::default()
                });
                by_region.len() - 1
            }
        };
        if matched {
            by_region[index].matched += 1;
        } else {
            by_region[index].unmatched += 1;
        }
    }
    by_region.sort_by_key(|r| r.region_id);
    SolverSummary {
        matched: report.matched,
        unmatched: report.unmatched,
        matched_by_stage,
        unmatched_by_stage: report.unmatched_by_stage,
        by_region,
        total_score: report.total_score,
        mean_score: report.mean_score,
        blocking_pairs: report.blocking_pairs,
    }
}

/// Rows per INSERT of proposals: within SQLite's limit on bound values.
const BATCH: usize = 500;

async fn store(db: &Db, cycle_id: i64, by: i64, outcome: &Outcome) -> anyhow::Result<()> {
    let at = now();
    let summary = serde_json::to_string(&outcome.summary)?;
    let rows: Vec<(&str, &Pair)> = outcome
        .optimal
        .iter()
        .map(|p| ("optimal", p))
        .chain(outcome.stable.iter().map(|p| ("stable", p)))
        .collect();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        sqlx::query("DELETE FROM proposals WHERE cycle_id = $1 AND status = 'draft'")
            .bind(cycle_id)
            .execute(&mut *tx)
            .await?;
        for chunk in rows.chunks(BATCH) {
            let values: Vec<String> = (0..chunk.len())
                .map(|i| {
                    let n = i * 5;
                    format!(
                        "($1, ${}, ${}, ${}, ${}, 'draft', ${})",
                        n + 2,
                        n + 3,
                        n + 4,
                        n + 5,
                        n + 6
                    )
                })
                .collect();
            let sql = format!(
                "INSERT INTO proposals (cycle_id, solver, mentee_id, mentor_id, score, status, \
                 created_at) VALUES {}",
                values.join(", ")
            );
            let mut query = sqlx::query(&sql).bind(cycle_id);
            for (solver, pair) in chunk {
                query = query
                    .bind(*solver)
                    .bind(pair.mentee_id)
                    .bind(pair.mentor_id)
                    .bind(i64::from(pair.score))
                    .bind(at);
            }
            query.execute(&mut *tx).await?;
        }
        sqlx::query(
            "INSERT INTO matching_runs (cycle_id, person_id, summary, ran_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(cycle_id)
        .bind(by)
        .bind(&summary)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;
    Ok(())
}

/// The summary of a cycle's latest run, if it was run.
pub async fn latest_summary(db: &Db, cycle_id: i64) -> Result<Option<Summary>, sqlx::Error> {
    let row: Option<(String,)> = on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT summary FROM matching_runs WHERE cycle_id = $1 ORDER BY id DESC LIMIT 1",
        )
        .bind(cycle_id)
        .fetch_optional(pool)
        .await
    })?;
    Ok(row.map(|(json,)| serde_json::from_str(&json).unwrap_or_default()))
}

/// The coordinator's rules of a cycle.
pub async fn pair_rules(db: &Db, cycle_id: i64) -> Result<Vec<PairRule>, sqlx::Error> {
    on_db!(db, |pool| {
        sqlx::query_as(
            "SELECT mentee_id, mentor_id, kind FROM pair_rules WHERE cycle_id = $1 \
             ORDER BY created_at, mentee_id",
        )
        .bind(cycle_id)
        .fetch_all(pool)
        .await
    })
}

/// Pins or forbids a pair. A mentee has at most one pin: pinning replaces an earlier one.
pub async fn set_rule(
    db: &Db,
    cycle_id: i64,
    mentee_id: i64,
    mentor_id: i64,
    kind: &str,
    by: i64,
) -> Result<(), sqlx::Error> {
    let at = now();
    on_db!(db, |pool| {
        let mut tx = pool.begin().await?;
        if kind == "pin" {
            sqlx::query(
                "DELETE FROM pair_rules WHERE cycle_id = $1 AND mentee_id = $2 AND kind = 'pin'",
            )
            .bind(cycle_id)
            .bind(mentee_id)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT INTO pair_rules (cycle_id, mentee_id, mentor_id, kind, person_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (cycle_id, mentee_id, mentor_id) \
             DO UPDATE SET kind = excluded.kind, person_id = excluded.person_id, \
             created_at = excluded.created_at",
        )
        .bind(cycle_id)
        .bind(mentee_id)
        .bind(mentor_id)
        .bind(kind)
        .bind(by)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    })?;
    tracing::info!(cycle.id = cycle_id, kind, "pair rule set");
    Ok(())
}

/// Removes a pin or a forbid.
pub async fn clear_rule(
    db: &Db,
    cycle_id: i64,
    mentee_id: i64,
    mentor_id: i64,
) -> Result<(), sqlx::Error> {
    execute!(
        db,
        sqlx::query(
            "DELETE FROM pair_rules WHERE cycle_id = $1 AND mentee_id = $2 AND mentor_id = $3",
        )
        .bind(cycle_id)
        .bind(mentee_id)
        .bind(mentor_id)
    )?;
    tracing::info!(cycle.id = cycle_id, "pair rule cleared");
    Ok(())
}

/// One mentee's line of the matching page: both proposals side by side.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProposalRow {
    /// The mentee.
    pub mentee_id: i64,
    /// Their name.
    pub mentee_name: String,
    /// Their stage code.
    pub stage: String,
    /// The optimal proposal's mentor.
    pub optimal_mentor_id: Option<i64>,
    /// Their name.
    pub optimal_mentor_name: Option<String>,
    /// The pair's score.
    pub optimal_score: Option<i64>,
    /// The stable proposal's mentor.
    pub stable_mentor_id: Option<i64>,
    /// Their name.
    pub stable_mentor_name: Option<String>,
    /// The pair's score.
    pub stable_score: Option<i64>,
    /// The mentor this mentee is pinned to, if any.
    pub pinned_mentor_id: Option<i64>,
}

/// Which mentees the matching page lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// Every mentee.
    All,
    /// Mentees the two proposals treat differently.
    Differ,
    /// Mentees the optimal proposal leaves unmatched.
    Unmatched,
}

impl Show {
    /// Reads the query value; anything unknown shows all.
    pub fn parse(value: &str) -> Show {
        match value {
            "differ" => Show::Differ,
            "unmatched" => Show::Unmatched,
            _ => Show::All,
        }
    }

    /// The query value.
    pub fn code(self) -> &'static str {
        match self {
            Show::All => "all",
            Show::Differ => "differ",
            Show::Unmatched => "unmatched",
        }
    }
}

/// A page of mentees in order of application with both draft proposals.
pub async fn proposal_rows(
    db: &Db,
    cycle_id: i64,
    show: Show,
    limit: i64,
    offset: i64,
) -> Result<Vec<ProposalRow>, sqlx::Error> {
    let filter = match show {
        Show::All => "",
        Show::Differ => " AND o.mentor_id IS DISTINCT FROM s.mentor_id",
        Show::Unmatched => " AND o.mentor_id IS NULL",
    };
    let sql = format!(
        "SELECT a.person_id AS mentee_id, p.name AS mentee_name, p.stage, \
         o.mentor_id AS optimal_mentor_id, om.name AS optimal_mentor_name, \
         o.score AS optimal_score, s.mentor_id AS stable_mentor_id, \
         sm.name AS stable_mentor_name, s.score AS stable_score, \
         r.mentor_id AS pinned_mentor_id \
         FROM applications a JOIN people p ON p.id = a.person_id \
         LEFT JOIN proposals o ON o.cycle_id = a.cycle_id AND o.mentee_id = a.person_id \
           AND o.status = 'draft' AND o.solver = 'optimal' \
         LEFT JOIN people om ON om.id = o.mentor_id \
         LEFT JOIN proposals s ON s.cycle_id = a.cycle_id AND s.mentee_id = a.person_id \
           AND s.status = 'draft' AND s.solver = 'stable' \
         LEFT JOIN people sm ON sm.id = s.mentor_id \
         LEFT JOIN pair_rules r ON r.cycle_id = a.cycle_id AND r.mentee_id = a.person_id \
           AND r.kind = 'pin' \
         WHERE a.cycle_id = $1{filter} ORDER BY a.submitted_at, a.id LIMIT $2 OFFSET $3"
    );
    on_db!(db, |pool| sqlx::query_as(&sql)
        .bind(cycle_id)
        .bind(limit)
        .bind(offset)
        .fetch_all(pool)
        .await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use carrel_matching::profile::{Application, Offer, PersonId, Stage as EngineStage};
    use carrel_matching::scoring::{Exclusions, Scorer};

    fn inputs() -> Inputs {
        let mentee = |id| Application::new(PersonId(id), EngineStage::Early);
        let mentor = |id| Offer::new(PersonId(id), EngineStage::Senior);
        Inputs {
            applications: vec![mentee(1), mentee(2), mentee(3)],
            offers: vec![mentor(10), mentor(11)],
            mentee_regions: vec![Some(5), Some(5), Some(6)],
            scorer: Scorer::builder().build(),
            exclusions: Exclusions::new(),
        }
    }

    #[test]
    fn both_proposals_are_counted_by_stage_and_region() {
        let outcome = solve(&inputs(), &[]).expect("solves");
        let summary = &outcome.summary;
        assert_eq!(summary.optimal.matched, 2);
        assert_eq!(summary.optimal.unmatched, 1);
        assert_eq!(summary.optimal.matched_by_stage[1], 2);
        assert_eq!(summary.optimal.unmatched_by_stage[1], 1);
        let regions: usize = summary.optimal.by_region.iter().map(|r| r.matched).sum();
        assert_eq!(regions, 2);
        assert_eq!(summary.places, 2);
        assert_eq!(outcome.stable.len(), 2);
    }

    #[test]
    fn a_pinned_pair_is_kept_and_a_forbidden_one_is_not_proposed() {
        let rules = [
            PairRule {
                mentee_id: 3,
                mentor_id: 11,
                kind: "pin".into(),
            },
            PairRule {
                mentee_id: 1,
                mentor_id: 10,
                kind: "forbid".into(),
            },
        ];
        let outcome = solve(&inputs(), &rules).expect("solves");
        for proposal in [&outcome.optimal, &outcome.stable] {
            assert!(proposal
                .iter()
                .any(|p| p.mentee_id == 3 && p.mentor_id == 11));
            assert!(!proposal
                .iter()
                .any(|p| p.mentee_id == 1 && p.mentor_id == 10));
        }
    }

    #[test]
    fn a_pin_the_profiles_rule_out_is_skipped_with_its_reason() {
        let mut inputs = inputs();
        inputs.offers[0].stage = EngineStage::Student;
        let rules = [PairRule {
            mentee_id: 1,
            mentor_id: 10,
            kind: "pin".into(),
        }];
        let outcome = solve(&inputs, &rules).expect("solves");
        assert_eq!(outcome.summary.skipped.len(), 1);
        assert!(outcome.summary.skipped[0].contains("later career stage"));
    }
}
