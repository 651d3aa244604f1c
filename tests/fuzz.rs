//! Property tests: arbitrary bytes never panic the IDX parser or the weights loader, and a
//! rejected input leaves what was loaded before untouched. Each case also goes through random
//! chunkings. Case counts are small per test so CI stays quick; PROPTEST_CASES overrides them all
//! (`npm run fuzz` runs a million each, see scripts/fuzz.sh).
#![cfg(not(target_arch = "wasm32"))]

use std::cell::RefCell;

use mnist_wasm::data::{DataSet, IdxKind, IdxStream};
use mnist_wasm::weights;
use mnist_wasm::{Trainer, TrainerConfig};
use proptest::prelude::*;

/// `default` cases, or PROPTEST_CASES when set. (proptest reads that variable only for its
/// default config, and `with_cases` would override it.)
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A valid IDX header for `n` 28x28 images, then `body` as the pixels.
fn images_file(n: u32, body: &[u8]) -> Vec<u8> {
    let mut f = vec![0, 0, 8, 3];
    for v in [n, 28, 28] {
        f.extend_from_slice(&v.to_be_bytes());
    }
    f.extend_from_slice(body);
    f
}

/// Feeds `bytes` to a stream in chunks whose sizes cycle through `cuts`.
fn push_chunked(stream: &mut IdxStream, bytes: &[u8], cuts: &[usize]) -> Result<(), String> {
    let (mut at, mut i) = (0, 0);
    while at < bytes.len() {
        let len = cuts[i % cuts.len()].clamp(1, bytes.len() - at);
        stream
            .push(&bytes[at..at + len])
            .map_err(|e| e.to_string())?;
        at += len;
        i += 1;
    }
    stream.finish().map_err(|e| e.to_string())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(3000)))]

    #[test]
    fn idx_parser_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..4096),
                               cuts in proptest::collection::vec(1usize..64, 1..8),
                               labels in any::<bool>()) {
        let kind = if labels { IdxKind::LABELS } else { IdxKind::IMAGES };
        let mut whole = IdxStream::new("fuzz", kind);
        let a = whole.push(&bytes).and_then(|()| whole.finish()).map_err(|e| e.to_string());
        let mut chunked = IdxStream::new("fuzz", kind);
        let b = push_chunked(&mut chunked, &bytes, &cuts);
        // Chunking changes nothing: same verdict, same records.
        prop_assert_eq!(a.is_ok(), b.is_ok());
        prop_assert_eq!(whole.records(), chunked.records());
    }

    #[test]
    fn idx_with_valid_header_and_random_body(n in 0u32..4, body in proptest::collection::vec(any::<u8>(), 0..4000),
                                              cuts in proptest::collection::vec(1usize..300, 1..6)) {
        let file = images_file(n, &body);
        let mut s = IdxStream::new("fuzz", IdxKind::IMAGES);
        let ok = push_chunked(&mut s, &file, &cuts).is_ok();
        prop_assert_eq!(ok, body.len() == n as usize * 784);
        prop_assert_eq!(s.len(), (body.len() / 784).min(n as usize));
    }

    #[test]
    fn dataset_keeps_usable_examples_after_a_bad_chunk(junk in proptest::collection::vec(any::<u8>(), 1..64)) {
        let pixels = vec![7u8; 2 * 784];
        let mut labels = vec![0, 0, 8, 1, 0, 0, 0, 2];
        labels.extend_from_slice(&[3, 4]);
        let mut set = DataSet::from_idx("train", &images_file(2, &pixels), &labels).expect("valid");
        // Anything more is extra bytes after complete files: refused, nothing lost.
        prop_assert!(set.push_images(&junk).is_err());
        prop_assert!(set.push_labels(&junk).is_err());
        prop_assert_eq!(set.len(), 2);
        prop_assert_eq!((set.label(0), set.label(1)), (3, 4));
    }
}

/// Whether `t` holds exactly what `file` (a valid weights file) holds. Read in place: exporting
/// would checksum a megabyte per case, which a million cases cannot afford.
fn holds(t: &Trainer, file: &weights::Checkpoint) -> bool {
    let kept = file
        .state
        .as_ref()
        .expect("exported with the optimizer's state");
    let o = t.optimizer();
    t.model().params == file.params
        && (o.kind(), o.t, &o.state) == (file.optimizer, kept.t, &kept.state)
        && (t.epoch(), t.total_steps()) == (file.epochs, file.steps)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases(300)))]

    #[test]
    fn weights_loader_never_panics_and_refusal_changes_nothing(
        prefix_len in 0usize..64,
        junk in proptest::collection::vec(any::<u8>(), 0..256),
        flip in any::<usize>(),
        truncate in any::<usize>(),
        with_adam in any::<bool>(),
    ) {
        // Shared across cases: building a trainer is the expensive part. The target trainer is
        // shared too, so a refusal that changed anything would also show in later cases.
        thread_local! {
            static GOOD: RefCell<[Vec<u8>; 2]> = RefCell::new({
                let t = Trainer::new(TrainerConfig::default()).expect("valid");
                [t.export_params().expect("exports"), t.export_weights().expect("exports")]
            });
            static TARGET: RefCell<(Trainer, weights::Checkpoint)> = RefCell::new({
                let t = Trainer::new(TrainerConfig { seed: 9, ..Default::default() }).expect("valid");
                let before = weights::decode(&t.export_weights().expect("exports")).expect("decodes");
                (t, before)
            });
        }
        GOOD.with(|good| {
            // Random bytes, a valid prefix followed by junk, a flipped bit, a truncation; of the
            // file with Adam's state or without. The bit is flipped in place and back: copying
            // the file would cost as much as checking it.
            let good = &mut good.borrow_mut()[usize::from(with_adam)];
            let mut prefixed = good[..prefix_len.min(good.len())].to_vec();
            prefixed.extend_from_slice(&junk);
            let (at, bit) = (flip % good.len(), 1u8 << (flip % 8));
            TARGET.with(|target| {
                let (t, before) = &mut *target.borrow_mut();
                let truncated = &good[..truncate % good.len()];
                for bad in [&junk[..], &prefixed, truncated] {
                    prop_assert!(weights::decode(bad).is_err());
                    prop_assert!(t.import_weights(bad).is_err());
                    prop_assert!(holds(t, before), "a refused file changed the trainer");
                }
                // import_weights decodes first, so one checksum pass checks the flipped file.
                good[at] ^= bit;
                let refused = t.import_weights(good).is_err();
                good[at] ^= bit;
                prop_assert!(refused, "a file with bit {} of byte {at} flipped was accepted", flip % 8);
                prop_assert!(holds(t, before), "a refused file changed the trainer");
                Ok(())
            })
        })?;
    }
}
