//! Measures "teach it" (src/teach.rs) natively: the pretrained model is taught, one by one, drawn
//! digits it misreads, the way the page does it after each "It's a …" click, then checked.
//!
//! `node bench/teach-set.mjs` first (drawn MNIST test digits and 5 new drawings of each by the
//! same hand, in /tmp/teach-set), then
//! `cargo run --release --example teach -- [weights=public/pretrained/mnist-pretrained.weights]
//! [dir=/tmp/teach-set] [count=20]`. Reports: each taught drawing read as its label afterwards;
//! the share of the new drawings of the taught digits read right (before and after); MNIST test
//! accuracy before and after; steps and time per fine-tune.

#[cfg(target_arch = "wasm32")]
fn main() {}

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

    use mnist_wasm::data::{DataSet, Split, load_mnist};
    use mnist_wasm::model::PIXELS;
    use mnist_wasm::{Trainer, TrainerConfig};

    const VARIANTS: usize = 5;

    fn read_set(dir: &str, name: &str) -> Result<DataSet, String> {
        let read = |f: String| std::fs::read(&f).map_err(|e| format!("{f}: {e}"));
        let images = read(format!("{dir}/{name}-images.idx"))?;
        let labels = read(format!("{dir}/{name}-labels.idx"))?;
        DataSet::from_idx(name, &images, &labels).map_err(|e| e.to_string())
    }

    fn pixels(set: &DataSet, i: usize) -> Vec<f32> {
        set.image(i).iter().map(|&p| f32::from(p) / 255.0).collect()
    }

    fn read_as(t: &mut Trainer, set: &DataSet, i: usize) -> Result<u8, String> {
        let probs = t.predict(&pixels(set, i)).map_err(|e| e.to_string())?;
        let best = (0..10)
            .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
            .unwrap_or(0);
        Ok(best as u8)
    }

    fn test_accuracy(t: &mut Trainer) -> Result<f64, String> {
        let r = t
            .evaluate(Split::Test, 0, None)
            .map_err(|e| e.to_string())?;
        let correct = (0..r.count)
            .filter(|&i| r.predictions[i] == t.test.label(i))
            .count();
        Ok(correct as f64 / r.count as f64)
    }

    pub fn run() -> Result<(), String> {
        let args: Vec<String> = std::env::args().skip(1).collect();
        let weights = args
            .first()
            .map_or("public/pretrained/mnist-pretrained.weights", String::as_str);
        let dir = args.get(1).map_or("/tmp/teach-set", String::as_str);
        let count: usize = args
            .get(2)
            .map_or(Ok(20), |c| c.parse())
            .map_err(|e| format!("{e}"))?;

        let mut t = Trainer::new(TrainerConfig::default()).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(weights).map_err(|e| format!("{weights}: {e}"))?;
        t.import_weights(&bytes).map_err(|e| e.to_string())?;
        t.train = load_mnist(Split::Train).map_err(|e| e.to_string())?;
        t.test = load_mnist(Split::Test).map_err(|e| e.to_string())?;
        let drawn = read_set(dir, "drawn")?;
        let variants = read_set(dir, "variants")?;
        {
            // Overrides for tuning: TEACH_LR, _BATCH, _NEWEST, _OTHERS, _MIN, _MAX, _EPS, _CONF,
            // _FROM (first layer trained), _AFFINE (affine distortions only).
            let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
            let c = t.teach_config_mut();
            if let Some(v) = env("TEACH_LR") {
                c.learning_rate = v as f32;
            }
            if let Some(v) = env("TEACH_BATCH") {
                c.batch = v as usize;
            }
            if let Some(v) = env("TEACH_NEWEST") {
                c.newest = v as usize;
            }
            if let Some(v) = env("TEACH_OTHERS") {
                c.others = v as usize;
            }
            if let Some(v) = env("TEACH_MAX") {
                c.max_steps = v as usize;
            }
            if let Some(v) = env("TEACH_MIN") {
                c.steps = v as usize;
            }
            if let Some(v) = env("TEACH_EPS") {
                c.epsilon = v as f32;
            }
            if let Some(v) = env("TEACH_CONF") {
                c.confident = v as f32;
            }
            if let Some(v) = env("TEACH_FROM") {
                c.first_layer = v as usize;
            }
            if env("TEACH_AFFINE").is_some() {
                c.distortions = mnist_wasm::data::augment::Augmentations::AFFINE;
            }
        }
        let cfg = *t.teach_config_mut();
        println!("fine-tune: {cfg:?}");

        let before = test_accuracy(&mut t)?;
        let mut misread = Vec::new();
        let mut drawn_right = 0;
        // TEACH_RIGHT=1 (a control): teach drawings it already reads right instead.
        let control = std::env::var("TEACH_RIGHT").is_ok();
        for i in 0..drawn.len() {
            let right = read_as(&mut t, &drawn, i)? == drawn.label(i);
            drawn_right += usize::from(right);
            if right == control && misread.len() < count {
                misread.push(i);
            }
        }
        println!(
            "before: MNIST test {:.2}%, drawn digits read right {drawn_right}/{} ({:.1}%), {} misread taken",
            100.0 * before,
            drawn.len(),
            100.0 * drawn_right as f64 / drawn.len() as f64,
            misread.len()
        );
        let variants_right = |t: &mut Trainer| -> Result<usize, String> {
            let mut n = 0;
            for &i in &misread {
                for v in 0..VARIANTS {
                    n += usize::from(
                        read_as(t, &variants, i * VARIANTS + v)?
                            == variants.label(i * VARIANTS + v),
                    );
                }
            }
            Ok(n)
        };
        let v_before = variants_right(&mut t)?;

        let (mut images, mut labels) = (Vec::new(), Vec::new());
        let mut worst_ms = 0.0f64;
        let mut total_ms = 0.0;
        for (k, &i) in misread.iter().enumerate() {
            images.extend_from_slice(drawn.image(i));
            labels.push(drawn.label(i));
            let start = Instant::now();
            t.set_drawings(&images, &labels)
                .map_err(|e| e.to_string())?;
            let mut steps = 0;
            let mut report;
            loop {
                report = t
                    .fine_tune(Some(k), cfg.steps_per_call)
                    .map_err(|e| e.to_string())?;
                steps += report.steps;
                if cfg.done(steps, &report) {
                    break;
                }
            }
            let ms = start.elapsed().as_secs_f64() * 1e3;
            worst_ms = worst_ms.max(ms);
            total_ms += ms;
            println!(
                "taught #{i} as {}: {steps} steps, {ms:.0} ms, now read as {} (p = {:.3})",
                drawn.label(i),
                report.predicted,
                report.probability
            );
        }
        let mut taught_right = 0;
        for &i in &misread {
            taught_right += usize::from(read_as(&mut t, &drawn, i)? == drawn.label(i));
        }
        let v_after = variants_right(&mut t)?;
        let after = test_accuracy(&mut t)?;
        let mut drawn_after = 0;
        for i in 0..drawn.len() {
            drawn_after += usize::from(read_as(&mut t, &drawn, i)? == drawn.label(i));
        }
        let n = misread.len();
        println!(
            "after: taught drawings read as their label {taught_right}/{n}; new drawings of them \
             read right {v_after}/{} ({:.1}%, before {v_before}, {:.1}%); MNIST test {:.2}% \
             ({:+.2} pp); all drawn digits {drawn_after}/{}; fine-tune {:.0} ms mean, {worst_ms:.0} ms worst \
             (native)",
            n * VARIANTS,
            100.0 * v_after as f64 / (n * VARIANTS) as f64,
            100.0 * v_before as f64 / (n * VARIANTS) as f64,
            100.0 * after,
            100.0 * (after - before),
            drawn.len(),
            total_ms / n.max(1) as f64,
        );
        let _ = PIXELS;
        Ok(())
    }
}
