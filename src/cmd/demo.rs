//! `sesphr demo`: the SeSPHR scenario on disk, narrated step by step.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use serde::Serialize;
use serde_json::json;
use sesphr_model::cloud::ObjectId;
use sesphr_model::crypto::coalition::OwnerCapability;
use sesphr_model::crypto::{
    Aad, Ciphertext, KeyPair, Plaintext, SigningKey, UserR, decapsulate, decapsulate_own,
    encapsulate, open, seal,
};
use sesphr_model::ledger;
use sesphr_model::ledger::Hash;
use sesphr_model::phr::{self, PhrDocument};
use sesphr_model::policy::{Label, Policy, Role, UserId};
use sesphr_model::srs::KeyMode;
use sesphr_model::system::{OwnerKeys, System};
use sesphr_model::upload::UploadStatement;
use sesphr_model::{DenyReason, Error};

/// Options of `sesphr demo`.
#[derive(Args)]
pub struct DemoArgs {
    /// Directory for the cloud store and the ledger (must be empty or absent;
    /// default: a fresh directory under the system temp dir).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Key management: `paper` (the SRS holds every key), `delegated` (users
    /// keep their keys) or `hardened` (delegated, with one patient key per
    /// partition label, so the SRS colluding with a user opens only that
    /// user's labels).
    #[arg(long, value_enum, default_value_t = Mode::Delegated)]
    mode: Mode,
    /// Print one JSON object (the steps, each with its checks and notes, and
    /// the verdict) instead of the narration (schema: docs/schema/demo.schema.json).
    #[arg(long)]
    json: bool,
}

/// The key-management mode, as a command-line value.
#[derive(Clone, Copy, ValueEnum)]
enum Mode {
    Paper,
    Delegated,
    Hardened,
}

impl From<Mode> for KeyMode {
    fn from(mode: Mode) -> KeyMode {
        match mode {
            Mode::Paper => KeyMode::Paper,
            Mode::Delegated => KeyMode::Delegated,
            Mode::Hardened => KeyMode::Hardened,
        }
    }
}

