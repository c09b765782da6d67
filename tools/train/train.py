"""Trains the acoustic model with CTC on CACHE/train.npz, checkpointing so that a stopped
run resumes where it left off.

Usage: python3 train.py CACHE [--epochs 8] [--minutes M] [--threads 2]
Writes CACHE/checkpoint.pt (latest) and CACHE/best.pt (lowest dev phone error rate).
"""
import argparse, json, os, sys, time
import numpy as np
import torch
from torch import nn
from model import AcousticModel
from evaluate import Split, evaluate


def batches(split, rng, shuffle, max_frames=5000):
    """Length-bucketed batches of utterance indices; shortest first unless shuffled
    (SortaGrad: the first epoch in length order helps CTC leave the all-blank plateau)."""
    order = np.argsort(split.lengths + rng.uniform(0, 30, len(split.lengths)))
    out, cur, longest = [], [], 0
    for i in order:
        longest = max(longest, split.lengths[i])
        if cur and longest * (len(cur) + 1) > max_frames:
            out.append(cur)
            cur, longest = [], split.lengths[i]
        cur.append(i)
    if cur:
        out.append(cur)
    if shuffle:
        rng.shuffle(out)
    return out


def spec_augment(x, rng):
    """Two frequency masks (up to 6 bins) and two time masks (up to 12 frames) per utterance."""
    b, t, f = x.shape
    for i in range(b):
        for _ in range(2):
            w = rng.integers(0, 7)
            s = rng.integers(0, f - w + 1)
            x[i, :, s:s + w] = 0
            w = rng.integers(0, 13)
            s = rng.integers(0, max(1, t - w))
            x[i, s:s + w, :] = 0
    return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cache")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--minutes", type=float, default=1e9, help="stop (with a checkpoint) after this long")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--lr", type=float, default=2e-3)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    train, dev = Split(os.path.join(args.cache, "train.npz")), Split(os.path.join(args.cache, "dev.npz"))
    print(f"train {len(train.lengths)} utts {train.lengths.sum() / 360000:.2f} h; dev {len(dev.lengths)} utts", file=sys.stderr)
    model = AcousticModel()
    model.feature_mean.copy_(torch.from_numpy(train.mean))
    model.feature_scale.copy_(torch.from_numpy(1 / train.std))
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    ckpt_path, best_path = os.path.join(args.cache, "checkpoint.pt"), os.path.join(args.cache, "best.pt")
    state = dict(epoch=0, batch=0, best=1e9, history=[], seconds=0.0)
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, weights_only=False)
        model.load_state_dict(ck["model"]); opt.load_state_dict(ck["opt"]); state = ck["state"]
        print(f"resumed at epoch {state['epoch']} batch {state['batch']}", file=sys.stderr)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    start, last_save = time.time(), time.time()

    def save():
        state["seconds"] += time.time() - start_mark[0]
        start_mark[0] = time.time()
        torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), state=state, config=model.config), ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)
    start_mark = [time.time()]

    while state["epoch"] < args.epochs:
        rng = np.random.default_rng(state["epoch"])
        plan = batches(train, rng, shuffle=state["epoch"] > 0)
        lr = args.lr * (0.75 ** max(0, state["epoch"] - 2))
        for g in opt.param_groups:
            g["lr"] = lr
        model.train()
        losses = []
        for bi in range(state["batch"], len(plan)):
            idx = plan[bi]
            x, lengths, labels, label_lengths = train.batch(idx)
            x = torch.from_numpy(spec_augment(x, rng) if state["epoch"] > 0 else x)
            logp, _ = model(x)
            out_len = AcousticModel.output_length(torch.from_numpy(lengths))
            loss = ctc(logp.transpose(0, 1), torch.from_numpy(labels), out_len, torch.from_numpy(label_lengths))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            losses.append(loss.item())
            state["batch"] = bi + 1
            if bi % 50 == 0:
                print(f"epoch {state['epoch']} batch {bi}/{len(plan)} loss {np.mean(losses[-50:]):.3f} lr {lr:.2e}", file=sys.stderr, flush=True)
            if time.time() - last_save > 300:
                save(); last_save = time.time()
            if time.time() - start > args.minutes * 60:
                save()
                print("time limit: checkpoint saved; run again to resume", file=sys.stderr)
                return
        model.eval()
        report = evaluate(model, dev)
        state["history"].append(dict(epoch=state["epoch"], loss=float(np.mean(losses)) if losses else None, **report))
        print(json.dumps(state["history"][-1]), file=sys.stderr, flush=True)
        if report["per"] < state["best"]:
            state["best"] = report["per"]
            torch.save(dict(model=model.state_dict(), config=model.config, state=state), best_path)
        state["epoch"] += 1
        state["batch"] = 0
        save(); last_save = time.time()


if __name__ == "__main__":
    main()
