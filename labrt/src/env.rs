//! The configuration of a run from the environment: `LAB_RUNTIME`,
//! `LAB_SEED`, `LAB_STALL_SECS` and `LAB_PREEMPT_MS`.

use std::ffi::OsStr;
use std::fmt;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use crate::run::{Backend, Config, DEFAULT_STALL_LIMIT};

/// Environment variable choosing the backend: `sim` (default) or `real`.
pub const ENV_RUNTIME: &str = "LAB_RUNTIME";
/// Environment variable fixing the seed (a `u64`); fresh when unset.
pub const ENV_SEED: &str = "LAB_SEED";
/// Environment variable setting [`Config::stall_limit`] in seconds; 10 when
/// unset.
pub const ENV_STALL_SECS: &str = "LAB_STALL_SECS";
/// Environment variable turning on [`Config::preempt`], preemption at
/// unlock in sim, with its bound in milliseconds (fractions allowed; `0`
/// preempts without moving the clock); off when unset.
pub const ENV_PREEMPT_MS: &str = "LAB_PREEMPT_MS";

/// An environment variable of labrt holds a value it cannot use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnvError {
    /// `LAB_RUNTIME` names no backend.
    Runtime {
        /// The value found.
        value: String,
    },
    /// `LAB_SEED` is not an unsigned 64-bit integer.
    Seed {
        /// The value found.
        value: String,
    },
    /// `LAB_STALL_SECS` is not a positive number of seconds.
    StallLimit {
        /// The value found.
        value: String,
    },
    /// `LAB_PREEMPT_MS` is not a number of milliseconds, zero or more.
    Preempt {
        /// The value found.
        value: String,
    },
}

impl Config {
    /// The configuration from `LAB_RUNTIME` and `LAB_SEED`: sim unless
    /// `LAB_RUNTIME=real`, and a fresh seed unless `LAB_SEED` sets one;
    /// `LAB_STALL_SECS` and `LAB_PREEMPT_MS` set the stall limit and
    /// preemption at unlock.
    ///
    /// # Panics
    /// If either variable holds a value that cannot be understood; see
    /// [`Config::try_from_env`].
    pub fn from_env() -> Config {
        Config::try_from_env().unwrap_or_else(|e| panic!("labrt: {e}"))
    }

    /// The configuration from the `LAB_*` variables above, or which of
    /// them holds a value that cannot be understood.
    pub fn try_from_env() -> Result<Config, EnvError> {
        let backend = backend_from(std::env::var_os(ENV_RUNTIME).as_deref())?;
        let seed = seed_from(std::env::var_os(ENV_SEED).as_deref())?;
        let stall_limit = stall_limit_from(std::env::var_os(ENV_STALL_SECS).as_deref())?;
        let preempt = preempt_from(std::env::var_os(ENV_PREEMPT_MS).as_deref())?;
        Ok(Config {
            backend,
            seed: seed.unwrap_or_else(fresh_seed),
            stall_limit,
            preempt,
        })
    }
}

/// The backend `LAB_RUNTIME` names; unset or empty is sim.
fn backend_from(value: Option<&OsStr>) -> Result<Backend, EnvError> {
    match value.map(OsStr::to_str) {
        None | Some(Some("" | "sim")) => Ok(Backend::Sim),
        Some(Some("real")) => Ok(Backend::Real),
        Some(_) => Err(EnvError::Runtime {
            value: lossy(value),
        }),
    }
}

/// The seed `LAB_SEED` fixes; `None` when unset or empty.
fn seed_from(value: Option<&OsStr>) -> Result<Option<u64>, EnvError> {
    let bad = || EnvError::Seed {
        value: lossy(value),
    };
    match value.map(OsStr::to_str) {
        None | Some(Some("")) => Ok(None),
        Some(Some(v)) => v.parse().map(Some).map_err(|_| bad()),
        Some(None) => Err(bad()),
    }
}

/// The stall limit `LAB_STALL_SECS` sets: positive seconds, fractions
/// allowed; the default when unset or empty.
fn stall_limit_from(value: Option<&OsStr>) -> Result<Duration, EnvError> {
    let bad = || EnvError::StallLimit {
        value: lossy(value),
    };
    match value.map(OsStr::to_str) {
        None | Some(Some("")) => Ok(DEFAULT_STALL_LIMIT),
        Some(Some(v)) => match v.parse::<f64>() {
            Ok(secs) if secs > 0.0 => Duration::try_from_secs_f64(secs).map_err(|_| bad()),
            _ => Err(bad()),
        },
        Some(None) => Err(bad()),
    }
}

/// The bound of preemption `LAB_PREEMPT_MS` sets: milliseconds, zero or
/// more, fractions allowed, to the nanosecond; off when unset or empty.
fn preempt_from(value: Option<&OsStr>) -> Result<Option<Duration>, EnvError> {
    let bad = || EnvError::Preempt {
        value: lossy(value),
    };
    match value.map(OsStr::to_str) {
        None | Some(Some("")) => Ok(None),
        Some(Some(v)) => match v.parse::<f64>() {
            // Below 2^53 nanoseconds (104 days), every count is exact.
            Ok(ms) if (0.0..=(1u64 << 53) as f64 / 1e6).contains(&ms) => {
                Ok(Some(Duration::from_nanos((ms * 1e6).round() as u64)))
            }
            _ => Err(bad()),
        },
        Some(None) => Err(bad()),
    }
}

