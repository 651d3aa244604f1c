//! The settings a user can change, declared once: the [`settings!`] list below makes the
//! [`TrainerConfig`] struct, its defaults, its checks and the [`schema`] that the page reads to
//! build its settings form, validate what is typed, keep it in `localStorage` and send it to
//! the worker. A setting is one line here; nothing else spells out names, limits or defaults.
//!
//! Values arrive from JavaScript as [`Value`]s and go through [`TrainerConfig::patched`]:
//! an unknown name, a value of the wrong type (text for a number, 1.5 for a whole number) or
//! out of range is refused with an [`Error::Config`] naming the field, and nothing changes.

use serde::Serialize;

use crate::error::{Error, Result};
use crate::model::MAX_BATCH;
use crate::optim::{self, OptimizerKind};

/// What a setting holds and which values it accepts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A whole number in `min..=max`.
    Integer {
        min: f64,
        max: f64,
    },
    /// A whole number in `0..=max` where 0 means "auto" (the page picks): an integer to
    /// everything but the form, which shows 0 as `auto` (the schema's `zeroMeans`).
    Auto {
        max: f64,
    },
    /// A finite number in `min..=max`, or `(min, max]` when `exclusive_min`.
    Number {
        min: f64,
        max: f64,
        exclusive_min: bool,
    },
    Boolean,
    /// One of these names.
    Choice {
        options: &'static [&'static str],
    },
}

/// A setting's value as it crosses from JavaScript (or a command line).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Number(f64),
    Bool(bool),
    /// Text, as a [`Kind::Choice`] setting takes it (elsewhere refused as `the text "64"`).
    Text(String),
    /// Anything else, described for the error message (e.g. `null`).
    Other(String),
}

/// One setting, as the page reads it (`settingsSchema()` in the facade).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldInfo {
    /// The JavaScript name, e.g. `batchSize`.
    pub name: String,
    /// `"integer"`, `"number"` or `"boolean"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub default: Value,
    /// Shown in the page's settings form (and kept in `localStorage`).
    pub form: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub exclusive_min: bool,
    /// What 0 means and how the form shows it (`"auto"`), for a [`Kind::Auto`] setting.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zero_means: Option<&'static str>,
    /// The names a [`Kind::Choice`] setting accepts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<&'static [&'static str]>,
}

/// A Rust field type a setting can have.
trait SettingType: Copy {
    fn to_value(self) -> Value;
    /// From a value [`Kind::check`] accepted.
    fn from_value(v: &Value) -> Self;
}

macro_rules! numeric_setting {
    ($($t:ty),*) => {$(
        impl SettingType for $t {
            fn to_value(self) -> Value {
                Value::Number(self as f64)
            }
            fn from_value(v: &Value) -> Self {
                match v {
                    Value::Number(x) => *x as $t,
                    _ => unreachable!("checked by Kind::check"),
                }
            }
        }
    )*};
}
numeric_setting!(u32, usize);

impl SettingType for f32 {
    /// The f64 nearest the f32's shortest decimal form: 0.001f32 → 0.001, not
    /// 0.0010000000474974513, so the page shows what was typed.
    fn to_value(self) -> Value {
        Value::Number(self.to_string().parse().unwrap_or(f64::from(self)))
    }
    fn from_value(v: &Value) -> Self {
        match v {
            Value::Number(x) => *x as f32,
            _ => unreachable!("checked by Kind::check"),
        }
    }
}

impl SettingType for OptimizerKind {
    fn to_value(self) -> Value {
        Value::Text(self.name().into())
    }
    fn from_value(v: &Value) -> Self {
        match v {
            Value::Text(name) => OptimizerKind::from_name(name).unwrap_or_default(),
            _ => unreachable!("checked by Kind::check"),
        }
    }
}

