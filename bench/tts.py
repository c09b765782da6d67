#!/usr/bin/env python3
"""Intelligibility of Hotline's voice beside flite and espeak-ng, measured by pocketsphinx.

Each of the IVR prompts below is put in spoken form by `hotline normalize` (so every
system reads the same words), synthesised by each system, optionally passed through a
telephone channel (300-3400 Hz band-pass, 8 kHz, mu-law), and transcribed with
pocketsphinx 5's US English model; the word error rate against the spoken form is
printed per system, clean and phone, then Hotline's minus flite rms's with a 95% interval
(the prompts resampled, paired). Also prints Hotline's synthesis speed beside flite rms's
on the same text (both in process, through flite's C API for flite).

Usage: python3 bench/tts.py [--hotline .build/release/hotline] [--only NAME] [--prompts FILE]

`--prompts bench/tts-dev-prompts.txt` runs a development set instead (the prompts of
Flows/hotline.yaml and other IVR text), `bench/tts-dev2-prompts.txt` a second one and
`bench/tts-dev3-prompts.txt` a third (100 prompts, session 12): tune on those, report on
the fixed set below. `bench/tts-test2-prompts.txt` is a second, held-out test set (80
prompts, session 10): report on it too, never tune on it. Lines starting with # in a
prompts file are comments.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time
import numpy as np
import soundfile, soxr
from scipy.signal import butter, sosfiltfilt
from pocketsphinx import Decoder, get_model_path

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from flite_c import Flite  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools", "train"))
from lexicon import edit_distance  # noqa: E402

PROMPTS = [
    "Thank you for calling Acme. How can I help you today?",
    "For order status, press 1. For billing, press 2.",
    "Your order number is 123456.",
    "Your balance is $42.17.",
    "Your payment of $1,250.00 was received on 12/03/2026.",
    "We are open Monday to Friday from 8:00 am to 6:00 pm.",
    "Please say or enter your account number.",
    "I heard 5550199. Is that right?",
    "Your appointment is on March 14th at 3:30 pm.",
    "Your reference code is AB1234.",
    "Please hold while I transfer you to an agent.",
    "Sorry, I didn't understand. Please try again.",
    "Your package will arrive on Tuesday.",
    "The current wait time is 7 minutes.",
    "To repeat this menu, press 9.",
    "Your new balance is $0.99.",
    "Please enter your 4 digit PIN followed by the pound key.",
    "Call us back at 555-123-4567.",
    "Your ticket number is 4021.",
    "Goodbye and have a nice day.",
    "Is there anything else I can help you with?",
    "Please say yes or no.",
    "Your flight leaves at 6:45 am from gate 12.",
    "You have 3 new messages.",
    "The first message was received yesterday at 9:15 pm.",
    "Press the star key to return to the main menu.",
    "Your claim was approved for $300.",
    "We will call you back within 24 hours.",
    "Your password must have at least 8 characters.",
    "Thank you. Your request has been submitted.",
    "Please tell me the reason for your call.",
    "Your order will ship on the 21st of December.",
]


def normalise(hotline, prompts):
    out = subprocess.run([hotline, "normalize", "-"], input="\n".join(prompts), capture_output=True, text=True, check=True)
    return [line.replace(",", " ").replace(".", " ").replace("?", " ").lower().split() for line in out.stdout.splitlines()]


def canonical(words):
    """Words as both sides are scored (the systems still read the spoken form itself):
    pocketsphinx writes the times of day as one word ("am", "pm") where the spoken form
    has two letters, and letters with a dot ("m.")."""
    out = []
    for w in words:
        w = w.rstrip(".") or w
        if out and out[-1] in ("a", "p") and w == "m":
            out[-1] += w
        else:
            out.append(w)
    return out


def wer(ref, hyp):
    """Word errors of `hyp` against `ref`, and the reference's length."""
    return edit_distance(ref, hyp), len(ref)