/// `d` in milliseconds, as [`preempt_from`] reads it back: `2`, `0.5`.
pub(crate) fn millis(d: Duration) -> String {
    (d.as_nanos() as f64 / 1e6).to_string()
}

fn lossy(value: Option<&OsStr>) -> String {
    value
        .map(|v| v.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn fresh_seed() -> u64 {
    // RandomState is keyed from the OS's entropy source.
    RandomState::new().hash_one(std::time::SystemTime::now())
}

impl fmt::Display for EnvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvError::Runtime { value } => write!(
                f,
                "{ENV_RUNTIME}={value:?} is not a backend; use {ENV_RUNTIME}=sim (the default) \
                 or {ENV_RUNTIME}=real"
            ),
            EnvError::Seed { value } => write!(
                f,
                "{ENV_SEED}={value:?} is not a seed; use an unsigned 64-bit integer such as \
                 {ENV_SEED}=42, or leave it unset for a fresh seed"
            ),
            EnvError::StallLimit { value } => write!(
                f,
                "{ENV_STALL_SECS}={value:?} is not a number of seconds; use a positive number \
                 such as {ENV_STALL_SECS}=30, or leave it unset for {}s",
                DEFAULT_STALL_LIMIT.as_secs()
            ),
            EnvError::Preempt { value } => write!(
                f,
                "{ENV_PREEMPT_MS}={value:?} is not a number of milliseconds; use zero or more, \
                 such as {ENV_PREEMPT_MS}=2, or leave it unset for no preemption at unlock"
            ),
        }
    }
}

impl std::error::Error for EnvError {}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use std::time::Duration;

    use super::{EnvError, backend_from, millis, preempt_from, seed_from, stall_limit_from};
    use crate::Backend;

    fn os(s: &str) -> Option<&OsStr> {
        Some(OsStr::new(s))
    }

    #[test]
    fn the_backend_is_sim_unless_real_is_asked_for() {
        assert_eq!(backend_from(None), Ok(Backend::Sim));
        assert_eq!(backend_from(os("")), Ok(Backend::Sim));
        assert_eq!(backend_from(os("sim")), Ok(Backend::Sim));
        assert_eq!(backend_from(os("real")), Ok(Backend::Real));
        for bad in ["bogus", "Real", " sim"] {
            assert_eq!(
                backend_from(os(bad)),
                Err(EnvError::Runtime { value: bad.into() })
            );
        }
    }

    #[test]
    fn the_stall_limit_is_positive_seconds_or_the_default() {
        assert_eq!(stall_limit_from(None), Ok(crate::run::DEFAULT_STALL_LIMIT));
        assert_eq!(stall_limit_from(os("30")), Ok(Duration::from_secs(30)));
        assert_eq!(stall_limit_from(os("0.5")), Ok(Duration::from_millis(500)));
        for bad in ["0", "-1", "x", "inf", "1e30"] {
            assert_eq!(
                stall_limit_from(os(bad)),
                Err(EnvError::StallLimit { value: bad.into() })
            );
        }
    }

    #[test]
    fn preemption_is_off_or_milliseconds_that_print_back_the_same() {
        assert_eq!(preempt_from(None), Ok(None));
        assert_eq!(preempt_from(os("")), Ok(None));
        assert_eq!(preempt_from(os("0")), Ok(Some(Duration::ZERO)));
        assert_eq!(preempt_from(os("2")), Ok(Some(Duration::from_millis(2))));
        assert_eq!(
            preempt_from(os("0.25")),
            Ok(Some(Duration::from_micros(250)))
        );
        for d in [1, 7, 250_000, 2_000_000, 123_456_789] {
            let d = Duration::from_nanos(d);
            assert_eq!(preempt_from(os(&millis(d))), Ok(Some(d)), "{d:?}");
        }
        assert_eq!(millis(Duration::from_millis(2)), "2");
        for bad in ["-1", "x", "inf", "NaN", "1e30"] {
            assert_eq!(
                preempt_from(os(bad)),
                Err(EnvError::Preempt { value: bad.into() })
            );
        }
    }

    #[test]
    fn the_seed_is_a_u64_or_unset() {
        assert_eq!(seed_from(None), Ok(None));
        assert_eq!(seed_from(os("")), Ok(None));
        assert_eq!(seed_from(os("42")), Ok(Some(42)));
        assert_eq!(seed_from(os("18446744073709551615")), Ok(Some(u64::MAX)));
        for bad in ["x", "-1", "18446744073709551616", "4 2", "0x10"] {
            assert_eq!(
                seed_from(os(bad)),
                Err(EnvError::Seed { value: bad.into() })
            );
        }
    }

    #[test]
    fn a_bad_value_is_explained() {
        let runtime = EnvError::Runtime {
            value: "bogus".into(),
        };
        assert_eq!(
            runtime.to_string(),
            "LAB_RUNTIME=\"bogus\" is not a backend; use LAB_RUNTIME=sim (the default) or LAB_RUNTIME=real"
        );
        let seed = EnvError::Seed { value: "x".into() };
        assert!(
            seed.to_string()
                .starts_with("LAB_SEED=\"x\" is not a seed; use an unsigned 64-bit integer"),
            "{seed}"
        );
    }
}
