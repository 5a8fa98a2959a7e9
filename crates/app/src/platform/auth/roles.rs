//! Roles are grants on a person, some scoped to a region.

use serde::Deserialize;

/// What a grant lets a person be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The national program office.
    Admin,
    /// Runs mentorship in one region (scoped).
    Coordinator,
    /// A coordinator who graduated and leads mentor circles.
    Guide,
    /// Offers guidance.
    Mentor,
    /// Seeks guidance.
    Mentee,
}

impl Role {
    /// Every role, most powerful first.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Coordinator,
        Role::Guide,
        Role::Mentor,
        Role::Mentee,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator => "coordinator",
            Role::Guide => "guide",
            Role::Mentor => "mentor",
            Role::Mentee => "mentee",
        }
    }

    /// The word shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "Admin",
            Role::Coordinator => "Coordinator",
            Role::Guide => "Guide",
            Role::Mentor => "Mentor",
            Role::Mentee => "Mentee",
        }
    }

    /// Reads a stored code.
    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.code() == code)
    }

    /// Whether a grant of this role names a region.
    pub fn is_regional(self) -> bool {
        matches!(self, Role::Coordinator)
    }
}

/// One role held by a person, with its region where the role has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// The region, for regional roles.
    pub region_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_code_reads_back() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Some(role));
        }
        assert_eq!(Role::parse("superuser"), None);
    }
}
