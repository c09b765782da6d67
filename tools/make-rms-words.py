#!/usr/bin/env python3
"""Writes tools/rms-words.txt: the most frequent English words that the rms voice's corpus
(tools/rms-corpus.txt) lacks, in random order, twelve to a line, for flite to read as
running speech (tools/make-rms-voice.py adds every diphone of those readings to the voice).

Why: a prompt's words are spoken best from running speech that holds them. With every word
of a development set somewhere in the voice's running speech, even in random order,
Hotline's clean WER on it matched flite rms's; words the corpus lacks are put together from
diphones of other words. A general frequency list covers the words of prompts nobody wrote
the corpus for.

Word frequencies: wordfreq (https://github.com/rspeer/wordfreq; its data is CC BY-SA 4.0,
from Wikipedia, subtitles, news, books, web text and more). Words kept: letters only, at
least two letters, in the lexicon (Models/lexicon/cmudict-en-us.dict), not in the corpus,
and not in a short list of slurs, obscenities and words of violence an IVR voice need not
say. The count is what keeps the voice under 20 MB.

Usage: python3 tools/make-rms-words.py [--count 780]  (needs `pip install wordfreq==3.1.1`)
"""
import argparse, os, random

from wordfreq import top_n_list

HERE = os.path.dirname(os.path.abspath(__file__))
LEXICON = os.path.join(HERE, "..", "Models", "lexicon", "cmudict-en-us.dict")
CORPUS = os.path.join(HERE, "rms-corpus.txt")
OUT = os.path.join(HERE, "rms-words.txt")
LEFT_OUT = set("""fuck fucking fucked shit bullshit bitch ass asshole damn dick pussy cock cunt slut whore
nigga nigger porn sex sexy naked nude penis vagina tits boobs rape kill killed killing murder suicide
dead death drugs weed gay hell""".split())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=780, help="how many words")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    lexicon = {line.split()[0] for line in open(LEXICON) if line.strip()}
    corpus = {w for line in open(CORPUS) if not line.startswith("#") for w in line.split()}
    words = [w for w in top_n_list("en", 20000)
             if w.isalpha() and len(w) > 1 and w in lexicon and w not in corpus and w not in LEFT_OUT][:args.count]
    random.Random(args.seed).shuffle(words)
    with open(OUT, "w") as f:
        f.write("# The most frequent English words the corpus (tools/rms-corpus.txt) lacks, in random order,\n"
                f"# for tools/make-rms-voice.py: written by tools/make-rms-words.py --count {args.count} --seed {args.seed}\n"
                "# from wordfreq's English list (CC BY-SA 4.0, https://github.com/rspeer/wordfreq).\n")
        for i in range(0, len(words), 12):
            f.write(" ".join(words[i:i + 12]) + "\n")
    print(f"{len(words)} words -> {OUT}")


if __name__ == "__main__":
    main()
