#!/usr/bin/env python3
"""Recognition accuracy, rejection and speed: Hotline against pocketsphinx 5 (its en-us
model) with the same grammar on the same files, printed side by side.

Test sets, all from development speakers of ../shared/speech (never used in training):
  digits     FSDD files with index 0-4 (4 speakers x 10 digits x 5), one-digit grammar
  commands   Speech Commands yes/no/up/down/left/right/on/off/stop/go, dev speakers
             (crc32(speaker) % 10 == 0, as tools/train/data.py), grammar of those ten words
  strings    4-10 digit strings joined from dev-speaker digit clips (same speaker when it
             has the digits) with 0.15-0.35 s of room tone, grammar builtin:digits?min=4&max=10
  oog        other Speech Commands words (dev speakers, 25) and noise clips (102) against the
             command grammar: each should be rejected (words and noise are also shown apart)

Recordings with no word to hear on a phone line are left out of every set and listed
(`audible`): a few Speech Commands clips hold only a speaker's background noise.

Usage: python3 bench/recognize.py [--hotline .build/release/hotline] [--limit N] [--model FILE.hnn]
"""
import argparse, glob, json, os, subprocess, sys, tempfile, time, zlib
import numpy as np
import soundfile, soxr
from pocketsphinx import Decoder
from scipy.signal import butter, sosfilt

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
SPEECH = os.path.join(ROOT, "..", "shared", "speech")
DIGITS = "zero one two three four five six seven eight nine".split()
COMMANDS = "yes no up down left right on off stop go".split()
LATENCIES = []   # ms from the end of each file's audio to its final result
INAUDIBLE = set()   # labelled recordings left out: no word to hear (see audible)


def dev_speaker(name):
    return zlib.crc32(name.encode()) % 10 == 0


def speaker_of(path):
    base = os.path.basename(path)
    return base.split("_")[1] if base.count("_") == 2 and base.endswith(".wav") else base.split("_nohash_")[0]


