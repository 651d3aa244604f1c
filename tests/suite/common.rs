//! Test data shared by the integration tests (`use crate::common;`).

use mnist_wasm::data::DataSet;

/// `n` noisy 28x28 images, class k a bright bar on row 2k + 4, as IDX files; `noise_seed`
/// seeds the noise.
pub fn toy_set(n: usize, noise_seed: u32) -> DataSet {
    let mut images = vec![0, 0, 8, 3];
    for v in [n as u32, 28, 28] {
        images.extend_from_slice(&v.to_be_bytes());
    }
    let mut labels = vec![0, 0, 8, 1];
    labels.extend_from_slice(&(n as u32).to_be_bytes());
    let mut state = noise_seed;
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
