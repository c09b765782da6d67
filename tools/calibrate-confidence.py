#!/usr/bin/env python3
"""Fits the recognizer's confidence calibration on training speakers and training voices,
so that a confidence means the same, the chance the result is right, for one word and for
a whole sentence.

The recognizer's raw fit is exp(-gap), the log-probability per frame of speech the grammar
had to give up against the free phone path. Long answers give up more per frame than
single words even when right, so one threshold cannot serve both. The calibrated
confidence is a logistic function of ln(fit), ln(1 + words), their product and the margin
(ln of the fit over the best answer meaning something else, at most 3), fitted here on:
  - the sets of tools/tune-recognizer.py from training speakers (isolated digits, command
    words, digit strings; other words and noise against the command grammar);
  - spoken coffee orders drawn like bench/orders.py's (another seed) but said by training
    voices (flite awb and kal16, espeak-ng en-us+m3 and en-us+f4), and other IVR
    sentences by the same voices against the order grammar;
  - menu phrases as a phrase list (`.phrases`, each its own intent, as a call's menu
    options are) said by those voices, and sentences of other kinds against it,
each as `hotline recognize` hears it and as a call hears it (`--as-call`), every set
weighted alike. It prints the coefficients for `Recognizer.Calibration` and, per set,
what each threshold would reject.

`--voices` says the sentences with other voices (e.g. the held-out dev voices
espeak:en-us+f2,flite:rms, to see how the fit differs on voices training never heard).

Usage: python3 tools/calibrate-confidence.py [--hotline .build/release/hotline] [--limit 200] [--voices V1,V2]
"""
import argparse, collections, json, os, subprocess, sys, tempfile
import numpy as np
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import recognize as bench   # noqa: E402
import orders               # noqa: E402

TRAINING_VOICES = ["flite:awb", "flite:kal16", "espeak:en-us+m3", "espeak:en-us+f4"]
OTHER_SENTENCES = [
    "where is my order", "i'd like to pay my bill", "what are your opening hours", "talk to an agent please",
    "i want to cancel my subscription", "my card was charged twice", "can you help me with a return",
    "what time do you close today", "i need to change my address", "is the store open on sunday",
    "the package never arrived", "i would like to speak to a manager", "how much is shipping",
    "can i have my receipt", "yes that's right", "no thank you", "repeat that please", "one two three four",
]


MENU_PHRASES = [
    "track my package", "pay my bill", "opening hours", "talk to an agent", "return an item", "my device is broken",
    "reset my password", "cancel my order", "change my address", "billing question", "technical support",
    "check my balance", "report a lost card", "speak to a nurse", "book an appointment", "repeat that",
]
NOT_MENU = [
    "can i have a large latte please", "two medium teas", "the weather is nice today", "my name is john smith",
    "five five five oh one nine nine", "i was just calling to say hello", "how old are you", "it is twelve thirty",
]


def recognize(hotline, files, grammar, extra):
    out = subprocess.run([hotline, "recognize", "--json", "--threshold", "0", "--grammar", grammar]
                         + extra + files, capture_output=True, text=True, cwd=bench.ROOT, check=True)
    return {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}


def margin(result):
    """How far (ln, at most 3) the best path's fit is above the best answer meaning something else."""
    return result["margin"]


def features(fit, words, gap):
    fit = max(fit, 1e-4)
    return [1.0, np.log(fit), np.log(1 + words), np.log(fit) * np.log(1 + words), gap]


