//! The network's layers, one file each, each a `forward`/`backward` pair over plain buffers.
//! Activations are NHWC; see each file's header for its math and shapes.
//!
//! A layer type is a small `Copy` struct of geometry (no state) with three faces:
//! - its typed `forward`/`backward` (kernel and bias apart, its own scratch type), which the
//!   gradient checks and benches call;
//! - [`Layer`], one signature for every type over the layer's slice of the flat parameter
//!   buffer (kernel then bias, Keras order), plus its Keras and human names;
//! - `const fn connect`, `out_shape`, `param_shapes`, `activation`: the geometry, `const` so the
//!   network's sizes (`PARAM_COUNT`, offsets) are compile-time constants. Trait methods cannot
//!   be `const` in stable Rust, so these are inherent and [`LayerSpec`] dispatches them.
//!
//! [`LayerSpec`] is the enum of all layer types: static dispatch, one `match` per call, nothing
//! boxed. A new layer type is a file here, its `impl Layer`, its const geometry, a `LayerSpec`
//! constructor, and one line in the `layer_types!` list at the bottom.
//!
//! Every pass runs in a [`Pass`]: evaluation (deterministic: prediction, evaluation, "look
//! inside", gradient checks) or a training step, whose random choices (dropout's mask) are a
//! counter-based hash of the step's key, the image's index in the whole batch and the unit:
//! the same bits whichever worker or micro-batch computes the image.

pub mod conv2d;
pub mod dense;
pub mod dropout;
pub mod flatten;
pub mod maxpool;
pub mod relu;

pub use conv2d::Conv2d;
pub use dense::Dense;
pub use dropout::Dropout;
pub use flatten::Flatten;
pub use maxpool::MaxPool2;

use crate::kernels::GemmScratch;
use crate::kernels::winograd::WinogradScratch;

/// A tensor's shape, rank 1 to 4, usable in `const` code.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    dims: [usize; 4],
    rank: usize,
}

impl Shape {
    /// # Panics
    /// Unless `1 ≤ dims.len() ≤ 4` (at compile time for the network's shapes).
    pub const fn new(dims: &[usize]) -> Self {
        assert!(
            !dims.is_empty() && dims.len() <= 4,
            "shapes have rank 1 to 4"
        );
        let mut out = [1; 4];
        let mut i = 0;
        while i < dims.len() {
            out[i] = dims[i];
            i += 1;
        }
        Shape {
            dims: out,
            rank: dims.len(),
        }
    }

    pub const fn rank(&self) -> usize {
        self.rank
    }

    pub const fn dims(&self) -> &[usize] {
        self.dims.split_at(self.rank).0
    }

    /// Number of elements: the product of the dimensions.
    pub const fn elements(&self) -> usize {
        let mut n = 1;
        let mut i = 0;
        while i < self.rank {
            n *= self.dims[i];
            i += 1;
        }
        n
    }
}

impl std::fmt::Debug for Shape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.dims()).finish()
    }
}

/// A layer's activation, as Keras' `activation=` names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Linear,
    Relu,
    /// Not computed by the layer, which outputs logits: softmax is fused with the
    /// cross-entropy ([`crate::loss`], log-sum-exp). Only the network's last layer may say it.
    Softmax,
}

impl Activation {
    pub const fn is_relu(self) -> bool {
        matches!(self, Activation::Relu)
    }

    /// Keras' name of the activation (`"relu"`), as a layer's config says it.
    pub const fn keras_name(self) -> &'static str {
        match self {
            Activation::Linear => "linear",
            Activation::Relu => "relu",
            Activation::Softmax => "softmax",
        }
    }

    /// Suffix of a layer's token in the weights-file architecture string.
    fn arch_suffix(self) -> &'static str {
        match self {
            Activation::Linear => "",
            Activation::Relu => " relu",
            Activation::Softmax => " softmax",
        }
    }

    /// Suffix of a layer's label, e.g. ", ReLU".
    fn label_suffix(self) -> &'static str {
        match self {
            Activation::Linear => "",
            Activation::Relu => ", ReLU",
            Activation::Softmax => ", softmax",
        }
    }
}

/// Most parameter tensors one layer has (kernel and bias).
const MAX_TENSORS: usize = 2;

