#!/usr/bin/env python3
"""Writes Models/lexicon/background-words.counts: how often each word occurs in general
English as callers say it, for the open-answer language model (HotlineASR.LanguageModel).

Source: the verbatim transcripts of ../shared/speech/continuous, training speakers only (the
same speaker split as the acoustic model: tools/train/data.py), so that no dev speaker's
sentences shape what the recognizer expects. Words are kept when they occur at least
--min-count times and CMUdict spells them.

Usage: python3 tools/build-background-words.py [--min-count 2]
"""
import argparse, collections, csv, os, re, zlib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CONTINUOUS = os.path.join(ROOT, "..", "shared", "speech", "continuous")
# Held-out speakers: crc32("corpus:speaker") % modulo == 0 (tools/train/data.py); VCTK is all dev.
HELD_OUT_MODULO = {"librispeech": 5, "speechocean762": 10}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-count", type=int, default=2)
    args = ap.parse_args()
    with open(os.path.join(ROOT, "Models", "lexicon", "cmudict-en-us.dict"), encoding="utf-8") as f:
        spelled = {line.split()[0].split("(")[0] for line in f if line.strip() and not line.startswith(";")}
    counts, sentences = collections.Counter(), 0
    with open(os.path.join(CONTINUOUS, "transcripts.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            corpus = row["corpus"]
            modulo = HELD_OUT_MODULO.get(corpus)
            if corpus == "vctk" or (modulo and zlib.crc32(f"{corpus}:{row['speaker']}".encode()) % modulo == 0):
                continue
            sentences += 1
            counts.update(re.findall(r"[a-z']+", row["text"].lower()))
    kept = sorted(((w, n) for w, n in counts.items() if n >= args.min_count and w in spelled), key=lambda x: (-x[1], x[0]))
    out = os.path.join(ROOT, "Models", "lexicon", "background-words.counts")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# word<TAB>count: {len(kept)} words seen at least {args.min_count} times in {sentences} sentences of the\n"
                "# training speakers of ../shared/speech/continuous; written by tools/build-background-words.py\n")
        for w, n in kept:
            f.write(f"{w}\t{n}\n")
    print(f"{out}: {len(kept)} words from {sentences} sentences")


if __name__ == "__main__":
    main()
