//! Property tests: both solvers against brute force and a naive reference, on small
//! random instances, with pins and forbids.
#![allow(clippy::unwrap_used)]

use carrel_matching::instance::{Instance, InstanceBuilder};
use carrel_matching::matching::{Matching, Report};
use carrel_matching::optimal::OptimalSolver;
use carrel_matching::rules::Rules;
use carrel_matching::stable::solve_stable;
use proptest::prelude::*;

type Shape = (Vec<u8>, Vec<Vec<(u32, u16)>>);

// A small instance: capacities, and per mentee a list of (mentor, score).
fn instance_strategy() -> impl Strategy<Value = Shape> {
    shaped(1..=4, 1..=7, 1..=2, 5)
}

// Instances of a given shape: mentor and mentee counts, capacities, scores up to `top`.
fn shaped(
    mentors: std::ops::RangeInclusive<usize>,
    mentees: std::ops::RangeInclusive<usize>,
    capacity: std::ops::RangeInclusive<u8>,
    top: u16,
) -> impl Strategy<Value = Shape> {
    (mentors, mentees).prop_flat_map(move |(mentors, mentees)| {
        let capacities = proptest::collection::vec(capacity.clone(), mentors);
        let list = proptest::collection::btree_map(0..mentors as u32, 0u16..=top, 0..=mentors);
        let lists = proptest::collection::vec(list, mentees)
            .prop_map(|lists| lists.into_iter().map(|l| l.into_iter().collect()).collect());
        (capacities, lists)
    })
}

// Far more places than mentees (where every empty place must end free), or far fewer,
// with scores on the real scale or in a narrow range that makes ties common.
fn lopsided_strategy() -> impl Strategy<Value = Shape> {
    prop_oneof![
        shaped(3..=7, 1..=4, 1..=3, 1000),
        shaped(3..=7, 1..=4, 1..=3, 3),
        shaped(1..=3, 4..=8, 1..=2, 1000),
        shaped(1..=3, 4..=8, 1..=2, 3),
    ]
}

fn build(capacities: &[u8], lists: &[Vec<(u32, u16)>]) -> Instance {
    let mut builder = InstanceBuilder::new(lists.len()).unwrap();
    for &capacity in capacities {
        builder.add_mentor(capacity).unwrap();
    }
    for (mentee, list) in lists.iter().enumerate() {
        builder.add_candidates(mentee as u32, list).unwrap();
    }
    builder.build()
}

// The lexicographic optimum by trying every assignment.
fn brute_force(instance: &Instance, rules: &Rules) -> (usize, u64) {
    fn go(
        instance: &Instance,
        rules: &Rules,
        mentee: u32,
        load: &mut Vec<u8>,
        matched: usize,
        total: u64,
    ) -> (usize, u64) {
        if mentee as usize == instance.mentee_count() {
            return (matched, total);
        }
        let pinned = rules
            .pinned()
            .iter()
            .find(|(m, _)| *m == mentee)
            .map(|&(_, j)| j);
        let mut best = (0, 0);
        if pinned.is_none() {
            best = go(instance, rules, mentee + 1, load, matched, total);
        }
        for candidate in instance.candidates(mentee) {
            let j = candidate.mentor as usize;
            let forbidden = rules.forbidden().contains(&(mentee, candidate.mentor));
            if forbidden || pinned.is_some_and(|p| p != candidate.mentor) {
                continue;
            }
            if load[j] < instance.capacities()[j] {
                load[j] += 1;
                let option = go(
                    instance,
                    rules,
                    mentee + 1,
                    load,
                    matched + 1,
                    total + u64::from(candidate.score),
                );
                best = best.max(option);
                load[j] -= 1;
            }
        }
        best
    }
    go(
        instance,
        rules,
        0,
        &mut vec![0; instance.mentor_count()],
        0,
        0,
    )
}

