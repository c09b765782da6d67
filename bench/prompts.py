#!/usr/bin/env python3
"""IVR sentences from a phrase list: sentence accuracy of Hotline against pocketsphinx 5
with the same list (as JSGF) on the same files, per voice.

The issue's test of this kind is 220 IVR prompt sentences ("please enter your password
followed by the pound key") said by one professional speaker, with a phrase list of all
220. No such recordings are in ../shared, so this set is the nearest we can make: 220
IVR prompts of our own TTS benchmarks (bench/tts-test2-prompts.txt, tts-dev3, then
tts-dev; those with a word CMUdict lacks left out), in their spoken form (`hotline normalize`: numbers, dates and money as words),
said by the voices acoustic training never heard and its two held-out dev voices (as
bench/orders.py), through the same telephone channel. A sentence counts as right when
the best phrase is the one said; Hotline is also shown with rejection off. Hotline hears
the list as a call would (`hotline recognize --as-call`).

With --open the same files are heard as open answers, with no list: Hotline's language
model of general English (`hotline recognize --open -`: Models/lexicon/background-words.counts,
which holds none of these prompts) against pocketsphinx's own en-us trigram; the figure is
the word error rate per voice, and the share of sentences heard exactly.

Usage: python3 bench/prompts.py [--hotline .build/release/hotline] [--sentences 220] [--model FILE.hnn]
       [--voices V1,V2] [--only-hotline] [--open]
"""
import argparse, json, os, shutil, subprocess, sys, tempfile, time
import soundfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from orders import VOICES, report, speak          # noqa: E402
from recognize import decode                     # noqa: E402
from pocketsphinx import Decoder, get_model_path  # noqa: E402
sys.path.insert(0, os.path.join(ROOT, "tools", "train"))
from lexicon import edit_distance                # noqa: E402

SOURCES = ["tts-test2-prompts.txt", "tts-dev3-prompts.txt", "tts-dev-prompts.txt"]


def dictionary_words():
    """The words pocketsphinx's dictionary (CMUdict, as Hotline's lexicon) can say."""
    with open(os.path.join(get_model_path(), "en-us", "cmudict-en-us.dict")) as f:
        return {line.split()[0] for line in f if line.strip()}


def sentences(hotline, count):
    """The first `count` different prompts of SOURCES in spoken form, as lower-case words,
    leaving out those with a word the dictionary lacks (names such as "northwind")."""
    known = dictionary_words()
    lines = []
    for name in SOURCES:
        with open(os.path.join(ROOT, "bench", name)) as f:
            lines += [l.strip() for l in f if l.strip() and not l.startswith("#")]
    out = subprocess.run([hotline, "normalize", "-"], input="\n".join(lines) + "\n", capture_output=True, text=True,
                         cwd=ROOT, check=True)
    said = []
    for line in out.stdout.splitlines():
        words = " ".join("".join(c if c.isalnum() or c == "'" else " " for c in line.lower()).split())
        if words and words not in said and all(w in known for w in words.split()):
            said.append(words)
    return said[:count]


