//! `sesphr view` in a real browser: headless Chromium driven through the
//! DevTools protocol (over `--remote-debugging-pipe`, so no extra crate) opens
//! the page, checks that nothing is logged as an error, clicks "next" and
//! "previous" and checks the highlighted transition and places (on the broken
//! P/T mutex, whose counterexample lets both processes in), and saves a
//! screenshot as reports/view.png.
//!
//! Chromium is looked up as `$CHROMIUM`, `chromium`, `chromium-browser`,
//! `google-chrome`. Where none is installed the test says so and passes,
//! unless `SESPHR_BROWSER_TEST=required` (set by `.ci/run`, which installs
//! Debian's `chromium` first).

use std::io::{BufRead, BufReader, Write};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

fn sesphr(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_sesphr"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("sesphr runs")
}

fn find_chromium() -> Option<PathBuf> {
    let mut names: Vec<String> = std::env::var("CHROMIUM").into_iter().collect();
    names.extend(["chromium", "chromium-browser", "google-chrome"].map(String::from));
    names.into_iter().find_map(|name| {
        let found = Command::new(&name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        found.then(|| PathBuf::from(name))
    })
}

/// A fd duplicated above the range the child uses (3 and 4), close-on-exec.
fn high_fd(fd: &impl AsRawFd) -> OwnedFd {
    // SAFETY: fcntl(F_DUPFD_CLOEXEC) on a valid descriptor returns a new one we own.
    let raw = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 10) };
    assert!(raw >= 10, "fcntl failed");
    // SAFETY: `raw` is a fresh descriptor owned by nobody else.
    unsafe { std::os::fd::FromRawFd::from_raw_fd(raw) }
}

/// Headless Chromium with the DevTools protocol on fds 3 (commands) and 4 (replies).
struct Browser {
    child: Child,
    commands: std::io::PipeWriter,
    messages: Receiver<Value>,
    next_id: u64,
    session: Option<String>,
    /// Events seen while waiting for replies.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch(chromium: &Path) -> Browser {
        let profile = scratch_dir("sesphr-view-profile-");
        let (command_reader, commands) = std::io::pipe().expect("pipe");
        let (reply_reader, reply_writer) = std::io::pipe().expect("pipe");
        let (to_child, from_child) = (high_fd(&command_reader), high_fd(&reply_writer));
        drop((command_reader, reply_writer));
        let (in_fd, out_fd) = (to_child.as_raw_fd(), from_child.as_raw_fd());
        let mut command = Command::new(chromium);
        command
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--hide-scrollbars",
                "--remote-debugging-pipe",
                "--window-size=1400,1000",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // SAFETY: only async-signal-safe dup2 calls between fork and exec.
        unsafe {
            command.pre_exec(move || {
                if libc::dup2(in_fd, 3) < 0 || libc::dup2(out_fd, 4) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = command.spawn().expect("chromium starts");
        drop((to_child, from_child));
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(reply_reader);
            let mut buf = Vec::new();
            while reader.read_until(0, &mut buf).is_ok_and(|n| n > 0) {
                buf.pop();
                if let Ok(v) = serde_json::from_slice::<Value>(&buf)
                    && send.send(v).is_err()
                {
                    break;
                }
                buf.clear();
            }
        });
        Browser {
            child,
            commands,
            messages,
            next_id: 1,
            session: None,
            events: Vec::new(),
            _profile: profile,
        }
    }

