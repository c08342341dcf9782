//! Users, roles, partition labels and the owner's access policy (docs/protocol.md section 2).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The name of a PHR partition, e.g. `medical`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Label(String);

/// A user's identifier, e.g. `dr-bob`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UserId(String);

/// A name that is not 1 to 64 characters of `[A-Za-z0-9._-]` not starting
/// with `.` (such a name is safe as a path component and a JSON key).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what} encoding: {}", self.reason())]
pub struct NameError {
    /// What the name was for (`partition label`, `user id`).
    pub what: &'static str,
    /// The name refused.
    pub name: String,
}

impl NameError {
    /// Why the name was refused.
    pub fn reason(&self) -> String {
        format!("{:?} is not 1-64 characters of [A-Za-z0-9._-]", self.name)
    }
}

/// Checks that a name is safe as a path component and a JSON key:
/// 1 to 64 ASCII letters, digits, `-`, `_` or `.`, not starting with `.`.
fn check_name(what: &'static str, name: &str) -> Result<(), NameError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if ok {
        Ok(())
    } else {
        Err(NameError {
            what,
            name: name.to_owned(),
        })
    }
}

macro_rules! name_type {
    ($type:ident, $what:literal) => {
        impl $type {
            /// Validate and wrap a name (1-64 characters of `[A-Za-z0-9._-]`).
            pub fn new(name: &str) -> Result<$type, NameError> {
                check_name($what, name)?;
                Ok($type(name.to_owned()))
            }

            /// The name.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $type {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $type {
            type Error = NameError;
            fn try_from(name: String) -> Result<$type, NameError> {
                check_name($what, &name)?;
                Ok($type(name))
            }
        }

        impl From<$type> for String {
            fn from(value: $type) -> String {
                value.0
            }
        }

        impl FromStr for $type {
            type Err = NameError;
            fn from_str(s: &str) -> Result<$type, NameError> {
                $type::new(s)
            }
        }
    };
}

name_type!(Label, "partition label");
name_type!(UserId, "user id");

/// The paper's four partitions, in order.
pub const DEFAULT_PARTITIONS: [&str; 4] = ["personal", "medical", "insurance", "prescription"];

impl Label {
    /// The paper's four default labels.
    pub fn defaults() -> Vec<Label> {
        DEFAULT_PARTITIONS
            .iter()
            .map(|name| Label((*name).to_owned()))
            .collect()
    }
}

/// A user's role. Family and friends form the private domain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Family member (private domain).
    Family,
    /// Friend (private domain).
    Friend,
    /// Doctor (public domain).
    Doctor,
    /// Pharmacist (public domain).
    Pharmacist,
    /// Insurer (public domain).
    Insurer,
    /// Researcher (public domain, de-identified medical data).
    Researcher,
}

impl Role {
    /// Every role, in table order.
    pub const ALL: [Role; 6] = [
        Role::Family,
        Role::Friend,
        Role::Doctor,
        Role::Pharmacist,
        Role::Insurer,
        Role::Researcher,
    ];

    /// Family and friends need the owner's approval to join.
    pub fn needs_owner_approval(self) -> bool {
        matches!(self, Role::Family | Role::Friend)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Role::Family => "family",
            Role::Friend => "friend",
            Role::Doctor => "doctor",
            Role::Pharmacist => "pharmacist",
            Role::Insurer => "insurer",
            Role::Researcher => "researcher",
        };
        f.write_str(name)
    }
}

/// The owner's access policy: default rights per role, and whether a
/// newcomer may read versions written before joining.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    defaults: BTreeMap<Role, BTreeSet<Label>>,
    /// A newly joined user may read versions written before joining.
    pub newcomers_read_past_versions: bool,
}

impl Policy {
    /// The table of docs/protocol.md section 2; newcomers read past versions.
    pub fn paper_default() -> Policy {
        let set = |names: &[&str]| names.iter().map(|n| Label((*n).to_owned())).collect();
        let all = set(&DEFAULT_PARTITIONS);
        let defaults = BTreeMap::from([
            (Role::Family, all),
            (Role::Friend, set(&DEFAULT_PARTITIONS)),
            (Role::Doctor, set(&["medical", "prescription"])),
            (Role::Pharmacist, set(&["insurance", "prescription"])),
            (Role::Insurer, set(&["insurance"])),
            (Role::Researcher, set(&["medical"])),
        ]);
        Policy {
            defaults,
            newcomers_read_past_versions: true,
        }
    }

    /// The default rights of a role.
    pub fn rights_for(&self, role: Role) -> BTreeSet<Label> {
        self.defaults.get(&role).cloned().unwrap_or_default()
    }

    /// Every label some role may read by default.
    pub fn labels(&self) -> BTreeSet<Label> {
        self.defaults.values().flatten().cloned().collect()
    }

    /// Replace the default rights of a role.
    pub fn set_rights(&mut self, role: Role, rights: BTreeSet<Label>) {
        self.defaults.insert(role, rights);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_is_the_papers_table() {
        let p = Policy::paper_default();
        let names = |r| {
            p.rights_for(r)
                .iter()
                .map(|l| l.as_str().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(Role::Doctor), ["medical", "prescription"]);
        assert_eq!(names(Role::Insurer), ["insurance"]);
        assert_eq!(names(Role::Pharmacist), ["insurance", "prescription"]);
        assert_eq!(names(Role::Researcher), ["medical"]);
        assert_eq!(p.rights_for(Role::Family).len(), 4);
    }

    #[test]
    fn names_are_validated() {
        assert!(Label::new("medical").is_ok());
        for bad in ["", "../x", "a/b", ".hidden", "sp ace", &"x".repeat(65)] {
            assert!(Label::new(bad).is_err(), "{bad:?}");
            assert!(UserId::new(bad).is_err(), "{bad:?}");
        }
        let refused = UserId::new("a/b").unwrap_err();
        assert_eq!(
            refused.to_string(),
            r#"invalid user id encoding: "a/b" is not 1-64 characters of [A-Za-z0-9._-]"#
        );
        // As the library's error, the same message.
        assert_eq!(
            crate::Error::from(refused.clone()).to_string(),
            refused.to_string()
        );
    }
}
