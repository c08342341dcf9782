//! PHR documents: a JSON record split into named partitions, and a
//! deterministic generator of realistic synthetic records.

use std::fmt;

use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use zeroize::Zeroize;

use crate::crypto::Plaintext;
use crate::policy::{Label, UserId};

/// One partition of a PHR: a label and structured content (whose text is
/// wiped when the partition is dropped). `Debug` shows the label and the
/// content's length only, never the health data.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Partition {
    /// The partition's label.
    pub label: Label,
    /// Its content: any JSON value, kept as its exact text (what gets encrypted).
    pub content: Box<RawValue>,
}

impl PartialEq for Partition {
    fn eq(&self, other: &Self) -> bool {
        self.label == other.label && self.content.get() == other.content.get()
    }
}

/// A Personal Health Record: owner, file id and partitions. `Debug` shows
/// the file id, the owner and each partition's label and length, never the
/// content.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhrDocument {
    /// The file id under which the record is stored.
    pub file: Label,
    /// The patient who owns it.
    pub owner: UserId,
    /// The partitions, in order.
    pub partitions: Vec<Partition>,
}

impl fmt::Debug for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Partition({}, {} bytes)",
            self.label,
            self.content.get().len()
        )
    }
}

impl fmt::Debug for PhrDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhrDocument")
            .field("file", &self.file)
            .field("owner", &self.owner)
            .field("partitions", &self.partitions)
            .finish()
    }
}

impl Partition {
    /// A copy of the bytes that get encrypted (the content's JSON text),
    /// wiped when dropped.
    pub fn to_plaintext(&self) -> Plaintext {
        Plaintext::copy_of(self.plaintext())
    }

    /// The content's JSON text.
    pub fn plaintext(&self) -> &[u8] {
        self.content.get().as_bytes()
    }
}

impl Drop for Partition {
    /// Wipe the content's text (put in its place: the JSON `null`).
    fn drop(&mut self) {
        let mut text: Box<str> = std::mem::take(&mut self.content).into();
        text.zeroize();
    }
}

impl PhrDocument {
    /// The partition with this label, if any.
    pub fn partition(&self, label: &Label) -> Option<&Partition> {
        self.partitions.iter().find(|p| &p.label == label)
    }

    /// Total plaintext size of all partitions, in bytes.
    pub fn plaintext_len(&self) -> usize {
        self.partitions.iter().map(|p| p.plaintext().len()).sum()
    }
}

