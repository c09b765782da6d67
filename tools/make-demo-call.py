#!/usr/bin/env python3
"""Builds Audio/samples/caller-order-status.flac: a scripted caller for the example flow
(`hotline call Flows/hotline.yaml Audio/samples/caller-order-status.flac`), from real
development-set speech only (FSDD speaker jackson, indices 0-4; Speech Commands dev
speakers), so the recognizer has never trained on it.

Script: interrupts the menu with "one" (barge-in), says the order number 5 5 5 0 1 9,
confirms with "yes", and answers "no" to "anything else?".
Usage: python3 tools/make-demo-call.py (needs numpy, soundfile: the bench venv)
"""
import glob, os, zlib
import numpy as np
import soundfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SPEECH = os.path.join(ROOT, "..", "shared", "speech")
RATE = 8000


def clip(path):
    x, rate = soundfile.read(os.path.join(SPEECH, path), dtype="float32")
    assert rate == RATE, path
    return x


def silence(seconds):
    return np.zeros(int(seconds * RATE), np.float32)


def dev_word(word):
    """The first clip of `word` by a development speaker (crc32(id) % 10 == 0, as in training)."""
    for path in sorted(glob.glob(os.path.join(SPEECH, "speech-commands", word, "*.flac"))):
        if zlib.crc32(os.path.basename(path).split("_nohash_")[0].encode()) % 10 == 0:
            return clip(os.path.relpath(path, SPEECH))
    raise SystemExit(f"no development clip of {word}")


def main():
    digits = ["5_jackson_0", "5_jackson_1", "5_jackson_2", "0_jackson_0", "1_jackson_0", "9_jackson_0"]
    parts = [silence(3.0), clip("fsdd/1_jackson_1.wav"), silence(5.5)]
    for d in digits:
        parts += [clip(f"fsdd/{d}.wav"), silence(0.25)]
    parts += [silence(5.0), dev_word("yes"), silence(9.0), dev_word("no"), silence(3.0)]
    out = os.path.join(ROOT, "Audio", "samples", "caller-order-status.flac")
    soundfile.write(out, np.concatenate(parts), RATE, subtype="PCM_16")
    print(f"wrote {out} ({sum(len(p) for p in parts) / RATE:.1f} s)")


if __name__ == "__main__":
    main()
