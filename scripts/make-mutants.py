#!/usr/bin/env python3
"""Writes nets/mutants/*.yaml: each a small change to nets/sesphr.yaml (one plausible bug);
nets/variants/*.yaml, variants of it that are not bugs; nets/paper-variants/*.yaml, the paper's
net with its flawed rules taken literally.

Run from the repository root after editing nets/sesphr.yaml:  python3 scripts/make-mutants.py
Each mutant starts with a header; its `# expect:` line names the property that must fail and its
`# params:` line the parameters to check it with (`--param` each); tests/sesphr_nets.rs reads both
and also checks that the correct net holds every property with those parameters.
"""
import pathlib
import sys

BASE = pathlib.Path("nets/sesphr.yaml")
OUT = pathlib.Path("nets/mutants")

# Parameters a mutant is checked with unless it names others: the smallest net that still has
# every behaviour the mutants below need (no active insider).
SMALL = "roles=1 users_per_role=1 partitions=2 versions=2 tampers=0"
# Two users of one role: the bugs that confuse users, and the forgery (a second reader of the
# forger's partition version).
TWO = "roles=1 users_per_role=2 partitions=1 versions=1 tampers=1"

# name: (expected violated property, what the bug is, [(old, new, expected occurrences)][, params])
MUTANTS = {
    "srs-skips-acl-check": (
        "acl_enforcement",
        "The SRS serves R without looking at the policy's verdict for the role and partition.",
        [('      Policy: ["(role, q, true)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n      SRS_RK: ["(p, (role, seat), rk)"]\n',
          '      Policy: ["(role, q, verdict)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n      SRS_RK: ["(p, (role, seat), rk)"]\n', 2)],
    ),
    "revocation-not-applied": (
        "forward_access_control",
        "Revocation is written on the ledger but the SRS keeps the user's ACL entry and RK.",
        [('      Revoked: ["(u, p, 10 * t + 1)"]\n      Clock: ["(p, t, 1)"]\n      Standing: ["(u, p, 10 * t + 2)"]\n      Ledger_revoke: ["(u, p, 10 * t + 1)"]\n',
          '      Revoked: ["(u, p, 10 * t + 1)"]\n      Member: ["(u, p, since)"]\n      SRS_RK: ["(p, u, rk)"]\n'
          '      Clock: ["(p, t, 1)"]\n      Standing: ["(u, p, 10 * t + 2)"]\n      Ledger_revoke: ["(u, p, 10 * t + 1)"]\n', 1)],
    ),
    "r-shared-across-partitions": (
        "acl_enforcement",
        "The patient draws one r_i per upload round and uses it for every partition.",
        [("draw_r(p, q, if rekey_on_upload", "draw_r(p, medical, if rekey_on_upload", None)],
    ),
    "r-reused-across-versions": (
        "forward_access_control",
        "A re-upload reuses the partition's first r_i (no re-keying, whatever rekey_on_upload says).",
        [("draw_r(p, q, if rekey_on_upload then n + 1 else 1)", "draw_r(p, q, 1)", None)],
    ),
    "user-ignores-integrity-errors": (
        "integrity",
        "The user's client accepts the decryption output without checking the digest or the GCM tag.",
        [('    guard: "signature_ok(verifying_key(signing_key(p)), ((p, q, v), d), s) && digest(c) == d && dec_ok(kdf(recover(ru, user_secret(u))), (p, q, v), c)"\n',
          '    guard: "true"\n', 1)],
        "roles=1 users_per_role=1 partitions=2 versions=2 tampers=1",
    ),
    "access-not-on-ledger": (
        "accountability",
        "The SRS serves R without appending the access record to the ledger.",
        [('      Ledger_access: ["((role, seat), p, q, v, st)"]\n', "", 1)],
    ),
    "doctor-granted-insurance": (
        "acl_enforcement",
        "The default policy table grants doctors the insurance partition.",
        [('"(doctor, insurance, false)"', '"(doctor, insurance, true)"', 1)],
    ),
    "join-date-ignored": (
        "backward_access_control",
        "The SRS ignores the date of joining: newcomers read versions written before they joined.",
        [('    guard: "t > since || newcomers_read_past"\n', "", 1)],
    ),
    "patient-secret-sent-to-srs": (
        "srs_confidentiality",
        "In delegated mode the patient hands its secret key to the SRS (to let it compute RK).",
        [("if key_mode == paper then patient_secret(p) else public_key(if key_mode == hardened then label_secret(p, q) else patient_secret(p))", "patient_secret(p)", 2)],
    ),
    # --- revocation is enforced at every answer, not only for versions written after it ---
    "answer-sent-after-revocation": (
        "revoked_users_get_no_answer",
        "The SRS checks the ACL when a request arrives and sends the answer later from a queue; a revocation in between does not cancel queued answers.",
        [('      Received: ["((role, seat), p, q, v, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk))"]\n      UserKnows: ["((role, seat), p, learn(k, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))"]\n'
          '      InsiderKnows: ["(srs, learn(ks, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))", "(srs_cloud, learn(kx, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))"]\n'
          '      Standing: ["((role, seat), p, st)"]\n      Ledger_access: ["((role, seat), p, q, v, st)"]\n      Served: ["((role, seat), p, q, v, st)"]\n',
          '      Queued: ["((role, seat), p, q, v, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk))"]\n      UserKnows: ["((role, seat), p, k)"]\n'
          '      InsiderKnows: ["(srs, learn(ks, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))", "(srs_cloud, learn(kx, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))"]\n'
          '      Standing: ["((role, seat), p, st)"]\n'
          '  send_answer:\n    in: { Queued: ["(u, p, q, v, ru)"], UserKnows: ["(u, p, k)"], Standing: ["(u, p, st)"] }\n'
          '    out:\n      Received: ["(u, p, q, v, ru)"]\n      UserKnows: ["(u, p, learn(k, ru))"]\n      Standing: ["(u, p, st)"]\n'
          '      Ledger_access: ["(u, p, q, v, st)"]\n      Served: ["(u, p, q, v, st)"]\n', 1),
         ('  Received: { type: Grant }', '  Queued: { type: Grant }\n  Received: { type: Grant }', 1)],
    ),
    "revocation-not-dated": (
        "the_scenario_is_as_configured",
        "Revocation is dated but does not mark the clock pending, so the next upload gets the revocation's epoch and reads as written before it (and a join pending before it loses its tick).",
        [('      Revoked: ["(u, p, 10 * t + 1)"]\n      Clock: ["(p, t, 1)"]\n',
          '      Revoked: ["(u, p, 10 * t + 1)"]\n      Clock: ["(p, t, 0)"]\n', 1)],
        "roles=2 users_per_role=1 partitions=1 versions=1 tampers=0",
    ),
    "refusal-drops-outsider-request": (
        "entitled_requests_stay_open",
        "The SRS drops an outsider's refused request; with the policy that lets newcomers read the past, the user, once a member, can never ask for that version again.",
        [('    guard: "rank >= first_role && rank < first_role + roles"\n    out:\n      Requests: ["((role, seat), p, q, v)"]\n      Outsider: ["((role, seat), p)"]\n',
          '    guard: "rank >= first_role && rank < first_role + roles"\n    out:\n      Outsider: ["((role, seat), p)"]\n', 1)],
        "roles=2 users_per_role=1 partitions=1 versions=1 tampers=0 newcomers_read_past=true",
    ),
    "revoked-user-served-past-versions": (
        "revoked_users_get_no_answer",
        "Revocation is forward-only: the SRS keeps RK and still answers a revoked user for versions written before its revocation.",
        [('      Revoked: ["(u, p, 10 * t + 1)"]\n      Clock: ["(p, t, 1)"]\n',
          '      Revoked: ["(u, p, 10 * t + 1)"]\n      SRS_RK: ["(p, u, rk)"]\n      Clock: ["(p, t, 1)"]\n', 1),
         ('  D_R_F_revoked:\n    in:\n      Revoked: ["(u, p, at)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n      Requests: ["(u, p, q, v)"]\n'
          '    out:\n      Requests: ["(u, p, q, v)"]\n      Revoked: ["(u, p, at)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n',
          '  D_R_S_before_revocation:\n    in:\n      Requests: ["((role, seat), p, q, v)"]\n      Revoked: ["((role, seat), p, at)"]\n'
          '      Ledger_grant: ["((role, seat), p, since)"]\n      Policy: ["(role, q, true)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n'
          '      SRS_RK: ["(p, (role, seat), rk)"]\n      UserKnows: ["((role, seat), p, k)"]\n      Standing: ["((role, seat), p, st)"]\n'
          '    guard: "t <= at && (t > since || newcomers_read_past)"\n'
          '    out:\n      Revoked: ["((role, seat), p, at)"]\n      Ledger_grant: ["((role, seat), p, since)"]\n      Policy: ["(role, q, true)"]\n'
          '      SRS_R: ["(p, q, v, t, rp)"]\n      SRS_RK: ["(p, (role, seat), rk)"]\n'
          '      Received: ["((role, seat), p, q, v, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk))"]\n      UserKnows: ["((role, seat), p, learn(k, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))"]\n'
          '      Standing: ["((role, seat), p, st)"]\n      Ledger_access: ["((role, seat), p, q, v, st)"]\n      Served: ["((role, seat), p, q, v, st)"]\n'
          '  D_R_F_revoked:\n    in:\n      Revoked: ["(u, p, at)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n      Requests: ["(u, p, q, v)"]\n'
          '    out:\n      Requests: ["(u, p, q, v)"]\n      Revoked: ["(u, p, at)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n', 1)],
    ),
    "revocation-keeps-rekey": (
        "rekeys_follow_the_acl",
        "Revocation marks the ACL but the SRS forgets to delete the user's RK.",
        [('      Revoked: ["(u, p, 10 * t + 1)"]\n      Clock: ["(p, t, 1)"]\n',
          '      Revoked: ["(u, p, 10 * t + 1)"]\n      SRS_RK: ["(p, u, rk)"]\n      Clock: ["(p, t, 1)"]\n', 1)],
    ),
    # --- the ledger tells the truth ---
    "upload-record-digests-the-plaintext": (
        "ledger_is_truthful",
        "The upload record holds the digest of the plaintext (the client checks the digest of what it decrypted), not of the ciphertext stored.",
        [("digest(enc(partition_key(draw_r(p, q, if rekey_on_upload then n + 1 else 1)), (p, q, n + 1), plain(p, q, n + 1)))",
          "digest(plain(p, q, n + 1))", 3),
         ('s) && digest(c) == d && dec_ok(', 's) && digest(dec(kdf(recover(ru, user_secret(u))), (p, q, v), c)) == d && dec_ok(', 2)],
    ),
    "refusal-logged-as-access": (
        "ledger_is_truthful",
        "A request refused for lack of rights is answered once and for all, and logged as an access.",
        [('      Policy: ["(role, q, false)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n      Requests: ["((role, seat), p, q, v)"]\n    out:\n      Requests: ["((role, seat), p, q, v)"]\n',
          '      Policy: ["(role, q, false)"]\n      SRS_R: ["(p, q, v, t, rp)"]\n      Requests: ["((role, seat), p, q, v)"]\n      Standing: ["((role, seat), p, st)"]\n    out:\n'
          '      Ledger_access: ["((role, seat), p, q, v, st)"]\n      Standing: ["((role, seat), p, st)"]\n', 1)],
    ),
    "access-logged-twice": (
        "ledger_is_truthful",
        "Both the SRS and the user's client append the access record, so the ledger shows two accesses for one.",
        [('      Keys: ["(u, p, q, v, kdf(recover(ru, user_secret(u))))"]\n',
          '      Keys: ["(u, p, q, v, kdf(recover(ru, user_secret(u))))"]\n      Ledger_access: ["(u, p, q, v, st)"]\n      Standing: ["(u, p, st)"]\n', 1),
         ('      Ledger_upload: ["(p, q, v, w, d, s)"]\n      UserKnows: ["(u, p, k)"]\n    guard: "signature_ok',
          '      Ledger_upload: ["(p, q, v, w, d, s)"]\n      UserKnows: ["(u, p, k)"]\n      Standing: ["(u, p, st)"]\n    guard: "signature_ok', 1)],
    ),
    "grant-record-publishes-rekey": (
        "key_custody",
        "The grant record carries RK_{P->U} as a proof of delegation, on the public ledger.",
        [('      InsiderKnows: ["(cloud, kc)", "(srs, ks)", "(srs_cloud, kx)"]\n    guard: "rank >= first_role && rank < first_role + roles"\n',
          '      InsiderKnows: ["(cloud, kc)", "(srs, ks)", "(srs_cloud, kx)"]\n      Public: ["pub"]\n    guard: "rank >= first_role && rank < first_role + roles"\n', 1),
         ('      Ledger_grant: ["((role, seat), p, 10 * t)"]\n',
          '      Ledger_grant: ["((role, seat), p, 10 * t)"]\n      Public: ["learn(pub, rekey(patient_secret(p), public_key(user_secret((role, seat)))))"]\n', 1)],
    ),
    # --- key custody ---
    "srs-hands-rekey-to-user": (
        "key_custody",
        "The SRS sends RK_{P->U} to the user with R_U (so that the client could re-encrypt by itself).",
        [('      UserKnows: ["((role, seat), p, learn(k, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)))"]\n',
          '      UserKnows: ["((role, seat), p, learn(learn(k, reencrypt(rp, if key_mode == hardened then rekey(label_secret(p, q), rk) else rk)), rk))"]\n', 1)],
    ),
    "user-secret-sent-to-srs": (
        "key_custody",
        "In delegated mode the SRS still generates (and keeps) the user's key pair, as in the paper's mode.",
        [("if key_mode == paper then user_secret((role, seat)) else public_key(user_secret((role, seat)))", "user_secret((role, seat))", 2)],
    ),
    # --- active insiders ---
    "client-skips-digest-check": (
        "integrity",
        "The client checks the GCM tag but not the ledger digest (a forgery under a real key and label passes).",
        [('s) && digest(c) == d && dec_ok(', 's) && dec_ok(', 2)],
        TWO,
    ),
    "client-accepts-digest-or-tag": (
        "integrity",
        "The client accepts a download if either the ledger digest or the GCM tag verifies.",
        [('s) && digest(c) == d && dec_ok(', 's) && (digest(c) == d || dec_ok(', 2),
         ('(p, q, v), c)"\n', '(p, q, v), c))"\n', 1), ('(p, q, v), c))"\n    out:\n      Cloud: ["(p, q, v, c)"]\n      Ledger_upload: ["(p, q, v, w, d, s)"]\n      Rejected',
          '(p, q, v), c)))"\n    out:\n      Cloud: ["(p, q, v, c)"]\n      Ledger_upload: ["(p, q, v, w, d, s)"]\n      Rejected', 1)],
        TWO,
    ),
    "reader-skips-signature-check": (
        "forged_uploads_are_rejected",
        "The client checks the upload record's digest and the GCM tag but not the patient's signature on the record.",
        [('signature_ok(verifying_key(signing_key(p)), ((p, q, v), d), s) && ', '', 2)],
        TWO,
    ),
    # --- coalitions ---
    "rekey-table-backed-up-to-cloud": (
        "coalition_key_custody",
        "The SRS backs its RK table up to the cloud store.",
        [('        - "(cloud, learn(kc, public_key(user_secret((role, seat)))))"\n',
          '        - "(cloud, learn(learn(kc, public_key(user_secret((role, seat)))), rekey(patient_secret(p), public_key(user_secret((role, seat))))))"\n', 1)],
    ),
    "new-key-wrapped-under-previous-key": (
        "coalition_confidentiality",
        "A re-upload stores the new partition key wrapped under the previous version's key, so readers of the old version need no new R.",
        [('        - "(cloud, learn(kc, enc(partition_key(draw_r(p, q, if rekey_on_upload then n + 1 else 1)), (p, q, n + 1), plain(p, q, n + 1))))"\n',
          '        - "(cloud, learn(learn(kc, enc(partition_key(draw_r(p, q, if rekey_on_upload then n + 1 else 1)), (p, q, n + 1), plain(p, q, n + 1))), '
          'enc(partition_key(draw_r(p, q, n)), (p, q, n + 1), partition_key(draw_r(p, q, if rekey_on_upload then n + 1 else 1)))))"\n', 1)],
    ),
    # --- one user is not another ---
    "srs-uses-another-members-rekey": (
        "honest_downloads_succeed",
        "The SRS looks RK up by patient only and re-encrypts with whichever member's RK it finds first.",
        [('      SRS_RK: ["(p, (role, seat), rk)"]\n      UserKnows: ["((role, seat), p, k)"]\n',
          '      SRS_RK: ["(p, holder, rk)"]\n      UserKnows: ["((role, seat), p, k)"]\n', 1),
         ('      SRS_RK: ["(p, (role, seat), rk)"]\n      Received:', '      SRS_RK: ["(p, holder, rk)"]\n      Received:', 1)],
        TWO,
    ),
    "join-date-never-set": (
        "backward_access_control",
        "The SRS records every member as joined at the patient's first date.",
        [('      Member: ["((role, seat), p, 10 * t)"]\n', '      Member: ["((role, seat), p, 0)"]\n', 1)],
        TWO,
    ),
    "revoke-deletes-another-members-rekey": (
        "rekeys_follow_the_acl",
        "Revocation deletes the first RK the SRS finds for the patient, not the revoked user's.",
        [('      SRS_RK: ["(p, u, rk)"]\n      Clock: ["(p, t, f)"]\n', '      SRS_RK: ["(p, holder, rk)"]\n      Clock: ["(p, t, f)"]\n', 1)],
        TWO,
    ),
    # Progress mutants: only a temporal property fails, with a lasso.
    "srs-refuses-entitled-members": (
        "refusals_are_justified",
        "The SRS's refusal for a partition outside the member's rights does not look at the "
        "policy's verdict, so it may also refuse a member the policy entitles.",
        [('      Policy: ["(role, q, false)"]\n', '      Policy: ["(role, q, verdict)"]\n', 2)],
    ),
    "refusal-before-joining-off-by-one": (
        "every_kind_of_request_can_be_answered",
        "The SRS refuses a version written before the member joined only if it is strictly older "
        "than the join, so a request for a version dated the join day gets no answer at all.",
        [('    guard: "t <= since && !newcomers_read_past"\n', '    guard: "t < since && !newcomers_read_past"\n', 1)],
    ),
    "srs-may-lose-r": (
        "every_request_is_answered",
        "The SRS may lose a partition version's R (a crash without recovery); every request for it "
        "then waits for ever.",
        [("  # Revocation: the owner tells the SRS",
          '  srs_loses_r:\n    in: { SRS_R: ["(p, q, v, t, rp)"] }\n\n  # Revocation: the owner tells the SRS', 1)],
        "roles=1 users_per_role=1 partitions=1 versions=1 tampers=0",
    ),
    "ledger-may-never-record": (
        "uploads_are_eventually_recorded",
        "The upload's ledger record goes through a queue that the ledger may never serve (nothing "
        "forces `record_upload` to fire while other steps, such as refusals, can).",
        [('      Ledger_upload: ["(p, q, n + 1, 10 * (now + f),', '      Ledger_pending: ["(p, q, n + 1, 10 * (now + f),', 1),
         ("  Ledger_upload: { type: UploadRecord }",
          "  Ledger_pending: { type: UploadRecord }\n  Ledger_upload: { type: UploadRecord }", 1),
         ("  # Revocation: the owner tells the SRS",
          '  record_upload:\n    in: { Ledger_pending: ["r"] }\n    out: { Ledger_upload: ["r"] }\n\n'
          "  # Revocation: the owner tells the SRS", 1)],
    ),
}


