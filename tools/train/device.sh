#!/bin/bash
# Trains the acoustic model on a lent accelerator machine in one fixed-length run.
#
# Run from the repository root there, with the packed corpus (tools/train/pack.py) and its
# libopus in .train-pack/ and the wheels the machine lacks (soundfile, soxr,
# kaldi-native-fbank, cffi, pycparser) in .whl/. Unpacks the corpus, builds dev features,
# then builds training shards in the background (one augmented copy of every utterance
# plus JOINED joined sequences each) while the GPU trains on the shards that exist.
# Copies best.pt, the dev report and the logs to OUT.
#
# Prepared here by tools/train/prepare-device.sh (both folders carried; it also writes
# .train-pack/init.pt, the committed model as a checkpoint: pass --init
# .train-pack/init.pt to continue training it, and prints the whole device command).
#
# Usage: OUT=DIR [MINUTES=6 SHARDS=5 JOINED=6000 WORK=/tmp/hotline-train PYTHON=...] tools/train/device.sh [train.py options]
set -eu
out=${OUT:?OUT names the folder for results}
minutes=${MINUTES:-6}
shards=${SHARDS:-5}
joined=${JOINED:-6000}
work=${WORK:-/tmp/hotline-train}
here=$(cd "$(dirname "$0")" && pwd)
workers=$(( $(nproc) > 3 ? $(nproc) - 2 : 1 ))
py=${PYTHON:-python3}  # PYTHON: an interpreter that already has the wheels' packages (a trial run here)
[ -n "${PYTHON:-}" ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --target "$work/site" .whl/*.whl
export PYTHONPATH=$work/site HOTLINE_SPEECH=$work/speech HOTLINE_LIBOPUS=$PWD/.train-pack/libopus.so.0 PYTHONUNBUFFERED=1
log() { echo "[$(date +%T)] $*"; }
log "unpack"
"$py" "$here/pack.py" unpack .train-pack/corpus.npz "$work/speech"
mkdir -p "$work/cache"
ln -sfn "$work/speech/synthetic" "$work/cache/synthetic"
log "dev features"
"$py" "$here/data.py" "$work/cache" --only dev --joined "$joined" --workers "$(nproc)"
(for k in $(seq 1 "$shards"); do
   "$py" "$here/data.py" "$work/cache" --only train --copies 1 --joined "$joined" --seed "$k" --name "train-$k" --workers "$workers"
 done) >"$out/data.log" 2>&1 &
builder=$!
while [ ! -f "$work/cache/train-1.npz" ]; do sleep 2; kill -0 $builder 2>/dev/null || [ -f "$work/cache/train-1.npz" ] || { cat "$out/data.log"; exit 1; }; done
log "training for $minutes minutes"
(while sleep 20; do [ -f "$work/cache/best.pt" ] && cp "$work/cache/best.pt" "$out/.best.pt" && mv "$out/.best.pt" "$out/best.pt"; done) &
keeper=$!  # the best model so far reaches OUT even if the run is cut off
nvidia-smi --query-gpu=name,memory.used --format=csv,noheader || true
"$py" "$here/train.py" "$work/cache" --device cuda --minutes "$minutes" --threads 2 "$@" 2>&1 | tee "$out/train.log" | grep -E "^epoch [0-9]+:|^\{|done" || true
kill $builder $keeper 2>/dev/null || true
log "evaluate"
"$py" "$here/evaluate.py" "$work/cache" --json "$out/dev-report.json" >/dev/null
cp "$work/cache/best.pt" "$out/best.pt"
log "done"
