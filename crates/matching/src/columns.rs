//! Offers packed column by column, so that the candidate search scores one application
//! against thousands of offers in a tight loop.
//!
//! [`Scorer`](crate::scoring::Scorer) reads one pair at a time through the profile structs;
//! that is the reference, and it alone writes explanations. The search only needs the number,
//! for about a billion pairs in a national cycle, so it reads the same fields from flat arrays
//! (one per field, topics and languages as bitmasks) and computes every feature without a
//! branch. A test checks that both give the same score and reject the same pairs.

use crate::profile::{Application, LibraryType, Offer, Stage};
use crate::scoring::{Weights, MAX_RANKED_NEEDS};

// A library type as a byte; NO_TYPE for none. Equal bytes mean the same type.
const NO_TYPE: u8 = u8::MAX;

fn type_code(library_type: Option<LibraryType>) -> u8 {
    library_type.map_or(NO_TYPE, |t| t as u8)
}

/// The score a rejected pair gets in [`OfferColumns::score_into`]: below every real score.
pub(crate) const REJECTED: i16 = -1;

/// The offers of one career stage, field by field.
#[derive(Debug, Default)]
pub(crate) struct OfferColumns {
    /// The offers' indices among all offers.
    pub mentors: Vec<u32>,
    stage: Option<Stage>,
    // Each library type's offers: a range of the columns.
    groups: Vec<(u8, std::ops::Range<usize>)>,
    person: Vec<u64>,
    topics_low: Vec<u64>,
    topics_high: Vec<u64>,
    library_type: Vec<u8>,
    utc_offset: Vec<i32>,
    languages: Vec<u64>,
    affinity: Vec<u64>,
    availability: [Vec<u64>; 3],
    region: Vec<u16>,
    division: Vec<u8>,
    modality: Vec<u8>,
    mentors_stages: Vec<u8>,
    // Offers without an institution get a flag of 0 and never count as the same one.
    institution: Vec<u64>,
    has_institution: Vec<u8>,
}

impl OfferColumns {
    /// Packs the offers of `stage` with a positive capacity (the others are never
    /// candidates), keeping their order.
    pub fn new(offers: &[Offer], stage: Stage) -> Self {
        let mut columns = Self {
            stage: Some(stage),
            ..Self::default()
        };
        // Grouped by library type (in index order within a type), so that a whole group can
        // be skipped when even its best possible score stays below the floor.
        let mut order: Vec<u32> = (0..offers.len() as u32)
            .filter(|&i| offers[i as usize].stage == stage && offers[i as usize].capacity > 0)
            .collect();
        order.sort_by_key(|&i| type_code(offers[i as usize].library_type));
        for index in order {
            let offer = &offers[index as usize];
            let code = type_code(offer.library_type);
            match columns.groups.last_mut() {
                Some((last, range)) if *last == code => range.end += 1,
                _ => {
                    let at = columns.mentors.len();
                    columns.groups.push((code, at..at + 1));
                }
            }
            columns.mentors.push(index);
            columns.person.push(offer.person.0);
            let topics = offer.topics.bits();
            columns.topics_low.push(topics as u64);
            columns.topics_high.push((topics >> 64) as u64);
            columns.library_type.push(type_code(offer.library_type));
            columns
                .utc_offset
                .push(i32::from(offer.place.utc_offset_minutes));
            columns.languages.push(offer.languages.bits());
            columns.affinity.push(offer.affinity.bits());
            for (column, word) in columns
                .availability
                .iter_mut()
                .zip(offer.availability.words())
            {
                column.push(word);
            }
            columns.region.push(offer.place.region);
            columns.division.push(offer.place.division);
            columns.modality.push(offer.modality.mask());
            columns
                .mentors_stages
                .push(Stage::ALL.iter().fold(0u8, |mask, &s| {
                    mask | u8::from(offer.mentors_stages.contains(s)) << s.index()
                }));
            columns
                .institution
                .push(offer.institution.map_or(0, |i| i.0));
            columns
                .has_institution
                .push(u8::from(offer.institution.is_some()));
        }
        columns
    }

