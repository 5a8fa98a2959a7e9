//! The optimal solver: the most mentees matched, then the highest total score.
//!
//! # Model
//!
//! Each mentor `j` is split into `capacity(j)` identical *places*. Every mentee either takes
//! one place of a listed mentor or stays unmatched. A pair is worth
//! `(score + BIG) * SCALE` with `BIG = 1000 * mentees + 1`: one more matched mentee is worth
//! more than any possible difference in total score, so the heaviest assignment is the
//! lexicographic optimum (matched count first, total score second). `SCALE = mentees + 1`
//! makes every difference between two assignments larger than the auction's final slack.
//!
//! # Algorithm
//!
//! A forward/reverse auction with ε-scaling (Bertsekas), on prices of places:
//!
//! * **Forward step.** An unassigned mentee looks at the cheapest place of each listed
//!   mentor, takes the one with the highest profit (worth minus price) and raises that
//!   place's price by the margin over its second-best option (another mentor, the mentor's
//!   next-cheapest place, or staying unmatched) plus ε. A displaced mentee bids next,
//!   before the others waiting, while its data is still in cache. A mentee whose best
//!   profit is not positive stays unmatched.
//! * **Reverse step.** An empty place with a positive price lowers its price to attract the
//!   mentee who gains most by moving there, or drops to zero when nobody would. This is what
//!   makes the unbalanced problem (fewer places than mentees, mentees who may stay
//!   unmatched) come out right. The mentor's mentees are kept best score first, and no
//!   mentee's profit is below a floor known at the time, so the search stops at the first
//!   score too low to beat the runner-up: on the national instance it looks at one mentee in
//!   thirteen.
//! * **Softening.** Before the reverse steps, take the mentors with an empty priced place
//!   and, repeatedly, every mentor whose place is held by someone who may also take one of
//!   them. Lowering all their prices together keeps every holder within ε, so it is done in
//!   one step, as far as the unmatched mentees next to them allow (or, when those are few
//!   next to many empty places, all the way, and those mentees bid again). When places
//!   outnumber mentees the empty places must fall from the opening price to zero, and
//!   reverse steps lower a price by about ε at a time: without this, 10,000 mentees and
//!   20,000 places took 80 seconds; with it, a fraction of a second.
//! * **ε-scaling.** Every place opens at price `BIG * SCALE`, where each pair is worth its
//!   score alone. Prices are first settled with ε = 400 points, then ε is divided by the
//!   same ratio (at most 40) each round, so that the last planned round lands near
//!   ε = 16 units, where the assignment is usually proven optimal (below); if not, a
//!   round at ε = 1 follows. A mentee bids again in a later round only when its place is
//!   no longer within ε of its best option. A re-solve
//!   runs the rounds from ε = 1/8 point down, with the same early stop, and starts over
//!   from scratch if the changes ripple through so much of the market that that is cheaper.
//!
//! When ε = 1, every mentee is within 1 of its best option and every empty place is free:
//! by linear-programming duality the assignment is within `mentees * 1 < SCALE` of the
//! optimum, and since all values are multiples of `SCALE`, it *is* optimal.
//!
//! # Early stop
//!
//! The bound `mentees * ε` is a worst case; the real distance to the optimum is usually far
//! smaller, and it can be measured. Give each mentee its best net value at the current
//! prices (at least 0), then give each mentor's places the least price that still covers
//! every pair, `max(0, worth - value)` over its mentees: that is a feasible dual solution,
//! so its total (places' prices times capacities plus mentees' values) is at least the
//! optimum. When it exceeds the assignment's worth by less than `SCALE`, the assignment is
//! optimal, for the same reason as above. After each round below one point whose quick
//! gap (the untightened prices) is small enough to give a chance, the solver computes
//! that gap in two passes over the candidates and stops when it is below `SCALE`. The gap
//! grows about in proportion to ε: on the national instance (100,000 mentees) it is proven
//! below `SCALE` at ε = 23 units but not at ε = 25, which is why the rounds are planned to
//! end at 16. There the optimum is proven after 5 rounds, where ε = 1 would take a sixth.
//! [`OptimalSolver::verify`] checks the same certificate.
//!
//! # Complexity
//!
//! Each round is O(candidates) at most to find the mentees that must bid again (a check
//! stops at the first option more than ε better) plus the bids, each O(list length), plus at
//! most four softening passes of O(candidates) each (in practice a pass stops after a few
//! mentors unless it is about to cut prices); there are 1 + ⌈log₄₀(400 · SCALE / 16)⌉
//! rounds, plus one when the proof fails (5 or 6 for 100,000 mentees), plus two passes
//! over the candidates for each attempt at the early-stop proof. The number of bids
//! per round is not bounded by a small polynomial in theory (auctions are
//! pseudo-polynomial), but ε-scaling keeps it near two per mentee per round on every
//! instance measured, undersupplied or oversupplied. A bid
//! usually costs less: a mentee remembers its two best options and the third-best profit of
//! its last full scan, and while no price has dropped (prices drop only in reverse steps and
//! when places or pairs change) the two are still its best if they still beat that profit.
//! Memory: the instance, a reverse index of the candidates by mentor
//! (4 bytes per candidate), and O(mentees + mentors) state.
//!
//! # Why an auction
//!
//! A general min-cost-flow code (such as OR-Tools') must handle any network; here the
//! structure is known: one unit per mentee, a handful of identical places per mentor, short
//! sorted lists. The auction exploits all of it, works in place on the compact instance,
//! and keeps its prices, so that after a few declines or a new mentor only the mentees
//! concerned bid again ([`OptimalSolver::decline`], [`OptimalSolver::solve`]).

use std::collections::HashMap;

use crate::instance::{pack, unpack, Instance, MAX_CAPACITY, MAX_SCORE};
use crate::matching::Matching;
use crate::rules::{Resolved, RuleError, Rules, NONE};

