#!/usr/bin/env python3
"""Chooses the recognizer's rejection threshold and word penalty on sets built like those
of bench/recognize.py from training speakers (so the benchmark's dev speakers stay
unseen; `--speakers dev` shows the same table on the benchmark's sets): for each word
penalty, accuracy per set; for each threshold, in-grammar false rejections and
out-of-grammar rejections.

Usage: python3 tools/tune-recognizer.py [--hotline .build/release/hotline] [--limit N] [--speakers train|dev]
"""
import argparse, json, os, subprocess, sys, tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import recognize as bench  # noqa: E402


def run(hotline, files, grammar, penalty):
    out = subprocess.run([hotline, "recognize", "--json", "--threshold", "0", f"--word-penalty={penalty}",
                          "--grammar", grammar] + files, capture_output=True, text=True, cwd=bench.ROOT, check=True)
    return {r["file"]: r for r in map(json.loads, out.stdout.splitlines())}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(bench.ROOT, ".build", "release", "hotline"))
    ap.add_argument("--limit", type=int, default=0, help="at most this many files per set (0: all)")
    ap.add_argument("--speakers", choices=("train", "dev"), default="train")
    ap.add_argument("--penalties", default="0,2,4", help="word penalties to try (positive: a bonus per word)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sets = bench.test_sets(tmp, args.limit, training_speakers=args.speakers == "train")
        print(", ".join(f"{k} {len(v)} files" for k, v in sets.items()) + f" ({args.speakers} speakers)")
        commands = os.path.join(tmp, "commands.grammar")
        with open(commands, "w") as f:
            f.write("public $main = " + " | ".join(bench.COMMANDS) + " ;\n")
        grammars = {"digits": "builtin:digits?min=1&max=1", "commands": commands,
                    "strings": "builtin:digits?min=4&max=10", "oog": commands}
        for penalty in map(float, args.penalties.split(",")):
            results = {k: run(args.hotline, [p for p, _ in v], grammars[k], penalty) for k, v in sets.items()}
            accuracy = {k: sum(bench.normalise(results[k][p]["nbest"][0]["text"] if results[k][p]["nbest"] else "") == bench.normalise(ref)
                               for p, ref in v) / len(v) for k, v in sets.items() if k != "oog"}
            print(f"word penalty {penalty}: accuracy before rejection " + ", ".join(f"{k} {a:.1%}" for k, a in accuracy.items()))
            if penalty == 0:
                inside = [results[k][p]["confidence"] for k in ("digits", "commands", "strings") for p, _ in sets[k]]
                outside = [results["oog"][p]["confidence"] for p, _ in sets["oog"]]
                for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
                    fr = sum(c < t for c in inside) / len(inside)
                    rej = sum(c < t for c in outside) / len(outside)
                    print(f"  threshold {t:.2f}: in-grammar falsely rejected {fr:.1%}, out-of-grammar rejected {rej:.1%}")


if __name__ == "__main__":
    main()
