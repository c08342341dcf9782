//! What the processes of a run must agree on before exploring: a list of
//! named entries (the net file's digest, the options), sent in each
//! process's hello ([`crate::meet`]) and compared entry by entry.

use sha2::{Digest, Sha256};

/// What every process of a run must agree on, entry by entry: the net (as
/// a digest of its file), the options that shape the exploration or the
/// report, and (added by [`crate::meet::meet`]) the host file and the thread count.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fingerprint {
    entries: Vec<(String, String)>,
}

impl Fingerprint {
    /// An empty fingerprint.
    pub fn new() -> Self {
        Fingerprint::default()
    }

    /// This fingerprint with `name` (an option, say `--max-states`) set to
    /// `value`; a name set before is replaced.
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        match self.entries.iter_mut().find(|(n, _)| *n == name) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((name, value)),
        }
        self
    }

    /// This fingerprint with `name` standing for the SHA-256 of `bytes`.
    pub fn with_digest(self, name: impl Into<String>, bytes: &[u8]) -> Self {
        let digest = Sha256::digest(bytes);
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        self.with(name, format!("SHA-256 {hex}"))
    }

    /// The entries that differ from `theirs` (process `process`'s), said
    /// in words; `None` where they all agree.
    pub fn difference(&self, theirs: &Fingerprint, process: usize) -> Option<String> {
        let names = self
            .entries
            .iter()
            .chain(&theirs.entries)
            .map(|(name, _)| name.as_str());
        let mut seen = Vec::new();
        let mut differences = Vec::new();
        for name in names {
            if seen.contains(&name) {
                continue;
            }
            seen.push(name);
            let (here, there) = (self.value(name), theirs.value(name));
            if here != there {
                differences.push(format!(
                    "{name} {} here, {} on process {process}",
                    shown(here),
                    shown(there)
                ));
            }
        }
        (!differences.is_empty()).then(|| differences.join("; "))
    }

    /// The value of `name`, if set.
    fn value(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The bytes sent in a hello: the count of entries, then each name and
    /// value, every one after its length (little-endian `u32`).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        push_len(&mut bytes, self.entries.len());
        for (name, value) in &self.entries {
            for text in [name, value] {
                push_len(&mut bytes, text.len());
                bytes.extend_from_slice(text.as_bytes());
            }
        }
        bytes
    }

    /// The fingerprint [`Fingerprint::encode`] wrote, or `None`.
    pub(crate) fn decode(bytes: &[u8]) -> Option<Fingerprint> {
        let mut rest = bytes;
        let count = take_len(&mut rest)?;
        let mut entries = Vec::new();
        for _ in 0..count {
            let name = take_text(&mut rest)?;
            let value = take_text(&mut rest)?;
            entries.push((name, value));
        }
        rest.is_empty().then_some(Fingerprint { entries })
    }
}

/// A value as a message shows it: a digest shortened, a missing one said.
fn shown(value: Option<&str>) -> String {
    match value {
        None => "(not given)".into(),
        Some(v) if v.starts_with("SHA-256 ") && v.len() > 24 => format!("{}…", &v[..24]),
        Some(v) => v.to_string(),
    }
}

/// Appends `len` as four little-endian bytes (saturated).
pub(crate) fn push_len(bytes: &mut Vec<u8>, len: usize) {
    bytes.extend_from_slice(&u32::try_from(len).unwrap_or(u32::MAX).to_le_bytes());
}

fn take_len(rest: &mut &[u8]) -> Option<usize> {
    let (head, tail) = rest.split_first_chunk::<4>()?;
    *rest = tail;
    usize::try_from(u32::from_le_bytes(*head)).ok()
}

fn take_text(rest: &mut &[u8]) -> Option<String> {
    let len = take_len(rest)?;
    if len > rest.len() {
        return None;
    }
    let (text, tail) = rest.split_at(len);
    *rest = tail;
    String::from_utf8(text.to_vec()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_name_what_differs() {
        let ours = Fingerprint::new()
            .with_digest("the net file", b"net")
            .with("--max-states", "none");
        let theirs = ours.clone().with("--max-states", "50");
        assert_eq!(ours.difference(&ours.clone(), 1), None);
        assert_eq!(
            ours.difference(&theirs, 1).as_deref(),
            Some("--max-states none here, 50 on process 1")
        );
        let other_net = ours.clone().with_digest("the net file", b"other");
        let what = ours.difference(&other_net, 2).expect("a difference");
        assert!(what.starts_with("the net file SHA-256 "), "{what}");
        assert!(what.contains("on process 2"), "{what}");
        let more = ours.clone().with("--depth", "3");
        let what = ours.difference(&more, 1).expect("a difference");
        assert_eq!(what, "--depth (not given) here, 3 on process 1");
    }

    #[test]
    fn fingerprints_travel_whole() {
        let ours = Fingerprint::new()
            .with("--param", "n=5\tm=ü")
            .with("empty", "");
        assert_eq!(Fingerprint::decode(&ours.encode()), Some(ours.clone()));
        let bytes = ours.encode();
        assert_eq!(Fingerprint::decode(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Fingerprint::decode(&[0xff; 4]), None);
    }
}