impl SettingType for bool {
    fn to_value(self) -> Value {
        Value::Bool(self)
    }
    fn from_value(v: &Value) -> Self {
        matches!(v, Value::Bool(true))
    }
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Integer { .. } | Kind::Auto { .. } => "integer",
            Kind::Number { .. } => "number",
            Kind::Boolean => "boolean",
            Kind::Choice { .. } => "choice",
        }
    }

    /// Accepts `value` for the setting `name`, or says why not.
    fn check(self, name: &str, value: &Value) -> Result<()> {
        let refuse = |reason: String| Err(Error::config(name, shown(value), reason));
        match (self, value) {
            (Kind::Auto { max }, Value::Number(x))
                if x.fract() == 0.0 && (0.0..=max).contains(x) =>
            {
                Ok(())
            }
            (Kind::Auto { max }, _) => refuse(format!(
                "must be 0 (auto) or a whole number from 1 to {max}"
            )),
            (Kind::Boolean, Value::Bool(_)) => Ok(()),
            (Kind::Boolean, _) => refuse("must be true or false".into()),
            (Kind::Choice { options }, Value::Text(t)) if options.contains(&t.as_str()) => Ok(()),
            (Kind::Choice { options }, _) => {
                refuse(format!("must be one of {}", options.join(", ")))
            }
            (Kind::Integer { min, max }, Value::Number(x)) => {
                if x.fract() == 0.0 && (min..=max).contains(x) {
                    Ok(())
                } else {
                    refuse(format!("must be a whole number from {min} to {max}"))
                }
            }
            (
                Kind::Number {
                    min,
                    max,
                    exclusive_min,
                },
                Value::Number(x),
            ) => {
                let above = if exclusive_min { *x > min } else { *x >= min };
                if x.is_finite() && above && *x <= max {
                    Ok(())
                } else if exclusive_min {
                    refuse(format!(
                        "must be a number greater than {min} and at most {max}"
                    ))
                } else {
                    refuse(format!("must be a number from {min} to {max}"))
                }
            }
            (Kind::Integer { min, max }, _) => {
                refuse(format!("must be a whole number from {min} to {max}"))
            }
            (Kind::Number { .. }, _) => refuse("must be a number".into()),
        }
    }

    fn limits(self) -> (Option<f64>, Option<f64>, bool) {
        match self {
            Kind::Integer { min, max } => (Some(min), Some(max), false),
            Kind::Auto { max } => (Some(0.0), Some(max), false),
            Kind::Number {
                min,
                max,
                exclusive_min,
            } => (Some(min), Some(max), exclusive_min),
            Kind::Boolean | Kind::Choice { .. } => (None, None, false),
        }
    }
}

/// A value as the error message quotes it.
fn shown(value: &Value) -> String {
    match value {
        Value::Number(x) => x.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Text(t) => format!("the text {t:?}"),
        Value::Other(s) => s.clone(),
    }
}

