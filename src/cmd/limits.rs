//! Range-checked resource arguments (sizes, seconds, thread counts) and the
//! default memory limit, shared by the commands.

use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use sesphr_engine::explore::ExploreOptions;

use crate::output::write_err;

/// The limits of one state-space search, shared by `check` and `mcc`.
#[derive(Args, Debug, Clone)]
pub struct SearchLimits {
    /// Worker threads (default: one per core; at most 4 per core). Results do not depend on it.
    #[arg(long, value_parser = parse_threads)]
    pub threads: Option<usize>,
    /// Stop (incomplete) once this many states are stored.
    #[arg(long, value_name = "N")]
    pub max_states: Option<u64>,
    /// Stop (incomplete) before the process's resident memory exceeds this (e.g.
    /// 500M, 2G; default: 80% of the smaller of the available memory and the
    /// room under the cgroup's limit).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_memory: Option<u64>,
    /// Stop (incomplete) after this many seconds (0 to 1e9).
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub timeout: Option<Duration>,
}

impl SearchLimits {
    /// The explorer's options for these limits (no progress hook).
    pub fn explore_options(&self) -> ExploreOptions {
        ExploreOptions {
            max_states: self.max_states,
            max_memory: self.max_memory.or_else(default_memory_limit),
            timeout: self.timeout,
            ..ExploreOptions::default()
        }
    }

    /// A pool of the requested number of worker threads.
    pub fn thread_pool(&self) -> Result<rayon::ThreadPool> {
        rayon::ThreadPoolBuilder::new()
            .num_threads(thread_count(self.threads))
            .build()
            .context("cannot start the worker threads")
    }
}

/// The longest `--timeout` accepted: about 31 years.
pub const MAX_SECONDS: f64 = 1e9;

/// Worker threads allowed per core; more only add scheduling overhead.
pub const THREADS_PER_CORE: usize = 4;

/// Parses a size such as `1024`, `150M`, `150MB`, `2G`, `512KiB` (binary units).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim().to_ascii_uppercase();
    let t = t.trim_end_matches('B').trim_end_matches('I');
    let (digits, factor) = match t.chars().last() {
        Some('K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M') => (&t[..t.len() - 1], 1 << 20),
        Some('G') => (&t[..t.len() - 1], 1 << 30),
        Some('T') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    let value: f64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a size (e.g. 1024, 500M, 2G)"))?;
    let bytes = value * factor as f64;
    if !bytes.is_finite() || bytes < 0.0 || bytes >= u64::MAX as f64 {
        return Err(format!("{text:?} is not a size between 0 and 16E"));
    }
    Ok(bytes as u64)
}

