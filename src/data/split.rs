//! The two data sets of a session: training and test.

use crate::error::{Error, Result};

/// Which data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Split {
    /// 60000 training examples in MNIST.
    Train,
    /// 10000 test examples in MNIST.
    Test,
}

impl Split {
    /// The data set name: "train" or "test".
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "test",
        }
    }
}

impl std::str::FromStr for Split {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s {
            "train" => Ok(Split::Train),
            "test" => Ok(Split::Test),
            _ => Err(Error::argument("set", s, "must be \"train\" or \"test\"")),
        }
    }
}
