"""Training data: corpus listing, speaker split, joined sequences, telephone augmentation,
and Kaldi fbank features (kaldi-native-fbank, the same numbers the Swift front end gives).

Usage: python3 data.py CACHE [--copies 2] [--joined 12000] [--seed 1] [--only train|dev] [--name train-0]
(HOTLINE_SPEECH names the speech folder, default ../shared/speech; HOTLINE_LIBOPUS libopus)
Writes CACHE/train.npz and CACHE/dev.npz: float16 features (frames x 40), per-utterance
offsets, phone labels, source and speaker names.
"""
import argparse, ctypes, ctypes.util, glob, os, re, sys, zlib
from multiprocessing import Pool
import numpy as np
import soundfile, soxr
import kaldi_native_fbank as knf
from scipy import signal
from lexicon import Lexicon, REPO
from synth import ONES

SPEECH = os.environ.get("HOTLINE_SPEECH") or os.path.normpath(os.path.join(REPO, "..", "shared", "speech"))
RATE = 8000
FBANK_BINS = 40
DEV_SYNTH_VOICES = {"espeak:en-us+f2", "flite:rms"}
# Continuous speech is split by speaker: a corpus's speakers whose crc32("corpus:speaker")
# falls in the first 1/N are dev; VCTK's one speaker is all dev (an unseen accent), LJSpeech's
# one speaker all train.
CONTINUOUS_DEV_MODULO = {"librispeech": 5, "speechocean762": 10}
CONTINUOUS_ALL_DEV = {"vctk"}


def transcript_words(text):
    """A verbatim transcript as lexicon words: lower case, hyphens split, punctuation and
    quoting apostrophes dropped ("GRAHAM'S WORDS--" -> "graham's words")."""
    text = re.sub(r"[^a-z' ]", " ", text.lower().replace("-", " "))
    return " ".join(w.strip("'") for w in text.split() if w.strip("'"))


def continuous_dev(corpus_name, speaker):
    if corpus_name in CONTINUOUS_ALL_DEV:
        return True
    modulo = CONTINUOUS_DEV_MODULO.get(corpus_name)
    return modulo is not None and zlib.crc32(f"{corpus_name}:{speaker}".encode()) % modulo == 0


def continuous(speech=SPEECH):
    """The sentences of speech/continuous (transcripts.tsv) with their speaker split;
    transcripts holding digits are left out (their spoken form is unknown)."""
    folder = os.path.join(speech, "continuous")
    items = []
    if not os.path.exists(os.path.join(folder, "transcripts.tsv")):
        return items
    with open(os.path.join(folder, "transcripts.tsv"), encoding="utf-8") as f:
        next(f)
        for line in f:
            corpus_name, speaker, _, path, text = line.rstrip("\n").split("\t")
            if re.search(r"\d", text):
                continue
            items.append(dict(path=os.path.join(folder, path), source="continuous-" + corpus_name,
                              speaker=f"{corpus_name}:{speaker}", words=transcript_words(text),
                              dev=continuous_dev(corpus_name, speaker)))
    return items


def corpus(speech=SPEECH, cache=None):
    """Every usable utterance: dicts with path, source, speaker, words, dev (bool)."""
    items = []
    for path in sorted(glob.glob(os.path.join(speech, "fsdd", "*.wav"))):
        digit, speaker, index = os.path.basename(path)[:-4].split("_")
        items.append(dict(path=path, source="fsdd", speaker=speaker, words=ONES[int(digit)], dev=int(index) < 5))
    for path in sorted(glob.glob(os.path.join(speech, "speech-commands", "*", "*.flac"))):
        speaker = os.path.basename(path).split("_nohash_")[0]
        items.append(dict(path=path, source="speech-commands", speaker=speaker,
                          words=os.path.basename(os.path.dirname(path)), dev=zlib.crc32(speaker.encode()) % 10 == 0))
    for path in sorted(glob.glob(os.path.join(speech, "wake-words", "*", "*.flac"))):
        index = zlib.crc32(os.path.basename(path).encode())  # no speaker ids: hold out every tenth file
        items.append(dict(path=path, source="wake-words", speaker="unknown",
                          words=os.path.basename(os.path.dirname(path)).replace("-", " "), dev=index % 10 == 0))
    items += continuous(speech)
    if cache and os.path.exists(os.path.join(cache, "synthetic", "manifest.tsv")):
        with open(os.path.join(cache, "synthetic", "manifest.tsv")) as f:
            for line in f:
                path, source, speaker, words = line.rstrip("\n").split("\t")
                items.append(dict(path=path, source=source, speaker=speaker, words=words,
                                  dev=speaker in DEV_SYNTH_VOICES))
    return items


