#!/usr/bin/env python3
"""Writes Models/lexicon/background-words.counts: how often each word, and each pair of
words, occurs in general English as callers say it, for the open-answer language model
(HotlineASR.LanguageModel: a bigram backed off to word frequencies).

Sources:
  - the verbatim transcripts of ../shared/speech/continuous, training speakers only (the
    same speaker split as the acoustic model: tools/train/data.py), so that no dev
    speaker's sentences shape what the recognizer expects;
  - callers' requests as the acoustic model's synthetic speech says them
    (tools/train/synth.py: its IVR phrases and --requests of its request templates with
    fillers, sizes, products, digits, days and times), since read books say little of
    what callers say ("i'd like to", "my account number is").
Words are kept when they occur at least --min-count times and CMUdict spells them; pairs
(the first word may be <s>, the start of a sentence) when both words are kept and the
pair occurs at least --min-count times.

Usage: python3 tools/build-background-words.py [--min-count 2] [--requests 3000] [--seed 5]
"""
import argparse, collections, csv, os, random, re, sys, zlib

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CONTINUOUS = os.path.join(ROOT, "..", "shared", "speech", "continuous")
# Held-out speakers: crc32("corpus:speaker") % modulo == 0 (tools/train/data.py); VCTK is all dev.
HELD_OUT_MODULO = {"librispeech": 5, "speechocean762": 10}
START = "<s>"


def transcripts():
    """The training speakers' sentences of speech/continuous."""
    with open(os.path.join(CONTINUOUS, "transcripts.tsv"), encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            corpus = row["corpus"]
            modulo = HELD_OUT_MODULO.get(corpus)
            if corpus == "vctk" or (modulo and zlib.crc32(f"{corpus}:{row['speaker']}".encode()) % modulo == 0):
                continue
            yield row["text"]


def requests(n, seed):
    """`n` callers' requests and the IVR phrases, as tools/train/synth.py says them."""
    sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
    import synth
    rng = random.Random(seed)
    return list(synth.PHRASES) + [synth.request(rng) for _ in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--min-count", type=int, default=2)
    ap.add_argument("--requests", type=int, default=3000, help="callers' requests drawn from synth.py's templates")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    with open(os.path.join(ROOT, "Models", "lexicon", "cmudict-en-us.dict"), encoding="utf-8") as f:
        spelled = {line.split()[0].split("(")[0] for line in f if line.strip() and not line.startswith(";")}
    read, asked = list(transcripts()), requests(args.requests, args.seed)
    words, pairs = collections.Counter(), collections.Counter()
    for sentence in read + asked:
        said = re.findall(r"[a-z']+", sentence.lower())
        words.update(said)
        pairs.update(zip([START] + said, said))
    kept = {w: n for w, n in words.items() if n >= args.min_count and w in spelled}
    kept_pairs = {p: n for p, n in pairs.items()
                  if n >= args.min_count and (p[0] == START or p[0] in kept) and p[1] in kept}
    out = os.path.join(ROOT, "Models", "lexicon", "background-words.counts")
    with open(out, "w", encoding="utf-8") as f:
        f.write(f"# word<TAB>count, then word word<TAB>count: {len(kept)} words and {len(kept_pairs)} pairs seen at least "
                f"{args.min_count} times in {len(read)}\n# sentences of the training speakers of ../shared/speech/continuous "
                f"and {len(asked)} callers' requests and phrases\n# (tools/train/synth.py, seed {args.seed}); written by "
                "tools/build-background-words.py\n")
        for w, n in sorted(kept.items(), key=lambda x: (-x[1], x[0])):
            f.write(f"{w}\t{n}\n")
        for (w, v), n in sorted(kept_pairs.items(), key=lambda x: (-x[1], x[0])):
            f.write(f"{w} {v}\t{n}\n")
    print(f"{out}: {len(kept)} words and {len(kept_pairs)} pairs from {len(read)} sentences and {len(asked)} requests")


if __name__ == "__main__":
    main()