# Variants of nets/sesphr.yaml that are not bugs: name: (what differs, edits). Each is written to
# nets/variants/ with a header; tests/sesphr_nets.rs compares its verdicts with the net's.
VARIANTS = pathlib.Path("nets/variants")
BASE_VARIANTS = {
    "sesphr-one-clock": (
        "Every answer of the SRS is dated by the patient's clock and ticks it when pending, as "
        "uploads do: one clock then orders the events of all users, and the order of two users' "
        "events is part of the state. Same verdicts and shortest traces as the net, several times "
        "its states once two users are in play (tests/sesphr_nets.rs).",
        [('      InsiderKnows: ["(srs, ks)", "(srs_cloud, kx)"]\n      Standing: ["((role, seat), p, st)"]\n',
          '      InsiderKnows: ["(srs, ks)", "(srs_cloud, kx)"]\n      Clock: ["(p, now, f)"]\n      Standing: ["((role, seat), p, st)"]\n', 1),
         ('      Standing: ["((role, seat), p, st)"]\n'
          '      Ledger_access: ["((role, seat), p, q, v, st)"]\n      Served: ["((role, seat), p, q, v, st)"]\n',
          '      Clock: ["(p, now + f, 0)"]\n      Standing: ["((role, seat), p, st)"]\n'
          '      Ledger_access: ["((role, seat), p, q, v, 10 * (now + f) + 1)"]\n      Served: ["((role, seat), p, q, v, 10 * (now + f) + 1)"]\n', 1),
         ("  Epoch: { range: [0, 4 * versions] }               # a patient's clock: ticks at an upload after a join or revocation\n",
          "  Epoch: { range: [0, 10 * users_per_role] }        # a patient's clock: ticks at an upload or answer after a join or revocation\n", 1),
         ("  Stamp: { range: [0, 10 * 4 * versions + 2] } ",
          "  Stamp: { range: [0, 100 * users_per_role + 2] }", 1)],
    ),
}