def load(path):
    """Mono float32 samples in int16 units at 8 kHz."""
    x, rate = soundfile.read(path, dtype="float32", always_2d=True)
    x = x.mean(axis=1) * 32768
    return soxr.resample(x, rate, RATE).astype(np.float32) if rate != RATE else x


def trim(x, floor_db=35, margin=0.05):
    """Cut leading/trailing audio more than floor_db below the loudest 10 ms."""
    hop = RATE // 100
    n = len(x) // hop
    if n < 3:
        return x
    e = 10 * np.log10(np.mean(x[: n * hop].reshape(n, hop) ** 2, axis=1) + 1)
    on = np.nonzero(e > e.max() - floor_db)[0]
    m = int(margin * RATE)
    return x[max(0, on[0] * hop - m): min(len(x), (on[-1] + 1) * hop + m)]


class Opus:
    """libopus through ctypes at 8 kHz mono in 20 ms packets (None-safe: without libopus,
    the round trip passes audio through)."""
    FRAME = 160
    APPLICATION_VOIP = 2048
    SET_BITRATE = 4002
    GET_LOOKAHEAD = 4027

    def __init__(self):
        name = os.environ.get("HOTLINE_LIBOPUS") or ctypes.util.find_library("opus")
        self.lib = ctypes.CDLL(name) if name else None
        if self.lib:
            self.lib.opus_encoder_create.restype = ctypes.c_void_p
            self.lib.opus_decoder_create.restype = ctypes.c_void_p

    def encode(self, x, bitrate):
        """int16-range samples -> (packets, the encoder's look-ahead in samples); the input is
        padded with the look-ahead, so the decoded audio from that offset on covers all of x."""
        lib, err = self.lib, ctypes.c_int()
        enc = ctypes.c_void_p(lib.opus_encoder_create(RATE, 1, self.APPLICATION_VOIP, ctypes.byref(err)))
        lib.opus_encoder_ctl(enc, self.SET_BITRATE, ctypes.c_int(bitrate))
        lookahead = ctypes.c_int()
        lib.opus_encoder_ctl(enc, self.GET_LOOKAHEAD, ctypes.byref(lookahead))
        pcm = np.clip(x, -32768, 32767).astype(np.int16)
        pcm = np.concatenate([pcm, np.zeros(lookahead.value + (-(len(pcm) + lookahead.value)) % self.FRAME, np.int16)])
        packet = (ctypes.c_ubyte * 1500)()
        packets = []
        for i in range(0, len(pcm), self.FRAME):
            n = lib.opus_encode(enc, pcm[i:].ctypes.data_as(ctypes.c_void_p), self.FRAME, packet, 1500)
            if n < 0:
                raise RuntimeError(f"opus_encode failed ({n})")
            packets.append(bytes(packet[:n]))
        lib.opus_encoder_destroy(enc)
        return packets, lookahead.value

    def decode(self, packets, samples, skip=0):
        """packets -> `samples` int16 samples from offset `skip`."""
        lib, err = self.lib, ctypes.c_int()
        dec = ctypes.c_void_p(lib.opus_decoder_create(RATE, 1, ctypes.byref(err)))
        out = np.zeros(len(packets) * self.FRAME, np.int16)
        for k, p in enumerate(packets):
            buf = (ctypes.c_ubyte * len(p)).from_buffer_copy(p)
            lib.opus_decode(dec, buf, len(p), out[k * self.FRAME:].ctypes.data_as(ctypes.c_void_p), self.FRAME, 0)
        lib.opus_decoder_destroy(dec)
        return out[skip:skip + samples]

    def roundtrip(self, x, bitrate):
        """The codec's effect: encoded at `bitrate` and decoded, aligned as the decoder plays it."""
        if self.lib is None:
            return x
        packets, _ = self.encode(x, bitrate)
        return self.decode(packets, len(x)).astype(np.float32)


