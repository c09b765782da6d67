"""Dev-set figures for the acoustic model: phone error rate (greedy CTC) per data source
and per speaker, and isolated-digit accuracy on the FSDD dev files (indices 0-4).

Usage: python3 evaluate.py CACHE [--model CACHE/best.pt] [--json OUT]
"""
import argparse, json, os, sys
from collections import defaultdict
import numpy as np
import torch
from lexicon import Lexicon, PHONE_INDEX, edit_distance
from synth import ONES


class Split:
    """Features written by data.py: one file, or several (shards) read as one."""
    def __init__(self, paths):
        parts = [np.load(p) for p in ([paths] if isinstance(paths, str) else paths)]

        def joined(key):
            return np.concatenate([d[key] for d in parts])

        def offsets(key, total):
            starts = np.cumsum([0] + [d[total].shape[0] for d in parts[:-1]])
            return np.concatenate([d[key][:-1] + s for d, s in zip(parts, starts)] + [[starts[-1] + parts[-1][total].shape[0]]])
        self.feats, self.offsets = joined("feats"), offsets("offsets", "feats")
        self.labels, self.label_offsets = joined("labels"), offsets("label_offsets", "labels")
        self.sources, self.speakers, self.words = joined("sources"), joined("speakers"), joined("words")
        self.lengths = np.diff(self.offsets)
        sample = self.feats[:: max(1, len(self.feats) // 200000)].astype(np.float64)
        self.mean = sample.mean(axis=0).astype(np.float32)
        self.std = np.maximum(sample.std(axis=0), 1e-3).astype(np.float32)

    def utterance(self, i):
        return self.feats[self.offsets[i]:self.offsets[i + 1]].astype(np.float32)

    def label(self, i):
        return self.labels[self.label_offsets[i]:self.label_offsets[i + 1]].astype(np.int64)

    def batch(self, idx):
        lengths = np.array([self.lengths[i] for i in idx])
        x = np.zeros((len(idx), lengths.max(), self.feats.shape[1]), np.float32)
        for k, i in enumerate(idx):
            x[k, :lengths[k]] = self.utterance(i)
        labels = [self.label(i) for i in idx]
        return x, lengths, np.concatenate(labels), np.array([len(l) for l in labels])


def greedy(logp):
    """Best path: argmax per frame, repeats merged, blanks dropped."""
    best = logp.argmax(-1)
    out, prev = [], 0
    for p in best.tolist():
        if p != prev and p != 0:
            out.append(p)
        prev = p
    return out


@torch.no_grad()
def evaluate(model, split, batch=64):
    model.eval()
    lex = Lexicon()
    digit_prons = [[PHONE_INDEX[p] for p in lex.word(w)] for w in ONES[:10]]
    errors, totals = defaultdict(int), defaultdict(int)
    speaker_err, speaker_tot = defaultdict(int), defaultdict(int)
    digits_right = digits_total = 0
    digit_speaker = defaultdict(lambda: [0, 0])
    order = np.argsort(split.lengths)
    for s in range(0, len(order), batch):
        idx = order[s:s + batch]
        x, lengths, _, _ = split.batch(idx)
        logp, _ = model(torch.from_numpy(x).to(model.feature_mean.device))
        logp = logp.cpu()
        for k, i in enumerate(idx):
            hyp = greedy(logp[k, :model.output_length(int(lengths[k]))])
            ref = split.label(i).tolist()
            e = edit_distance(hyp, ref)
            src = str(split.sources[i])
            errors[src] += e; totals[src] += len(ref)
            spk = f"{src}/{split.speakers[i]}" if src in ("fsdd", "joined") or src.startswith(("synthetic", "continuous")) else src
            speaker_err[spk] += e; speaker_tot[spk] += len(ref)
            if src == "fsdd":
                guess = min(range(10), key=lambda d: edit_distance(hyp, digit_prons[d]))
                ok = ONES[guess] == str(split.words[i])
                digits_right += ok; digits_total += 1
                digit_speaker[str(split.speakers[i])][0] += ok
                digit_speaker[str(split.speakers[i])][1] += 1
    per_source = {k: round(errors[k] / totals[k], 4) for k in sorted(totals)}
    return dict(per=round(sum(errors.values()) / max(1, sum(totals.values())), 4), per_source=per_source,
                per_speaker={k: round(speaker_err[k] / speaker_tot[k], 4) for k in sorted(speaker_tot)},
                fsdd_digit_accuracy=round(digits_right / max(1, digits_total), 4),
                fsdd_digit_accuracy_per_speaker={k: round(v[0] / v[1], 4) for k, v in sorted(digit_speaker.items())})


def main():
    from model import AcousticModel
    ap = argparse.ArgumentParser()
    ap.add_argument("cache")
    ap.add_argument("--model")
    ap.add_argument("--json")
    args = ap.parse_args()
    ck = torch.load(args.model or os.path.join(args.cache, "best.pt"), weights_only=False, map_location="cpu")
    model = AcousticModel(**ck["config"])
    model.load_state_dict(ck["model"])
    report = evaluate(model, Split(os.path.join(args.cache, "dev.npz")))
    text = json.dumps(report, indent=1)
    print(text)
    if args.json:
        with open(args.json, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