const SEATS: usize = MAX_CAPACITY as usize;
const OPTED_OUT: u32 = u32::MAX - 1;
const UNPRICED: i64 = i64::MAX;
// A pinned mentee's profit: so high that no reverse step ever tries to move it, yet far
// enough from overflow when a worth is subtracted from it.
const PINNED_PROFIT: i64 = i64::MAX / 4;
// A re-solve divides ε by this after each round.
const EPSILON_DIVISOR: i64 = 12;
// A solve from scratch opens at this many points, and plans its rounds to end near
// FINAL_EPSILON units.
const OPENING_EPSILON_POINTS: u16 = 400;
const FINAL_EPSILON: i64 = 16;
const MAX_EPSILON_DIVISOR: i64 = 40;
// The tightened duality gap is computed after a round below one point only when the quick
// one is under this many units of the objective: on national instances the tightened gap
// is a tenth of the quick one or less, so a larger quick gap leaves no chance of a proof.
const CERTIFY_QUICK_UNITS: i64 = 16;
// A re-solve opens at ε = 1/8 point. Its work budget is counted in candidates visited, and
// reverse steps (which visit a mentor's whole list) make that count run far ahead of the
// time spent: measured on the 100k file and the national demo, 100 declines need 3 to 50
// visits per candidate yet run 3 to 8 times faster than a solve from scratch.
const RESOLVE_EPSILON_FRACTION: i64 = 8;
const RESOLVE_WORK_PER_CANDIDATE: i64 = 64;
// `soften` gives up when it could lower prices by no more than this many ε: reverse steps
// do that in a few moves, for less than the search costs.
const SOFTEN_MIN_EPSILONS: i64 = 4;
// `soften` wakes the unmatched mentees in its way when there are fewer of them than one per
// this many empty places, and runs at most this many times per round (each O(candidates)).
const SOFTEN_EMPTY_PER_WOKEN: usize = 8;
const MAX_SOFTENINGS_PER_ROUND: u32 = 4;

// The ε of each round of a solve from scratch: from the opening ε down to about
// `FINAL_EPSILON`, divided each time by the same ratio, the smallest that needs no more
// rounds than a ratio of `MAX_EPSILON_DIVISOR` would.
fn epsilon_schedule(scale: i64) -> impl Iterator<Item = i64> {
    let opening = i64::from(OPENING_EPSILON_POINTS) * scale;
    let span = (opening / FINAL_EPSILON).max(1);
    let mut rounds = 0u32;
    let mut reach = 1i64;
    while reach < span {
        reach = reach.saturating_mul(MAX_EPSILON_DIVISOR);
        rounds += 1;
    }
    let mut ratio = 2i64;
    while ratio.checked_pow(rounds).is_some_and(|power| power < span) {
        ratio += 1;
    }
    (0..=rounds).map(move |round| (opening / ratio.pow(round)).max(1))
}

/// Solves for the lexicographic optimum and keeps its state for fast re-solves.
///
/// ```
/// use carrel_matching::instance::InstanceBuilder;
/// use carrel_matching::optimal::OptimalSolver;
/// use carrel_matching::rules::Rules;
///
/// // Mentee 0 likes both mentors, mentee 1 only mentor A: the optimum matches both.
/// let mut builder = InstanceBuilder::new(2)?;
/// let a = builder.add_mentor(1)?;
/// let b = builder.add_mentor(1)?;
/// builder.add_candidates(0, &[(a, 900), (b, 600)])?;
/// builder.add_candidates(1, &[(a, 500)])?;
/// let instance = builder.build();
///
/// let mut solver = OptimalSolver::new(&instance, &Rules::new())?;
/// let matching = solver.solve();
/// assert_eq!((matching.matched(), matching.total_score()), (2, 1100));
/// assert!(solver.verify());
///
/// // Mentee 1 declines mentor A: re-solving starts from the previous prices.
/// solver.decline(1, a)?;
/// let matching = solver.solve();
/// assert_eq!(matching.mentor_of(0), Some(a));
/// assert_eq!(matching.mentor_of(1), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct OptimalSolver<'a> {
    instance: &'a Instance,
    rules: Resolved,
    added: AddedMentors,
    reverse: ReverseIndex,
    places: Places,
    mentees: Vec<MenteeState>,
    big: i64,
    scale: i64,
    // Mentees waiting to bid. The last one in bids first: a mentee just displaced bids while
    // what it and its options need is still in cache, which on the national instance takes
    // about a tenth off the solve compared with first come, first served.
    bidders: Vec<u32>,
    // Each mentee's two best options at its last full scan (see `best_two`), valid while
    // their epoch is the current one: no price has dropped since.
    look_back: Vec<LookBack>,
    epoch: u32,
    solved: bool,
    // Candidates a re-solve may still visit before it starts over from scratch.
    work_left: i64,
    // At most every mentee's profit during reverse steps (set at their start, lowered with
    // every assignment): it bounds the gain of mentees a reverse step has not looked at.
    profit_floor: i64,
}

impl<'a> OptimalSolver<'a> {
    /// Prepares a solver for `instance` under `rules` (builds the reverse index, O(candidates)).
    pub fn new(instance: &'a Instance, rules: &Rules) -> Result<Self, RuleError> {
        let resolved = rules.resolve(instance)?;
        let mentee_count = instance.mentee_count() as i64;
        let mut solver = Self {
            instance,
            reverse: ReverseIndex::new(instance),
            places: Places::new(&resolved.free_capacity),
            mentees: vec![MenteeState::WAITING; instance.mentee_count()],
            rules: resolved,
            added: AddedMentors::default(),
            big: i64::from(MAX_SCORE) * mentee_count + 1,
            scale: mentee_count + 1,
            bidders: Vec::new(),
            look_back: vec![LookBack::default(); instance.mentee_count()],
            epoch: 1,
            solved: false,
            work_left: i64::MAX,
            profit_floor: i64::MIN,
        };
        for mentee in 0..instance.mentee_count() as u32 {
            if solver.rules.is_pinned(mentee) {
                solver.mentees[mentee as usize].place = OPTED_OUT;
                solver.mentees[mentee as usize].profit = PINNED_PROFIT;
            }
        }
        Ok(solver)
    }