def mulaw_roundtrip(x):
    y = np.clip(x / 32768, -1, 1)
    q = np.round(np.sign(y) * np.log1p(255 * np.abs(y)) / np.log(256) * 127) / 127
    return (np.sign(q) * (np.power(256, np.abs(q)) - 1) / 255 * 32768).astype(np.float32)


def alaw_roundtrip(x):
    y = np.clip(x / 32768, -1, 1)
    a = np.abs(y)
    c = np.where(a < 1 / 87.6, 87.6 * a, 1 + np.log(np.maximum(87.6 * a, 1e-9))) / (1 + np.log(87.6))
    q = np.round(c * 127) / 127
    a2 = np.where(q < 1 / (1 + np.log(87.6)), q * (1 + np.log(87.6)) / 87.6, np.exp(q * (1 + np.log(87.6)) - 1) / 87.6)
    return (np.sign(y) * a2 * 32768).astype(np.float32)


class Augmenter:
    """The telephone channel: speed, reverb, band limit, level, quiet before and after the
    speech (digital silence where no noise is added), noise and codec."""
    def __init__(self, noise_paths):
        self.noises = [load(p) for p in noise_paths]
        self.opus = Opus()

    def noise(self, rng, n):
        parts, total = [np.zeros(0, np.float32)], 0
        while total < n:
            clip = self.noises[rng.integers(len(self.noises))]
            parts.append(clip)
            total += len(clip)
        return np.concatenate(parts)[:n]

    def __call__(self, x, rng):
        if rng.random() < 0.8:
            x = soxr.resample(x, RATE * rng.uniform(0.9, 1.1), RATE).astype(np.float32)
        if rng.random() < 0.3:
            rt60 = rng.uniform(0.1, 0.4)
            t = np.arange(int(rt60 * RATE)) / RATE
            rir = rng.standard_normal(len(t)) * np.exp(-6.9 * t / rt60) * 0.3
            rir[0] = 1
            x = signal.fftconvolve(x, rir)[: len(x)].astype(np.float32)
        lo, hi = rng.uniform(200, 400), rng.uniform(3000, 3700)
        x = signal.sosfilt(signal.butter(4, [lo, hi], "bandpass", fs=RATE, output="sos"), x).astype(np.float32)
        level = rng.uniform(-38, -12)
        rms = np.sqrt(np.mean(x ** 2) + 1e-3)
        x *= 32768 * 10 ** (level / 20) / rms
        if rng.random() < 0.7:
            # A call's recognizer starts up to a second before the speech and ends after
            # its closing silence: the model must not lose its way in the quiet around it.
            x = np.concatenate([np.zeros(int(rng.uniform(0.05, 1.2) * RATE), np.float32), x,
                                np.zeros(int(rng.uniform(0.05, 0.8) * RATE), np.float32)])
        if rng.random() < 0.85:
            n = self.noise(rng, len(x))
            snr = rng.uniform(0, 25)
            n *= np.sqrt(np.mean(x ** 2)) / (np.sqrt(np.mean(n ** 2)) + 1e-3) * 10 ** (-snr / 20)
            x = x + n
        r = rng.random()
        if r < 0.3:
            x = mulaw_roundtrip(x)
        elif r < 0.45:
            x = alaw_roundtrip(x)
        elif r < 0.6:
            x = self.opus.roundtrip(x, int(rng.choice([6000, 8000, 12000, 16000])))
        return np.clip(x, -32768, 32767).astype(np.float32)


def fbank(x):
    o = knf.FbankOptions()
    o.frame_opts.samp_freq = RATE
    o.frame_opts.dither = 0
    o.mel_opts.num_bins = FBANK_BINS
    f = knf.OnlineFbank(o)
    f.accept_waveform(RATE, x.tolist())
    f.input_finished()
    if f.num_frames_ready == 0:
        return np.zeros((0, FBANK_BINS), np.float32)
    return np.stack([f.get_frame(i) for i in range(f.num_frames_ready)]).astype(np.float32)


def room_tone(rng, augmenter, n):
    return augmenter.noise(rng, n) * 10 ** (rng.uniform(-25, -10) / 20)


