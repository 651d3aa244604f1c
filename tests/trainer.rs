//! The training session: a batch spread over many short `train_part` calls gives exactly the
//! parameters of whole-batch steps, and nothing changes until a batch is complete.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mnist_wasm::data::DataSet;
use mnist_wasm::{Trainer, TrainerConfig};

/// `n` noisy 28x28 images, class k a bright bar on row 2k + 4, as IDX files.
fn toy_set(n: usize) -> DataSet {
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    let mut state = 1u32;
    for i in 0..n {
        let class = (i * 7 + 3) % 10;
        labels.push(class as u8);
        for y in 0..28 {
            for _ in 0..28 {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let noise = (state >> 26) as u8;
                images.push(if y == 2 * class + 4 {
                    250 - noise
                } else {
                    noise
                });
            }
        }
    }
    DataSet::from_idx("train", &images, &labels).expect("valid IDX")
}

fn trainer(batch_size: usize) -> Trainer {
    let config = TrainerConfig {
        seed: 4,
        batch_size,
        ..Default::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    t.train = toy_set(150);
    t
}

#[test]
fn partial_steps_equal_whole_steps() {
    let mut whole = trainer(100);
    let a = whole.train_steps(1).expect("trains");
    let b = whole.train_steps(1).expect("trains"); // the short last batch of 50: epoch ends
    assert!(b.epoch_done && b.total_steps == 2);

    let mut parts = trainer(100);
    let before = parts.export_weights().expect("exports");
    let mut reports = Vec::new();
    while reports.len() < 2 {
        let r = parts.train_part(16).expect("trains");
        if r.steps == 0 {
            assert!(r.loss.is_nan() && r.images == 16);
            // Nothing is applied before the batch is complete.
            if reports.is_empty() {
                assert_eq!(parts.export_weights().expect("exports"), before);
            }
        } else {
            reports.push(r);
        }
    }
    assert_eq!((reports[0].loss, reports[0].accuracy), (a.loss, a.accuracy));
    assert_eq!((reports[1].loss, reports[1].epoch_done), (b.loss, true));
    assert_eq!(
        parts.export_weights().expect("exports"),
        whole.export_weights().expect("exports")
    );
}

#[test]
fn reset_drops_a_batch_under_way() {
    let mut t = trainer(64);
    assert_eq!(t.train_part(16).expect("trains").steps, 0);
    t.reset(None);
    let fresh = trainer(64).train_steps(1).expect("trains");
    assert_eq!(t.train_steps(1).expect("trains"), fresh);
}

#[test]
fn new_data_or_subset_drops_a_batch_under_way() {
    let mut t = trainer(64);
    assert_eq!(t.train_part(16).expect("trains").steps, 0);
    // Another training set arrives: the old epoch (and the batch under way) is dropped.
    t.clear_data(mnist_wasm::data::Split::Train);
    t.train = toy_set(40);
    let r = t.train_steps(1).expect("trains");
    assert_eq!((r.images, r.steps, r.epoch_done, r.epoch), (40, 1, true, 1));
    // A new subset size restarts the pass too.
    assert_eq!(t.train_part(16).expect("trains").steps, 0);
    t.set_config(TrainerConfig {
        train_size: 20,
        ..t.config()
    })
    .expect("valid");
    let r = t.train_steps(1).expect("trains");
    assert_eq!((r.images, r.epoch_done, r.epoch), (20, true, 2));
}
