#!/usr/bin/env python3
"""Spoken coffee orders: whole-order accuracy (the drink and every slot right) of Hotline
against pocketsphinx 5 with the same grammar (in JSGF) on the same files, per voice.

The grammar (written out below, about 200,000 paths): an optional lead-in ("can i get",
"i'd like", ...), count, size, roast, a drink, milk and "please", each slot tagged. Orders
are drawn from it at random (fixed seed) and spoken by voices acoustic training never
heard (festival's ked diphone voice and the slt HTS voice) and by the two dev voices it
held out (espeak-ng en-us+f2, flite rms), then sent through a fixed telephone channel
(300-3400 Hz, -20 dBFS, mu-law; bench/phones.py) with half a second of silence around.
No dev speaker of ../shared/speech/continuous says an order, so the set is synthetic:
the real spoken-order set the issue names is not in ../shared.

Hotline runs as a call hears (`hotline recognize --as-call`: fillers and garbage around
the grammar); its interpretation's slots are compared with the order's. pocketsphinx's
hypothesis text is read with the same grammar (`hotline grammar`). Also printed: Hotline
with rejection off (its best path even when unsure), and speed as x realtime.

For tuning, `--voices espeak:en-us,flite:kal` speaks the orders with training voices
instead (never tune on the benchmark's own voices), `--recognize-args "--phone-bonus 1"`
passes options to `hotline recognize`, and `--only-hotline` skips pocketsphinx.
`--between` says the same orders with other words between their parts ("a large, let me
see, dark roast latte"), which a caller's grammar does not list.

Usage: python3 bench/orders.py [--hotline .build/release/hotline] [--orders 40] [--model FILE.hnn]
       [--voices V1,V2] [--recognize-args ARGS] [--only-hotline] [--between]
"""
import argparse, json, os, random, shutil, subprocess, sys, tempfile, time
import numpy as np
import soundfile, soxr

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from phones import channel                      # noqa: E402
from recognize import decode, wilson            # noqa: E402
from pocketsphinx import Decoder                 # noqa: E402

# Each slot: (rule, [(words, value)]); None as a value: words without a tag.
LEADS = ["can i have", "can i get", "i'd like", "i would like", "i'll have", "give me", "let me get", "could i get"]
SLOTS = [
    ("count", [("a", "1"), ("one", "1"), ("two", "2"), ("three", "3")]),
    ("size", [("small", "small"), ("medium", "medium"), ("large", "large"), ("twelve ounce", "12oz"),
              ("sixteen ounce", "16oz")]),
    ("roast", [("light roast", "light"), ("medium roast", "medium"), ("dark roast", "dark")]),
    ("drink", [("coffee", "coffee"), ("latte", "latte"), ("cappuccino", "cappuccino"), ("americano", "americano"),
               ("mocha", "mocha"), ("espresso", "espresso"), ("tea", "tea"), ("hot chocolate", "hot_chocolate")]),
    ("milk", [("with oat milk", "oat"), ("with soy milk", "soy"), ("with almond milk", "almond"),
              ("with whole milk", "whole"), ("with skim milk", "skim"), ("with no milk", "none")]),
]
# Words callers put between the parts of an order ("a large, let me see, dark roast latte"): --between.
BETWEEN = ["uh", "um", "let me see", "actually", "hmm", "you know", "what else", "and"]
VOICES = ["festival:ked_diphone", "festival:cmu_us_slt_arctic_hts", "espeak:en-us+f2", "flite:rms"]


def hotline_grammar():
    rules = [f"$lead = {' | '.join(LEADS)} ;"]
    for name, options in SLOTS:
        rules.append(f"${name} = " + " | ".join(f"{w} {{{name}={v}}}" for w, v in options) + " ;")
    rules.append("public $order = [$lead] [$count] [$size] [$roast] $drink [$milk] [please] ;")
    return "\n".join(rules) + "\n"


def jsgf_grammar():
    rules = ["#JSGF V1.0;", "grammar orders;", f"<lead> = {' | '.join(LEADS)};"]
    for name, options in SLOTS:
        rules.append(f"<{name}> = " + " | ".join(w for w, _ in options) + ";")
    rules.append("public <order> = [<lead>] [<count>] [<size>] [<roast>] <drink> [<milk>] [please];")
    return "\n".join(rules) + "\n"


def draw_orders(n, seed=7, between=False):
    """`n` random orders: (text, slots); with `between`, the same orders with one of
    BETWEEN put between two of their parts."""
    rng, orders = random.Random(seed), []
    gaps = random.Random(seed + 1)
    for _ in range(n):
        words, slots = [], {}
        if rng.random() < 0.7:
            words.append(rng.choice(LEADS))
        for name, options in SLOTS:
            if name == "drink" or rng.random() < 0.55:
                w, v = rng.choice(options)
                words.append(w)
                slots[name] = v
        if rng.random() < 0.4:
            words.append("please")
        if between and len(words) > 1:
            words.insert(gaps.randrange(1, len(words)), gaps.choice(BETWEEN))
        orders.append((" ".join(words), slots))
    return orders