    /// The groups of offers (ranges of the columns, one per library type) with the best
    /// score any offer in them could get with this application: none when the bucket's stage
    /// is not acceptable.
    pub fn groups<'q>(
        &'q self,
        query: &'q Query,
    ) -> impl Iterator<Item = (i32, std::ops::Range<usize>)> + 'q {
        let stage_points = self.stage.and_then(|stage| query.stage_points(stage));
        self.groups.iter().filter_map(move |(code, range)| {
            let library = if *code == query.library_type {
                i32::from(query.library_points)
            } else {
                0
            };
            stage_points.map(|stage| {
                let best = stage + library + query.needs_at_most + query.rest_at_most;
                (best.min(1000), range.clone())
            })
        })
    }

    /// Scores the application of `query` against the packed offers in `range`, writing one
    /// entry per offer into `scores` (cleared first): the score, or [`REJECTED`] when a hard
    /// constraint that depends on the two profiles fails, or when the score is certainly
    /// below `floor` (then it is not computed in full). Past or blocked pairs are the
    /// caller's business. Same numbers as [`crate::scoring::Scorer::score`].
    pub fn score_into(
        &self,
        query: &Query,
        range: std::ops::Range<usize>,
        floor: i16,
        scores: &mut Vec<i16>,
    ) {
        scores.clear();
        let Some(stage) = self.stage else {
            return;
        };
        let weights = &query.weights;
        let Some(stage_points) = query.stage_points(stage) else {
            scores.resize(range.len(), REJECTED);
            return;
        };
        // What the features other than stage, needs and library type can add at most: an
        // offer whose first three features fall short of the floor by more is skipped.
        let cutoff = i32::from(floor) - query.rest_at_most;

        let low = &self.topics_low[range.clone()];
        let high = &self.topics_high[range.clone()];
        let types = &self.library_type[range.clone()];
        for (offset, ((&low, &high), &library_type)) in low.iter().zip(high).zip(types).enumerate()
        {
            // An upper bound first, from how many needs the offer shares at all.
            let shared = ((low & query.all_needs[0]).count_ones()
                + (high & query.all_needs[1]).count_ones())
            .min(MAX_RANKED_NEEDS as u32);
            let library =
                i32::from(library_type == query.library_type) * i32::from(query.library_points);
            if stage_points + library + query.needs_by_count[shared as usize] < cutoff {
                scores.push(REJECTED);
                continue;
            }
            let mut total = stage_points;
            for &(mask_low, mask_high, points) in &query.needs {
                let has = (low & mask_low) | (high & mask_high) != 0;
                total += i32::from(has) * i32::from(points);
            }
            total += library;
            if total < cutoff {
                scores.push(REJECTED);
                continue;
            }
            let k = range.start + offset;

            let minutes = (query.utc_offset - self.utc_offset[k]).unsigned_abs();
            total += query.zone_points[minutes.div_ceil(60).min(24) as usize];
            total +=
                i32::from(query.languages & self.languages[k] != 0) * i32::from(weights.language);
            let hours = &query.availability;
            let overlap = (hours[0] & self.availability[0][k]).count_ones()
                + (hours[1] & self.availability[1][k]).count_ones()
                + (hours[2] & self.availability[2][k]).count_ones();
            total += (u32::from(weights.availability_per_hour) * overlap)
                .min(u32::from(weights.availability_max)) as i32;
            total +=
                i32::from(query.affinity & self.affinity[k] != 0) * i32::from(weights.affinity);
            if query.nearby {
                total += i32::from(if self.region[k] == query.region {
                    weights.same_region
                } else if self.division[k] == query.division {
                    weights.same_division
                } else {
                    0
                });
            }

            let rejected = self.person[k] == query.person
                || self.mentors_stages[k] & query.stage_bit == 0
                || self.modality[k] & query.modality == 0
                || (query.avoid_institution & self.has_institution[k] == 1
                    && self.institution[k] == query.institution);
            scores.push(if rejected {
                REJECTED
            } else {
                total.min(1000) as i16
            });
        }
    }
}

// The most points an offer sharing c of the needs can earn: the c best ranks' points. A need
// listed twice earns twice for one shared topic, so then any shared topic may earn them all.
fn needs_by_count(needs: &[(u64, u64, u16); MAX_RANKED_NEEDS]) -> [i32; MAX_RANKED_NEEDS + 1] {
    let mut points: Vec<i32> = needs.iter().map(|&(_, _, p)| i32::from(p)).collect();
    points.sort_unstable_by(|a, b| b.cmp(a));
    let listed: Vec<(u64, u64)> = needs
        .iter()
        .filter(|n| n.0 | n.1 != 0)
        .map(|n| (n.0, n.1))
        .collect();
    let repeated = listed
        .iter()
        .enumerate()
        .any(|(i, need)| listed[..i].contains(need));
    let all: i32 = points.iter().sum();
    let mut by_count = [0; MAX_RANKED_NEEDS + 1];
    for count in 1..=MAX_RANKED_NEEDS {
        by_count[count] = if repeated {
            all
        } else {
            by_count[count - 1] + points[count - 1]
        };
    }
    by_count
}

/// One application, with everything the scoring loop needs computed once.
#[derive(Debug)]
pub(crate) struct Query {
    weights: Weights,
    stage: Stage,
    wants_peer: bool,
    // (low mask, high mask, points) per ranked need: one bit of the 128 topics each, or
    // none for a code the topics cannot hold.
    needs: [(u64, u64, u16); MAX_RANKED_NEEDS],
    library_type: u8,
    library_points: u16,
    utc_offset: i32,
    zone_points: [i32; 25],
    languages: u64,
    affinity: u64,
    availability: [u64; 3],
    nearby: bool,
    region: u16,
    division: u8,
    modality: u8,
    stage_bit: u8,
    person: u64,
    avoid_institution: u8,
    institution: u64,
    rest_at_most: i32,
    needs_at_most: i32,
    // Every ranked need as one (low, high) mask, and the most points an offer sharing c of
    // them can earn, by c.
    all_needs: [u64; 2],
    needs_by_count: [i32; MAX_RANKED_NEEDS + 1],
}

