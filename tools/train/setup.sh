# Sourced by run.sh and prepare-device.sh (with their arguments), which set `here`
# (tools/train): sets `repo` and `cache` (the first argument, default ../hotline-train),
# installs espeak-ng and flite if missing, makes the training venv (VENV, default
# ../hotline-train-venv) and sets `py` to its python, then makes the synthetic speech in
# CACHE/synthetic unless it is there.
repo=$(cd "$here/../.." && pwd)
cache=${1:-$repo/../hotline-train}
venv=${VENV:-$repo/../hotline-train-venv}
mkdir -p "$cache"
command -v espeak-ng >/dev/null && command -v flite >/dev/null || { apt-get update -qq && apt-get install -y -qq espeak-ng flite; }
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install -q -r "$here/requirements.txt"
py="$venv/bin/python"
[ -f "$cache/synthetic/manifest.tsv" ] || (cd "$here" && "$py" synth.py "$cache" --count 6000)