    /// Solves (the first time) or re-solves (after changes) and returns the optimal matching,
    /// pinned pairs included.
    ///
    /// The first call runs every ε round. Later calls start from the previous prices and
    /// assignment and only let the mentees touched by [`decline`](Self::decline),
    /// [`forbid`](Self::forbid), [`pin`](Self::pin), [`set_capacity`](Self::set_capacity) or
    /// [`add_mentor`](Self::add_mentor) bid again, at ε = 1: the result is exact either way.
    pub fn solve(&mut self) -> Matching {
        if self.solved && self.resolve() {
            return self.matching();
        }
        if self.solved {
            self.reset();
        }
        {
            // Prices start where every place is worth its score alone, so the rounds only
            // have to sort out scores, and then who stays unmatched.
            let opening = self.big * self.scale;
            self.places
                .price
                .iter_mut()
                .for_each(|price| *price = opening);
            (0..self.places.capacity.len() as u32).for_each(|mentor| self.places.refresh(mentor));
            // When the planned rounds end without a proof, ε = 1 settles it.
            for epsilon in epsilon_schedule(self.scale).chain([1]) {
                self.round(epsilon, true);
                if epsilon == 1 || self.certified(epsilon) {
                    break;
                }
            }
            self.solved = true;
        }
        self.matching()
    }

    // Re-solves from the previous state. The released mentees bid first with coarse steps:
    // at ε = 1 alone, two of them wanting equally good places would raise prices by
    // 1/SCALE of a point per bid. Stops as soon as the result is proven optimal (without
    // that, dividing ε by 12 rather than 8 made re-solves half again slower: the last rounds
    // are the costly ones). Gives up (false) once it has used its work budget, which
    // happens when the changes ripple through the market.
    fn resolve(&mut self) -> bool {
        self.work_left = RESOLVE_WORK_PER_CANDIDATE * self.instance.candidate_count() as i64;
        let mut epsilon = (self.scale / RESOLVE_EPSILON_FRACTION).max(1);
        self.round(epsilon, false);
        while epsilon > 1 && self.work_left > 0 && !self.certified(epsilon) {
            epsilon = (epsilon / EPSILON_DIVISOR).max(1);
            self.round(epsilon, true);
        }
        let done = self.work_left > 0;
        self.work_left = i64::MAX;
        done
    }

    // Forgets prices and assignments, keeping the rules, for a solve from scratch.
    fn reset(&mut self) {
        self.forget_look_back();
        self.bidders.clear();
        self.places.price.iter_mut().for_each(|price| *price = 0);
        self.places
            .holder
            .iter_mut()
            .for_each(|holder| *holder = NONE);
        for mentee in 0..self.instance.mentee_count() as u32 {
            let pinned = self.rules.is_pinned(mentee);
            let m = mentee as usize;
            self.mentees[m].place = if pinned { OPTED_OUT } else { NONE };
            self.mentees[m].profit = if pinned { PINNED_PROFIT } else { 0 };
        }
        self.solved = false;
    }

    /// The mentee declined the mentor: the pair becomes forbidden and, if they were matched,
    /// the mentee returns to the pool. A pinned pair is unpinned first. Same as
    /// [`forbid`](Self::forbid).
    pub fn decline(&mut self, mentee: u32, mentor: u32) -> Result<(), RuleError> {
        self.forbid(mentee, mentor)
    }

    /// Forbids a pair from now on. Forbidding an unlisted pair has no effect.
    pub fn forbid(&mut self, mentee: u32, mentor: u32) -> Result<(), RuleError> {
        self.check_range(mentee, mentor)?;
        if self.pinned_mentor(mentee) == Some(mentor) {
            self.unpin(mentee);
        }
        if let Some(edge) = self.instance.edge(mentee, mentor) {
            self.rules.forbid(edge, mentee, mentor);
        }
        self.forget_look_back();
        self.added.remove(mentee, mentor);
        if self.mentor_of(mentee) == Some(mentor) {
            self.release(mentee);
        }
        Ok(())
    }

    /// Pins a listed pair: the mentee leaves the pool and takes one of the mentor's places.
    pub fn pin(&mut self, mentee: u32, mentor: u32) -> Result<(), RuleError> {
        self.check_range(mentee, mentor)?;
        if mentor as usize >= self.instance.mentor_count() {
            return Err(RuleError::PinNotCandidate { mentee, mentor });
        }
        if self.rules.is_pinned(mentee) {
            return Err(RuleError::PinnedTwice { mentee });
        }
        if self.places.capacity[mentor as usize] == 0 {
            return Err(RuleError::OverCapacity { mentor });
        }
        self.rules.add_pin(self.instance, mentee, mentor)?;
        if self.mentees[mentee as usize].place < OPTED_OUT {
            self.release(mentee);
        }
        self.bidders.retain(|&m| m != mentee);
        self.mentees[mentee as usize].place = OPTED_OUT;
        self.mentees[mentee as usize].profit = PINNED_PROFIT;
        let capacity = self.places.capacity[mentor as usize] - 1;
        self.shrink(mentor, capacity);
        Ok(())
    }

    /// Changes the number of places a mentor offers besides its pinned mentees, `0..=5`
    /// (0 withdraws the mentor). Values above 5 are treated as 5.
    pub fn set_capacity(&mut self, mentor: u32, capacity: u8) -> Result<(), RuleError> {
        if mentor as usize >= self.places.capacity.len() {
            return Err(RuleError::OutOfRange { mentee: 0, mentor });
        }
        let capacity = capacity.min(MAX_CAPACITY);
        let current = self.places.capacity[mentor as usize];
        if capacity < current {
            self.shrink(mentor, capacity);
        } else if capacity > current {
            self.grow(mentor, capacity);
        }
        Ok(())
    }

    /// Adds a mentor who joined after the candidates were built, with its capacity (`1..=5`)
    /// and its candidates `(mentee, score)`, and returns its index (the next one after the
    /// instance's mentors). Mentees that would now rather have this mentor bid again at the
    /// next [`solve`](Self::solve).
    pub fn add_mentor(
        &mut self,
        capacity: u8,
        candidates: &[(u32, u16)],
    ) -> Result<u32, RuleError> {
        let mentor = self.places.capacity.len() as u32;
        if let Some(&(mentee, _)) = candidates
            .iter()
            .find(|(m, _)| *m as usize >= self.instance.mentee_count())
        {
            return Err(RuleError::OutOfRange { mentee, mentor });
        }
        self.places.add_mentor();
        self.added.add(mentor, candidates);
        self.grow(mentor, capacity.clamp(1, MAX_CAPACITY));
        Ok(mentor)
    }

