//! The JavaScript facade: the only place with `#[wasm_bindgen]`. A thin handle around the
//! plain-Rust [`crate::Trainer`]; long-lived state stays in wasm memory, JavaScript passes
//! typed arrays in and gets small results back. API reference: `docs/facade.md`.
//!
//! Every core [`Error`] becomes a JavaScript `Error` whose `message` is the error's text,
//! whose `name` is its kind's name from [`crate::error::ERROR_NAMES`] (`errorNames()` exports
//! the table) and which, for a settings error, carries the setting's name as `field`.
//! A failed call changes nothing.

mod classes;
mod describe;
mod parallel;
mod params;
mod trainer;

pub use describe::*;
pub use trainer::Trainer;

use js_sys::{Array, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::config::{TrainerConfig, Value};
use crate::error::Error;
use crate::trainer::Split;

#[wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}

/// A core error as a JavaScript exception with `name` (and `field`).
fn js_err(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    err.set_name(e.name());
    if let Some(field) = e.field() {
        // Setting a property on a fresh Error object cannot fail.
        let _ = Reflect::set(&err, &"field".into(), &field.into());
    }
    err.into()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

fn split(set: &str) -> Result<Split, JsValue> {
    set.parse().map_err(js_err)
}

/// A JavaScript value as a setting's [`Value`].
fn setting_value(v: &JsValue) -> Value {
    if let Some(x) = v.as_f64() {
        Value::Number(x)
    } else if let Some(b) = v.as_bool() {
        Value::Bool(b)
    } else if let Some(s) = v.as_string() {
        Value::Text(s)
    } else if v.is_null() {
        Value::Other("null".into())
    } else {
        Value::Other(format!(
            "a value of type {}",
            v.js_typeof().as_string().unwrap_or_default()
        ))
    }
}

/// `base` with the settings of a JavaScript object changed (undefined or null: none). Every
/// key must be a known setting with a value of its type and within its limits.
fn patched(base: TrainerConfig, patch: &JsValue) -> Result<TrainerConfig, JsValue> {
    if patch.is_undefined() || patch.is_null() {
        return Ok(base);
    }
    let obj = match patch.dyn_ref::<Object>() {
        Some(obj) if !Array::is_array(patch) => obj,
        _ => {
            let what = patch.js_typeof().as_string().unwrap_or_default();
            return Err(js_err(Error::argument(
                "settings",
                what,
                "must be an object such as { batchSize: 64 }",
            )));
        }
    };
    let entries: Vec<(String, Value)> = Object::entries(obj)
        .iter()
        .filter_map(|pair| {
            let pair = pair.dyn_into::<Array>().ok()?;
            Some((pair.get(0).as_string()?, setting_value(&pair.get(1))))
        })
        .collect();
    base.patched(entries.iter().map(|(k, v)| (k.as_str(), v.clone())))
        .map_err(js_err)
}

fn bad_file(file: &str) -> Error {
    Error::argument("file", file, "must be \"images\" or \"labels\"")
}