def collect(hotline, tmp, limit, voices):
    """(set, right, fit, words) per file and mode."""
    rows = []
    sets = bench.test_sets(tmp, limit, training_speakers=True)
    commands = os.path.join(tmp, "commands.grammar")
    with open(commands, "w") as f:
        f.write("public $main = " + " | ".join(bench.COMMANDS) + " ;\n")
    grammars = {"digits": "builtin:digits?min=1&max=1", "commands": commands, "strings": "builtin:digits?min=4&max=10",
                "oog": commands}
    gram = os.path.join(tmp, "orders.gram")
    with open(gram, "w") as f:
        f.write(orders.hotline_grammar())
    def said(name, texts):
        """Each text said by each of `voices`: (file, its index in `texts`)."""
        files = []
        for voice in voices:
            for i, text in enumerate(texts):
                path = os.path.join(tmp, f"{name}-{voice.replace(':', '_')}-{i}.wav")
                orders.speak(voice, text, path)
                files.append((path, i))
        return files
    drawn = orders.draw_orders(20, seed=11)
    spoken = [(p, drawn[i][1]) for p, i in said("order", [text for text, _ in drawn])]
    other = [p for p, _ in said("other", OTHER_SENTENCES)]
    menu = os.path.join(tmp, "menu.phrases")
    with open(menu, "w") as f:
        # One intent per phrase, as a call's menu tags each option: the margin is between options.
        f.write("".join(f"{phrase} => option{i}\n" for i, phrase in enumerate(MENU_PHRASES)))
    phrases = [(p, MENU_PHRASES[i]) for p, i in said("menu", MENU_PHRASES)]
    not_menu = [p for p, _ in said("notmenu", NOT_MENU)]
    for extra in ([], ["--as-call"]):
        results = recognize(hotline, [p for p, _ in phrases], menu, extra)
        rows += [("menu phrases", (results[p]["nbest"] or [{"text": ""}])[0]["text"] == text, results[p]["fit"],
                  len(results[p]["words"]), margin(results[p])) for p, text in phrases]
        results = recognize(hotline, not_menu, menu, extra)
        rows += [("not menu phrases", False, results[p]["fit"], len(results[p]["words"]), margin(results[p])) for p in not_menu]
        for name, items in sets.items():
            results = recognize(hotline, [p for p, _ in items], grammars[name], extra)
            for p, ref in items:
                r = results[p]
                heard = r["nbest"][0]["text"] if r["nbest"] else ""
                right = name != "oog" and bench.normalise(heard) == bench.normalise(ref)
                rows.append((name, right, r["fit"], len(r["words"]), margin(r)))
        results = recognize(hotline, [p for p, _ in spoken], gram, extra)
        rows += [("orders", (results[p].get("interpretation") or {}).get("slots") == s, results[p]["fit"],
                  len(results[p]["words"]), margin(results[p])) for p, s in spoken]
        results = recognize(hotline, other, gram, extra)
        rows += [("other sentences", False, results[p]["fit"], len(results[p]["words"]), margin(results[p])) for p in other]
    return rows


def fit(rows):
    """Weighted logistic regression (Newton's method), every set weighing the same."""
    x = np.array([features(*r[2:]) for r in rows])
    y = np.array([float(r[1]) for r in rows])
    count = collections.Counter(r[0] for r in rows)
    weight = np.array([len(rows) / (len(count) * count[r[0]]) for r in rows])
    beta = np.zeros(x.shape[1])
    for _ in range(100):
        p = 1 / (1 + np.exp(-x @ beta))
        hessian = x.T @ (x * (weight * p * (1 - p))[:, None]) + 1e-6 * np.eye(len(beta))
        step = np.linalg.solve(hessian, x.T @ (weight * (y - p)))
        beta += step
        if np.abs(step).max() < 1e-8:
            break
    return beta


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(bench.ROOT, ".build", "release", "hotline"))
    ap.add_argument("--limit", type=int, default=200, help="at most this many files per set of words")
    ap.add_argument("--voices", default=",".join(TRAINING_VOICES), help="voices that say the sentences")
    ap.add_argument("--rows", help="also write the collected results here (JSON)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rows = collect(args.hotline, tmp, args.limit, args.voices.split(","))
    if args.rows:
        with open(args.rows, "w") as f:
            json.dump(rows, f)
    beta = fit(rows)
    print(f"{len(rows)} results; Recognizer.Calibration: bias {beta[0]:.3f}, fit {beta[1]:.3f}, "
          f"words {beta[2]:.3f}, fitTimesWords {beta[3]:.3f}, margin {beta[4]:.3f}")
    scores = {"raw fit": [r[2] for r in rows],
              "calibrated": [1 / (1 + np.exp(-np.dot(features(*r[2:]), beta))) for r in rows]}
    for name, score in scores.items():
        print(name)
        for t in (0.25, 0.3, 0.4, 0.5):
            parts = []
            for s in dict.fromkeys(r[0] for r in rows):
                mine = [(r[1], c) for r, c in zip(rows, score) if r[0] == s]
                if s in ("oog", "other sentences", "not menu phrases"):
                    parts.append(f"{s} rejected {np.mean([c < t for _, c in mine]):.0%}")
                else:
                    parts.append(f"{s} right but rejected {np.mean([c < t for r, c in mine if r]):.1%}")
            print(f"  threshold {t}: " + ", ".join(parts))


if __name__ == "__main__":
    main()
