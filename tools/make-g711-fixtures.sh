#!/usr/bin/env bash
# Regenerates the independent G.711 reference used by HotlineDSPTests: sox encodes
# every int16 value (-32768...32767, little-endian) to mu-law and A-law, and decodes
# every one of the 256 codes back to int16. Dither is off (-D) so sox maps exactly.
set -euo pipefail
out=${1:-Tests/HotlineDSPTests/Fixtures/g711}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 -c "import sys,struct; sys.stdout.buffer.write(struct.pack('<65536h', *range(-32768, 32768)))" >"$tmp/all.s16"
python3 -c "import sys; sys.stdout.buffer.write(bytes(range(256)))" >"$tmp/codes.u8"
for enc in mu-law:ulaw a-law:alaw; do
  e=${enc%%:*}; n=${enc##*:}
  sox -D -t raw -r 8000 -e signed -b 16 -c 1 "$tmp/all.s16" -t raw -e "$e" -b 8 "$out/sox-encode-all-int16.$n" 2>/dev/null
  sox -D -t raw -r 8000 -e "$e" -b 8 -c 1 "$tmp/codes.u8" -t raw -e signed -b 16 "$out/sox-decode-all-codes.$n.s16"
done
echo "wrote $out"
