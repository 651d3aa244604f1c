//! Streaming parser for IDX files, the big-endian format MNIST ships in.
//!
//! Images (magic `0x00000803` = 2051): `u32 count, u32 rows, u32 cols`, then `count * rows * cols`
//! pixel bytes, row-major, one record of `rows * cols` bytes per image.
//! Labels (magic `0x00000801` = 2049): `u32 count`, then `count` label bytes, one record each.
//!
//! Bytes may arrive in chunks of any size (the browser reads files in slices), so the header can
//! be split across chunks; a record becomes readable as soon as its last byte has arrived.

use crate::{Error, Result};

/// Rows and columns of an image: the model's input side, the only size it accepts.
pub const IMAGE_SIDE: usize = crate::model::SIDE;
/// Pixels (bytes) per image.
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;
/// Every label must be below this: the most classes a model has (the data's labels then
/// size the model, `DataSet::classes`).
pub const MAX_LABELS: u8 = crate::network::MAX_CLASSES as u8;
/// Most records a header may announce: far above MNIST's 60000, yet low enough that a corrupt
/// count is reported instead of making us allocate gigabytes.
pub const MAX_RECORDS: usize = 10_000_000;

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;
const HEADER_MAX: usize = 16;
/// Most bytes reserved up front on a header's word (MNIST train images are 47 MB); reserving
/// once avoids the doubling reallocations that would briefly need twice the memory.
const MAX_PREALLOC: usize = 64 << 20;

/// What a stream expects to find.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdxKind {
    /// An images file whose images must be exactly `rows` x `cols`.
    Images { rows: usize, cols: usize },
    /// A labels file whose labels must be below `classes`.
    Labels { classes: u8 },
}

impl IdxKind {
    /// Images the model takes: MNIST's 28x28.
    pub const IMAGES: IdxKind = IdxKind::Images {
        rows: IMAGE_SIDE,
        cols: IMAGE_SIDE,
    };
    /// Labels of any class count a model may have (MNIST's digits 0-9, letters, ...).
    pub const LABELS: IdxKind = IdxKind::Labels {
        classes: MAX_LABELS,
    };

    /// Bytes per record: one image or one label.
    pub fn record_len(self) -> usize {
        match self {
            IdxKind::Images { rows, cols } => rows.saturating_mul(cols),
            IdxKind::Labels { .. } => 1,
        }
    }

    fn magic(self) -> u32 {
        match self {
            IdxKind::Images { .. } => IMAGES_MAGIC,
            IdxKind::Labels { .. } => LABELS_MAGIC,
        }
    }

    fn header_len(self) -> usize {
        match self {
            IdxKind::Images { .. } => 16,
            IdxKind::Labels { .. } => 8,
        }
    }

    /// Plural of what one record is, for messages.
    fn noun(self) -> &'static str {
        match self {
            IdxKind::Images { .. } => "images",
            IdxKind::Labels { .. } => "labels",
        }
    }

    /// What the body bytes are, for messages.
    fn unit(self) -> &'static str {
        match self {
            IdxKind::Images { .. } => "pixel bytes",
            IdxKind::Labels { .. } => "label bytes",
        }
    }
}

/// An IDX file being received chunk by chunk.
///
/// The first error is sticky: later pushes and [`finish`](Self::finish) return it again, while
/// the records completed before it stay readable.
#[derive(Clone, Debug)]
pub struct IdxStream {
    file: String,
    kind: IdxKind,
    header: [u8; HEADER_MAX],
    header_filled: usize,
    /// Records announced by the header, once the header is complete and valid.
    count: Option<usize>,
    /// `count * record_len`: how many body bytes the header promised (0 until it is known).
    body_len: usize,
    /// Body bytes so far; a partial trailing record waits here for the rest of its bytes.
    body: Vec<u8>,
    error: Option<Error>,
}

impl IdxStream {
    /// An empty stream for `file` (the name used in error messages) expecting `kind`.
    pub fn new(file: impl Into<String>, kind: IdxKind) -> Self {
        IdxStream {
            file: file.into(),
            kind,
            header: [0; HEADER_MAX],
            header_filled: 0,
            count: None,
            body_len: 0,
            body: Vec::new(),
            error: None,
        }
    }

