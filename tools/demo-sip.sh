#!/bin/sh
# make demo-sip: one SIP call end to end. hotlined answers on 127.0.0.1:5080 with the
# example flow; sipp calls it and plays the scripted demo caller as RTP (speech and
# in-band keys); the call is then shown from the store. Usage: tools/demo-sip.sh OUT_FOLDER
set -e
out=${1:-.build/demo-sip}
root=$(pwd)
rm -rf "$out" && mkdir -p "$out"
sox Audio/samples/caller-order-status.flac -t raw -e u-law -c 1 -r 8000 "$out/caller.ulaw"
.build/debug/hotlined --flow Flows/hotline.yaml --sip 127.0.0.1:5080 --calls 1 \
    --database "$out/calls.sqlite" --record "$out/recordings" >"$out/turns.jsonl" 2>"$out/hotlined.log" &
daemon=$!
for _ in $(seq 100); do grep -q "SIP on" "$out/hotlined.log" 2>/dev/null && break; sleep 0.1; done
grep "SIP on" "$out/hotlined.log" || { cat "$out/hotlined.log"; kill $daemon; exit 1; }
echo "sipp calls 5000@127.0.0.1:5080 and plays Audio/samples/caller-order-status.flac (about 25 s)"
(cd "$out" && sipp -sf "$root/Tests/SIPScenarios/caller-audio.xml" -m 1 -i 127.0.0.1 -mi 127.0.0.1 -p 5061 -mp 16000 \
    -s 5000 -nostdin -trace_err 127.0.0.1:5080 >sipp.log 2>&1) || { echo "sipp failed:"; tail -20 "$out/sipp.log"; kill $daemon; exit 1; }
wait $daemon
echo "sipp: the call went as scripted (INVITE, 200 OK, ACK, RTP both ways, the hotline's BYE)"
.build/debug/hotline calls show 1 --db "$out/calls.sqlite"