impl Query {
    /// Prepares `application` for scoring under `weights`.
    pub fn new(application: &Application, weights: &Weights) -> Self {
        let mut needs = [(0u64, 0u64, 0u16); MAX_RANKED_NEEDS];
        for ((slot, &need), &points) in needs
            .iter_mut()
            .zip(&application.needs)
            .zip(&weights.need_by_rank)
        {
            let bit = 1u128.checked_shl(u32::from(need)).unwrap_or(0);
            *slot = (bit as u64, (bit >> 64) as u64, points);
        }
        let library_type = type_code(
            application
                .preferred_library_type
                .or(application.library_type),
        );
        let library_points = if library_type == NO_TYPE {
            0
        } else {
            weights.library_type
        };
        let mut zone_points = [0i32; 25];
        for (hours, points) in zone_points.iter_mut().enumerate() {
            let lost = i32::from(weights.time_zone_per_hour).saturating_mul(hours as i32);
            *points = (i32::from(weights.time_zone) - lost).max(0);
        }
        let nearby =
            application.wants_nearby || application.modality == crate::profile::Modality::InPerson;
        let availability = application.availability.words();
        let hours: u32 = availability.iter().map(|w| w.count_ones()).sum();
        let rest_at_most = zone_points[0]
            + if application.languages.is_empty() {
                0
            } else {
                i32::from(weights.language)
            }
            + (u32::from(weights.availability_per_hour) * hours)
                .min(u32::from(weights.availability_max)) as i32
            + if application.affinity.is_empty() {
                0
            } else {
                i32::from(weights.affinity)
            }
            + if nearby {
                i32::from(weights.same_region.max(weights.same_division))
            } else {
                0
            };
        let avoided = application
            .institution
            .filter(|_| application.avoid_same_institution);
        Self {
            weights: weights.clone(),
            stage: application.stage,
            wants_peer: application.wants_peer,
            needs,
            library_type,
            library_points,
            utc_offset: i32::from(application.place.utc_offset_minutes),
            zone_points,
            languages: application.languages.bits(),
            affinity: application.affinity.bits(),
            availability,
            nearby,
            region: application.place.region,
            division: application.place.division,
            modality: application.modality.mask(),
            stage_bit: 1 << application.stage.index(),
            person: application.person.0,
            avoid_institution: u8::from(avoided.is_some()),
            institution: avoided.map_or(0, |i| i.0),
            rest_at_most,
            needs_at_most: needs.iter().map(|&(_, _, points)| i32::from(points)).sum(),
            all_needs: needs
                .iter()
                .fold([0, 0], |[low, high], &(l, h, _)| [low | l, high | h]),
            needs_by_count: needs_by_count(&needs),
        }
    }

    // The points for a mentor at `stage`, or None when that stage is not acceptable.
    fn stage_points(&self, stage: Stage) -> Option<i32> {
        if stage == self.stage && self.wants_peer {
            Some(i32::from(self.weights.peer))
        } else if stage > self.stage {
            Some(i32::from(
                self.weights.stage_gap[stage.index() - self.stage.index()],
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::scoring::{Exclusions, Scorer};
    use crate::synthetic::Cohort;

    // The packed loop and the reference scorer agree on every pair, under default and
    // unusual weights; a floor only ever hides scores below it, and no offer beats the best
    // its group promises.
    #[test]
    fn packed_scores_equal_the_reference_scorer() {
        let mut cohort = Cohort::generate(300, 200, 11);
        // A need listed twice earns twice: the bounds must allow for it.
        cohort.applications[0].needs = vec![3, 3, 1];
        let unusual = Weights {
            need_by_rank: [50, 300, 200, 400, 100],
            time_zone_per_hour: 7,
            availability_max: 1000,
            ..Weights::default()
        };
        for weights in [Weights::default(), unusual] {
            let scorer = Scorer::builder().weights(weights.clone()).build();
            let mut scores = Vec::new();
            for stage in Stage::ALL {
                let columns = OfferColumns::new(&cohort.offers, stage);
                for application in &cohort.applications {
                    let query = Query::new(application, &weights);
                    let expected: Vec<i16> = columns
                        .mentors
                        .iter()
                        .map(|&mentor| {
                            let offer = &cohort.offers[mentor as usize];
                            scorer
                                .score(application, offer, &Exclusions::new())
                                .map_or(REJECTED, |s| s as i16)
                        })
                        .collect();
                    let all = 0..columns.mentors.len();
                    columns.score_into(&query, all.clone(), REJECTED, &mut scores);
                    assert_eq!(scores, expected, "{application:?}");
                    for floor in [300, 500, 700] {
                        columns.score_into(&query, all.clone(), floor, &mut scores);
                        for (got, want) in scores.iter().zip(&expected) {
                            assert!(got == want || (*got == REJECTED && *want < floor));
                        }
                    }
                    for (best, range) in columns.groups(&query) {
                        assert!(expected[range].iter().all(|&s| i32::from(s) <= best));
                    }
                }
            }
        }
    }
}
