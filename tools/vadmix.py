"""Labelled voice-activity audio built from ../shared/speech (shared by train-vad.py and bench/vad.py).

A mixture is background noise from ../shared/speech/noise running throughout, with
real speech clips placed at random gaps. Frame labels come from the clean clips:
10 ms blocks within 30 dB of the clip's loudest block (and above -55 dBFS) are speech.
The split is by speaker: FSDD's nicolas and a fifth of the Speech Commands speakers
(by a hash of the id), and a third of the noise files, are held out for evaluation.
Wake-word clips (no speaker ids) are used for training only.
"""
import glob, hashlib, os
import numpy as np
import soundfile

SPEECH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "speech")
RATE, HOP, WINDOW = 8000, 80, 128


def _held_out(speaker):
    return int(hashlib.sha1(speaker.encode()).hexdigest(), 16) % 5 == 0


def clip_lists():
    """(train, test) lists of speech files, split by speaker."""
    train, test = [], []
    for f in sorted(glob.glob(os.path.join(SPEECH, "fsdd", "*.wav"))):
        (test if "_nicolas_" in f else train).append(f)
    for f in sorted(glob.glob(os.path.join(SPEECH, "speech-commands", "*", "*.flac"))):
        speaker = os.path.basename(f).split("_nohash_")[0]
        (test if _held_out(speaker) else train).append(f)
    train += sorted(glob.glob(os.path.join(SPEECH, "wake-words", "*", "*.flac")))
    return train, test


def noise_lists():
    files = sorted(glob.glob(os.path.join(SPEECH, "noise", "*.flac")))
    return [f for i, f in enumerate(files) if i % 3], [f for i, f in enumerate(files) if i % 3 == 0]


def read(path):
    x, rate = soundfile.read(path, dtype="float32", always_2d=True)
    assert rate == RATE, path
    return x.mean(axis=1)


def activity(clip):
    """Per-sample speech mask of a clean clip from its 10 ms block energies."""
    n = len(clip) // HOP
    if n == 0:
        return np.zeros(len(clip), bool)
    blocks = clip[: n * HOP].reshape(n, HOP)
    db = 10 * np.log10(np.mean(blocks ** 2, axis=1) + 1e-12)
    active = (db > db.max() - 30) & (db > -55)
    mask = np.repeat(active, HOP)
    return np.concatenate([mask, np.zeros(len(clip) - len(mask), bool)])


def mixture(rng, clips, noises, snr_db, seconds=20.0):
    """One mixture: (samples, per-sample speech mask, list of (start, end) clip spans)."""
    total = int(seconds * RATE)
    speech = np.zeros(total, np.float32)
    mask = np.zeros(total, bool)
    spans = []
    t = int(rng.uniform(0.6, 1.5) * RATE)
    power, count = 0.0, 0
    while True:
        clip = read(clips[rng.integers(len(clips))])
        clip = clip * 10 ** (rng.uniform(-10, 6) / 20) / (np.max(np.abs(clip)) + 1e-9) * 0.3
        if t + len(clip) > total - int(0.5 * RATE):
            break
        active = activity(clip)
        speech[t:t + len(clip)] = clip
        mask[t:t + len(clip)] = active
        if active.any():
            power += float(np.sum(clip[active] ** 2))
            count += int(active.sum())
            idx = np.nonzero(active)[0]
            spans.append((t + idx[0], t + idx[-1] + 1))
        t += len(clip) + int(rng.uniform(0.3, 1.5) * RATE)
    noise = np.concatenate([read(noises[rng.integers(len(noises))]) for _ in range(int(seconds) + 2)])[:total]
    noise = noise - noise.mean()
    speech_power = power / max(count, 1)
    noise_power = float(np.mean(noise ** 2)) + 1e-12
    noise *= np.sqrt(speech_power / noise_power / 10 ** (snr_db / 10))
    x = speech + noise
    peak = np.max(np.abs(x))
    if peak > 0.99:
        x *= 0.99 / peak
    return x.astype(np.float32), mask, spans


def frame_labels(mask):
    """Label of each VAD frame: the sample at the centre of its 16 ms window."""
    frames = 0 if len(mask) < WINDOW else 1 + (len(mask) - WINDOW) // HOP
    return mask[np.arange(frames) * HOP + WINDOW // 2]
