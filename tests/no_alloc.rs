//! A warmed-up training step allocates nothing: every buffer is reused.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use mnist_wasm::model::{Model, PARAM_COUNT, PIXELS};
use mnist_wasm::optim::{Adam, AdamConfig};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

struct Counting;
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
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
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    for _ in 0..3 {
        model.train_step(&x, &y, &mut adam).expect("valid");
        model
            .train_step(&x[..7 * PIXELS], &y[..7], &mut adam)
            .expect("valid");
    }
    assert_eq!(ALLOCATIONS.load(Ordering::Relaxed) - before, 0);
}
