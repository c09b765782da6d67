#!/usr/bin/env python3
"""Hotline's VAD beside webrtcvad and silero-vad on the same labelled audio, in one run.

Audio: held-out speakers and noise of ../shared/speech (tools/vadmix.py: speech clips at
random gaps over real background noise), 20 mixtures of 20 s at each SNR of 0, 5, 10,
15 and 20 dB; labels from the clean clips. Every system's decision is compared per
10 ms frame (label: the frame's centre sample). Printed per SNR and system: frame
accuracy, F1, and the median latency of speech start and end (first speech frame after
a clip's first active sample; first non-speech frame after its last). webrtcvad runs
each aggressiveness mode; silero-vad runs its ONNX model (the one its package ships,
through onnxruntime) on 32 ms chunks at 8 kHz, threshold 0.5, its decision held over the
chunk's frames. Speed: x-realtime over all the audio, single-threaded.

Usage: python3 bench/vad.py [--hotline .build/release/hotline]
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
import vadmix
import webrtcvad
import importlib.util
import onnxruntime

HOP = vadmix.HOP


def frames_of(x):
    return 0 if len(x) < vadmix.WINDOW else 1 + (len(x) - vadmix.WINDOW) // HOP


def ours(hotline, x, d):
    src, dst = os.path.join(d, "x.f32"), os.path.join(d, "v.f32")
    x.astype("<f4").tofile(src)
    report = json.loads(subprocess.run([hotline + "-bench", "vad", src, dst], check=True, capture_output=True, text=True).stdout)
    out = np.fromfile(dst, dtype="<f4").reshape(-1, 2)
    return out[:, 1] > 0.5, report["seconds"]


def webrtc(x, mode):
    vad = webrtcvad.Vad(mode)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
    start = time.perf_counter()
    decisions = np.array([vad.is_speech(pcm[i:i + HOP].tobytes(), 8000) for i in range(0, len(pcm) - HOP + 1, HOP)])
    return decisions, time.perf_counter() - start


class Silero:
    def __init__(self):
        # The package's Python side needs torch; only its ONNX file is used here.
        package = importlib.util.find_spec("silero_vad").submodule_search_locations[0]
        path = os.path.join(package, "data", "silero_vad.onnx")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        self.session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])

    def __call__(self, x):
        chunk, context = 256, 32
        state = np.zeros((2, 1, 128), np.float32)
        previous = np.zeros((1, context), np.float32)
        probs = []
        start = time.perf_counter()
        for i in range(0, len(x) - chunk + 1, chunk):
            block = np.concatenate([previous, x[None, i:i + chunk]], axis=1).astype(np.float32)
            out, state = self.session.run(None, {"input": block, "state": state, "sr": np.array(8000, np.int64)})
            previous = block[:, -context:]
            probs.append(float(out[0][0]))
        elapsed = time.perf_counter() - start
        # Each 32 ms decision covers the 10 ms frames whose centres fall in its chunk.
        n = frames_of(x)
        centres = np.arange(n) * HOP + vadmix.WINDOW // 2
        chunk_of = np.minimum(centres // chunk, len(probs) - 1)
        return np.array(probs)[chunk_of] > 0.5, elapsed


def latencies(decision, spans):
    starts, ends = [], []
    for a, b in spans:
        fa, fb = a // HOP, b // HOP
        on = np.nonzero(decision[fa:min(fb + 50, len(decision))])[0]
        if len(on):
            starts.append((on[0]) * 10)
        off = np.nonzero(~decision[fb:])[0]
        if len(off):
            ends.append(off[0] * 10)
    return (np.median(starts) if starts else np.nan), (np.median(ends) if ends else np.nan)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=".build/release/hotline")
    ap.add_argument("--mixtures", type=int, default=20)
    args = ap.parse_args()
    _, clips = vadmix.clip_lists()
    _, noises = vadmix.noise_lists()
    silero = Silero()
    systems = ["hotline"] + [f"webrtc-{m}" for m in range(4)] + ["silero"]
    time_spent = {s: 0.0 for s in systems}
    audio_seconds = 0.0
    all_audio = []
    print(f"{'SNR':>4} {'system':<9} {'accuracy':>8} {'F1':>6} {'start ms':>8} {'end ms':>7}")
    with tempfile.TemporaryDirectory() as d:
        for snr in (0, 5, 10, 15, 20):
            rng = np.random.default_rng(1000 + snr)
            stats = {s: [0, 0, 0, 0, [], []] for s in systems}   # tp, fp, fn, tn, starts, ends
            for _ in range(args.mixtures):
                x, mask, spans = vadmix.mixture(rng, clips, noises, snr)
                labels = vadmix.frame_labels(mask)
                audio_seconds += len(x) / 8000
                all_audio.append(x)
                results = {"hotline": ours(args.hotline, x, d), "silero": silero(x)}
                for m in range(4):
                    results[f"webrtc-{m}"] = webrtc(x, m)
                for s, (decision, seconds) in results.items():
                    n = min(len(decision), len(labels))
                    p, y = decision[:n].astype(bool), labels[:n]
                    st = stats[s]
                    st[0] += int(np.sum(p & y)); st[1] += int(np.sum(p & ~y))
                    st[2] += int(np.sum(~p & y)); st[3] += int(np.sum(~p & ~y))
                    a, b = latencies(p, spans)
                    st[4].append(a); st[5].append(b)
                    time_spent[s] += seconds
            for s in systems:
                tp, fp, fn, tn, starts, ends = stats[s]
                f1 = 2 * tp / max(2 * tp + fp + fn, 1)
                acc = (tp + tn) / max(tp + fp + fn + tn, 1)
                print(f"{snr:>4} {s:<9} {acc:>8.3f} {f1:>6.3f} {np.nanmedian(starts):>8.0f} {np.nanmedian(ends):>7.0f}")
            sys.stdout.flush()
        print(f"\nspeed over the {audio_seconds / 60:.0f} min above (x-realtime, single-threaded, 10 ms chunks): " + ", ".join(
            f"{s} {audio_seconds / (time_spent[s] + 1e-9):,.0f}x" for s in ("hotline", "webrtc-3", "silero")))
        path = os.path.join(d, "all.f32")
        np.concatenate(all_audio).astype("<f4").tofile(path)
        speeds = json.loads(subprocess.run([args.hotline + "-bench", "detectors", path, "--repeat", "5"],
                                           check=True, capture_output=True, text=True).stdout)
        print("hotline detectors alone, best of 5 (x-realtime): " + ", ".join(
            f"{k} {speeds[k]:,.0f}x" for k in ("vad", "dtmf", "callProgress")))


if __name__ == "__main__":
    main()
