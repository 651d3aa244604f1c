//! The network, declared once: the classic Keras MNIST convnet as its `Sequential` lists it,
//! with a classifier of one output per class.
//!
//! The input ([`INPUT`]) and the hidden layers ([`HIDDEN`]) are `const`; the class count is
//! the data's (2 to 62: digits, letters, EMNIST's 62 by-class characters), so the model's
//! [`Architecture`] is a value built from it once ([`Architecture::new`]), and everything
//! else is derived from that value: each layer's input and output shape, the parameter
//! tensors with their Keras names, shapes and places in the one flat buffer
//! ([`Architecture::param_tensors`]), the model's activation buffers, the weights file's
//! architecture string (its `Display`), the safetensors names, and the page's description of
//! the model ([`Architecture::describe`]). [`Architecture::MNIST`] is the ten-digit network.
//!
//! Some layers only act in training and are there when a setting says ([`Options`]): they
//! have no parameters and no architecture token, so the weights file's network, its
//! parameters and their places are the same with them or without.
//!
//! All parameters live in one flat buffer in Keras order: layer by layer, each layer's kernel
//! then its bias. Layer `i` owns `layer_offsets()[i]..layer_offsets()[i + 1]`.

use std::fmt;

use ndarray::{ArrayViewD, IxDyn};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::layers::Activation::{Relu, Softmax};
use crate::layers::{Activation, Layer, LayerSpec, Shape};

/// What the settings add to the network without changing its parameters: layers that only
/// act in training, each declared in [`HIDDEN`] and placed or left out here.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Options {
    /// Rate of the `Dropout` before the hidden dense layer; 0 leaves it out.
    pub dropout: f32,
}

impl Options {
    /// Nothing added: the network as the weights file has it.
    pub const NONE: Options = Options { dropout: 0.0 };

    /// The declared layer `spec` as these options make it; `None` leaves it out.
    const fn place(&self, spec: LayerSpec) -> Option<LayerSpec> {
        match spec {
            LayerSpec::Dropout(_) if self.dropout > 0.0 => Some(LayerSpec::dropout(self.dropout)),
            LayerSpec::Dropout(_) => None,
            other => Some(other),
        }
    }
}

/// One image: 28x28 pixels in [0, 1], one channel, NHWC.
pub const INPUT: Shape = Shape::new(&[28, 28, 1]);

/// The layers before the classifier, each line's comment its output shape for one image.
/// [`Options`] says which of the training-only ones are there.
pub const HIDDEN: &[LayerSpec] = &[
    LayerSpec::conv2d(32, 3, Relu), // [26, 26, 32]
    LayerSpec::max_pool2(),         // [13, 13, 32]
    LayerSpec::conv2d(64, 3, Relu), // [11, 11, 64]
    LayerSpec::max_pool2(),         // [5, 5, 64]
    LayerSpec::conv2d(64, 3, Relu), // [3, 3, 64]
    LayerSpec::flatten(),           // [576]
    LayerSpec::dropout(0.0),        // [576], keras-io's convnet's Dropout(0.5): Options
    LayerSpec::dense(64, Relu),     // [64]
];

/// The last layer: one logit per class, softmax in the loss.
pub const fn classifier(classes: usize) -> LayerSpec {
    LayerSpec::dense(classes, Softmax)
}

/// Most layers a network has: every hidden one declared and the classifier.
pub const MAX_DEPTH: usize = HIDDEN.len() + 1;

/// Fewest classes a model has (a classifier needs two).
pub const MIN_CLASSES: usize = 2;
/// Most classes a model has: EMNIST by-class (digits, upper- and lower-case letters).
pub const MAX_CLASSES: usize = 62;
/// MNIST's ten digits: the model before any data says otherwise.
pub const MNIST_CLASSES: usize = 10;

