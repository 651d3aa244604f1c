//! Trains briefly on real MNIST (seeded), then writes the model as safetensors plus the
//! probabilities this crate predicts for the first test images, for
//! `scripts/check_safetensors.py` to reproduce in NumPy.
//!
//! `cargo run --release --example export_safetensors -- <out dir>`

#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn run() -> Result<(), String> {
    use mnist_wasm::data::{Split, load_mnist};
    use mnist_wasm::model::PIXELS;
    use mnist_wasm::{Trainer, TrainerConfig};

    const IMAGES: usize = 10;
    let out = std::path::PathBuf::from(std::env::args().nth(1).ok_or("usage: <out dir>")?);
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut t = Trainer::new(TrainerConfig {
        seed: 5,
        ..Default::default()
    })
    .map_err(|e| e.to_string())?;
    *t.data_mut(Split::Train) = load_mnist(Split::Train).map_err(|e| e.to_string())?;
    *t.data_mut(Split::Test) = load_mnist(Split::Test).map_err(|e| e.to_string())?;
    t.train_steps(100).map_err(|e| e.to_string())?;

    let pixels: Vec<f32> = (0..IMAGES)
        .flat_map(|i| {
            t.data(Split::Test)
                .image(i)
                .iter()
                .map(|&p| f32::from(p) / 255.0)
        })
        .collect();
    debug_assert_eq!(pixels.len(), IMAGES * PIXELS);
    let probs = t.predict(&pixels).map_err(|e| e.to_string())?;
    let rows: Vec<String> = probs
        .chunks(10)
        .map(|r| {
            format!(
                "[{}]",
                r.iter()
                    .map(|p| format!("{p:e}"))
                    .collect::<Vec<_>>()
                    .join(",")
            )
        })
        .collect();
    let st = mnist_wasm::safetensors::encode(t.model().arch(), &t.model().params)
        .map_err(|e| e.to_string())?;
    let write = |name: &str, bytes: &[u8]| {
        std::fs::write(out.join(name), bytes).map_err(|e| format!("{name}: {e}"))
    };
    write("model.safetensors", &st)?;
    write(
        "expected.json",
        format!("{{\"probabilities\": [{}]}}\n", rows.join(",\n")).as_bytes(),
    )?;
    println!(
        "wrote {}/model.safetensors and expected.json ({IMAGES} test images)",
        out.display()
    );
    Ok(())
}
