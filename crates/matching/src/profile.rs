//! What mentees and mentors tell the program: applications and offers.
//!
//! Every type here is plain data the application fills from its database; nothing is
//! looked up. Codes (topics, languages, identity groups, regions) are the application's
//! own small integers: this crate only compares them.

use std::fmt;

/// A person's id in the application.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PersonId(pub u64);

/// An institution's id in the application (a library, a university, a library system).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct InstitutionId(pub u64);

/// A career stage, in career order: `Student < Early < Mid < Senior < Late`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Stage {
    /// LIS student.
    Student,
    /// Early career, 0 to 5 years.
    Early,
    /// Mid career, 6 to 15 years.
    Mid,
    /// Senior and leadership.
    Senior,
    /// Late career and transition.
    Late,
}

impl Stage {
    /// The number of stages.
    pub const COUNT: usize = 5;

    /// Every stage, in career order.
    pub const ALL: [Stage; Stage::COUNT] = [
        Stage::Student,
        Stage::Early,
        Stage::Mid,
        Stage::Senior,
        Stage::Late,
    ];

    /// The stage's position in career order, `0..5`.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The stage at a position in career order, or `None` past the last.
    pub fn from_index(index: usize) -> Option<Stage> {
        Self::ALL.get(index).copied()
    }

    /// The stage's name in the program's words.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Student => "LIS student",
            Stage::Early => "early career",
            Stage::Mid => "mid career",
            Stage::Senior => "senior and leadership",
            Stage::Late => "late career",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of career stages, such as the stages a mentor wants to mentor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct StageSet(u8);

impl StageSet {
    /// No stage.
    pub const EMPTY: StageSet = StageSet(0);
    /// Every stage.
    pub const ALL: StageSet = StageSet(0b1_1111);

    /// Whether the set holds `stage`.
    pub fn contains(self, stage: Stage) -> bool {
        self.0 >> stage.index() & 1 == 1
    }

    /// The set with `stage` added.
    #[must_use]
    pub fn with(self, stage: Stage) -> StageSet {
        StageSet(self.0 | 1 << stage.index())
    }
}

impl FromIterator<Stage> for StageSet {
    fn from_iter<I: IntoIterator<Item = Stage>>(iter: I) -> Self {
        iter.into_iter().fold(StageSet::EMPTY, StageSet::with)
    }
}

/// The kind of library a person works in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LibraryType {
    /// College and university libraries.
    Academic,
    /// Public libraries.
    Public,
    /// School libraries.
    School,
    /// Special libraries (law, medical, corporate, government).
    Special,
    /// Archives and special collections.
    Archives,
}

impl LibraryType {
    /// The type's name in plain words ("an academic library").
    pub fn name(self) -> &'static str {
        match self {
            LibraryType::Academic => "academic",
            LibraryType::Public => "public",
            LibraryType::School => "school",
            LibraryType::Special => "special",
            LibraryType::Archives => "archives",
        }
    }
}

/// How a pair would meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Modality {
    /// Only online.
    Virtual,
    /// Only in person.
    InPerson,
    /// Either way.
    Either,
}

impl Modality {
    // Two modalities are compatible when their masks share a bit.
    pub(crate) fn mask(self) -> u8 {
        match self {
            Modality::Virtual => 0b01,
            Modality::InPerson => 0b10,
            Modality::Either => 0b11,
        }
    }

    /// Whether two people's modalities leave a way to meet: `Either` is compatible with
    /// everything, otherwise both must be the same.
    pub fn is_compatible(self, other: Modality) -> bool {
        self == other || self == Modality::Either || other == Modality::Either
    }
}

/// A set of topic codes `0..128` from the program's taxonomy (leadership, grant writing,
/// supervision and so on). Codes of 128 and above are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct TopicSet(u128);

impl TopicSet {
    // The raw bits, for the candidate search's packed columns.
    pub(crate) fn bits(self) -> u128 {
        self.0
    }

    /// Whether the set holds `topic`.
    pub fn contains(self, topic: u8) -> bool {
        topic < 128 && self.0 >> topic & 1 == 1
    }

    /// The number of topics.
    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<u8> for TopicSet {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        TopicSet(
            iter.into_iter()
                .filter(|&t| t < 128)
                .fold(0, |set, t| set | 1 << t),
        )
    }
}

/// A small set of codes `0..64`, used for languages and for identity groups. Codes of 64 and
/// above are ignored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct CodeSet(u64);

impl CodeSet {
    // The raw bits, for the candidate search's packed columns.
    pub(crate) fn bits(self) -> u64 {
        self.0
    }

    /// Whether the set holds `code`.
    pub fn contains(self, code: u8) -> bool {
        code < 64 && self.0 >> code & 1 == 1
    }

    /// Whether the two sets share a code.
    pub fn intersects(self, other: CodeSet) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
}

impl FromIterator<u8> for CodeSet {
    fn from_iter<I: IntoIterator<Item = u8>>(iter: I) -> Self {
        CodeSet(
            iter.into_iter()
                .filter(|&c| c < 64)
                .fold(0, |set, c| set | 1 << c),
        )
    }
}