    /// Checks the optimality certificate of the current state in O(candidates): every place
    /// is held by at most one mentee, no mentee waits to bid, and the duality gap of the
    /// current prices (see "Early stop" in the [module documentation](self)) is less than
    /// one unit of the objective. True after [`solve`](Self::solve).
    pub fn verify(&self) -> bool {
        let places = &self.places;
        for mentor in 0..places.capacity.len() {
            for seat in places.seats(mentor as u32) {
                let holder = places.holder[seat];
                if holder == NONE && places.price[seat] != 0 {
                    return false;
                }
                if holder != NONE && self.mentees[holder as usize].place != seat as u32 {
                    return false;
                }
            }
        }
        self.mentees.iter().all(|mentee| mentee.place != NONE)
            && self.dual_gap() < i128::from(self.scale)
    }

    // Whether the assignment after a round at `epsilon` is provably optimal already. The
    // quick gap (the prices as they are) runs about ten times the tightened one on national
    // instances, so the tightened one, which costs another pass over the candidates, is only
    // computed when it stands a chance.
    fn certified(&self, epsilon: i64) -> bool {
        if epsilon > self.scale || !self.bidders.is_empty() {
            return false;
        }
        match self.quick_gap(CERTIFY_QUICK_UNITS * self.scale) {
            Some((gap, _)) if gap < self.scale => true,
            Some((_, values)) => self.tightened_gap(&values) < i128::from(self.scale),
            None => false,
        }
    }

    // The duality gap of the current prices with each mentee's best net value at them (at
    // least 0), or None once the gap reaches `limit` or when a mentee waits to bid: the
    // prices of empty places plus, for each mentee, its value minus its profit. The values
    // come with it, pinned mentees' as 0.
    fn quick_gap(&self, limit: i64) -> Option<(i64, Vec<i64>)> {
        let places = &self.places;
        let mut gap: i64 = 0;
        for mentor in 0..places.capacity.len() as u32 {
            for seat in places.seats(mentor) {
                if places.holder[seat] == NONE {
                    gap = gap.saturating_add(places.price[seat]);
                }
            }
        }
        let mut values = vec![0i64; self.instance.mentee_count()];
        for mentee in 0..self.instance.mentee_count() as u32 {
            if gap >= limit || self.mentees[mentee as usize].place == NONE {
                return None;
            }
            if !self.rules.is_pinned(mentee) {
                let value = self.best_value(mentee);
                values[mentee as usize] = value;
                gap = gap.saturating_add(value - self.mentees[mentee as usize].profit);
            }
        }
        (gap < limit).then_some((gap, values))
    }

    // The duality gap after tightening the prices: each mentee takes its best net value at
    // the current prices (`values`), then each mentor's places take the least price that
    // keeps every pair covered, `max(0, worth - value)` over its mentees. Both stay a
    // feasible dual, so the bound minus the assignment's worth is at least the distance to
    // the optimum. Pinned mentees and their places are outside the problem solved here.
    fn tightened_gap(&self, values: &[i64]) -> i128 {
        let mut gap: i128 = 0;
        for (mentee, &value) in values.iter().enumerate() {
            gap += i128::from(value);
            if self.mentees[mentee].place < OPTED_OUT && !self.rules.is_pinned(mentee as u32) {
                gap -= i128::from(self.worth(self.mentees[mentee].score));
            }
        }
        for mentor in 0..self.places.capacity.len() as u32 {
            let mut price = 0i64;
            // Values are at least 0, so from the first worth no higher than the price found,
            // the mentor's list (best score first) cannot raise it.
            self.scan_interested(mentor, |mentee, score| {
                let worth = self.worth(score);
                if worth <= price {
                    return false;
                }
                if !self.rules.is_pinned(mentee) {
                    price = price.max(worth - values[mentee as usize]);
                }
                true
            });
            gap += i128::from(self.places.capacity[mentor as usize]) * i128::from(price);
        }
        gap
    }

    // The tightened duality gap of the current state, whoever waits to bid.
    fn dual_gap(&self) -> i128 {
        let values: Vec<i64> = (0..self.instance.mentee_count() as u32)
            .map(|mentee| {
                if self.rules.is_pinned(mentee) {
                    0
                } else {
                    self.best_value(mentee)
                }
            })
            .collect();
        self.tightened_gap(&values)
    }

    // The mentee's best profit at the current prices, or 0 (staying unmatched).
    fn best_value(&self, mentee: u32) -> i64 {
        let mut best = 0;
        self.for_each_candidate(mentee, |mentor, score| {
            best = best.max(self.profit_at((mentor, score)));
        });
        best
    }

    fn within_epsilon(&self, mentee: u32, epsilon: i64) -> bool {
        let place = self.mentees[mentee as usize].place;
        if self.rules.is_pinned(mentee) {
            return true;
        }
        if place == NONE {
            return false;
        }
        // Stops at the first option more than ε better than the held place: lists run best
        // score first, so a mentee that must bid again is usually found within a few
        // candidates, and a round's recheck costs far less than a full pass.
        let limit = self.mentees[mentee as usize].profit.saturating_add(epsilon);
        if limit < 0 {
            return false;
        }
        let own_mentor = if place < OPTED_OUT {
            place / SEATS as u32
        } else {
            NONE
        };
        let places = &self.places;
        !self.any_candidate(mentee, |mentor, score| {
            let j = mentor as usize;
            let price = if mentor == own_mentor
                && u32::from(places.cheapest_seat[j]) == place % SEATS as u32
            {
                places.second[j]
            } else {
                places.cheapest[j]
            };
            price != UNPRICED && self.worth(score) - price > limit
        })
    }

