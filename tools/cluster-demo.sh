#!/bin/bash
# make cluster-demo: Hotline on three nodes behind Kamailio, storing into one PostgreSQL.
#
# On loopback, in a temporary folder: a private PostgreSQL cluster (initdb and pg_ctl, run
# as the postgres user: PostgreSQL refuses root), three hotlined nodes answering SIP on
# their own ports with the example flow, all writing their calls to that PostgreSQL and
# their recordings to one shared folder, and Kamailio (Systemd/kamailio/hotline.cfg)
# dispatching calls to them, health-checked by OPTIONS every second. The nodes run the
# example flow from the store (`flow: store:hotline`, published with `hotline flow
# publish`). sipp places CALLS calls through Kamailio, one a second, each playing the
# recorded demo caller as RTP; node2 is stopped STOP_AFTER seconds in, and 2 s later a new
# version of the flow is published. Then it prints the calls per node and per flow
# version and checks that every call is in PostgreSQL with an outcome (node2's calls in
# progress end as "daemon stopped", the later ones go to node1 and node3) and its turns,
# and that the later calls ran the new version. Everything it
# started is stopped and its folder removed when it ends, also on failure.
#
# Usage: tools/cluster-demo.sh [HOTLINED] [HOTLINE]   (default .build/debug/hotlined, hotline)
# Environment: CALLS (default 12), STOP_AFTER (default 5), KEEP=1 keeps the folder.
set -euo pipefail
root=$(pwd)
hotlined=$(realpath "${1:-.build/debug/hotlined}")
hotline=$(realpath "${2:-.build/debug/hotline}")
calls=${CALLS:-12}
stop_after=${STOP_AFTER:-5}
for tool in kamailio sipp; do
    command -v $tool >/dev/null || { echo "cluster-demo: $tool is not installed (make deps installs it)"; exit 1; }
done
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pg_bin/initdb" ] || { echo "cluster-demo: PostgreSQL is not installed (make deps installs it)"; exit 1; }

out=$(mktemp -d /tmp/hotline-cluster-XXXXXX)
chmod 755 "$out"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -d "$out/pg" ] && as_postgres "$pg_bin/pg_ctl" -D "$out/pg" -m fast stop >/dev/null 2>&1 || true
    if [ "${KEEP:-0}" = 1 ]; then echo "cluster-demo: kept $out"; else rm -rf "$out"; fi
}
trap cleanup EXIT
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
free_port() { python3 -c 'import socket,sys; s=socket.socket(socket.AF_INET, getattr(socket, sys.argv[1])); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' "$1"; }

# PostgreSQL, private to this run.
pg_port=$(free_port SOCK_STREAM)
mkdir "$out/pg" && { [ "$(id -u)" != 0 ] || chown postgres: "$out/pg"; }
as_postgres "$pg_bin/initdb" -D "$out/pg" -U hotline --auth=trust -E UTF8 --no-sync >"$out/initdb.log"
as_postgres "$pg_bin/pg_ctl" -D "$out/pg" -l "$out/pg/server.log" -w \
    -o "-p $pg_port -k $out/pg -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null
"$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U hotline hotline
db="postgres://hotline@127.0.0.1:$pg_port/hotline"
echo "cluster-demo: PostgreSQL on 127.0.0.1:$pg_port ($db)"

# The example flow, published to the store (its table beside the nodes' copies of it).
mkdir -p "$out/shared/flows"
cp "$root/Flows/orders.csv" "$out/shared/flows/"
"$hotline" flow publish "$root/Flows/hotline.yaml" --name hotline --by cluster-demo --db "$db"

# Three hotlined nodes: one store, one shared data folder (recordings, flows).
sox "$root/Audio/samples/caller-order-status.flac" -t raw -e u-law -c 1 -r 8000 "$out/caller.ulaw"
node_ports=()
for n in 1 2 3; do
    port=$(free_port SOCK_DGRAM)
    node_ports+=("$port")
    cat >"$out/node$n.yaml" <<EOF
models:
  acoustic: $root/Models/acoustic/acoustic.hnn
  voice: $root/Models/voices/rms/rms.voice
  lexicon: $root/Models/lexicon/cmudict-en-us.dict
data_dir: $out/shared
database: $db
node: node$n
lines:
  - name: pbx
    flow: store:hotline
    sip: { listen: 127.0.0.1:$port }
EOF
    "$hotlined" --config "$out/node$n.yaml" >"$out/node$n.jsonl" 2>"$out/node$n.log" &
    pids+=($!)
done
for n in 1 2 3; do
    for _ in $(seq 300); do grep -q "SIP on" "$out/node$n.log" && break; sleep 0.1; done
    grep -q "SIP on" "$out/node$n.log" || { echo "cluster-demo: node$n did not start:"; cat "$out/node$n.log"; exit 1; }
    echo "cluster-demo: node$n answers SIP on 127.0.0.1:${node_ports[$((n - 1))]}"
done

