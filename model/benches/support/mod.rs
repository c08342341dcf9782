//! Shared by the benchmarks: clocks that count only CPU time (of the
//! measuring thread, or of every thread of the process), so that other
//! processes on a shared machine do not inflate the figures. Disk
//! benchmarks keep the wall clock.

// Each benchmark binary includes this module and uses a subset of it.
#![allow(dead_code)]

use criterion::Throughput;
use criterion::measurement::{Measurement, ValueFormatter};

/// CPU time of the current thread (`CLOCK_THREAD_CPUTIME_ID`).
pub struct ThreadCpuTime;

/// CPU time of every thread of the process (`CLOCK_PROCESS_CPUTIME_ID`),
/// for parallel work.
pub struct ProcessCpuTime;

fn cpu_clock_ns(clock: libc::clockid_t) -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `clock_gettime` only writes the `timespec` we own and pass by
    // a valid pointer; the clock ids are constants POSIX defines.
    let status = unsafe { libc::clock_gettime(clock, &mut now) };
    assert_eq!(status, 0, "clock_gettime failed");
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

fn thread_cpu_ns() -> u64 {
    cpu_clock_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

fn process_cpu_ns() -> u64 {
    cpu_clock_ns(libc::CLOCK_PROCESS_CPUTIME_ID)
}

macro_rules! cpu_measurement {
    ($type:ty, $clock:ident) => {
        impl Measurement for $type {
            type Intermediate = u64;
            type Value = u64;

            fn start(&self) -> u64 {
                $clock()
            }

            fn end(&self, start: u64) -> u64 {
                $clock().saturating_sub(start)
            }

            fn add(&self, a: &u64, b: &u64) -> u64 {
                a + b
            }

            fn zero(&self) -> u64 {
                0
            }

            fn to_f64(&self, value: &u64) -> f64 {
                *value as f64
            }

            fn formatter(&self) -> &dyn ValueFormatter {
                &NanosFormatter
            }
        }
    };
}

cpu_measurement!(ThreadCpuTime, thread_cpu_ns);
cpu_measurement!(ProcessCpuTime, process_cpu_ns);

/// Formats nanoseconds as ns, µs, ms or s of CPU time.
struct NanosFormatter;

impl ValueFormatter for NanosFormatter {
    fn scale_values(&self, typical: f64, values: &mut [f64]) -> &'static str {
        let (factor, unit) = match typical {
            t if t < 1e3 => (1.0, "ns cpu"),
            t if t < 1e6 => (1e-3, "µs cpu"),
            t if t < 1e9 => (1e-6, "ms cpu"),
            _ => (1e-9, "s cpu"),
        };
        values.iter_mut().for_each(|v| *v *= factor);
        unit
    }

    fn scale_throughputs(
        &self,
        typical: f64,
        throughput: &Throughput,
        values: &mut [f64],
    ) -> &'static str {
        let _ = typical;
        match throughput {
            Throughput::Bytes(bytes) | Throughput::BytesDecimal(bytes) => {
                values
                    .iter_mut()
                    .for_each(|v| *v = *bytes as f64 * 1e9 / *v / 1e6);
                "MB/s cpu"
            }
            Throughput::Elements(n) | Throughput::ElementsAndBytes { elements: n, .. } => {
                values.iter_mut().for_each(|v| *v = *n as f64 * 1e9 / *v);
                "elem/s cpu"
            }
            Throughput::Bits(bits) => {
                values
                    .iter_mut()
                    .for_each(|v| *v = *bits as f64 * 1e9 / *v / 1e6);
                "Mbit/s cpu"
            }
        }
    }

    fn scale_for_machines(&self, _values: &mut [f64]) -> &'static str {
        "ns"
    }
}
