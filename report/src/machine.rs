//! The machine a report ran on.

/// What the report says about the machine.
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// CPU model (from /proc/cpuinfo), or "unknown".
    pub cpu: String,
    /// Logical cores available to the process.
    pub cores: usize,
    /// Total memory in MiB (from /proc/meminfo), if known.
    pub memory_mib: Option<u64>,
    /// Operating system and architecture.
    pub os: String,
    /// The 1-minute load average when the report started (other work on the
    /// machine disturbs the timings), if known.
    pub load: Option<f64>,
}

impl Machine {
    /// Reads the description of this machine.
    pub fn this() -> Machine {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu = cpuinfo
            .lines()
            .find(|l| l.starts_with("model name"))
            .and_then(|l| l.split_once(':'))
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_else(|| "unknown".into());
        let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
        let memory_mib = meminfo
            .lines()
            .find(|l| l.starts_with("MemTotal:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kib| kib.parse::<u64>().ok())
            .map(|kib| kib / 1024);
        Machine {
            cpu,
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_mib,
            os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            load: std::fs::read_to_string("/proc/loadavg")
                .ok()
                .and_then(|l| l.split_whitespace().next()?.parse().ok()),
        }
    }

    /// One line: `CPU, N cores, M GiB, OS`.
    pub fn describe(&self) -> String {
        let memory = self.memory_mib.map_or("memory unknown".to_string(), |m| {
            format!("{:.1} GiB", m as f64 / 1024.0)
        });
        let load = self.load.map_or(String::new(), |l| {
            format!(", load average {l:.2} at the start")
        });
        format!(
            "{}, {} logical cores, {memory}, {}{load}",
            self.cpu, self.cores, self.os
        )
    }
}