/// Parses a number of seconds (finite, not negative, at most
/// [`MAX_SECONDS`]) into the duration it stands for.
pub fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(0.0..=MAX_SECONDS).contains(&seconds) {
        return Err(format!(
            "{text:?} is out of range: expected 0 to {MAX_SECONDS:e} seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses a thread count of at least 1.
pub fn parse_threads(text: &str) -> Result<usize, String> {
    match text.trim().parse::<usize>() {
        Ok(0) => Err("expected at least 1 thread".into()),
        Ok(n) => Ok(n),
        Err(_) => Err(format!("{text:?} is not a number of threads")),
    }
}

/// The worker threads to start: the request, capped at [`THREADS_PER_CORE`]
/// times the cores with a warning (default: one per core).
pub fn thread_count(requested: Option<usize>) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let cap = cores.saturating_mul(THREADS_PER_CORE);
    match requested {
        None => cores,
        Some(n) if n > cap => {
            write_err(format_args!(
                "warning: --threads {n}: using {cap} ({THREADS_PER_CORE} per core, {cores} core(s)); results do not depend on it\n"
            ));
            cap
        }
        Some(n) => n,
    }
}

/// The default memory limit: 80% of the smaller of the memory the system
/// says is available and the room left under this process's cgroup limit.
pub fn default_memory_limit() -> Option<u64> {
    let room = [available_memory(), cgroup_room()]
        .into_iter()
        .flatten()
        .min()?;
    Some(room / 10 * 8)
}

/// `MemAvailable` from `/proc/meminfo`.
fn available_memory() -> Option<u64> {
    let info = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = info.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The bytes this process's cgroup (or the tightest of its ancestors) may
/// still use: limit minus usage, for cgroup v2, else cgroup v1.
fn cgroup_room() -> Option<u64> {
    let membership = std::fs::read_to_string("/proc/self/cgroup").ok()?;
    cgroup_v2_room(&membership).or_else(|| cgroup_v1_room(&membership))
}

fn cgroup_v2_room(membership: &str) -> Option<u64> {
    let path = membership.lines().find_map(|l| l.strip_prefix("0::"))?;
    let mut dir = std::path::Path::new("/sys/fs/cgroup").join(path.trim_start_matches('/'));
    let mut tightest: Option<u64> = None;
    loop {
        let limit = read_number(&dir.join("memory.max"));
        let usage = read_number(&dir.join("memory.current"));
        if let (Some(limit), Some(usage)) = (limit, usage) {
            let room = limit.saturating_sub(usage);
            tightest = Some(tightest.map_or(room, |t| t.min(room)));
        }
        if dir == std::path::Path::new("/sys/fs/cgroup") || !dir.pop() {
            return tightest;
        }
    }
}

fn cgroup_v1_room(membership: &str) -> Option<u64> {
    let path = membership.lines().find_map(|l| {
        let mut fields = l.splitn(3, ':');
        let _ = fields.next()?;
        let controllers = fields.next()?;
        controllers
            .split(',')
            .any(|c| c == "memory")
            .then(|| fields.next())
            .flatten()
    })?;
    let dir = std::path::Path::new("/sys/fs/cgroup/memory").join(path.trim_start_matches('/'));
    let limit = read_number(&dir.join("memory.limit_in_bytes"))?;
    let usage = read_number(&dir.join("memory.usage_in_bytes"))?;
    // "No limit" reads as a number near 2^63.
    (limit < 1 << 60).then(|| limit.saturating_sub(usage))
}

/// A file holding one number (`max` and unreadable files give `None`).
fn read_number(path: &std::path::Path) -> Option<u64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("150M"), Ok(150 << 20));
        assert_eq!(parse_size("150MB"), Ok(150 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size("0.5k"), Ok(512));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1G").is_err());
        assert!(parse_size("1e30").is_err());
        assert!(parse_size("99999999999T").is_err());
        assert!(parse_size("NaN").is_err());
    }

    #[test]
    fn seconds() {
        assert_eq!(parse_seconds("0"), Ok(Duration::ZERO));
        assert_eq!(parse_seconds("2.5"), Ok(Duration::from_millis(2500)));
        assert_eq!(parse_seconds("1e9"), Ok(Duration::from_secs(1_000_000_000)));
        for bad in ["1e20", "-1", "inf", "NaN", "soon"] {
            assert!(parse_seconds(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn threads() {
        assert_eq!(parse_threads("2"), Ok(2));
        assert!(parse_threads("0").is_err());
        assert!(parse_threads("many").is_err());
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        assert_eq!(thread_count(Some(100_000)), cores * THREADS_PER_CORE);
        assert_eq!(thread_count(Some(1)), 1);
        assert_eq!(thread_count(None), cores);
    }

    #[test]
    fn cgroup_v1_lines_are_read_for_the_memory_controller_only() {
        // No such directory here: the answer is None, not a panic.
        assert_eq!(cgroup_v1_room("4:cpu,cpuacct:/x\n"), None);
        assert_eq!(cgroup_v1_room("garbage"), None);
        assert_eq!(cgroup_v2_room("1:name=systemd:/\n"), None);
    }
}