def phone_channel(x, rate):
    y = soxr.resample(x, rate, 8000)
    y = sosfiltfilt(butter(6, [300, 3400], btype="band", fs=8000, output="sos"), y)
    mu = 255.0
    y = np.clip(y, -1, 1)
    coded = np.round((np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu)) * 127) / 127
    y = np.sign(coded) * (np.power(1 + mu, np.abs(coded)) - 1) / mu
    return soxr.resample(y, 8000, 16000)


class Recognizer:
    def __init__(self):
        m = get_model_path()
        self.decoder = Decoder(hmm=os.path.join(m, "en-us/en-us"), lm=os.path.join(m, "en-us/en-us.lm.bin"),
                               dict=os.path.join(m, "en-us/cmudict-en-us.dict"), logfn="/dev/null")

    def __call__(self, x):
        pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
        self.decoder.start_utt()
        self.decoder.process_raw(pcm.tobytes(), full_utt=True)
        self.decoder.end_utt()
        hyp = self.decoder.hyp()
        return canonical(hyp.hypstr.lower().split()) if hyp else []


def flite_speed(texts, passes=3):
    """flite rms in process: its C API (`flite_synth_text`) on each text, the voice loaded
    once, the first pass a warm-up. Returns (x realtime, median seconds per prompt);
    flite_synth_text returns a prompt's audio whole, so that median is also when its
    first audio is ready."""
    flite = Flite()
    times, audio = [], 0.0
    for p in range(passes):
        for text in texts:
            start = time.perf_counter()
            utt = flite.lib.flite_synth_text(text.encode(), flite.voice)
            elapsed = time.perf_counter() - start
            wave = flite.lib.utt_wave(utt).contents
            if p > 0:
                times.append(elapsed)
                audio += wave.num_samples / wave.sample_rate
            flite.lib.delete_utterance(utt)
    return sum(times) / audio, statistics.median(times)


