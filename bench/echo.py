#!/usr/bin/env python3
"""Line echo cancellation: Hotline's canceller beside speexdsp's (its MDF canceller, the one
Asterisk's speex module and many softphones use) on the same simulated lines, in one run.

What the hotline plays is its own voice: the first 12 prompts of bench/tts-dev-prompts.txt
from `hotline say --rate 8000`, with 250 ms pauses (about 40 s). Each line returns it
through a bulk delay (30, 60 or 100 ms: the sound card's buffers and the line) and a
hybrid's few-ms response, 6 or 12 dB down; adds room noise from ../shared/speech/noise at
-65 dBFS; and codes the caller's side as G.711 mu-law. Over the last third the caller
talks (wake-word clips of several speakers, 15 dB under the prompt: double talk). Both
cancellers take 10 ms frames and a 1,024-tap (128 ms) filter.

Printed per line and system:
  ERLE 1st s    echo return loss enhancement over the first second of prompt audio
                (how fast it learns): 10 log10 of what came back over what is left
  ERLE          the same from 2 s to the caller's first word
  caller/left   during double talk: the caller's power over everything else left
                (echo, noise, damage to the caller's speech), where the caller speaks
  x realtime    processing time over audio time, one core (Hotline: inside
                `hotline-bench echo`, fastest of 3; speexdsp: its C calls through ctypes)

Usage: python3 bench/echo.py [--hotline .build/release/hotline]
"""
import argparse, ctypes, glob, json, os, subprocess, sys, tempfile, time
import numpy as np
import soundfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "speech"))
RATE, FRAME, TAPS = 8000, 80, 1024


def mulaw(x):
    """G.711 mu-law coding and decoding (continuous form, 8 bits)."""
    mu = 255.0
    y = np.clip(x, -1, 1)
    coded = np.round(np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu) * 127) / 127
    return np.sign(coded) * (np.power(1 + mu, np.abs(coded)) - 1) / mu


