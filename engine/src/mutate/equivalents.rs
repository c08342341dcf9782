//! The equivalent mutants of a net: mutants that behave exactly as the net
//! does (so no property can kill them), each documented with the reason.
//!
//! The file is YAML, by default next to the net (`nets/x.yaml` has
//! `nets/x.equivalent-mutants.yaml`):
//!
//! ```yaml
//! equivalent:
//!   - id: "replace-variable@swap.out.b[0]:x -> y"
//!     reason: why no reachable behaviour changes
//!   - ids: ["replace-constant@T.in.P[0]:a -> b", "replace-constant@T.in.P[1]:a -> b"]
//!     reason: one reason for several mutants
//! ```
//!
//! An entry whose id matches no mutant of the net any more is *stale*: the
//! net changed under it, and the entry should be removed or rewritten.
//!
//! Equivalence depends on the parameters, so the file may also say under
//! which parameter sets the mutants are checked (a mutant is killed when one
//! of them kills it), cheapest first; `{}` is the net's own defaults:
//!
//! ```yaml
//! configurations:
//!   - { roles: 1, partitions: 4 }
//!   - {}
//! ```

use std::path::{Path, PathBuf};

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};

use super::Mutant;

/// One documented equivalent mutant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Equivalent {
    /// The mutant's id.
    pub id: String,
    /// Why it behaves as the net does.
    pub reason: String,
    /// The line of the entry in the file.
    pub line: usize,
}

/// The equivalent mutants listed in a file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Equivalents {
    /// The file they were read from.
    pub path: PathBuf,
    /// The entries, in file order.
    pub entries: Vec<Equivalent>,
    /// The parameter sets the mutants are checked under, in file order.
    /// Empty when the file lists none (the net is checked with its
    /// defaults).
    pub configurations: Vec<ListedConfiguration>,
}

/// One parameter set of a file's `configurations`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedConfiguration {
    /// `(name, value)` overrides of the net's parameters.
    pub params: Vec<(String, String)>,
    /// The line of the item in the file.
    pub line: usize,
}

/// What is wrong with an equivalent-mutants file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EquivalentsError {
    /// The file cannot be read.
    #[error("{path}: cannot read the equivalent-mutants file: {message}")]
    Io {
        /// The file.
        path: String,
        /// The system's message.
        message: String,
    },
    /// The file is not valid YAML, or not of the documented shape.
    #[error("{path}:{line}: {message}")]
    Format {
        /// The file.
        path: String,
        /// The line (1 when the whole file is at fault).
        line: usize,
        /// What is wrong.
        message: String,
    },
}

impl Equivalents {
    /// Where the equivalent mutants of the net at `net` are looked for by
    /// default: `<dir>/<stem>.equivalent-mutants.yaml`.
    pub fn default_path(net: &Path) -> PathBuf {
        let stem = net
            .file_stem()
            .map_or_else(|| "net".into(), |s| s.to_string_lossy().into_owned());
        net.with_file_name(format!("{stem}.equivalent-mutants.yaml"))
    }

    /// Reads the file at `path`.
    pub fn read(path: &Path) -> Result<Self, EquivalentsError> {
        let text = std::fs::read_to_string(path).map_err(|e| EquivalentsError::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        Self::parse(path, &text)
    }

    /// Parses the text of a file (named `path` in errors).
    pub fn parse(path: &Path, text: &str) -> Result<Self, EquivalentsError> {
        let shown = path.display().to_string();
        let error = |line: usize, message: String| EquivalentsError::Format {
            path: shown.clone(),
            line: line.max(1),
            message,
        };
        let docs = MarkedYaml::load_from_str(text)
            .map_err(|e| error(e.marker().line(), format!("syntax error: {}", e.info())))?;
        let mut out = Equivalents {
            path: path.to_path_buf(),
            entries: Vec::new(),
            configurations: Vec::new(),
        };
        let Some(root) = docs.first() else {
            return Ok(out);
        };
        let YamlData::Mapping(top) = &root.data else {
            return Err(error(
                root.span.start.line(),
                "expected a mapping with the keys `equivalent` and `configurations`".into(),
            ));
        };
        for (key, value) in top {
            match scalar(key).as_deref() {
                Some("equivalent") => {}
                Some("configurations") => {
                    out.configurations = configurations(value).map_err(|(l, m)| error(l, m))?;
                    continue;
                }
                _ => {
                    return Err(error(
                        key.span.start.line(),
                        "unknown key; the file has the keys `equivalent` and `configurations`"
                            .into(),
                    ));
                }
            }
            let items = match &value.data {
                YamlData::Sequence(items) => items.as_slice(),
                YamlData::Value(Scalar::Null) => &[],
                _ => {
                    return Err(error(
                        value.span.start.line(),
                        "`equivalent` is a list of `{ id, reason }` entries".into(),
                    ));
                }
            };
            for item in items {
                let entries = entries(item).map_err(|m| error(item.span.start.line(), m))?;
                for entry in entries {
                    if out.entries.iter().any(|e| e.id == entry.id) {
                        return Err(error(
                            entry.line,
                            format!("mutant `{}` is listed twice", entry.id),
                        ));
                    }
                    out.entries.push(entry);
                }
            }
        }
        Ok(out)
    }

    /// The entry for the mutant `id`, if it is listed.
    pub fn get(&self, id: &str) -> Option<&Equivalent> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// The entries that match none of `mutants`.
    pub fn stale<'a>(&'a self, mutants: &[Mutant]) -> Vec<&'a Equivalent> {
        self.entries
            .iter()
            .filter(|e| !mutants.iter().any(|m| m.id == e.id))
            .collect()
    }
}

