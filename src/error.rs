//! The one error type of the core. Every fallible public function returns [`Result`];
//! the wasm facade turns these into JavaScript exceptions carrying the `Display` text as
//! `message`, [`Error::name`] as `name` (what JavaScript branches on) and, for a settings
//! error, the offending field as `field`.

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

    /// A setting outside its allowed range, of the wrong type, or unknown (batch size 0, a
    /// NaN learning rate, a misspelt field, ...). `name` is the setting's JavaScript name.
    #[error("invalid setting {name} = {value}: {reason}")]
    Config {
        name: String,
        value: String,
        reason: String,
    },

    /// A call's argument that names nothing known (a data set other than "train" or "test").
    #[error("invalid {name} {value:?}: {reason}")]
    Argument {
        name: &'static str,
        value: String,
        reason: &'static str,
    },

    /// A malformed IDX (MNIST) file.
    #[error("{file}: {reason}")]
    Idx { file: String, reason: String },

    /// A model file (weights or safetensors) that is corrupt, truncated, or for another network;
    /// its message is said to people as it is, after the file's name (www/state/notices.js).
    #[error("{0}")]
    Weights(String),

    /// An operation that needs data which has not been loaded yet.
    #[error("no data: {0}")]
    NoData(String),

    /// An input value that must be finite was not (a NaN or infinite pixel).
    #[error("bad input: {0}")]
    BadInput(String),

    /// The training loss or a gradient became non-finite: the step was not applied.
    #[error("the training loss became {loss} (diverged); try a lower learning rate")]
    Diverged { loss: f32 },
}

/// Shorthand used across the crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The JavaScript `name` of each kind of [`Error`], in one table: [`Error::name`] reads it and
/// the facade exports it (`errorNames()`), so JavaScript never spells a name on its own.
pub const ERROR_NAMES: [(&str, &str); 8] = [
    ("shape", "ShapeError"),
    ("settings", "SettingsError"),
    ("argument", "ArgumentError"),
    ("dataFormat", "DataFormatError"),
    ("weights", "WeightsError"),
    ("noData", "NoDataError"),
    ("badInput", "BadInputError"),
    ("diverged", "DivergedError"),
];

impl Error {
    /// A shape error from anything printable.
    pub fn shape(what: &'static str, expected: impl ToString, got: impl ToString) -> Self {
        Error::Shape {
            what,
            expected: expected.to_string(),
            got: got.to_string(),
        }
    }

    /// A configuration error about the setting `name`.
    pub fn config(name: impl ToString, value: impl ToString, reason: impl ToString) -> Self {
        Error::Config {
            name: name.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        }
    }

    /// An argument error.
    pub fn argument(name: &'static str, value: impl ToString, reason: &'static str) -> Self {
        Error::Argument {
            name,
            value: value.to_string(),
            reason,
        }
    }

    /// Index of this error's kind in [`ERROR_NAMES`].
    const fn kind_index(&self) -> usize {
        match self {
            Error::Shape { .. } => 0,
            Error::Config { .. } => 1,
            Error::Argument { .. } => 2,
            Error::Idx { .. } => 3,
            Error::Weights(_) => 4,
            Error::NoData(_) => 5,
            Error::BadInput(_) => 6,
            Error::Diverged { .. } => 7,
        }
    }

    /// The JavaScript error name of this kind, e.g. `"DivergedError"`.
    pub const fn name(&self) -> &'static str {
        ERROR_NAMES[self.kind_index()].1
    }

    /// The setting a [`Error::Config`] is about.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Config { name, .. } => Some(name),
            _ => None,
        }
    }
}