/// Run the demo; exit 0 when every step behaved as the scheme says.
pub fn run(args: &DemoArgs) -> ExitCode {
    let mode = KeyMode::from(args.mode);
    let dir = match args
        .dir
        .clone()
        .map_or_else(fresh_dir, |d| super::empty_dir(&d).map(|()| d))
    {
        Ok(dir) => dir,
        Err(e) => {
            let error = e.context("cannot use the demo directory");
            crate::output::report_error(&error);
            if args.json {
                super::print_json(&json!({
                    "dir": args.dir.as_ref().map(|d| d.display().to_string()),
                    "mode": mode.to_string(),
                    "error": crate::output::render_error(&error),
                }));
            }
            return ExitCode::from(2);
        }
    };
    let mut narrator = Narrator {
        quiet: args.json,
        ..Narrator::default()
    };
    let outcome = scenario(&dir, mode, &mut narrator);
    if let Err(error) = &outcome {
        crate::output::report_error(error);
    }
    let failed = narrator.failures();
    if args.json {
        let mut value = json!({
            "dir": dir.display().to_string(),
            "mode": mode.to_string(),
            "steps": narrator.steps,
            "failed": failed,
            "passed": outcome.is_ok() && failed == 0,
        });
        match &outcome {
            Ok(head) => value["ledger_head"] = json!(head),
            Err(error) => value["error"] = json!(crate::output::render_error(error)),
        }
        super::print_json(&value);
    } else if outcome.is_ok() {
        outln!("");
        if failed == 0 {
            outln!(
                "all {} steps behaved as the scheme says",
                narrator.steps.len()
            );
        } else {
            outln!("{failed} of {} steps FAILED", narrator.steps.len());
        }
    }
    if outcome.is_ok() && failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn fresh_dir() -> Result<PathBuf> {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("sesphr-demo-{}-{nanos}", std::process::id()));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// Records the steps, and prints them as they come unless `quiet`.
#[derive(Default)]
struct Narrator {
    quiet: bool,
    steps: Vec<Step>,
}

/// One step of the scenario, as `--json` shows it.
#[derive(Serialize)]
struct Step {
    number: usize,
    title: String,
    /// What the step showed, without a verdict (paths, counts, the head).
    notes: Vec<String>,
    checks: Vec<Check>,
}

/// One expectation of a step and whether it held.
#[derive(Serialize)]
struct Check {
    ok: bool,
    what: String,
}

impl Narrator {
    fn step(&mut self, title: &str) {
        let number = self.steps.len() + 1;
        if !self.quiet {
            outln!("\n[{number:>2}] {title}");
        }
        self.steps.push(Step {
            number,
            title: title.to_owned(),
            notes: Vec::new(),
            checks: Vec::new(),
        });
    }

    fn note(&mut self, text: String) {
        if !self.quiet {
            outln!("     {text}");
        }
        if let Some(step) = self.steps.last_mut() {
            step.notes.push(text);
        }
    }

    fn expect(&mut self, ok: bool, what: &str) {
        if !self.quiet {
            outln!("     {}: {what}", if ok { "ok" } else { "FAILED" });
        }
        if let Some(step) = self.steps.last_mut() {
            step.checks.push(Check {
                ok,
                what: what.to_owned(),
            });
        }
    }

    /// The checks that did not hold.
    fn failures(&self) -> usize {
        self.steps
            .iter()
            .flat_map(|s| &s.checks)
            .filter(|c| !c.ok)
            .count()
    }
}

fn describe<T>(result: &sesphr_model::Result<T>) -> String {
    match result {
        Ok(_) => "succeeded".to_owned(),
        Err(e) => format!("refused: {e}"),
    }
}

/// Runs the scenario in `dir`; returns the ledger's final signed head.
fn scenario(dir: &Path, mode: KeyMode, n: &mut Narrator) -> Result<String> {
    let mut scene = Scene::set_up(dir, mode, n)?;
    let dave_cached_r = scene.upload_and_read(n)?;
    let v2 = scene.revoke_and_upload_again(&dave_cached_r, n)?;
    scene.cloud_tampers(v2, n)?;
    scene.curious_srs(v2, n)?;
    scene.colluding_srs(v2, n)?;
    scene.insider_plants_a_version(n)?;
    Ok(scene.verify_ledger(dir, n))
}

/// The people and partitions of the scenario.
struct Cast {
    alice: UserId,
    bob: UserId,
    carol: UserId,
    dave: UserId,
    erin: UserId,
    mallory: UserId,
    personal: Label,
    medical: Label,
    prescription: Label,
}

impl Cast {
    fn new() -> Result<Cast> {
        let id = |name: &str| UserId::new(name).context("user id");
        let label = |name: &str| Label::new(name).context("label");
        Ok(Cast {
            alice: id("alice")?,
            bob: id("dr-bob")?,
            carol: id("carol-insurer")?,
            dave: id("dave-pharmacist")?,
            erin: id("erin-family")?,
            mallory: id("mallory-friend")?,
            personal: label("personal")?,
            medical: label("medical")?,
            prescription: label("prescription")?,
        })
    }
}

/// The scenario's system and what its acts share.
struct Scene {
    mode: KeyMode,
    cast: Cast,
    sys: System,
    alice_keys: OwnerKeys,
    bob_keys: KeyPair,
    carol_keys: KeyPair,
    dave_keys: KeyPair,
    /// Alice's record.
    doc: PhrDocument,
}

impl Scene {
    /// Step 1: the system created in `dir`, the users enrolled.
    fn set_up(dir: &Path, mode: KeyMode, n: &mut Narrator) -> Result<Scene> {
        let cast = Cast::new()?;
        let Cast {
            alice,
            bob,
            carol,
            dave,
            erin,
            mallory,
            ..
        } = &cast;
        n.step(&format!("Setup in {} ({mode} key mode)", dir.display()));
        let (mut sys, alice_keys) =
            System::create(dir, mode, alice.clone(), Policy::paper_default())?;
        let bob_keys = sys.enroll(bob, Role::Doctor, false, &alice_keys)?;
        let carol_keys = sys.enroll(carol, Role::Insurer, false, &alice_keys)?;
        let dave_keys = sys.enroll(dave, Role::Pharmacist, false, &alice_keys)?;
        sys.enroll(erin, Role::Family, true, &alice_keys)?;
        n.note(format!("cloud: {}", sys.cloud.root().display()));
        n.note(format!("ledger: {}", sys.ledger_path().display()));
        n.note(format!(
            "enrolled {bob} (doctor), {carol} (insurer), {dave} (pharmacist), {erin} (family, approved by {alice})"
        ));
        let held = sys.srs.held_secret_count();
        match mode {
            KeyMode::Paper => n.expect(
                held == 5,
                &format!("the SRS generated and keeps all {held} secret keys"),
            ),
            KeyMode::Delegated | KeyMode::Hardened => n.expect(
                held == 0,
                "users generated their own keys; the SRS holds no secret key",
            ),
        }
        let refused = sys.enroll(mallory, Role::Friend, false, &alice_keys);
        n.expect(
            matches!(refused, Err(Error::JoinRefused { .. })),
            &format!(
                "{mallory} cannot join as a friend without {alice}'s approval ({})",
                describe(&refused)
            ),
        );
        let doc = phr::synthetic(
            Label::new("alice-phr").context("label")?,
            alice.clone(),
            &Label::defaults(),
            64 * 1024,
            2018,
        );
        Ok(Scene {
            mode,
            cast,
            sys,
            alice_keys,
            bob_keys,
            carol_keys,
            dave_keys,
            doc,
        })
    }

    /// Steps 2 to 5: version 1 uploaded, read by those granted, refused to
    /// the others; returns the R value the SRS served Dave, which he keeps.
    fn upload_and_read(&mut self, n: &mut Narrator) -> Result<UserR> {
        let Scene { cast, sys, doc, .. } = self;
        let Cast {
            alice,
            bob,
            carol,
            dave,
            personal,
            medical,
            prescription,
            ..
        } = cast;
        n.step(&format!("{alice} uploads her record (version 1)"));
        let v1 = sys.upload(&self.alice_keys, doc)?;
        n.note(format!("{} partitions, {} bytes of JSON, encrypted with fresh r_i each; R values to the SRS, digests to the ledger",
            doc.partitions.len(),
            doc.plaintext_len()
        ));
        n.expect(v1 == 1, "stored as version 1");

        n.step(&format!("{bob} (doctor) reads the medical partition"));
        let read = sys.read(bob, &self.bob_keys.secret, &doc.file, v1, medical);
        n.expect(
            is_partition(read.as_ref().ok(), doc, medical),
            &format!("decrypted the medical partition ({})", describe(&read)),
        );

        n.step(&format!(
            "{carol} (insurer) asks for the personal partition"
        ));
        let read = sys.read(carol, &self.carol_keys.secret, &doc.file, v1, personal);
        n.expect(
            denied(&read, DenyReason::NotGranted),
            &format!("the SRS refuses R ({})", describe(&read)),
        );

        n.step(&format!("{dave} (pharmacist) reads prescriptions"));
        let read = sys.read(dave, &self.dave_keys.secret, &doc.file, v1, prescription);
        n.expect(
            is_partition(read.as_ref().ok(), doc, prescription),
            &format!("decrypted the prescription partition ({})", describe(&read)),
        );
        Ok(sys.srs.serve(dave, &doc.file, v1, prescription)?)
    }

    /// Steps 6 to 8: Dave revoked, version 2 uploaded, Dave refused it and
    /// the key of his `cached_r` useless; returns version 2's number.
    fn revoke_and_upload_again(&mut self, cached_r: &UserR, n: &mut Narrator) -> Result<u32> {
        let Scene { cast, sys, doc, .. } = self;
        let Cast {
            alice,
            dave,
            prescription,
            ..
        } = cast;
        n.step(&format!("{alice} revokes {dave}"));
        sys.revoke(dave)?;
        n.expect(
            sys.srs.acl_entry(dave).is_some_and(|e| e.revoked)
                && sys.srs.held_secret(dave).is_none(),
            "the SRS deleted his re-encryption key (and keys, in paper mode) and marked the ACL",
        );

        n.step(&format!(
            "{alice} re-uploads her record (version 2, fresh r_i)"
        ));
        let v2 = sys.upload(&self.alice_keys, doc)?;
        n.expect(v2 == 2, "stored as version 2");

        n.step(&format!("{dave}, revoked, tries version 2"));
        let read = sys.read(dave, &self.dave_keys.secret, &doc.file, v2, prescription);
        n.expect(
            denied(&read, DenyReason::Revoked),
            &format!("the SRS refuses R ({})", describe(&read)),
        );
        let object = ObjectId {
            file: doc.file.clone(),
            version: v2,
            label: prescription.clone(),
        };
        let old_key = decapsulate(&self.dave_keys.secret, cached_r)?;
        let attempt = open(
            &old_key,
            &aad(doc, prescription, v2),
            &Ciphertext::from_bytes(sys.cloud.get(&object)?)?,
        );
        n.expect(
            matches!(attempt, Err(Error::TagMismatch { .. })),
            &format!(
                "his cached version-1 key does not open version 2 ({})",
                describe(&attempt)
            ),
        );
        Ok(v2)
    }

    /// Step 9: the cloud alters an object; the ledger's digest and the GCM
    /// tag each catch it.
    fn cloud_tampers(&mut self, v2: u32, n: &mut Narrator) -> Result<()> {
        let Scene { cast, sys, doc, .. } = self;
        let (bob, medical) = (&cast.bob, &cast.medical);
        n.step(&format!(
            "the cloud tampers with {bob}'s medical object; {bob} reads it"
        ));
        let medical_v2 = ObjectId {
            file: doc.file.clone(),
            version: v2,
            label: medical.clone(),
        };
        sys.cloud.tamper(&medical_v2, 100, 0x01)?;
        let read = sys.read(bob, &self.bob_keys.secret, &doc.file, v2, medical);
        n.expect(
            matches!(read, Err(Error::DigestMismatch { .. })),
            &format!("the ledger digest catches it ({})", describe(&read)),
        );
        let r_bob = sys.srs.serve(bob, &doc.file, v2, medical)?;
        let attempt = open(
            &decapsulate(&self.bob_keys.secret, &r_bob)?,
            &aad(doc, medical, v2),
            &Ciphertext::from_bytes(sys.cloud.get(&medical_v2)?)?,
        );
        n.expect(
            matches!(attempt, Err(Error::TagMismatch { .. })),
            &format!(
                "without the ledger, the GCM tag catches it too ({})",
                describe(&attempt)
            ),
        );
        Ok(())
    }

    /// The personal partition of version `v2`, where the cloud keeps it.
    fn personal_v2(&self, v2: u32) -> ObjectId {
        ObjectId {
            file: self.doc.file.clone(),
            version: v2,
            label: self.cast.personal.clone(),
        }
    }

    /// Step 10: the SRS, alone, tries the personal partition.
    fn curious_srs(&self, v2: u32, n: &mut Narrator) -> Result<()> {
        let (mode, cast, sys, doc) = (self.mode, &self.cast, &self.sys, &self.doc);
        let personal = &cast.personal;
        n.step("a curious SRS reads the cloud and tries the personal partition");
        let stolen = sys.srs.held_secret(&cast.alice).and_then(|x_p| {
            let r = sys.srs.stored_r(&doc.file, v2, personal)?;
            let bytes = sys.cloud.get(&self.personal_v2(v2)).ok()?;
            open(
                &decapsulate_own(x_p, &r).ok()?,
                &aad(doc, personal, v2),
                &Ciphertext::from_bytes(bytes).ok()?,
            )
            .ok()
        });
        match mode {
            KeyMode::Paper => n.expect(
                is_partition(stolen.as_ref(), doc, personal),
                "paper mode: the SRS holds alice's secret and recovers the partition (the paper's weakness)",
            ),
            KeyMode::Delegated | KeyMode::Hardened => n.expect(
                stolen.is_none(),
                &format!("{mode} mode: the SRS holds no secret key and recovers nothing"),
            ),
        }
        Ok(())
    }

    /// Step 11: the SRS with Bob's key tries the personal partition.
    fn colluding_srs(&self, v2: u32, n: &mut Narrator) -> Result<()> {
        let (mode, cast, sys, doc) = (self.mode, &self.cast, &self.sys, &self.doc);
        let (bob, personal) = (&cast.bob, &cast.personal);
        n.step(&format!(
            "the SRS colludes with {bob} (doctor) and tries the personal partition"
        ));
        let r_personal = sys
            .srs
            .stored_r(&doc.file, v2, personal)
            .context("the SRS holds R of the personal partition")?;
        let aad = aad(doc, personal, v2);
        let personal_ct = Ciphertext::from_bytes(sys.cloud.get(&self.personal_v2(v2))?)?;
        let mut opened = false;
        for (_, rekey) in sys.srs.held_rekeys(bob) {
            let capability = OwnerCapability::derive(&rekey, &self.bob_keys.secret)?;
            opened |= open(&capability.decapsulate(&r_personal), &aad, &personal_ct).is_ok();
        }
        match mode {
            KeyMode::Paper | KeyMode::Delegated => n.expect(
                opened,
                &format!(
                    "{mode} mode: RK^(1/x_U) = g2^(1/x_P) opens every partition, whatever the ACL says \
                     (the collusion bound of this re-encryption scheme; --mode hardened narrows it)"
                ),
            ),
            KeyMode::Hardened => n.expect(
                !opened,
                &format!(
                    "hardened mode: {bob}'s re-encryption keys are per label (medical, prescription); personal stays closed"
                ),
            ),
        }
        Ok(())
    }

    /// Step 12: an insider forges version 3; the SRS and a reader refuse it.
    fn insider_plants_a_version(&mut self, n: &mut Narrator) -> Result<()> {
        let Scene { cast, sys, doc, .. } = self;
        let (alice, medical) = (&cast.alice, &cast.medical);
        n.step("an insider plants a version 3 of the medical partition");
        let mallory_keys = mallory_keys()?;
        let (key, r_forged) = encapsulate(&mallory_keys.0)?;
        let forged = seal(&key, &aad(doc, medical, 3), b"{\"diagnosis\":\"forged\"}")?;
        let statement = UploadStatement {
            file: doc.file.clone(),
            version: 3,
            label: medical.clone(),
            digest: Hash::of(forged.as_bytes()),
            r_owner: r_forged,
        };
        let signature = statement.sign(&mallory_keys.1);
        let at_srs = sys.srs.store_signed_r(&statement, &signature);
        n.expect(
            matches!(at_srs, Err(Error::ForgedUpload { .. })),
            &format!(
                "the SRS refuses an R value not signed by {alice} ({})",
                describe(&at_srs)
            ),
        );
        let entry = statement.to_entry(signature);
        let owner_key = sys.ledger.log().owner_upload_key();
        let at_reader = UploadStatement::check_entry(&doc.file, 3, &entry, owner_key);
        n.expect(
            matches!(at_reader, Err(Error::ForgedUpload { .. })),
            &format!(
                "a reader refuses the planted ledger entry ({})",
                describe(&at_reader)
            ),
        );
        Ok(())
    }

    /// Step 13: the ledger verified whole; its head, to pin.
    fn verify_ledger(&self, dir: &Path, n: &mut Narrator) -> String {
        let sys = &self.sys;
        n.step("anyone verifies the ledger");
        let blocks = ledger::verify(&sys.ledger_path());
        n.expect(
            blocks
                .as_ref()
                .is_ok_and(|b| b.len() == sys.ledger.blocks().len()),
            &format!(
                "{} intact with {} blocks",
                sys.ledger_path().display(),
                sys.ledger.blocks().len(),
            ),
        );
        let head = sys.ledger.head();
        n.note(format!("head {head}"));
        n.note(format!(
            "pin it, then later: sesphr ledger verify {} --expect-head {head}",
            sys.ledger_path().display()
        ));
        n.note(format!(
            "and: sesphr audit {} (it names the object the cloud tampered with in step 9)",
            dir.display()
        ));
        head.to_string()
    }
}

/// The associated data that binds partition `label` of version `version`
/// of `doc` to its place.
fn aad(doc: &PhrDocument, label: &Label, version: u32) -> Aad {
    Aad {
        file: doc.file.clone(),
        label: label.clone(),
        version,
    }
}

/// An insider's own keys: a proxy re-encryption secret and a signing key.
fn mallory_keys() -> Result<(sesphr_model::crypto::SecretKey, SigningKey)> {
    Ok((
        sesphr_model::crypto::KeyPair::generate()?.secret,
        SigningKey::generate()?,
    ))
}

/// Whether `plain` is the text `doc` holds for partition `label` (compared
/// in place: no copy of either).
fn is_partition(plain: Option<&Plaintext>, doc: &PhrDocument, label: &Label) -> bool {
    match (plain, doc.partition(label)) {
        (Some(plain), Some(partition)) => plain.as_bytes() == partition.plaintext(),
        _ => false,
    }
}

fn denied<T>(result: &sesphr_model::Result<T>, expected: DenyReason) -> bool {
    matches!(result, Err(Error::AccessDenied { reason, .. }) if *reason == expected)
}