def open_answers(args, items, seconds):
    """Word error rate per voice of `items` heard with no list, Hotline's general English
    model against pocketsphinx's en-us trigram."""
    files = [p for _, p, _ in items]
    t = time.perf_counter()
    out = subprocess.run([args.hotline, "recognize", "--json", "--threshold", "0", "--open", "-", "--model", args.model] + files,
                         capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        sys.exit(f"hotline recognize failed: {out.stderr}")
    ours_time = time.perf_counter() - t
    ours = {r["file"]: (r["nbest"][0]["text"] if r["nbest"] else "") for r in map(json.loads, out.stdout.splitlines())}
    theirs, ps_time = {p: "" for p in files}, float("nan")
    if not args.only_hotline:
        theirs, ps_time = decode(Decoder(samprate=16000, loglevel="FATAL"), files,
                                 lambda d: " ".join(w for w in d.hyp().hypstr.split() if not w.startswith("<")) if d.hyp() else "")
    print(f"open answers (no list): {len(files)} files, {seconds:.0f} s of audio; word error rate (sentences exactly right)")
    print(f"{'voice':34s} {'Hotline':>16s} {'pocketsphinx':>16s}")
    rows = [(v, [(p, s) for w, p, s in items if w == v]) for v in args.voices.split(",")] + [("all", [(p, s) for _, p, s in items])]
    for voice, mine in rows:
        words = sum(len(s.split()) for _, s in mine)
        cells = []
        for heard in (ours, theirs) if not args.only_hotline else (ours,):
            errors = sum(edit_distance(heard[p].split(), s.split()) for p, s in mine)
            cells.append(f"{100 * errors / words:5.1f}% ({100 * sum(heard[p] == s for p, s in mine) / len(mine):5.1f}%)")
        print(f"{voice:34s} {cells[0]:>16s} {(cells + ['-'])[1]:>16s}")
    print(f"speed: Hotline {ours_time / seconds:.4f} x realtime (whole process, model loading included), "
          f"pocketsphinx {ps_time / seconds:.4f} x realtime (decoding only)")
    for v, p, s in [(v, p, s) for v, p, s in items if ours[p] != s][:8]:
        print(f"  {v}: said \"{s}\", heard \"{ours[p]}\"")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=os.path.join(ROOT, ".build", "release", "hotline"))
    ap.add_argument("--sentences", type=int, default=220)
    ap.add_argument("--model", default=os.path.join(ROOT, "Models", "acoustic", "acoustic.hnn"))
    ap.add_argument("--voices", default=",".join(VOICES), help="voices to say the sentences (tuning: training voices only)")
    ap.add_argument("--only-hotline", action="store_true", help="skip pocketsphinx")
    ap.add_argument("--open", action="store_true", help="hear the sentences as open answers, with no list")
    args = ap.parse_args()
    said = sentences(args.hotline, args.sentences)
    tmp = tempfile.mkdtemp(prefix="prompts-")
    phrases, jsgf = os.path.join(tmp, "prompts.phrases"), os.path.join(tmp, "prompts.jsgf")
    with open(phrases, "w") as f:
        f.write("\n".join(said) + "\n")
    with open(jsgf, "w") as f:
        f.write("#JSGF V1.0;\ngrammar prompts;\npublic <s> = " + " | ".join(f"( {s} )" for s in said) + ";\n")
    items = []   # (voice, file, sentence)
    for voice in args.voices.split(","):
        for i, text in enumerate(said):
            path = os.path.join(tmp, f"{voice.replace(':', '_')}-{i:03d}.wav")
            speak(voice, text, path)
            items.append((voice, path, text))
    files = [p for _, p, _ in items]
    seconds = sum(soundfile.info(p).duration for p in files)
    if args.open:
        open_answers(args, items, seconds)
        shutil.rmtree(tmp)
        return

    def hotline(threshold):
        out = subprocess.run([args.hotline, "recognize", "--as-call", "--json", "--threshold", str(threshold),
                              "--grammar", phrases, "--model", args.model] + files, capture_output=True, text=True, cwd=ROOT)
        if out.returncode != 0:
            sys.exit(f"hotline recognize failed: {out.stderr}")
        return {r["file"]: r["text"] for r in map(json.loads, out.stdout.splitlines())}

    t = time.perf_counter()
    ours = hotline(0.4)
    ours_time = time.perf_counter() - t
    ours_open = hotline(0.0)
    theirs, ps_time = {p: "" for p in files}, float("nan")
    if not args.only_hotline:
        dec = Decoder(jsgf=jsgf, samprate=16000, loglevel="FATAL")
        theirs, ps_time = decode(dec, files, lambda d: " ".join(d.hyp().hypstr.split()) if d.hyp() else "")

    print(f"{len(said)} sentences x {len(args.voices.split(','))} voices = {len(files)} files, {seconds:.0f} s of audio, "
          f"telephone channel, phrase list of all {len(said)}")
    report(args.voices.split(","), items, (ours, ours_open, theirs), seconds, ours_time, ps_time)
    for v, p, s in [(v, p, s) for v, p, s in items if ours_open[p] != s][:8]:
        print(f"  {v}: said \"{s}\", heard \"{ours_open[p]}\"")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