def apply_edits(name: str, text: str, edits: list):
    """`text` with each (old, new, count) edit made; None (after saying why) if `old` does not
    occur, or occurs other than `count` times (any number when `count` is None)."""
    for old, new, count in edits:
        found = text.count(old)
        if found == 0 or (count is not None and found != count):
            print(f"{name}: expected {count} occurrence(s) of {old!r}, found {found}", file=sys.stderr)
            return None
        text = text.replace(old, new)
    return text


def write_base_variants(base: str) -> int:
    """Writes each of BASE_VARIANTS to VARIANTS; returns 1 if an edit does not apply."""
    VARIANTS.mkdir(parents=True, exist_ok=True)
    for name, (what, edits) in BASE_VARIANTS.items():
        text = apply_edits(name, base, edits)
        if text is None:
            return 1
        text = text.replace("name: sesphr\n", f"name: {name}\n", 1)
        header = f"# VARIANT of {BASE} (generated by scripts/make-mutants.py): {what}\n"
        (VARIANTS / f"{name}.yaml").write_text(header + text)
    return 0


PAPER = pathlib.Path("nets/sesphr-paper.yaml")
PAPER_OUT = pathlib.Path("nets/paper-variants")

# The paper's rules taken literally where nets/sesphr-paper.yaml departs from the letter because
# the letter is flawed: name: (property that fails, the literal rule, edits).
PAPER_VARIANTS = {
    "send-ri-writes-the-acl": (
        "no_R_without_grant",
        "Send_Ri as the paper writes it, SRS' = SRS u {(j[9], j[4])}: R_i and P_i are written into any SRS tuple "
        "whose R_i is unset, overwriting the partition field that is the ACL.",
        [('      SRS: ["(u, ssk, spk, sg, zq, sz, sr, pi)"]\n    guard: "bigr != none() && sr == none() && ssk != none()"\n',
          '      SRS: ["(u, ssk, spk, sg, zq, sz, sr, spi)"]\n    guard: "bigr != none() && sr == none() && ssk != none()"\n', 1)],
    ),
}


def write_variants(base: str, variants: dict, out: pathlib.Path, source: str, stem: str) -> int:
    """Writes each variant of `base` to `out`; returns 1 if an edit does not apply."""
    out.mkdir(parents=True, exist_ok=True)
    for name, (expect, bug, edits, *params) in variants.items():
        text = apply_edits(name, base, edits)
        if text is None:
            return 1
        text = text.replace(f"name: {stem}\n", f"name: {stem}-mutant-{name}\n", 1)
        header = (
            f"# MUTANT of {source} (generated by scripts/make-mutants.py): {bug}\n"
            f"# `sesphr check` must exit 1 with this property violated:\n"
            f"# expect: {expect}\n"
        )
        if source == str(BASE):
            header += f"# params: {params[0] if params else SMALL}\n"
        (out / f"{name}.yaml").write_text(header + text)
    return 0


def main() -> int:
    base = BASE.read_text()
    return (
        write_variants(base, MUTANTS, OUT, str(BASE), "sesphr")
        or write_base_variants(base)
        or write_variants(PAPER.read_text(), PAPER_VARIANTS, PAPER_OUT, str(PAPER), "sesphr-paper")
    )


if __name__ == "__main__":
    sys.exit(main())
