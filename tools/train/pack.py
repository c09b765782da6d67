"""Packs the training corpus into one small file, and unpacks it elsewhere.

The accelerator machine that trains the acoustic model is reached with at most 64 MiB of
files, and the corpus (../shared/speech plus the synthetic speech) is about 450 MB of
WAV/FLAC. Packed as Opus at 8 kHz (12 kbit/s for recordings, 10 for synthetic speech,
trimmed as data.py would trim it) it is about 39 MB. Unpacking writes the same folder
layout as ../shared/speech (plus synthetic/ with its manifest), so data.py reads it
unchanged through HOTLINE_SPEECH.

Usage: python3 pack.py pack CACHE OUT.npz
       python3 pack.py unpack PACK.npz SPEECH_DIR      (HOTLINE_LIBOPUS names libopus if needed)
"""
import argparse, glob, os, sys
from multiprocessing import Pool
import numpy as np
import soundfile
import data

_opus = data.Opus()


def _pack_one(job):
    rel, path, synthetic = job
    x = data.load(path)
    if synthetic:
        x = data.trim(x)
    packets, skip = _opus.encode(x, 10000 if synthetic else 12000)
    return rel, b"".join(packets), [len(p) for p in packets], len(x), skip


def pack(cache, out):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    items = data.corpus(cache=cache)
    jobs = []
    for item in items:
        synthetic = item["source"].startswith("synthetic")
        rel = os.path.join("synthetic", os.path.basename(item["path"])) if synthetic \
            else os.path.relpath(item["path"], data.SPEECH)
        jobs.append((rel, item["path"], synthetic))
    for path in sorted(glob.glob(os.path.join(data.SPEECH, "noise", "*.flac"))):
        jobs.append((os.path.relpath(path, data.SPEECH), path, False))
    names, blobs, lengths, samples, skips, counts = [], [], [], [], [], []
    with Pool(os.cpu_count() or 2) as pool:
        for rel, blob, lens, n, skip in pool.imap(_pack_one, jobs, chunksize=64):
            names.append(rel); blobs.append(blob); lengths += lens
            samples.append(n); skips.append(skip); counts.append(len(lens))
    manifest = [f"{os.path.basename(i['path'])}\t{i['source']}\t{i['speaker']}\t{i['words']}"
                for i in items if i["source"].startswith("synthetic")]
    # The sentences' transcripts travel too: without them data.py finds no continuous speech.
    transcripts = os.path.join(data.SPEECH, "continuous", "transcripts.tsv")
    with open(transcripts, encoding="utf-8") if os.path.exists(transcripts) else open(os.devnull) as f:
        continuous_transcripts = f.read()
    np.savez(out, names=np.array(names), packets=np.frombuffer(b"".join(blobs), np.uint8),
             packet_lengths=np.array(lengths, np.uint16), packet_counts=np.array(counts, np.int64),
             samples=np.array(samples, np.int64), skips=np.array(skips, np.int64),
             synthetic_manifest=np.array(manifest), continuous_transcripts=np.array(continuous_transcripts))
    print(f"pack: {len(names)} files, {sum(samples) / data.RATE / 3600:.2f} h, "
          f"{os.path.getsize(out) / 1e6:.1f} MB in {out}", file=sys.stderr)


_packed = {}


def _unpack_one(k):
    p = _packed
    first = int(p["packet_start"][k])
    lens = p["packet_lengths"][first:first + int(p["packet_counts"][k])]
    start = int(p["byte_start"][first])
    blob = p["packets"][start:start + int(lens.sum())].tobytes()
    bounds = np.cumsum([0] + lens.tolist())
    packets = [blob[bounds[i]:bounds[i + 1]] for i in range(len(lens))]
    x = _opus.decode(packets, int(p["samples"][k]), int(p["skips"][k]))
    path = os.path.join(p["out"], str(p["names"][k]))
    # WAV under the file's own name (an .ogg keeps its name, so transcripts still find it).
    soundfile.write(path, x, data.RATE, subtype="PCM_16", format="WAV")


def unpack(packed, out):
    d = np.load(packed)
    p = {k: d[k] for k in d.files}
    p["packet_start"] = np.concatenate([[0], np.cumsum(p["packet_counts"])[:-1]])
    p["byte_start"] = np.concatenate([[0], np.cumsum(p["packet_lengths"].astype(np.int64))[:-1]])
    p["out"] = out
    _packed.update(p)
    for folder in {os.path.dirname(str(n)) for n in p["names"]} | {"synthetic"}:
        os.makedirs(os.path.join(out, folder), exist_ok=True)
    with Pool(os.cpu_count() or 2) as pool:
        pool.map(_unpack_one, range(len(p["names"])), chunksize=64)
    with open(os.path.join(out, "synthetic", "manifest.tsv"), "w") as f:
        for line in p["synthetic_manifest"]:
            name, rest = str(line).split("\t", 1)
            f.write(os.path.join(out, "synthetic", name) + "\t" + rest + "\n")
    if "continuous_transcripts" in p and str(p["continuous_transcripts"]):
        with open(os.path.join(out, "continuous", "transcripts.tsv"), "w", encoding="utf-8") as f:
            f.write(str(p["continuous_transcripts"]))
    print(f"unpack: {len(p['names'])} files in {out}", file=sys.stderr)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("verb", choices=["pack", "unpack"])
    ap.add_argument("source")
    ap.add_argument("target")
    args = ap.parse_args()
    (pack if args.verb == "pack" else unpack)(args.source, args.target)


if __name__ == "__main__":
    main()
