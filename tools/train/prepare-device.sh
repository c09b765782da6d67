#!/bin/sh
# Prepares, on this machine, everything tools/train/device.sh needs on a lent accelerator
# machine, so a device session spends its minutes training: the packed corpus and
# libopus in .train-pack/, the committed model as a checkpoint to continue
# (.train-pack/init.pt), and the wheels that machine lacks in .whl/ (both folders ignored
# through .git/info/exclude). Prints the device command to run and what to take out of
# the working tree for it (a call carries at most 64 MiB, tracked files included).
#
# Usage: tools/train/prepare-device.sh [CACHE]   (default ../hotline-train, as run.sh)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
. "$here/setup.sh"
cd "$repo"
for folder in .train-pack .whl; do
    grep -qx "$folder/" .git/info/exclude 2>/dev/null || echo "$folder/" >> .git/info/exclude
done
mkdir -p .train-pack .whl
[ -f .train-pack/corpus.npz ] || (cd "$here" && "$py" pack.py pack "$cache" "$repo/.train-pack/corpus.npz")
opus=$(ldconfig -p | awk '/libopus.so.0 / {print $NF; exit}')
cp -L "$opus" .train-pack/libopus.so.0
"$py" "$here/export.py" --from-hnn Models/acoustic/acoustic.hnn .train-pack/init.pt
platforms=""
for p in manylinux_2_28_x86_64 manylinux_2_27_x86_64 manylinux_2_17_x86_64 manylinux2014_x86_64; do platforms="$platforms --platform $p"; done
# shellcheck disable=SC2086
"$venv/bin/pip" download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp $platforms -d .whl \
    soundfile==0.14.0 soxr==1.1.0 kaldi-native-fbank==1.22.4 cffi==2.1.1 pycparser==3.12
tracked=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
models=$(du -cb Models/voices/*/*.voice Models/acoustic/acoustic.hnn | tail -1 | cut -f1)
carried=$(du -cb .train-pack .whl | tail -1 | cut -f1)
echo "prepared: tracked files $((tracked / 1048576)) MiB, .train-pack and .whl $((carried / 1048576)) MiB (a call carries 64 MiB)"
echo "before the device call, take the models out of the working tree ($((models / 1048576)) MiB; the run does not need them):"
echo "  rm Models/voices/*/*.voice Models/acoustic/acoustic.hnn"
echo "device command (carry .train-pack and .whl), continuing the committed model:"
echo "  mkdir -p \$OUT && OUT=\$OUT MINUTES=6 SHARDS=6 tools/train/device.sh --init .train-pack/init.pt --batch-frames 24000 --lr 1e-3"
echo "afterwards: git checkout -- Models; then the CPU stage and the export, as Models/acoustic/README.md says (stages 5-6)"
