#!/usr/bin/env python3
"""Phone error rate on continuous speech of unseen speakers: Hotline's acoustic model
(greedy CTC, `hotline phones`) against pocketsphinx 5's allphone search (its en-us
model and phonetic language model), on the same telephone-channel audio, per corpus
and per speaker.

Test set: the dev speakers of ../shared/speech/continuous, as tools/train/data.py splits
them (never in training): a fifth of the LibriSpeech speakers, a tenth of the
speechocean762 speakers, and VCTK p239. Each recording goes through a fixed telephone
channel (300-3400 Hz band-pass, -20 dBFS, mu-law) with its own leading and trailing
silence kept. References are the transcripts' CMUdict phones (stress removed; the
training lexicon, tools/train/lexicon.py).

Usage: python3 bench/phones.py [--hotline .build/release/hotline] [--per-corpus 60] [--model FILE.hnn]
"""
import argparse, collections, json, os, subprocess, sys, tempfile, time
import numpy as np
import soundfile
from pocketsphinx import Decoder, get_model_path
from scipy.signal import butter, sosfilt

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from data import continuous, load, mulaw_roundtrip   # noqa: E402  (the split and channel code training uses)
from recognize import decode                          # noqa: E402
from lexicon import Lexicon, PHONES, edit_distance     # noqa: E402


def channel(x):
    """8 kHz int16-scaled samples through a fixed phone line."""
    y = sosfilt(butter(4, [300, 3400], "bandpass", fs=8000, output="sos"), x)
    y *= 32768 * 10 ** (-20 / 20) / (np.sqrt(np.mean(y ** 2)) + 1e-3)
    return np.clip(mulaw_roundtrip(y.astype(np.float32)), -32768, 32767)


def hotline_phones(hotline, files, model):
    t = time.perf_counter()
    out = subprocess.run([hotline, "phones", "--json", "--model", model] + files, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"hotline phones failed: {out.stderr}")
    elapsed = time.perf_counter() - t
    return {json.loads(l)["file"]: [p["phone"] for p in json.loads(l)["phones"]] for l in out.stdout.splitlines()}, elapsed


def pocketsphinx_phones(files):
    dec = Decoder(allphone=os.path.join(get_model_path(), "en-us", "en-us-phone.lm.bin"), lw=2.0, pip=0.3,
                  beam=1e-200, pbeam=1e-20, samprate=16000, loglevel="FATAL")
    known = set(PHONES)
    return decode(dec, files, lambda d: [s.word for s in d.seg() if s.word in known])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build", "release", "hotline"))
    ap.add_argument("--per-corpus", type=int, default=60, help="utterances per corpus (spread over its speakers)")
    ap.add_argument("--model", default=os.path.join(ROOT, "Models", "acoustic", "acoustic.hnn"), help="acoustic model to score")
    args = ap.parse_args()
    lex = Lexicon()
    by_corpus = collections.defaultdict(list)
    for item in continuous():
        if item["dev"] and lex.phones(item["words"]) is not None:
            by_corpus[item["source"]].append(item)
    items = []
    for source, group in sorted(by_corpus.items()):
        # Round-robin over speakers so every dev speaker is in the sample.
        speakers = collections.defaultdict(list)
        for item in group:
            speakers[item["speaker"]].append(item)
        queues = [speakers[s] for s in sorted(speakers)]
        picked = []
        while len(picked) < args.per_corpus and any(queues):
            for q in queues:
                if q and len(picked) < args.per_corpus:
                    picked.append(q.pop(0))
        items += picked
    with tempfile.TemporaryDirectory() as tmp:
        files, seconds = [], 0.0
        for k, item in enumerate(items):
            x = channel(load(item["path"]))
            seconds += len(x) / 8000
            path = os.path.join(tmp, f"{k:04d}.wav")
            soundfile.write(path, (x / 32768).astype(np.float32), 8000, subtype="PCM_16")
            files.append(path)
            item["file"] = path
        ours, our_time = hotline_phones(args.hotline, files, args.model)
        theirs, their_time = pocketsphinx_phones(files)
    inv = {i + 1: p for i, p in enumerate(PHONES)}
    errors = collections.defaultdict(lambda: [0, 0, 0])   # key -> [hotline errors, pocketsphinx errors, reference phones]
    for item in items:
        ref = [inv[i] for i in lex.phones(item["words"])]
        for key in (item["source"], item["source"] + "/" + item["speaker"].split(":")[1], "all"):
            e = errors[key]
            e[0] += edit_distance(ours[item["file"]], ref)
            e[1] += edit_distance(theirs[item["file"]], ref)
            e[2] += len(ref)
    print(f"phone error rate, {len(items)} utterances ({seconds / 60:.1f} min) of dev speakers, telephone channel")
    print(f"{'set':<44} {'hotline':>8} {'pocketsphinx':>13} {'phones':>7}")
    for key in sorted(errors, key=lambda k: (k == "all", k.count("/"), k)):
        e = errors[key]
        print(f"{key:<44} {100 * e[0] / e[2]:7.1f}% {100 * e[1] / e[2]:12.1f}% {e[2]:7d}")
    print(f"time: hotline {our_time:.1f} s (the whole command), pocketsphinx {their_time:.1f} s (decoding only); "
          f"ratio {their_time / our_time:.1f}x")


if __name__ == "__main__":
    main()
