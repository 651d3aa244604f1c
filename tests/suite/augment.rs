//! Training-image distortions: the geometry of [`Distortion::apply`] against hand-made
//! expectations, the random ranges; stroke thickness (ink up or down, centre of mass kept);
//! the elastic field (identity at α = 0, smooth, Simard's amplitude, seeded); and a trainer
//! with `augment` on: reproducible from its seed, different from training without it, and
//! still learning; the handwriting styles (a bar through a 7, a flag and base on a 1, a slash
//! or dot in a 0) where they belong, nowhere else, seeded and within [0, 1].
// `#[test]` runs natively and, through this alias, in the browser.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use mnist_wasm::data::augment::elastic::{self, ElasticField, STRIDE};
use mnist_wasm::data::augment::styles::{P_FIVE, P_FOUR, P_ONE, P_SEVEN, P_ZERO, StyleDraw};
use mnist_wasm::data::augment::thickness::{MAX_THICKER, MAX_THINNER, change_thickness};
use mnist_wasm::data::augment::{
    Augmentations, Augmenter, Distortion, MAX_ROTATION_DEG, MAX_SCALE_CHANGE, MAX_SHIFT,
    random_thickness,
};
use mnist_wasm::data::{DataSet, Split};
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

/// A digit-like image with strokes: a ring (a "0") of radius 6 and a bar, 2 px wide, with
/// anti-aliased edges, centred near (13.5, 13.5).
fn ring_and_bar() -> Vec<f32> {
    let mut img = vec![0.0; SIDE * SIDE];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (u, v) = (x as f32 - 13.5, y as f32 - 13.5);
            let ring = ((u * u + v * v).sqrt() - 6.0).abs();
            let bar = if v.abs() <= 9.0 { u.abs() } else { f32::MAX };
            let d = ring.min(bar);
            img[y * SIDE + x] = (1.5 - d).clamp(0.0, 1.0);
        }
    }
    img
}

fn centre_of_mass(img: &[f32]) -> (f32, f32) {
    let (mut sx, mut sy) = (0.0, 0.0);
    for (i, v) in img.iter().enumerate() {
        sx += v * (i % SIDE) as f32;
        sy += v * (i / SIDE) as f32;
    }
    (sx / ink(img), sy / ink(img))
}

fn thickened(src: &[f32], amount: f32) -> Vec<f32> {
    let (mut rows, mut dst) = (vec![f32::NAN; SIDE * SIDE], vec![f32::NAN; SIDE * SIDE]);
    change_thickness(src, amount, &mut rows, &mut dst);
    dst
}

#[test]
fn thickness_moves_the_ink_the_right_way_and_keeps_the_centre() {
    let src = ring_and_bar();
    let (cx, cy) = centre_of_mass(&src);
    assert_eq!(thickened(&src, 0.0), src, "amount 0 copies");
    let mut last = ink(&src);
    // Thicker: more ink with each step, up to the full dilation.
    for step in 1..=4 {
        let out = thickened(&src, MAX_THICKER * step as f32 / 4.0);
        assert!(
            ink(&out) > last,
            "thicker by {step}/4: ink {} after {last}",
            ink(&out)
        );
        last = ink(&out);
        let (x, y) = centre_of_mass(&out);
        assert!(
            (x - cx).abs() < 1.0 && (y - cy).abs() < 1.0,
            "centre moved to ({x}, {y})"
        );
        assert!(
            out.iter()
                .zip(&src)
                .all(|(o, s)| o >= s && (0.0..=1.0).contains(o))
        );
    }
    // The widest: about one pixel more on each side of ~3 px strokes, well under 3x the ink.
    let ratio = last / ink(&src);
    assert!((1.3..3.0).contains(&ratio), "full dilation: ink x{ratio}");
    let mut last = ink(&src);
    for step in 1..=4 {
        let out = thickened(&src, -MAX_THINNER * step as f32 / 4.0);
        assert!(
            ink(&out) < last,
            "thinner by {step}/4: ink {} after {last}",
            ink(&out)
        );
        last = ink(&out);
        let (x, y) = centre_of_mass(&out);
        assert!(
            (x - cx).abs() < 1.0 && (y - cy).abs() < 1.0,
            "centre moved to ({x}, {y})"
        );
        assert!(out.iter().zip(&src).all(|(o, s)| o <= s && *o >= 0.0));
    }
    // The thinnest keeps the digit: over a third of its ink, every stroke still there.
    let ratio = last / ink(&src);
    assert!((0.35..0.9).contains(&ratio), "half erosion: ink x{ratio}");
}

