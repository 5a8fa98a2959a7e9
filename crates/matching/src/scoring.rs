//! Scoring a mentee's application against a mentor's offer, with the reasons in words.
//!
//! A pair is first checked against the hard constraints, which no number of points can
//! outweigh ([`Rejection`]). An acceptable pair then earns points for each feature it has;
//! the score is their sum, capped at 1000. Every point comes with a sentence, so a
//! coordinator (and the mentee) can see why a mentor was proposed:
//!
//! ```
//! use carrel_matching::profile::{Application, LibraryType, Offer, PersonId, Stage};
//! use carrel_matching::scoring::{Exclusions, Scorer, Weights};
//!
//! const LEADERSHIP: u8 = 1;
//! const GRANT_WRITING: u8 = 2;
//! const SUPERVISION: u8 = 3;
//!
//! let scorer = Scorer::builder()
//!     .topic(LEADERSHIP, "leadership")
//!     .topic(GRANT_WRITING, "grant writing")
//!     .topic(SUPERVISION, "supervision")
//!     .build();
//!
//! let mut application = Application::new(PersonId(7), Stage::Early);
//! application.needs = vec![LEADERSHIP, GRANT_WRITING, SUPERVISION];
//! application.library_type = Some(LibraryType::Public);
//! application.place.utc_offset_minutes = -300;
//!
//! let mut offer = Offer::new(PersonId(9), Stage::Senior);
//! offer.topics = [LEADERSHIP, GRANT_WRITING, SUPERVISION].into_iter().collect();
//! offer.library_type = Some(LibraryType::Public);
//! offer.place.utc_offset_minutes = -360;
//!
//! let explanation = scorer.explain(&application, &offer, &Exclusions::new())?;
//! let reasons: Vec<String> = explanation.reasons.iter().map(|r| r.to_string()).collect();
//! assert_eq!(reasons, [
//!     "shares 3 of your needs: leadership, grant writing, supervision +310",
//!     "two career stages ahead +90",
//!     "same library type +130",
//!     "one hour of time difference +40",
//! ]);
//! assert_eq!(explanation.score, 570);
//! assert_eq!(scorer.score(&application, &offer, &Exclusions::new()), Ok(570));
//! # Ok::<(), carrel_matching::scoring::Rejection>(())
//! ```

use std::collections::HashSet;
use std::fmt;

use crate::profile::{Application, Modality, Offer, PersonId, Stage};

/// How many of a mentee's ranked needs count; later ones are ignored.
pub const MAX_RANKED_NEEDS: usize = 5;

/// The points each feature is worth, set per cycle.
///
/// Every field's default is given below; [`Weights::default`] is a sensible start. Points are
/// added, and the sum is capped at 1000. Setting a weight to 0 switches the feature off.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weights {
    /// Points for a shared need by its rank in the mentee's list, first need first.
    /// Default: 130, 100, 80, 60, 40.
    pub need_by_rank: [u16; MAX_RANKED_NEEDS],
    /// Points by how many stages ahead the mentor is, indexed by the gap (index 0 is a peer,
    /// see [`Weights::peer`]). Default: 0, 70, 90, 50, 20: two stages ahead is the sweet
    /// spot, four is a long way.
    pub stage_gap: [u16; Stage::COUNT],
    /// Points for a mentor at the same stage when the mentee asked for a peer. Default: 60.
    pub peer: u16,
    /// Points when the mentor works in the library type the mentee asked for (or, when the
    /// mentee did not ask, the mentee's own type). Default: 130.
    pub library_type: u16,
    /// Points for the same time zone. Default: 60.
    pub time_zone: u16,
    /// Points lost per hour of time difference, down to 0. Default: 20.
    pub time_zone_per_hour: u16,
    /// Points when the mentor speaks one of the languages the mentee asked for. Default: 60.
    pub language: u16,
    /// Points per hour a week both can meet. Default: 10.
    pub availability_per_hour: u16,
    /// The most points shared availability can earn. Default: 100.
    pub availability_max: u16,
    /// Points when both chose to share an identity group. Default: 80.
    pub affinity: u16,
    /// Points for the same region, when the mentee asked for someone nearby or can only
    /// meet in person. Default: 70.
    pub same_region: u16,
    /// Points for the same division (but another region), on the same condition.
    /// Default: 40.
    pub same_division: u16,
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            need_by_rank: [130, 100, 80, 60, 40],
            stage_gap: [0, 70, 90, 50, 20],
            peer: 60,
            library_type: 130,
            time_zone: 60,
            time_zone_per_hour: 20,
            language: 60,
            availability_per_hour: 10,
            availability_max: 100,
            affinity: 80,
            same_region: 70,
            same_division: 40,
        }
    }
}

