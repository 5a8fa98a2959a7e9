//! The words of a resource and the rules of curation, without I/O.
//!
//! A resource has a working copy that its authors edit and a list of published versions
//! that readers see. Curation moves the working copy from draft to review; an approval
//! publishes it as the next version. A resource with a published version stays readable
//! while a revision of it is drafted or reviewed, until it is archived.

use chrono::{DateTime, Duration, Utc};

/// Declares a closed set of stored codes with their labels.
macro_rules! choices {
    (
        $(#[$doc:meta])*
        $name:ident {
            $($(#[$vdoc:meta])* $variant:ident = ($code:literal, $label:literal)),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every choice, in the order forms show them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored code.
            pub fn code(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            /// The words shown to people.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// Reads a stored or submitted code; `None` for anything else.
            pub fn parse(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|choice| choice.code() == code)
            }
        }
    };
}

choices! {
    /// What a resource is made of.
    Kind {
        /// A page written in Markdown.
        Page = ("page", "A page written here"),
        /// A link to something elsewhere.
        Link = ("link", "A link to another site"),
        /// An uploaded file.
        File = ("file", "An uploaded file"),
    }
}

choices! {
    /// What kind of help a resource gives, one of the search facets.
    Format {
        /// A guide.
        Guide = ("guide", "Guide"),
        /// A template to fill in.
        Template = ("template", "Template"),
        /// A toolkit of several parts.
        Toolkit = ("toolkit", "Toolkit"),
        /// Prompts for mentorship conversations.
        Prompts = ("prompts", "Discussion prompts"),
        /// A reading.
        Reading = ("reading", "Reading"),
        /// A checklist.
        Checklist = ("checklist", "Checklist"),
    }
}

choices! {
    /// Who a resource is written for, one of the search facets.
    Audience {
        /// Everyone in the network.
        Everyone = ("everyone", "Everyone"),
        /// Coordinators.
        Coordinators = ("coordinators", "Coordinators"),
        /// Mentors.
        Mentors = ("mentors", "Mentors"),
        /// Mentees.
        Mentees = ("mentees", "Mentees"),
    }
}

choices! {
    /// The terms under which others may reuse a resource.
    License {
        /// CC BY 4.0.
        CcBy = ("cc-by-4.0", "Creative Commons Attribution 4.0 (CC BY)"),
        /// CC BY-SA 4.0.
        CcBySa = ("cc-by-sa-4.0", "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA)"),
        /// CC BY-NC 4.0.
        CcByNc = ("cc-by-nc-4.0", "Creative Commons Attribution-NonCommercial 4.0 (CC BY-NC)"),
        /// CC BY-NC-SA 4.0.
        CcByNcSa = (
            "cc-by-nc-sa-4.0",
            "Creative Commons Attribution-NonCommercial-ShareAlike 4.0 (CC BY-NC-SA)"
        ),
        /// CC BY-ND 4.0.
        CcByNd = ("cc-by-nd-4.0", "Creative Commons Attribution-NoDerivatives 4.0 (CC BY-ND)"),
        /// CC BY-NC-ND 4.0.
        CcByNcNd = (
            "cc-by-nc-nd-4.0",
            "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0 (CC BY-NC-ND)"
        ),
        /// CC0, no rights reserved.
        Cc0 = ("cc0-1.0", "Creative Commons Zero (CC0): no rights reserved"),
        /// All rights reserved.
        AllRightsReserved = ("all-rights-reserved", "All rights reserved"),
    }
}

choices! {
    /// Who may read a published resource.
    Visibility {
        /// Signed-in members only; invisible to visitors, feeds and search engines.
        Members = ("members", "Members of the network only"),
        /// Anyone, including visitors and the public feeds.
        Public = ("public", "Anyone, including the public"),
    }
}

choices! {
    /// Where the working copy of a resource stands in curation.
    Status {
        /// Being written or revised by its authors.
        Draft = ("draft", "Draft"),
        /// Submitted, waiting for a reviewer.
        InReview = ("in_review", "In review"),
        /// The working copy is the published version.
        Published = ("published", "Published"),
        /// Withdrawn from the library.
        Archived = ("archived", "Archived"),
    }
}

choices! {
    /// How often a person wants the digest of new resources.
    Frequency {
        /// Every month (the default).
        Monthly = ("monthly", "Every month"),
        /// In January, April, July and October.
        Quarterly = ("quarterly", "Every three months"),
        /// Never.
        Off = ("off", "Never: stop the digest"),
    }
}

impl License {
    /// The address of the license's text, if it has one.
    pub fn url(self) -> Option<&'static str> {
        match self {
            License::CcBy => Some("https://creativecommons.org/licenses/by/4.0/"),
            License::CcBySa => Some("https://creativecommons.org/licenses/by-sa/4.0/"),
            License::CcByNc => Some("https://creativecommons.org/licenses/by-nc/4.0/"),
            License::CcByNcSa => Some("https://creativecommons.org/licenses/by-nc-sa/4.0/"),
            License::CcByNd => Some("https://creativecommons.org/licenses/by-nd/4.0/"),
            License::CcByNcNd => Some("https://creativecommons.org/licenses/by-nc-nd/4.0/"),
            License::Cc0 => Some("https://creativecommons.org/publicdomain/zero/1.0/"),
            License::AllRightsReserved => None,
        }
    }
}

impl Frequency {
    /// Whether a digest goes out in this month (1 to 12).
    pub fn sends_in(self, month: u32) -> bool {
        match self {
            Frequency::Monthly => true,
            Frequency::Quarterly => matches!(month, 1 | 4 | 7 | 10),
            Frequency::Off => false,
        }
    }

    /// How many months a digest covers.
    pub fn months_covered(self) -> i64 {
        match self {
            Frequency::Quarterly => 3,
            Frequency::Monthly | Frequency::Off => 1,
        }
    }
}

/// A step of curation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// An author changes the working copy.
    Edit,
    /// An author asks for review.
    Submit,
    /// A reviewer sends it back with comments.
    RequestChanges,
    /// A reviewer approves; the working copy is published as the next version.
    Approve,
    /// An author or admin withdraws it.
    Archive,
    /// A curator takes an archived resource back as a draft.
    Restore,
}

impl Action {
    /// The code stored in the review history.
    pub fn code(self) -> &'static str {
        match self {
            Action::Edit => "edit",
            Action::Submit => "submit",
            Action::RequestChanges => "request_changes",
            Action::Approve => "approve",
            Action::Archive => "archive",
            Action::Restore => "restore",
        }
    }
}