    /// Sends a command (to the attached page once there is one) and waits for its result.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(session) = &self.session {
            message["sessionId"] = json!(session);
        }
        let mut bytes = serde_json::to_vec(&message).unwrap();
        bytes.push(0);
        self.commands.write_all(&bytes).expect("command sent");
        loop {
            let reply = self.receive(&format!("the reply to {method}"));
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method} failed: {reply}");
                return reply["result"].clone();
            }
            self.events.push(reply);
        }
    }

    fn receive(&mut self, what: &str) -> Value {
        self.messages
            .recv_timeout(Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("no message from chromium within 60 s (waiting for {what})"))
    }

    /// Waits for the event `method`, keeping the others.
    fn wait_for(&mut self, method: &str) {
        if self.events.iter().any(|e| e["method"] == json!(method)) {
            return;
        }
        loop {
            let event = self.receive(method);
            let found = event["method"] == json!(method);
            self.events.push(event);
            if found {
                return;
            }
        }
    }

    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true}),
        );
        assert!(
            result.get("exceptionDetails").is_none(),
            "{expression}: {result}"
        );
        result["result"]["value"].clone()
    }

    /// A real mouse click in the middle of the element with this id.
    fn click(&mut self, id: &str) {
        let centre = self.evaluate(&format!(
            "(() => {{ const r = document.getElementById('{id}').getBoundingClientRect(); \
             return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
        ));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": centre[0], "y": centre[1], "button": "left", "clickCount": 1}),
            );
        }
    }

    /// Errors the page reported: exceptions, console errors, failed loads.
    fn errors(&self) -> Vec<String> {
        self.events
            .iter()
            .filter(|e| {
                let m = e["method"].as_str().unwrap_or("");
                m == "Runtime.exceptionThrown"
                    || (m == "Runtime.consoleAPICalled"
                        && matches!(e["params"]["type"].as_str(), Some("error" | "assert")))
                    || (m == "Log.entryAdded" && e["params"]["entry"]["level"] == json!("error"))
            })
            .map(Value::to_string)
            .collect()
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A fresh directory, removed when dropped.
fn scratch_dir(prefix: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .expect("scratch dir")
}

/// Decodes standard base64 (the screenshot's encoding).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let bytes: Vec<u8> = text.bytes().filter(|&c| c != b'=').map(value).collect();
    bytes
        .chunks(4)
        .flat_map(|c| {
            let n = c
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &v)| acc | (u32::from(v) << (18 - 6 * i)));
            let out = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.into_iter().take(c.len() - 1)
        })
        .collect()
}

/// What the page highlights: the firing transition, the changed places, the step.
fn highlighted(browser: &mut Browser) -> Value {
    browser.evaluate(
        "JSON.stringify({ \
           firing: [...document.querySelectorAll('.transition.firing')].map(e => e.dataset.name), \
           changed: [...document.querySelectorAll('.place.changed')].map(e => e.dataset.name).sort(), \
           step: document.body.dataset.step, \
           counter: document.getElementById('step-counter').textContent })",
    )
}

fn state(browser: &mut Browser) -> Value {
    serde_json::from_str(highlighted(browser).as_str().expect("a string")).unwrap()
}

/// Chromium showing the page at `page`, loaded.
fn open_page(chromium: &Path, page: &Path) -> Browser {
    let mut browser = Browser::launch(chromium);
    let target = browser.call("Target.createTarget", json!({"url": "about:blank"}));
    let attached = browser.call(
        "Target.attachToTarget",
        json!({"targetId": target["targetId"], "flatten": true}),
    );
    browser.session = Some(attached["sessionId"].as_str().unwrap().to_string());
    for domain in ["Runtime.enable", "Log.enable", "Page.enable"] {
        browser.call(domain, json!({}));
    }
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
    );
    browser.call(
        "Page.navigate",
        json!({"url": format!("file://{}", page.display())}),
    );
    browser.wait_for("Page.loadEventFired");
    browser
}

/// `chromium` if installed; else the test is skipped (unless required).
fn chromium_or_skip() -> Option<PathBuf> {
    let found = find_chromium();
    if found.is_none() {
        assert_ne!(
            std::env::var("SESPHR_BROWSER_TEST").as_deref(),
            Ok("required"),
            "SESPHR_BROWSER_TEST=required but no chromium is installed"
        );
        eprintln!("no chromium installed: the browser test of `sesphr view` is skipped");
    }
    found
}