def hybrid(delay_ms, return_loss_db):
    """A bulk delay, then a hybrid's decaying ringing (about 4 ms), at the return loss."""
    h = np.zeros(delay_ms * RATE // 1000 + 40)
    n = np.arange(40)
    h[-40:] = np.exp(-n / 8.0) * np.cos(0.9 * n) - 0.3 * np.exp(-n / 3.0)
    return h * 10 ** (-return_loss_db / 20) / np.sqrt(np.sum(h ** 2))


def prompts(hotline, folder):
    with open(os.path.join(ROOT, "bench", "tts-dev-prompts.txt")) as f:
        lines = [l.strip() for l in f if l.strip() and not l.startswith("#")][:12]
    out = os.path.join(folder, "prompts")
    os.makedirs(out, exist_ok=True)
    subprocess.run([hotline, "say", "-", "--rate", "8000", "-o", out], input="\n".join(lines) + "\n",
                   text=True, check=True, capture_output=True)
    pause = np.zeros(RATE // 4)
    return np.concatenate([np.concatenate([soundfile.read(p)[0], pause]) for p in sorted(glob.glob(os.path.join(out, "*.wav")))])


def caller_speech(length, level, rng):
    """Wake-word clips of several speakers, 300 ms apart, filling the last third."""
    clips = sorted(glob.glob(os.path.join(SHARED, "wake-words", "*", "*.flac")))
    near = np.zeros(length)
    t = 2 * length // 3
    while True:
        clip = soundfile.read(clips[rng.integers(len(clips))])[0]
        if t + len(clip) > length:
            break
        near[t:t + len(clip)] = clip / (np.sqrt(np.mean(clip ** 2)) + 1e-9) * level
        t += len(clip) + int(0.3 * RATE)
    return near


def active_power(x):
    frames = x[:len(x) // FRAME * FRAME].reshape(-1, FRAME)
    p = np.mean(frames ** 2, axis=1)
    return np.mean(p[p > 1e-5])


class Speex:
    def __init__(self):
        self.lib = ctypes.CDLL("libspeexdsp.so.1")
        self.lib.speex_echo_state_init.restype = ctypes.c_void_p
        self.lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
        self.lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
        self.lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p] + [ctypes.c_void_p] * 3
        self.lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]

    def __call__(self, played, caller):
        st = self.lib.speex_echo_state_init(FRAME, TAPS)
        rate = ctypes.c_int(RATE)
        self.lib.speex_echo_ctl(st, 24, ctypes.byref(rate))  # SPEEX_ECHO_SET_SAMPLING_RATE
        far = np.ascontiguousarray(np.clip(played * 32768, -32768, 32767).astype(np.int16))
        near = np.ascontiguousarray(np.clip(caller * 32768, -32768, 32767).astype(np.int16))
        out = np.zeros_like(near)
        call = self.lib.speex_echo_cancellation
        f, n, o = far.ctypes.data, near.ctypes.data, out.ctypes.data
        start = time.process_time()
        for k in range(len(near) // FRAME):
            offset = 2 * k * FRAME
            call(st, n + offset, f + offset, o + offset)
        seconds = time.process_time() - start
        self.lib.speex_echo_state_destroy(st)
        return out.astype(np.float64) / 32768, seconds


def hotline_cancel(hotline, played, caller, folder):
    p, c, r = (os.path.join(folder, name) for name in ("played.f32", "caller.f32", "residual.f32"))
    played.astype("<f4").tofile(p)
    caller.astype("<f4").tofile(c)
    report = json.loads(subprocess.run([hotline + "-bench", "echo", p, c, "-o", r], check=True,
                                       capture_output=True, text=True).stdout)
    return np.fromfile(r, dtype="<f4").astype(np.float64), report["seconds"]


def db(a, b):
    return 10 * np.log10(np.sum(a ** 2) / max(np.sum(b ** 2), 1e-20))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build/release/hotline"))
    args = ap.parse_args()
    rng = np.random.default_rng(7)
    speex = Speex()
    noises = sorted(glob.glob(os.path.join(SHARED, "noise", "*.flac")))
    with tempfile.TemporaryDirectory() as folder:
        played = prompts(args.hotline, folder)
        played = played[:len(played) // FRAME * FRAME]
        level = np.sqrt(active_power(played))
        print(f"{len(played) / RATE:.1f} s of prompts at {20 * np.log10(level):.1f} dBFS (active speech)")
        print(f"{'line':<22}{'system':<10}{'ERLE 1st s':>11}{'ERLE':>8}{'caller/left':>13}{'x realtime':>12}")
        totals = {}
        first_sound = int(np.argmax(np.abs(played) > 1e-3))
        for delay in (30, 60, 100):
            for loss in (6, 12):
                echo = np.convolve(played, hybrid(delay, loss))[:len(played)]
                noise = soundfile.read(noises[rng.integers(len(noises))])[0]
                noise = np.resize(noise, len(played)) / (np.sqrt(np.mean(noise ** 2)) + 1e-9) * 10 ** (-65 / 20)
                near = caller_speech(len(played), level * 10 ** (-15 / 20), rng)
                caller = mulaw(echo + noise + near)
                talk = int(np.argmax(np.abs(near) > 0))
                learn = slice(first_sound, first_sound + RATE)
                settled = slice(2 * RATE, talk)
                speaking = np.abs(near) > 0
                for name, run in (("hotline", lambda: hotline_cancel(args.hotline, played, caller, folder)),
                                  ("speexdsp", lambda: speex(played, caller))):
                    residual, seconds = run()
                    row = (db(caller[learn], residual[learn]), db(caller[settled], residual[settled]),
                           db(near[speaking], (residual - near)[speaking]), seconds / (len(played) / RATE))
                    totals.setdefault(name, []).append(row)
                    print(f"{f'{delay} ms, {loss} dB down':<22}{name:<10}{row[0]:>10.1f} {row[1]:>7.1f} {row[2]:>12.1f} {row[3]:>12.5f}")
        print("mean over the lines:")
        for name, rows in totals.items():
            m = np.mean(rows, axis=0)
            print(f"{'':<22}{name:<10}{m[0]:>10.1f} {m[1]:>7.1f} {m[2]:>12.1f} {m[3]:>12.5f}")
        ratio = np.mean([r[3] for r in totals["speexdsp"]]) / np.mean([r[3] for r in totals["hotline"]])
        print(f"Hotline takes {1 / ratio:.2f}x speexdsp's time" if ratio < 1 else f"Hotline is {ratio:.2f}x as fast as speexdsp")


if __name__ == "__main__":
    sys.exit(main())