// Deferred acceptance written the textbook way, round by round, as a reference.
fn reference_stable(instance: &Instance, rules: &Rules) -> Vec<Option<u32>> {
    let n = instance.mentee_count();
    let mut capacity: Vec<usize> = instance
        .capacities()
        .iter()
        .map(|&c| usize::from(c))
        .collect();
    let mut result = vec![None; n];
    for &(mentee, mentor) in rules.pinned() {
        result[mentee as usize] = Some(mentor);
        capacity[mentor as usize] -= 1;
    }
    let lists: Vec<Vec<(u32, u16)>> = (0..n as u32)
        .map(|i| {
            instance
                .candidates(i)
                .filter(|c| !rules.forbidden().contains(&(i, c.mentor)))
                .map(|c| (c.mentor, c.score))
                .collect()
        })
        .collect();
    let mut next = vec![0usize; n];
    let mut held: Vec<Vec<(u16, u32)>> = vec![Vec::new(); instance.mentor_count()];
    loop {
        let mut proposed = false;
        for i in 0..n {
            let pinned = rules.pinned().iter().any(|(m, _)| *m as usize == i);
            let holding = held.iter().any(|h| h.iter().any(|&(_, m)| m as usize == i));
            if pinned || holding || next[i] >= lists[i].len() {
                continue;
            }
            let (mentor, score) = lists[i][next[i]];
            next[i] += 1;
            proposed = true;
            let seats = &mut held[mentor as usize];
            seats.push((score, i as u32));
            // Mentors keep the highest scores, then the lowest mentee ids.
            seats.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            seats.truncate(capacity[mentor as usize]);
        }
        if !proposed {
            break;
        }
    }
    for (mentor, seats) in held.iter().enumerate() {
        for &(_, mentee) in seats {
            result[mentee as usize] = Some(mentor as u32);
        }
    }
    result
}

fn respects(instance: &Instance, rules: &Rules, matching: &Matching) -> bool {
    let mut load = vec![0u8; instance.mentor_count()];
    for (mentee, mentor, score) in matching.pairs() {
        load[mentor as usize] += 1;
        if instance.score(mentee, mentor) != Some(score)
            || rules.forbidden().contains(&(mentee, mentor))
        {
            return false;
        }
    }
    let pins_hold = rules
        .pinned()
        .iter()
        .all(|&(m, j)| matching.mentor_of(m) == Some(j));
    pins_hold && load.iter().zip(instance.capacities()).all(|(l, c)| l <= c)
}

