//! The life of a cycle as a state machine: which move leads where, and who may make it.
//!
//! The rule is one pure function, [`next`], of the state, the move and the role of the
//! person making it; pages and the store ask it and record every accepted move.

use std::fmt;

/// Where a cycle stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CycleState {
    /// Being prepared; nobody can apply yet.
    Draft,
    /// The application window is open.
    Open,
    /// Applications are closed; the coordinator is matching.
    Matching,
    /// Proposals are out; people are answering.
    Published,
    /// Mentorships are under way.
    Active,
    /// Mentorships are wrapping up: reflections, closing.
    Closing,
    /// Over.
    Closed,
}

impl CycleState {
    /// Every state, in the order a cycle goes through them.
    pub const ALL: [CycleState; 7] = [
        CycleState::Draft,
        CycleState::Open,
        CycleState::Matching,
        CycleState::Published,
        CycleState::Active,
        CycleState::Closing,
        CycleState::Closed,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            CycleState::Draft => "draft",
            CycleState::Open => "open",
            CycleState::Matching => "matching",
            CycleState::Published => "published",
            CycleState::Active => "active",
            CycleState::Closing => "closing",
            CycleState::Closed => "closed",
        }
    }

    /// The words shown to people.
    pub fn label(self) -> &'static str {
        match self {
            CycleState::Draft => "Draft",
            CycleState::Open => "Open for applications",
            CycleState::Matching => "Matching",
            CycleState::Published => "Matches published",
            CycleState::Active => "Active",
            CycleState::Closing => "Closing",
            CycleState::Closed => "Closed",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<CycleState> {
        CycleState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether applications and offers are still taken and may be changed.
    pub fn takes_applications(self) -> bool {
        self == CycleState::Open
    }

    /// Whether a coordinator may still import applications and offers.
    pub fn takes_imports(self) -> bool {
        matches!(
            self,
            CycleState::Draft | CycleState::Open | CycleState::Matching
        )
    }

    /// Whether proposals are out and people answer them, or new pairs are confirmed.
    pub fn takes_answers(self) -> bool {
        matches!(self, CycleState::Published | CycleState::Active)
    }
}

impl fmt::Display for CycleState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A step a person asks a cycle to take.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Move {
    /// Opens the application window.
    Open,
    /// Closes the window and starts matching.
    StartMatching,
    /// Opens the window again (late applications, too few mentors).
    Reopen,
    /// Sends the chosen proposals to the people concerned.
    Publish,
    /// Starts the mentorships.
    Start,
    /// Begins the closing phase.
    BeginClosing,
    /// Ends the cycle.
    Close,
    /// Abandons a cycle before any match was published.
    Cancel,
}

impl Move {
    /// Every move.
    pub const ALL: [Move; 8] = [
        Move::Open,
        Move::StartMatching,
        Move::Reopen,
        Move::Publish,
        Move::Start,
        Move::BeginClosing,
        Move::Close,
        Move::Cancel,
    ];

    /// The stored code, also the form value.
    pub fn code(self) -> &'static str {
        match self {
            Move::Open => "open",
            Move::StartMatching => "start_matching",
            Move::Reopen => "reopen",
            Move::Publish => "publish",
            Move::Start => "start",
            Move::BeginClosing => "begin_closing",
            Move::Close => "close",
            Move::Cancel => "cancel",
        }
    }

    /// The words on its button.
    pub fn label(self) -> &'static str {
        match self {
            Move::Open => "Open applications",
            Move::StartMatching => "Close applications and start matching",
            Move::Reopen => "Reopen applications",
            Move::Publish => "Publish the matches",
            Move::Start => "Start the mentorships",
            Move::BeginClosing => "Begin closing",
            Move::Close => "Close the cycle",
            Move::Cancel => "Cancel the cycle",
        }
    }

    /// Reads a code.
    pub fn parse(code: &str) -> Option<Move> {
        Move::ALL.into_iter().find(|m| m.code() == code)
    }
}

/// The role in which a person makes a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// An admin of the national program office.
    Admin,
    /// A coordinator who manages this cycle.
    Coordinator,
    /// Anyone else.
    Member,
}

/// Why a move was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoveError {
    /// The move makes no sense from this state.
    #[error("a {0} cycle cannot take this step")]
    NotFromHere(CycleState),
    /// This role may not make this move.
    #[error("only an admin may take this step")]
    NotYours,
}