/// Why a pair can never be proposed, whatever its points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rejection {
    /// The mentee and the mentor are the same person.
    SamePerson,
    /// They were matched in an earlier cycle.
    PastPair,
    /// One of them blocked the other.
    Blocked,
    /// Same institution, and the mentee asked to avoid that.
    SameInstitution,
    /// The mentor is not at a later career stage (at the same stage is fine only when the
    /// mentee asked for a peer).
    StageNotAhead,
    /// The mentor does not mentor the mentee's stage.
    StageNotOffered,
    /// One meets only online, the other only in person.
    Modality,
    /// The mentor offers no place.
    NoCapacity,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Rejection::SamePerson => "a person cannot mentor themselves",
            Rejection::PastPair => "they were matched in an earlier cycle",
            Rejection::Blocked => "one of them blocked the other",
            Rejection::SameInstitution => "same institution, which the mentee asked to avoid",
            Rejection::StageNotAhead => "the mentor is not at a later career stage",
            Rejection::StageNotOffered => "the mentor does not mentor this career stage",
            Rejection::Modality => "one meets only online, the other only in person",
            Rejection::NoCapacity => "the mentor offers no place",
        })
    }
}

impl std::error::Error for Rejection {}

/// Pairs that must never be proposed: past pairs and blocked pairs, in either direction.
///
/// ```
/// use carrel_matching::profile::PersonId;
/// use carrel_matching::scoring::{Exclusions, Rejection};
///
/// let mut exclusions = Exclusions::new();
/// exclusions.add_blocked(PersonId(2), PersonId(1));
/// assert_eq!(exclusions.check(PersonId(1), PersonId(2)), Err(Rejection::Blocked));
/// assert_eq!(exclusions.check(PersonId(1), PersonId(3)), Ok(()));
/// ```
#[derive(Clone, Debug, Default)]
pub struct Exclusions {
    past: HashSet<(PersonId, PersonId)>,
    blocked: HashSet<(PersonId, PersonId)>,
}

impl Exclusions {
    /// No exclusions.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that two people were matched before (order does not matter).
    pub fn add_past(&mut self, a: PersonId, b: PersonId) {
        self.past.insert(unordered(a, b));
    }

    /// Records that one person blocked the other (order does not matter).
    pub fn add_blocked(&mut self, a: PersonId, b: PersonId) {
        self.blocked.insert(unordered(a, b));
    }

    /// Whether the pair is allowed, and if not, why.
    pub fn check(&self, mentee: PersonId, mentor: PersonId) -> Result<(), Rejection> {
        let pair = unordered(mentee, mentor);
        if self.blocked.contains(&pair) {
            return Err(Rejection::Blocked);
        }
        if self.past.contains(&pair) {
            return Err(Rejection::PastPair);
        }
        Ok(())
    }

    /// Every excluded pair, each once, as given (smaller id first).
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (PersonId, PersonId)> + '_ {
        self.past.iter().chain(&self.blocked).copied()
    }

    /// Whether there is no exclusion at all.
    pub fn is_empty(&self) -> bool {
        self.past.is_empty() && self.blocked.is_empty()
    }
}

fn unordered(a: PersonId, b: PersonId) -> (PersonId, PersonId) {
    (a.min(b), a.max(b))
}

/// What a reason is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReasonKind {
    /// Shared needs.
    Needs,
    /// The mentor's career stage.
    Stage,
    /// The library type.
    LibraryType,
    /// Time zones.
    TimeZone,
    /// A shared language.
    Language,
    /// Shared availability.
    Availability,
    /// A shared identity group.
    Affinity,
    /// Being nearby.
    Nearby,
}

/// One reason behind a score, with its points: displayed as `"{text} +{points}"`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reason {
    /// What the reason is about.
    pub kind: ReasonKind,
    /// The points it adds.
    pub points: u16,
    /// The reason in words, addressed to the mentee ("shares 2 of your needs: ...").
    pub text: String,
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} +{}", self.text, self.points)
    }
}

