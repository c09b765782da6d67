"""Trains the acoustic model with CTC on CACHE/train.npz (or shards CACHE/train-*.npz, read
again at each epoch so that shards still being written join as they appear), checkpointing
so that a stopped run resumes where it left off.

The learning rate warms up over 300 updates, then follows a cosine to zero over the run:
over --epochs, or over --minutes when given (a run sized to a fixed time on an accelerator).

Usage: python3 train.py CACHE [--epochs 8] [--minutes M] [--device cuda] [--hidden 192 --layers 2] [--init MODEL]
                        [--repeat SOURCE=K ...]
Writes CACHE/checkpoint.pt (latest) and CACHE/best.pt (lowest dev phone error rate).
"""
import argparse, glob, json, math, os, sys, time
import numpy as np
import torch
from torch import nn
from model import AcousticModel
from evaluate import Split, evaluate


def batches(split, rng, shuffle, max_frames=5000, repeat=None):
    """Length-bucketed batches of utterance indices; shortest first unless shuffled
    (SortaGrad: the first epoch in length order helps CTC leave the all-blank plateau).
    repeat maps a source to how many times its utterances appear per epoch (default once)."""
    idx = np.arange(len(split.lengths))
    if repeat:
        idx = np.concatenate([idx] + [idx[split.sources == src] for src, k in repeat.items() for _ in range(k - 1)])
    order = idx[np.argsort(split.lengths[idx] + rng.uniform(0, 30, len(idx)))]
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
    """Two frequency masks (up to 6 bins) and two time masks (up to 12 frames) per utterance,
    on whatever device x lives."""
    b, t, f = x.shape
    bins, frames = torch.arange(f, device=x.device), torch.arange(t, device=x.device)
    keep = torch.ones(b, t, f, dtype=torch.bool, device=x.device)
    for _ in range(2):
        w = torch.from_numpy(rng.integers(0, 7, b)).to(x.device)
        s = (torch.from_numpy(rng.random(b)).to(x.device) * (f - w + 1)).long()
        keep &= ~((bins[None] >= s[:, None]) & (bins[None] < (s + w)[:, None]))[:, None, :]
        w = torch.from_numpy(rng.integers(0, 13, b)).to(x.device)
        s = (torch.from_numpy(rng.random(b)).to(x.device) * (t - w).clamp(min=1)).long()
        keep &= ~((frames[None] >= s[:, None]) & (frames[None] < (s + w)[:, None]))[:, :, None]
    return x * keep


