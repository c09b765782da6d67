#!/usr/bin/env python3
"""Builds a diphone voice in Hotline's format from flite's rms voice (Debian libflite1).

flite's cmu_us_rms is a statistical parametric (clustergen) voice trained on the CMU ARCTIC
recordings of the speaker rms. For every pair of phones A-B this script has flite read
words of our lexicon that contain the pair (said alone, so with their natural stress;
the first reading, of up to four words, in which flite says the pair), reads the segment
times from flite's utterance, and cuts the diphone from the middle of A to the middle
of B. Pairs no word or two-word phrase yields come from a nonsense phone string
("pau t aa A B aa t pau"). Each diphone is then analysed the way Hotline's synthesizer
needs it:

- pitchmarks: voicing and F0 from the normalised autocorrelation (5 ms hop); in voiced
  stretches each mark is the largest residual pulse about one period after the last, in
  unvoiced ones marks are 5 ms apart;
- an LPC filter of order 16 per mark (autocorrelation method over a Hann window of the
  two periods around it);
- the residual: the signal inverse-filtered with the nearest mark's coefficients (the
  synthesizer switches filters at the same midpoints, so unmodified marks give the
  signal back), as 8-bit mu-law in int16 scale, at flite's level (`LEVEL`).

Then flite reads the sentences of tools/rms-corpus.txt (IVR phrases with numbers, money,
dates, times and codes, written for this voice; none of the benchmark's or development
prompts) and tools/rms-words.txt (frequent English words the corpus lacks, in random order:
tools/make-rms-words.py), and every diphone of those readings becomes a further unit,
analysed the same way, with its neighbouring phones ("left", "right") and the unit that
follows it in the reading ("next"). The synthesizer's unit selection (Sources/HotlineTTS/UnitSelection.swift)
takes runs of them whole where an utterance says the same phones, at their recorded timing.

The result has the layout of tools/import-kal-voice.py's (see there), with
"duration_scale" in the header (how much the synthesizer shortens the carrier-word
diphones) and frames stored as int16 reflection coefficients (version 2, "frame_encoding":
"reflection16", tools/voice_file.py): 34 bytes a frame instead of 72, which keeps the file
under 20 MB; the residual is computed with the coefficients as stored.
Only this build needs flite (`apt-get install flite libflite1`); the daemon reads the file.

Usage: python3 tools/make-rms-voice.py [--out Models/voices/rms/rms.voice] [--corpus FILE...]
(needs numpy; `.venv-bench/bin/python` has it.)
"""
import argparse, os
import numpy as np
from flite_c import Flite
from voice_file import quantized, write_voice

PHONES = ("aa ae ah ao aw ay b ch d dh eh er ey f g hh ih iy jh k l m n ng ow oy p r s sh t th "
          "uh uw v w y z zh").split()
RATE = 16000
ORDER = 16
HOP = 80              # 5 ms: analysis hop and unvoiced mark spacing
F0_RANGE = (60, 220)  # Hz, for a male voice
# The diphones come from words said alone, which are slow: at 1.0 the development prompts
# (bench/tts-dev-prompts.txt) come out at 141 words a minute; 0.85 gives flite rms's own
# pace on the same text (166).
DURATION_SCALE = 0.85
# The residual keeps flite's own level: speech frames about -20 dBFS RMS, a usual level
# for telephone prompts. (Until 2026-11-30 it was 7.5 dB lower, kal16's level, for the
# daemon's old echo gate; its echo canceller now lets a caller barge in over this level.)
LEVEL = 1.0
HERE = os.path.dirname(os.path.abspath(__file__))
LEXICON = os.path.join(HERE, "..", "Models", "lexicon", "cmudict-en-us.dict")
CORPUS = [os.path.join(HERE, "rms-corpus.txt"), os.path.join(HERE, "rms-words.txt")]


