//! Messages for form fields, kept beside what the person typed.

use std::collections::BTreeMap;

/// Problems found in a submitted form, by field name, in the order fields appear.
#[derive(Clone, Debug, Default)]
pub struct FieldErrors {
    messages: BTreeMap<usize, (&'static str, String)>,
}

impl FieldErrors {
    /// No problems yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a problem with a field; the first problem of a field wins.
    pub fn add(&mut self, field: &'static str, message: impl Into<String>) {
        if self.get(field).is_none() {
            let order = self.messages.len();
            self.messages.insert(order, (field, message.into()));
        }
    }

    /// The message for a field, or an empty string (templates test `is_empty`).
    pub fn get(&self, field: &str) -> Option<&str> {
        self.messages
            .values()
            .find(|(name, _)| *name == field)
            .map(|(_, m)| m.as_str())
    }

    /// The message for a field, empty when the field is fine.
    pub fn message(&self, field: &str) -> &str {
        self.get(field).unwrap_or("")
    }

    /// Whether the form has no problems.
    pub fn is_empty(&self) -> bool {
        self.messages.is_empty()
    }

    /// Every problem, in order, for the summary at the top of the form.
    pub fn all(&self) -> Vec<(&'static str, &str)> {
        self.messages
            .values()
            .map(|(field, m)| (*field, m.as_str()))
            .collect()
    }

    /// Returns `Ok(())` when empty, or the errors themselves.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self)
        }
    }
}

/// Trims a text field and checks its length in characters.
pub fn text(
    errors: &mut FieldErrors,
    field: &'static str,
    value: &str,
    required: bool,
    max_chars: usize,
) -> String {
    let trimmed = value.trim().to_owned();
    if required && trimmed.is_empty() {
        errors.add(field, "This field is required.");
    } else if trimmed.chars().count() > max_chars {
        errors.add(field, format!("Use at most {max_chars} characters."));
    } else if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        errors.add(field, "Remove the control characters from this field.");
    }
    trimmed
}

/// Checks and normalizes an email address: trimmed, lowercased, one `@`, a dotted domain.
pub fn email(errors: &mut FieldErrors, field: &'static str, value: &str) -> String {
    let normalized = value.trim().to_lowercase();
    if normalized.is_empty() {
        errors.add(field, "Enter your email address.");
    } else if !is_plausible_email(&normalized) {
        errors.add(field, "Enter an email address like name@library.org.");
    }
    normalized
}

fn is_plausible_email(address: &str) -> bool {
    if address.len() > 254 || address.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return false;
    }
    let Some((local, domain)) = address.split_once('@') else {
        return false;
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
    !local.is_empty() && local.len() <= 64 && !local.contains(['<', '>', '"', ',']) && domain_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalized_and_checked() {
        let cases = [
            ("  Ana.Reyes@Library.ORG ", true),
            ("ana@library", false),
            ("ana@@library.org", false),
            ("@library.org", false),
            ("ana reyes@library.org", false),
            ("ana@library..org", false),
            ("<script>@x.org", false),
        ];
        for (input, ok) in cases {
            let mut errors = FieldErrors::new();
            let normalized = email(&mut errors, "email", input);
            assert_eq!(errors.is_empty(), ok, "{input}");
            if ok {
                assert_eq!(normalized, "ana.reyes@library.org");
            }
        }
    }

    #[test]
    fn text_fields_are_trimmed_and_bounded() {
        let mut errors = FieldErrors::new();
        assert_eq!(text(&mut errors, "name", "  Ana  ", true, 10), "Ana");
        assert!(errors.is_empty());
        text(&mut errors, "name", "   ", true, 10);
        text(&mut errors, "position", &"é".repeat(11), false, 10);
        assert_eq!(errors.message("name"), "This field is required.");
        assert_eq!(errors.message("position"), "Use at most 10 characters.");
        assert_eq!(errors.all().len(), 2);
    }
}