#[test]
fn random_thickness_covers_both_sides_and_stays_in_range() {
    let mut r = Pcg64Mcg::seed_from_u64(4);
    let t: Vec<f32> = (0..2_000).map(|_| random_thickness(&mut r)).collect();
    assert!(t.iter().all(|t| (-MAX_THINNER..=MAX_THICKER).contains(t)));
    let thicker = t.iter().filter(|t| **t > 0.0).count();
    assert!(
        (900..1_100).contains(&thicker),
        "{thicker} of 2,000 thicker"
    );
    assert!(t.iter().any(|t| *t > 0.9 * MAX_THICKER));
    assert!(t.iter().any(|t| *t < -0.9 * MAX_THINNER));
}

fn field(seed: u64, alpha: f32) -> ElasticField {
    let mut f = ElasticField::default();
    f.redraw(&mut Pcg64Mcg::seed_from_u64(seed), alpha);
    f
}

#[test]
fn elastic_with_alpha_zero_is_the_identity() {
    let src = digit_like(3);
    let f = field(1, 0.0);
    assert_eq!(f, ElasticField::default());
    let mut dst = vec![f32::NAN; SIDE * SIDE];
    Distortion::IDENTITY.apply_elastic(&f, &src, &mut dst);
    assert_eq!(dst, src);
    // With an affine map, the field at α = 0 changes nothing either.
    let d = Distortion {
        angle: 0.1,
        scale: 1.05,
        shift: (1.0, -0.5),
    };
    Distortion::apply_elastic(&d, &f, &src, &mut dst);
    assert_eq!(dst, distorted(d, &src));
}

/// Simard's rms displacement per axis for a Gaussian of σ px on the pixel grid: α · sqrt(1/3 ·
/// Σ G²), Σ G² ≈ 1 / (4π σ²).
fn simard_rms(alpha: f32, sigma: f32) -> f32 {
    alpha * (1.0 / 3.0 / (4.0 * std::f32::consts::PI * sigma * sigma)).sqrt()
}

#[test]
fn elastic_field_is_smooth_with_simards_amplitude() {
    let (mut sum_sq, mut count, mut largest_step, mut largest) = (0.0f64, 0, 0.0f32, 0.0f32);
    for seed in 0..200 {
        let f = field(seed, elastic::ALPHA);
        for y in 0..SIDE {
            for x in 0..SIDE {
                let (dx, dy) = f.at(x, y);
                sum_sq += f64::from(dx * dx + dy * dy);
                count += 2;
                largest = largest.max(dx.abs()).max(dy.abs());
                if x + 1 < SIDE {
                    let (ex, ey) = f.at(x + 1, y);
                    largest_step = largest_step.max((ex - dx).abs()).max((ey - dy).abs());
                }
                if y + 1 < SIDE {
                    let (ex, ey) = f.at(x, y + 1);
                    largest_step = largest_step.max((ex - dx).abs()).max((ey - dy).abs());
                }
            }
        }
    }
    let rms = (sum_sq / f64::from(count)).sqrt() as f32;
    let want = simard_rms(elastic::ALPHA, STRIDE as f32);
    // Bilinear reading between the nodes averages them, so a little under the nodes' rms.
    assert!(
        (0.75 * want..1.1 * want).contains(&rms),
        "rms {rms} px, Simard's {want}"
    );
    // Smooth: neighbours differ by far less than the amplitude, over 200 fields.
    assert!(largest > 3.0 * rms, "largest {largest} px, rms {rms}");
    assert!(
        largest_step < 0.25 * largest,
        "largest step between neighbours {largest_step} px, largest displacement {largest}"
    );
}