/// A score with its reasons, in the order of [`ReasonKind`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// The score, `0..=1000`: the sum of the reasons' points, capped at 1000.
    pub score: u16,
    /// The reasons that earned points; features worth nothing are left out.
    pub reasons: Vec<Reason>,
}

/// Scores pairs under one cycle's weights. Immutable; build it with [`Scorer::builder`].
#[derive(Clone, Debug)]
pub struct Scorer {
    weights: Weights,
    topic_names: Vec<Option<String>>,
}

/// Builds a [`Scorer`]: the cycle's weights and the names of the taxonomy's topics.
#[derive(Clone, Debug, Default)]
pub struct ScorerBuilder {
    weights: Weights,
    topic_names: Vec<Option<String>>,
}

impl ScorerBuilder {
    /// Uses these weights instead of [`Weights::default`].
    #[must_use]
    pub fn weights(mut self, weights: Weights) -> Self {
        self.weights = weights;
        self
    }

    /// Names a topic code for explanations. Unnamed topics read as "topic 12".
    #[must_use]
    pub fn topic(mut self, code: u8, name: impl Into<String>) -> Self {
        let index = usize::from(code);
        if self.topic_names.len() <= index {
            self.topic_names.resize(index + 1, None);
        }
        self.topic_names[index] = Some(name.into());
        self
    }

    /// Finishes the scorer.
    pub fn build(self) -> Scorer {
        Scorer {
            weights: self.weights,
            topic_names: self.topic_names,
        }
    }
}

// The points of each feature of one pair, computed once for both the score and its words.
#[derive(Clone, Copy, Debug, Default)]
struct Points {
    needs: u16,
    shared_needs: [u8; MAX_RANKED_NEEDS],
    shared_count: usize,
    stage: u16,
    stage_gap: usize,
    library_type: u16,
    time_zone: u16,
    hours_apart: u16,
    language: u16,
    availability: u16,
    overlap_hours: u32,
    affinity: u16,
    nearby: u16,
    same_region: bool,
}

impl Points {
    fn total(&self) -> u16 {
        let sum = u32::from(self.needs)
            + u32::from(self.stage)
            + u32::from(self.library_type)
            + u32::from(self.time_zone)
            + u32::from(self.language)
            + u32::from(self.availability)
            + u32::from(self.affinity)
            + u32::from(self.nearby);
        sum.min(1000) as u16
    }
}

impl Scorer {
    /// Starts a scorer with default weights and no topic names.
    pub fn builder() -> ScorerBuilder {
        ScorerBuilder::default()
    }

    /// The weights in use.
    pub fn weights(&self) -> &Weights {
        &self.weights
    }

    /// The pair's score, `0..=1000`, or why it can never be proposed.
    pub fn score(
        &self,
        application: &Application,
        offer: &Offer,
        exclusions: &Exclusions,
    ) -> Result<u16, Rejection> {
        check(application, offer)?;
        exclusions.check(application.person, offer.person)?;
        Ok(self.points(application, offer).total())
    }

    /// The pair's score with its reasons in words, or why it can never be proposed.
    pub fn explain(
        &self,
        application: &Application,
        offer: &Offer,
        exclusions: &Exclusions,
    ) -> Result<Explanation, Rejection> {
        check(application, offer)?;
        exclusions.check(application.person, offer.person)?;
        let points = self.points(application, offer);
        Ok(Explanation {
            score: points.total(),
            reasons: self.reasons(&points),
        })
    }

