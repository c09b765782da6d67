#!/usr/bin/env python3
"""Acoustic-model speed: Hotline's Swift engine (streaming, one frame at a time, one core)
against PyTorch running the same .hnn weights (one thread, whole utterance at once, its
most favourable mode) on the same fbank frames; also checks they agree.

Needs the training venv (torch): make bench-acoustic.
Usage: python3 bench/acoustic.py [--hotline .build/release/hotline] [--model Models/acoustic/acoustic.hnn]
"""
import argparse, glob, json, os, struct, subprocess, sys, tempfile, time
import numpy as np
import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from model import AcousticModel  # noqa: E402
import data  # noqa: E402


def read_hnn(path):
    """The model file read back into the training framework (mirrors ModelFile.swift)."""
    raw = open(path, "rb").read()
    assert raw[:4] == b"HNN1", "not an HNN1 file"
    version, length = struct.unpack("<II", raw[4:12])
    header = json.loads(raw[12:12 + length])
    start = (12 + length + 63) // 64 * 64
    a = header["architecture"]
    model = AcousticModel(a["bins"], a["channels"], a["hidden"], a["layers"], a["outputs"])
    state = {}
    for t in header["tensors"]:
        n = int(np.prod(t["shape"]))
        state[t["name"]] = torch.from_numpy(np.frombuffer(raw, "<f4", n, start + t["offset"]).reshape(t["shape"]).copy())
    model.load_state_dict(state)
    return model.eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build", "release", "hotline"))
    ap.add_argument("--model", default=os.path.join(ROOT, "Models", "acoustic", "acoustic.hnn"))
    ap.add_argument("--files", type=int, default=100)
    args = ap.parse_args()
    torch.set_num_threads(1)
    files = sorted(glob.glob(os.path.join(ROOT, "..", "shared", "speech", "fsdd", "*.wav")))[:: 2000 // args.files][: args.files]
    feats = [data.fbank(data.load(p)) for p in files]
    model = read_hnn(args.model)
    best = float("inf")
    outputs = []
    with torch.no_grad():
        for _ in range(3):
            t = time.perf_counter()
            outputs = [model(torch.from_numpy(f[None]))[0][0].numpy() for f in feats]
            best = min(best, time.perf_counter() - t)
    # Hotline streams the same frames back to back (state carries across files, so the
    # posteriors are compared on the first file only).
    with tempfile.TemporaryDirectory() as tmp:
        path, out = os.path.join(tmp, "f.f32"), os.path.join(tmp, "p.f32")
        np.concatenate(feats).astype("<f4").tofile(path)
        report = json.loads(subprocess.run([args.hotline + "-bench", "acoustic", path, "--model", args.model, "--out", out],
                                           check=True, capture_output=True, text=True).stdout)
        ours = np.fromfile(out, "<f4").reshape(-1, outputs[0].shape[1])[: len(outputs[0])]
    audio = sum(len(f) for f in feats) / 100
    diff = float(np.abs(ours - outputs[0]).max())
    print(f"{len(files)} files, {audio:.1f} s of audio, max |log-posterior diff| on the first file {diff:.2e}")
    print(f"pytorch (1 thread, whole utterances): {best / audio:.5f} x realtime")
    print(f"hotline (1 stream, frame by frame):   {report['singleRealtimeFraction']:.5f} x realtime  "
          f"({best / report['singleSeconds']:.1f}x faster than pytorch)")
    print(f"hotline ({report['batch']} streams batched):        {report['batchedRealtimeFraction']:.5f} x realtime per stream")


if __name__ == "__main__":
    main()
