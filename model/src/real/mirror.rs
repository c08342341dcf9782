//! The on-disk side of a run: the net's Cloud place mirrored in a
//! [`CloudStore`], its ledger places in a hash-chained [`Ledger`].
//!
//! After each firing, the tokens a firing added to `Cloud` are written to the
//! store, the Cloud tokens it only read are read back and compared, and the
//! records it added to `Ledger_upload`, `Ledger_grant`, `Ledger_revoke` and
//! `Ledger_access` are appended to the ledger as one block. Tokens are told
//! apart by identity (a firing shares the tokens it leaves alone), so no
//! ciphertext is compared byte by byte.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use sesphr_engine::coloured::fire::Binding;
use sesphr_engine::net::marking::Marking;
use sesphr_engine::net::model::Net;
use sesphr_engine::net::value::Value;

use super::pair::{identity, split};
use super::report::{Checks, RunError};
use crate::cloud::{CloudStore, ObjectId};
use crate::ledger::{Hash, Ledger, Outcome, PartitionDigest, Record};
use crate::policy::{Label, Role, UserId};

/// The name of the place whose tokens are mirrored in the on-disk cloud store.
pub const CLOUD_PLACE: &str = "Cloud";

/// The ledger places and the record each of their tokens becomes.
const LEDGER_PLACES: [(&str, Kind); 4] = [
    ("Ledger_upload", Kind::Upload),
    ("Ledger_grant", Kind::Grant),
    ("Ledger_revoke", Kind::Revoke),
    ("Ledger_access", Kind::Access),
];

#[derive(Clone, Copy)]
enum Kind {
    Upload,
    Grant,
    Revoke,
    Access,
}

/// A cloud store and a ledger in one directory, fed from a net's places.
pub struct Mirror {
    store: CloudStore,
    ledger: Ledger,
    cloud: Option<usize>,
    ledger_places: Vec<(usize, Kind)>,
    /// The (file, version, label) of every upload record appended so far.
    uploaded: HashSet<(String, u32, String)>,
}

impl Mirror {
    /// Creates `dir/cloud` and `dir/ledger.jsonl` (which must not exist) for `net`.
    pub fn create(dir: &Path, net: &Net) -> Result<Mirror, RunError> {
        std::fs::create_dir_all(dir).map_err(crate::error::io_error(dir))?;
        Ok(Mirror {
            store: CloudStore::open(dir.join("cloud"))?,
            ledger: Ledger::create(dir.join(crate::system::LEDGER_FILE))?,
            cloud: net.place_id(CLOUD_PLACE),
            ledger_places: LEDGER_PLACES
                .iter()
                .filter_map(|(name, kind)| Some((net.place_id(name)?, *kind)))
                .collect(),
            uploaded: HashSet::new(),
        })
    }

    /// Mirrors one firing from `before` to `after`.
    pub fn record(
        &mut self,
        before: &Marking,
        after: &Marking,
        binding: &Binding,
        checks: &mut Checks,
    ) -> Result<(), RunError> {
        if let Some(place) = self.cloud {
            for token in added(before, after, place) {
                if let Some((id, bytes)) = object(token)? {
                    // The net's tampering cloud replaces objects; the
                    // protocol's own writes never do.
                    match self.store.put(&id, &bytes) {
                        Err(crate::Error::ObjectExists { .. }) => {
                            self.store.overwrite(&id, &bytes)?
                        }
                        other => other?,
                    }
                    checks.stored += 1;
                }
            }
            let kept: HashSet<Value> = after.places[place]
                .iter()
                .map(|(t, _)| identity(t))
                .collect();
            for (p, token, _) in &binding.consumed {
                if *p == place
                    && kept.contains(&identity(token))
                    && let Some((id, bytes)) = object(token)?
                {
                    if self.store.get(&id)? != bytes[..] {
                        return Err(RunError::StoreMismatch {
                            object: id.to_string(),
                        });
                    }
                    checks.fetched += 1;
                }
            }
        }
        let mut records = Vec::new();
        for &(place, kind) in &self.ledger_places {
            for token in added(before, after, place) {
                let record = ledger_record(kind, token)?;
                // A planted second upload record of a partition version (the net's
                // `plant_upload`) is one the real ledger refuses (`DuplicateUpload`):
                // the net's readers reject it on its signature, the mirror leaves it out.
                if let Record::Upload {
                    file,
                    version,
                    partitions,
                } = &record
                    && !partitions.iter().all(|d| {
                        self.uploaded
                            .insert((file.to_string(), *version, d.label.to_string()))
                    })
                {
                    continue;
                }
                records.push(record);
            }
        }
        if !records.is_empty() {
            checks.ledger_records += records.len();
            self.ledger.append(records)?;
        }
        Ok(())
    }

    /// Verifies the ledger file from disk; returns its number of blocks.
    pub fn verify(&self) -> Result<usize, RunError> {
        Ok(crate::ledger::verify(self.ledger.path())?.len())
    }
}