    // One ε round: release mentees that are no longer within ε, let everyone unassigned bid,
    // then free or refill the empty places that still have a price.
    fn round(&mut self, epsilon: i64, recheck: bool) {
        if recheck {
            for mentee in 0..self.instance.mentee_count() as u32 {
                if self.mentees[mentee as usize].place == NONE {
                    self.bidders.push(mentee);
                } else if !self.within_epsilon(mentee, epsilon) {
                    self.release(mentee);
                }
            }
        }
        let mut softenings = MAX_SOFTENINGS_PER_ROUND;
        loop {
            while let Some(mentee) = self.bidders.pop() {
                // A mentee can wait twice (released, then found unassigned by a recheck).
                if self.mentees[mentee as usize].place == NONE {
                    self.work_left -= self.instance.range(mentee).len() as i64 + 1;
                    self.bid(mentee, epsilon);
                }
                if self.work_left <= 0 {
                    return;
                }
            }
            // Softening may wake unmatched mentees, whose bids come first.
            if softenings == 0 || !self.soften(epsilon) {
                break;
            }
            softenings -= 1;
        }
        self.reverse_round(epsilon);
    }

    // Lowers at once the prices that reverse steps would otherwise lower ε by ε.
    //
    // An empty place with a price must end free. Reverse steps get it there by moving
    // mentees in, each move lowering a price by about ε; when places outnumber the mentees
    // who want them, every price has to come down from the opening level (a thousand points
    // per mentee) to zero, and that takes millions of moves. Instead: the *soft* mentors are
    // those with an empty priced place, and, repeatedly, every mentor that a holder of a
    // soft mentor's place may also take. No holder of a place outside that set may take a
    // soft mentor, so lowering every soft mentor's prices by the same amount keeps every
    // holder within ε (its own place and its options inside the set move together, options
    // outside only look worse). A mentee who stayed unmatched must stay within ε too, which
    // caps the amount; the amount is also at most the lowest soft price, so that no price
    // goes below zero. When unmatched mentees cap it near ε, they are the ones who should
    // fill the empty places, which reverse steps do: the search stops there, having cost
    // little.
    fn soften(&mut self, epsilon: i64) -> bool {
        let mentors = self.places.capacity.len();
        let mut pending: Vec<u32> = Vec::new();
        let mut empty = 0usize;
        for mentor in 0..mentors as u32 {
            let before = empty;
            for seat in self.places.seats(mentor) {
                if self.places.holder[seat] == NONE && self.places.price[seat] > 0 {
                    empty += 1;
                }
            }
            if empty > before {
                pending.push(mentor);
            }
        }
        if pending.is_empty() {
            return false;
        }
        let mut soft = vec![false; mentors];
        pending
            .iter()
            .for_each(|&mentor| soft[mentor as usize] = true);
        let floor = SOFTEN_MIN_EPSILONS * epsilon;
        let few = empty / SOFTEN_EMPTY_PER_WOKEN;
        let mut lowest = i64::MAX;
        let mut cap = i64::MAX;
        // Unmatched mentees next to the set, with how far the prices may fall before they
        // would want to bid (one entry per candidate, so a mentee may appear twice).
        let mut unmatched: Vec<(u32, i64)> = Vec::new();
        let mut reached: Vec<u32> = Vec::new();
        while let Some(mentor) = pending.pop() {
            reached.push(mentor);
            let cheapest = self.places.cheapest[mentor as usize];
            lowest = lowest.min(cheapest);
            self.work_left -= self.reverse.range(mentor).len() as i64 + 1;
            self.for_each_interested(mentor, |mentee, score| {
                let place = self.mentees[mentee as usize].place;
                if place < OPTED_OUT {
                    let held = (place / SEATS as u32) as usize;
                    if !soft[held] {
                        soft[held] = true;
                        pending.push(held as u32);
                    }
                } else if place == OPTED_OUT && !self.rules.is_pinned(mentee) {
                    // Its profit here after the cut must stay at most ε (it has 0 unmatched).
                    let slack = epsilon - (self.worth(score) - cheapest);
                    cap = cap.min(slack);
                    unmatched.push((mentee, slack));
                }
            });
            if cap.min(lowest) <= floor && unmatched.len() > few {
                return false;
            }
        }
        // Few unmatched mentees stand in the way of a cut that frees many places: they bid
        // again (each of them can reach an empty place, so the cut is theirs to fill), the
        // caller runs their bids and may call again. Many of them: they are who the empty
        // places are for, and the cut stops short of waking any.
        let mut woken = false;
        let amount = if unmatched.len() <= few && lowest > floor {
            for &(mentee, slack) in &unmatched {
                if slack < lowest && self.mentees[mentee as usize].place == OPTED_OUT {
                    self.release(mentee);
                    woken = true;
                }
            }
            lowest
        } else {
            cap.min(lowest)
        };
        if amount <= floor || amount == UNPRICED {
            return woken;
        }
        self.forget_look_back();
        for &mentor in &reached {
            for seat in self.places.seats(mentor) {
                self.places.price[seat] -= amount;
                let holder = self.places.holder[seat];
                if holder != NONE {
                    self.mentees[holder as usize].profit += amount;
                }
            }
            self.places.refresh(mentor);
        }
        woken
    }

    fn bid(&mut self, mentee: u32, epsilon: i64) {
        let (best, second, choice) = self.best_two(mentee);
        let mut second = second.max(0);
        let (mentor, score) = choice;
        if mentor == NONE || best <= 0 {
            self.mentees[mentee as usize].place = OPTED_OUT;
            self.mentees[mentee as usize].profit = 0;
            return;
        }
        let worth = self.worth(score);
        let next_seat_price = self.places.second[mentor as usize];
        if next_seat_price != UNPRICED {
            second = second.max(worth - next_seat_price);
        }
        let seat = self.places.cheapest_seat(mentor);
        let price = worth - second + epsilon;
        let displaced = self.places.holder[seat];
        if displaced != NONE {
            self.mentees[displaced as usize].place = NONE;
            self.bidders.push(displaced);
        }
        self.places.raise_cheapest(mentor, price);
        self.hold(mentee, seat, price, score);
    }