/// The network for one class count: every layer sized for the output of the one before it,
/// and the places of their parameters and outputs in the flat buffers. Built once per class
/// count and [`Options`]; `Copy`, so a model holds its own.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Architecture {
    classes: usize,
    options: Options,
    /// The layers there are: `layers[..depth]`.
    depth: usize,
    layers: [LayerSpec; MAX_DEPTH],
    /// Where each layer's parameters start in the flat buffer; entry `depth` is the total.
    layer_offsets: [usize; MAX_DEPTH + 1],
    /// Where each layer's output for one image starts in an activations buffer; entry
    /// `depth` is the total.
    activation_offsets: [usize; MAX_DEPTH + 1],
}

impl Architecture {
    /// The ten-digit MNIST network (93,322 parameters; tests/suite/network.rs checks it against the
    /// README).
    pub const MNIST: Architecture = Architecture::build(MNIST_CLASSES, Options::NONE);

    /// The network for `classes` classes.
    ///
    /// # Errors
    /// A class count outside [`MIN_CLASSES`]..=[`MAX_CLASSES`].
    pub fn new(classes: usize) -> Result<Self> {
        Architecture::with_options(classes, Options::NONE)
    }

    /// The network for `classes` classes with the training-only layers `options` asks for.
    ///
    /// # Errors
    /// A class count outside [`MIN_CLASSES`]..=[`MAX_CLASSES`], a dropout rate outside
    /// `[0, 1)`.
    pub fn with_options(classes: usize, options: Options) -> Result<Self> {
        if !(0.0..1.0).contains(&options.dropout) {
            return Err(Error::argument(
                "dropout",
                options.dropout,
                "must be at least 0 and below 1",
            ));
        }
        if !(MIN_CLASSES..=MAX_CLASSES).contains(&classes) {
            return Err(Error::argument(
                "classes",
                classes,
                "must be between 2 and 62",
            ));
        }
        Ok(Architecture::build(classes, options))
    }

    /// This network with other [`Options`]: the same parameters in the same places.
    ///
    /// # Errors
    /// As [`Architecture::with_options`].
    pub fn with(&self, options: Options) -> Result<Self> {
        Architecture::with_options(self.classes, options)
    }

    const fn build(classes: usize, options: Options) -> Self {
        let mut layers = [LayerSpec::flatten(); MAX_DEPTH];
        let mut shape = INPUT;
        let mut layer_offsets = [0; MAX_DEPTH + 1];
        let mut activation_offsets = [0; MAX_DEPTH + 1];
        let (mut i, mut declared) = (0, 0);
        while declared < MAX_DEPTH {
            let last = declared + 1 == MAX_DEPTH;
            let spec = if last {
                classifier(classes)
            } else {
                match options.place(HIDDEN[declared]) {
                    Some(spec) => spec,
                    None => {
                        declared += 1;
                        continue;
                    }
                }
            };
            declared += 1;
            layers[i] = spec.connect(shape);
            shape = layers[i].out_shape();
            let softmax = matches!(layers[i].activation(), Activation::Softmax);
            // The loss fuses softmax with cross-entropy over the last layer's output.
            assert!(
                softmax == last,
                "the last layer, and only it, is the softmax classifier"
            );
            assert!(
                !last || shape.rank() == 1,
                "the classifier outputs one logit per class"
            );
            layer_offsets[i + 1] = layer_offsets[i] + layers[i].param_shapes().elements();
            activation_offsets[i + 1] = activation_offsets[i] + shape.elements();
            i += 1;
        }
        Architecture {
            classes,
            options,
            depth: i,
            layers,
            layer_offsets,
            activation_offsets,
        }
    }

    /// The class count: the classifier's outputs.
    pub const fn classes(&self) -> usize {
        self.classes
    }

    /// The training-only layers it has.
    pub const fn options(&self) -> Options {
        self.options
    }

    /// Number of layers: the hidden ones there are and the classifier.
    pub const fn depth(&self) -> usize {
        self.depth
    }

    /// Every layer, sized.
    pub fn layers(&self) -> &[LayerSpec] {
        &self.layers[..self.depth]
    }

    /// Where each layer's parameters start in the flat buffer; the last entry is the total.
    pub fn layer_offsets(&self) -> &[usize] {
        &self.layer_offsets[..=self.depth]
    }