/// A layer's parameter tensors in buffer order, as (Keras weight name, shape).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParamShapes {
    tensors: [(&'static str, Shape); MAX_TENSORS],
    count: usize,
}

impl ParamShapes {
    /// No parameters (pooling, flatten).
    pub const NONE: ParamShapes = ParamShapes {
        tensors: [("", Shape::new(&[0])); MAX_TENSORS],
        count: 0,
    };

    /// A kernel then its bias, Keras' order.
    pub const fn kernel_bias(kernel: Shape, bias: Shape) -> Self {
        ParamShapes {
            tensors: [("kernel", kernel), ("bias", bias)],
            count: 2,
        }
    }

    pub const fn count(&self) -> usize {
        self.count
    }

    /// Elements in all of the layer's tensors together.
    pub const fn elements(&self) -> usize {
        let mut n = 0;
        let mut i = 0;
        while i < self.count {
            n += self.tensors[i].1.elements();
            i += 1;
        }
        n
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, Shape)> + '_ {
        self.tensors[..self.count].iter().copied()
    }
}

/// Scratch memory of one layer, grown on its first pass and reused after, so that a warmed-up
/// training step allocates nothing. A convolution uses all of it, a dense layer the GEMM's
/// packing buffers, pooling and flatten nothing (an empty `Vec` holds no memory).
#[derive(Debug, Default, Clone)]
pub struct Workspace {
    /// im2col matrix of a convolution's backward pass.
    pub(crate) col: Vec<f32>,
    pub(crate) gemm: GemmScratch,
    pub(crate) winograd: WinogradScratch,
}

/// The mode of a forward pass and of its backward pass.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Pass {
    /// Inference: every layer deterministic (dropout is the identity).
    #[default]
    Eval,
    /// A training step: `key` names the step ([`Pass::step_key`]), `first` is the index in
    /// the step's whole batch of this pass's first image (image `n` of the pass is
    /// `first + n`), so a share or micro-batch draws what the whole batch would.
    Train { key: u64, first: usize },
}

impl Pass {
    /// The key of training step `step` of a trainer seeded with `seed`.
    pub const fn step_key(seed: u32, step: u64) -> u64 {
        mix64(mix64(seed as u64 ^ 0xd20b_0a7e_5eed_0000) ^ step)
    }

    /// This pass for the images from `offset` on: a training pass's `first` moves on by
    /// `offset` (a micro-batch of a larger pass).
    pub const fn advanced(self, offset: usize) -> Pass {
        match self {
            Pass::Eval => Pass::Eval,
            Pass::Train { key, first } => Pass::Train {
                key,
                first: first + offset,
            },
        }
    }

    /// The pass as four numbers below 2^32 (exact in any JavaScript number), for a compute
    /// worker: `[train, key >> 32, key & 0xffff_ffff, first]`; [`Pass::from_words`] reads them.
    pub const fn to_words(self) -> [u32; 4] {
        match self {
            Pass::Eval => [0; 4],
            Pass::Train { key, first } => [1, (key >> 32) as u32, key as u32, first as u32],
        }
    }

    /// The pass [`Pass::to_words`] wrote.
    pub const fn from_words([train, high, low, first]: [u32; 4]) -> Pass {
        if train == 0 {
            return Pass::Eval;
        }
        Pass::Train {
            key: (high as u64) << 32 | low as u64,
            first: first as usize,
        }
    }

    /// A uniform 64-bit value for `unit` of image `image` of this pass: a counter-based hash,
    /// so it depends on nothing but its arguments. `None` in evaluation.
    pub fn noise(self, image: usize, unit: usize) -> Option<u64> {
        match self {
            Pass::Eval => None,
            Pass::Train { key, first } => {
                let counter = ((first + image) as u64) << 32 | unit as u64;
                Some(mix64(key ^ mix64(counter)))
            }
        }
    }
}