    fn points(&self, application: &Application, offer: &Offer) -> Points {
        let w = &self.weights;
        let mut points = Points::default();

        for (&need, &rank_points) in application.needs.iter().zip(&w.need_by_rank) {
            if offer.topics.contains(need) {
                points.shared_needs[points.shared_count] = need;
                points.shared_count += 1;
                points.needs += rank_points;
            }
        }

        points.stage_gap = offer
            .stage
            .index()
            .saturating_sub(application.stage.index());
        points.stage = if offer.stage == application.stage {
            if application.wants_peer {
                w.peer
            } else {
                0
            }
        } else {
            w.stage_gap[points.stage_gap]
        };

        let wanted_type = application
            .preferred_library_type
            .or(application.library_type);
        if wanted_type.is_some() && wanted_type == offer.library_type {
            points.library_type = w.library_type;
        }

        let minutes_apart = (i32::from(application.place.utc_offset_minutes)
            - i32::from(offer.place.utc_offset_minutes))
        .unsigned_abs();
        points.hours_apart = minutes_apart.div_ceil(60).min(24) as u16;
        points.time_zone = w
            .time_zone
            .saturating_sub(w.time_zone_per_hour.saturating_mul(points.hours_apart));

        if application.languages.intersects(offer.languages) {
            points.language = w.language;
        }

        points.overlap_hours = application.availability.overlap_hours(&offer.availability);
        let by_hours = u32::from(w.availability_per_hour) * points.overlap_hours;
        points.availability = by_hours.min(u32::from(w.availability_max)) as u16;

        if application.affinity.intersects(offer.affinity) {
            points.affinity = w.affinity;
        }

        if application.wants_nearby || application.modality == Modality::InPerson {
            points.same_region = application.place.region == offer.place.region;
            points.nearby = if points.same_region {
                w.same_region
            } else if application.place.division == offer.place.division {
                w.same_division
            } else {
                0
            };
        }
        points
    }

    fn reasons(&self, points: &Points) -> Vec<Reason> {
        let mut reasons = Vec::new();
        let mut add = |kind, points: u16, text: String| {
            if points > 0 {
                reasons.push(Reason { kind, points, text });
            }
        };

        let shared = &points.shared_needs[..points.shared_count];
        let names: Vec<String> = shared.iter().map(|&t| self.topic_name(t)).collect();
        let needs_text = match shared.len() {
            1 => format!("shares your need: {}", names.join(", ")),
            n => format!("shares {n} of your needs: {}", names.join(", ")),
        };
        add(ReasonKind::Needs, points.needs, needs_text);

        let stage_text = match points.stage_gap {
            0 => "at your career stage, as you asked for a peer".to_owned(),
            gap => format!("{} career stage{} ahead", number_word(gap), plural(gap)),
        };
        add(ReasonKind::Stage, points.stage, stage_text);
        add(
            ReasonKind::LibraryType,
            points.library_type,
            "same library type".to_owned(),
        );

        let zone_text = match points.hours_apart {
            0 => "same time zone".to_owned(),
            hours => {
                let hours = usize::from(hours);
                format!(
                    "{} hour{} of time difference",
                    number_word(hours),
                    plural(hours)
                )
            }
        };
        add(ReasonKind::TimeZone, points.time_zone, zone_text);
        add(
            ReasonKind::Language,
            points.language,
            "speaks a language you asked for".to_owned(),
        );

        let hours = points.overlap_hours as usize;
        let availability_text = format!("{hours} hour{} a week you can both meet", plural(hours));
        add(
            ReasonKind::Availability,
            points.availability,
            availability_text,
        );
        add(
            ReasonKind::Affinity,
            points.affinity,
            "shares an identity you chose to share".to_owned(),
        );

        let nearby_text = if points.same_region {
            "in your region"
        } else {
            "in your division"
        };
        add(ReasonKind::Nearby, points.nearby, nearby_text.to_owned());
        reasons
    }

    fn topic_name(&self, code: u8) -> String {
        match self.topic_names.get(usize::from(code)) {
            Some(Some(name)) => name.clone(),
            _ => format!("topic {code}"),
        }
    }
}

/// Checks the hard constraints that depend on the two profiles alone (past and blocked
/// pairs are checked by [`Exclusions::check`]).
pub fn check(application: &Application, offer: &Offer) -> Result<(), Rejection> {
    if application.person == offer.person {
        return Err(Rejection::SamePerson);
    }
    if offer.capacity == 0 {
        return Err(Rejection::NoCapacity);
    }
    let ahead = offer.stage > application.stage;
    let peer = offer.stage == application.stage && application.wants_peer;
    if !ahead && !peer {
        return Err(Rejection::StageNotAhead);
    }
    if !offer.mentors_stages.contains(application.stage) {
        return Err(Rejection::StageNotOffered);
    }
    if !application.modality.is_compatible(offer.modality) {
        return Err(Rejection::Modality);
    }
    let same_institution =
        application.institution.is_some() && application.institution == offer.institution;
    if application.avoid_same_institution && same_institution {
        return Err(Rejection::SameInstitution);
    }
    Ok(())
}

