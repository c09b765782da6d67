#!/usr/bin/env python3
"""Builds the scripted callers for the example flow, from real development-set speech only
(FSDD speaker jackson, indices 0-4; Speech Commands dev speakers), so the recognizer has
never trained on it, and DTMF tones:

Audio/samples/caller-order-status.flac (`hotline call Flows/hotline.yaml ...`, the demo):
  interrupts the menu with "one" (barge-in), keys the order number 555019# as DTMF
  tones, and answers "no" to "anything else?".
Audio/samples/caller-spoken-order.flac (the daemon's end-to-end test): keys 1 into the
  menu, speaks the order number 5 5 5 0 1 9 digit by digit, stays silent (a noinput),
  then keys 0 for an agent. (Phrases synthesised by `hotline say` or flite are not used:
  the acoustic model rejects most of them, see Models/acoustic/README.md.)

With --voice VOICE OUT it writes instead the order-status call said by a TTS voice through
the telephone channel (bench/orders.py's `speak`; e.g. festival:ked_diphone, a voice
acoustic training never heard): "where is my order" over the menu prompt, 555019# as
tones, "no thanks". `hotline call Flows/hotline.yaml OUT` then shows whether the whole
call works by voice.

Usage: python3 tools/make-demo-call.py [--voice VOICE OUT] (needs numpy, soundfile: the bench venv)
"""
import glob, os, sys, tempfile, zlib
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


DTMF = {"1": (697, 1209), "2": (697, 1336), "3": (697, 1477), "4": (770, 1209), "5": (770, 1336),
        "6": (770, 1477), "7": (852, 1209), "8": (852, 1336), "9": (852, 1477), "0": (941, 1336),
        "*": (941, 1209), "#": (941, 1477)}


def keys(text, tone=0.08, gap=0.08):
    """DTMF tones at -10 dBFS per frequency."""
    t = np.arange(int(tone * RATE)) / RATE
    out = []
    for k in text:
        lo, hi = DTMF[k]
        out += [(0.3 * (np.sin(2 * np.pi * lo * t) + np.sin(2 * np.pi * hi * t))).astype(np.float32), silence(gap)]
    return np.concatenate(out)


def digits(text, index=0, gap=0.2):
    """Spoken digits of FSDD dev speaker jackson, `gap` seconds apart. (Index 2's "five"
    is on the model's five/nine edge: heard right or wrong depending on how much audio
    comes before it, which made the daemon test depend on the prompts' length.)"""
    out = []
    for d in text:
        out += [clip(f"fsdd/{d}_jackson_{index}.wav"), silence(gap)]
    return np.concatenate(out)


def write(name, parts):
    out = os.path.join(ROOT, "Audio", "samples", name)
    soundfile.write(out, np.concatenate(parts), RATE, subtype="PCM_16")
    print(f"wrote {out} ({sum(len(p) for p in parts) / RATE:.1f} s)")


def said(voice, text):
    """`text` said by `voice` through the telephone channel."""
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from orders import speak
    with tempfile.TemporaryDirectory() as tmp:
        speak(voice, text, os.path.join(tmp, "said.wav"))
        x, _ = soundfile.read(os.path.join(tmp, "said.wav"), dtype="float32")
    return x


def main():
    if sys.argv[1:2] == ["--voice"] and len(sys.argv) == 4:
        voice, out = sys.argv[2:]
        parts = [silence(6.0), said(voice, "where is my order"), silence(5.0), keys("555019#"), silence(9.0),
                 said(voice, "no thanks"), silence(1.0)]
        soundfile.write(out, np.concatenate(parts), RATE, subtype="PCM_16")
        print(f"wrote {out} ({sum(len(p) for p in parts) / RATE:.1f} s)")
        return
    write("caller-order-status.flac", [silence(3.0), clip("fsdd/1_jackson_1.wav"), silence(5.5), keys("555019#"),
                                       silence(10.5), dev_word("no"), silence(3.0)])
    write("caller-spoken-order.flac", [silence(3.0), keys("1"), silence(2.5),
                                       digits("555019"), silence(20.0), keys("0"), silence(4.0)])


if __name__ == "__main__":
    main()