#[test]
fn elastic_fields_follow_the_seed() {
    assert_eq!(field(9, 10.0), field(9, 10.0));
    assert_ne!(field(9, 10.0), field(10, 10.0));
    // And α scales the same field.
    let (a, b) = (field(9, 10.0), field(9, 20.0));
    let (ax, ay) = a.at(13, 7);
    let (bx, by) = b.at(13, 7);
    assert!((2.0 * ax - bx).abs() < 1e-5 && (2.0 * ay - by).abs() < 1e-5);
}

#[test]
fn augmenter_follows_the_seed_and_its_parts() {
    let src = ring_and_bar();
    let run = |parts: Augmentations, seed: u64| {
        let mut a = Augmenter::new(parts);
        let mut r = Pcg64Mcg::seed_from_u64(seed);
        let mut out = Vec::new();
        for _ in 0..3 {
            let mut img = src.clone();
            a.distort(&mut r, &mut img);
            out.extend(img);
        }
        out
    };
    let all = run(Augmentations::ALL, 5);
    assert_eq!(all, run(Augmentations::ALL, 5));
    assert_ne!(all, run(Augmentations::ALL, 6));
    assert!(
        all.iter()
            .all(|v| v.is_finite() && (0.0..=1.0 + 1e-6).contains(v))
    );
    // No part: untouched. The affine part alone: exactly `Distortion::random` + `apply`.
    assert_eq!(run(Augmentations::NONE, 5), [&src[..]; 3].concat());
    let mut r = Pcg64Mcg::seed_from_u64(5);
    let affine: Vec<f32> = (0..3)
        .flat_map(|_| distorted(Distortion::random(&mut r), &src))
        .collect();
    assert_eq!(run(Augmentations::AFFINE, 5), affine);
    // Each part changes the image on its own.
    for parts in [
        Augmentations {
            thickness: true,
            ..Augmentations::NONE
        },
        Augmentations {
            elastic: true,
            ..Augmentations::NONE
        },
    ] {
        assert_ne!(run(parts, 5), [&src[..]; 3].concat(), "{parts:?}");
    }
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
    trained_with(augment, Augmentations::ALL, seed, steps)
}

