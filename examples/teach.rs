//! Measures "teach it" (src/teach.rs) natively: the pretrained model is taught, one by one, drawn
//! digits it misreads, the way the page does it after each "It's a …" click, then checked.
//!
//! `node bench/teach-set.mjs [dir] [count]` first (drawn MNIST test digits and 5 new drawings of
//! each by the same hand), then
//! `cargo run --release --example teach -- [weights=public/pretrained/mnist-pretrained.weights]
//! [dir=/tmp/teach-set] [count=20] [groups=1]`. Each group of `count` misread drawings is taught
//! from the pretrained model afresh, as a new visitor would. Reports per group and over all:
//! each taught drawing read as its label afterwards; the share of the new drawings of the taught
//! digits read right (before and after); MNIST test accuracy before and after, with how many
//! test digits flipped each way and whether the drawings' own MNIST originals were misread
//! before; steps and time per fine-tune. `TEACH_LEARN=1` follows each group's corrections with
//! "Learn them for good" (`learn_drawings_config`, one epoch) and reports both;
//! `TEACH_RETRAIN=E` instead trains E epochs with the drawings in every batch, from fresh weights
//! (or the pretrained ones with `TEACH_WARM=1`). `TEACH_VERBOSE=1` lists every correction and
//! the most common MNIST misreadings; other `TEACH_*` variables override settings (below).

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
    use mnist_wasm::teach::learn_drawings_config;
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

    /// Which MNIST test digits the model reads right (and, with TEACH_VERBOSE, the most common
    /// misreadings).
    fn test_right(t: &mut Trainer) -> Result<Vec<bool>, String> {
        let r = t
            .evaluate(Split::Test, 0, None)
            .map_err(|e| e.to_string())?;
        if std::env::var("TEACH_VERBOSE").is_ok() {
            let mut pairs = std::collections::BTreeMap::new();
            for i in 0..r.count {
                if r.predictions[i] != t.data(Split::Test).label(i) {
                    *pairs
                        .entry((t.data(Split::Test).label(i), r.predictions[i]))
                        .or_insert(0) += 1;
                }
            }
            let mut top: Vec<_> = pairs.into_iter().collect();
            top.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
            let top: Vec<String> = top
                .iter()
                .take(5)
                .map(|((a, b), n)| format!("{a}->{b} x{n}"))
                .collect();
            println!("MNIST test misreadings, most common: {}", top.join(", "));
        }
        Ok((0..r.count)
            .map(|i| r.predictions[i] == t.data(Split::Test).label(i))
            .collect())
    }

    fn accuracy(right: &[bool]) -> f64 {
        right.iter().filter(|&&r| r).count() as f64 / right.len().max(1) as f64
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
        let groups: usize = args
            .get(3)
            .map_or(Ok(1), |c| c.parse())
            .map_err(|e| format!("{e}"))?;
        let verbose = std::env::var("TEACH_VERBOSE").is_ok();
        // TEACH_LEARN=1: after each group's fine-tunes, "Learn them for good" (one epoch).
        let learn = std::env::var("TEACH_LEARN").is_ok();

        let mut t = Trainer::new(TrainerConfig::default()).map_err(|e| e.to_string())?;
        let bytes = std::fs::read(weights).map_err(|e| format!("{weights}: {e}"))?;
        t.import_weights(&bytes).map_err(|e| e.to_string())?;
        *t.data_mut(Split::Train) = load_mnist(Split::Train).map_err(|e| e.to_string())?;
        *t.data_mut(Split::Test) = load_mnist(Split::Test).map_err(|e| e.to_string())?;
        let drawn = read_set(dir, "drawn")?;
        let variants = read_set(dir, "variants")?;
        {
            // Overrides for tuning: TEACH_LR, _BATCH, _NEWEST, _OTHERS, _MIN, _MAX, _EPS, _CONF,
            // _FROM (first layer trained), _AFFINE (affine distortions only).
            let env = |k: &str| std::env::var(k).ok().and_then(|v| v.parse::<f64>().ok());
            let c = t.teach_config_mut();
            macro_rules! overrides {
                ($($var:literal => $field:ident as $ty:ty),* $(,)?) => {
                    $(if let Some(v) = env($var) {
                        c.$field = v as $ty;
                    })*
                };
            }
            overrides!(
                "TEACH_LR" => learning_rate as f32,
                "TEACH_BATCH" => batch as usize,
                "TEACH_NEWEST" => newest as usize,
                "TEACH_OTHERS" => others as usize,
                "TEACH_MAX" => max_steps as usize,
                "TEACH_MIN" => steps as usize,
                "TEACH_EPS" => epsilon as f32,
                "TEACH_CONF" => confident as f32,
                "TEACH_FROM" => first_layer as usize,
            );
            if env("TEACH_AFFINE").is_some() {
                c.distortions = mnist_wasm::data::augment::Augmentations::AFFINE;
            }
        }
        let cfg = *t.teach_config_mut();
        println!("fine-tune: {cfg:?}");

        let right_before = test_right(&mut t)?;
        let before = accuracy(&right_before);
        // The MNIST test digit each drawing traces (bench/teach-set.mjs), when written.
        let sources: Vec<usize> = std::fs::read_to_string(format!("{dir}/drawn-sources.txt"))
            .map(|text| text.lines().filter_map(|l| l.trim().parse().ok()).collect())
            .unwrap_or_default();
        let mut misread = Vec::new();
        let mut drawn_right = 0;
        // TEACH_RIGHT=1 (a control): teach drawings it already reads right instead.
        let control = std::env::var("TEACH_RIGHT").is_ok();
        for i in 0..drawn.len() {
            let right = read_as(&mut t, &drawn, i)? == drawn.label(i);
            drawn_right += usize::from(right);
            if right == control && misread.len() < count * groups {
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
        let mut sum = Outcome::default();
        let runs = misread.chunks(count).count();
        // TEACH_RETRAIN=E (an upper bound): no corrections; a fresh model trains E epochs with
        // the group's drawings in every batch (`train_on_drawings`, share TEACH_SHARE or 0.05).
        let retrain = std::env::var("TEACH_RETRAIN")
            .ok()
            .and_then(|v| v.parse::<u32>().ok());
        for (g, group) in misread.chunks(count).enumerate() {
            let o = if let Some(epochs) = retrain {
                let share = std::env::var("TEACH_SHARE").unwrap_or_else(|_| "0.05".into());
                let mut args: Vec<String> = [
                    "--epochs",
                    &epochs.to_string(),
                    "--train-on-drawings",
                    "true",
                    "--drawings-share",
                    &share,
                ]
                .map(String::from)
                .into();
                // TEACH_ARGS: more settings, e.g. "--train-size 6400 --learning-rate 0.001".
                args.extend(
                    std::env::var("TEACH_ARGS")
                        .unwrap_or_default()
                        .split_whitespace()
                        .map(String::from),
                );
                let config = TrainerConfig::default()
                    .with_args(args)
                    .map_err(|e| e.to_string())?;
                let mut fresh = Trainer::new(config).map_err(|e| e.to_string())?;
                // TEACH_WARM=1: from the pretrained weights, not fresh ones.
                if std::env::var("TEACH_WARM").is_ok() {
                    fresh.import_weights(&bytes).map_err(|e| e.to_string())?;
                }
                std::mem::swap(fresh.data_mut(Split::Train), t.data_mut(Split::Train));
                std::mem::swap(fresh.data_mut(Split::Test), t.data_mut(Split::Test));
                t = fresh;
                retrain_group(&mut t, &drawn, &variants, group, epochs)?
            } else {
                // Each group starts from the same model, as a new visitor would.
                t.import_weights(&bytes).map_err(|e| e.to_string())?;
                let o = teach_group(&mut t, &drawn, &variants, group, verbose)?;
                if learn {
                    report(
                        &format!("group {g} (fine-tunes alone)"),
                        &o,
                        group.len(),
                        100.0 * (accuracy(&test_right(&mut t)?) - before),
                    );
                    learn_for_good(&mut t, &drawn, &variants, group, o)?
                } else {
                    o
                }
            };
            let right_after = test_right(&mut t)?;
            let after = accuracy(&right_after);
            let n = group.len();
            let lost: Vec<usize> = (0..right_after.len())
                .filter(|&i| right_before[i] && !right_after[i])
                .collect();
            let gained: Vec<usize> = (0..right_after.len())
                .filter(|&i| !right_before[i] && right_after[i])
                .collect();
            let originals: Vec<usize> = group
                .iter()
                .filter_map(|&i| sources.get(i).copied())
                .collect();
            println!(
                "group {g}: MNIST test digits now misread {}, now read right {} ({} of them the \
                 taught drawings' originals); originals the model misread before: {}/{}",
                lost.len(),
                gained.len(),
                gained.iter().filter(|i| originals.contains(i)).count(),
                originals.iter().filter(|&&i| !right_before[i]).count(),
                originals.len(),
            );
            report(&format!("group {g}"), &o, n, 100.0 * (after - before));
            sum.taught_right += o.taught_right;
            sum.variants_before += o.variants_before;
            sum.variants_after += o.variants_after;
            sum.total_ms += o.total_ms;
            sum.worst_ms = sum.worst_ms.max(o.worst_ms);
            sum.drop_pp += 100.0 * (after - before);
        }
        let n = misread.len();
        println!(
            "after ({runs} groups of up to {count}, each from the pretrained model): taught drawings \
             read as their label {}/{n}; new drawings of them read right {}/{} ({:.1}%, before \
             {:.1}%); MNIST test {:+.2} pp (mean per group); fine-tune {:.0} ms mean, {:.0} ms worst \
             (native)",
            sum.taught_right,
            sum.variants_after,
            n * VARIANTS,
            100.0 * sum.variants_after as f64 / (n * VARIANTS) as f64,
            100.0 * sum.variants_before as f64 / (n * VARIANTS) as f64,
            sum.drop_pp / runs.max(1) as f64,
            sum.total_ms / n.max(1) as f64,
            sum.worst_ms,
        );
        Ok(())
    }

    fn report(what: &str, o: &Outcome, n: usize, drop_pp: f64) {
        println!(
            "{what}: taught drawings read as their label {}/{n}; new drawings of them read right \
             {}/{} ({:.1}%, before {}); MNIST test {drop_pp:+.2} pp; fine-tune {:.0} ms mean, {:.0} \
             ms worst (native){}",
            o.taught_right,
            o.variants_after,
            n * VARIANTS,
            100.0 * o.variants_after as f64 / (n * VARIANTS) as f64,
            o.variants_before,
            o.total_ms / n.max(1) as f64,
            o.worst_ms,
            if o.learn_ms > 0.0 {
                format!(
                    "; Learn them for good {:.1} s (native, one thread)",
                    o.learn_ms / 1e3
                )
            } else {
                String::new()
            },
        );
    }

    /// After the fine-tunes: "Learn them for good", one annealed epoch with the drawings
    /// (`learn_drawings_config`), then the group checked again.
    fn learn_for_good(
        t: &mut Trainer,
        drawn: &DataSet,
        variants: &DataSet,
        group: &[usize],
        mut o: Outcome,
    ) -> Result<Outcome, String> {
        let config = t.config();
        let mut learn = learn_drawings_config(&config);
        // TEACH_LEARN_ARGS: settings over it, e.g. "--drawings-share 0.05".
        let args = std::env::var("TEACH_LEARN_ARGS").unwrap_or_default();
        learn = learn
            .with_args(args.split_whitespace().map(String::from))
            .map_err(|e| e.to_string())?;
        // TEACH_LEARN_RATE: another peak learning rate, for tuning.
        if let Some(lr) = std::env::var("TEACH_LEARN_RATE")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            learn.learning_rate = lr;
        }
        t.set_config(learn).map_err(|e| e.to_string())?;
        let start = Instant::now();
        t.start_run();
        while !t.train_steps(100).map_err(|e| e.to_string())?.epoch_done {}
        o.learn_ms = start.elapsed().as_secs_f64() * 1e3;
        t.set_config(config).map_err(|e| e.to_string())?;
        (o.taught_right, o.variants_after) = read_group(t, drawn, variants, group)?;
        Ok(o)
    }

    /// How many of `group`'s drawings, and of their new drawings, the model reads right.
    fn read_group(
        t: &mut Trainer,
        drawn: &DataSet,
        variants: &DataSet,
        group: &[usize],
    ) -> Result<(usize, usize), String> {
        let (mut taught, mut new) = (0, 0);
        for &i in group {
            taught += usize::from(read_as(t, drawn, i)? == drawn.label(i));
            for k in i * VARIANTS..(i + 1) * VARIANTS {
                new += usize::from(read_as(t, variants, k)? == variants.label(k));
            }
        }
        Ok((taught, new))
    }

    #[derive(Default)]
    struct Outcome {
        learn_ms: f64,
        taught_right: usize,
        variants_before: usize,
        variants_after: usize,
        total_ms: f64,
        worst_ms: f64,
        drop_pp: f64,
    }

    /// Trains `t` from its fresh weights for `epochs` with `group` among its drawings.
    fn retrain_group(
        t: &mut Trainer,
        drawn: &DataSet,
        variants: &DataSet,
        group: &[usize],
        epochs: u32,
    ) -> Result<Outcome, String> {
        let (mut images, mut labels) = (Vec::new(), Vec::new());
        for &i in group {
            images.extend_from_slice(drawn.image(i));
            labels.push(drawn.label(i));
        }
        t.set_drawings(&images, &labels)
            .map_err(|e| e.to_string())?;
        let start = Instant::now();
        t.start_run();
        for _ in 0..epochs {
            while !t.train_steps(100).map_err(|e| e.to_string())?.epoch_done {}
        }
        let (taught_right, variants_after) = read_group(t, drawn, variants, group)?;
        Ok(Outcome {
            total_ms: start.elapsed().as_secs_f64() * 1e3,
            taught_right,
            variants_after,
            ..Outcome::default()
        })
    }

    /// Teaches `group` (drawn digits the model misreads) one by one, as the page does.
    fn teach_group(
        t: &mut Trainer,
        drawn: &DataSet,
        variants: &DataSet,
        group: &[usize],
        verbose: bool,
    ) -> Result<Outcome, String> {
        let cfg = *t.teach_config_mut();
        let mut o = Outcome {
            variants_before: read_group(t, drawn, variants, group)?.1,
            ..Outcome::default()
        };
        let (mut images, mut labels) = (Vec::new(), Vec::new());
        for (k, &i) in group.iter().enumerate() {
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
            o.worst_ms = o.worst_ms.max(ms);
            o.total_ms += ms;
            if verbose {
                println!(
                    "taught #{i} as {}: {steps} steps, {ms:.0} ms, now read as {} (p = {:.3})",
                    drawn.label(i),
                    report.predicted,
                    report.probability
                );
            }
        }
        (o.taught_right, o.variants_after) = read_group(t, drawn, variants, group)?;
        Ok(o)
    }
}