# Kamailio in front, pinging the nodes every second.
kamailio_port=$(free_port SOCK_DGRAM)
for n in 1 2 3; do echo "1 sip:127.0.0.1:${node_ports[$((n - 1))]} 0 0 duid=node$n"; done >"$out/nodes.list"
echo "1 127.0.0.1 32 0 loopback" >"$out/allowed.list"
kamailio -DD -E -f "$root/Systemd/kamailio/hotline.cfg" -P "$out/kamailio.pid" \
    -A "LISTEN=udp:127.0.0.1:$kamailio_port" -A "NODES_LIST=\"$out/nodes.list\"" \
    -A "ALLOWED_LIST=\"$out/allowed.list\"" -A "PING_SECONDS=1" >"$out/kamailio.log" 2>&1 &
pids+=($!)
sleep 2.5   # the first health checks
grep -q "ERROR" "$out/kamailio.log" && { echo "cluster-demo: Kamailio failed:"; tail -20 "$out/kamailio.log"; exit 1; }
echo "cluster-demo: Kamailio on 127.0.0.1:$kamailio_port dispatches to the three nodes"

# The calls; node2 stops partway.
echo "cluster-demo: sipp places $calls calls through Kamailio, one a second (about 26 s each); node2 stops after ${stop_after} s"
(cd "$out" && sipp -sf "$root/Tests/SIPScenarios/caller-audio.xml" -r 1 -m "$calls" -l "$calls" -i 127.0.0.1 -mi 127.0.0.1 \
    -p "$(free_port SOCK_DGRAM)" -mp "$(( $(free_port SOCK_DGRAM) & ~1 ))" -s 5000 -nostdin -trace_err -trace_stat \
    "127.0.0.1:$kamailio_port" >sipp.log 2>&1) &
sipp=$!
sleep "$stop_after"
kill -TERM "${pids[1]}"
echo "cluster-demo: node2 stopped (SIGTERM): its calls in progress end, Kamailio sends new calls elsewhere"
sleep 2
{ cat "$root/Flows/hotline.yaml"; echo "# version 2, published mid-run"; } >"$out/hotline-v2.yaml"
cp "$root/Flows/orders.csv" "$out/"
"$hotline" flow publish "$out/hotline-v2.yaml" --name hotline --by cluster-demo --db "$db"
echo "cluster-demo: a new version of the flow published: the nodes still up reload it for their next calls"
sipp_status=0
wait $sipp || sipp_status=$?
wait "${pids[1]}" || true
for n in 1 3; do kill -TERM "${pids[$((n - 1))]}"; wait "${pids[$((n - 1))]}" || true; done
grep -h "is down\|is up\|did not take" "$out/kamailio.log" | sed 's/^.*<script>: /kamailio: /' || true

echo
"$hotline" calls list --db "$db" --limit 0
echo
summary=$(psql -h 127.0.0.1 -p "$pg_port" -U hotline -d hotline -At -F ' ' -c "
    SELECT node, COUNT(*), SUM(CASE WHEN outcome = 'daemon stopped' THEN 1 ELSE 0 END),
           SUM(CASE WHEN outcome = '' THEN 1 ELSE 0 END), SUM((SELECT COUNT(*) FROM turns WHERE call_id = calls.id))
    FROM calls GROUP BY node ORDER BY node")
total=0; open=0
while read -r node count stopped unfinished turns; do
    echo "cluster-demo: $node answered $count calls ($stopped ended as 'daemon stopped'), $turns turns stored"
    total=$((total + count)); open=$((open + unfinished))
done <<<"$summary"
turnless=$(psql -h 127.0.0.1 -p "$pg_port" -U hotline -d hotline -At -c \
    "SELECT COUNT(*) FROM calls WHERE outcome = 'hangup' AND NOT EXISTS (SELECT 1 FROM turns WHERE call_id = calls.id)")
versions=$(psql -h 127.0.0.1 -p "$pg_port" -U hotline -d hotline -At -F ' ' -c \
    "SELECT flow_version, COUNT(*) FROM calls GROUP BY flow_version ORDER BY MIN(id)")
echo "$versions" | while read -r version count; do echo "cluster-demo: $count calls ran flow version $version"; done
failed=0
[ "$(echo "$versions" | wc -l)" = 2 ] || { echo "cluster-demo: FAIL: the calls ran $(echo "$versions" | wc -l) flow versions, not 2"; failed=1; }
[ "$sipp_status" = 0 ] || { echo "cluster-demo: FAIL: sipp exited $sipp_status"; tail -5 "$out/sipp.log"; failed=1; }
[ "$total" = "$calls" ] || { echo "cluster-demo: FAIL: $total of $calls calls are in PostgreSQL"; failed=1; }
[ "$open" = 0 ] || { echo "cluster-demo: FAIL: $open calls have no outcome"; failed=1; }
[ "$turnless" = 0 ] || { echo "cluster-demo: FAIL: $turnless finished calls have no turns"; failed=1; }
for n in 1 2 3; do grep -q "^node$n " <<<"$summary" || { echo "cluster-demo: FAIL: node$n took no call"; failed=1; }; done
[ "$failed" = 0 ] || { KEEP=1; exit 1; }
echo "cluster-demo: ok: all $calls calls are in PostgreSQL with an outcome and their turns; none lost when node2 stopped"