// Random pins (first candidate of some mentees, within capacity) and forbids.
fn rules_for(instance: &Instance, seed: u64) -> Rules {
    let mut rules = Rules::new();
    let mut room: Vec<u8> = instance.capacities().to_vec();
    for mentee in 0..instance.mentee_count() as u32 {
        let roll = (seed >> (mentee % 16 * 4)) & 0xf;
        let Some(first) = instance.candidates(mentee).next() else {
            continue;
        };
        if roll == 0 && room[first.mentor as usize] > 0 {
            room[first.mentor as usize] -= 1;
            rules = rules.pin(mentee, first.mentor);
        } else if roll == 1 {
            rules = rules.forbid(mentee, first.mentor);
        }
    }
    rules
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn optimal_equals_brute_force(
        (capacities, lists) in instance_strategy(),
        seed in any::<u64>(),
    ) {
        let instance = build(&capacities, &lists);
        let rules = rules_for(&instance, seed);
        let mut solver = OptimalSolver::new(&instance, &rules).unwrap();
        let matching = solver.solve();
        let expected = brute_force(&instance, &rules);
        prop_assert_eq!((matching.matched(), matching.total_score()), expected);
        prop_assert!(respects(&instance, &rules, &matching));
        prop_assert!(solver.verify());
    }

    #[test]
    fn optimal_equals_brute_force_when_places_and_mentees_differ_widely(
        (capacities, lists) in lopsided_strategy(),
        seed in any::<u64>(),
    ) {
        let instance = build(&capacities, &lists);
        let rules = rules_for(&instance, seed);
        let mut solver = OptimalSolver::new(&instance, &rules).unwrap();
        let matching = solver.solve();
        let expected = brute_force(&instance, &rules);
        prop_assert_eq!((matching.matched(), matching.total_score()), expected);
        prop_assert!(respects(&instance, &rules, &matching));
        prop_assert!(solver.verify());
    }

    #[test]
    fn resolving_lopsided_markets_after_declines_equals_brute_force(
        (capacities, lists) in lopsided_strategy(),
        seed in any::<u64>(),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
    ) {
        let instance = build(&capacities, &lists);
        let mut rules = rules_for(&instance, seed);
        let mut solver = OptimalSolver::new(&instance, &rules).unwrap();
        let first = solver.solve();
        let pinned: Vec<u32> = rules.pinned().iter().map(|&(m, _)| m).collect();
        let pairs: Vec<(u32, u32, u16)> =
            first.pairs().filter(|(m, _, _)| !pinned.contains(m)).collect();
        if !pairs.is_empty() {
            for pick in &picks {
                let (mentee, mentor, _) = pairs[pick.index(pairs.len())];
                solver.decline(mentee, mentor).unwrap();
                if !rules.forbidden().contains(&(mentee, mentor)) {
                    rules = rules.forbid(mentee, mentor);
                }
            }
        }
        let resolved = solver.solve();
        prop_assert!(solver.verify());
        prop_assert!(respects(&instance, &rules, &resolved));
        prop_assert_eq!(
            (resolved.matched(), resolved.total_score()),
            brute_force(&instance, &rules)
        );
    }

    #[test]
    fn stable_is_the_mentee_optimal_stable_matching(
        (capacities, lists) in instance_strategy(),
        seed in any::<u64>(),
    ) {
        let instance = build(&capacities, &lists);
        let rules = rules_for(&instance, seed);
        let matching = solve_stable(&instance, &rules).unwrap();
        let report = Report::new(&instance, &matching, &rules, None).unwrap();
        prop_assert_eq!(report.blocking_pairs, 0);
        prop_assert!(respects(&instance, &rules, &matching));
        let expected = reference_stable(&instance, &rules);
        let got: Vec<Option<u32>> =
            (0..instance.mentee_count() as u32).map(|m| matching.mentor_of(m)).collect();
        prop_assert_eq!(got, expected);
    }

    #[test]
    fn resolving_after_declines_equals_solving_from_scratch(
        (capacities, lists) in instance_strategy(),
        picks in proptest::collection::vec(any::<prop::sample::Index>(), 1..4),
        extra in 0u8..=3,
    ) {
        let instance = build(&capacities, &lists);
        let mut solver = OptimalSolver::new(&instance, &Rules::new()).unwrap();
        let first = solver.solve();
        let pairs: Vec<(u32, u32, u16)> = first.pairs().collect();
        let mut rules = Rules::new();
        if !pairs.is_empty() {
            for pick in &picks {
                let (mentee, mentor, _) = pairs[pick.index(pairs.len())];
                solver.decline(mentee, mentor).unwrap();
                rules = rules.forbid(mentee, mentor);
            }
        }
        solver.set_capacity(0, extra).unwrap();
        let resolved = solver.solve();
        prop_assert!(solver.verify());

        let mut scratch = OptimalSolver::new(&instance, &rules).unwrap();
        scratch.set_capacity(0, extra).unwrap();
        let expected = scratch.solve();
        prop_assert_eq!(
            (resolved.matched(), resolved.total_score()),
            (expected.matched(), expected.total_score())
        );
    }
}

