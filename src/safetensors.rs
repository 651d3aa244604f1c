//! Export to [safetensors](https://github.com/huggingface/safetensors) with Keras names and
//! shapes, so the weights load in Python (`safetensors.numpy.load_file`) or into a Keras model
//! of the same architecture; and import of such a file back ([`decode`]), parameters only.
//!
//! Layout: `u64` little-endian header length `N`, then `N` bytes of JSON
//! `{"conv2d/kernel": {"dtype": "F32", "shape": [3, 3, 1, 32], "data_offsets": [0, 1152]}, ...}`
//! (padded with spaces to a multiple of 8), then the tensors' little-endian bytes back to back.
//! Kernels are `[KH, KW, IN, OUT]` and `[IN, OUT]`, exactly as Keras stores them.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::network::{Architecture, MAX_CLASSES, MIN_CLASSES};

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

/// Whether `bytes` begin like a safetensors file: a header length, then a JSON object.
pub fn looks_like(bytes: &[u8]) -> bool {
    bytes.len() > 8 && bytes[8] == b'{'
}

/// Reads a safetensors file of this convnet (such as [`encode`] writes): the architecture whose
/// tensors it holds, names and shapes alike (the class count is the classifier's), and its
/// parameters in buffer order. Every check comes before anything is returned.
///
/// # Errors
/// [`Error::Weights`]: not a safetensors file, tensors of another network, a dtype other than
/// F32, data offsets out of the file, a value that is not finite.
pub fn decode(bytes: &[u8]) -> Result<(Architecture, Vec<f32>)> {
    let bad = |msg: &str| Error::Weights(format!("not a safetensors file of this model: {msg}"));
    if !looks_like(bytes) {
        return Err(bad("it does not start with a safetensors header"));
    }
    let n = u64::from_le_bytes(bytes[..8].try_into().expect("8 bytes"));
    let end = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_add(8))
        .filter(|&end| end <= bytes.len())
        .ok_or_else(|| bad("its header is longer than the file"))?;
    let text = std::str::from_utf8(&bytes[8..end]).map_err(|_| bad("its header is not text"))?;
    let header: Value =
        serde_json::from_str(text).map_err(|_| bad("its header is not valid JSON"))?;
    let Value::Object(entries) = header else {
        return Err(bad("its header is not a JSON object"));
    };
    let tensors: Vec<_> = entries
        .iter()
        .filter(|(k, _)| *k != "__metadata__")
        .collect();
    let as_usize = |v: &Value| v.as_u64().and_then(|n| usize::try_from(n).ok());
    let shape_of = |name: &str| -> Option<Vec<usize>> {
        let (_, v) = tensors.iter().find(|(k, _)| *k == name)?;
        v.get("shape")?.as_array()?.iter().map(as_usize).collect()
    };
    let arch = (MIN_CLASSES..=MAX_CLASSES)
        .filter_map(|classes| Architecture::new(classes).ok())
        .find(|arch| {
            let ours = arch.param_tensors();
            ours.len() == tensors.len()
                && ours
                    .iter()
                    .all(|t| shape_of(&t.name).as_deref() == Some(t.shape.dims()))
        })
        .ok_or_else(|| {
            Error::Weights(
                "made for another network: its tensors' names or shapes are not this convnet's \
                 (2 to 62 classes)"
                    .into(),
            )
        })?;
    let data = &bytes[end..];
    let mut params = vec![0.0; arch.param_count()];
    for t in arch.param_tensors() {
        let (_, v) = tensors
            .iter()
            .find(|(k, _)| **k == t.name)
            .expect("matched above");
        if v.get("dtype").and_then(Value::as_str) != Some("F32") {
            return Err(bad(&format!("{} is not F32", t.name)));
        }
        let offsets: Option<Vec<usize>> = v
            .get("data_offsets")
            .and_then(Value::as_array)
            .and_then(|a| a.iter().map(as_usize).collect());
        let range = match offsets.as_deref() {
            Some(&[a, b]) if b >= a && b - a == 4 * t.shape.elements() && b <= data.len() => a..b,
            _ => {
                return Err(bad(&format!(
                    "the data of {} is not where its header says",
                    t.name
                )));
            }
        };
        for (p, c) in params[t.range()]
            .iter_mut()
            .zip(data[range].chunks_exact(4))
        {
            *p = f32::from_le_bytes(c.try_into().expect("4 bytes"));
        }
    }
    if let Some(i) = params.iter().position(|v| !v.is_finite()) {
        return Err(Error::Weights(format!("parameter value {i} is not finite")));
    }
    Ok((arch, params))
}