/// The state a move leads to, or why it is refused.
///
/// Coordinators and admins run a cycle forward; only an admin may cancel one, and only
/// before matches were published, because after that people have been told.
pub fn next(state: CycleState, step: Move, actor: Actor) -> Result<CycleState, MoveError> {
    use CycleState as S;

    if actor == Actor::Member {
        return Err(MoveError::NotYours);
    }
    let to = match (state, step) {
        (S::Draft, Move::Open) => S::Open,
        (S::Open, Move::StartMatching) => S::Matching,
        (S::Matching, Move::Reopen) => S::Open,
        (S::Matching, Move::Publish) => S::Published,
        (S::Published, Move::Start) => S::Active,
        (S::Active, Move::BeginClosing) => S::Closing,
        (S::Closing, Move::Close) => S::Closed,
        (S::Draft | S::Open | S::Matching, Move::Cancel) => S::Closed,
        _ => return Err(MoveError::NotFromHere(state)),
    };
    if step == Move::Cancel && actor != Actor::Admin {
        return Err(MoveError::NotYours);
    }
    Ok(to)
}

/// The moves an actor may make from a state, for the buttons of the cycle page.
pub fn moves_from(state: CycleState, actor: Actor) -> Vec<Move> {
    Move::ALL
        .into_iter()
        .filter(|&step| next(state, step, actor).is_ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use CycleState as S;

    #[test]
    fn a_cycle_runs_from_draft_to_closed_one_step_at_a_time() {
        let path = [
            (S::Draft, Move::Open, S::Open),
            (S::Open, Move::StartMatching, S::Matching),
            (S::Matching, Move::Publish, S::Published),
            (S::Published, Move::Start, S::Active),
            (S::Active, Move::BeginClosing, S::Closing),
            (S::Closing, Move::Close, S::Closed),
        ];
        for (from, step, to) in path {
            assert_eq!(
                next(from, step, Actor::Coordinator),
                Ok(to),
                "{from:?} {step:?}"
            );
            assert_eq!(next(from, step, Actor::Admin), Ok(to), "{from:?} {step:?}");
        }
    }

    #[test]
    fn moves_that_make_no_sense_are_refused() {
        let refused = [
            (S::Draft, Move::Publish),
            (S::Open, Move::Publish),
            (S::Published, Move::Reopen),
            (S::Closed, Move::Open),
            (S::Active, Move::Cancel),
            (S::Closed, Move::Close),
        ];
        for (from, step) in refused {
            assert_eq!(
                next(from, step, Actor::Admin),
                Err(MoveError::NotFromHere(from)),
                "{from:?} {step:?}"
            );
        }
    }

    #[test]
    fn matching_can_go_back_to_open_applications() {
        assert_eq!(
            next(S::Matching, Move::Reopen, Actor::Coordinator),
            Ok(S::Open)
        );
    }

    #[test]
    fn only_an_admin_cancels_and_only_before_publication() {
        assert_eq!(next(S::Open, Move::Cancel, Actor::Admin), Ok(S::Closed));
        assert_eq!(
            next(S::Open, Move::Cancel, Actor::Coordinator),
            Err(MoveError::NotYours)
        );
        assert!(next(S::Published, Move::Cancel, Actor::Admin).is_err());
    }

    #[test]
    fn members_make_no_move_at_all() {
        for state in CycleState::ALL {
            assert!(moves_from(state, Actor::Member).is_empty(), "{state:?}");
        }
    }

    #[test]
    fn the_buttons_offered_are_the_allowed_moves() {
        assert_eq!(
            moves_from(S::Matching, Actor::Coordinator),
            [Move::Reopen, Move::Publish]
        );
        assert_eq!(
            moves_from(S::Matching, Actor::Admin),
            [Move::Reopen, Move::Publish, Move::Cancel]
        );
        assert!(moves_from(S::Closed, Actor::Admin).is_empty());
    }

    #[test]
    fn codes_read_back() {
        for state in CycleState::ALL {
            assert_eq!(CycleState::parse(state.code()), Some(state));
        }
        for step in Move::ALL {
            assert_eq!(Move::parse(step.code()), Some(step));
        }
        assert_eq!(CycleState::parse("Open"), None);
        assert_eq!(Move::parse(""), None);
    }
}
