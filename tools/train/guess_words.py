"""Pronunciations for the words of the training transcripts that CMUdict lacks (names and
rare words of speech/continuous), guessed by Hotline's own letter-to-sound rules through
`hotline normalize --phones`, so that no sentence is left out of training for one word.

Usage: python3 guess_words.py --hotline .build/release/hotline [--out tools/train/guessed.dict]
Writes a CMU-format dictionary that lexicon.Lexicon reads after CMUdict.
"""
import argparse, os, re, subprocess, sys
from data import continuous
from lexicon import Lexicon

GUESS = re.compile(r"'(.+?)' \((?:guessed|compound)[^:]*: ([A-Z ]+)\)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", required=True)
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "guessed.dict"))
    args = ap.parse_args()
    lex = Lexicon(guessed=None)
    unknown = sorted({w for item in continuous() for w in item["words"].split() if lex.word(w) is None})
    guesses = {}
    for start in range(0, len(unknown), 200):
        run = subprocess.run([args.hotline, "normalize", "--phones", " ".join(unknown[start:start + 200])],
                             capture_output=True, text=True, check=True)
        guesses.update((w.lower(), p) for w, p in GUESS.findall(run.stderr))
    missing = [w for w in unknown if w not in guesses]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write(";;; guessed by tools/train/guess_words.py (hotline normalize --phones): training labels only\n")
        f.writelines(f"{w} {guesses[w]}\n" for w in unknown if w in guesses)
    print(f"{len(unknown)} unknown words, {len(guesses)} guessed, {len(missing)} left: {missing[:20]}", file=sys.stderr)


if __name__ == "__main__":
    main()