fn scalar(node: &MarkedYaml<'_>) -> Option<String> {
    match &node.data {
        YamlData::Value(Scalar::String(s)) => Some(s.to_string()),
        YamlData::Value(Scalar::Integer(i)) => Some(i.to_string()),
        YamlData::Value(Scalar::Boolean(b)) => Some(b.to_string()),
        YamlData::Representation(s, _, _) => Some(s.to_string()),
        _ => None,
    }
}

/// The `configurations` list: each item a mapping of parameter names to
/// values (`{}` for the net's defaults). Errors carry their line.
fn configurations(value: &MarkedYaml<'_>) -> Result<Vec<ListedConfiguration>, (usize, String)> {
    let shape = "`configurations` is a list of parameter sets such as `{ roles: 1, partitions: 4 }` (`{}` for the net's defaults)";
    let YamlData::Sequence(items) = &value.data else {
        return Err((value.span.start.line(), shape.into()));
    };
    let mut out: Vec<ListedConfiguration> = Vec::new();
    for item in items {
        let line = item.span.start.line();
        let params = match &item.data {
            YamlData::Mapping(fields) => fields
                .iter()
                .map(|(k, v)| match (scalar(k), scalar(v)) {
                    (Some(k), Some(v)) => Ok((k, v)),
                    _ => Err((line, shape.to_string())),
                })
                .collect::<Result<Vec<_>, _>>()?,
            YamlData::Value(Scalar::Null) => Vec::new(),
            _ => return Err((line, shape.into())),
        };
        if out.iter().any(|listed| listed.params == params) {
            return Err((line, "this configuration is listed twice".into()));
        }
        out.push(ListedConfiguration { params, line });
    }
    Ok(out)
}

/// One `{ id, reason }` entry, or `{ ids: [...], reason }` for several
/// mutants equivalent for one reason; ids and reason are non-empty text.
fn entries(item: &MarkedYaml<'_>) -> Result<Vec<Equivalent>, String> {
    let YamlData::Mapping(fields) = &item.data else {
        return Err("an entry is a mapping `{ id: ..., reason: ... }`".into());
    };
    let (mut ids, mut reason) = (Vec::new(), None);
    for (k, v) in fields {
        let value = scalar(v).filter(|s| !s.trim().is_empty());
        match scalar(k).as_deref() {
            Some("id") => ids.extend(value),
            Some("ids") => {
                let YamlData::Sequence(items) = &v.data else {
                    return Err("`ids` is a list of mutant ids".into());
                };
                for id in items {
                    let id = scalar(id).filter(|s| !s.trim().is_empty());
                    ids.push(id.ok_or("`ids` is a list of mutant ids")?);
                }
            }
            Some("reason") => reason = value,
            other => {
                return Err(format!(
                    "unknown key `{}` in an entry; expected `id` (or `ids`) and `reason`",
                    other.unwrap_or("?")
                ));
            }
        }
    }
    let first = ids
        .first()
        .ok_or("an entry needs an `id`: the mutant's id as `sesphr mutate` prints it")?;
    let reason = reason.ok_or_else(|| {
        format!("mutant `{first}` needs a `reason`: why it behaves exactly as the net does")
    })?;
    let line = item.span.start.line().max(1);
    let reason = reason.trim().to_string();
    Ok(ids
        .into_iter()
        .map(|id| Equivalent {
            id,
            reason: reason.clone(),
            line,
        })
        .collect())
}