/// SplitMix64's finaliser: a bijection of `u64` whose outputs look independent for
/// consecutive inputs (Steele, Lea and Flood, 2014).
const fn mix64(z: u64) -> u64 {
    let z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    let z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// What the network calls on every layer, whatever its type.
pub trait Layer {
    /// Keras' class name, e.g. `"Conv2D"`.
    fn keras_class(&self) -> &'static str;
    /// Keras' default name of the first layer of this class, e.g. `"conv2d"`; the next ones
    /// are `conv2d_1`, `conv2d_2`, ...
    fn keras_name(&self) -> &'static str;
    /// For people, e.g. `"Conv2D 32, 3x3, ReLU"`.
    fn label(&self) -> String;
    /// Token in the weights-file architecture string, e.g. `"conv3x3x32 relu"`.
    fn arch_token(&self) -> String;

    /// `y = layer(x)` for `batch` images in `pass`. `params` is the layer's slice of the
    /// flat buffer.
    fn forward(
        &self,
        pass: Pass,
        batch: usize,
        x: &[f32],
        params: &[f32],
        y: &mut [f32],
        ws: &mut Workspace,
    );

    /// Overwrites `dparams` (same layout as `params`) and, when given, `dx` with the loss's
    /// gradient. `x` and `y` are the forward's input and output, `dy` the gradient at `y`,
    /// which a ReLU layer masks in place. `pass` is the forward's.
    #[allow(clippy::too_many_arguments)]
    fn backward(
        &self,
        pass: Pass,
        batch: usize,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        params: &[f32],
        dparams: &mut [f32],
        dx: Option<&mut [f32]>,
        ws: &mut Workspace,
    );
}

/// Defines [`LayerSpec`] over the listed layer types and its static dispatch.
macro_rules! layer_types {
    ($($variant:ident($ty:ty)),+ $(,)?) => {
        /// One layer of a network: its type and geometry, no state. As declared in
        /// [`crate::network::NETWORK`] it knows its hyperparameters; [`LayerSpec::connect`]
        /// then sizes it for the output of the layer before.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum LayerSpec {
            $($variant($ty)),+
        }

        impl LayerSpec {
            /// This layer sized for an input of shape `input` (one image).
            ///
            /// # Panics
            /// If the layer cannot take that input (at compile time for the network).
            pub const fn connect(self, input: Shape) -> Self {
                match self {
                    $(LayerSpec::$variant(l) => LayerSpec::$variant(l.connect(input))),+
                }
            }

            /// Output shape of one image.
            pub const fn out_shape(&self) -> Shape {
                match self {
                    $(LayerSpec::$variant(l) => l.out_shape()),+
                }
            }

            pub const fn param_shapes(&self) -> ParamShapes {
                match self {
                    $(LayerSpec::$variant(l) => l.param_shapes()),+
                }
            }

            pub const fn activation(&self) -> Activation {
                match self {
                    $(LayerSpec::$variant(l) => l.activation()),+
                }
            }
        }

        impl Layer for LayerSpec {
            fn keras_class(&self) -> &'static str {
                match self {
                    $(LayerSpec::$variant(l) => l.keras_class()),+
                }
            }

            fn keras_name(&self) -> &'static str {
                match self {
                    $(LayerSpec::$variant(l) => l.keras_name()),+
                }
            }

            fn label(&self) -> String {
                match self {
                    $(LayerSpec::$variant(l) => l.label()),+
                }
            }

            fn arch_token(&self) -> String {
                match self {
                    $(LayerSpec::$variant(l) => l.arch_token()),+
                }
            }

            fn forward(
                &self,
                pass: Pass,
                batch: usize,
                x: &[f32],
                params: &[f32],
                y: &mut [f32],
                ws: &mut Workspace,
            ) {
                match self {
                    $(LayerSpec::$variant(l) => Layer::forward(l, pass, batch, x, params, y, ws)),+
                }
            }

            fn backward(
                &self,
                pass: Pass,
                batch: usize,
                x: &[f32],
                y: &[f32],
                dy: &mut [f32],
                params: &[f32],
                dparams: &mut [f32],
                dx: Option<&mut [f32]>,
                ws: &mut Workspace,
            ) {
                match self {
                    $(LayerSpec::$variant(l) => {
                        Layer::backward(l, pass, batch, x, y, dy, params, dparams, dx, ws)
                    }),+
                }
            }
        }
    };
}

layer_types! {
    Conv2d(Conv2d),
    MaxPool2(MaxPool2),
    Flatten(Flatten),
    Dropout(Dropout),
    Dense(Dense),
}