    /// Layer `i`'s slice of a flat parameter-sized buffer.
    pub fn layer_params(&self, i: usize) -> std::ops::Range<usize> {
        self.layer_offsets[i]..self.layer_offsets[i + 1]
    }

    /// Total number of parameters.
    pub const fn param_count(&self) -> usize {
        self.layer_offsets[self.depth]
    }

    /// Where each layer's output for one image starts in an activations buffer (the layers'
    /// outputs one after the other, each in its NHWC layout; see
    /// [`Architecture::activation_layout`]); the last entry is the total.
    pub fn activation_offsets(&self) -> &[usize] {
        &self.activation_offsets[..=self.depth]
    }

    /// Values in one image's activations buffer: every layer's output (37,610 for MNIST).
    pub const fn activation_len(&self) -> usize {
        self.activation_offsets[self.depth]
    }
}

/// One layer's part of an activations buffer, as the page's "Look inside" panel reads it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ActivationInfo {
    /// Keras' layer name (`conv2d_1`).
    pub name: String,
    /// Keras' class (`Conv2D`, `MaxPooling2D`, `Flatten`, `Dense`).
    pub kind: String,
    /// For people, e.g. `Conv2D 64, 3x3, ReLU`.
    pub label: String,
    /// One image's output shape, NHWC without the batch (`[11, 11, 64]`).
    pub shape: Vec<usize>,
    /// First value in the buffer.
    pub offset: usize,
    /// Values: the shape's product.
    pub len: usize,
}

impl Architecture {
    /// Every layer's place in an activations buffer, in network order. The last layer's part
    /// holds the class probabilities (softmax applied), the others what the layer outputs
    /// (after its ReLU when it has one).
    pub fn activation_layout(&self) -> Vec<ActivationInfo> {
        let offsets = self.activation_offsets();
        self.layers()
            .iter()
            .zip(self.layer_names())
            .enumerate()
            .map(|(i, (layer, name))| ActivationInfo {
                name,
                kind: layer.keras_class().into(),
                label: layer.label(),
                shape: layer.out_shape().dims().to_vec(),
                offset: offsets[i],
                len: offsets[i + 1] - offsets[i],
            })
            .collect()
    }

