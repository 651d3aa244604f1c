//! The network, declared once: the classic Keras MNIST convnet as its `Sequential` lists it.
//!
//! Everything else is derived from [`INPUT`] and [`NETWORK`]: each layer's input and output
//! shape ([`LAYERS`]), the parameter tensors with their Keras names, shapes and places in the
//! one flat buffer ([`param_tensors`], [`PARAM_COUNT`]), the model's activation buffers, the
//! weights file's architecture string ([`architecture`]), the safetensors names, and the
//! page's description of the model ([`describe`]). Numbers are `const` (the crate sizes buffers
//! with them); names and text are built when asked for.
//!
//! All parameters live in one flat buffer in Keras order: layer by layer, each layer's kernel
//! then its bias. Layer `i` owns `LAYER_OFFSETS[i]..LAYER_OFFSETS[i + 1]`.

use ndarray::{ArrayViewD, IxDyn};
use serde::Serialize;

use crate::layers::Activation::{Relu, Softmax};
use crate::layers::{Activation, Layer, LayerSpec, Shape};

/// One image: 28x28 pixels in [0, 1], one channel, NHWC.
pub const INPUT: Shape = Shape::new(&[28, 28, 1]);

/// The layers in order, each line's comment its output shape for one image.
pub const NETWORK: &[LayerSpec] = &[
    LayerSpec::conv2d(32, 3, Relu), // [26, 26, 32]
    LayerSpec::max_pool2(),         // [13, 13, 32]
    LayerSpec::conv2d(64, 3, Relu), // [11, 11, 64]
    LayerSpec::max_pool2(),         // [5, 5, 64]
    LayerSpec::conv2d(64, 3, Relu), // [3, 3, 64]
    LayerSpec::flatten(),           // [576]
    LayerSpec::dense(64, Relu),     // [64]
    LayerSpec::dense(10, Softmax),  // [10]
];

/// Number of layers.
pub const DEPTH: usize = NETWORK.len();

/// Every layer of [`NETWORK`] sized for the output of the one before it.
pub const LAYERS: [LayerSpec; DEPTH] = connect();

/// Output shape of one image: the class logits.
pub const OUTPUT: Shape = LAYERS[DEPTH - 1].out_shape();

/// Where each layer's parameters start in the flat buffer; the last entry is the total.
pub const LAYER_OFFSETS: [usize; DEPTH + 1] = {
    let mut out = [0; DEPTH + 1];
    let mut i = 0;
    while i < DEPTH {
        out[i + 1] = out[i] + LAYERS[i].param_shapes().elements();
        i += 1;
    }
    out
};

/// Total number of parameters: 93,322 (tests/model.rs checks it against the README).
pub const PARAM_COUNT: usize = LAYER_OFFSETS[DEPTH];

/// Where each layer's output for one image starts in an activations buffer (the layers'
/// outputs one after the other, each in its NHWC layout; see [`activation_layout`]); the last
/// entry is the total, [`ACTIVATION_LEN`].
pub const ACTIVATION_OFFSETS: [usize; DEPTH + 1] = {
    let mut out = [0; DEPTH + 1];
    let mut i = 0;
    while i < DEPTH {
        out[i + 1] = out[i] + LAYERS[i].out_shape().elements();
        i += 1;
    }
    out
};

/// Values in one image's activations buffer: every layer's output (37,610).
pub const ACTIVATION_LEN: usize = ACTIVATION_OFFSETS[DEPTH];

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

/// Every layer's place in an activations buffer, in network order. The last layer's part holds
/// the class probabilities (softmax applied), the others what the layer outputs (after its
/// ReLU when it has one).
pub fn activation_layout() -> Vec<ActivationInfo> {
    LAYERS
        .iter()
        .zip(layer_names())
        .enumerate()
        .map(|(i, (layer, name))| ActivationInfo {
            name,
            kind: layer.keras_class().into(),
            label: layer.label(),
            shape: layer.out_shape().dims().to_vec(),
            offset: ACTIVATION_OFFSETS[i],
            len: ACTIVATION_OFFSETS[i + 1] - ACTIVATION_OFFSETS[i],
        })
        .collect()
}

