//! The per-layer profile (`Model::profile_pass`): it runs exactly the training pass and puts
//! each interval of its clock on the layer and direction that spent it.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::Architecture;
use mnist_wasm::model::{MICRO_BATCH, Model, PIXELS};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

fn batch(n: usize) -> (Vec<f32>, Vec<u8>) {
    let mut r = Pcg64Mcg::seed_from_u64(7);
    let x = (0..n * PIXELS).map(|_| r.random_range(0.0..1.0)).collect();
    let y = (0..n).map(|i| (i * 3 % 10) as u8).collect();
    (x, y)
}

#[test]
fn profile_pass_gives_the_gradient_of_loss_and_grads() {
    // 40 images: two full micro-batches and a short one, whose gradient is rescaled.
    let (x, y) = batch(40);
    let mut plain = Model::new(&mut Pcg64Mcg::seed_from_u64(3));
    let mut timed = plain.clone();
    plain.loss_and_grads(&x, &y).expect("valid batch");
    let mut t = 0.0;
    timed
        .profile_pass(&x, &y, || {
            t += 1.0;
            t
        })
        .expect("valid batch");
    assert_eq!(plain.grads, timed.grads);
    assert_eq!(plain.params, timed.params);
}

#[test]
fn each_tick_of_the_clock_lands_on_the_phase_that_ended() {
    // A clock that moves by one per reading: each layer's forward and backward, and the loss,
    // end once per micro-batch, so each gets exactly one tick per micro-batch.
    let n = 2 * MICRO_BATCH + 3;
    let micro = n.div_ceil(MICRO_BATCH) as f64;
    let (x, y) = batch(n);
    let mut model = Model::new(&mut Pcg64Mcg::seed_from_u64(3));
    let mut t = 0.0;
    let p = model
        .profile_pass(&x, &y, || {
            t += 1.0;
            t
        })
        .expect("valid batch");
    let arch = Architecture::MNIST;
    assert_eq!(p.images, n);
    assert_eq!(p.layers.len(), arch.layers().len());
    let names: Vec<_> = p.layers.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, arch.layer_names());
    assert_eq!(p.layers[0].label, "Conv2D 32, 3x3, ReLU");
    for l in &p.layers {
        assert_eq!((l.forward, l.backward), (micro, micro), "{}", l.name);
    }
    assert_eq!(p.loss, micro);
    // Per micro-batch one reading to start and one per phase; one to start and one to end.
    let phases = (2 * arch.layers().len()) as f64 + 1.0;
    assert_eq!(p.total, micro * (phases + 1.0) + 1.0);
}

#[test]
fn a_bad_batch_is_refused_before_any_time_is_spent() {
    let (x, mut y) = batch(4);
    y[2] = 10;
    let mut model = Model::new(&mut Pcg64Mcg::seed_from_u64(3));
    let before = model.clone().params;
    let mut readings = 0;
    let err = model
        .profile_pass(&x, &y, || {
            readings += 1;
            0.0
        })
        .expect_err("label 10 is past the classes");
    assert!(err.to_string().contains("label"), "{err}");
    assert_eq!(readings, 0);
    assert_eq!(model.params, before);
}