def joined(items, rng, augmenter, audio):
    """2-8 trimmed clips joined by gaps of room tone (under 40 ms in a third of them);
    digit strings favour one speaker."""
    count = int(rng.integers(2, 9))
    digits = [i for i in items if i["words"] in ONES[:10]]
    if rng.random() < 0.5 and digits:
        speaker = digits[rng.integers(len(digits))]["speaker"]
        pool = [i for i in digits if i["speaker"] == speaker] or digits
    else:
        pool = items
    picks = [pool[rng.integers(len(pool))] for _ in range(count)]
    run_on = rng.random() < 0.3  # words run together, as a caller reading a number says them
    parts, words = [room_tone(rng, augmenter, int(rng.uniform(0.05, 0.3) * RATE))], []
    for item in picks:
        clip = trim(audio(item["path"]))
        clip = clip * 10 ** (rng.uniform(-4, 4) / 20)
        gap = rng.uniform(0, 0.04) if run_on else rng.uniform(0.03, 0.4)
        parts += [clip, room_tone(rng, augmenter, int(gap * RATE))]
        words.append(item["words"])
    return np.concatenate(parts).astype(np.float32), " ".join(words), "joined"


_state = {}


def _init(noise_paths, pool):
    _state["aug"] = Augmenter(noise_paths)
    _state["pool"] = pool
    _state["lex"] = Lexicon()


def _work(job):
    """job: (seed, item); item None makes a joined sequence from the worker's pool."""
    seed, item = job
    rng = np.random.default_rng(seed)
    aug, lex = _state["aug"], _state["lex"]
    if item is None:
        x, words, source = joined(_state["pool"], rng, aug, load)
        speaker = "joined"
    else:
        x, words, source, speaker = load(item["path"]), item["words"], item["source"], item["speaker"]
        if source.startswith("synthetic"):
            x = trim(x)
    labels = lex.phones(words)
    if labels is None:
        return None
    feats = fbank(aug(x, rng))
    if len(feats) < 2 * len(labels) + 4:
        return None
    return feats.astype(np.float16), np.array(labels, np.int16), source, speaker, words


def build(cache, items, copies, joined_count, seed, name, workers=None):
    noise_paths = sorted(glob.glob(os.path.join(SPEECH, "noise", "*.flac")))
    jobs = [(seed * 1_000_003 + k * 100_003 + i, item) for k in range(copies) for i, item in enumerate(items)]
    jobs += [(seed * 7_000_003 + j, None) for j in range(joined_count)]
    pool = [i for i in items if not i["source"].startswith(("synthetic", "continuous"))]
    feats, labels, sources, speakers, words = [], [], [], [], []
    with Pool(workers or os.cpu_count() or 2, initializer=_init, initargs=(noise_paths, pool)) as p:
        for n, r in enumerate(p.imap(_work, jobs, chunksize=32)):
            if r is not None:
                for lst, v in zip((feats, labels, sources, speakers, words), r):
                    lst.append(v)
            if n % 5000 == 0:
                print(f"{name}: {n}/{len(jobs)}", file=sys.stderr, flush=True)
    offsets = np.cumsum([0] + [len(f) for f in feats])
    loffsets = np.cumsum([0] + [len(l) for l in labels])
    path = os.path.join(cache, name + ".npz")
    np.savez(path + ".part.npz", feats=np.concatenate(feats), offsets=offsets,
             labels=np.concatenate(labels), label_offsets=loffsets, sources=np.array(sources),
             speakers=np.array(speakers), words=np.array(words))
    os.replace(path + ".part.npz", path)  # a trainer waiting for shards never reads half a file
    hours = offsets[-1] / 100 / 3600
    print(f"{name}: {len(feats)} utterances, {hours:.2f} h", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cache")
    ap.add_argument("--copies", type=int, default=2)
    ap.add_argument("--joined", type=int, default=12000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", choices=["train", "dev"], help="build one split")
    ap.add_argument("--name", default="train", help="file name of the train split (a shard: train-3)")
    ap.add_argument("--workers", type=int, help="processes (default: every core)")
    args = ap.parse_args()
    items = corpus(cache=args.cache)
    train = [i for i in items if not i["dev"]]
    dev = [i for i in items if i["dev"]]
    print(f"corpus: {len(train)} train, {len(dev)} dev utterances", file=sys.stderr)
    if args.only != "train":
        build(args.cache, dev, 1, args.joined // 20, args.seed + 1000, "dev", args.workers)
    if args.only != "dev":
        build(args.cache, train, args.copies, args.joined, args.seed, args.name, args.workers)


if __name__ == "__main__":
    main()
