//! The network as declared: derived shapes, parameter tensors, the description the page shows,
//! the weights file's architecture id, the kernels chosen, and the forward pass against a plain
//! ndarray implementation of the Keras model.
#[cfg(target_arch = "wasm32")]
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use std::collections::HashMap;

use mnist_wasm::layers::LayerSpec;
use mnist_wasm::model::{Model, PIXELS, SIDE};
use mnist_wasm::network::{self, Architecture};
use mnist_wasm::weights::architecture_id;
use ndarray::{Array1, Array3, ArrayView1, ArrayView2, ArrayView4, ArrayViewD, Ix1, Ix2, Ix4};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

const MNIST: Architecture = Architecture::MNIST;
const PARAM_COUNT: usize = MNIST.param_count();
const CLASSES: usize = MNIST.classes();

#[test]
fn parameter_tensors_are_keras_names_shapes_and_order() {
    let got: Vec<(String, Vec<usize>, usize)> = MNIST
        .param_tensors()
        .into_iter()
        .map(|t| (t.name, t.shape.dims().to_vec(), t.offset))
        .collect();
    let want: [(&str, &[usize], usize); 10] = [
        ("conv2d/kernel", &[3, 3, 1, 32], 0),
        ("conv2d/bias", &[32], 288),
        ("conv2d_1/kernel", &[3, 3, 32, 64], 320),
        ("conv2d_1/bias", &[64], 18_752),
        ("conv2d_2/kernel", &[3, 3, 64, 64], 18_816),
        ("conv2d_2/bias", &[64], 55_680),
        ("dense/kernel", &[576, 64], 55_744),
        ("dense/bias", &[64], 92_608),
        ("dense_1/kernel", &[64, 10], 92_672),
        ("dense_1/bias", &[10], 93_312),
    ];
    let want: Vec<(String, Vec<usize>, usize)> = want
        .iter()
        .map(|(n, s, o)| (n.to_string(), s.to_vec(), *o))
        .collect();
    assert_eq!(got, want);
    assert_eq!(PARAM_COUNT, 93_322);
    assert_eq!((SIDE, PIXELS, CLASSES), (28, 784, 10));
}

#[test]
fn description_is_the_keras_convnet() {
    let d = MNIST.describe();
    let rows: Vec<(&str, &str, &str, &[usize], usize)> = d
        .layers
        .iter()
        .map(|l| {
            let (name, kind, label) = (l.name.as_str(), l.kind.as_str(), l.label.as_str());
            (name, kind, label, l.output.as_slice(), l.params)
        })
        .collect();
    let want: [(&str, &str, &str, &[usize], usize); 9] = [
        ("input", "Input", "Input, pixels in [0, 1]", &[28, 28, 1], 0),
        (
            "conv2d",
            "Conv2D",
            "Conv2D 32, 3x3, ReLU",
            &[26, 26, 32],
            320,
        ),
        (
            "max_pooling2d",
            "MaxPooling2D",
            "MaxPool 2x2",
            &[13, 13, 32],
            0,
        ),
        (
            "conv2d_1",
            "Conv2D",
            "Conv2D 64, 3x3, ReLU",
            &[11, 11, 64],
            18_496,
        ),
        (
            "max_pooling2d_1",
            "MaxPooling2D",
            "MaxPool 2x2",
            &[5, 5, 64],
            0,
        ),
        (
            "conv2d_2",
            "Conv2D",
            "Conv2D 64, 3x3, ReLU",
            &[3, 3, 64],
            36_928,
        ),
        ("flatten", "Flatten", "Flatten", &[576], 0),
        ("dense", "Dense", "Dense 64, ReLU", &[64], 36_928),
        ("dense_1", "Dense", "Dense 10, softmax", &[10], 650),
    ];
    assert_eq!(rows, want);
    assert_eq!(d.params, 93_322);
    assert_eq!(d.layers.iter().map(|l| l.params).sum::<usize>(), d.params);
}

