#!/bin/sh
# Re-runs the whole acoustic-model pipeline: venv, synthetic speech, augmented features,
# training (resumes from CACHE/checkpoint.pt), export to Models/acoustic, dev figures.
# Usage: tools/train/run.sh [CACHE]   (default ../hotline-train; MINUTES limits one run)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/setup.sh"
cd "$here"
[ -f "$cache/train.npz" ] || "$py" data.py "$cache" --copies 2 --joined 6000
"$py" train.py "$cache" --epochs "${EPOCHS:-8}" --hidden 256 --layers 3
"$py" evaluate.py "$cache" --json "$cache/dev-report.json"
"$py" export.py "$cache/best.pt" "$repo/Models/acoustic/acoustic.hnn" --training-json "$cache/dev-report.json" \
    --parity "$repo/Tests/HotlineNNTests/Fixtures/acoustic-parity.json" --audio "$repo/../shared/speech/fsdd/3_jackson_0.wav"
"$py" export.py --tiny "$repo/Tests/HotlineNNTests/Fixtures/tiny.hnn" --parity "$repo/Tests/HotlineNNTests/Fixtures/tiny-parity.json"
echo "acoustic model: $repo/Models/acoustic/acoustic.hnn (dev figures in $cache/dev-report.json)"