const GIVEN: [&str; 8] = [
    "Amina", "Bilal", "Chen", "Dana", "Elif", "Farid", "Greta", "Hugo",
];
const FAMILY: [&str; 8] = [
    "Khan", "Ali", "Rossi", "Novak", "Garcia", "Okafor", "Berg", "Dubois",
];
const DIAGNOSES: [(&str, &str); 6] = [
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I10", "Essential (primary) hypertension"),
    ("J45.909", "Unspecified asthma, uncomplicated"),
    ("M54.5", "Low back pain"),
    (
        "K21.9",
        "Gastro-oesophageal reflux disease without oesophagitis",
    ),
    ("F41.1", "Generalized anxiety disorder"),
];
const DRUGS: [(&str, &str); 6] = [
    ("metformin", "500 mg"),
    ("lisinopril", "10 mg"),
    ("salbutamol", "100 ug/dose"),
    ("ibuprofen", "400 mg"),
    ("omeprazole", "20 mg"),
    ("sertraline", "50 mg"),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn date(rng: &mut StdRng) -> String {
    format!(
        "20{:02}-{:02}-{:02}",
        rng.random_range(10..26),
        rng.random_range(1..13),
        rng.random_range(1..29)
    )
}

fn entry(rng: &mut StdRng, label: &str, n: usize) -> Value {
    match label {
        "personal" => json!({
            "kind": "contact",
            "name": format!("{} {}", pick(rng, &GIVEN), pick(rng, &FAMILY)),
            "phone": format!("+92-3{:02}-{:07}", rng.random_range(0..100), rng.random_range(0..10_000_000)),
            "address": format!("{} Jinnah Avenue, Islamabad", rng.random_range(1..500)),
            "since": date(rng),
        }),
        "medical" => {
            let (code, text) = *pick(rng, &DIAGNOSES);
            json!({
                "encounter": n,
                "date": date(rng),
                "icd10": code,
                "diagnosis": text,
                "vitals": {
                    "bp": format!("{}/{}", rng.random_range(100..160), rng.random_range(60..100)),
                    "pulse": rng.random_range(50..110),
                    "temp_c": f64::from(rng.random_range(360..395u16)) / 10.0,
                },
                "notes": format!("Follow-up in {} weeks; patient reports {} improvement.",
                    rng.random_range(1..12), pick(rng, &["no", "slight", "marked"])),
            })
        }
        "insurance" => json!({
            "claim": n,
            "date": date(rng),
            "provider": format!("{} Health Mutual", pick(rng, &FAMILY)),
            "policy": format!("POL-{:08}", rng.random_range(0..100_000_000)),
            "amount_eur": rng.random_range(20..5_000),
            "status": pick(rng, &["submitted", "approved", "rejected", "paid"]),
        }),
        "prescription" => {
            let (drug, dose) = *pick(rng, &DRUGS);
            json!({
                "item": n,
                "date": date(rng),
                "drug": drug,
                "dose": dose,
                "frequency": pick(rng, &["once daily", "twice daily", "as needed"]),
                "prescriber": format!("Dr. {}", pick(rng, &FAMILY)),
                "refills": rng.random_range(0..4),
            })
        }
        other => json!({ "entry": n, "section": other, "date": date(rng),
            "text": format!("{} note {}", other, rng.random_range(0..1_000_000)) }),
    }
}

/// A synthetic record with the given partitions whose total plaintext is at
/// least `target_bytes` (and at most a few hundred bytes more); the same
/// seed always gives the same record.
pub fn synthetic(
    file: Label,
    owner: UserId,
    labels: &[Label],
    target_bytes: usize,
    seed: u64,
) -> PhrDocument {
    let mut rng = StdRng::seed_from_u64(seed);
    let share = target_bytes / labels.len().max(1);
    let partitions = labels
        .iter()
        .enumerate()
        .map(|(i, label)| {
            let goal = if i + 1 == labels.len() {
                target_bytes.saturating_sub(share * i)
            } else {
                share
            };
            let mut text = String::from("[");
            let mut count = 0;
            while text.len() + 1 < goal {
                if count > 0 {
                    text.push(',');
                }
                text.push_str(&entry(&mut rng, label.as_str(), count).to_string());
                count += 1;
            }
            text.push(']');
            Partition {
                label: label.clone(),
                // The text is built from serialized values: always valid JSON.
                content: RawValue::from_string(text).unwrap_or_default(),
            }
        })
        .collect();
    PhrDocument {
        file,
        owner,
        partitions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(size: usize, seed: u64) -> PhrDocument {
        synthetic(
            Label::new("rec").unwrap(),
            UserId::new("alice").unwrap(),
            &Label::defaults(),
            size,
            seed,
        )
    }

    #[test]
    fn synthetic_records_are_deterministic_and_sized() {
        assert_eq!(doc(10_000, 7), doc(10_000, 7));
        assert_ne!(doc(10_000, 7), doc(10_000, 8));
        for size in [0, 1_000, 50_000, 300_000] {
            let len = doc(size, 1).plaintext_len();
            assert!(len >= size && len <= size + 2_000, "{size} -> {len}");
        }
        let d = doc(1_000, 1);
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(serde_json::from_str::<PhrDocument>(&text).unwrap(), d);
    }

    #[test]
    fn debug_shows_labels_and_lengths_never_the_content() {
        let d: PhrDocument = serde_json::from_str(
            r#"{"file":"rec","owner":"alice","partitions":[
                {"label":"medical","content":{"dx":"HIV positive"}},
                {"label":"personal","content":"Jane Doe"}]}"#,
        )
        .unwrap();
        let shown = format!("{d:?}");
        assert_eq!(
            shown,
            r#"PhrDocument { file: Label("rec"), owner: UserId("alice"), partitions: [Partition(medical, 21 bytes), Partition(personal, 10 bytes)] }"#
        );
        let pretty = format!("{d:#?}");
        for secret in ["HIV", "positive", "dx", "Jane", "Doe"] {
            assert!(
                !shown.contains(secret) && !pretty.contains(secret),
                "{secret}"
            );
        }
        assert_eq!(
            format!("{:?}", d.partitions[0]),
            "Partition(medical, 21 bytes)"
        );
    }
}