fn trained_with(augment: bool, parts: Augmentations, seed: u32, steps: usize) -> Trainer {
    let config = TrainerConfig {
        seed,
        batch_size: 32,
        augment,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    t.set_augmentations(parts);
    *t.data_mut(Split::Train) = strokes(320);
    *t.data_mut(Split::Test) = strokes(100);
    t.train_steps(steps).expect("trains");
    t
}

#[test]
fn augmented_training_follows_its_seed_and_differs_from_plain() {
    let a = trained(true, 3, 4).export_weights().expect("exports");
    assert_eq!(a, trained(true, 3, 4).export_weights().expect("exports"));
    assert_ne!(a, trained(false, 3, 4).export_weights().expect("exports"));
    // `augment: false` means no distortion at all, whichever parts are chosen.
    let plain = trained(false, 3, 4).export_weights().expect("exports");
    let none = trained_with(false, Augmentations::NONE, 3, 4);
    assert_eq!(plain, none.export_weights().expect("exports"));
    let affine = trained_with(true, Augmentations::AFFINE, 3, 4);
    assert_ne!(a, affine.export_weights().expect("exports"));
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

/// Strokes as a distance field, like the pad's renderer: 2.4 px pen, 1 px soft edge. Segments
/// `[ax, ay, bx, by]` in pixel coordinates.
fn drawn(segments: &[[f32; 4]]) -> Vec<f32> {
    let mut img = vec![0.0; SIDE * SIDE];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
            let d = segments
                .iter()
                .map(|&[ax, ay, bx, by]| {
                    let (dx, dy) = (bx - ax, by - ay);
                    let t =
                        (((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)).clamp(0.0, 1.0);
                    ((px - ax - t * dx).powi(2) + (py - ay - t * dy).powi(2)).sqrt()
                })
                .fold(f32::MAX, f32::min);
            img[y * SIDE + x] = (1.7 - d).clamp(0.0, 1.0);
        }
    }
    img
}

/// MNIST-like plain digits: a 1 (a stem, slightly slanted), a 7 (a top bar and a falling
/// stem), a 0 (a ring of radius 6, from `ring_and_bar` without the bar).
fn plain_one() -> Vec<f32> {
    drawn(&[[15.0, 5.0, 13.0, 23.0]])
}
fn plain_seven() -> Vec<f32> {
    drawn(&[[8.0, 5.0, 19.0, 5.0], [19.0, 5.0, 12.0, 23.0]])
}
fn plain_zero() -> Vec<f32> {
    let mut img = vec![0.0; SIDE * SIDE];
    for y in 0..SIDE {
        for x in 0..SIDE {
            let (u, v) = (x as f32 + 0.5 - 14.0, y as f32 + 0.5 - 14.0);
            img[y * SIDE + x] = (1.7 - ((u * u + v * v).sqrt() - 7.0).abs()).clamp(0.0, 1.0);
        }
    }
    img
}

/// Ink the style added in the pixels where `region(x, y)` holds.
fn added(before: &[f32], after: &[f32], region: impl Fn(usize, usize) -> bool) -> f32 {
    (0..SIDE * SIDE)
        .filter(|&i| region(i % SIDE, i / SIDE))
        .map(|i| after[i] - before[i])
        .sum()
}

fn styled(label: u8, src: &[f32], u: [f32; 5]) -> Vec<f32> {
    let mut img = src.to_vec();
    StyleDraw::forced(label, u).apply(&mut img);
    assert!(
        img.iter().zip(src).all(|(a, b)| a >= b),
        "a style only adds ink"
    );
    assert!(img.iter().all(|v| (0.0..=1.0).contains(v)));
    img
}

/// The settings' corners and middle for a forced style's five numbers.
const U_CORNERS: [[f32; 5]; 4] = [[0.0; 5], [0.5; 5], [0.99; 5], [0.3, 0.9, 0.1, 0.7, 0.2]];

#[test]
fn a_seven_given_a_bar_gains_ink_across_its_middle_rows() {
    let src = plain_seven();
    for u in U_CORNERS {
        let out = styled(7, &src, u);
        // The stem crosses rows 11-17 at x ≈ 16.5-14; the bar reaches a few px either side.
        let middle = |y: usize| (11..=17).contains(&y);
        let left = added(&src, &out, |x, y| middle(y) && x + 3 <= 14);
        let right = added(&src, &out, |x, y| middle(y) && x >= 17 + 2);
        assert!(
            left > 1.0 && right > 1.0,
            "{u:?}: left {left}, right {right}"
        );
        // Nothing near the top bar or the foot.
        assert_eq!(
            added(&src, &out, |_, y| !(9..=19).contains(&y)),
            0.0,
            "{u:?}"
        );
    }
}

#[test]
fn a_one_given_a_flag_gains_ink_up_left_of_its_top() {
    let src = plain_one();
    for u in U_CORNERS {
        let out = styled(1, &src, u);
        // Left of the stem (x ≤ 11, the stem is at 13-15) in the top half.
        let flag = added(&src, &out, |x, y| x <= 11 && y <= 14);
        assert!(flag > 1.0, "{u:?}: flag ink {flag}");
        // Nothing right of the stem's top or in the middle rows beside the stem.
        assert_eq!(added(&src, &out, |x, y| x >= 18 && y <= 14), 0.0, "{u:?}");
        // The base, when drawn (u[2] < 0.5), lies across the foot, on both sides.
        let foot = |y: usize| y >= 20;
        let (l, r) = (
            added(&src, &out, |x, y| foot(y) && x <= 10),
            added(&src, &out, |x, y| foot(y) && x >= 16),
        );
        // (A long flag may reach the foot's left side too; only the base reaches right.)
        if u[2] < 0.5 {
            assert!(l > 0.5 && r > 0.5, "{u:?}: base {l} {r}");
        } else {
            assert_eq!(r, 0.0, "{u:?}: no base");
        }
    }
}

#[test]
fn a_zero_given_a_slash_or_dot_gains_ink_inside_its_hole() {
    let src = plain_zero();
    let hole = |x: usize, y: usize| {
        let (u, v) = (x as f32 + 0.5 - 14.0, y as f32 + 0.5 - 14.0);
        (u * u + v * v).sqrt() < 4.5
    };
    assert_eq!(added(&src, &src, hole), 0.0);
    for u in U_CORNERS {
        let out = styled(0, &src, u);
        let inside = added(&src, &out, hole);
        assert!(inside > 3.0, "{u:?}: ink in the hole {inside}");
        if u[0] >= 0.25 {
            // A slash runs from top right to bottom left: none in the other two quadrants.
            let off = added(&src, &out, |x, y| {
                hole(x, y) && (x < 12 && y < 12 || x > 16 && y > 16)
            });
            assert_eq!(off, 0.0, "{u:?}: slash off its diagonal");
        }
    }
}

#[test]
fn an_open_four_closed_gains_ink_between_its_stem_top_and_its_crossbar() {
    // MNIST's usual 4: a left stroke down to the crossbar, the stem on the right.
    let src = drawn(&[
        [9.0, 5.0, 7.0, 16.0],
        [7.0, 16.0, 21.0, 16.0],
        [17.0, 5.0, 17.0, 24.0],
    ]);
    for u in U_CORNERS {
        let out = styled(4, &src, u);
        // The diagonal from (17, 6) to (~8, 16) passes (12.5, 11), between the strokes.
        let mid = added(&src, &out, |x, y| {
            (11..=14).contains(&x) && (9..=13).contains(&y)
        });
        assert!(mid > 2.0, "{u:?}: ink between {mid}");
        // Nothing right of the stem or under the crossbar.
        assert_eq!(added(&src, &out, |x, y| x >= 20 || y >= 19), 0.0, "{u:?}");
    }
}

#[test]
fn a_five_given_a_lifted_bar_moves_its_top_up_and_keeps_its_bowl() {
    let src = drawn(&[
        [9.0, 5.0, 19.0, 5.0],
        [9.0, 5.0, 9.0, 12.0],
        [9.0, 12.0, 16.0, 12.0],
        [16.0, 12.0, 18.0, 16.0],
        [18.0, 16.0, 16.0, 21.0],
        [16.0, 21.0, 8.0, 21.0],
    ]);
    let top = |img: &[f32]| (0..SIDE * SIDE).find(|&i| img[i] >= 0.3).map(|i| i / SIDE);
    for u in U_CORNERS {
        let mut out = src.clone();
        StyleDraw::forced(5, u).apply(&mut out);
        assert!(out.iter().all(|v| (0.0..=1.0).contains(v)));
        // The bar went up by 1-2 rows; the bowl (rows 10 on) is untouched.
        let (was, now) = (top(&src).unwrap(), top(&out).unwrap());
        assert!(
            (1..=2).contains(&(was - now)),
            "{u:?}: top row {was} -> {now}"
        );
        assert_eq!(out[10 * SIDE..], src[10 * SIDE..], "{u:?}");
        // About as much ink as before: moved, not drawn.
        let ratio = ink(&out) / ink(&src);
        assert!((0.9..=1.0 + 1e-6).contains(&ratio), "{u:?}: ink x{ratio}");
    }
}

#[test]
fn other_classes_get_no_style_and_draw_no_numbers() {
    let src = ring_and_bar();
    for label in [2u8, 3, 6, 8, 9] {
        let mut r = Pcg64Mcg::seed_from_u64(1);
        let d = StyleDraw::random(&mut r, label);
        assert!(!d.is_on(), "{label}");
        assert_eq!(r, Pcg64Mcg::seed_from_u64(1), "{label} drew numbers");
        let mut img = src.clone();
        StyleDraw::forced(label, [0.5; 5]).apply(&mut img);
        assert_eq!(img, src, "{label}");
        // Through the augmenter, styles alone: untouched.
        let mut a = Augmenter::new(Augmentations {
            styles: true,
            ..Augmentations::NONE
        });
        let mut img = src.clone();
        a.distort_labelled(&mut r, &mut img, label);
        assert_eq!(img, src, "{label}");
    }
    // And a blank image stays blank whatever its class.
    for label in [0u8, 1, 4, 7] {
        let mut img = vec![0.0; SIDE * SIDE];
        StyleDraw::forced(label, [0.5; 5]).apply(&mut img);
        assert!(img.iter().all(|&v| v == 0.0), "{label}");
    }
}

#[test]
fn styles_come_at_their_rates_and_follow_the_seed() {
    for (label, p) in [
        (0u8, P_ZERO),
        (1, P_ONE),
        (4, P_FOUR),
        (5, P_FIVE),
        (7, P_SEVEN),
    ] {
        let mut r = Pcg64Mcg::seed_from_u64(9);
        let on = (0..4_000)
            .filter(|_| StyleDraw::random(&mut r, label).is_on())
            .count() as f32
            / 4_000.0;
        assert!(
            (on - p).abs() < 0.03,
            "class {label}: {on} styled, want {p}"
        );
    }
    // The whole augmenter with its label: seeded, within [0, 1], the styles taking part.
    let digits = [(0u8, plain_zero()), (1, plain_one()), (7, plain_seven())];
    let run = |parts: Augmentations, seed: u64| {
        let mut a = Augmenter::new(parts);
        let mut r = Pcg64Mcg::seed_from_u64(seed);
        let mut out = Vec::new();
        for _ in 0..20 {
            for (label, src) in &digits {
                let mut img = src.clone();
                a.distort_labelled(&mut r, &mut img, *label);
                out.extend(img);
            }
        }
        out
    };
    let all = run(Augmentations::ALL, 5);
    assert_eq!(all, run(Augmentations::ALL, 5));
    assert_ne!(all, run(Augmentations::ALL, 6));
    assert!(
        all.iter()
            .all(|v| v.is_finite() && (0.0..=1.0 + 1e-6).contains(v))
    );
    let styles = Augmentations {
        styles: true,
        ..Augmentations::NONE
    };
    let plain: Vec<f32> = (0..20)
        .flat_map(|_| digits.iter().flat_map(|(_, s)| s.clone()))
        .collect();
    assert_ne!(run(styles, 5), plain, "styles alone change some images");
    // Styles are drawn last: with them off, the other parts see the same numbers up to there.
    let no_styles = Augmentations {
        styles: false,
        ..Augmentations::ALL
    };
    let mut a = Augmenter::new(no_styles);
    let (mut r1, mut r2) = (Pcg64Mcg::seed_from_u64(3), Pcg64Mcg::seed_from_u64(3));
    let (mut x1, mut x2) = (plain_one(), plain_one());
    a.distort_labelled(&mut r1, &mut x1, 1);
    a.distort(&mut r2, &mut x2);
    assert_eq!(x1, x2, "no styles: the label changes nothing");
}
