//! End-to-end: `sesphr audit DIR` names every kind of damage to the cloud
//! store, repairs what is safe to repair, and a demo killed at random points
//! leaves a ledger that verifies and a store whose damage audit names.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn sesphr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .output()
        .expect("the sesphr binary runs")
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sesphr-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A fresh scratch directory `name` holding a whole demo run.
fn demo_dir(name: &str) -> PathBuf {
    let dir = scratch(name);
    let out = sesphr(&["demo", "--dir", dir.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out));
    dir
}

fn audit(dir: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["audit", dir.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = sesphr(&args);
    (out.status.code(), text(&out))
}

/// The finding lines of an audit's output.
fn findings(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| !l.starts_with("audit ") && !l.starts_with("head "))
        .map(str::to_owned)
        .collect()
}

const TAMPERED_BY_THE_DEMO: &str =
    "corrupted: alice-phr/v2/medical (SHA-256 differs from the ledger)";

#[test]
fn audit_names_each_kind_of_damage_and_repairs_the_safe_ones() {
    let dir = demo_dir("damage");
    let objects = dir.join("cloud/objects/alice-phr");
    // The demo's own tampering (step 9) is the only finding at first.
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    assert_eq!(findings(&output), vec![TAMPERED_BY_THE_DEMO.to_owned()]);
    assert!(output.contains("audit "));
    assert!(output.contains("1 finding (8 objects stored, 8 listed by the ledger)"));

    std::fs::remove_file(objects.join("v1/personal.ct")).unwrap();
    std::fs::create_dir_all(objects.join("v7")).unwrap();
    std::fs::write(objects.join("v7/medical.ct"), b"planted").unwrap();
    std::fs::write(dir.join("cloud/tmp/1-1.tmp"), b"half").unwrap();
    std::fs::write(dir.join(".ledger.jsonl.1.tmp"), b"half").unwrap();
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1));
    let found = findings(&output);
    for expected in [
        TAMPERED_BY_THE_DEMO,
        "missing: alice-phr/v1/personal (listed in the ledger, not in the store)",
        "orphaned: alice-phr/v7/medical (in the store, listed by no upload)",
        "leftover temporary file: ",
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(expected)),
            "{expected}: {output}"
        );
    }
    assert_eq!(found.len(), 5, "{output}");

    let (code, output) = audit(&dir, &["--repair"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(output.contains("repaired: orphaned: alice-phr/v7/medical"));
    assert!(output.contains("cannot repair 2 findings"), "{output}");
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1));
    assert_eq!(findings(&output).len(), 2, "{output}");
    assert!(!objects.join("v7/medical.ct").exists());
    assert!(!dir.join("cloud/tmp/1-1.tmp").exists());
    // Moved, not deleted: an orphan may be genuine where the ledger was cut
    // back to an earlier block, which verifies.
    let kept = dir.join("quarantine/cloud/objects/alice-phr/v7/medical.ct");
    assert_eq!(std::fs::read(&kept).unwrap(), b"planted");
    assert!(dir.join("quarantine/cloud/tmp/1-1.tmp").is_file());

    // A pinned head from a longer ledger: the ledger is not an extension.
    let ledger = dir.join("ledger.jsonl");
    let head = text(&sesphr(&["ledger", "head", ledger.to_str().unwrap()]));
    let bytes = std::fs::read(&ledger).unwrap();
    let cut = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|&b| b == b'\n')
        .unwrap();
    std::fs::write(&ledger, &bytes[..=cut]).unwrap();
    let (code, output) = audit(&dir, &["--expect-head", head.trim()]);
    assert_eq!(code, Some(1));
    assert!(
        output.contains("not an extension of the pinned head"),
        "{output}"
    );
    std::fs::remove_dir_all(&dir).unwrap();

    let unreadable = |why: &str| {
        let out = sesphr(&["audit", dir.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{why}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(stderr.contains(why), "{stderr}");
    };
    unreadable("No such file or directory");
    // A file where the directory should be is named as such.
    std::fs::write(&dir, "not a system").unwrap();
    unreadable("not a directory");
    std::fs::remove_file(&dir).unwrap();
}

/// `sesphr audit DIR --json EXTRA...`: the exit code and the document.
fn audit_json(dir: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut args = vec!["audit", dir.to_str().unwrap(), "--json"];
    args.extend_from_slice(extra);
    let out = sesphr(&args);
    let document =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
    (out.status.code(), document)
}

/// The `kind` of each finding listed under `key` in an audit's document.
fn kinds(document: &serde_json::Value, key: &str) -> Vec<String> {
    let list = document[key].as_array().expect(key);
    list.iter()
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_audit_as_json_names_each_finding_by_kind_with_the_same_exit_code() {
    let dir = demo_dir("json");
    let ledger = dir.join("ledger.jsonl");
    let (code, document) = audit_json(&dir, &[]);
    assert_eq!(code, Some(1), "{document}");
    assert_eq!(document["clean"], false);
    assert_eq!(
        (document["objects"].as_u64(), document["listed"].as_u64()),
        (Some(8), Some(8))
    );
    let tampered = &document["findings"][0];
    assert_eq!(kinds(&document, "findings"), ["corrupted"]);
    assert_eq!(tampered["object"], "alice-phr/v2/medical");
    assert_eq!(tampered["message"], TAMPERED_BY_THE_DEMO);
    assert_eq!(tampered["repairable"], false);
    // The head is the one `ledger head` prints, and it may be pinned.
    let head = text(&sesphr(&["ledger", "head", ledger.to_str().unwrap()]));
    assert_eq!(document["head"].as_str(), Some(head.trim()));
    assert_eq!(document["head_may_be_pinned"], true);

    // What --repair moved and what it left, in the same document.
    let objects = dir.join("cloud/objects/alice-phr");
    std::fs::create_dir_all(objects.join("v7")).unwrap();
    std::fs::write(objects.join("v7/medical.ct"), b"planted").unwrap();
    std::fs::write(dir.join("cloud/tmp/1-1.tmp"), b"half").unwrap();
    let (code, document) = audit_json(&dir, &["--repair"]);
    assert_eq!(code, Some(1), "{document}");
    let mut repaired = kinds(&document, "repaired");
    repaired.sort();
    assert_eq!(repaired, ["leftover_temporary_file", "orphaned"]);
    assert_eq!(kinds(&document, "unrepaired"), ["corrupted"]);
    assert_eq!(document["findings"].as_array().map(Vec::len), Some(3));

    // A tampered ledger: the line is given, and the head may not be pinned.
    let genuine = std::fs::read_to_string(&ledger).unwrap();
    let changed = genuine.replacen("\"role\":\"doctor\"", "\"role\":\"family\"", 1);
    assert_ne!(changed, genuine);
    std::fs::write(&ledger, &changed).unwrap();
    let (code, document) = audit_json(&dir, &[]);
    assert_eq!(code, Some(1), "{document}");
    let first = &document["findings"][0];
    assert_eq!(first["kind"], "ledger_tampered");
    let line = genuine
        .lines()
        .zip(changed.lines())
        .position(|(a, b)| a != b);
    assert_eq!(first["line"].as_u64(), line.map(|l| l as u64 + 1));
    assert_eq!(document["head_may_be_pinned"], false);

    // The ledger cut back before the second version (which verifies on its
    // own): repaired whole, exit 0, and then clean.
    let second = genuine
        .find("{\"upload\":{\"file\":\"alice-phr\",\"version\":2,")
        .unwrap();
    std::fs::write(&ledger, &genuine[..=genuine[..second].rfind('\n').unwrap()]).unwrap();
    let (code, document) = audit_json(&dir, &["--repair"]);
    assert_eq!(code, Some(0), "{document}");
    assert_eq!(kinds(&document, "unrepaired"), Vec::<String>::new());
    let (code, document) = audit_json(&dir, &["--repair"]);
    assert_eq!(code, Some(0), "{document}");
    assert_eq!(kinds(&document, "repaired"), Vec::<String>::new());
    let (code, document) = audit_json(&dir, &[]);
    assert_eq!(code, Some(0), "{document}");
    assert_eq!(
        (&document["clean"], &document["findings"]),
        (&serde_json::json!(true), &serde_json::json!([]))
    );
    // A directory that cannot be read exits 2, the error in the document.
    std::fs::remove_dir_all(&dir).unwrap();
    let (code, document) = audit_json(&dir, &[]);
    assert_eq!(code, Some(2), "{document}");
    assert!(
        document["error"].as_str().unwrap().contains("No such file"),
        "{document}"
    );
}

/// The objects under `dir`'s store, as paths relative to it, sorted.
fn stored_objects(dir: &Path) -> Vec<String> {
    fn walk(at: &Path, root: &Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, root, out);
            } else {
                out.push(path.strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    let mut out = Vec::new();
    walk(&dir.join("cloud/objects"), dir, &mut out);
    out.sort();
    out
}

#[test]
fn repair_deletes_no_object_while_the_ledger_is_in_doubt() {
    let dir = demo_dir("doubt");
    let ledger = dir.join("ledger.jsonl");
    let head = text(&sesphr(&["ledger", "head", ledger.to_str().unwrap()]));
    let genuine = std::fs::read(&ledger).unwrap();
    let objects = stored_objects(&dir);
    assert_eq!(objects.len(), 8);
    let tampered = String::from_utf8(genuine.clone()).unwrap().replacen(
        "\"role\":\"doctor\"",
        "\"role\":\"family\"",
        1,
    );
    assert_ne!(tampered.as_bytes(), &genuine[..]);
    // The ledger as it was before the second version's upload.
    let genuine_text = String::from_utf8(genuine.clone()).unwrap();
    let second = genuine_text
        .find("{\"upload\":{\"file\":\"alice-phr\",\"version\":2,")
        .unwrap();
    let before_second = &genuine_text[..=genuine_text[..second].rfind('\n').unwrap()];
    let pinned = ["--expect-head", head.trim()];
    // A record changed, the ledger gone, the ledger rolled back past a pinned
    // head: the objects its verified part does not list are unverified, and
    // repair keeps them.
    for (how, ledger_bytes, extra) in [
        ("tampered", Some(tampered.into_bytes()), &[][..]),
        ("missing", None, &[][..]),
        (
            "rolled back",
            Some(before_second.as_bytes().to_vec()),
            &pinned[..],
        ),
    ] {
        match &ledger_bytes {
            Some(bytes) => std::fs::write(&ledger, bytes).unwrap(),
            None => std::fs::remove_file(&ledger).unwrap(),
        }
        let (code, output) = audit(&dir, &[&["--repair"], extra].concat());
        assert_eq!(code, Some(1), "{how}: {output}");
        assert!(
            output.contains("unverified: alice-phr/v") && !output.contains("repaired: "),
            "{how}: {output}"
        );
        assert_eq!(stored_objects(&dir), objects, "{how}: {output}");
        if how == "tampered" {
            let named = format!("ledger TAMPERED: {}:", ledger.display());
            assert!(output.contains(&named), "{output}");
            assert!(
                output.contains("the verified part's head (not the ledger's; do not pin it)"),
                "{output}"
            );
        }
        std::fs::write(&ledger, &genuine).unwrap();
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_ledger_cut_back_to_a_block_loses_no_object_to_repair() {
    let dir = demo_dir("cut");
    let ledger = dir.join("ledger.jsonl");
    let objects = stored_objects(&dir);
    // The ledger before the second version's upload verifies on its own:
    // without a recent pinned head the second version's objects look like
    // orphans. Repair moves them aside; it deletes none.
    let genuine = std::fs::read_to_string(&ledger).unwrap();
    let second = genuine
        .find("{\"upload\":{\"file\":\"alice-phr\",\"version\":2,")
        .unwrap();
    std::fs::write(&ledger, &genuine[..=genuine[..second].rfind('\n').unwrap()]).unwrap();
    let (code, output) = audit(&dir, &["--repair"]);
    assert_eq!(code, Some(0), "{output}");
    assert_eq!(
        output.matches("repaired: orphaned: alice-phr/v2/").count(),
        4,
        "{output}"
    );
    let mut kept = stored_objects(&dir);
    for entry in std::fs::read_dir(dir.join("quarantine/cloud/objects/alice-phr/v2")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        kept.push(format!("cloud/objects/alice-phr/v2/{name}"));
    }
    kept.sort();
    assert_eq!(kept, objects);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_ledger_cut_back_to_its_header_is_named_before_repair() {
    let dir = demo_dir("header-only");
    let ledger = dir.join("ledger.jsonl");
    let bytes = std::fs::read(&ledger).unwrap();
    let header = bytes.iter().position(|&b| b == b'\n').unwrap();
    std::fs::write(&ledger, &bytes[..=header]).unwrap();
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    assert!(
        output.contains(
            "warning: the ledger records nothing (no block) while the store holds 8 objects: \
             a ledger cut back to its header verifies on its own"
        ),
        "{output}"
    );
    assert_eq!(
        output.matches("orphaned: alice-phr/").count(),
        8,
        "{output}"
    );
    // A ledger that records something gives no such warning.
    std::fs::write(&ledger, &bytes).unwrap();
    let (_, output) = audit(&dir, &[]);
    assert!(!output.contains("warning:"), "{output}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn only_the_layouts_own_version_names_are_read_as_versions() {
    let dir = demo_dir("versions");
    let objects = dir.join("cloud/objects/alice-phr");
    // Copies under names that read as versions 1 and 3 with a lax parser:
    // each is an entry outside the layout, and the audit goes on to the
    // demo's own tampering.
    for name in ["v01", "v+1", "v03", "v0"] {
        std::fs::create_dir_all(objects.join(name)).unwrap();
        std::fs::copy(
            objects.join("v1/medical.ct"),
            objects.join(name).join("medical.ct"),
        )
        .unwrap();
    }
    // A name that would rewrite the terminal is printed escaped.
    std::fs::write(objects.join("v1/x\u{1b}[2J\nfake: line"), b"?").unwrap();
    // Names that are not UTF-8 are told apart.
    #[cfg(unix)]
    for name in [&b"bad\xffname"[..], b"bad\xfename"] {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(name);
        std::fs::write(objects.join("v1").join(name), b"?").unwrap();
    }
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    let found = findings(&output);
    for name in ["v0", "v01", "v+1", "v03"] {
        let expected = format!(
            "unexpected entry in the store: {}",
            objects.join(name).display()
        );
        assert!(found.contains(&expected), "{expected}: {output}");
    }
    assert!(found.contains(&TAMPERED_BY_THE_DEMO.to_owned()), "{output}");
    assert!(
        output.contains("v1/x\\u{1b}[2J\\u{a}fake: line") && !output.contains('\u{1b}'),
        "{output}"
    );
    #[cfg(unix)]
    for name in ["bad\\x{ff}name", "bad\\x{fe}name"] {
        let expected = format!(
            "unexpected entry in the store: {}/{name}",
            objects.join("v1").display()
        );
        assert!(found.contains(&expected), "{expected}: {output}");
    }
    assert!(output.contains("(8 objects stored, 8 listed by the ledger)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_audit_creates_nothing_and_names_a_file_where_a_folder_belongs() {
    let dir = demo_dir("read-only");
    std::fs::remove_dir_all(dir.join("cloud/tmp")).unwrap();
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    assert_eq!(findings(&output), vec![TAMPERED_BY_THE_DEMO.to_owned()]);
    assert!(!dir.join("cloud/tmp").exists(), "the audit made cloud/tmp");
    std::fs::write(dir.join("cloud/tmp"), b"a file").unwrap();
    // Anything else at the store's root is named too.
    std::fs::create_dir_all(dir.join("cloud/objects2/alice-phr/v3")).unwrap();
    std::fs::write(dir.join("cloud/planted.ct"), b"?").unwrap();
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    for stray in ["cloud/tmp", "cloud/objects2", "cloud/planted.ct"] {
        let expected = format!(
            "unexpected entry in the store: {}",
            dir.join(stray).display()
        );
        assert!(
            findings(&output).contains(&expected),
            "{expected}: {output}"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(unix)]
#[test]
fn audit_follows_no_symbolic_link_out_of_the_store() {
    let dir = demo_dir("links");
    let objects = dir.join("cloud/objects/alice-phr");
    // An object replaced by a link to a copy of itself, and a version's
    // folder by a link to a copy of it: neither is read through.
    let outside = scratch("links-outside");
    std::fs::create_dir_all(&outside).unwrap();
    let personal = objects.join("v1/personal.ct");
    std::fs::rename(&personal, outside.join("personal.ct")).unwrap();
    std::os::unix::fs::symlink(outside.join("personal.ct"), &personal).unwrap();
    std::fs::rename(objects.join("v2"), outside.join("v2")).unwrap();
    std::os::unix::fs::symlink(outside.join("v2"), objects.join("v2")).unwrap();
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    let found = findings(&output);
    for expected in [
        format!("unexpected entry in the store: {}", personal.display()),
        format!(
            "unexpected entry in the store: {}",
            objects.join("v2").display()
        ),
        "missing: alice-phr/v1/personal (listed in the ledger, not in the store)".to_owned(),
        "missing: alice-phr/v2/medical (listed in the ledger, not in the store)".to_owned(),
    ] {
        assert!(found.contains(&expected), "{expected}: {output}");
    }
    // The store itself as a link to another store: named, not followed.
    let elsewhere = demo_dir("links-store");
    let linked = scratch("links-linked");
    std::fs::create_dir_all(&linked).unwrap();
    std::fs::copy(elsewhere.join("ledger.jsonl"), linked.join("ledger.jsonl")).unwrap();
    std::os::unix::fs::symlink(elsewhere.join("cloud"), linked.join("cloud")).unwrap();
    let (code, through) = audit(&linked, &["--repair"]);
    assert_eq!(code, Some(1), "{through}");
    let expected = format!(
        "unexpected entry in the store: {}",
        linked.join("cloud").display()
    );
    assert!(findings(&through).contains(&expected), "{through}");
    let found = findings(&through);
    assert!(
        !found.iter().any(|f| f.starts_with("corrupted")),
        "{through}"
    );
    assert_eq!(stored_objects(&elsewhere).len(), 8);
    std::fs::remove_dir_all(&elsewhere).unwrap();
    std::fs::remove_dir_all(&linked).unwrap();
    // The demo's tampering lies behind the link: not read, so not reported
    // as corrupted.
    assert!(!output.contains("corrupted"), "{output}");
    assert!(
        output.contains("(3 objects stored, 8 listed by the ledger)"),
        "{output}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
}

#[cfg(unix)]
#[test]
fn repair_moves_nothing_through_a_link_in_the_quarantine() {
    let dir = demo_dir("quarantine-links");
    let outside = scratch("quarantine-links-outside");
    std::fs::create_dir_all(&outside).unwrap();
    let planted_temp = dir.join("cloud/tmp/evil-job");
    let planted_object = dir.join("cloud/objects/alice-phr/v7/medical.ct");
    std::fs::create_dir_all(planted_object.parent().unwrap()).unwrap();
    for link in ["quarantine", "quarantine/cloud", "quarantine/cloud/tmp"] {
        std::fs::write(&planted_temp, b"x").unwrap();
        std::fs::write(&planted_object, b"planted").unwrap();
        let _ = std::fs::remove_dir_all(dir.join("quarantine"));
        let at = dir.join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&outside, &at).unwrap();
        let out = sesphr(&["audit", dir.to_str().unwrap(), "--repair"]);
        assert_eq!(out.status.code(), Some(2), "{link}: {out:?}");
        let named = format!(
            "{} is a symbolic link: repair moves files only through plain directories",
            at.display()
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&named), "{link}: {stderr}");
        assert_eq!(
            std::fs::read_dir(&outside).unwrap().count(),
            0,
            "{link}: a file was moved out of the directory"
        );
        assert!(planted_temp.is_file() || planted_object.is_file(), "{link}");
    }
    // Without links the same repair moves both into the quarantine.
    std::fs::remove_dir_all(dir.join("quarantine")).unwrap();
    std::fs::write(&planted_temp, b"x").unwrap();
    std::fs::write(&planted_object, b"planted").unwrap();
    let (code, output) = audit(&dir, &["--repair"]);
    assert_eq!(code, Some(1), "{output}");
    assert!(
        dir.join("quarantine/cloud/tmp/evil-job").is_file(),
        "{output}"
    );
    assert!(
        dir.join("quarantine/cloud/objects/alice-phr/v7/medical.ct")
            .is_file(),
        "{output}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
}

/// `sesphr audit DIR` as a user without privileges (through `setpriv`
/// when the tests run as root, whom no permission stops): its exit code and
/// standard output.
#[cfg(unix)]
fn audit_unprivileged(dir: &Path) -> (Option<i32>, String) {
    let uid = Command::new("id").arg("-u").output().unwrap();
    let binary = env!("CARGO_BIN_EXE_sesphr");
    let mut command = if text(&uid).trim() == "0" {
        let mut setpriv = Command::new("setpriv");
        setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        setpriv
    } else {
        Command::new(binary)
    };
    let out = command
        .args(["audit", dir.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "the audit could not run: {out:?}"
    );
    (out.status.code(), text(&out))
}

#[cfg(unix)]
#[test]
fn what_cannot_be_read_is_a_finding_and_the_rest_is_still_audited() {
    use std::os::unix::fs::PermissionsExt;
    let dir = demo_dir("unreadable");
    let objects = dir.join("cloud/objects/alice-phr");
    // The store's tmp a link to /etc: named, and every object still read.
    let tmp = dir.join("cloud/tmp");
    std::fs::remove_dir_all(&tmp).unwrap();
    std::os::unix::fs::symlink("/etc", &tmp).unwrap();
    let (code, output) = audit(&dir, &[]);
    assert_eq!(code, Some(1), "{output}");
    let stray = format!("unexpected entry in the store: {}", tmp.display());
    assert_eq!(
        findings(&output),
        vec![TAMPERED_BY_THE_DEMO.to_owned(), stray.clone()],
        "{output}"
    );
    // An object the auditor may not read, and a version folder it may list
    // but not search: each named with the OS error, nothing called missing
    // or out of place, and the other objects checked.
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    };
    let personal = objects.join("v2/personal.ct");
    mode(&personal, 0o000);
    mode(&objects.join("v1"), 0o444);
    let (code, output) = audit_unprivileged(&dir);
    mode(&personal, 0o644);
    mode(&objects.join("v1"), 0o755);
    assert_eq!(code, Some(1), "{output}");
    let found = findings(&output);
    for expected in [
        TAMPERED_BY_THE_DEMO.to_owned(),
        stray,
        format!(
            "unreadable: {} (cannot search the directory: Permission denied",
            objects.join("v1").display()
        ),
        format!("unreadable: {} (Permission denied", personal.display()),
    ] {
        assert!(
            found.iter().any(|f| f.starts_with(&expected)),
            "{expected}: {output}"
        );
    }
    assert_eq!(found.len(), 4, "{output}");
    // Version 1's four objects are out of sight; version 2's are counted.
    assert!(
        output.contains("(4 objects stored, 8 listed by the ledger)"),
        "{output}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `sesphr audit DIR`, killed (and failing) after 20 s: its exit code
/// and standard output.
#[cfg(unix)]
fn audit_within_20s(dir: &Path) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(["audit", dir.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("audit {} still runs after 20 s", dir.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), text(&out))
}

#[cfg(unix)]
#[test]
fn a_ledger_that_is_no_regular_file_is_named_not_followed_nor_waited_on() {
    let dir = demo_dir("ledger-kinds");
    let ledger = dir.join("ledger.jsonl");
    // The genuine ledger moved out of DIR and linked back: not read
    // through the link, so the demo's tampering is not checked against it.
    let outside = scratch("ledger-kinds-outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::rename(&ledger, outside.join("ledger.jsonl")).unwrap();
    std::os::unix::fs::symlink(outside.join("ledger.jsonl"), &ledger).unwrap();
    for kind in ["a symbolic link", "a FIFO"] {
        let (code, output) = audit_within_20s(&dir);
        assert_eq!(code, Some(1), "{kind}: {output}");
        let found = findings(&output);
        let named = format!(
            "ledger unreadable: {}: {kind}, not a regular file (not followed or read)",
            ledger.display()
        );
        assert!(found.contains(&named), "{kind}: {output}");
        // Every object is named as unverified; none is called an orphan.
        assert_eq!(
            found
                .iter()
                .filter(|f| f.starts_with("unverified: "))
                .count(),
            8,
            "{kind}: {output}"
        );
        assert_eq!(found.len(), 9, "{kind}: {output}");
        std::fs::remove_file(&ledger).unwrap();
        let made = Command::new("mkfifo").arg(&ledger).status().unwrap();
        assert!(made.success());
    }
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_dir_all(&outside).unwrap();
}

/// A deterministic sequence of delays in [0, span) (a linear congruential
/// generator: the same points every run).
fn delays(count: usize, span: Duration) -> Vec<Duration> {
    let mut state: u64 = 0x2018_0710;
    (0..count)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            span.mul_f64((state >> 11) as f64 / (1u64 << 53) as f64)
        })
        .collect()
}

#[test]
fn a_demo_killed_anywhere_leaves_a_valid_ledger_and_named_damage() {
    // How long a whole run takes here, to spread the kills over it.
    let full = scratch("kill-timing");
    let started = Instant::now();
    assert!(
        sesphr(&["demo", "--dir", full.to_str().unwrap()])
            .status
            .success()
    );
    let span = started.elapsed();
    std::fs::remove_dir_all(&full).unwrap();

    for (run, delay) in delays(8, span).into_iter().enumerate() {
        let dir = scratch(&format!("kill-{run}"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_sesphr"))
            .args(["demo", "--dir", dir.to_str().unwrap()])
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        if !dir.exists() {
            continue;
        }
        let ledger = dir.join("ledger.jsonl");
        if ledger.exists() {
            let out = sesphr(&["ledger", "verify", ledger.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(0), "run {run}: {}", text(&out));
        }
        let (code, output) = audit(&dir, &[]);
        let found = findings(&output);
        assert_eq!(code, Some(if found.is_empty() { 0 } else { 1 }), "{output}");
        for finding in &found {
            let named = finding.starts_with("orphaned: ")
                || finding.starts_with("unverified: ")
                || finding.starts_with("leftover temporary file: ")
                || finding.starts_with("ledger missing: ")
                || finding == TAMPERED_BY_THE_DEMO;
            assert!(named, "run {run}: unexpected finding {finding:?}");
        }
        // Repair removes what is safe; what stays is named again (without
        // a ledger no object is known to be an orphan: all are kept).
        let (_, repaired) = audit(&dir, &["--repair"]);
        let (code, output) = audit(&dir, &[]);
        let left = findings(&output);
        assert!(
            left.iter().all(|f| f == TAMPERED_BY_THE_DEMO
                || f.starts_with("ledger missing: ")
                || f.starts_with("unverified: ")),
            "run {run}: after repair\n{repaired}\n{output}"
        );
        assert_eq!(code, Some(if left.is_empty() { 0 } else { 1 }));
        // A rerun in the same directory refuses with a clear message.
        let entries = std::fs::read_dir(&dir).unwrap().count();
        if entries > 0 {
            let out = sesphr(&["demo", "--dir", dir.to_str().unwrap()]);
            assert_eq!(out.status.code(), Some(2));
            assert!(String::from_utf8_lossy(&out.stderr).contains("is not empty"));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