/// The status after an action, or `None` when the action does not apply in this status.
pub fn next_status(status: Status, action: Action) -> Option<Status> {
    use Status::{Archived, Draft, InReview, Published};
    match (status, action) {
        // Editing a submitted copy withdraws it from review: the reviewer must see what
        // they approve.
        (Draft | InReview | Published, Action::Edit) => Some(Draft),
        (Draft, Action::Submit) => Some(InReview),
        (InReview, Action::RequestChanges) => Some(Draft),
        (InReview, Action::Approve) => Some(Published),
        (Draft | InReview | Published, Action::Archive) => Some(Archived),
        (Archived, Action::Restore) => Some(Draft),
        _ => None,
    }
}

/// What a working copy still lacks before it can be submitted, in words for its authors.
pub fn missing_for_review(
    kind: Kind,
    body: &str,
    url: &str,
    has_file: bool,
) -> Option<&'static str> {
    match kind {
        Kind::Page if body.trim().is_empty() => Some("Write the page before submitting it."),
        Kind::Link if url.trim().is_empty() => Some("Add the link before submitting it."),
        Kind::File if !has_file => Some("Upload the file before submitting it."),
        _ => None,
    }
}

/// When a version published at `published_at` comes due for review.
pub fn review_due(published_at: DateTime<Utc>, review_after_days: u32) -> DateTime<Utc> {
    published_at + Duration::days(i64::from(review_after_days))
}

/// Curators are told this many days ahead that a resource comes due.
pub const DUE_SOON_DAYS: i64 = 30;

/// Whether a resource due at `due` should be on the curators' list at `now`.
pub fn is_due_soon(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    due.is_some_and(|due| due <= now + Duration::days(DUE_SOON_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn every_code_reads_back_and_unknown_codes_do_not() {
        for kind in Kind::ALL {
            assert_eq!(Kind::parse(kind.code()), Some(*kind));
        }
        for license in License::ALL {
            assert_eq!(License::parse(license.code()), Some(*license));
        }
        for status in Status::ALL {
            assert_eq!(Status::parse(status.code()), Some(*status));
        }
        assert_eq!(License::parse("gpl-3.0"), None);
        assert_eq!(Audience::parse(""), None);
    }

    #[test]
    fn curation_moves_from_draft_through_review_to_published() {
        use Status::*;
        let cases = [
            (Draft, Action::Submit, Some(InReview)),
            (InReview, Action::Approve, Some(Published)),
            (InReview, Action::RequestChanges, Some(Draft)),
            (Published, Action::Edit, Some(Draft)),
            (InReview, Action::Edit, Some(Draft)),
            (Published, Action::Archive, Some(Archived)),
            (Archived, Action::Restore, Some(Draft)),
            (Draft, Action::Approve, None),
            (Published, Action::Submit, None),
            (Archived, Action::Edit, None),
            (Archived, Action::Archive, None),
            (Draft, Action::RequestChanges, None),
        ];
        for (from, action, to) in cases {
            assert_eq!(next_status(from, action), to, "{from:?} {action:?}");
        }
    }

    #[test]
    fn a_working_copy_needs_its_content_before_review() {
        assert!(missing_for_review(Kind::Page, "  ", "", false).is_some());
        assert!(missing_for_review(Kind::Page, "Text", "", false).is_none());
        assert!(missing_for_review(Kind::Link, "", "", false).is_some());
        assert!(missing_for_review(Kind::File, "", "", false).is_some());
        assert!(missing_for_review(Kind::File, "", "", true).is_none());
    }

    #[test]
    fn a_resource_comes_due_a_year_after_publication_and_shows_a_month_ahead() {
        let published = Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0).unwrap();
        let due = review_due(published, 365);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 3, 1, 12, 0, 0).unwrap());
        let early = Utc.with_ymd_and_hms(2026, 1, 15, 0, 0, 0).unwrap();
        let close = Utc.with_ymd_and_hms(2026, 2, 15, 0, 0, 0).unwrap();
        assert!(!is_due_soon(Some(due), early));
        assert!(is_due_soon(Some(due), close));
        assert!(!is_due_soon(None, close));
    }

    #[test]
    fn a_quarterly_digest_goes_out_four_times_a_year_and_off_never() {
        let months: Vec<u32> = (1..=12)
            .filter(|m| Frequency::Quarterly.sends_in(*m))
            .collect();
        assert_eq!(months, [1, 4, 7, 10]);
        assert!((1..=12).all(|m| Frequency::Monthly.sends_in(m)));
        assert!(!(1..=12).any(|m| Frequency::Off.sends_in(m)));
    }
}
