"""Writes a trained acoustic model in Hotline's model format (.hnn) and a parity fixture
(features in, log-posteriors out) that the Swift tests check against.

Format (little-endian), read by Sources/HotlineNN/ModelFile.swift:
  bytes 0-3  magic "HNN1"
  bytes 4-7  u32 format version (1)
  bytes 8-11 u32 header length H
  12..12+H   UTF-8 JSON header: kind, architecture, frontEnd, phones, training, and
             tensors [{name, shape, offset}] with offsets in bytes from the data start
  data start = 12 + H rounded up to 64; every tensor float32, each starting 64-aligned.

Usage: python3 export.py CHECKPOINT OUT.hnn [--parity FIXTURE.json --features FILE.npy]
       python3 export.py --tiny OUT.hnn --parity FIXTURE.json   (a random tiny model for tests)
       python3 export.py --from-hnn MODEL.hnn OUT.pt   (back to a checkpoint that train.py --init takes)
"""
import argparse, json, struct, sys
import numpy as np
import torch
from lexicon import PHONES
from model import AcousticModel, TIME_STRIDE
import data

TENSOR_ORDER = ["feature_mean", "feature_scale", "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias"]


def tensor_names(layers):
    names = list(TENSOR_ORDER)
    for l in range(layers):
        names += [f"gru.weight_ih_l{l}", f"gru.weight_hh_l{l}", f"gru.bias_ih_l{l}", f"gru.bias_hh_l{l}"]
    return names + ["output.weight", "output.bias"]


def write_model(model, path, training):
    state = model.state_dict()
    tensors, blobs, offset = [], [], 0
    for name in tensor_names(model.config["layers"]):
        t = state[name].detach().float().contiguous().numpy().astype("<f4")
        tensors.append(dict(name=name, shape=list(t.shape), offset=offset))
        blob = t.tobytes()
        blob += b"\0" * ((-len(blob)) % 64)
        blobs.append(blob)
        offset += len(blob)
    header = dict(
        kind="ctc-acoustic-model",
        architecture=dict(model.config, timeStride=TIME_STRIDE, convBins=model.conv_bins),
        frontEnd=dict(kind="fbank", sampleRate=data.RATE, bins=model.config["bins"], frameLengthMs=25,
                      frameShiftMs=10, dither=0, preemphasis=0.97, window="povey", lowFrequency=20,
                      highFrequency=0, snipEdges=True, energyFloor=0),
        phones=["<blank>"] + PHONES, training=training, tensors=tensors)
    text = json.dumps(header, separators=(",", ":")).encode()
    start = 12 + len(text)
    pad = (-start) % 64
    with open(path, "wb") as f:
        f.write(b"HNN1" + struct.pack("<II", 1, len(text) + pad) + text + b" " * pad)
        for blob in blobs:
            f.write(blob)


def read_model(path):
    """The model a .hnn file holds, as write_model wrote it."""
    blob = open(path, "rb").read()
    if blob[:4] != b"HNN1":
        sys.exit(f"export: {path} is not a Hotline model file")
    version, length = struct.unpack("<II", blob[4:12])
    if version != 1:
        sys.exit(f"export: {path} has format version {version}, not 1")
    header = json.loads(blob[12:12 + length])
    start = 12 + length
    keys = ("bins", "channels", "hidden", "layers", "outputs")
    model = AcousticModel(**{k: header["architecture"][k] for k in keys})
    state = {}
    for t in header["tensors"]:
        count = int(np.prod(t["shape"]))
        values = np.frombuffer(blob, "<f4", count, start + t["offset"])
        state[t["name"]] = torch.from_numpy(values.reshape(t["shape"]).copy())
    model.load_state_dict(state)
    return model


@torch.no_grad()
def write_parity(model, feats, path):
    logp, _ = model(torch.from_numpy(feats[None]))
    with open(path, "w") as f:
        json.dump(dict(frames=int(feats.shape[0]), bins=int(feats.shape[1]), outputs=int(logp.shape[2]),
                       features=[round(float(v), 6) for v in feats.reshape(-1)],
                       logPosteriors=[round(float(v), 6) for v in logp[0].reshape(-1)]), f)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint", nargs="?")
    ap.add_argument("out")
    ap.add_argument("--tiny", action="store_true")
    ap.add_argument("--parity")
    ap.add_argument("--audio", help="sound file whose features make the parity input")
    ap.add_argument("--training-json", help="training summary to embed in the header")
    ap.add_argument("--from-hnn", action="store_true", help="read CHECKPOINT as a .hnn model and write OUT as a checkpoint")
    args = ap.parse_args()
    if args.from_hnn:
        model = read_model(args.checkpoint)
        torch.save(dict(model=model.state_dict(), config=model.config), args.out)
        print(f"export: wrote {args.out}", file=sys.stderr)
        return
    if args.tiny:
        torch.manual_seed(3)
        model = AcousticModel(channels=4, hidden=8, layers=2)
        for p in model.parameters():
            torch.nn.init.uniform_(p, -0.5, 0.5)
        model.feature_mean.uniform_(5, 10)
        model.feature_scale.uniform_(0.2, 0.5)
        training = dict(note="random weights, for kernel parity tests only")
    else:
        ck = torch.load(args.checkpoint, weights_only=False, map_location="cpu")
        model = AcousticModel(**ck["config"])
        model.load_state_dict(ck["model"])
        training = dict(dev=json.load(open(args.training_json))) if args.training_json else {}
        state = ck.get("state", {})
        training.update(epochs=state.get("epoch", 0) + 1, trainingSeconds=round(state.get("seconds", 0)),
                        history=[dict(epoch=h["epoch"], loss=h["loss"], per=h["per"]) for h in state.get("history", [])])
    model.eval()
    write_model(model, args.out, training)
    if args.parity:
        if args.audio:
            feats = data.fbank(data.load(args.audio))
        else:
            feats = np.random.default_rng(5).normal(8, 3, (47, model.config["bins"])).astype(np.float32)
        write_parity(model, feats, args.parity)
    print(f"export: wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
