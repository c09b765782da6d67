#!/usr/bin/env python3
"""Learns letter-to-sound rules from the committed CMU dictionary (Models/lexicon/cmudict-en-us.dict).

1. Aligns letters with phones: each letter says nothing ("_"), one phone, or two ("k_s"
   for the x of "box"), by hard EM over the whole dictionary (dynamic programming with
   the log-probabilities of the previous pass).
2. Counts, for every letter, its output in contexts of growing width (the letter alone,
   then one more letter to the right, to the left, ... up to 3+3; '#' marks the word's
   edges) and keeps a context only where its most frequent output differs from what the
   next narrower context predicts. Reading a word, each letter takes the output of the
   widest stored context that matches.

Every 50th word (alphabetical order, first pronunciation, letters only) is held out of
training; the script prints word and phone accuracy on them, and the Swift tests check
the same words. Writes Models/lexicon/lts-rules.txt. Usage: python3 tools/train-lts.py
"""
import collections, math, os, sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from lexicon import edit_distance  # noqa: E402
LEVELS = [(0, 0), (1, 0), (1, 1), (2, 1), (2, 2), (3, 2), (3, 3)]   # (left, right) context letters
HOLD_OUT_EVERY = 50
MIN_COUNT = int(os.environ.get("LTS_MIN_COUNT", "1"))   # a wider context must be seen this often to count


def load():
    words = []
    for line in open(os.path.join(ROOT, "Models/lexicon/cmudict-en-us.dict"), encoding="utf-8"):
        parts = line.split()
        if len(parts) < 2 or not parts[0].isalpha() or not parts[0].isascii() or len(parts[0]) < 2:
            continue
        words.append((parts[0].lower(), [p.lower() for p in parts[1:]]))
    words.sort()
    train = [w for i, w in enumerate(words) if i % HOLD_OUT_EVERY != HOLD_OUT_EVERY - 1]
    held = [w for i, w in enumerate(words) if i % HOLD_OUT_EVERY == HOLD_OUT_EVERY - 1]
    return train, held


def align(word, phones, logp, unseen):
    """Best alignment: a list of one output per letter, or None. `unseen`: the score of an
    output a letter has not had yet, by width (nothing, one phone, two)."""
    n, m = len(word), len(phones)
    NEG = -1e18
    best = [[NEG] * (m + 1) for _ in range(n + 1)]
    back = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for i in range(n):
        table = logp[word[i]]
        for j in range(m + 1):
            s = best[i][j]
            if s == NEG:
                continue
            for out, width in (("_", 0), (phones[j] if j < m else None, 1), ("_".join(phones[j:j + 2]) if j + 1 < m else None, 2)):
                if out is None:
                    continue
                v = s + table.get(out, unseen[width])
                if v > best[i + 1][j + width]:
                    best[i + 1][j + width] = v
                    back[i + 1][j + width] = (j, out)
    if best[n][m] == NEG:
        return None
    outs, j = [], m
    for i in range(n, 0, -1):
        j, out = back[i][j]
        outs.append(out)
    return outs[::-1]


def estimate(alignments):
    counts = collections.defaultdict(collections.Counter)
    for word, outs in alignments:
        for letter, out in zip(word, outs):
            counts[letter][out] += 1
    logp = {}
    for letter, c in counts.items():
        total = sum(c.values())
        logp[letter] = {out: math.log(k / total) for out, k in c.items()}
    return logp


def key(level, padded, i):
    left, right = LEVELS[level]
    return f"{level}{padded[max(0, i - left):i]}[{padded[i]}]{padded[i + 1:i + 1 + right]}"


def predict(rules, word):
    padded = "#" + word + "#"
    outs = []
    for i in range(1, len(padded) - 1):
        for level in range(len(LEVELS) - 1, -1, -1):
            out = rules.get(key(level, padded, i))
            if out is not None:
                break
        outs.append(out or "_")
    return [p for out in outs if out != "_" for p in out.split("_")]


def main():
    train, held = load()
    # Start: every letter-phone pair equally likely, silence less so, doubles rare.
    logp = collections.defaultdict(dict)
    for iteration in range(4):
        unseen = (-3.0, -1.0, -6.0) if iteration == 0 else (-15.0, -15.0, -20.0)
        alignments = []
        for word, phones in train:
            outs = align(word, phones, logp, unseen)
            if outs:
                alignments.append((word, outs))
        logp = collections.defaultdict(dict, estimate(alignments))
    print(f"aligned {len(alignments)} of {len(train)} training words")
    counts = [collections.defaultdict(collections.Counter) for _ in LEVELS]
    for word, outs in alignments:
        padded = "#" + word + "#"
        for i, out in enumerate(outs, 1):
            for level in range(len(LEVELS)):
                counts[level][key(level, padded, i)][out] += 1
    rules = {}
    resolved = {}
    for level in range(len(LEVELS)):
        for k, c in counts[level].items():
            if level > 0 and sum(c.values()) < MIN_COUNT:
                continue
            top = c.most_common(1)[0][0]
            resolved[k] = top
            if level == 0:
                rules[k] = top
                continue
            # The parent: the same letter with the next narrower context.
            level_str, rest = k[0], k[1:]
            left_text, rest2 = rest.split("[", 1)
            letter, right_text = rest2.split("]", 1)
            pl, pr = LEVELS[level - 1]
            parent = f"{level - 1}{left_text[len(left_text) - pl:] if pl else ''}[{letter}]{right_text[:pr]}"
            if resolved.get(parent) != top:
                rules[k] = top
    words_ok = phones_err = phones_total = 0
    for word, phones in held:
        guess = predict(rules, word)
        words_ok += guess == phones
        phones_err += edit_distance(phones, guess)
        phones_total += len(phones)
    print(f"{len(rules)} rules; held-out {len(held)} words: {100 * words_ok / len(held):.1f}% words right, "
          f"{100 * phones_err / phones_total:.1f}% phone errors")
    out = os.path.join(ROOT, "Models/lexicon/lts-rules.txt")
    with open(out, "w") as f:
        f.write("# Hotline letter-to-sound rules, learned by tools/train-lts.py from cmudict-en-us.dict "
                f"(every {HOLD_OUT_EVERY}th word held out). Line: LEVEL LEFT[LETTER]RIGHT OUTPUT; "
                "levels (left, right): " + " ".join(f"{l}:{r}" for l, r in LEVELS) + "\n")
        for k in sorted(rules, key=lambda k: (int(k[0]), k)):
            f.write(f"{k} {rules[k]}\n")
    print(f"{out}: {os.path.getsize(out) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
