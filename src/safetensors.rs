//! Export to [safetensors](https://github.com/huggingface/safetensors) with Keras names and
//! shapes, so the weights load in Python (`safetensors.numpy.load_file`) or into a Keras model
//! of the same architecture.
//!
//! Layout: `u64` little-endian header length `N`, then `N` bytes of JSON
//! `{"conv2d/kernel": {"dtype": "F32", "shape": [3, 3, 1, 32], "data_offsets": [0, 1152]}, ...}`
//! (padded with spaces to a multiple of 8), then the tensors' little-endian bytes back to back.
//! Kernels are `[KH, KW, IN, OUT]` and `[IN, OUT]`, exactly as Keras stores them.

use crate::error::{Error, Result};
use crate::network::Architecture;

/// Serialises the parameters of a model of `arch`, tensor by tensor in buffer order
/// ([`Architecture::param_tensors`]), as a safetensors file.
///
/// # Errors
/// If `params` is not `arch.param_count()` long.
pub fn encode(arch: &Architecture, params: &[f32]) -> Result<Vec<u8>> {
    if params.len() != arch.param_count() {
        let expected = arch.param_count();
        return Err(Error::shape("parameter buffer", expected, params.len()));
    }
    let tensors: Vec<_> = arch.tensors(params).collect();
    let mut entries = Vec::new();
    let mut offset = 0;
    for (name, view) in &tensors {
        let bytes = 4 * view.len();
        let dims: Vec<String> = view.shape().iter().map(usize::to_string).collect();
        entries.push(format!(
            "\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{}],\"data_offsets\":[{offset},{}]}}",
            dims.join(","),
            offset + bytes
        ));
        offset += bytes;
    }
    entries.push("\"__metadata__\":{\"format\":\"keras\",\"layout\":\"channels_last\"}".into());
    let mut header = format!("{{{}}}", entries.join(","));
    // Data should start 8-byte aligned for zero-copy readers.
    while header.len() % 8 != 0 {
        header.push(' ');
    }
    let mut out = Vec::with_capacity(8 + header.len() + offset);
    out.extend_from_slice(&(header.len() as u64).to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    // Row-major (C order) as safetensors expects; each view is a contiguous Keras-layout slice.
    for (_, view) in &tensors {
        for p in view {
            out.extend_from_slice(&p.to_le_bytes());
        }
    }
    Ok(out)
}
