//! The resource form: what an author types, and the checks before it is stored.

use crate::people::profile::Topic;
use crate::people::topics::Stage;
use crate::platform::web::forms::{self, FieldErrors};
use crate::resources::model::{Audience, Format, Kind, License, Visibility};

/// The longest title.
pub const MAX_TITLE: usize = 200;
/// The longest summary.
pub const MAX_SUMMARY: usize = 600;
/// The longest page body, in characters.
pub const MAX_BODY: usize = 50_000;
/// The longest link.
pub const MAX_URL: usize = 2_000;
/// A resource is tagged with at most this many topics.
pub const MAX_TOPICS: usize = 6;

/// The form as typed; every field is kept so nothing is lost when it is shown again.
#[derive(Clone, Debug, Default)]
pub struct ResourceForm {
    /// Kind code.
    pub kind: String,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body in Markdown.
    pub body: String,
    /// Link, for link resources.
    pub url: String,
    /// Audience code.
    pub audience: String,
    /// Format code.
    pub format: String,
    /// License code.
    pub license: String,
    /// Visibility code.
    pub visibility: String,
    /// Topic codes (checkboxes named `topic`).
    pub topics: Vec<String>,
    /// Stage codes (checkboxes named `stage`).
    pub stages: Vec<String>,
    /// Email addresses of co-authors, separated by commas, spaces or lines.
    pub co_authors: String,
}

impl ResourceForm {
    /// A new resource's form, with the usual choices made.
    pub fn new_resource() -> Self {
        ResourceForm {
            kind: Kind::Page.code().to_owned(),
            audience: Audience::Everyone.code().to_owned(),
            format: Format::Guide.code().to_owned(),
            license: License::CcBy.code().to_owned(),
            visibility: Visibility::Members.code().to_owned(),
            ..ResourceForm::default()
        }
    }

    /// Reads the submitted pairs; checkbox groups repeat their names.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut form = ResourceForm::default();
        for (key, value) in pairs {
            let slot = match key.as_str() {
                "topic" => {
                    form.topics.push(value);
                    continue;
                }
                "stage" => {
                    form.stages.push(value);
                    continue;
                }
                "kind" => &mut form.kind,
                "title" => &mut form.title,
                "summary" => &mut form.summary,
                "body" => &mut form.body,
                "url" => &mut form.url,
                "audience" => &mut form.audience,
                "format" => &mut form.format,
                "license" => &mut form.license,
                "visibility" => &mut form.visibility,
                "co_authors" => &mut form.co_authors,
                _ => continue,
            };
            *slot = value;
        }
        form
    }

    /// Whether a topic code is ticked.
    pub fn has_topic(&self, code: &str) -> bool {
        self.topics.iter().any(|t| t == code)
    }

    /// Whether a stage code is ticked.
    pub fn has_stage(&self, code: &str) -> bool {
        self.stages.iter().any(|s| s == code)
    }
}

/// A checked resource, ready to store.
#[derive(Clone, Debug)]
pub struct ValidResource {
    /// What it is made of.
    pub kind: Kind,
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Markdown body.
    pub body: String,
    /// Link (empty unless a link resource).
    pub url: String,
    /// Audience.
    pub audience: Audience,
    /// Format.
    pub format: Format,
    /// License.
    pub license: License,
    /// Visibility.
    pub visibility: Visibility,
    /// Topic ids.
    pub topic_ids: Vec<i64>,
    /// Stages.
    pub stages: Vec<Stage>,
    /// Co-authors besides the person who created the resource.
    pub co_author_ids: Vec<i64>,
}

/// At most this many co-authors.
pub const MAX_CO_AUTHORS: usize = 5;

/// The addresses typed as co-authors, lowercased, without repeats.
pub fn co_author_emails(text: &str) -> Vec<String> {
    let mut emails: Vec<String> = Vec::new();
    for email in text.split(|c: char| c == ',' || c == ';' || c.is_whitespace()) {
        let email = email.trim().to_lowercase();
        if !email.is_empty() && !emails.contains(&email) {
            emails.push(email);
        }
    }
    emails
}