/// The hours of the week a person can meet, in UTC: hour 0 is Monday 00:00 to 01:00 UTC,
/// hour 167 is Sunday 23:00 to 24:00 UTC. Hours of 168 and above are ignored. Convert from
/// local time with the person's UTC offset before filling it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Availability([u64; 3]);

impl Availability {
    // The raw bits (hour h of the week is bit h % 64 of word h / 64), for the candidate
    // search's packed columns.
    pub(crate) fn words(&self) -> [u64; 3] {
        self.0
    }

    /// Hours in a week.
    pub const HOURS: u16 = 168;

    /// The number of hours both can meet.
    pub fn overlap_hours(&self, other: &Availability) -> u32 {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones())
            .sum()
    }

    /// Whether no hour is given (the person did not say).
    pub fn is_empty(&self) -> bool {
        self.0 == [0; 3]
    }
}

impl FromIterator<u16> for Availability {
    fn from_iter<I: IntoIterator<Item = u16>>(iter: I) -> Self {
        let mut words = [0u64; 3];
        for hour in iter.into_iter().filter(|&h| h < Self::HOURS) {
            words[usize::from(hour / 64)] |= 1 << (hour % 64);
        }
        Availability(words)
    }
}

/// Where a person works: a region (a state, DC or a territory) and its division, as the
/// application numbers them, and the UTC offset of its time zone in minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Place {
    /// The region's code.
    pub region: u16,
    /// The division's code (by default the nine census divisions).
    pub division: u8,
    /// The time zone's offset from UTC in minutes, such as -300 for US Eastern standard time.
    pub utc_offset_minutes: i16,
}

/// A mentee's application to a cycle.
///
/// Start from [`Application::new`] and set what the mentee told the program; every field
/// left at its default asks for nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Application {
    /// The mentee. A mentor with the same id is never proposed.
    pub person: PersonId,
    /// The mentee's career stage now.
    pub stage: Stage,
    /// The type of library the mentee works in, if any.
    pub library_type: Option<LibraryType>,
    /// The mentee's institution, if any.
    pub institution: Option<InstitutionId>,
    /// Where the mentee works.
    pub place: Place,
    /// Languages the mentee would like to be mentored in (empty: no preference).
    pub languages: CodeSet,
    /// How the mentee can meet. Default: `Either`.
    pub modality: Modality,
    /// The topics the mentee needs now, most important first. Only the first
    /// [`crate::scoring::MAX_RANKED_NEEDS`] count.
    pub needs: Vec<u8>,
    /// When the mentee can meet (empty: did not say).
    pub availability: Availability,
    /// Identity groups the mentee chose to share for affinity matching (empty: none).
    pub affinity: CodeSet,
    /// The mentee asks for a peer: a mentor at the same career stage is acceptable.
    pub wants_peer: bool,
    /// The mentee asks not to be matched within their own institution.
    pub avoid_same_institution: bool,
    /// The library type the mentee would like the mentor to work in; when `None`, the
    /// mentee's own library type is preferred.
    pub preferred_library_type: Option<LibraryType>,
    /// The mentee would like a mentor nearby (same region or division).
    pub wants_nearby: bool,
}

impl Application {
    /// An application that asks for nothing beyond a mentor at a later stage.
    pub fn new(person: PersonId, stage: Stage) -> Self {
        Self {
            person,
            stage,
            library_type: None,
            institution: None,
            place: Place::default(),
            languages: CodeSet::default(),
            modality: Modality::Either,
            needs: Vec::new(),
            availability: Availability::default(),
            affinity: CodeSet::default(),
            wants_peer: false,
            avoid_same_institution: false,
            preferred_library_type: None,
            wants_nearby: false,
        }
    }
}

/// A mentor's offer to a cycle.
///
/// Start from [`Offer::new`] and set what the mentor told the program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    /// The mentor.
    pub person: PersonId,
    /// The mentor's career stage now.
    pub stage: Stage,
    /// The topics the mentor offers.
    pub topics: TopicSet,
    /// How many mentees the mentor takes this cycle, `1..=5`. Default: 1.
    pub capacity: u8,
    /// The type of library the mentor works in, if any.
    pub library_type: Option<LibraryType>,
    /// The mentor's institution, if any.
    pub institution: Option<InstitutionId>,
    /// Where the mentor works.
    pub place: Place,
    /// Languages the mentor can mentor in.
    pub languages: CodeSet,
    /// How the mentor can meet. Default: `Either`.
    pub modality: Modality,
    /// When the mentor can meet (empty: did not say).
    pub availability: Availability,
    /// Identity groups the mentor chose to share for affinity matching (empty: none).
    pub affinity: CodeSet,
    /// The stages the mentor wants to mentor. Default: all.
    pub mentors_stages: StageSet,
}

impl Offer {
    /// An offer of one place, to every stage, with no topic.
    pub fn new(person: PersonId, stage: Stage) -> Self {
        Self {
            person,
            stage,
            topics: TopicSet::default(),
            capacity: 1,
            library_type: None,
            institution: None,
            place: Place::default(),
            languages: CodeSet::default(),
            modality: Modality::Either,
            availability: Availability::default(),
            affinity: CodeSet::default(),
            mentors_stages: StageSet::ALL,
        }
    }
}
