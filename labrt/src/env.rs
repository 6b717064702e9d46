//! The configuration of a run from the environment: `LAB_RUNTIME`,
//! `LAB_SEED` and `LAB_STALL_SECS`.

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
}

impl Config {
    /// The configuration from `LAB_RUNTIME` and `LAB_SEED`: sim unless
    /// `LAB_RUNTIME=real`, and a fresh seed unless `LAB_SEED` sets one.
    ///
    /// # Panics
    /// If either variable holds a value that cannot be understood; see
    /// [`Config::try_from_env`].
    pub fn from_env() -> Config {
        Config::try_from_env().unwrap_or_else(|e| panic!("labrt: {e}"))
    }

    /// The configuration from `LAB_RUNTIME` and `LAB_SEED`, or which of
    /// them holds a value that cannot be understood.
    pub fn try_from_env() -> Result<Config, EnvError> {
        let backend = backend_from(std::env::var_os(ENV_RUNTIME).as_deref())?;
        let seed = seed_from(std::env::var_os(ENV_SEED).as_deref())?;
        let stall_limit = stall_limit_from(std::env::var_os(ENV_STALL_SECS).as_deref())?;
        Ok(Config {
            backend,
            seed: seed.unwrap_or_else(fresh_seed),
            stall_limit,
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
        }
    }
}

impl std::error::Error for EnvError {}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use std::time::Duration;

    use super::{EnvError, backend_from, seed_from, stall_limit_from};
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