/// Checks every field and collects each problem beside its field. `curators` are the
/// (email, id) of the curators among the typed co-authors, looked up beforehand.
pub fn validate(
    form: &ResourceForm,
    topics: &[Topic],
    curators: &[(String, i64)],
) -> Result<ValidResource, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = Kind::parse(&form.kind);
    if kind.is_none() {
        errors.add(
            "kind",
            "Choose what the resource is: a page, a link or a file.",
        );
    }
    let title = forms::text(&mut errors, "title", &form.title, true, MAX_TITLE);
    let summary = forms::text(&mut errors, "summary", &form.summary, true, MAX_SUMMARY);
    let body = forms::text(&mut errors, "body", &form.body, false, MAX_BODY);
    if let Some(problem) = active_content(&body) {
        errors.add("body", problem);
    }
    let url = match kind {
        Some(Kind::Link) => check_url(&mut errors, &form.url),
        _ => String::new(),
    };
    let audience = choice(&mut errors, "audience", Audience::parse(&form.audience));
    let format = choice(&mut errors, "format", Format::parse(&form.format));
    let license = License::parse(&form.license);
    if license.is_none() {
        errors.add("license", "Choose a license from the list.");
    }
    let visibility = choice(
        &mut errors,
        "visibility",
        Visibility::parse(&form.visibility),
    );
    let topic_ids = chosen_topics(&mut errors, &form.topics, topics);
    let stages = chosen_stages(&mut errors, &form.stages);
    let co_author_ids = chosen_co_authors(&mut errors, &form.co_authors, curators);

    match (kind, audience, format, license, visibility) {
        (Some(kind), Some(audience), Some(format), Some(license), Some(visibility))
            if errors.is_empty() =>
        {
            Ok(ValidResource {
                kind,
                title,
                summary,
                body,
                url,
                audience,
                format,
                license,
                visibility,
                topic_ids,
                stages,
                co_author_ids,
            })
        }
        _ => Err(errors),
    }
}

fn choice<T>(errors: &mut FieldErrors, field: &'static str, parsed: Option<T>) -> Option<T> {
    if parsed.is_none() {
        errors.add(field, "Choose one of the options.");
    }
    parsed
}

/// Pages are shown to many people: anything that could run in a reader's browser is
/// refused with a message, rather than silently removed, so the author knows.
pub fn active_content(body: &str) -> Option<&'static str> {
    let lower = body.to_lowercase();
    let tags = ["<script", "<iframe", "<object", "<embed", "<style", "<form"];
    if tags.iter().any(|tag| lower.contains(tag)) {
        return Some(
            "Remove the HTML script, frame, style or form: pages may use Markdown and basic \
             formatting only.",
        );
    }
    if lower.contains("javascript:") || lower.contains("vbscript:") || lower.contains("data:text") {
        return Some("Remove the script link: links must start with https://, http:// or mailto:.");
    }
    None
}

fn check_url(errors: &mut FieldErrors, value: &str) -> String {
    let url = value.trim().to_owned();
    if url.is_empty() {
        // A draft may lack its link; submitting for review asks for it.
        return url;
    }
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    let host = url
        .split("://")
        .nth(1)
        .unwrap_or("")
        .split(['/', '?', '#'])
        .next();
    let bad_char = url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '"');
    if url.chars().count() > MAX_URL {
        errors.add(
            "url",
            format!("Use a link of at most {MAX_URL} characters."),
        );
    } else if !scheme_ok || host.is_none_or(str::is_empty) || bad_char {
        errors.add("url", "Enter a web address that starts with https://");
    }
    url
}

fn chosen_topics(errors: &mut FieldErrors, codes: &[String], topics: &[Topic]) -> Vec<i64> {
    let mut ids = Vec::new();
    for code in codes {
        match topics.iter().find(|t| &t.code == code) {
            Some(topic) if !ids.contains(&topic.id) => ids.push(topic.id),
            Some(_) => {}
            None => errors.add("topics", "Choose topics from the list."),
        }
    }
    if ids.is_empty() {
        errors.add(
            "topics",
            "Choose at least one topic, so people can find the resource.",
        );
    } else if ids.len() > MAX_TOPICS {
        errors.add("topics", format!("Choose at most {MAX_TOPICS} topics."));
    }
    ids
}