    // The mentee's best profit with its mentor and score, and its second-best profit
    // (i64::MIN when it has a single option). Uses the look-back when it is still valid,
    // else scans the whole list and refreshes it.
    fn best_two(&mut self, mentee: u32) -> (i64, i64, (u32, u16)) {
        let cached = self.look_back[mentee as usize];
        if cached.epoch == self.epoch {
            let first = self.profit_at(cached.first);
            let second = self.profit_at(cached.second);
            let (high, low, choice) = if first >= second {
                (first, second, cached.first)
            } else {
                (second, first, cached.second)
            };
            if low >= cached.threshold {
                return (high, low, choice);
            }
        }

        let (mut best, mut second, mut third) = (i64::MIN, i64::MIN, i64::MIN);
        let (mut choice, mut runner_up) = ((NONE, 0), (NONE, 0));
        self.for_each_candidate(mentee, |mentor, score| {
            let profit = self.profit_at((mentor, score));
            if profit > best {
                (third, second, best) = (second, best, profit);
                runner_up = choice;
                choice = (mentor, score);
            } else if profit > second {
                (third, second) = (second, profit);
                runner_up = (mentor, score);
            } else if profit > third {
                third = profit;
            }
        });
        self.look_back[mentee as usize] = LookBack {
            epoch: self.epoch,
            first: choice,
            second: runner_up,
            threshold: third,
        };
        (best, second, choice)
    }

    // Profit at the mentor's cheapest place; i64::MIN for no mentor or no place.
    #[inline]
    fn profit_at(&self, (mentor, score): (u32, u16)) -> i64 {
        match self.places.cheapest.get(mentor as usize) {
            Some(&price) if price != UNPRICED => self.worth(score) - price,
            _ => i64::MIN,
        }
    }

    // Prices may have dropped (or options changed): no look-back can be trusted.
    fn forget_look_back(&mut self) {
        self.epoch = self.epoch.wrapping_add(1).max(1);
    }

    fn reverse_round(&mut self, epsilon: i64) {
        self.forget_look_back();
        self.profit_floor = self
            .mentees
            .iter()
            .map(|mentee| mentee.profit)
            .min()
            .unwrap_or(0);
        let mut empty: Vec<u32> = Vec::new();
        for mentor in 0..self.places.capacity.len() as u32 {
            for seat in self.places.seats(mentor) {
                if self.places.holder[seat] == NONE && self.places.price[seat] > 0 {
                    empty.push(seat as u32);
                }
            }
        }
        while let Some(seat) = empty.pop() {
            if self.work_left <= 0 {
                return;
            }
            let seat = seat as usize;
            if self.places.holder[seat] != NONE || self.places.price[seat] <= 0 {
                continue;
            }
            if let Some(vacated) = self.reverse_bid(seat, epsilon) {
                empty.push(vacated);
            }
        }
    }

    // An empty place with a price looks for the mentee who gains most by moving in. Returns
    // the place that mentee left, if it still has a price to settle.
    fn reverse_bid(&mut self, seat: usize, epsilon: i64) -> Option<u32> {
        let mentor = (seat / SEATS) as u32;
        let mut best = i64::MIN;
        let mut second = i64::MIN;
        let mut choice = (NONE, 0);
        let mut visited = 1;
        // No mentee waits during reverse steps, and pinned ones carry PINNED_PROFIT. The
        // list runs best score first: once even the lowest profit leaves a gain no higher
        // than the second best (or ε, under which the price is zero anyway), the rest of
        // the list cannot change the outcome.
        self.scan_interested(mentor, |mentee, score| {
            let worth = self.worth(score);
            if worth - self.profit_floor <= second.max(epsilon) {
                return false;
            }
            visited += 1;
            let gain = worth - self.mentees[mentee as usize].profit;
            if gain > best {
                second = best;
                best = gain;
                choice = (mentee, score);
            } else if gain > second {
                second = gain;
            }
            true
        });
        self.work_left -= visited;

        let (mentee, score) = choice;
        if mentee == NONE || best <= epsilon {
            self.places.lower_price(seat, 0);
            return None;
        }
        let price = second.saturating_sub(epsilon).max(0);
        let left = self.mentees[mentee as usize].place;
        if left < OPTED_OUT {
            // The place keeps its price: the mentor's cheapest place stays as it was.
            self.places.holder[left as usize] = NONE;
        }
        self.places.lower_price(seat, price);
        self.hold(mentee, seat, price, score);
        (left < OPTED_OUT && self.places.price[left as usize] > 0).then_some(left)
    }

    // The mentee takes the place at its (already set) price.
    fn hold(&mut self, mentee: u32, seat: usize, price: i64, score: u16) {
        let profit = self.worth(score) - price;
        self.places.holder[seat] = mentee;
        self.mentees[mentee as usize] = MenteeState {
            profit,
            place: seat as u32,
            score,
        };
        self.profit_floor = self.profit_floor.min(profit);
    }

    // Returns the mentee to the pool; its place keeps its price until the reverse step.
    fn release(&mut self, mentee: u32) {
        let place = self.mentees[mentee as usize].place;
        if place < OPTED_OUT {
            self.places.holder[place as usize] = NONE;
        }
        if place != NONE {
            self.mentees[mentee as usize].place = NONE;
            self.bidders.push(mentee);
        }
    }

    fn unpin(&mut self, mentee: u32) {
        let edge = self.rules.pinned_edge[mentee as usize] as usize;
        let mentor = self.instance.edge_at(edge).0;
        self.rules.pinned_edge[mentee as usize] = NONE;
        self.rules.free_capacity[mentor as usize] += 1;
        self.mentees[mentee as usize].place = NONE;
        self.bidders.push(mentee);
        let capacity = self.places.capacity[mentor as usize] + 1;
        self.grow(mentor, capacity.min(MAX_CAPACITY));
    }

    // Removes the cheapest places first; their holders return to the pool. Removing an
    // option never puts anyone else outside ε.
    fn shrink(&mut self, mentor: u32, capacity: u8) {
        self.forget_look_back();
        while self.places.capacity[mentor as usize] > capacity {
            let seat = self.places.cheapest_seat(mentor);
            let last = self.places.seats(mentor).end - 1;
            let holder = self.places.holder[seat];
            if holder != NONE {
                self.release(holder);
            }
            self.places.swap(seat, last);
            let moved = self.places.holder[seat];
            if moved != NONE {
                self.mentees[moved as usize].place = seat as u32;
            }
            self.places.holder[last] = NONE;
            self.places.price[last] = 0;
            self.places.capacity[mentor as usize] -= 1;
            self.places.refresh(mentor);
        }
    }