def speak(voice, text, path):
    """`text` by `voice` (as `hotline flow test --voices` names them) to an 8 kHz phone-line WAV."""
    raw = path + ".raw.wav"
    kind, name = voice.split(":", 1)
    if kind == "espeak":
        subprocess.run(["espeak-ng", "-v", name, "-w", raw, text], check=True)
    elif kind == "flite":
        subprocess.run(["flite", "-voice", name, "-t", text, "-o", raw], check=True)
    else:
        subprocess.run(["text2wave", "-eval", f"(voice_{name})", "-o", raw], input=text, text=True, check=True,
                       stderr=subprocess.DEVNULL)
    x, rate = soundfile.read(raw, dtype="float64")
    os.remove(raw)
    x = soxr.resample(x, rate, 8000) * 32768
    quiet = np.zeros(4000)
    y = channel(np.concatenate([quiet, x, quiet]))
    soundfile.write(path, (y / 32768).astype(np.float32), 8000, subtype="PCM_16")


def hotline_slots(hotline, model, gram, files, threshold, extra=()):
    out = subprocess.run([hotline, "recognize", "--as-call", "--json", "--threshold", str(threshold), "--grammar", gram,
                          "--model", model, *extra] + files, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"hotline recognize failed: {out.stderr}")
    results = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        results[r["file"]] = None if r["rejected"] else (r.get("interpretation") or {}).get("slots", {})
    return results


def parse_texts(hotline, gram, texts):
    """Slots of each text by the grammar (None: no parse), via `hotline grammar`."""
    texts = [t for t in texts if t]
    if not texts:
        return {}
    out = subprocess.run([hotline, "grammar", gram, "--json"] + texts, capture_output=True, text=True, cwd=ROOT)
    parsed = {}
    for line in out.stdout.splitlines():
        r = json.loads(line)
        parsed[r["text"]] = r["interpretation"]["slots"] if r["match"] else None
    return parsed


def report(voices, items, results, seconds, ours_time, ps_time):
    """Per voice, the share of `items` (voice, file, wanted) each of `results` (Hotline,
    Hotline without rejection, pocketsphinx: file -> answer) got right; Hotline's 95%
    interval, and both speeds as x realtime of `seconds` of audio."""
    print(f"{'voice':34s} {'Hotline':>9s} {'(no reject)':>12s} {'pocketsphinx':>13s}")
    totals = [0, 0, 0]
    for voice in voices:
        mine = [(p, s) for v, p, s in items if v == voice]
        right = [sum(r[p] == s for p, s in mine) for r in results]
        totals = [a + b for a, b in zip(totals, right)]
        print(f"{voice:34s} " + " ".join(f"{100 * r / len(mine):{w}.1f}%" for r, w in zip(right, (8, 11, 12))))
    n = len(items)
    print(f"{'all':34s} " + " ".join(f"{100 * r / n:{w}.1f}%" for r, w in zip(totals, (8, 11, 12))))
    print(f"Hotline 95% interval {wilson(totals[0] / n, n)}")
    print(f"speed: Hotline {ours_time / seconds:.4f} x realtime (whole process, model loading included), "
          f"pocketsphinx {ps_time / seconds:.4f} x realtime (decoding only); ratio {ps_time / ours_time:.1f}x")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build", "release", "hotline"))
    ap.add_argument("--orders", type=int, default=40, help="orders per voice")
    ap.add_argument("--model", default=os.path.join(ROOT, "Models", "acoustic", "acoustic.hnn"))
    ap.add_argument("--voices", default=",".join(VOICES), help="voices to speak the orders (tuning: training voices only)")
    ap.add_argument("--recognize-args", default="", help="more options for hotline recognize")
    ap.add_argument("--only-hotline", action="store_true", help="skip pocketsphinx")
    ap.add_argument("--between", action="store_true", help="the same orders with other words between their parts")
    args = ap.parse_args()
    voices, extra = args.voices.split(","), args.recognize_args.split()
    for tool in ["espeak-ng", "flite", "text2wave"]:
        if shutil.which(tool) is None:
            sys.exit(f"orders.py: {tool} is missing (make bench-orders installs it)")
    tmp = tempfile.mkdtemp(prefix="orders-")
    gram, jsgf = os.path.join(tmp, "orders.gram"), os.path.join(tmp, "orders.jsgf")
    with open(gram, "w") as f:
        f.write(hotline_grammar())
    with open(jsgf, "w") as f:
        f.write(jsgf_grammar())
    orders = draw_orders(args.orders, between=args.between)
    items = []   # (voice, file, slots)
    for voice in voices:
        for i, (text, slots) in enumerate(orders):
            path = os.path.join(tmp, f"{voice.replace(':', '_')}-{i:03d}.wav")
            speak(voice, text, path)
            items.append((voice, path, slots))
    files = [p for _, p, _ in items]
    seconds = sum(soundfile.info(p).duration for p in files)

    t = time.perf_counter()
    ours = hotline_slots(args.hotline, args.model, gram, files, 0.4, extra)
    ours_time = time.perf_counter() - t
    ours_open = hotline_slots(args.hotline, args.model, gram, files, 0.0, extra)
    theirs, ps_time = {p: None for p in files}, float("nan")
    if not args.only_hotline:
        dec = Decoder(jsgf=jsgf, samprate=16000, loglevel="FATAL")
        hyps, ps_time = decode(dec, files, lambda d: d.hyp().hypstr if d.hyp() else "")
        parsed = parse_texts(args.hotline, gram, list(hyps.values()))
        theirs = {p: parsed.get(h) if h else None for p, h in hyps.items()}

    print(f"{len(orders)} orders x {len(voices)} voices = {len(files)} files, {seconds:.0f} s of audio, telephone channel")
    report(voices, items, (ours, ours_open, theirs), seconds, ours_time, ps_time)
    wrong = [(v, p, s) for v, p, s in items if ours[p] != s][:8]
    for v, p, s in wrong:
        print(f"  {v}: wanted {s}, heard {ours[p]} (no reject: {ours_open[p]})")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
