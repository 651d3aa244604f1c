//! The weights file: the model's parameters, optionally the optimizer's state, and training
//! counters, behind a small versioned header and a CRC-32, little-endian throughout.
//!
//! ```text
//! offset  size  field
//!      0     4  magic "MNWT"
//!      4     4  format version (1)
//!      8     4  architecture id: FNV-1a of the Architecture's text (network.rs), which
//!                 names the class count in its classifier token (`dense10 softmax`)
//!     12     4  parameter count (93,322 for ten classes)
//!     16     4  flags: bit 0 = optimizer state present; bits 8-15 = the optimizer's id
//!                 (`crate::optim::Rule::id`: 0 Adam)
//!     20     4  epochs completed
//!     24     8  training steps taken
//!     32     8  optimizer step count t
//!     40  4·P   parameters, f32, Keras order (Architecture::param_tensors)
//!        4·S·P  the optimizer's S vectors of state, f32 (only with flag bit 0; Adam: m then v)
//!  end-4     4  CRC-32 (IEEE) of every byte before it
//! ```
//! The optimizer's id came without a new version: files from before it hold 0 there, Adam,
//! which is what they were trained with, and a reader from before refuses the other ids
//! (unknown flags).
//! Decoding checks everything before returning, so a caller that applies the result only on
//! `Ok` never leaves a model half-loaded. The file's class count is the one whose architecture
//! id it carries, so files written before the class count could change (ten classes) load as
//! they are.

use crate::error::{Error, Result};
use crate::network::{Architecture, MAX_CLASSES, MIN_CLASSES};
use crate::optim::OptimizerKind;

/// File magic.
pub const MAGIC: [u8; 4] = *b"MNWT";
/// Current format version.
pub const VERSION: u32 = 1;
const HEADER_LEN: usize = 40;
const FLAG_STATE: u32 = 1;
/// The optimizer's id: flags bits 8-15.
const ID_SHIFT: u32 = 8;
const ID_MASK: u32 = 0xff << ID_SHIFT;

/// FNV-1a, 32 bit.
const fn fnv1a(s: &str) -> u32 {
    let bytes = s.as_bytes();
    let mut h: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u32;
        h = h.wrapping_mul(0x0100_0193);
        i += 1;
    }
    h
}

/// The architecture id stored in every file of `arch`: FNV-1a of its canonical text (its
/// `Display`), derived from the network's declaration and class count.
pub fn architecture_id(arch: &Architecture) -> u32 {
    fnv1a(&arch.to_string())
}

/// The network whose id a file carries, if it is one of ours (one per class count).
fn architecture_of(id: u32) -> Option<Architecture> {
    (MIN_CLASSES..=MAX_CLASSES)
        .filter_map(|classes| Architecture::new(classes).ok())
        .find(|arch| architecture_id(arch) == id)
}

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xedb8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// CRC-32 (IEEE 802.3, as zlib and PNG use it).
pub fn crc32(bytes: &[u8]) -> u32 {
    !bytes.iter().fold(!0u32, |c, &b| {
        CRC_TABLE[((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8)
    })
}

/// The optimizer's state as stored in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct OptimizerState {
    pub t: u64,
    /// Its vectors of state (`crate::optim::Rule::slots`), in the rule's order.
    pub state: Vec<Vec<f32>>,
}

/// Everything a weights file holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Checkpoint {
    /// The network it was made for (its class count).
    pub arch: Architecture,
    pub params: Vec<f32>,
    /// The optimizer the model was trained with.
    pub optimizer: OptimizerKind,
    pub state: Option<OptimizerState>,
    pub epochs: u32,
    pub steps: u64,
}

fn put_f32s(out: &mut Vec<u8>, values: &[f32]) {
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
}