// The lexicographic optimum by successive longest augmenting paths (Bellman-Ford on the
// residual network, each pair worth its score plus a bonus larger than any total score),
// a textbook method independent of the auction, for instances too big for brute force.
fn reference_optimum(instance: &Instance) -> (usize, u64) {
    let n = instance.mentee_count();
    let m = instance.mentor_count();
    let bonus = 1001 * n as i64 + 1;
    let mut mentor_of: Vec<Option<(usize, i64)>> = vec![None; n];
    let mut load = vec![0u8; m];
    loop {
        // Best gain of reaching each mentee (as the start or along a path) and each mentor.
        let mut at_mentee: Vec<Option<i64>> = (0..n)
            .map(|i| mentor_of[i].is_none().then_some(0))
            .collect();
        let mut at_mentor: Vec<Option<i64>> = vec![None; m];
        let mut from_mentee = vec![usize::MAX; m];
        let mut from_mentor = vec![usize::MAX; n];
        let mut changed = true;
        while changed {
            changed = false;
            for i in 0..n {
                let Some(gain) = at_mentee[i] else { continue };
                for c in instance.candidates(i as u32) {
                    let j = c.mentor as usize;
                    if mentor_of[i].map(|(held, _)| held) == Some(j) {
                        continue;
                    }
                    let value = gain + i64::from(c.score) + bonus;
                    if at_mentor[j].is_none_or(|v| value > v) {
                        at_mentor[j] = Some(value);
                        from_mentee[j] = i;
                        changed = true;
                    }
                }
            }
            for i in 0..n {
                if let Some((j, worth)) = mentor_of[i] {
                    if let Some(v) = at_mentor[j] {
                        let value = v - worth;
                        if at_mentee[i].is_none_or(|g| value > g) {
                            at_mentee[i] = Some(value);
                            from_mentor[i] = j;
                            changed = true;
                        }
                    }
                }
            }
        }
        let end = (0..m)
            .filter(|&j| load[j] < instance.capacities()[j])
            .filter_map(|j| at_mentor[j].map(|v| (v, j)))
            .max();
        let Some((gain, mut j)) = end.filter(|&(gain, _)| gain > 0) else {
            break;
        };
        let _ = gain;
        load[j] += 1;
        loop {
            let i = from_mentee[j];
            let score = i64::from(instance.score(i as u32, j as u32).unwrap_or(0));
            let previous = mentor_of[i];
            mentor_of[i] = Some((j, score + bonus));
            match previous {
                Some((held, _)) if from_mentor[i] == held => j = held,
                Some((held, _)) => {
                    load[held] -= 1;
                    break;
                }
                None => break,
            }
        }
    }
    let matched = mentor_of.iter().flatten().count();
    let total = mentor_of
        .iter()
        .flatten()
        .map(|&(_, worth)| (worth - bonus) as u64)
        .sum();
    (matched, total)
}

// A market of `mentees` and `mentors` with random capacities and lists of up to `list`
// mentors, scores in 0..=top.
fn random_market(seed: u64, mentees: usize, mentors: usize, list: usize, top: u16) -> Instance {
    let mut rng = carrel_matching::synthetic::SplitMix64::new(seed);
    let mut builder = InstanceBuilder::new(mentees).unwrap();
    for _ in 0..mentors {
        builder.add_mentor(1 + rng.below(3) as u8).unwrap();
    }
    for mentee in 0..mentees as u32 {
        let mut chosen: Vec<(u32, u16)> = Vec::new();
        for _ in 0..rng.below(list as u64 + 1) {
            let mentor = rng.below(mentors as u64) as u32;
            if chosen.iter().all(|&(j, _)| j != mentor) {
                chosen.push((mentor, rng.below(u64::from(top) + 1) as u16));
            }
        }
        builder.add_candidates(mentee, &chosen).unwrap();
    }
    builder.build()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn optimal_equals_augmenting_paths_on_medium_markets(
        seed in any::<u64>(),
        shape in 0usize..4,
        top in prop_oneof![Just(3u16), Just(1000u16)],
    ) {
        // Oversupplied, undersupplied, balanced, and oversupplied with short lists (some
        // mentees cannot all be placed although places are plentiful).
        let (mentees, mentors, list) = [(40, 70, 6), (70, 20, 6), (50, 25, 5), (40, 60, 2)][shape];
        let instance = random_market(seed, mentees, mentors, list, top);
        let mut solver = OptimalSolver::new(&instance, &Rules::new()).unwrap();
        let matching = solver.solve();
        prop_assert!(solver.verify());
        prop_assert_eq!(
            (matching.matched(), matching.total_score()),
            reference_optimum(&instance)
        );
    }
}
