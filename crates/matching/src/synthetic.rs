//! Deterministic synthetic cohorts for benchmarks, demos and tests.
//!
//! The same seed always gives the same people, on every platform: the generator is a small
//! SplitMix64, so no random-number crate is needed. The shapes are plausible for a national
//! program (most mentees early in their careers, mentors later; a few popular topics and
//! many rare ones; most people in the populous regions), not a model of any real one.
//!
//! ```
//! use carrel_matching::synthetic::Cohort;
//!
//! let cohort = Cohort::generate(100, 40, 7);
//! assert_eq!(cohort.applications.len(), 100);
//! assert_eq!(cohort, Cohort::generate(100, 40, 7));
//! ```

use crate::profile::{
    Application, Availability, InstitutionId, LibraryType, Modality, Offer, PersonId, Place, Stage,
    StageSet,
};

/// The number of topic codes the synthetic taxonomy uses (`0..TOPICS`).
pub const TOPICS: u8 = 40;

const REGIONS: u16 = 56;
const INSTITUTIONS: u64 = 5_000;
const LIBRARY_TYPES: [LibraryType; 5] = [
    LibraryType::Academic,
    LibraryType::Public,
    LibraryType::School,
    LibraryType::Special,
    LibraryType::Archives,
];

/// A tiny deterministic pseudo-random generator (SplitMix64).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 {
            return 0;
        }
        ((u128::from(self.next_u64()) * u128::from(bound)) >> 64) as u64
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    // An index drawn with the given weights.
    fn weighted(&mut self, weights: &[u64]) -> usize {
        let total: u64 = weights.iter().sum();
        let mut draw = self.below(total);
        for (index, &weight) in weights.iter().enumerate() {
            if draw < weight {
                return index;
            }
            draw -= weight;
        }
        weights.len().saturating_sub(1)
    }

    // A topic, popular ones more often (weights fall like 1/rank).
    fn topic(&mut self) -> u8 {
        loop {
            let rank = self.below(u64::from(TOPICS)) + 1;
            if self.below(rank) == 0 {
                return (rank - 1) as u8;
            }
        }
    }
}

/// A synthetic cycle: applications and offers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cohort {
    /// Mentee applications; person ids `0..mentees`.
    pub applications: Vec<Application>,
    /// Mentor offers; person ids follow the mentees'.
    pub offers: Vec<Offer>,
}

impl Cohort {
    /// Generates `mentees` applications and `mentors` offers from `seed`.
    pub fn generate(mentees: usize, mentors: usize, seed: u64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let applications = (0..mentees as u64)
            .map(|id| application(&mut rng, id))
            .collect();
        let offers = (0..mentors as u64)
            .map(|id| offer(&mut rng, mentees as u64 + id))
            .collect();
        Self {
            applications,
            offers,
        }
    }
}

fn place(rng: &mut SplitMix64) -> Place {
    // Low region codes stand for the populous regions.
    let region =
        (rng.below(u64::from(REGIONS)) * rng.below(u64::from(REGIONS)) / u64::from(REGIONS)) as u16;
    let division = (region % 9) as u8;
    let utc_offset_minutes = -300 - 60 * i16::try_from(region % 4).unwrap_or(0);
    Place {
        region,
        division,
        utc_offset_minutes,
    }
}

fn availability(rng: &mut SplitMix64) -> Availability {
    let blocks = 1 + rng.below(3);
    (0..blocks)
        .flat_map(|_| {
            let start = rng.below(u64::from(Availability::HOURS - 3)) as u16;
            start..start + 3
        })
        .collect()
}

fn common(rng: &mut SplitMix64) -> (Option<LibraryType>, Option<InstitutionId>, Modality) {
    let library_type = Some(LIBRARY_TYPES[rng.weighted(&[35, 35, 15, 10, 5])]);
    let institution = Some(InstitutionId(rng.below(INSTITUTIONS)));
    let modality =
        [Modality::Either, Modality::Virtual, Modality::InPerson][rng.weighted(&[70, 20, 10])];
    (library_type, institution, modality)
}

fn application(rng: &mut SplitMix64, id: u64) -> Application {
    let stage = Stage::ALL[rng.weighted(&[25, 40, 25, 10, 0])];
    let mut application = Application::new(PersonId(id), stage);
    (
        application.library_type,
        application.institution,
        application.modality,
    ) = common(rng);
    application.place = place(rng);
    application.languages = [0, if rng.percent(15) { 1 } else { 0 }]
        .into_iter()
        .collect();
    let wanted = 2 + rng.below(4) as usize;
    while application.needs.len() < wanted {
        let topic = rng.topic();
        if !application.needs.contains(&topic) {
            application.needs.push(topic);
        }
    }
    application.availability = availability(rng);
    if rng.percent(20) {
        application.affinity = [rng.below(6) as u8].into_iter().collect();
    }
    application.wants_peer = rng.percent(5);
    application.avoid_same_institution = rng.percent(30);
    application.wants_nearby = rng.percent(25);
    if rng.percent(10) {
        application.preferred_library_type = Some(LIBRARY_TYPES[rng.below(5) as usize]);
    }
    application
}

fn offer(rng: &mut SplitMix64, id: u64) -> Offer {
    let stage = Stage::ALL[rng.weighted(&[0, 10, 35, 35, 20])];
    let mut offer = Offer::new(PersonId(id), stage);
    (offer.library_type, offer.institution, offer.modality) = common(rng);
    offer.place = place(rng);
    offer.languages = [0, if rng.percent(15) { 1 } else { 0 }]
        .into_iter()
        .collect();
    offer.topics = (0..4 + rng.below(5)).map(|_| rng.topic()).collect();
    offer.capacity = 1 + rng.weighted(&[35, 30, 20, 10, 5]) as u8;
    offer.availability = availability(rng);
    if rng.percent(20) {
        offer.affinity = [rng.below(6) as u8].into_iter().collect();
    }
    if rng.percent(15) {
        offer.mentors_stages = Stage::ALL
            .into_iter()
            .filter(|&s| s <= Stage::Mid)
            .collect::<StageSet>();
    }
    offer
}
