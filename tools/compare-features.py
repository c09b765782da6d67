#!/usr/bin/env python3
"""Checks `hotline features` against kaldi-native-fbank on fresh audio.

For each sound file (default: a fixed spread of files across ../shared/speech, none of
which the reference vectors were made from), computes fbank-23, fbank-40 and MFCC-13
through the CLI, and the same features of the same int16 samples with
kaldi-native-fbank, then reports the largest absolute difference per kind. Exits 1
when a file's frame count differs or a difference exceeds --tolerance.

Usage: python3 tools/compare-features.py [--hotline .build/debug/hotline] [FILE ...]
"""
import argparse, glob, os, subprocess, sys, tempfile
import numpy as np
import soundfile
import kaldi_native_fbank as knf

SPEECH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "speech")
KINDS = [("fbank", 23, None), ("fbank", 40, None), ("mfcc", 23, 13)]


def default_files():
    files = []
    for pattern, step in (("fsdd/*.wav", 97), ("speech-commands/*/*.flac", 631),
                          ("wake-words/*/*.flac", 229), ("noise/*.flac", 53)):
        files += sorted(glob.glob(os.path.join(SPEECH, pattern)))[::step]
    return files


def reference(samples, kind, bins, ceps):
    if kind == "fbank":
        o, computer = knf.FbankOptions(), knf.OnlineFbank
    else:
        o, computer = knf.MfccOptions(), knf.OnlineMfcc
        o.num_ceps = ceps
    o.mel_opts.num_bins = bins
    o.frame_opts.samp_freq = 8000
    o.frame_opts.dither = 0
    f = computer(o)
    f.accept_waveform(8000, samples)
    f.input_finished()
    if f.num_frames_ready == 0:
        return np.zeros((0, ceps or bins), dtype=np.float32)
    return np.stack([f.get_frame(i) for i in range(f.num_frames_ready)])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*")
    ap.add_argument("--hotline", default=".build/debug/hotline")
    ap.add_argument("--tolerance", type=float, default=1e-2)
    args = ap.parse_args()
    files = args.files or default_files()
    if not files:
        sys.exit(f"compare-features: no audio found under {SPEECH}")
    worst = {f"{k}{b}" + (f"c{c}" if c else ""): 0.0 for k, b, c in KINDS}
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "f.f32")
        for path in files:
            samples, rate = soundfile.read(path, dtype="int16", always_2d=True)
            if rate != 8000:
                print(f"skip {path}: {rate} Hz")
                continue
            # hotline mixes channels to mono by averaging; do the same here.
            mono = samples.astype(np.float64).mean(axis=1).astype(np.float32)
            for kind, bins, ceps in KINDS:
                name = f"{kind}{bins}" + (f"c{ceps}" if ceps else "")
                cmd = [args.hotline, "features", path, "--kind", kind, "--bins", str(bins), "--out", out]
                if ceps:
                    cmd += ["--ceps", str(ceps)]
                subprocess.run(cmd, check=True, capture_output=True)
                ours = np.fromfile(out, dtype="<f4").reshape(-1, ceps or bins)
                ref = reference(mono, kind, bins, ceps)
                if ours.shape != ref.shape:
                    print(f"FAIL {path} {name}: {ours.shape} frames vs {ref.shape}")
                    failures += 1
                    continue
                diff = float(np.max(np.abs(ours - ref))) if len(ref) else 0.0
                worst[name] = max(worst[name], diff)
                if diff > args.tolerance:
                    print(f"FAIL {path} {name}: max |diff| {diff:.3e}")
                    failures += 1
    print(f"{len(files)} files: " + ", ".join(f"{k} max |diff| {v:.2e}" for k, v in worst.items()))
    if failures:
        sys.exit(f"compare-features: {failures} mismatches (tolerance {args.tolerance})")


if __name__ == "__main__":
    main()