fn chosen_co_authors(errors: &mut FieldErrors, text: &str, curators: &[(String, i64)]) -> Vec<i64> {
    let emails = co_author_emails(text);
    if emails.len() > MAX_CO_AUTHORS {
        errors.add(
            "co_authors",
            format!("Name at most {MAX_CO_AUTHORS} co-authors."),
        );
        return Vec::new();
    }
    let mut ids = Vec::new();
    for email in emails {
        match curators.iter().find(|(known, _)| *known == email) {
            Some((_, id)) => ids.push(*id),
            None => {
                errors.add(
                    "co_authors",
                    format!(
                        "No coordinator uses the address {email}. Co-authors must be \
                         coordinators or admins of the network."
                    ),
                );
            }
        }
    }
    ids
}

fn chosen_stages(errors: &mut FieldErrors, codes: &[String]) -> Vec<Stage> {
    let mut stages = Vec::new();
    for code in codes {
        match Stage::parse(code) {
            Some(stage) if !stages.contains(&stage) => stages.push(stage),
            Some(_) => {}
            None => errors.add("stages", "Choose career stages from the list."),
        }
    }
    stages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<Topic> {
        vec![Topic {
            id: 7,
            code: "leadership".into(),
            name: "Leadership".into(),
        }]
    }

    fn filled() -> ResourceForm {
        ResourceForm {
            title: "Running a first meeting".into(),
            summary: "What to cover when a pair first meets.".into(),
            body: "## Before\n\nRead the **agreement**.".into(),
            topics: vec!["leadership".into()],
            stages: vec!["early".into()],
            ..ResourceForm::new_resource()
        }
    }

    #[test]
    fn a_complete_form_is_valid() {
        let valid = validate(&filled(), &topics(), &[]).expect("a filled form is valid");
        assert_eq!(valid.topic_ids, [7]);
        assert_eq!(valid.stages, [Stage::Early]);
        assert_eq!(valid.license, License::CcBy);
    }

    #[test]
    fn each_bad_field_gets_its_own_message() {
        let form = ResourceForm {
            title: "  ".into(),
            license: "gpl-3.0".into(),
            body: "Hello <SCRIPT>alert(1)</script>".into(),
            topics: vec!["astrology".into()],
            stages: vec!["toddler".into()],
            ..filled()
        };
        let errors = validate(&form, &topics(), &[]).expect_err("every field is wrong");
        for field in ["title", "license", "body", "topics", "stages"] {
            assert!(errors.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn links_must_be_web_addresses() {
        let cases = [
            ("https://ala.org/guide", true),
            ("http://example.org", true),
            ("", true),
            ("javascript:alert(1)", false),
            ("ftp://example.org/x", false),
            ("https://", false),
            ("https://exa mple.org", false),
        ];
        for (url, ok) in cases {
            let form = ResourceForm {
                kind: "link".into(),
                url: url.into(),
                ..filled()
            };
            assert_eq!(validate(&form, &topics(), &[]).is_ok(), ok, "{url}");
        }
    }

    #[test]
    fn co_authors_must_be_known_curators() {
        let curators = [("ana@library.org".to_owned(), 4)];
        let form = ResourceForm {
            co_authors: "Ana@Library.org, ana@library.org\nbo@library.org".into(),
            ..filled()
        };
        let errors = validate(&form, &topics(), &curators).expect_err("bo is unknown");
        assert!(errors.message("co_authors").contains("bo@library.org"));
        let form = ResourceForm {
            co_authors: "ana@library.org".into(),
            ..filled()
        };
        let valid = validate(&form, &topics(), &curators).expect("ana is a curator");
        assert_eq!(valid.co_author_ids, [4]);
    }

    #[test]
    fn script_links_in_markdown_are_refused() {
        assert!(active_content("[click](javascript:alert(1))").is_some());
        assert!(active_content("<iframe src=x>").is_some());
        assert!(active_content("A [fine link](https://ala.org).").is_none());
    }
}
