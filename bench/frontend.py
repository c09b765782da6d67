#!/usr/bin/env python3
"""Hotline's speech front end beside kaldi-native-fbank and librosa, same audio, one run.

Computes fbank-23 and MFCC-13 over the same hour of real 8 kHz speech (../shared/speech,
looped), single-threaded, and prints x-realtime (seconds of audio per second of compute,
best of --repeat runs) for each, our ratio to each, the FFTW transform alone (the
ceiling for any FFTW-based front end), streaming in 10 ms chunks against one-shot, and
the largest difference between our features and kaldi-native-fbank's.

Usage: python3 bench/frontend.py [--hotline .build/release/hotline] [--minutes 60] [--repeat 3]
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time
import numpy as np
import soundfile
import kaldi_native_fbank as knf
import librosa

SHARED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "speech")


def load_speech(seconds):
    """Real speech in int16 units (Kaldi's scale), looped to `seconds` at 8 kHz."""
    files = sorted(glob.glob(os.path.join(SHARED, "fsdd", "*.wav")))[::4]
    files += sorted(glob.glob(os.path.join(SHARED, "wake-words", "*", "*.flac")))[::4]
    if not files:
        sys.exit(f"bench: no speech under {SHARED}")
    clips = [soundfile.read(f, dtype="int16")[0].astype(np.float32) for f in files]
    s = np.concatenate(clips)
    return np.tile(s, int(np.ceil(seconds * 8000 / len(s))))[: int(seconds * 8000)]


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def ours(hotline, path, kind, chunk, repeat, out=None):
    reports = []
    for _ in range(repeat):
        args = [hotline + "-bench", "features", path, "--kind", kind, "--chunk", str(chunk)]
        if out:
            args += ["--out", out]
        reports.append(json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout))
    return max(r["realtimeFactor"] for r in reports)


def knf_run(x, kind):
    if kind == "fbank":
        o = knf.FbankOptions()
        o.mel_opts.num_bins = 23
        computer = knf.OnlineFbank
    else:
        o = knf.MfccOptions()
        o.num_ceps = 13
        o.mel_opts.num_bins = 23
        computer = knf.OnlineMfcc
    o.frame_opts.samp_freq = 8000
    o.frame_opts.dither = 0
    f = computer(o)
    f.accept_waveform(8000, x)
    f.input_finished()
    return f


def librosa_run(x, kind):
    y = x / 32768.0
    if kind == "fbank":
        m = librosa.feature.melspectrogram(y=y, sr=8000, n_fft=256, hop_length=80, win_length=200,
                                           center=False, power=2.0, n_mels=23, fmin=20, fmax=4000)
        return np.log(np.maximum(m, 1e-10))
    return librosa.feature.mfcc(y=y, sr=8000, n_mfcc=13, n_fft=256, hop_length=80, win_length=200,
                                center=False, n_mels=23, fmin=20, fmax=4000)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=".build/release/hotline")
    ap.add_argument("--minutes", type=float, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    x = load_speech(args.minutes * 60)
    audio_s = len(x) / 8000
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "speech.f32")
        x.astype("<f4").tofile(path)
        fft = max(json.loads(subprocess.run([args.hotline + "-bench", "fft", "--frames", str(int(audio_s * 100))],
                                            check=True, capture_output=True, text=True).stdout)["realtimeFactor"]
                  for _ in range(args.repeat))
        print(f"audio: {audio_s / 60:.0f} min of real 8 kHz speech; best of {args.repeat}; x-realtime = audio s / compute s")
        print(f"FFTW 256-point r2c alone (100 per audio second): {fft:,.0f}x\n")
        print(f"{'features':<10} {'ours':>9} {'ours 10ms':>10} {'knf':>8} {'librosa':>8} | {'ours/knf':>8} {'ours/librosa':>12} {'stream/one-shot':>15}")
        for kind in ("fbank", "mfcc"):
            one_shot = ours(args.hotline, path, kind, 0, args.repeat)
            streamed = ours(args.hotline, path, kind, 80, args.repeat)
            knf_s, _ = best(lambda: knf_run(x, kind), args.repeat)
            lib_s, _ = best(lambda: librosa_run(x, kind), args.repeat)
            k, l = audio_s / knf_s, audio_s / lib_s
            name = "fbank-23" if kind == "fbank" else "mfcc-13"
            print(f"{name:<10} {one_shot:>9,.0f} {streamed:>10,.0f} {k:>8,.0f} {l:>8,.0f} | {one_shot / k:>8.1f} {one_shot / l:>12.1f} {streamed / one_shot:>15.2f}")
        # Agreement with kaldi-native-fbank on the first ten minutes.
        span = x[: 8000 * 600]
        span.astype("<f4").tofile(path)
        out = os.path.join(d, "ours.f32")
        for kind, dim in (("fbank", 23), ("mfcc", 13)):
            ours(args.hotline, path, kind, 0, 1, out=out)
            mine = np.fromfile(out, dtype="<f4").reshape(-1, dim)
            f = knf_run(span, kind)
            ref = np.stack([f.get_frame(i) for i in range(f.num_frames_ready)])
            print(f"{kind}: {len(ref)} frames, max |ours - knf| = {np.max(np.abs(mine - ref)):.2e}")


if __name__ == "__main__":
    main()