def train_files(cache):
    shards = sorted(glob.glob(os.path.join(cache, "train-*.npz")))
    return [p for p in shards if not p.endswith(".part.npz")] or [os.path.join(cache, "train.npz")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cache")
    ap.add_argument("--epochs", type=int, default=8)
    ap.add_argument("--minutes", type=float, help="train for this long, the schedule sized to it")
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--batch-frames", type=int, default=5000)
    ap.add_argument("--hidden", type=int, default=192, help="GRU size of a new model")
    ap.add_argument("--layers", type=int, default=2, help="GRU layers of a new model")
    ap.add_argument("--channels", type=int, default=32, help="convolution channels of a new model")
    ap.add_argument("--init", help="start from this model (its shape and weights) to fine-tune: no length-ordered "
                    "first epoch, half the warm-up; --epochs 2 then runs one epoch")
    ap.add_argument("--repeat", action="append", default=[], metavar="SOURCE=K",
                    help="show a source's utterances K times per epoch (e.g. fsdd=2); repeatable")
    args = ap.parse_args()
    repeat = {src: int(k) for src, k in (r.split("=") for r in args.repeat)}
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    files = train_files(args.cache)
    train, dev = Split(files), Split(os.path.join(args.cache, "dev.npz"))
    ckpt_path, best_path = os.path.join(args.cache, "checkpoint.pt"), os.path.join(args.cache, "best.pt")
    resume = os.path.exists(ckpt_path)
    start = torch.load(ckpt_path if resume else args.init, weights_only=False, map_location=device) \
        if resume or args.init else None
    model = AcousticModel(**(start["config"] if start else dict(channels=args.channels, hidden=args.hidden, layers=args.layers)))
    model.feature_mean.copy_(torch.from_numpy(train.mean))
    model.feature_scale.copy_(torch.from_numpy(1 / train.std))
    model.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    state = dict(epoch=0, batch=0, best=1e9, history=[], seconds=0.0, updates=0)
    if start:
        model.load_state_dict(start["model"])
    if resume:
        opt.load_state_dict(start["opt"]); state = start["state"]
        print(f"resumed at epoch {state['epoch']} batch {state['batch']} from {ckpt_path}"
              + (" (--init is ignored: delete the checkpoint to start from it)" if args.init else ""), file=sys.stderr)
        if args.minutes and state["seconds"] >= args.minutes * 60:
            sys.exit(f"train.py: the checkpoint has trained {state['seconds'] / 60:.1f} minutes already, and --minutes "
                     f"counts from its start: pass more than that to train on")
    elif args.init:
        state.update(epoch=1, updates=150)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    mark = [time.time()]

    def elapsed():
        return state["seconds"] + time.time() - mark[0]

    def save():
        state["seconds"] = elapsed()
        mark[0] = time.time()
        torch.save(dict(model=model.state_dict(), opt=opt.state_dict(), state=state, config=model.config), ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    def progress(epoch_fraction):
        return min(1.0, elapsed() / (args.minutes * 60)) if args.minutes else min(1.0, epoch_fraction / args.epochs)

    last_save, done = time.time(), False
    while not done and (args.minutes or state["epoch"] < args.epochs):
        if train_files(args.cache) != files:
            files = train_files(args.cache)
            train = Split(files)
        rng = np.random.default_rng(state["epoch"])
        plan = batches(train, rng, shuffle=state["epoch"] > 0, max_frames=args.batch_frames, repeat=repeat)
        print(f"epoch {state['epoch']}: {len(files)} file(s), {len(train.lengths)} utts, "
              f"{train.lengths.sum() / 360000:.2f} h, {len(plan)} batches", file=sys.stderr, flush=True)
        model.train()
        losses = []
        for bi in range(state["batch"], len(plan)):
            p = progress(state["epoch"] + bi / len(plan))
            lr = args.lr * min(1.0, (state["updates"] + 1) / 300) * 0.5 * (1 + math.cos(math.pi * p))
            for g in opt.param_groups:
                g["lr"] = lr
            x, lengths, labels, label_lengths = train.batch(plan[bi])
            x = torch.from_numpy(x).to(device, non_blocking=True)
            if state["epoch"] > 0:
                x = spec_augment(x, rng)
            logp, _ = model(x)
            out_len = AcousticModel.output_length(torch.from_numpy(lengths))
            loss = ctc(logp.transpose(0, 1).float(), torch.from_numpy(labels).to(device), out_len, torch.from_numpy(label_lengths))
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            opt.step()
            losses.append(loss.item())
            state["batch"], state["updates"] = bi + 1, state["updates"] + 1
            if bi % 50 == 0:
                print(f"epoch {state['epoch']} batch {bi}/{len(plan)} loss {np.mean(losses[-50:]):.3f} lr {lr:.2e} "
                      f"{elapsed():.0f} s", file=sys.stderr, flush=True)
            if time.time() - last_save > 300:
                save(); last_save = time.time()
            if args.minutes and p >= 1.0:
                done = True
                break
        if args.minutes and not done and elapsed() - state.get("evaluated", 0) < 60:
            state["epoch"] += 1  # short epochs on an accelerator: dev figures once a minute
            state["batch"] = 0
            continue
        state["evaluated"] = elapsed()
        model.eval()
        report = evaluate(model, dev)
        state["history"].append(dict(epoch=state["epoch"], loss=float(np.mean(losses)) if losses else None,
                                     seconds=round(elapsed()), **report))
        print(json.dumps(state["history"][-1]), file=sys.stderr, flush=True)
        if report["per"] < state["best"]:
            state["best"] = report["per"]
            torch.save(dict(model=model.state_dict(), config=model.config, state=state), best_path)
        state["epoch"] += 1
        state["batch"] = 0
        save(); last_save = time.time()
    print(f"done: {state['epoch']} epochs, {state['updates']} updates, {elapsed():.0f} s, best dev PER {state['best']}",
          file=sys.stderr)


if __name__ == "__main__":
    main()