    // New places start free, which may put interested mentees outside ε: they bid again.
    fn grow(&mut self, mentor: u32, capacity: u8) {
        self.forget_look_back();
        while self.places.capacity[mentor as usize] < capacity {
            let seat = self.places.seats(mentor).end;
            self.places.holder[seat] = NONE;
            self.places.price[seat] = 0;
            self.places.capacity[mentor as usize] += 1;
        }
        self.places.refresh(mentor);
        let mut outside = Vec::new();
        self.for_each_interested(mentor, |mentee, score| {
            let place = self.mentees[mentee as usize].place;
            let profit = self.mentees[mentee as usize].profit;
            if place != NONE && profit != PINNED_PROFIT && self.worth(score) > profit + 1 {
                outside.push(mentee);
            }
        });
        for mentee in outside {
            self.release(mentee);
        }
    }

    fn matching(&self) -> Matching {
        Matching::from_assignment((0..self.instance.mentee_count()).map(|mentee| {
            let pinned = self.rules.pinned_edge[mentee];
            if pinned != NONE {
                return self.instance.edge_at(pinned as usize);
            }
            let place = self.mentees[mentee].place;
            if place < OPTED_OUT {
                (place / SEATS as u32, self.mentees[mentee].score)
            } else {
                (NONE, 0)
            }
        }))
    }

    fn mentor_of(&self, mentee: u32) -> Option<u32> {
        let place = self.mentees[mentee as usize].place;
        (place < OPTED_OUT).then_some(place / SEATS as u32)
    }

    fn pinned_mentor(&self, mentee: u32) -> Option<u32> {
        let edge = self.rules.pinned_edge[mentee as usize];
        (edge != NONE).then(|| self.instance.edge_at(edge as usize).0)
    }

    fn check_range(&self, mentee: u32, mentor: u32) -> Result<(), RuleError> {
        if mentee as usize >= self.instance.mentee_count()
            || mentor as usize >= self.places.capacity.len()
        {
            return Err(RuleError::OutOfRange { mentee, mentor });
        }
        Ok(())
    }

    #[inline]
    fn worth(&self, score: u16) -> i64 {
        (i64::from(score) + self.big) * self.scale
    }

    // Calls `visit(mentor, score)` for each allowed candidate of the mentee.
    #[inline]
    fn for_each_candidate(&self, mentee: u32, mut visit: impl FnMut(u32, u16)) {
        let range = self.instance.range(mentee);
        let entries = &self.instance.entries()[range.clone()];
        if self.rules.forbidden_pairs.is_empty() {
            entries.iter().for_each(|&entry| {
                let (mentor, score) = unpack(entry);
                visit(mentor, score);
            });
        } else {
            for (offset, &entry) in entries.iter().enumerate() {
                if !self.rules.forbidden_edges.contains(range.start + offset) {
                    let (mentor, score) = unpack(entry);
                    visit(mentor, score);
                }
            }
        }
        if !self.added.by_mentee.is_empty() {
            if let Some(list) = self.added.by_mentee.get(&mentee) {
                list.iter()
                    .for_each(|&(mentor, score)| visit(mentor, score));
            }
        }
    }

    // Whether `test(mentor, score)` holds for some allowed candidate of the mentee, in list
    // order, stopping at the first that does.
    #[inline]
    fn any_candidate(&self, mentee: u32, mut test: impl FnMut(u32, u16) -> bool) -> bool {
        let range = self.instance.range(mentee);
        let entries = &self.instance.entries()[range.clone()];
        let found = if self.rules.forbidden_pairs.is_empty() {
            entries.iter().any(|&entry| {
                let (mentor, score) = unpack(entry);
                test(mentor, score)
            })
        } else {
            entries.iter().enumerate().any(|(offset, &entry)| {
                let (mentor, score) = unpack(entry);
                !self.rules.forbidden_edges.contains(range.start + offset) && test(mentor, score)
            })
        };
        found
            || self
                .added
                .by_mentee
                .get(&mentee)
                .is_some_and(|list| list.iter().any(|&(mentor, score)| test(mentor, score)))
    }

    // Calls `visit(mentee, score)` for each mentee that may take this mentor, pinned and
    // waiting mentees included: callers tell them apart by their state.
    #[inline]
    fn for_each_interested(&self, mentor: u32, mut visit: impl FnMut(u32, u16)) {
        self.scan_interested(mentor, |mentee, score| {
            visit(mentee, score);
            true
        });
    }

    // Calls `visit(mentee, score)` for the mentees that may take this mentor, best score
    // first, until it returns false: the rest, scoring no higher, is skipped. An added
    // mentor's list has no order and is visited whole.
    #[inline]
    fn scan_interested(&self, mentor: u32, mut visit: impl FnMut(u32, u16) -> bool) {
        if !self.added.by_mentor.is_empty() {
            if let Some(list) = self.added.by_mentor.get(&mentor) {
                for &(mentee, score) in list {
                    visit(mentee, score);
                }
                return;
            }
        }
        for (mentee, score) in self.reverse.interested(mentor) {
            if (self.rules.forbidden_pairs.is_empty() || !self.rules.is_forbidden(mentee, mentor))
                && !visit(mentee, score)
            {
                break;
            }
        }
    }
}

// What `best_two` remembers of a mentee's last full scan: its two best options and the
// third-best profit. Prices only rise between two `forget_look_back` calls, so other
// options can only get worse than that threshold.
#[derive(Clone, Copy, Debug)]
struct LookBack {
    epoch: u32,
    first: (u32, u16),
    second: (u32, u16),
    threshold: i64,
}

impl Default for LookBack {
    fn default() -> Self {
        Self {
            epoch: 0,
            first: (NONE, 0),
            second: (NONE, 0),
            threshold: i64::MAX,
        }
    }
}

// Places of every mentor, `SEATS` slots each of which the first `capacity` are open.
#[derive(Debug)]
struct Places {
    capacity: Vec<u8>,
    price: Vec<i64>,
    holder: Vec<u32>,
    // The cheapest open place of each mentor and the second-cheapest price, cached because
    // every bid reads them for every candidate.
    cheapest: Vec<i64>,
    cheapest_seat: Vec<u8>,
    second: Vec<i64>,
}

impl Places {
    fn new(capacities: &[u8]) -> Self {
        let mentors = capacities.len();
        let mut places = Self {
            capacity: capacities.to_vec(),
            price: vec![0; mentors * SEATS],
            holder: vec![NONE; mentors * SEATS],
            cheapest: vec![0; mentors],
            cheapest_seat: vec![0; mentors],
            second: vec![0; mentors],
        };
        for mentor in 0..mentors as u32 {
            places.refresh(mentor);
        }
        places
    }

