#!/usr/bin/env python3
"""Hotline's resampler beside soxr's VHQ on the same input, in one run.

For every rate pair it prints, for ours and for soxr:
  - SNR against the exact signal for a set of passband sines and a chirp
    (the ideal output is known analytically at the output rate);
  - passband ripple over 100..3400 Hz (max - min gain, dB);
  - stopband rejection of tones above the lower Nyquist rate (worst case, dB);
  - agreement on real speech (SNR of ours against soxr VHQ: there is no exact truth);
  - speed: x-realtime on the same 10 minutes of speech, and our ratio to soxr.

Usage: python3 bench/resampler.py [--hotline .build/release/hotline] [--minutes 10]
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time
import numpy as np
import soxr

PAIRS = [(8000, 16000), (16000, 8000), (16000, 48000), (48000, 16000),
         (8000, 48000), (48000, 8000), (44100, 8000)]
EDGE_S = 0.1


def ours(hotline, x, fin, fout):
    with tempfile.TemporaryDirectory() as d:
        src, dst = os.path.join(d, "in.f32"), os.path.join(d, "out.f32")
        x.astype("<f4").tofile(src)
        out = subprocess.run([hotline + "-bench", "resample", src, dst, "--from", str(fin), "--to", str(fout)],
                             check=True, capture_output=True, text=True).stdout
        return np.fromfile(dst, dtype="<f4").astype(np.float64), json.loads(out)


def peer(x, fin, fout):
    start = time.perf_counter()
    y = soxr.resample(x.astype(np.float32), fin, fout, quality="VHQ")
    return y.astype(np.float64), time.perf_counter() - start


def snr_db(ref, test):
    n = min(len(ref), len(test))
    ref, test = ref[:n], test[:n]
    noise = np.sum((ref - test) ** 2)
    return 10 * np.log10(np.sum(ref ** 2) / max(noise, 1e-30))


def middle(y, rate):
    k = int(EDGE_S * rate)
    return y[k:len(y) - k]


def sines(rate, seconds, freqs, amp=0.1):
    t = np.arange(int(seconds * rate)) / rate
    return sum(amp * np.sin(2 * np.pi * f * t + 0.3 * i) for i, f in enumerate(freqs))


def chirp(rate, seconds, f0, f1, amp=0.5):
    t = np.arange(int(seconds * rate)) / rate
    k = (f1 - f0) / seconds
    return amp * np.sin(2 * np.pi * (f0 * t + 0.5 * k * t * t))


def tone_amplitude(y, rate, f):
    k = np.arange(len(y))
    c = np.dot(y, np.cos(2 * np.pi * f * k / rate))
    s = np.dot(y, np.sin(2 * np.pi * f * k / rate))
    return 2 * np.hypot(c, s) / len(y)


def load_speech(seconds, rate):
    """Real 8 kHz speech from ../shared/speech/fsdd, looped to `seconds`, at `rate`."""
    root = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "speech", "fsdd")
    files = sorted(glob.glob(os.path.join(root, "*.wav")))[:400]
    if not files:
        sys.exit("bench: ../shared/speech/fsdd not found")
    clips = []
    for f in files:
        with open(f, "rb") as h:
            data = h.read()
        i = data.find(b"data")
        clips.append(np.frombuffer(data[i + 8:], dtype="<i2").astype(np.float64) / 32768)
    s = np.concatenate(clips)
    s = np.tile(s, int(np.ceil(seconds * 8000 / len(s))))[: int(seconds * 8000)]
    return s if rate == 8000 else soxr.resample(s, 8000, rate, quality="VHQ").astype(np.float64)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=".build/release/hotline")
    ap.add_argument("--minutes", type=float, default=10)
    args = ap.parse_args()

    print(f"{'pair':>12} | {'sines SNR dB':>16} | {'chirp SNR dB':>16} | {'ripple dB':>15} | "
          f"{'stopband dB':>15} | {'speech':>7} | {'x-realtime':>19} | ratio")
    print(f"{'':>12} | {'ours':>7} {'soxr':>8} | {'ours':>7} {'soxr':>8} | {'ours':>7} {'soxr':>7} | "
          f"{'ours':>7} {'soxr':>7} | {'agree':>7} | {'ours':>9} {'soxr':>9} | ours/soxr")
    for fin, fout in PAIRS:
        nyq = min(fin, fout) / 2
        top = 0.85 * nyq
        # Sines and a chirp inside the passband: exact truth at the output rate.
        freqs = [f for f in (97, 311, 887, 1499, 2203, 2999, 3389) if f < top]
        fs = sines(fin, 2, freqs)
        snr_sines = [snr_db(middle(sines(fout, 2, freqs), fout), middle(y, fout))
                     for y in (ours(args.hotline, fs, fin, fout)[0], peer(fs, fin, fout)[0])]
        ch_in, ch_ref = chirp(fin, 2, 50, top), chirp(fout, 2, 50, top)
        snr_chirp = [snr_db(middle(ch_ref, fout), middle(y, fout))
                     for y in (ours(args.hotline, ch_in, fin, fout)[0], peer(ch_in, fin, fout)[0])]
        # Passband ripple: gain of integer-Hz tones over a whole second.
        grid = np.arange(100, min(3400, top) + 1, 100)
        pb = sines(fin, 1.5, grid, amp=0.01)
        ripple = []
        for y in (ours(args.hotline, pb, fin, fout)[0], peer(pb, fin, fout)[0]):
            w = y[fout // 4: fout // 4 + fout]
            g = 20 * np.log10([tone_amplitude(w, fout, f) / 0.01 for f in grid])
            ripple.append(g.max() - g.min())
        # Stopband: tones above the lower Nyquist rate must vanish (downsampling: aliases;
        # upsampling: the images of an in-band tone are measured as the residual).
        stop = []
        if fout < fin:
            worst = [np.inf, np.inf]
            for f in np.linspace(nyq, fin / 2 * 0.98, 6):
                x = sines(fin, 1, [f], amp=0.5)
                for j, y in enumerate((ours(args.hotline, x, fin, fout)[0], peer(x, fin, fout)[0])):
                    rms = np.sqrt(np.mean(middle(y, fout) ** 2))
                    worst[j] = min(worst[j], 20 * np.log10(0.5 / max(rms * np.sqrt(2), 1e-30)))
            stop = worst
        else:
            x = sines(fin, 1.5, [1000], amp=0.5)
            for y in (ours(args.hotline, x, fin, fout)[0], peer(x, fin, fout)[0]):
                w = y[fout // 4: fout // 4 + fout]
                k = np.arange(len(w))
                basis = np.stack([np.cos(2 * np.pi * 1000 * k / fout), np.sin(2 * np.pi * 1000 * k / fout)], 1)
                coef, *_ = np.linalg.lstsq(basis, w, rcond=None)
                resid = w - basis @ coef
                stop.append(20 * np.log10(0.5 / (np.sqrt(np.mean(resid ** 2)) * np.sqrt(2))))
        # Real speech: agreement with soxr, and speed on the same minutes of audio.
        speech = load_speech(args.minutes * 60, fin)
        y_ours, report = ours(args.hotline, speech, fin, fout)
        y_peer, peer_seconds = peer(speech, fin, fout)
        agree = snr_db(middle(y_peer, fout), middle(y_ours, fout))
        audio_s = len(speech) / fin
        ours_x, peer_x = report["realtimeFactor"], audio_s / peer_seconds
        print(f"{fin:>5}->{fout:<6} | {snr_sines[0]:7.1f} {snr_sines[1]:8.1f} | {snr_chirp[0]:7.1f} {snr_chirp[1]:8.1f} | "
              f"{ripple[0]:7.4f} {ripple[1]:7.4f} | {stop[0]:7.1f} {stop[1]:7.1f} | {agree:7.1f} | "
              f"{ours_x:9.0f} {peer_x:9.0f} | {ours_x / peer_x:.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
