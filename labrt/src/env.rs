//! The configuration of a run from the environment: `LAB_RUNTIME` and
//! `LAB_SEED`.

use std::ffi::OsStr;
use std::fmt;
use std::hash::{BuildHasher, RandomState};

use crate::run::{Backend, Config};

/// Environment variable choosing the backend: `sim` (default) or `real`.
pub const ENV_RUNTIME: &str = "LAB_RUNTIME";
/// Environment variable fixing the seed (a `u64`); fresh when unset.
pub const ENV_SEED: &str = "LAB_SEED";

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
        Ok(Config {
            backend,
            seed: seed.unwrap_or_else(fresh_seed),
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
        }
    }
}

impl std::error::Error for EnvError {}

#[cfg(test)]
mod tests {
    use std::ffi::OsStr;

    use super::{EnvError, backend_from, seed_from};
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
