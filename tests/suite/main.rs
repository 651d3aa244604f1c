//! Every integration test but the property tests (`tests/fuzz.rs`) and the allocation counter
//! (`tests/no_alloc.rs`, which installs its own global allocator), as one test binary: one link
//! of the release-optimised crate instead of twenty, natively and for each browser. Each module
//! is one concern; run one with `cargo test --release --test suite <module>::`.

// Every browser test runs in a page (the facade needs `window`), not in a worker.
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod adam;
mod augment;
mod classes;
mod common;
mod config;
mod continue_run;
mod data_parallel;
mod dropout;
mod facade;
mod gradcheck;
mod idx;
mod kernels_conv;
mod kernels_gemm;
mod kernels_gemm_bench;
mod kernels_maxpool;
mod learning;
mod model;
mod network;
mod optimizers;
mod profile;
mod teach;
mod trainer;