    /// Read-only views of an activations buffer, one per layer with its Keras name, in its
    /// one-image shape (`[H, W, C]` for a convolution or pooling, `[N]` after flatten).
    ///
    /// # Panics
    /// If `activations` is shorter than [`Architecture::activation_len`] (a caller's bug).
    pub fn activation_views<'a>(
        &self,
        activations: &'a [f32],
    ) -> impl Iterator<Item = (String, ArrayViewD<'a, f32>)> + use<'a> {
        self.activation_layout().into_iter().map(move |a| {
            let view =
                ArrayViewD::from_shape(IxDyn(&a.shape), &activations[a.offset..a.offset + a.len])
                    .expect("the slice has the shape's length");
            (a.name, view)
        })
    }

    /// Keras' layer names: the class's snake-case name, then `_1`, `_2`, ... for later layers
    /// of the same class (`conv2d`, `max_pooling2d`, `conv2d_1`, ...).
    pub fn layer_names(&self) -> Vec<String> {
        let mut seen: Vec<&str> = Vec::new();
        self.layers()
            .iter()
            .map(|layer| {
                let base = layer.keras_name();
                let count = seen.iter().filter(|&&s| s == base).count();
                seen.push(base);
                match count {
                    0 => base.to_string(),
                    n => format!("{base}_{n}"),
                }
            })
            .collect()
    }

    /// Every parameter tensor, in buffer order.
    pub fn param_tensors(&self) -> Vec<ParamTensor> {
        let mut out = Vec::new();
        let layers = self.layers().iter().zip(self.layer_names());
        for ((layer, name), &start) in layers.zip(self.layer_offsets()) {
            let mut offset = start;
            for (weight, shape) in layer.param_shapes().iter() {
                out.push(ParamTensor {
                    name: format!("{name}/{weight}"),
                    shape,
                    offset,
                });
                offset += shape.elements();
            }
        }
        out
    }

    /// Read-only Keras-layout views of the tensors of `params`, a flat parameter buffer, with
    /// their names: `[KH, KW, IN, OUT]` conv kernels, `[IN, OUT]` dense kernels, `[OUT]`
    /// biases.
    ///
    /// # Panics
    /// If `params` is shorter than [`Architecture::param_count`] (a caller's bug: check the
    /// length first).
    pub fn tensors<'a>(
        &self,
        params: &'a [f32],
    ) -> impl Iterator<Item = (String, ArrayViewD<'a, f32>)> + use<'a> {
        self.param_tensors().into_iter().map(move |t| {
            let view = ArrayViewD::from_shape(IxDyn(t.shape.dims()), &params[t.range()])
                .expect("the slice has the shape's length");
            (t.name, view)
        })
    }

    /// The input row and every layer with its output shape and parameter count.
    pub fn describe(&self) -> ModelDescription {
        let input = LayerInfo {
            name: "input".into(),
            kind: "Input".into(),
            label: "Input, pixels in [0, 1]".into(),
            output: INPUT.dims().to_vec(),
            params: 0,
            activation: Activation::Linear.keras_name(),
        };
        let layers = self
            .layers()
            .iter()
            .zip(self.layer_names())
            .map(|(layer, name)| LayerInfo {
                name,
                kind: layer.keras_class().into(),
                label: layer.label(),
                output: layer.out_shape().dims().to_vec(),
                params: layer.param_shapes().elements(),
                activation: layer.activation().keras_name(),
            });
        ModelDescription {
            layers: std::iter::once(input).chain(layers).collect(),
            params: self.param_count(),
            input: INPUT.dims().to_vec(),
            classes: self.classes,
        }
    }
}

/// The weights file's description of the network, e.g. `nhwc 28x28x1 | conv3x3x32 relu | ...
/// | dense10 softmax`: the classifier's token records the class count. Its hash identifies the
/// architecture in every weights file, so this text must not change for an unchanged network
/// (tests/suite/network.rs pins it). Training-only layers have no token ([`Options`]).
impl fmt::Display for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dims: Vec<String> = INPUT.dims().iter().map(usize::to_string).collect();
        write!(f, "nhwc {}", dims.join("x"))?;
        for token in self.layers().iter().map(Layer::arch_token) {
            if !token.is_empty() {
                write!(f, " | {token}")?;
            }
        }
        Ok(())
    }
}

/// One parameter tensor: its Keras name, shape (Keras layout) and place in the flat buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamTensor {
    /// e.g. `conv2d_1/kernel`.
    pub name: String,
    pub shape: Shape,
    pub offset: usize,
}

impl ParamTensor {
    /// Its elements' indices in the flat buffer.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.offset..self.offset + self.shape.elements()
    }
}

/// The model as the page's "The model" card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDescription {
    /// The input, then each layer.
    pub layers: Vec<LayerInfo>,
    /// Total number of parameters.
    pub params: usize,
    /// One image's shape, `[side, side, 1]`: what the page draws and sends.
    pub input: Vec<usize>,
    /// Outputs of the classifier.
    pub classes: usize,
}

/// One row of [`ModelDescription`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LayerInfo {
    /// Keras' layer name (`conv2d_1`), `input` for the input row.
    pub name: String,
    /// Keras' class: `Input`, `Conv2D`, `MaxPooling2D`, `Flatten`, `Dense`.
    pub kind: String,
    /// For people, e.g. `Conv2D 32, 3x3, ReLU`.
    pub label: String,
    /// Output shape of one image, e.g. `[26, 26, 32]`.
    pub output: Vec<usize>,
    /// Parameters of the layer.
    pub params: usize,
    /// Keras' name of what follows the layer: `relu`, `softmax` (the classifier's, fused
    /// into the loss here), `linear` for none.
    pub activation: &'static str,
}