def audible(path, min_db=6):
    """Whether a labelled recording holds something to hear on a phone line: its loudest
    50 ms in the 300-3400 Hz band at least `min_db` above its quietest tenth (digital
    silence aside). Speech, even at 0 dB SNR, rises 11 dB or more in every clip here; the
    clips below 3 dB hold only background noise."""
    x, rate = soundfile.read(path, dtype="float32")
    x = sosfilt(butter(4, [300, 3400], "bandpass", fs=rate, output="sos"), x)
    n = rate // 20
    power = np.array([np.mean(x[i:i + n] ** 2) for i in range(0, len(x) - n + 1, n // 2)])
    power = power[power > 1e-10]
    return len(power) >= 2 and 10 * np.log10(power.max() / np.percentile(power, 10)) >= min_db


def test_sets(tmp, limit, training_speakers=False):
    """The four sets, from dev speakers; or, with `training_speakers`, sets built the same
    way from training recordings (FSDD indices 5-9, the other Speech Commands speakers,
    other noise clips) for choosing settings without looking at the dev sets."""
    def wanted(path):
        if dev_speaker(speaker_of(path)) == training_speakers:
            return False
        if not audible(path):
            INAUDIBLE.add(os.path.relpath(path, SPEECH))
            return False
        return True

    sets = {}
    indices = range(5, 10) if training_speakers else range(5)
    fsdd = sorted(p for p in glob.glob(os.path.join(SPEECH, "fsdd", "*.wav")) if int(p[:-4].split("_")[-1]) in indices)
    sets["digits"] = [(p, DIGITS[int(os.path.basename(p)[0])]) for p in fsdd]
    commands = []
    for w in COMMANDS:
        commands += [(p, w) for p in sorted(glob.glob(os.path.join(SPEECH, "speech-commands", w, "*.flac"))) if wanted(p)]
    sets["commands"] = commands
    others = [d for d in sorted(os.listdir(os.path.join(SPEECH, "speech-commands")))
              if os.path.isdir(os.path.join(SPEECH, "speech-commands", d)) and d not in COMMANDS]
    oog = []
    for w in others:
        oog += [(p, "") for p in sorted(glob.glob(os.path.join(SPEECH, "speech-commands", w, "*.flac"))) if wanted(p)]
    oog += [(p, "") for p in sorted(glob.glob(os.path.join(SPEECH, "noise", "*.flac")))[2 if training_speakers else 0::4]]
    sets["oog"] = oog
    # Digit strings from the digits set's FSDD files plus the chosen speakers' Speech Commands digits.
    clips = {}
    for p, w in sets["digits"]:
        clips.setdefault(speaker_of(p), []).append((p, w))
    for w in DIGITS:
        for p in sorted(glob.glob(os.path.join(SPEECH, "speech-commands", w, "*.flac"))):
            if wanted(p):
                clips.setdefault("sc", []).append((p, w))
    rng = np.random.default_rng(2026)
    noise = [soundfile.read(p, dtype="float32")[0] for p in sorted(glob.glob(os.path.join(SPEECH, "noise", "*.flac")))[:40]]
    strings = []
    speakers = sorted(clips)
    for i in range(100):
        pool = clips[speakers[i % len(speakers)]]
        n = int(rng.integers(4, 11))
        picks = [pool[rng.integers(len(pool))] for _ in range(n)]
        parts = []
        for p, _ in picks:
            x, r = soundfile.read(p, dtype="float32")
            x = soxr.resample(x, r, 8000) if r != 8000 else x
            e = np.convolve(x ** 2, np.ones(80) / 80, "same")
            on = np.nonzero(e > e.max() * 10 ** -3.5)[0]
            x = x[max(0, on[0] - 400): on[-1] + 400]
            gap = noise[rng.integers(len(noise))][: int(rng.uniform(0.15, 0.35) * 8000)]
            parts += [x, gap * 0.1]
        path = os.path.join(tmp, f"string-{speakers[i % len(speakers)]}-{i:03d}.wav")
        soundfile.write(path, np.concatenate(parts), 8000, subtype="PCM_16")
        strings.append((path, " ".join(w for _, w in picks)))
    sets["strings"] = strings
    if limit:
        sets = {k: v[:limit] for k, v in sets.items()}
    return sets


def duration(files):
    return sum(soundfile.info(p).duration for p in files)


def run_hotline(hotline, files, grammar, model=None):
    t = time.perf_counter()
    out = subprocess.run([hotline, "recognize", "--json", "--grammar", grammar] + (["--model", model] if model else []) + files,
                         capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - t
    if out.returncode != 0:
        sys.exit(f"hotline recognize failed: {out.stderr}")
    results = [json.loads(line) for line in out.stdout.splitlines()]
    LATENCIES.extend(r["finalLatencyMs"] for r in results)
    return {r["file"]: ("" if r["rejected"] else r["text"]) for r in results}, elapsed


def jsgf(kind):
    body = {"digits": "<d>", "commands": " | ".join(COMMANDS),
            "strings": "<d> <d> <d> <d>+"}[kind]
    return ("#JSGF V1.0;\ngrammar g;\n<d> = zero | oh | one | two | three | four | five | six | seven | eight | nine;\n"
            f"public <main> = {body};\n")


def run_pocketsphinx(files, kind, tmp):
    path = os.path.join(tmp, kind + ".gram")
    with open(path, "w") as f:
        f.write(jsgf(kind))
    dec = Decoder(jsgf=path, samprate=16000, loglevel="FATAL")
    return decode(dec, files, lambda d: d.hyp().hypstr if d.hyp() else "")


def decode(dec, files, result):
    """Each file through the pocketsphinx decoder `dec` at its 16 kHz: `result(dec)` per
    file, and the time decoding took (reading and resampling are outside the clock)."""
    audio = {}
    for p in files:
        x, r = soundfile.read(p, dtype="float32")
        audio[p] = (np.clip(soxr.resample(x, r, 16000), -1, 1) * 32767).astype(np.int16).tobytes()
    out, t = {}, time.perf_counter()
    for p in files:
        dec.start_utt()
        dec.process_raw(audio[p], full_utt=True)
        dec.end_utt()
        out[p] = result(dec)
    return out, time.perf_counter() - t


def normalise(text):
    return " ".join("zero" if w == "oh" else w for w in text.split())


def score(results, items):
    right = sum(normalise(results[p]) == normalise(ref) for p, ref in items)
    per_speaker = {}
    for p, ref in items:
        s = per_speaker.setdefault(speaker_of(p) if "string-" not in p else os.path.basename(p).split("-")[1], [0, 0])
        s[0] += normalise(results[p]) == normalise(ref)
        s[1] += 1
    return right / len(items), per_speaker


def confusions(results, items, top=8):
    """The most frequent (said -> heard) pairs among errors; rejections show as '(rejected)'."""
    counts = {}
    for p, ref in items:
        heard = normalise(results[p])
        if heard != normalise(ref):
            pair = (normalise(ref), heard or "(rejected)")
            counts[pair] = counts.get(pair, 0) + 1
    return sorted(counts.items(), key=lambda kv: -kv[1])[:top]


def wilson(rate, n, z=1.96):
    """95% Wilson score interval of a proportion seen in n files: how far a figure on this
    many files can be from the rate on all such speech."""
    centre, half = (rate + z * z / (2 * n)) / (1 + z * z / n), z * np.sqrt(rate * (1 - rate) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return f"{centre - half:.1%}-{centre + half:.1%}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build", "release", "hotline"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--model", help="acoustic model to score (default: the committed one)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sets = test_sets(tmp, args.limit)
        print(f"left out, no word to hear: {len(INAUDIBLE)} recordings ({', '.join(sorted(INAUDIBLE))})")
        grammars = {"digits": "builtin:digits?min=1&max=1", "commands": os.path.join(tmp, "commands.grammar"),
                    "strings": "builtin:digits?min=4&max=10"}
        with open(grammars["commands"], "w") as f:
            f.write("public $main = " + " | ".join(COMMANDS) + " ;\n")
        # Start-up (model, lexicon and grammar loading) measured on one short file and subtracted.
        startup = min(run_hotline(args.hotline, [sets["oog"][-1][0]], grammars["commands"], args.model)[1] for _ in range(3))
        print(f"{'set':10} {'files':>5} {'audio s':>8} | {'hotline':>8} {'xRT':>7} | {'psphinx':>8} {'xRT':>7} | speed ratio")
        totals = [0.0, 0.0, 0.0]
        report = {}
        for kind in ("digits", "commands", "strings", "oog"):
            items = sets[kind]
            files = [p for p, _ in items]
            audio = duration(files)
            grammar = grammars["commands" if kind == "oog" else kind]
            ours, t_ours = run_hotline(args.hotline, files, grammar, args.model)
            t_ours = max(1e-6, t_ours - startup)
            theirs, t_theirs = run_pocketsphinx(files, "commands" if kind == "oog" else kind, tmp)
            if kind == "oog":
                acc_o = sum(ours[p] == "" for p in files) / len(files)
                acc_t = sum(theirs[p] == "" for p in files) / len(files)
                label = "rejected"
                # Most of the set is noise, which is easy to reject: words are shown apart.
                report[kind] = {}
                for part, noise in (("words", False), ("noise", True)):
                    chosen = [p for p in files if ("/noise/" in p) == noise]
                    for name, out in (("hotline", ours), ("pocketsphinx", theirs)):
                        report[kind][f"rejected_{part}_{name}"] = f"{sum(out[p] == '' for p in chosen)}/{len(chosen)}"
            else:
                (acc_o, spk_o), (acc_t, spk_t) = score(ours, items), score(theirs, items)
                label = "accuracy"
                report[kind] = dict(per_speaker_hotline={k: round(v[0] / v[1], 3) for k, v in spk_o.items() if kind != "commands"})
                false_reject = sum(ours[p] == "" for p in files) / len(files)
                report[kind]["false_rejection_hotline"] = round(false_reject, 3)
                if kind != "strings":
                    report[kind]["confusions_hotline"] = [f"{a} -> {b}: {n}" for (a, b), n in confusions(ours, items)]
            report[kind]["interval_95_hotline"] = wilson(acc_o, len(files))
            print(f"{kind:10} {len(files):5d} {audio:8.1f} | {acc_o:8.1%} {t_ours / audio:7.4f} | {acc_t:8.1%} {t_theirs / audio:7.4f} | {t_theirs / t_ours:6.1f}x  ({label})")
            totals[0] += audio; totals[1] += t_ours; totals[2] += t_theirs
        print(f"{'all':10} {'':5} {totals[0]:8.1f} | {'':8} {totals[1] / totals[0]:7.4f} | {'':8} {totals[2] / totals[0]:7.4f} | {totals[2] / totals[1]:6.1f}x")
        print(f"final result after the end of audio: p50 {np.percentile(LATENCIES, 50):.2f} ms, "
              f"p95 {np.percentile(LATENCIES, 95):.2f} ms, max {max(LATENCIES):.2f} ms")
        for kind, figures in report.items():
            print(f"{kind}: " + json.dumps(figures))


if __name__ == "__main__":
    main()
