//! The one error type of the core. Every fallible public function returns [`Result`];
//! the wasm facade turns these into JavaScript exceptions carrying the `Display` text.

use thiserror::Error;

/// Everything that can go wrong in the core, each with a message a user can act on.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum Error {
    /// A buffer or tensor had the wrong number of elements or the wrong dimensions.
    #[error("{what}: expected {expected}, got {got}")]
    Shape {
        what: &'static str,
        expected: String,
        got: String,
    },

    /// A setting outside its allowed range (batch size 0, a NaN learning rate, ...).
    #[error("invalid setting {name} = {value}: {reason}")]
    Config {
        name: &'static str,
        value: String,
        reason: &'static str,
    },

    /// A malformed IDX (MNIST) file.
    #[error("{file}: {reason}")]
    Idx { file: String, reason: String },

    /// A weights blob that is corrupt, truncated, or for another network.
    #[error("weights file rejected: {0}")]
    Weights(String),

    /// An operation that needs data which has not been loaded yet.
    #[error("no data: {0}")]
    NoData(String),

    /// A value that must be finite was not (an input pixel, a diverged loss).
    #[error("non-finite value: {0}")]
    NonFinite(String),
}

/// Shorthand used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A shape error from anything printable.
    pub fn shape(what: &'static str, expected: impl ToString, got: impl ToString) -> Self {
        Error::Shape {
            what,
            expected: expected.to_string(),
            got: got.to_string(),
        }
    }

    /// A configuration error.
    pub fn config(name: &'static str, value: impl ToString, reason: &'static str) -> Self {
        Error::Config {
            name,
            value: value.to_string(),
            reason,
        }
    }
}
