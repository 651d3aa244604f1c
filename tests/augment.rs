//! Training-image distortions: the geometry of [`Distortion::apply`] against hand-made
//! expectations, the random ranges, and a trainer with `augment` on: reproducible from its
//! seed, different from training without it, and still learning.
// `#[test]` runs natively and, through this alias, in the browser.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mnist_wasm::data::DataSet;
use mnist_wasm::data::augment::{Distortion, MAX_ROTATION_DEG, MAX_SCALE_CHANGE, MAX_SHIFT};
use mnist_wasm::{Trainer, TrainerConfig};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

const SIDE: usize = 28;

/// A random image whose ink lies in the central 16x16 (as MNIST's lies in 20x20), so small
/// distortions keep it inside the frame.
fn digit_like(seed: u64) -> Vec<f32> {
    let mut r = Pcg64Mcg::seed_from_u64(seed);
    let mut img = vec![0.0; SIDE * SIDE];
    for y in 6..22 {
        for x in 6..22 {
            img[y * SIDE + x] = r.random_range(0.0..1.0);
        }
    }
    img
}

fn distorted(d: Distortion, src: &[f32]) -> Vec<f32> {
    let mut dst = vec![f32::NAN; SIDE * SIDE];
    d.apply(src, &mut dst);
    dst
}

fn ink(img: &[f32]) -> f32 {
    img.iter().sum()
}

#[test]
fn identity_copies_exactly() {
    let src = digit_like(1);
    assert_eq!(distorted(Distortion::IDENTITY, &src), src);
}

#[test]
fn whole_pixel_shift_moves_the_image() {
    let src: Vec<f32> = (0..SIDE * SIDE).map(|i| (i % 97) as f32 / 97.0).collect();
    let d = Distortion {
        shift: (2.0, -1.0),
        ..Distortion::IDENTITY
    };
    let dst = distorted(d, &src);
    for y in 0..SIDE {
        for x in 0..SIDE {
            // Right by 2, up by 1: output (x, y) shows source (x - 2, y + 1), or black.
            let want = if x >= 2 && y + 1 < SIDE {
                src[(y + 1) * SIDE + x - 2]
            } else {
                0.0
            };
            assert_eq!(dst[y * SIDE + x], want, "pixel ({x}, {y})");
        }
    }
}

#[test]
fn quarter_turn_rotates_clockwise_on_screen() {
    let src: Vec<f32> = (0..SIDE * SIDE).map(|i| (i % 89) as f32 / 89.0).collect();
    let d = Distortion {
        angle: std::f32::consts::FRAC_PI_2,
        ..Distortion::IDENTITY
    };
    let dst = distorted(d, &src);
    for y in 0..SIDE {
        for x in 0..SIDE {
            // Clockwise with y down: the top row becomes the right column.
            let want = src[(SIDE - 1 - x) * SIDE + y];
            let got = dst[y * SIDE + x];
            assert!((got - want).abs() < 1e-4, "({x}, {y}): {got} vs {want}");
        }
    }
}

#[test]
fn scale_grows_the_ink_by_its_square_and_turns_keep_it() {
    let src = digit_like(2);
    let grown = distorted(
        Distortion {
            scale: 1.1,
            ..Distortion::IDENTITY
        },
        &src,
    );
    let ratio = ink(&grown) / ink(&src);
    assert!((ratio - 1.21).abs() < 0.05, "ink ratio {ratio}, want ~1.21");
    let turned = distorted(
        Distortion {
            angle: 0.2,
            shift: (1.5, -2.0),
            ..Distortion::IDENTITY
        },
        &src,
    );
    let ratio = ink(&turned) / ink(&src);
    assert!((ratio - 1.0).abs() < 0.05, "ink ratio {ratio}, want ~1");
    assert!(turned.iter().all(|v| (0.0..=1.0).contains(v)));
}

#[test]
fn random_distortions_stay_in_range_and_follow_the_seed() {
    let draw = |seed| {
        let mut r = Pcg64Mcg::seed_from_u64(seed);
        (0..2_000)
            .map(|_| Distortion::random(&mut r))
            .collect::<Vec<_>>()
    };
    let a = draw(7);
    assert_eq!(a, draw(7));
    assert_ne!(a, draw(8));
    let max_angle = MAX_ROTATION_DEG.to_radians();
    for d in &a {
        assert!(d.angle.abs() <= max_angle);
        assert!((d.scale - 1.0).abs() <= MAX_SCALE_CHANGE + 1e-6);
        assert!(d.shift.0.abs() <= MAX_SHIFT && d.shift.1.abs() <= MAX_SHIFT);
    }
    // The draws cover their ranges, not a corner of them.
    assert!(a.iter().any(|d| d.angle > 0.8 * max_angle));
    assert!(a.iter().any(|d| d.angle < -0.8 * max_angle));
    assert!(a.iter().any(|d| d.shift.0 > 0.8 * MAX_SHIFT));
    assert!(a.iter().any(|d| d.scale < 1.0 - 0.8 * MAX_SCALE_CHANGE));
}

/// `n` images of four classes that survive the distortions: a 2-pixel-thick stroke through
/// the centre, horizontal (0), vertical (1), falling (2) or rising (3) — 45° apart, against
/// turns of at most 12°. As IDX files.
fn strokes(n: usize) -> DataSet {
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    for i in 0..n {
        let class = (i * 7 + 3) % 4;
        labels.push(class as u8);
        for y in 0..28i32 {
            for x in 0..28i32 {
                let (u, v) = (x - 14, y - 14);
                let along = match class {
                    0 => v.abs() <= 1,
                    1 => u.abs() <= 1,
                    2 => (u - v).abs() <= 1,
                    _ => (u + v).abs() <= 1,
                };
                let on = along && u.abs() <= 8 && v.abs() <= 8;
                images.push(if on { 240 } else { 0 });
            }
        }
    }
    DataSet::from_idx("strokes", &images, &labels).expect("valid IDX")
}

fn trained(augment: bool, seed: u32, steps: usize) -> Trainer {
    let config = TrainerConfig {
        seed,
        batch_size: 32,
        augment,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    t.train = strokes(320);
    t.test = strokes(100);
    t.train_steps(steps).expect("trains");
    t
}

#[test]
fn augmented_training_follows_its_seed_and_differs_from_plain() {
    let a = trained(true, 3, 4).export_weights().expect("exports");
    assert_eq!(a, trained(true, 3, 4).export_weights().expect("exports"));
    assert_ne!(a, trained(false, 3, 4).export_weights().expect("exports"));
}

#[test]
fn augmented_training_still_learns() {
    let mut t = trained(true, 5, 40);
    let report = t
        .evaluate(mnist_wasm::data::Split::Test, 0, Some(100))
        .expect("evaluates");
    assert!(
        report.accuracy >= 0.9,
        "accuracy {} on undistorted strokes after 40 augmented steps",
        report.accuracy
    );
}
