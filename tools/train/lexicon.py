"""Phone set and word pronunciations for acoustic-model labels.

The phone set is the 39 ARPAbet phones of CMUdict with stress removed; index 0 of the
model's output is the CTC blank, phone i is output i + 1. Pronunciations come from the
committed Models/lexicon/cmudict-en-us.dict (first variant), then tools/train/guessed.dict
(names and rare words of the continuous-speech transcripts, by guess_words.py); a missing
word is split into two dictionary words when possible ("snowboy" = "snow" + "boy").
"""
import os, re

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
PHONES = ["AA", "AE", "AH", "AO", "AW", "AY", "B", "CH", "D", "DH", "EH", "ER", "EY", "F", "G",
          "HH", "IH", "IY", "JH", "K", "L", "M", "N", "NG", "OW", "OY", "P", "R", "S", "SH", "T",
          "TH", "UH", "UW", "V", "W", "Y", "Z", "ZH"]
PHONE_INDEX = {p: i + 1 for i, p in enumerate(PHONES)}
BLANK = 0

# Spelled letters as their names are said ("A" = "EY"), for alphanumeric prompts.
LETTER_NAMES = {
    "a": "EY", "b": "B IY", "c": "S IY", "d": "D IY", "e": "IY", "f": "EH F", "g": "JH IY",
    "h": "EY CH", "i": "AY", "j": "JH EY", "k": "K EY", "l": "EH L", "m": "EH M", "n": "EH N",
    "o": "OW", "p": "P IY", "q": "K Y UW", "r": "AA R", "s": "EH S", "t": "T IY", "u": "Y UW",
    "v": "V IY", "w": "D AH B AH L Y UW", "x": "EH K S", "y": "W AY", "z": "Z IY"}


GUESSED = os.path.join(REPO, "tools", "train", "guessed.dict")


class Lexicon:
    def __init__(self, path=os.path.join(REPO, "Models", "lexicon", "cmudict-en-us.dict"), guessed=GUESSED):
        self.words = {}
        for dictionary in [path] + ([guessed] if guessed and os.path.exists(guessed) else []):
            with open(dictionary, encoding="utf-8") as f:
                for line in f:
                    parts = line.split()
                    if len(parts) < 2 or "(" in parts[0] or parts[0].startswith(";;;"):
                        continue
                    self.words.setdefault(parts[0].lower(), [re.sub(r"\d", "", p) for p in parts[1:]])

    def word(self, w):
        """Phones of one word, a spelled letter ("letter:b"), or None."""
        w = w.lower()
        if w.startswith("letter:"):
            return LETTER_NAMES[w[7:]].split()
        if w in self.words:
            return self.words[w]
        for cut in range(2, len(w) - 1):
            a, b = self.words.get(w[:cut]), self.words.get(w[cut:])
            if a and b:
                return a + b
        return None

    def phones(self, text):
        """Phone indices (1-based) of a whitespace-separated word string, or None if a word is unknown."""
        out = []
        for w in text.split():
            p = self.word(w)
            if p is None:
                return None
            out += [PHONE_INDEX[x] for x in p]
        return out


def edit_distance(a, b):
    """Levenshtein distance between two sequences (phone error counts)."""
    d = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, d[0] = d[0], i
        for j, y in enumerate(b, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (x != y))
    return d[len(b)]