def lpc(frame):
    """Predictor coefficients a1..a16 (x[n] ~ sum a_k x[n-k]) by Levinson-Durbin."""
    r = np.correlate(frame, frame, "full")[len(frame) - 1:len(frame) + ORDER]
    if r[0] <= 0:
        return np.zeros(ORDER)
    r = r * np.exp(-0.5 * (2 * np.pi * 40 * np.arange(ORDER + 1) / RATE) ** 2)   # 40 Hz lag window
    r[0] *= 1 + 1e-4                                                                # white-noise floor
    a, err = np.zeros(ORDER), r[0]
    for i in range(ORDER):
        k = (r[i + 1] - np.dot(a[:i], r[i:0:-1])) / err
        a[:i] = a[:i] - k * a[:i][::-1]
        a[i] = k
        err *= 1 - k * k
    return a


def inverse_filter(x, coefficients, owner):
    """Residual e[n] = x[n] - sum a_k x[n-k], with the coefficients of row owner[n]."""
    padded = np.concatenate([np.zeros(ORDER), x])
    history = np.stack([padded[ORDER - 1 - k:ORDER - 1 - k + len(x)] for k in range(ORDER)], axis=1)
    return x - np.sum(history * coefficients[owner], axis=1)


def voicing(x):
    """Per 5 ms hop: F0 in Hz, or 0 where unvoiced."""
    width = 2 * RATE // F0_RANGE[0]
    lo, hi = RATE // F0_RANGE[1], RATE // F0_RANGE[0]
    level = np.sqrt(np.mean(x ** 2)) + 1e-9
    f0 = np.zeros(len(x) // HOP + 1)
    for i in range(len(f0)):
        seg = x[i * HOP:i * HOP + width]
        if len(seg) < width or np.sqrt(np.mean(seg ** 2)) < 0.05 * level:
            continue
        seg = seg - seg.mean()
        ac = np.correlate(seg, seg, "full")[width - 1:]
        norm = ac[lo:hi] / np.sqrt(ac[0] * np.array([np.dot(seg[k:], seg[k:]) for k in range(lo, hi)]) + 1e-9)
        best = int(np.argmax(norm))
        if norm[best] > 0.6:
            f0[i] = RATE / (lo + best)
    return f0


def pitchmarks(x, f0):
    """Marks at residual pulses in voiced stretches, every 5 ms elsewhere."""
    hops = np.arange(0, len(x) - 1, HOP)
    frame_lpc = np.array([lpc(x[max(0, h - 160):h + 160] * np.hanning(len(x[max(0, h - 160):h + 160]))) for h in hops])
    residual = inverse_filter(x, frame_lpc, np.minimum(np.arange(len(x)) // HOP, len(hops) - 1))
    voiced = f0[np.minimum(np.arange(len(x)) // HOP, len(f0) - 1)] > 0
    polarity = 1 if residual[voiced].max(initial=0) >= -residual[voiced].min(initial=0) else -1
    pulse = polarity * residual
    marks, n = [], 0
    while n < len(x) - 1:
        hz = f0[min(n // HOP, len(f0) - 1)]
        if hz > 0:
            period = RATE / hz
            lo = n + 1 if not marks or f0[min(marks[-1] // HOP, len(f0) - 1)] == 0 else n + int(0.7 * period)
            hi = min(len(x), n + int(1.3 * period) + 1)
            if lo >= hi:
                break
            n = lo + int(np.argmax(pulse[lo:hi]))
        else:
            n += HOP
        if n < len(x):
            marks.append(n)
    return marks


def cut(x, segments, i, utterance_marks=None):
    """Diphone segments[i]-segments[i+1] of an utterance: pitchmarks (relative to its
    start), LPC rows, residual and the index of the first mark of the second phone.
    `utterance_marks`: the utterance's pitchmarks, if already found."""
    (_, s0, e0), (_, s1, e1) = segments[i], segments[i + 1]
    start, end, join = int((s0 + e0) / 2 * RATE), int((s1 + e1) / 2 * RATE), int(e0 * RATE)
    if utterance_marks is None:
        utterance_marks = pitchmarks(x, voicing(x))
    marks = [m for m in utterance_marks if start <= m < end]
    if not marks:
        marks = list(range(start, end, HOP))
    coefficients = []
    for k, m in enumerate(marks):
        left = m - (marks[k - 1] if k else m - HOP)
        right = (marks[k + 1] if k + 1 < len(marks) else m + HOP) - m
        seg = x[max(0, m - left):m + right]
        coefficients.append(quantized(lpc(seg * np.hanning(len(seg))))[0])   # as the voice file stores it
    coefficients = np.array(coefficients)
    # Each sample belongs to its nearest mark, as in the synthesizer.
    mids = [(p + q) // 2 for p, q in zip(marks, marks[1:])]
    owner = np.searchsorted(np.array(mids), np.arange(start, end), side="right")
    context = x[start - ORDER:end] if start >= ORDER else np.concatenate([np.zeros(ORDER - start), x[:end]])
    residual = inverse_filter(context, np.vstack([coefficients[:1], coefficients]),
                              np.concatenate([np.zeros(ORDER, int), owner + 1]))[ORDER:]
    boundary = sum(1 for m in marks if m < join)
    return [m - start for m in marks], coefficients, residual, boundary


def carrier_words(lexicon, phones):
    """Per diphone, words of `lexicon` that contain it, best first: the pair inside the
    word (not its last phone, which the end of an utterance lengthens), words of about
    five phones. "pau-b" takes words starting with b, "a-pau" words ending with a, and
    pairs found in no word two-word phrases."""
    found = {}
    for line in open(lexicon, encoding="utf-8"):
        word, *pron = line.split()
        if not word.isalpha() or len(word) < 3 or not 3 <= len(pron) <= 9:
            continue
        pron = [p.lower() for p in pron]
        if not all(p in phones for p in pron):
            continue
        pairs = {("pau", pron[0]), (pron[-1], "pau")} | set(zip(pron[:-2], pron[1:-1]))
        for pair in pairs:
            found.setdefault(pair, []).append((abs(len(pron) - 5), word))
    ranked = {pair: [w for _, w in sorted(words)] for pair, words in found.items()}
    # Pairs no word has inside it ("z-dh") come from two words: one ending in a, one starting with b.
    for a in phones:
        for b in phones:
            if (a, b) not in ranked and (a, "pau") in ranked and ("pau", b) in ranked:
                ranked[a, b] = [f"{w1} {w2}" for w1 in ranked[a, "pau"][:2] for w2 in ranked["pau", b][:2]]
    return ranked


def first_instance(flite, a, b, words, tries=4):
    """The utterance and index of a-b in the first of flite's readings of `words` that has
    it, away from the utterance's end unless b is the pause; None if none of `tries` has."""
    for word in words[:tries]:
        x, segments = flite.say(word)
        names = [seg[0] for seg in segments]
        for i in range(len(segments) - 1):
            if names[i] == a and names[i + 1] == b and (a == "pau" or b == "pau" or i + 2 < len(segments) - 1):
                return x, segments, i
    return None


def phone_carrier(flite, a, b):
    """a-b in a nonsense phone string, "pau t aa A B aa t pau" (flite speaks it without stress)."""
    before = ["pau"] if a == "pau" else ["pau", "t", "aa", a]
    after = ["pau"] if b == "pau" else [b, "aa", "t", "pau"]
    x, segments = flite.speak(before + after)
    return x, segments, len(before) - 1


def mulaw(x):
    """int16-scale samples to G.711 mu-law bytes."""
    out = bytearray()
    for v in np.clip(np.round(x), -32635, 32635).astype(int):
        sign = 0x80 if v < 0 else 0
        v = min(abs(int(v)) + 132, 32767)
        exponent = max(0, v.bit_length() - 8)
        mantissa = (v >> (exponent + 3)) & 0x0F
        out.append(~(sign | (exponent << 4) | mantissa) & 0xFF)
    return bytes(out)


def append_unit(units, frames, residual, name, diphone, **context):
    """Adds a cut diphone (`cut`'s result) to the voice's unit table, frames and residual."""
    marks, coefficients, samples, boundary = diphone
    units.append({"name": name, "frame": len(frames), "frames": len(marks), "boundary": boundary,
                  "residual": len(residual), "samples": len(samples), **context})
    # Frame: time (s from the unit's start), gain (unused: the residual carries the level), a1..a16.
    frames += [(m / RATE, 1.0, *c) for m, c in zip(marks, coefficients)]
    residual += mulaw(LEVEL * samples)


def running_speech_units(flite, sentence, units, frames, residual):
    """Adds every diphone of flite's reading of `sentence`, with its neighbouring phones
    and a link from each unit to the one after it; returns the reading's length in s."""
    x, segments = flite.say(sentence)
    segments = [("ah" if p == "ax" else p, s, e) for p, s, e in segments]   # our phone set has no schwa
    sentence_marks = pitchmarks(x, voicing(x))
    names = [p for p, _, _ in segments]
    previous = None   # the unit of the diphone just before, if it has one
    for i in range(len(segments) - 1):
        (_, s0, e0), (_, s1, e1) = segments[i], segments[i + 1]
        if int((s1 + e1) / 2 * RATE) <= int((s0 + e0) / 2 * RATE):   # a phone of no length
            previous = None
            continue
        if previous is not None:
            units[previous]["next"] = len(units)
        previous = len(units)
        append_unit(units, frames, residual, f"{names[i]}-{names[i + 1]}", cut(x, segments, i, sentence_marks),
                    left=names[i - 1] if i > 0 else "pau", right=names[i + 2] if i + 2 < len(names) else "pau")
    return len(x) / RATE


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Models", "voices", "rms", "rms.voice"))
    ap.add_argument("--phones", help="only these phones (space-separated; for a quick look)")
    ap.add_argument("--corpus", nargs="*", default=CORPUS, help="files of sentences for the running-speech units (none: no running speech)")
    args = ap.parse_args()
    flite = Flite()
    phones = args.phones.split() if args.phones else PHONES
    pairs = [(a, b) for a in phones + ["pau"] for b in phones + ["pau"]]
    words = carrier_words(LEXICON, set(phones))
    frames, residual, units, from_words = [], bytearray(), [], 0
    for count, (a, b) in enumerate(pairs):
        instance = first_instance(flite, a, b, words.get((a, b), []))
        from_words += instance is not None
        append_unit(units, frames, residual, f"{a}-{b}", cut(*(instance or phone_carrier(flite, a, b))))
        if count % 100 == 0:
            print(f"{count}/{len(pairs)} diphones, {from_words} from words", flush=True)
    carrier_units = len(units)
    sentences = [line.strip() for path in args.corpus for line in open(path) if line.strip() and not line.startswith("#")]
    seconds = sum(running_speech_units(flite, sentence, units, frames, residual) for sentence in sentences)
    print(f"{len(units) - carrier_units} diphones from {len(sentences)} sentences ({seconds:.0f} s) of running speech", flush=True)
    write_voice(args.out, {"name": "rms", "source": "flite 2.2 cmu_us_rms (CMU), resynthesised as diphones of carrier words and of running speech",
                           "sample_rate": RATE, "lpc_order": ORDER, "frame_floats": 2 + ORDER, "frame_encoding": "reflection16", "encoding": "mulaw",
                           "duration_scale": DURATION_SCALE, "phones": sorted(set(phones) | {"pau"}), "units": units},
                frames, residual)
    print(f"{len(units)} units ({carrier_units} carrier diphones, {from_words} from words), {len(frames)} frames, "
          f"{len(residual)} residual samples -> {args.out}")


if __name__ == "__main__":
    main()