/// The tokens of `place` in `after` that were not in `before`.
fn added<'a>(before: &Marking, after: &'a Marking, place: usize) -> Vec<&'a Value> {
    let had: HashSet<Value> = before.places[place]
        .iter()
        .map(|(t, _)| identity(t))
        .collect();
    after.places[place]
        .iter()
        .map(|(t, _)| t)
        .filter(|t| !had.contains(&identity(t)))
        .collect()
}

/// A Cloud token as a store object: its id and bytes.
type StoredObject = (ObjectId, Arc<[u8]>);

/// The object id and bytes of a Cloud token: `(patient, partition, version, c)`
/// is stored as `patient/v<version>/<partition>`; a bare ciphertext under
/// `cloud/v1/c-<digest prefix>`.
fn object(token: &Value) -> Result<Option<StoredObject>, RunError> {
    let (file, label, version, cipher) = match token {
        Value::Tuple(items) => match &items[..] {
            [p, q, Value::Int(v), c] => (p.to_string(), q.to_string(), *v, c),
            _ => return Ok(None),
        },
        other => match split(other) {
            Some((_, bytes)) => {
                let digest = crate::hex::encode(&crate::steps::digest(bytes)[..8]);
                ("cloud".to_string(), format!("c-{digest}"), 1, other)
            }
            None => return Ok(None),
        },
    };
    let Some((_, bytes)) = split(cipher) else {
        return Ok(None);
    };
    let id = ObjectId {
        file: Label::new(&file)?,
        version: version_of(version)?,
        label: Label::new(&label)?,
    };
    Ok(Some((id, bytes.clone())))
}

/// The ledger record of a token of a ledger place. Upload and access tokens may carry the
/// patient's date before their last field (`(patient, partition, version, date, digest)`,
/// `(user, patient, partition, version, date)`); the real ledger dates its blocks itself.
/// An upload token may end with the net's signature of the record (`(..., digest,
/// signature)`), which the net's readers check; the mirrored record stays unsigned.
fn ledger_record(kind: Kind, token: &Value) -> Result<Record, RunError> {
    let shape = |what: &str| RunError::LedgerToken {
        token: token.to_string(),
        expected: what.to_string(),
    };
    let Value::Tuple(items) = token else {
        return Err(shape("a tuple"));
    };
    Ok(match (kind, &items[..]) {
        (
            Kind::Upload,
            [p, q, Value::Int(v), d]
            | [p, q, Value::Int(v), Value::Int(_), d]
            | [p, q, Value::Int(v), Value::Int(_), d, _],
        ) => {
            let digest: [u8; 32] = split(d)
                .and_then(|(_, bytes)| bytes[..].try_into().ok())
                .ok_or_else(|| shape("(patient, partition, version, real digest)"))?;
            Record::Upload {
                file: Label::new(&p.to_string())?,
                version: version_of(*v)?,
                partitions: vec![PartitionDigest {
                    label: Label::new(&q.to_string())?,
                    digest: Hash(digest),
                    r_owner: None,
                    signature: None,
                }],
            }
        }
        (Kind::Grant, [u, _, _]) => Record::Grant {
            user: user_id(u)?,
            role: role_of(u).ok_or_else(|| shape("((role, seat), patient, date)"))?,
            partitions: Vec::new(),
        },
        (Kind::Revoke, [u, _, _]) => Record::Revoke { user: user_id(u)? },
        (Kind::Access, [u, p, q, Value::Int(v)] | [u, p, q, Value::Int(v), Value::Int(_)]) => {
            Record::Access {
                user: user_id(u)?,
                file: Label::new(&p.to_string())?,
                version: version_of(*v)?,
                partition: Label::new(&q.to_string())?,
                outcome: Outcome::Granted,
            }
        }
        (Kind::Upload, _) => {
            return Err(shape(
                "(patient, partition, version[, date], digest[, signature])",
            ));
        }
        (Kind::Grant | Kind::Revoke, _) => return Err(shape("(user, patient, date)")),
        (Kind::Access, _) => return Err(shape("(user, patient, partition, version[, date])")),
    })
}

/// `(doctor, 1)` is the user `doctor-1`; a plain name stays itself.
fn user_id(user: &Value) -> Result<UserId, RunError> {
    let name = match user {
        Value::Tuple(items) => items
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("-"),
        other => other.to_string(),
    };
    Ok(UserId::new(&name)?)
}

/// The role of a user `(role, seat)`.
fn role_of(user: &Value) -> Option<Role> {
    let Value::Tuple(items) = user else {
        return None;
    };
    let name = items.first()?.to_string();
    serde_json::from_value(serde_json::Value::String(name)).ok()
}

fn version_of(v: i64) -> Result<u32, RunError> {
    u32::try_from(v).map_err(|_| RunError::LedgerToken {
        token: v.to_string(),
        expected: "a version from 0 to 2^32 - 1".into(),
    })
}