    /// Takes the next chunk of the file, of any length.
    pub fn push(&mut self, chunk: &[u8]) -> Result<()> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        let result = self
            .accept_header(chunk)
            .and_then(|body| self.accept_body(body));
        self.remember(result)
    }

    /// Declares the end of the file: errors if the header or body is incomplete.
    pub fn finish(&mut self) -> Result<()> {
        if let Some(err) = &self.error {
            return Err(err.clone());
        }
        let result = self.check_complete();
        self.remember(result)
    }

    /// The name used in error messages.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// What this stream expects.
    pub fn kind(&self) -> IdxKind {
        self.kind
    }

    /// Records announced by the header, once it has been read and accepted.
    pub fn count(&self) -> Option<usize> {
        self.count
    }

    /// Completed records so far.
    pub fn len(&self) -> usize {
        self.body
            .len()
            .checked_div(self.kind.record_len())
            .unwrap_or(0)
    }

    /// True while no record is complete.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// All completed records, back to back.
    pub fn records(&self) -> &[u8] {
        let end = self.len() * self.kind.record_len();
        self.body.get(..end).unwrap_or_default()
    }

    /// Completed record `i`, if there is one.
    pub fn record(&self, i: usize) -> Option<&[u8]> {
        let len = self.kind.record_len();
        let start = i.checked_mul(len)?;
        self.records().get(start..start.checked_add(len)?)
    }

    /// True once every promised record has arrived and nothing went wrong.
    pub fn is_complete(&self) -> bool {
        self.error.is_none() && self.count.is_some() && self.body.len() == self.body_len
    }

    /// The error that stopped this stream, if any.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    fn remember(&mut self, result: Result<()>) -> Result<()> {
        if let Err(err) = &result {
            self.error = Some(err.clone());
        }
        result
    }

    fn fail(&self, reason: String) -> Error {
        Error::Idx {
            file: self.file.clone(),
            reason,
        }
    }

    /// Big-endian header word `n` (0 = magic, 1 = count, 2 = rows, 3 = cols).
    fn word(&self, n: usize) -> u32 {
        let at = 4 * n;
        self.header
            .get(at..at + 4)
            .and_then(|bytes| bytes.try_into().ok())
            .map_or(0, u32::from_be_bytes)
    }

    /// Copies header bytes out of `chunk` and returns the rest, which belongs to the body.
    fn accept_header<'a>(&mut self, chunk: &'a [u8]) -> Result<&'a [u8]> {
        if self.count.is_some() {
            return Ok(chunk);
        }
        let header_len = self.kind.header_len();
        let missing = header_len.saturating_sub(self.header_filled);
        let (head, rest) = chunk.split_at(missing.min(chunk.len()));
        let end = self.header_filled + head.len();
        if let Some(slot) = self.header.get_mut(self.header_filled..end) {
            slot.copy_from_slice(head);
            self.header_filled = end;
        }
        // Check the magic as soon as it is in, so a wrong file fails on its first chunk.
        if self.header_filled >= 4 {
            self.check_magic()?;
        }
        if self.header_filled == header_len {
            self.accept_counts()?;
        }
        Ok(rest)
    }

    fn check_magic(&self) -> Result<()> {
        let (magic, expected) = (self.word(0), self.kind.magic());
        if magic == expected {
            return Ok(());
        }
        let what = match expected {
            IMAGES_MAGIC => "2051, IDX images",
            _ => "2049, IDX labels",
        };
        let hint = match magic {
            IMAGES_MAGIC => "; this is an images file",
            LABELS_MAGIC => "; this is a labels file",
            m if m >> 16 == 0x1f8b => "; the file is gzip-compressed, decompress it first",
            _ => "",
        };
        Err(self.fail(format!(
            "bad magic number {magic:#010x}, expected {expected:#010x} ({what}){hint}"
        )))
    }

    /// Validates the complete header's count and dimensions, then records the body length.
    fn accept_counts(&mut self) -> Result<()> {
        let count = self.word(1) as usize;
        if let IdxKind::Images { rows, cols } = self.kind {
            let (got_rows, got_cols) = (self.word(2) as usize, self.word(3) as usize);
            if (got_rows, got_cols) != (rows, cols) {
                return Err(self.fail(format!(
                    "images are {got_rows}x{got_cols}, this model needs {rows}x{cols}"
                )));
            }
        }
        let noun = self.kind.noun();
        let body_len = count.checked_mul(self.kind.record_len());
        let Some(body_len) = body_len.filter(|_| count <= MAX_RECORDS) else {
            return Err(self.fail(format!(
                "header claims {count} {noun}, more than the {MAX_RECORDS} this loader accepts \
                 (corrupt file?)"
            )));
        };
        // Only an optimisation: on failure the buffer simply grows as data arrives.
        let _ = self.body.try_reserve_exact(body_len.min(MAX_PREALLOC));
        self.count = Some(count);
        self.body_len = body_len;
        Ok(())
    }

    /// Appends body bytes, stopping at a bad label or at the end the header promised.
    fn accept_body(&mut self, bytes: &[u8]) -> Result<()> {
        let room = self.body_len.saturating_sub(self.body.len());
        let (fits, extra) = bytes.split_at(room.min(bytes.len()));
        if let IdxKind::Labels { classes } = self.kind {
            if let Some(at) = fits.iter().position(|&label| label >= classes) {
                let (good, bad) = fits.split_at(at);
                self.body.extend_from_slice(good);
                let label = bad.first().copied().unwrap_or_default();
                return Err(self.fail(format!(
                    "label {label} out of range 0-{} (label #{})",
                    classes.saturating_sub(1),
                    self.body.len()
                )));
            }
        }
        self.body.extend_from_slice(fits);
        if extra.is_empty() {
            return Ok(());
        }
        Err(self.fail(format!(
            "extra bytes: the header promises {} {} ({} {}) but more data followed",
            self.count.unwrap_or_default(),
            self.kind.noun(),
            self.body_len,
            self.kind.unit()
        )))
    }

    fn check_complete(&self) -> Result<()> {
        let header_len = self.kind.header_len();
        if self.header_filled == 0 {
            return Err(self.fail("truncated: the file is empty".into()));
        }
        if self.count.is_none() {
            return Err(self.fail(format!(
                "truncated: header is {} of {header_len} bytes",
                self.header_filled
            )));
        }
        if self.body.len() < self.body_len {
            return Err(self.fail(format!(
                "truncated: {} of {} {} after the header",
                self.body.len(),
                self.body_len,
                self.kind.unit()
            )));
        }
        Ok(())
    }
}
