//! The stable solver: mentee-proposing deferred acceptance with capacities.

use crate::instance::{unpack, Instance, MAX_CAPACITY};
use crate::matching::{mentor_key, Matching};
use crate::rules::{Resolved, RuleError, Rules, NONE};

const SEATS: usize = MAX_CAPACITY as usize;

/// Proposes the mentee-optimal stable matching.
///
/// Each mentee proposes to the mentors of its list in order (best score first). A mentor
/// holds the best proposals it has received up to its capacity, preferring higher scores and
/// then lower mentee indices, and releases the worst held mentee when a better proposal
/// arrives; the released mentee proposes on down its list. With these strict preferences the
/// result does not depend on the order in which mentees propose: it is the unique stable
/// matching that every mentee likes at least as much as any other stable matching.
///
/// Pinned mentees keep their pinned mentor and take one of its places first; forbidden pairs
/// are skipped. Runs in O(candidates) time (each candidate is proposed along at most once,
/// and a mentor compares against at most five held proposals) and O(mentees + mentors)
/// memory besides the instance. Deterministic.
///
/// ```
/// use carrel_matching::instance::InstanceBuilder;
/// use carrel_matching::rules::Rules;
/// use carrel_matching::stable::solve_stable;
///
/// let mut builder = InstanceBuilder::new(2)?;
/// let mentor = builder.add_mentor(1)?;
/// builder.push(0, mentor, 700)?;
/// builder.push(1, mentor, 900)?;
/// let instance = builder.build();
///
/// let matching = solve_stable(&instance, &Rules::new())?;
/// assert_eq!(matching.mentor_of(1), Some(mentor));
/// assert_eq!(matching.mentor_of(0), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn solve_stable(instance: &Instance, rules: &Rules) -> Result<Matching, RuleError> {
    let resolved = rules.resolve(instance)?;
    let mut seats = Seats::new(instance.mentor_count());
    let mut next: Vec<u32> = instance.offsets()[..instance.mentee_count()].to_vec();

    for mentee in 0..instance.mentee_count() as u32 {
        if !resolved.is_pinned(mentee) {
            propose_until_held(instance, &resolved, &mut seats, &mut next, mentee);
        }
    }

    Ok(collect(instance, &resolved, &seats))
}

// Mentors' held proposals as mentor keys, `SEATS` per mentor.
struct Seats {
    keys: Vec<u64>,
    held: Vec<u8>,
}

impl Seats {
    fn new(mentors: usize) -> Self {
        Self {
            keys: vec![0; mentors * SEATS],
            held: vec![0; mentors],
        }
    }
}

// Runs the chain of proposals that starts with `mentee`: each accepted proposal may release
// another mentee, who then proposes in turn, until someone is held without releasing
// anybody or runs out of mentors.
fn propose_until_held(
    instance: &Instance,
    resolved: &Resolved,
    seats: &mut Seats,
    next: &mut [u32],
    mentee: u32,
) {
    let offsets = instance.offsets();
    let entries = instance.entries();
    let mut proposer = mentee;
    'chain: loop {
        let end = offsets[proposer as usize + 1] as usize;
        let mut edge = next[proposer as usize] as usize;
        while edge < end {
            let current = edge;
            edge += 1;
            if resolved.forbidden_edges.contains(current) {
                continue;
            }
            let (mentor, score) = unpack(entries[current]);
            let mentor = mentor as usize;
            let capacity = usize::from(resolved.free_capacity[mentor]);
            let key = mentor_key(score, proposer);
            let held = usize::from(seats.held[mentor]);
            let keys = &mut seats.keys[mentor * SEATS..mentor * SEATS + capacity];
            if held < capacity {
                keys[held] = key;
                seats.held[mentor] += 1;
                next[proposer as usize] = edge as u32;
                return;
            }
            let Some((worst_seat, &worst)) = keys.iter().enumerate().min_by_key(|(_, &k)| k) else {
                continue;
            };
            if key > worst {
                keys[worst_seat] = key;
                next[proposer as usize] = edge as u32;
                proposer = u32::MAX - (worst as u32);
                continue 'chain;
            }
        }
        next[proposer as usize] = end as u32;
        return;
    }
}

fn collect(instance: &Instance, resolved: &Resolved, seats: &Seats) -> Matching {
    let mut assignment = vec![(NONE, 0u16); instance.mentee_count()];
    for (mentor, &held) in seats.held.iter().enumerate() {
        for &key in &seats.keys[mentor * SEATS..mentor * SEATS + usize::from(held)] {
            let mentee = u32::MAX - (key as u32);
            assignment[mentee as usize] = (mentor as u32, (key >> 32) as u16);
        }
    }
    for (mentee, &edge) in resolved.pinned_edge.iter().enumerate() {
        if edge != NONE {
            let edge = edge as usize;
            assignment[mentee] = instance.edge_at(edge);
        }
    }
    Matching::from_assignment(assignment.into_iter())
}