fn number_word(n: usize) -> String {
    const WORDS: [&str; 13] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
        "eleven", "twelve",
    ];
    WORDS
        .get(n)
        .map_or_else(|| n.to_string(), |w| (*w).to_owned())
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
// Table rows that change nothing still bind their profiles as mutable.
#[allow(
    unused_mut,
    clippy::unwrap_used,
    clippy::no_effect,
    clippy::unused_unit
)]
mod tests {
    use super::*;
    use crate::profile::{InstitutionId, LibraryType, StageSet};

    fn pair() -> (Application, Offer) {
        (
            Application::new(PersonId(1), Stage::Early),
            Offer::new(PersonId(2), Stage::Mid),
        )
    }

    macro_rules! rejected {
        ($($name:ident: |$a:ident, $o:ident| $change:expr => $why:expr;)*) => {$(
            #[test]
            fn $name() {
                let (mut $a, mut $o) = pair();
                $change;
                let scorer = Scorer::builder().build();
                assert_eq!(scorer.score(&$a, &$o, &Exclusions::new()), Err($why));
            }
        )*};
    }

    rejected! {
        never_self: |a, o| o.person = a.person => Rejection::SamePerson;
        mentor_must_be_ahead: |a, o| o.stage = Stage::Early => Rejection::StageNotAhead;
        mentor_behind_even_for_peers: |a, o| { a.wants_peer = true; o.stage = Stage::Student }
            => Rejection::StageNotAhead;
        stage_not_offered: |a, o| o.mentors_stages = StageSet::EMPTY.with(Stage::Mid)
            => Rejection::StageNotOffered;
        modality: |a, o| { a.modality = Modality::InPerson; o.modality = Modality::Virtual }
            => Rejection::Modality;
        same_institution_when_asked: |a, o| {
            a.institution = Some(InstitutionId(4));
            o.institution = Some(InstitutionId(4));
            a.avoid_same_institution = true;
        } => Rejection::SameInstitution;
        no_capacity: |a, o| o.capacity = 0 => Rejection::NoCapacity;
    }

    macro_rules! scores {
        ($($name:ident: |$a:ident, $o:ident| $change:expr => $reasons:expr;)*) => {$(
            #[test]
            fn $name() {
                let (mut $a, mut $o) = pair();
                $change;
                let scorer = Scorer::builder().topic(1, "leadership").build();
                let explanation = scorer.explain(&$a, &$o, &Exclusions::new()).unwrap_or_else(
                    |r| panic!("rejected: {r}"));
                let texts: Vec<String> =
                    explanation.reasons.iter().map(ToString::to_string).collect();
                let expected: &[&str] = &$reasons;
                assert_eq!(texts, expected);
                let sum: u32 = explanation.reasons.iter().map(|r| u32::from(r.points)).sum();
                assert_eq!(u32::from(explanation.score), sum.min(1000));
                assert_eq!(scorer.score(&$a, &$o, &Exclusions::new()), Ok(explanation.score));
            }
        )*};
    }

    scores! {
        bare_pair: |a, o| () => ["one career stage ahead +70", "same time zone +60"];
        peer_when_asked: |a, o| { a.wants_peer = true; o.stage = Stage::Early }
            => ["at your career stage, as you asked for a peer +60", "same time zone +60"];
        one_need: |a, o| { a.needs = vec![9, 1]; o.topics = [1].into_iter().collect() }
            => ["shares your need: leadership +100", "one career stage ahead +70",
                "same time zone +60"];
        preferred_library_type: |a, o| {
            a.library_type = Some(LibraryType::Public);
            a.preferred_library_type = Some(LibraryType::Academic);
            o.library_type = Some(LibraryType::Academic);
        } => ["one career stage ahead +70", "same library type +130", "same time zone +60"];
        three_hours_apart: |a, o| o.place.utc_offset_minutes = 180
            => ["one career stage ahead +70"];
        nearby_and_availability: |a, o| {
            a.wants_nearby = true;
            a.availability = (0..5).collect();
            o.availability = (3..9).collect();
        } => ["one career stage ahead +70", "same time zone +60",
              "2 hours a week you can both meet +20", "in your region +70"];
    }

    #[test]
    fn exclusions_reject_past_pairs_in_either_order() {
        let (a, o) = pair();
        let mut exclusions = Exclusions::new();
        exclusions.add_past(o.person, a.person);
        let scorer = Scorer::builder().build();
        assert_eq!(scorer.score(&a, &o, &exclusions), Err(Rejection::PastPair));
    }
}