/// The rows of README.md's table under "## The model": (label, output, parameters).
fn readme_model_table() -> Vec<[String; 3]> {
    let readme = include_str!("../../README.md");
    let section = readme
        .split("\n## The model\n")
        .nth(1)
        .expect("README.md has a section '## The model'");
    section
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| line.starts_with('|'))
        .skip(2) // header and alignment rows
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().replace("**", ""))
                .collect();
            assert_eq!(cells.len(), 3, "README model table row: {line}");
            [cells[0].clone(), cells[1].clone(), cells[2].clone()]
        })
        .collect()
}

#[test]
fn description_matches_the_readme_table() {
    let table = readme_model_table();
    let d = MNIST.describe();
    assert_eq!(
        table.len(),
        d.layers.len() + 1,
        "one row per layer, then the total"
    );
    let thousands = |n: usize| match n {
        0 => String::new(),
        n if n >= 1000 => format!("{},{:03}", n / 1000, n % 1000),
        n => n.to_string(),
    };
    for (row, layer) in table.iter().zip(&d.layers) {
        let output: Vec<String> = layer.output.iter().map(usize::to_string).collect();
        assert!(
            row[0].eq_ignore_ascii_case(&layer.label),
            "{row:?} vs {layer:?}"
        );
        assert_eq!(row[1], output.join(" x "), "{}", layer.name);
        assert_eq!(row[2], thousands(layer.params), "{}", layer.name);
    }
    let total = &table[d.layers.len()];
    assert_eq!(total[0], "total");
    assert_eq!(total[2], thousands(d.params));
}

#[test]
fn shape_comments_in_the_declaration_are_the_derived_shapes() {
    let source = include_str!("../../src/network.rs");
    let comments: Vec<&str> = source
        .lines()
        .filter(|line| line.trim_start().starts_with("LayerSpec::") && line.contains("// ["))
        .map(|line| {
            let comment = line.split("// ").nth(1).expect("a shape comment");
            let end = comment.find(']').expect("a shape");
            &comment[..=end]
        })
        .collect();
    // The hidden layers carry the comments (every one declared: dropout on); the classifier's
    // shape is the class count.
    let all = Architecture::with_options(10, network::Options { dropout: 0.5 }).expect("valid");
    let derived: Vec<String> = all.layers()[..network::HIDDEN.len()]
        .iter()
        .map(|l| format!("{:?}", l.out_shape()))
        .collect();
    assert_eq!(comments, derived);
}

#[test]
fn weights_file_architecture_is_unchanged() {
    // Files saved by users carry this id: it must not move while the network does not.
    assert_eq!(
        MNIST.to_string(),
        "nhwc 28x28x1 | conv3x3x32 relu | maxpool2 | conv3x3x64 relu | maxpool2 | \
         conv3x3x64 relu | flatten | dense64 relu | dense10 softmax"
    );
    assert_eq!(architecture_id(&MNIST), 0xa178_6394);
}

#[test]
fn convolutions_use_the_measured_kernels() {
    // conv1 (one input channel) by the implicit GEMM, conv2 and conv3 by Winograd.
    let winograd: Vec<bool> = MNIST
        .layers()
        .iter()
        .filter_map(|l| match l {
            LayerSpec::Conv2d(c) => Some(c.winograd),
            _ => None,
        })
        .collect();
    assert_eq!(winograd, [false, true, true]);
}

#[test]
fn parameter_views_have_keras_layouts() {
    let m = Model::new(&mut Pcg64Mcg::seed_from_u64(1));
    let kernel = m.param_view(0).expect("conv2d/kernel");
    let kernel: ArrayView4<f32> = kernel.into_dimensionality::<Ix4>().expect("rank 4");
    assert_eq!(kernel.shape(), [3, 3, 1, 32]);
    assert_eq!(kernel[[1, 2, 0, 5]], m.params[(3 + 2) * 32 + 5]);
    let dense = m.param_view(6).expect("dense/kernel");
    let dense: ArrayView2<f32> = dense.into_dimensionality::<Ix2>().expect("rank 2");
    assert_eq!(dense.shape(), [576, 64]);
    assert_eq!(dense[[100, 7]], m.params[55_744 + 100 * 64 + 7]);
    let bias = m.param_view(9).expect("dense_1/bias");
    assert_eq!(bias.into_dimensionality::<Ix1>().expect("rank 1").len(), 10);
    assert!(m.param_view(10).is_none());
    let names: Vec<String> = m.tensors().map(|(name, _)| name).collect();
    let want: Vec<String> = MNIST.param_tensors().into_iter().map(|t| t.name).collect();
    assert_eq!(names, want);
}