/// `batch_size` → `batchSize`.
fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for ch in snake.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.push(ch.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// Declares the settings: each line gives the field, its Rust type and default, its [`Kind`],
/// whether the page's form shows it, its label and its help text.
macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])*
        $field:ident: $ty:ty = $default:expr, $kind:expr, form: $form:literal,
            $label:literal, $help:literal;
    )*) => {
        /// Settings a user can change; see the module header. All are checked before any is
        /// applied.
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub struct TrainerConfig {
            $($(#[doc = $doc])* pub $field: $ty,)*
        }

        impl Default for TrainerConfig {
            fn default() -> Self {
                TrainerConfig { $($field: $default,)* }
            }
        }

        /// Every setting, in the order the page shows them.
        pub fn schema() -> Vec<FieldInfo> {
            vec![$({
                let kind: Kind = $kind;
                let (min, max, exclusive_min) = kind.limits();
                FieldInfo {
                    name: camel(stringify!($field)),
                    kind: kind.name(),
                    label: $label,
                    help: $help,
                    default: SettingType::to_value({ let d: $ty = $default; d }),
                    form: $form,
                    min,
                    max,
                    exclusive_min,
                    zero_means: matches!(kind, Kind::Auto { .. }).then_some("auto"),
                    options: match kind {
                        Kind::Choice { options } => Some(options),
                        _ => None,
                    },
                }
            },)*]
        }

        impl TrainerConfig {
            /// Every setting as `(JavaScript name, kind, value)`, in schema order.
            pub fn fields(&self) -> Vec<(String, Kind, Value)> {
                vec![$((camel(stringify!($field)), $kind, self.$field.to_value()),)*]
            }

            /// Sets one setting by its JavaScript name, after checking the value.
            fn set(&mut self, name: &str, value: &Value) -> Result<()> {
                $(if name == camel(stringify!($field)) {
                    let kind: Kind = $kind;
                    kind.check(name, value)?;
                    self.$field = <$ty as SettingType>::from_value(value);
                    return Ok(());
                })*
                let known: Vec<String> = vec![$(camel(stringify!($field)),)*];
                Err(Error::config(
                    name,
                    shown(value),
                    format!("unknown setting; the settings are {}", known.join(", ")),
                ))
            }
        }
    };
}

settings! {
    /// Epochs one press of Train runs (the planned run).
    epochs: u32 = 3, Kind::Integer { min: 1.0, max: 100.0 }, form: true,
        "Epochs", "Passes over the training images each time you press Train.";
    /// Images per optimizer step.
    batch_size: usize = 64, Kind::Integer { min: 1.0, max: MAX_BATCH as f64 }, form: true,
        "Batch size", "Images per step of the optimizer; each step averages their gradients.";
    /// The optimizer's step size; with `schedule`, its peak.
    learning_rate: f32 = 0.008,
        Kind::Number { min: 0.0, max: 1.0, exclusive_min: true }, form: true,
        "Learning rate",
        "Adam's step size (its peak, with warm-up and decay). Lower it (a tenth, say) if \
         training diverges.";
    /// Follow [`crate::optim::schedule`] over each planned run (`epochs` from a press of
    /// Train) instead of holding `learning_rate`.
    schedule: bool = true, Kind::Boolean, form: true,
        "Warm-up and cosine decay",
        "Each time you press Train, raise the learning rate from near 0 to the value above over \
         the first steps, then lower it smoothly to near 0 by the last epoch. A model that has \
         trained continues gently: no warm-up, from a twentieth of the value above.";
    /// Share of the planned run spent warming up (with `schedule`).
    warmup_share: f32 = 0.05,
        Kind::Number { min: 0.0, max: 0.5, exclusive_min: false }, form: false,
        "Warm-up share", "Share of the planned run over which the learning rate climbs.";
    /// The rate at the planned run's end, as a share of `learning_rate` (with `schedule`).
    final_lr_share: f32 = 0.0,
        Kind::Number { min: 0.0, max: 1.0, exclusive_min: false }, form: false,
        "Final learning rate share",
        "The learning rate at the end of the run, as a share of the peak.";
    /// Train on the first `train_size` usable training images (all when fewer are loaded).
    train_size: usize = 60_000, Kind::Integer { min: 1.0, max: 60_000.0 }, form: true,
        "Training images",
        "Train on the first this many training images; fewer (say 2,000) make a quick run.";
    /// Share of the training images held out for validation (Keras's `validation_split`;
    /// [`crate::data::ValidationSplit`]): never trained on, scored after each epoch as
    /// `val_loss` and `val_accuracy`. The same images every run, whatever the seed. 0: none.
    validation_split: f32 = 0.1,
        Kind::Number { min: 0.0, max: 0.5, exclusive_min: false }, form: true,
        "Validation split",
        "Hold out this share of the training images (the same ones every run) and score the \
         model on them after each epoch, like Keras's validation_split. 0 holds out none; the \
         test set stays for the final score.";
    /// Stop a run when `val_loss` has not improved for this many epochs, and end it with the
    /// best epoch's weights (Keras's `EarlyStopping(patience, restore_best_weights=True)`;
    /// [`crate::trainer::Trainer::record_validation`]). 0: off.
    patience: u32 = 0, Kind::Integer { min: 0.0, max: 100.0 }, form: true,
        "Stop early (patience)",
        "Stop when the validation loss has not improved for this many epochs, and keep the \
         weights of the epoch where it was lowest (at any run's end). 0 turns it off; it needs \
         a validation split.";
    /// Distort each training image at random (rotation, scale, shift, elastic, and handwriting
    /// styles on some 0s, 1s, 4s, 5s and 7s: see
    /// [`crate::data::augment`], `Augmentations::SETTING`) so the model reads drawn digits better.
    augment: bool = true, Kind::Boolean, form: true,
        "Augment the training images",
        "Distort training images at random (turns, sizes, shifts and wobbles) so the network \
         reads drawn digits better.";
    /// Rate of a `Dropout` layer after `Flatten`, before the hidden dense layer, in training
    /// steps (0: none; [`crate::network::Options`]). Not in the weights file; a change takes
    /// effect at the next step.
    dropout: f32 = 0.0, Kind::Number { min: 0.0, max: 0.9, exclusive_min: false }, form: true,
        "Dropout before the dense layer",
        "In each training step, silence this share of the flattened features at random (the \
         rest scaled up to match), so the dense layers cannot lean on a few of them; \
         keras-io's MNIST convnet uses 0.5. 0 turns it off; predictions never drop anything.";
    /// Web Workers training together in the page, each on its share of every batch (0: one per
    /// core, at most 8; www/worker-pool.js). The core trains the same whatever the count.
    workers: u32 = 0, Kind::Auto { max: 8.0 }, form: true,
        "Workers",
        "Web Workers training together, each on its share of every batch; auto uses one per \
         core (at most 8). The results are the same to rounding.";
    /// Put the user's drawings ("Your drawings", [`crate::teach`]) into the regular training
    /// batches too, in `drawings_share` of each batch's places.
    train_on_drawings: bool = false, Kind::Boolean, form: true,
        "Train on my drawings too",
        "Mix your drawings (Your drawings, under the pad) into every training batch (distorted \
         at random when augmenting), so each epoch keeps teaching the model your handwriting.";
    /// Share of each training batch taken by the user's drawings (with `train_on_drawings`).
    drawings_share: f32 = 0.1,
        Kind::Number { min: 0.0, max: 0.5, exclusive_min: true }, form: true,
        "Share of my drawings",
        "With \"Train on my drawings too\": how much of each training batch your drawings take \
         (0.1: about 6 of 64 images).";
    /// The update rule ([`crate::optim`]): Adam, AdamW (decoupled weight decay) or SGD with
    /// momentum. A change starts the rule with fresh state.
    optimizer: OptimizerKind = OptimizerKind::default(),
        Kind::Choice { options: &optim::NAMES }, form: true,
        "Optimizer",
        "How each step uses the gradient: adam (the default), adamw (Adam with weight decay) \
         or sgd (with momentum 0.9).";
    /// Seeds the initial weights, the shuffling and the distortions.
    seed: u32 = 42, Kind::Integer { min: 0.0, max: u32::MAX as f64 }, form: false,
        "Seed", "Seeds the initial weights, the order of the images and the distortions.";
}

impl TrainerConfig {
    /// The training-only layers these settings put into the network.
    pub fn network_options(&self) -> crate::network::Options {
        crate::network::Options {
            dropout: self.dropout,
        }
    }

    /// # Errors
    /// The first setting outside its limits (a struct built in Rust skips [`Self::patched`]).
    pub fn validate(&self) -> Result<()> {
        for (name, kind, value) in self.fields() {
            kind.check(&name, &value)?;
        }
        Ok(())
    }

    /// A copy with the given settings changed, each checked; `self` is untouched.
    ///
    /// # Errors
    /// The first unknown name or refused value.
    pub fn patched<'a>(&self, entries: impl IntoIterator<Item = (&'a str, Value)>) -> Result<Self> {
        let mut out = *self;
        for (name, value) in entries {
            out.set(name, &value)?;
        }
        Ok(out)
    }
}

impl Value {
    /// A command-line word as a value: `true`/`false`, a number, or (refused later) text.
    pub fn parse(text: &str) -> Value {
        match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => text
                .parse()
                .map_or_else(|_| Value::Text(text.into()), Value::Number),
        }
    }
}

impl TrainerConfig {
    /// A copy with settings from command-line pairs `--batch-size 32 --augment false ...`
    /// (each setting's JavaScript name in kebab case), checked like [`Self::patched`].
    ///
    /// # Errors
    /// A flag without a value, or what [`Self::patched`] refuses.
    pub fn with_args(&self, args: impl IntoIterator<Item = String>) -> Result<Self> {
        let mut entries = Vec::new();
        let mut args = args.into_iter();
        while let Some(flag) = args.next() {
            let name = camel(&flag.trim_start_matches("--").replace('-', "_"));
            let Some(value) = args.next() else {
                return Err(Error::config(name, "", "needs a value"));
            };
            entries.push((name, Value::parse(&value)));
        }
        self.patched(entries.iter().map(|(n, v)| (n.as_str(), v.clone())))
    }
}