def compare(per_prompt, words, peer="flite rms", draws=10000):
    """Hotline minus `peer` in WER points, with a 95% interval from resampling the prompts
    (paired: both systems' errors on the same drawn prompts), so a difference of a few
    words can be told from the noise of a small prompt set. `words`: words per prompt."""
    ours = next((n for n in per_prompt if n.startswith("hotline")), None)
    if ours is None or peer not in per_prompt:
        return
    drawn = np.random.default_rng(0).integers(0, len(words), (draws, len(words)))
    for channel in ("clean", "phone"):
        diff = np.array(per_prompt[ours][channel]) - np.array(per_prompt[peer][channel])
        low, high = np.percentile(100 * diff[drawn].sum(axis=1) / words[drawn].sum(axis=1), [2.5, 97.5])
        print(f"{ours} - {peer}, {channel}: {100 * diff.sum() / words.sum():+.1f} points "
              f"(95% interval {low:+.1f} to {high:+.1f}, resampling prompts)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hotline", default=".build/release/hotline")
    ap.add_argument("--only", help="run only the systems whose name contains this")
    ap.add_argument("--prompts", help="a file of prompts, one a line, instead of the fixed set")
    ap.add_argument("--keep", help="a folder to keep each system's audio and transcripts in")
    ap.add_argument("--voice", help="a Hotline voice file other than the default (to compare voices)")
    args = ap.parse_args()
    voice = ["--voice", args.voice] if args.voice else []
    prompts = PROMPTS
    if args.prompts:
        prompts = [line.strip() for line in open(args.prompts) if line.strip() and not line.startswith("#")]
    spoken = normalise(args.hotline, prompts)
    texts = [" ".join(words) for words in spoken]   # what every system reads
    spoken = [canonical(words) for words in spoken]   # what its transcript is scored against
    recognise = Recognizer()
    systems = {
        "hotline " + (os.path.basename(args.voice) if args.voice else "rms"):
            lambda t, out: subprocess.run([args.hotline, "say", t, "-o", out] + voice, check=True, capture_output=True),
        "flite rms": lambda t, out: subprocess.run(["flite", "-voice", "rms", "-t", t, "-o", out], check=True),
        "flite slt": lambda t, out: subprocess.run(["flite", "-voice", "slt", "-t", t, "-o", out], check=True),
        "flite kal16": lambda t, out: subprocess.run(["flite", "-voice", "kal16", "-t", t, "-o", out], check=True),
        "espeak-ng": lambda t, out: subprocess.run(["espeak-ng", "-v", "en-us", "-w", out, t], check=True),
    }
    words = np.array([len(ref) for ref in spoken])
    per_prompt = {}   # system -> channel -> errors per prompt
    print(f"{len(prompts)} prompts, {words.sum()} words; WER by pocketsphinx (en-us), lower is better")
    print(f"{'system':<14} {'clean WER':>9} {'phone WER':>9}")
    with tempfile.TemporaryDirectory() as d:
        for name, make in systems.items():
            if args.only and args.only not in name:
                continue
            errors = per_prompt[name] = {"clean": [], "phone": []}
            for k, (text, ref) in enumerate(zip(texts, spoken)):
                path = os.path.join(d, f"{k}.wav")
                make(text, path)
                x, rate = soundfile.read(path, dtype="float32")
                clean = x if rate == 16000 else soxr.resample(x, rate, 16000)
                for channel, audio in (("clean", clean), ("phone", phone_channel(x, rate))):
                    hyp = recognise(audio)
                    e, n = wer(ref, hyp)
                    if args.keep:
                        folder = os.path.join(args.keep, name.replace(" ", "-"))
                        os.makedirs(folder, exist_ok=True)
                        if channel == "clean":
                            soundfile.write(os.path.join(folder, f"{k + 1}.wav"), clean, 16000)
                        with open(os.path.join(folder, f"{channel}.txt"), "a") as log:
                            log.write(f"{k + 1} errors {e}/{n}\n  ref: {' '.join(ref)}\n  hyp: {' '.join(hyp)}\n")
                    errors[channel].append(e)
            print(f"{name:<14} {100 * sum(errors['clean']) / words.sum():>8.1f}% {100 * sum(errors['phone']) / words.sum():>8.1f}%")
            sys.stdout.flush()
        compare(per_prompt, words)
        # Speed: all prompts in one process (voice and lexicon loaded once).
        start = time.perf_counter()
        subprocess.run([args.hotline, "say", "-", "-o", os.path.join(d, "all")] + voice, input="\n".join(texts), text=True, check=True)
        elapsed = time.perf_counter() - start
        audio = sum(soundfile.info(os.path.join(d, "all", f"{k + 1}.wav")).duration for k in range(len(texts)))
        print(f"hotline: {audio:.1f} s of speech in {elapsed:.2f} s including loading the voice and lexicon "
              f"= {elapsed / audio:.4f} x realtime")
        # In process (`hotline-bench tts`): synthesis proper, without start-up and loading.
        out = subprocess.run([args.hotline + "-bench", "tts", "-"] + voice, input="\n".join(texts), text=True, capture_output=True, check=True)
        r = json.loads(out.stdout)
        print(f"hotline in process: {r['audioSeconds']:.1f} s of speech in {r['synthesisSeconds']:.3f} s = "
              f"{r['realtimeFactor']:.5f} x realtime; first 20 ms of audio after {r['firstChunkMsMedian']:.2f} ms "
              f"(median; max {r['firstChunkMsMax']:.2f} ms); loading {r['loadSeconds']:.2f} s")
        factor, latency = flite_speed(texts)
        print(f"flite rms in process: {factor:.5f} x realtime; whole prompt (its first audio) after "
              f"{1000 * latency:.2f} ms (median). Hotline is {factor / r['realtimeFactor']:.1f}x as fast")


if __name__ == "__main__":
    main()
