#!/usr/bin/env python3
"""Talk-off: DTMF keys and call-progress tones that speech wrongly triggers.

Runs `hotline detect --only dtmf,tone` over (1) every sound file of ../shared/speech and
(2) synthetic speech made here with espeak-ng (several voices, variants, rates and
pitches) and flite (its Debian voices), IVR prompts and callers' answers full of digits.
The synthetic set was not used to choose any detector threshold. Prints the count per
source and exits 1 if any event was reported.

Usage: python3 tools/talkoff.py [--hotline .build/release/hotline] [--skip-shared]
"""
import argparse, glob, json, os, subprocess, sys, tempfile, wave

SPEECH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "speech")
SENTENCES = [
    "Thank you for calling. For billing, press or say one. For order status, press two.",
    "My account number is five five five, zero one nine nine, four two seven.",
    "I want to speak to a representative, please.",
    "Zero one two three four five six seven eight nine.",
    "Nine eight seven six five four three two one zero, oh, double five.",
    "Yes. No. Yeah, that's right. Nope. Correct. Sure thing.",
    "Please enter your sixteen digit card number followed by the pound key.",
    "The amount due is one hundred twenty three dollars and forty five cents.",
    "My date of birth is March the twenty first, nineteen eighty seven.",
    "Operator! Agent! Help! Repeat that please. Cancel. Main menu.",
    "Hmmmmm, aaaaah, ooooh, eeeeee, mmmm, uh huh.",
    "Sing a long tone: la la la la, doo doo doo, beeeeep, booooop.",
    "A B C D E F G H I J K L M N O P Q R S T U V W X Y Z.",
    "Seven hundred seventy seven, eight hundred fifty two, nine hundred forty one.",
    "The quick brown fox jumps over the lazy dog while the phone keeps ringing.",
    "Hello? Hello? Is anybody there? I can't hear you, the line is breaking up.",
]


def espeak_variants():
    for voice in ("en-us", "en-gb", "en-gb-scotland", "en-029", "en-gb-x-rp"):
        for variant in ("", "+m3", "+f2", "+f4", "+croak", "+whisper"):
            for rate, pitch in ((130, 30), (175, 50), (220, 80)):
                yield ["espeak-ng", "-v", voice + variant, "-s", str(rate), "-p", str(pitch)]


def detect(hotline, files):
    events = []
    for i in range(0, len(files), 400):
        out = subprocess.run([hotline, "detect", "--only", "dtmf,tone", "--json"] + files[i:i + 400],
                             capture_output=True, text=True)
        if out.returncode not in (0, 1):
            sys.exit(out.stderr)
        events += [json.loads(line) for line in out.stdout.splitlines()]
    return events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=".build/release/hotline")
    ap.add_argument("--skip-shared", action="store_true")
    args = ap.parse_args()
    total = 0
    if not args.skip_shared:
        files = sorted(glob.glob(os.path.join(SPEECH, "**", "*.wav"), recursive=True)
                       + glob.glob(os.path.join(SPEECH, "**", "*.flac"), recursive=True))
        events = detect(args.hotline, files)
        print(f"../shared/speech: {len(files)} files, {len(events)} false events")
        total += len(events)
    with tempfile.TemporaryDirectory() as d:
        files = []
        for n, command in enumerate(espeak_variants()):
            for k, text in enumerate(SENTENCES):
                path = os.path.join(d, f"espeak-{n}-{k}.wav")
                subprocess.run(command + ["-w", path, text], check=True, capture_output=True)
                files.append(path)
        for voice in ("kal", "kal16", "awb", "rms", "slt"):
            for k, text in enumerate(SENTENCES):
                path = os.path.join(d, f"flite-{voice}-{k}.wav")
                subprocess.run(["flite", "-voice", voice, "-t", text, "-o", path], check=True, capture_output=True)
                files.append(path)
        events = detect(args.hotline, files)
        seconds = 0.0
        for f in files:
            with wave.open(f) as w:
                seconds += w.getnframes() / w.getframerate()
        print(f"synthetic speech (espeak-ng, flite): {len(files)} files, {seconds / 60:.0f} min, {len(events)} false events")
        for e in events:
            print("  ", os.path.basename(e["file"]), e.get("digit") or e.get("name"), e["startMs"])
        total += len(events)
    if total:
        sys.exit(f"talk-off: {total} false events")


if __name__ == "__main__":
    main()