    fn add_mentor(&mut self) {
        self.capacity.push(0);
        self.price.extend([0; SEATS]);
        self.holder.extend([NONE; SEATS]);
        self.cheapest.push(UNPRICED);
        self.cheapest_seat.push(0);
        self.second.push(UNPRICED);
    }

    fn seats(&self, mentor: u32) -> std::ops::Range<usize> {
        let start = mentor as usize * SEATS;
        start..start + usize::from(self.capacity[mentor as usize])
    }

    fn cheapest_seat(&self, mentor: u32) -> usize {
        mentor as usize * SEATS + usize::from(self.cheapest_seat[mentor as usize])
    }

    fn swap(&mut self, a: usize, b: usize) {
        self.price.swap(a, b);
        self.holder.swap(a, b);
    }

    // Sets the price of the mentor's cheapest place, which a bid raises. While it stays no
    // dearer than the next place, that place stays the cheapest, with no scan.
    fn raise_cheapest(&mut self, mentor: u32, price: i64) {
        let j = mentor as usize;
        let seat = self.cheapest_seat(mentor);
        self.price[seat] = price;
        if price <= self.second[j] {
            self.cheapest[j] = price;
        } else {
            self.refresh(mentor);
        }
    }

    // Sets the price of a place, which a reverse step lowers, keeping the cheapest place and
    // the second price without a scan.
    fn lower_price(&mut self, seat: usize, price: i64) {
        let mentor = (seat / SEATS) as u32;
        let j = mentor as usize;
        if price > self.price[seat] {
            self.price[seat] = price;
            self.refresh(mentor);
        } else if seat == self.cheapest_seat(mentor) {
            self.price[seat] = price;
            self.cheapest[j] = price;
        } else if price < self.cheapest[j] {
            self.price[seat] = price;
            self.second[j] = self.cheapest[j];
            self.cheapest[j] = price;
            self.cheapest_seat[j] = (seat % SEATS) as u8;
        } else {
            self.price[seat] = price;
            self.second[j] = self.second[j].min(price);
        }
    }

    fn refresh(&mut self, mentor: u32) {
        let (mut first, mut second, mut first_seat) = (UNPRICED, UNPRICED, 0);
        let start = mentor as usize * SEATS;
        for (offset, &price) in self.price[self.seats(mentor)].iter().enumerate() {
            if price < first {
                second = first;
                first = price;
                first_seat = offset;
            } else if price < second {
                second = price;
            }
        }
        debug_assert!(first_seat < SEATS && start + first_seat < self.price.len());
        let j = mentor as usize;
        self.cheapest[j] = first;
        self.second[j] = second;
        self.cheapest_seat[j] = first_seat as u8;
    }
}

// What the solver knows of a mentee, in 16 bytes: a bid reads and writes it at once.
#[derive(Clone, Copy, Debug)]
struct MenteeState {
    // Worth minus the place's price, fixed while the place is held.
    profit: i64,
    // The held place, OPTED_OUT (unmatched by choice, or pinned), or NONE (waiting to bid).
    place: u32,
    score: u16,
}

impl MenteeState {
    const WAITING: Self = Self {
        profit: 0,
        place: NONE,
        score: 0,
    };
}

// The candidates grouped by mentor, for reverse steps, each mentor's best score first (then
// by mentee): entries packed like the instance's, with the mentee's index, so that sorting
// them sorts a list.
#[derive(Debug)]
struct ReverseIndex {
    offsets: Vec<u32>,
    entries: Vec<u32>,
}

impl ReverseIndex {
    fn new(instance: &Instance) -> Self {
        let mut offsets = vec![0u32; instance.mentor_count() + 1];
        for &entry in instance.entries() {
            offsets[unpack(entry).0 as usize + 1] += 1;
        }
        for j in 0..instance.mentor_count() {
            offsets[j + 1] += offsets[j];
        }
        let mut fill = offsets.clone();
        let mut entries = vec![0u32; instance.candidate_count()];
        for mentee in 0..instance.mentee_count() as u32 {
            for &entry in &instance.entries()[instance.range(mentee)] {
                let (mentor, score) = unpack(entry);
                let slot = &mut fill[mentor as usize];
                entries[*slot as usize] = pack(mentee, score);
                *slot += 1;
            }
        }
        for mentor in 0..instance.mentor_count() {
            entries[offsets[mentor] as usize..offsets[mentor + 1] as usize].sort_unstable();
        }
        Self { offsets, entries }
    }

    fn range(&self, mentor: u32) -> std::ops::Range<usize> {
        let j = mentor as usize;
        match (self.offsets.get(j), self.offsets.get(j + 1)) {
            (Some(&start), Some(&end)) => start as usize..end as usize,
            _ => 0..0,
        }
    }

    // The mentor's mentees and their scores, best score first.
    fn interested(&self, mentor: u32) -> impl Iterator<Item = (u32, u16)> + '_ {
        self.entries[self.range(mentor)]
            .iter()
            .map(|&entry| unpack(entry))
    }
}

// Candidates of mentors added after the instance was built.
#[derive(Debug, Default)]
struct AddedMentors {
    by_mentee: HashMap<u32, Vec<(u32, u16)>>,
    by_mentor: HashMap<u32, Vec<(u32, u16)>>,
}

impl AddedMentors {
    fn add(&mut self, mentor: u32, candidates: &[(u32, u16)]) {
        for &(mentee, score) in candidates {
            let score = score.min(MAX_SCORE);
            self.by_mentee
                .entry(mentee)
                .or_default()
                .push((mentor, score));
            self.by_mentor
                .entry(mentor)
                .or_default()
                .push((mentee, score));
        }
    }

    fn remove(&mut self, mentee: u32, mentor: u32) {
        if let Some(list) = self.by_mentee.get_mut(&mentee) {
            list.retain(|&(m, _)| m != mentor);
        }
        if let Some(list) = self.by_mentor.get_mut(&mentor) {
            list.retain(|&(m, _)| m != mentee);
        }
    }
}
