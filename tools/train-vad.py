#!/usr/bin/env python3
"""Trains Hotline's voice-activity model and writes it into the source tree.

Data: mixtures of ../shared/speech with its noise at -3...25 dB SNR (tools/vadmix.py),
training speakers and noise files only. Features: `hotline-bench vad-features` (the
Swift code the daemon runs), three frames of context. Model: 99 -> 16 ReLU -> 1,
trained with Adam on balanced cross-entropy. Writes Models/vad/vad-model.json, the
Swift weights file Sources/HotlineDSP/VADModelWeights.swift, and prints held-out
frame accuracy per SNR (Models/vad/MODEL_CARD.md records it).

Usage: python3 tools/train-vad.py [--hotline .build/release/hotline] [--mixtures 300]
"""
import argparse, json, os, subprocess, sys, tempfile
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vadmix

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CONTEXT, DIM, HIDDEN = 3, 33, 16


def features(hotline, x, d):
    src, dst = os.path.join(d, "x.f32"), os.path.join(d, "f.f32")
    x.astype("<f4").tofile(src)
    subprocess.run([hotline + "-bench", "vad-features", src, dst], check=True)
    f = np.fromfile(dst, dtype="<f4").reshape(-1, DIM)
    # Context: current frame first, then the previous ones (zeros before the start).
    padded = np.concatenate([np.zeros((CONTEXT - 1, DIM), np.float32), f])
    return np.concatenate([padded[CONTEXT - 1 - k: len(padded) - k] for k in range(CONTEXT)], axis=1)


def dataset(hotline, rng, clips, noises, count, snrs, d):
    xs, ys = [], []
    for i in range(count):
        snr = snrs(rng)
        x, mask, _ = vadmix.mixture(rng, clips, noises, snr)
        f = features(hotline, x, d)
        y = vadmix.frame_labels(mask)[: len(f)]
        xs.append(f[: len(y)])
        ys.append(y)
    return np.concatenate(xs), np.concatenate(ys).astype(np.float32)


def train(x, y, rng, epochs=12, batch=512, lr=2e-3):
    mean, std = x.mean(0), x.std(0) + 1e-3
    xn = (x - mean) / std
    w1 = rng.normal(0, np.sqrt(2 / x.shape[1]), (x.shape[1], HIDDEN)).astype(np.float32)
    b1 = np.zeros(HIDDEN, np.float32)
    w2 = rng.normal(0, np.sqrt(1 / HIDDEN), HIDDEN).astype(np.float32)
    b2 = np.float32(0)
    params = [w1, b1, w2, np.array([b2])]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    pos = y.mean()
    weight = np.where(y > 0.5, 0.5 / pos, 0.5 / (1 - pos)).astype(np.float32)
    step = 0
    for epoch in range(epochs):
        order = rng.permutation(len(xn))
        for s in range(0, len(order), batch):
            idx = order[s:s + batch]
            xb, yb, wb = xn[idx], y[idx], weight[idx]
            h = np.maximum(xb @ params[0] + params[1], 0)
            logit = h @ params[2] + params[3][0]
            p = 1 / (1 + np.exp(-logit))
            g = (p - yb) * wb / len(idx)
            grads = [None] * 4
            grads[2] = h.T @ g
            grads[3] = np.array([g.sum()])
            gh = np.outer(g, params[2]) * (h > 0)
            grads[0] = xb.T @ gh
            grads[1] = gh.sum(0)
            step += 1
            for k in range(4):
                m[k] = 0.9 * m[k] + 0.1 * grads[k]
                v[k] = 0.999 * v[k] + 0.001 * grads[k] ** 2
                params[k] -= lr * (m[k] / (1 - 0.9 ** step)) / (np.sqrt(v[k] / (1 - 0.999 ** step)) + 1e-8)
        lr *= 0.8
    return mean, std, params


def predict(x, mean, std, params):
    h = np.maximum(((x - mean) / std) @ params[0] + params[1], 0)
    return 1 / (1 + np.exp(-(h @ params[2] + params[3][0])))


def swift_array(values):
    return "[" + ", ".join(f"{float(v):.7g}" for v in np.ravel(values)) + "]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build/release/hotline"))
    ap.add_argument("--mixtures", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    train_clips, test_clips = vadmix.clip_lists()
    train_noise, test_noise = vadmix.noise_lists()
    with tempfile.TemporaryDirectory() as d:
        x, y = dataset(args.hotline, rng, train_clips, train_noise, args.mixtures, lambda r: r.uniform(-3, 30), d)
        print(f"train: {len(y)} frames, {y.mean():.2f} speech")
        mean, std, params = train(x, y, rng)
        report = {}
        for snr in (0, 5, 10, 15, 20):
            xt, yt = dataset(args.hotline, np.random.default_rng(100 + snr), test_clips, test_noise, 20, lambda r: snr, d)
            p = predict(xt, mean, std, params) > 0.5
            tp, fp, fn = np.sum(p & (yt > 0.5)), np.sum(p & (yt < 0.5)), np.sum(~p & (yt > 0.5))
            f1 = 2 * tp / max(2 * tp + fp + fn, 1)
            report[snr] = {"accuracy": float(np.mean(p == (yt > 0.5))), "f1": float(f1)}
            print(f"held-out {snr:>2} dB SNR: frame accuracy {report[snr]['accuracy']:.3f}, F1 {f1:.3f} (raw, unsmoothed)")
    os.makedirs(os.path.join(ROOT, "Models", "vad"), exist_ok=True)
    with open(os.path.join(ROOT, "Models", "vad", "vad-model.json"), "w") as f:
        json.dump({"context_frames": CONTEXT, "feature_dim": DIM, "hidden": HIDDEN, "seed": args.seed,
                   "mixtures": args.mixtures, "input_mean": mean.tolist(), "input_scale": (1 / std).tolist(),
                   "hidden_weights": params[0].T.tolist(), "hidden_bias": params[1].tolist(),
                   "output_weights": params[2].tolist(), "output_bias": float(params[3][0]),
                   "held_out": report}, f, indent=1)
    with open(os.path.join(ROOT, "Sources", "HotlineDSP", "VADModelWeights.swift"), "w") as f:
        f.write("// Generated by tools/train-vad.py from Models/vad/vad-model.json: do not edit.\n")
        f.write("extension VADModel {\n    /// The trained voice-activity network (see Models/vad/MODEL_CARD.md).\n")
        f.write("    static let trained = VADModel(\n")
        f.write(f"        hiddenCount: {HIDDEN},\n")
        f.write(f"        hiddenWeights: {swift_array(params[0].T)},\n")
        f.write(f"        hiddenBias: {swift_array(params[1])},\n")
        f.write(f"        outputWeights: {swift_array(params[2])},\n")
        f.write(f"        outputBias: {float(params[3][0]):.7g},\n")
        f.write(f"        inputMean: {swift_array(mean)},\n")
        f.write(f"        inputScale: {swift_array(1 / std)})\n}}\n")
    print("wrote Models/vad/vad-model.json and Sources/HotlineDSP/VADModelWeights.swift")


if __name__ == "__main__":
    main()