// A plain reference of the Keras model over ndarray views, in f64, one image at a time.

fn conv2d_relu(x: &Array3<f64>, kernel: ArrayView4<f32>, bias: ArrayView1<f32>) -> Array3<f64> {
    let (kh, kw, c, f) = kernel.dim();
    let (h, w, xc) = x.dim();
    assert_eq!(c, xc, "kernel input channels");
    Array3::from_shape_fn((h - kh + 1, w - kw + 1, f), |(oy, ox, o)| {
        let mut acc = f64::from(bias[o]);
        for ky in 0..kh {
            for kx in 0..kw {
                for ci in 0..c {
                    acc += x[[oy + ky, ox + kx, ci]] * f64::from(kernel[[ky, kx, ci, o]]);
                }
            }
        }
        acc.max(0.0)
    })
}

fn max_pool2(x: &Array3<f64>) -> Array3<f64> {
    let (h, w, c) = x.dim();
    Array3::from_shape_fn((h / 2, w / 2, c), |(oy, ox, ch)| {
        let at = |dy, dx| x[[2 * oy + dy, 2 * ox + dx, ch]];
        at(0, 0).max(at(0, 1)).max(at(1, 0)).max(at(1, 1))
    })
}

fn dense(x: &Array1<f64>, kernel: ArrayView2<f32>, bias: ArrayView1<f32>) -> Array1<f64> {
    x.dot(&kernel.mapv(f64::from)) + bias.mapv(f64::from)
}

fn reference_probabilities(m: &Model, image: &[f32]) -> Vec<f64> {
    let t: HashMap<String, ArrayViewD<f32>> = m.tensors().collect();
    let k4 = |n: &str| t[n].view().into_dimensionality::<Ix4>().expect(n);
    let k2 = |n: &str| t[n].view().into_dimensionality::<Ix2>().expect(n);
    let b = |n: &str| t[n].view().into_dimensionality::<Ix1>().expect(n);
    let x = Array3::from_shape_fn((28, 28, 1), |(y, x, _)| f64::from(image[y * 28 + x]));
    let x = max_pool2(&conv2d_relu(&x, k4("conv2d/kernel"), b("conv2d/bias")));
    let x = max_pool2(&conv2d_relu(&x, k4("conv2d_1/kernel"), b("conv2d_1/bias")));
    let x = conv2d_relu(&x, k4("conv2d_2/kernel"), b("conv2d_2/bias"));
    let x: Array1<f64> = x.iter().copied().collect(); // NHWC order is Keras' Flatten
    let x = dense(&x, k2("dense/kernel"), b("dense/bias")).mapv(|v| v.max(0.0));
    let z = dense(&x, k2("dense_1/kernel"), b("dense_1/bias"));
    let max = z.fold(f64::NEG_INFINITY, |m, &v| m.max(v));
    let e = z.mapv(|v| (v - max).exp());
    (&e / e.sum()).to_vec()
}

#[test]
fn forward_pass_matches_a_plain_ndarray_reference() {
    let mut r = Pcg64Mcg::seed_from_u64(21);
    let mut m = Model::new(&mut r);
    // Non-zero biases, so each bias is added where the reference adds it.
    for t in MNIST.param_tensors().iter().filter(|t| t.shape.rank() == 1) {
        for p in &mut m.params[t.range()] {
            *p = r.random_range(-0.1..0.1);
        }
    }
    let n = 3;
    let x: Vec<f32> = (0..n * PIXELS).map(|_| r.random_range(0.0..1.0)).collect();
    let mut probs = vec![0.0; n * CLASSES];
    m.predict(&x, &mut probs).expect("valid images");
    for (image, got) in x.chunks(PIXELS).zip(probs.chunks(CLASSES)) {
        let want = reference_probabilities(&m, image);
        for (g, w) in got.iter().zip(&want) {
            assert!((f64::from(*g) - w).abs() < 1e-5, "{got:?} vs {want:?}");
        }
    }
    assert_eq!(MNIST.depth(), 8);
}
