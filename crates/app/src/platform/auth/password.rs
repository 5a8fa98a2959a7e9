//! Password rules and hashing.
//!
//! Length is the rule that matters (at least 12 characters, at most 128), with no
//! composition rules, and a list of passwords people really use is refused. Hashes are
//! argon2id with the OWASP minimum parameters (19 MiB, two passes, one lane).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Fewer characters than this are refused.
pub const MIN_LENGTH: usize = 12;
/// More characters than this are refused, to bound the hashing work per request.
pub const MAX_LENGTH: usize = 128;

const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

/// Why a new password is refused, worded for the person choosing it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PasswordProblem {
    /// Shorter than [`MIN_LENGTH`].
    TooShort,
    /// Longer than [`MAX_LENGTH`].
    TooLong,
    /// On the list of common passwords, or one character repeated.
    TooCommon,
    /// Contains the person's own email name.
    ContainsEmail,
}

impl PasswordProblem {
    /// The message shown next to the password field.
    pub fn message(self) -> &'static str {
        match self {
            PasswordProblem::TooShort => "Use at least 12 characters. A short phrase works well.",
            PasswordProblem::TooLong => "Use at most 128 characters.",
            PasswordProblem::TooCommon => {
                "This password is one people often use, so it is easy to guess. Choose another."
            }
            PasswordProblem::ContainsEmail => "Do not use your email address in your password.",
        }
    }
}

/// Checks a new password against the rules.
pub fn check_new(password: &str, email: &str) -> Result<(), PasswordProblem> {
    let length = password.chars().count();
    if length < MIN_LENGTH {
        return Err(PasswordProblem::TooShort);
    }
    if length > MAX_LENGTH {
        return Err(PasswordProblem::TooLong);
    }

    let lowered = password.to_lowercase();
    let mut chars = lowered.chars();
    let first = chars.next();
    let one_repeated_char = chars.all(|c| Some(c) == first);
    if one_repeated_char || COMMON_PASSWORDS.lines().any(|common| common == lowered) {
        return Err(PasswordProblem::TooCommon);
    }

    let local_part = email.split('@').next().unwrap_or_default().to_lowercase();
    if local_part.len() >= 4 && lowered.contains(&local_part) {
        return Err(PasswordProblem::ContainsEmail);
    }
    Ok(())
}

/// Hashes a password with argon2id and a fresh salt. Slow on purpose: call it off the
/// async executor (see [`hash_blocking`]).
pub fn hash(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))?;
    Ok(hash.to_string())
}

/// Whether a password matches a stored hash. A malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// [`hash`] on the blocking thread pool.
pub async fn hash_blocking(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash(&password)).await?
}

/// [`verify`] on the blocking thread pool. Without a stored hash, a dummy hash is checked
/// so that unknown accounts take as long to refuse as known ones.
pub async fn verify_blocking(password: String, stored: Option<String>) -> bool {
    let known = stored.is_some();
    let stored = stored.unwrap_or_else(|| DUMMY_HASH.to_owned());
    let matched = tokio::task::spawn_blocking(move || verify(&password, &stored)).await;
    known && matched.unwrap_or(false)
}

/// A well-formed argon2id hash, with the default parameters, that no known password matches.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXk$\
    N3lbLFHH4cmh6hHn1x+k0sdxTXIp6/9ud8NSIQ7Izr4";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_uncommon_passphrase_is_accepted() {
        assert_eq!(
            check_new("lantern quietly reshelving", "ana@example.org"),
            Ok(())
        );
    }

    #[test]
    fn short_long_common_and_personal_passwords_are_refused() {
        let cases = [
            ("eleven char", PasswordProblem::TooShort),
            (&"x".repeat(129), PasswordProblem::TooLong),
            ("aaaaaaaaaaaaaaaa", PasswordProblem::TooCommon),
            ("PASSWORD1234", PasswordProblem::TooCommon),
            ("my name is ana.reyes!", PasswordProblem::ContainsEmail),
        ];
        for (password, problem) in cases {
            assert_eq!(
                check_new(password, "ana.reyes@example.org"),
                Err(problem),
                "{password}"
            );
        }
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("lantern quietly reshelving").expect("hash");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("lantern quietly reshelving", &stored));
        assert!(!verify("lantern quietly reshelvinG", &stored));
        assert!(!verify("anything", "not a hash"));
    }

    #[test]
    fn the_dummy_hash_is_well_formed() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }
}
