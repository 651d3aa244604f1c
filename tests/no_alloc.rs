//! A warmed-up training step allocates nothing: every buffer is reused, through the model and
//! through the trainer with every augmentation on (batch assembly, distortions, epoch ends).
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use mnist_wasm::data::augment::Augmentations;
use mnist_wasm::data::{DataSet, Split};
use mnist_wasm::model::{Model, PIXELS};
use mnist_wasm::optim::{Adam, AdamConfig};
use mnist_wasm::{Trainer, TrainerConfig};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

const PARAM_COUNT: usize = mnist_wasm::Architecture::MNIST.param_count();

struct Counting;

thread_local! {
    /// Allocations made by this thread: the tests run in parallel threads (and the harness
    /// prints from another), so each counts only its own.
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: a thread being torn down has no counter left, and is no test.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as for `dealloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn warmed_up_training_step_does_not_allocate() {
    let mut r = Pcg64Mcg::seed_from_u64(1);
    let mut model = Model::new(&mut r);
    let mut adam = Adam::new(PARAM_COUNT, AdamConfig::default());
    // 100 images: two micro-batches, both code paths.
    let x: Vec<f32> = (0..100 * PIXELS)
        .map(|_| r.random_range(0.0..1.0))
        .collect();
    let y: Vec<u8> = (0..100).map(|i| (i % 10) as u8).collect();
    for _ in 0..2 {
        model.train_step(&x, &y, &mut adam).expect("valid");
        model
            .train_step(&x[..64 * PIXELS], &y[..64], &mut adam)
            .expect("valid");
    }
    let before = allocations();
    std::hint::black_box(vec![0u8; 16]);
    assert_eq!(
        allocations() - before,
        1,
        "the counter counts this thread's allocations"
    );
    let before = allocations();
    for _ in 0..3 {
        model.train_step(&x, &y, &mut adam).expect("valid");
        model
            .train_step(&x[..7 * PIXELS], &y[..7], &mut adam)
            .expect("valid");
    }
    assert_eq!(allocations() - before, 0);
}

/// `n` random 28x28 IDX images and labels.
fn random_set(n: usize) -> DataSet {
    let mut r = Pcg64Mcg::seed_from_u64(2);
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    images.extend((0..n * PIXELS).map(|_| r.random_range(0..=255u8)));
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    labels.extend((0..n).map(|i| (i % 10) as u8));
    DataSet::from_idx("random", &images, &labels).expect("valid IDX")
}

#[test]
fn warmed_up_augmented_trainer_step_does_not_allocate() {
    let config = TrainerConfig {
        batch_size: 48,
        augment: true,
        ..TrainerConfig::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    assert_eq!(t.augmentations(), Augmentations::SETTING);
    // Every part, thickness included, even if the setting leaves some out.
    t.set_augmentations(Augmentations::ALL);
    *t.data_mut(Split::Train) = random_set(100);
    // One epoch (3 batches, the last short) warms up the order and every buffer.
    t.train_steps(3).expect("trains");
    let before = allocations();
    // Across two more epoch ends.
    t.train_steps(3).expect("trains");
    t.train_steps(3).expect("trains");
    assert_eq!(allocations() - before, 0);
}

#[test]
fn warmed_up_data_parallel_step_does_not_allocate() {
    let config = TrainerConfig {
        batch_size: 48,
        augment: true,
        ..TrainerConfig::default()
    };
    let mut t = Trainer::new(config).expect("valid config");
    *t.data_mut(Split::Train) = random_set(100);
    let mut helper = Trainer::new(TrainerConfig::default()).expect("valid config");
    let mut pixels = vec![0u8; 48 * PIXELS];
    let (mut labels, mut seeds) = (vec![0u8; 48], vec![0u32; 48]);
    let mut grad = vec![0.0f32; PARAM_COUNT];
    let mut step = |t: &mut Trainer, helper: &mut Trainer| {
        let parts = t.begin_step(2).expect("data");
        let batch = t.step_images();
        if parts == 2 {
            let n = t
                .share_input(1, &mut pixels, &mut labels, &mut seeds)
                .expect("share");
            let stats = helper
                .share_gradient(
                    &pixels[..n * PIXELS],
                    &labels[..n],
                    &seeds[..n],
                    batch,
                    true,
                    &mut grad,
                )
                .expect("gradient");
            t.train_own(usize::MAX).expect("own");
            t.add_share(&grad, stats).expect("fits");
        } else {
            t.train_own(usize::MAX).expect("own");
        }
        let r = t.finish_step().expect("finite");
        helper
            .apply_gradient(t.step_gradient(), r.learning_rate)
            .expect("finite");
    };
    for _ in 0..3 {
        step(&mut t, &mut helper);
    }
    let before = allocations();
    for _ in 0..6 {
        step(&mut t, &mut helper);
    }
    assert_eq!(allocations() - before, 0);
}
