//! The two data sets of a session, training and test, and the training images held out for
//! validation.

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

/// Images per block of the validation pattern: each whole block of training images holds out
/// exactly `round(share × BLOCK)` of them, so 60,000 images at 0.1 hold out exactly 6,000.
const BLOCK: usize = 1000;

/// Seeds the validation pattern. Fixed, and apart from the training seed: every run (every
/// seed, every Reset) holds out the same images, as Keras's `validation_split` does.
const VALIDATION_SEED: u64 = 0x7a1_1d47_e5e7;

/// Which training images are held out for validation (Keras's `validation_split`): image `i`
/// is held out when its place in a fixed, seeded shuffle of its block of [`BLOCK`] images is
/// below the share's count. The pattern depends on the index only, so images streaming in
/// later never move an image from one side to the other, and a larger training set holds out
/// a superset.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidationSplit {
    /// Each block position's rank in the seeded shuffle.
    rank: Vec<u16>,
    /// Positions per block held out: `round(share × BLOCK)`.
    per_block: usize,
}

impl ValidationSplit {
    /// `share` in [0, 1): the share of training images held out (0: none).
    pub fn new(share: f32) -> Self {
        use rand::SeedableRng;
        use rand::seq::SliceRandom;
        let mut order: Vec<u16> = (0..BLOCK as u16).collect();
        order.shuffle(&mut rand_pcg::Pcg64Mcg::seed_from_u64(VALIDATION_SEED));
        let mut rank = vec![0u16; BLOCK];
        for (r, &pos) in order.iter().enumerate() {
            rank[pos as usize] = r as u16;
        }
        let per_block = ((f64::from(share) * BLOCK as f64).round() as usize).min(BLOCK);
        ValidationSplit { rank, per_block }
    }

    /// Whether training image `i` is held out.
    pub fn holds(&self, i: usize) -> bool {
        usize::from(self.rank[i % BLOCK]) < self.per_block
    }

    /// How many of the images `0..n` are held out.
    pub fn held_below(&self, n: usize) -> usize {
        let tail = (n - n % BLOCK..n).filter(|&i| self.holds(i)).count();
        n / BLOCK * self.per_block + tail
    }

    /// The held-out images among `0..n`, in index order, into `out` (cleared first).
    pub fn held_out(&self, n: usize, out: &mut Vec<u32>) {
        out.clear();
        out.extend((0..n as u32).filter(|&i| self.holds(i as usize)));
    }

    /// The images among `0..n` left to train on, in index order, into `out` (cleared first).
    pub fn kept(&self, n: usize, out: &mut Vec<u32>) {
        out.clear();
        out.extend((0..n as u32).filter(|&i| !self.holds(i as usize)));
    }
}