/// Serialises the parameters of a model of `arch`, the optimizer (with its step count and
/// state, optionally) and the counters.
///
/// # Errors
/// If a buffer is not `arch.param_count()` long, or the state not as many as the optimizer
/// keeps.
pub fn encode(
    arch: &Architecture,
    params: &[f32],
    optimizer: OptimizerKind,
    state: Option<(u64, &[Vec<f32>])>,
    epochs: u32,
    steps: u64,
) -> Result<Vec<u8>> {
    let slots = optimizer.rule().slots;
    if let Some((_, s)) = state
        && s.len() != slots
    {
        return Err(Error::shape("optimizer state", slots, s.len()));
    }
    let count = arch.param_count();
    let states = state.map_or(&[][..], |(_, s)| s);
    for len in std::iter::once(params.len()).chain(states.iter().map(Vec::len)) {
        if len != count {
            return Err(Error::shape("parameter buffer", count, len));
        }
    }
    let floats = (1 + states.len()) * count;
    let mut out = Vec::with_capacity(HEADER_LEN + 4 * floats + 4);
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&architecture_id(arch).to_le_bytes());
    out.extend_from_slice(&(count as u32).to_le_bytes());
    let id = u32::from(optimizer.rule().id) << ID_SHIFT;
    let flags = id | if state.is_some() { FLAG_STATE } else { 0 };
    out.extend_from_slice(&flags.to_le_bytes());
    out.extend_from_slice(&epochs.to_le_bytes());
    out.extend_from_slice(&steps.to_le_bytes());
    out.extend_from_slice(&state.map_or(0, |s| s.0).to_le_bytes());
    put_f32s(&mut out, params);
    for s in states {
        put_f32s(&mut out, s);
    }
    let crc = crc32(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    Ok(out)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from(u32_at(b, at)) | (u64::from(u32_at(b, at + 4)) << 32)
}

fn f32s(bytes: &[u8], what: &str) -> Result<Vec<f32>> {
    let values: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
        .collect();
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => Err(Error::Weights(format!("{what} value {i} is not finite"))),
        None => Ok(values),
    }
}

/// Parses and fully verifies a weights file.
///
/// # Errors
/// Not a weights file, another version or architecture, truncated or over-long, checksum
/// mismatch, non-finite values.
pub fn decode(bytes: &[u8]) -> Result<Checkpoint> {
    let bad = |msg: String| Err(Error::Weights(msg));
    if bytes.len() < 4 || bytes[..4] != MAGIC {
        return bad("not a weights file of this app (the file does not start with MNWT)".into());
    }
    if bytes.len() < HEADER_LEN + 4 {
        return bad(format!(
            "truncated: {} bytes is shorter than the header",
            bytes.len()
        ));
    }
    let version = u32_at(bytes, 4);
    if version != VERSION {
        return bad(format!(
            "format version {version}; this app reads version {VERSION}"
        ));
    }
    let (id, count) = (u32_at(bytes, 8), u32_at(bytes, 12) as usize);
    let arch = match architecture_of(id) {
        Some(arch) if arch.param_count() == count => arch,
        _ => {
            let ours = architecture_id(&Architecture::MNIST);
            return bad(format!(
                "made for another network (architecture {id:#010x} with {count} parameters; \
                 this app's networks are this convnet with 2 to 62 classes, e.g. \
                 {ours:#010x} for ten)"
            ));
        }
    };
    let params_len = arch.param_count();
    let flags = u32_at(bytes, 16);
    if flags & !(FLAG_STATE | ID_MASK) != 0 {
        return bad(format!("unknown flags {flags:#x}"));
    }
    let id = ((flags & ID_MASK) >> ID_SHIFT) as u8;
    let Some(optimizer) = OptimizerKind::from_id(id) else {
        return bad(format!(
            "trained with an optimizer this app does not know (id {id})"
        ));
    };
    let has_state = flags & FLAG_STATE != 0;
    let slots = if has_state { optimizer.rule().slots } else { 0 };
    let floats = (1 + slots) * params_len;
    let expected = HEADER_LEN + 4 * floats + 4;
    if bytes.len() != expected {
        let how = if bytes.len() < expected {
            "truncated"
        } else {
            "too long"
        };
        return bad(format!("{how}: {} bytes, expected {expected}", bytes.len()));
    }
    let body = &bytes[..expected - 4];
    let stored = u32_at(bytes, expected - 4);
    let actual = crc32(body);
    if stored != actual {
        return bad(format!(
            "corrupt: checksum {actual:#010x} does not match {stored:#010x}"
        ));
    }
    let p = 4 * params_len;
    let params = f32s(&body[HEADER_LEN..HEADER_LEN + p], "parameter")?;
    let state = if has_state {
        let at = |k: usize| HEADER_LEN + (1 + k) * p;
        Some(OptimizerState {
            t: u64_at(bytes, 32),
            state: (0..slots)
                .map(|k| f32s(&body[at(k)..at(k + 1)], "optimizer state"))
                .collect::<Result<_>>()?,
        })
    } else {
        None
    };
    Ok(Checkpoint {
        arch,
        params,
        optimizer,
        state,
        epochs: u32_at(bytes, 20),
        steps: u64_at(bytes, 24),
    })
}