#[test]
fn the_page_steps_through_a_trace_in_chromium() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let work = scratch_dir("sesphr-view-page-");
    // The broken P/T mutex lets both processes in (`enter_a`, then
    // `enter_b`): its `check --json` output, saved in tests/data/view/.
    let net = "nets/pnml/mutex-broken.pnml";
    let trace =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/view/mutex-broken.check.json");
    let out = work.path().join("page");
    let view = sesphr(&[
        "view",
        net,
        "--trace",
        trace.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--layout",
        "builtin",
    ]);
    assert!(view.status.success(), "{view:?}");
    let page = out.join("index.html");

    let mut browser = open_page(&chromium, &page);

    let start = state(&mut browser);
    assert_eq!(start["firing"], json!([]), "{start}");
    assert_eq!(start["counter"], json!("step 0 of 2"), "{start}");
    let cs_badge = "document.querySelector('.place[data-name=\"cs\"] .badge')";
    assert_eq!(
        browser.evaluate(&format!("{cs_badge}.style.display")),
        json!("none"),
        "the critical section starts empty"
    );

    browser.click("next");
    let first = state(&mut browser);
    assert_eq!(first["firing"], json!(["enter_a"]), "{first}");
    assert_eq!(first["changed"], json!(["cs", "idle_a", "in_a"]), "{first}");
    assert_eq!(first["step"], json!("1"));

    browser.click("next");
    let second = state(&mut browser);
    assert_eq!(second["firing"], json!(["enter_b"]), "{second}");
    assert_ne!(second["firing"], first["firing"]);
    assert_eq!(
        second["changed"],
        json!(["cs", "idle_b", "in_b"]),
        "{second}"
    );
    assert_eq!(
        browser.evaluate(&format!("{cs_badge}.textContent")),
        json!("2"),
        "two tokens in the critical section"
    );

    let screenshot = browser.call("Page.captureScreenshot", json!({"format": "png"}));
    let png = base64_decode(screenshot["data"].as_str().expect("image data"));
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let reports = Path::new(env!("CARGO_MANIFEST_DIR")).join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    std::fs::write(reports.join("view.png"), &png).unwrap();

    browser.click("prev");
    assert_eq!(state(&mut browser)["firing"], json!(["enter_a"]));

    assert_eq!(
        browser.errors(),
        Vec::<String>::new(),
        "the page logged errors"
    );
    // The error collector sees errors (so the check above could fail).
    browser.evaluate("console.error('probe')");
    browser.evaluate("1");
    assert_eq!(browser.errors().len(), 1, "a console error is noticed");
}

/// A place named `<!--<script>` would, unescaped in the page's data, turn
/// the stepper's script into data: the page would list no trace and step
/// nowhere. Escaped, the trace is listed and steps.
#[test]
fn a_hostile_place_name_does_not_break_the_page() {
    let Some(chromium) = chromium_or_skip() else {
        return;
    };
    let work = scratch_dir("sesphr-view-hostile-");
    let trace = work.path().join("trace.json");
    std::fs::write(&trace, r#"{"steps": [{"transition": "go"}]}"#).unwrap();
    let out = work.path().join("page");
    let net = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/view/hostile.pnml");
    let view = sesphr(&[
        "view",
        net.to_str().unwrap(),
        "--trace",
        trace.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--layout",
        "builtin",
    ]);
    assert!(view.status.success(), "{view:?}");
    let mut browser = open_page(&chromium, &out.join("index.html"));
    assert_eq!(state(&mut browser)["counter"], json!("step 0 of 1"));
    browser.click("next");
    let fired = state(&mut browser);
    assert_eq!(fired["firing"], json!(["go"]), "{fired}");
    assert_eq!(
        browser.evaluate("document.getElementById('marking').rows.length"),
        json!(3),
        "the marking table lists the three changed places"
    );
    assert_eq!(browser.errors(), Vec::<String>::new());
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGk="), b"hi");
    assert_eq!(base64_decode("YWJj"), b"abc");
}