/// Read-only views of an activations buffer, one per layer with its Keras name, in its
/// one-image shape (`[H, W, C]` for a convolution or pooling, `[N]` after flatten).
///
/// # Panics
/// If `activations` is shorter than [`ACTIVATION_LEN`] (a caller's bug).
pub fn activation_views(
    activations: &[f32],
) -> impl Iterator<Item = (String, ArrayViewD<'_, f32>)> {
    activation_layout().into_iter().map(move |a| {
        let view =
            ArrayViewD::from_shape(IxDyn(&a.shape), &activations[a.offset..a.offset + a.len])
                .expect("the slice has the shape's length");
        (a.name, view)
    })
}

const fn connect() -> [LayerSpec; DEPTH] {
    let mut layers = [LayerSpec::flatten(); DEPTH];
    let mut shape = INPUT;
    let mut i = 0;
    while i < DEPTH {
        layers[i] = NETWORK[i].connect(shape);
        shape = layers[i].out_shape();
        let last = i + 1 == DEPTH;
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
        i += 1;
    }
    layers
}

/// Keras' layer names: the class's snake-case name, then `_1`, `_2`, ... for later layers of
/// the same class (`conv2d`, `max_pooling2d`, `conv2d_1`, ...).
pub fn layer_names() -> Vec<String> {
    let mut seen: Vec<&str> = Vec::new();
    LAYERS
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

/// Every parameter tensor, in buffer order.
pub fn param_tensors() -> Vec<ParamTensor> {
    let mut out = Vec::new();
    for ((layer, name), &start) in LAYERS.iter().zip(layer_names()).zip(&LAYER_OFFSETS) {
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
/// their names: `[KH, KW, IN, OUT]` conv kernels, `[IN, OUT]` dense kernels, `[OUT]` biases.
///
/// # Panics
/// If `params` is shorter than [`PARAM_COUNT`] (a caller's bug: check the length first).
pub fn tensors(params: &[f32]) -> impl Iterator<Item = (String, ArrayViewD<'_, f32>)> {
    param_tensors().into_iter().map(move |t| {
        let view = ArrayViewD::from_shape(IxDyn(t.shape.dims()), &params[t.range()])
            .expect("the slice has the shape's length");
        (t.name, view)
    })
}

/// The weights file's description of the network, e.g. `nhwc 28x28x1 | conv3x3x32 relu | ...`;
/// its hash identifies the architecture in every weights file, so this text must not change
/// for an unchanged network (tests/model.rs pins it).
pub fn architecture() -> String {
    let dims: Vec<String> = INPUT.dims().iter().map(usize::to_string).collect();
    let mut tokens = vec![format!("nhwc {}", dims.join("x"))];
    tokens.extend(LAYERS.iter().map(Layer::arch_token));
    tokens.join(" | ")
}

/// The model as the page's "The model" card shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelDescription {
    /// The input, then each layer.
    pub layers: Vec<LayerInfo>,
    /// Total number of parameters.
    pub params: usize,
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
}

/// The input row and every layer with its output shape and parameter count.
pub fn describe() -> ModelDescription {
    let input = LayerInfo {
        name: "input".into(),
        kind: "Input".into(),
        label: "Input, pixels in [0, 1]".into(),
        output: INPUT.dims().to_vec(),
        params: 0,
    };
    let layers = LAYERS
        .iter()
        .zip(layer_names())
        .map(|(layer, name)| LayerInfo {
            name,
            kind: layer.keras_class().into(),
            label: layer.label(),
            output: layer.out_shape().dims().to_vec(),
            params: layer.param_shapes().elements(),
        });
    ModelDescription {
        layers: std::iter::once(input).chain(layers).collect(),
        params: PARAM_COUNT,
    }
}
