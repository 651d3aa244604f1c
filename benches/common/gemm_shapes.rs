//! The GEMMs the network's layers call, shared by the native (`benches/kernels.rs`) and browser
//! (`tests/suite/kernels_gemm_bench.rs`) benchmarks through `#[path]`.

use mnist_wasm::kernels::Trans::{self, No, Yes};

/// (name, m, n, k, op(A), op(B)) as the layers call them, batch 64 unless marked b1.
pub const SHAPES: [(&str, usize, usize, usize, Trans, Trans); 14] = [
    ("conv1_fwd", 43264, 32, 9, No, No),
    ("conv1_dw", 9, 32, 43264, Yes, No),
    ("conv2_fwd", 7744, 64, 288, No, No),
    ("conv2_dw", 288, 64, 7744, Yes, No),
    ("conv2_dx", 7744, 288, 64, No, Yes),
    ("conv3_fwd", 576, 64, 576, No, No),
    ("conv3_dw", 576, 64, 576, Yes, No),
    ("conv3_dx", 576, 576, 64, No, Yes),
    ("dense1_fwd", 64, 64, 576, No, No),
    ("dense1_dw", 576, 64, 64, Yes, No),
    ("dense1_dx", 64, 576, 64, No, Yes),
    ("dense2_fwd", 64, 10, 64, No, No),
    ("b1_conv2_fwd", 121, 64, 288, No, No),
    ("b1_dense1_fwd", 1, 64, 576, No, No),
];
