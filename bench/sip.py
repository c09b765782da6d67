#!/usr/bin/env python3
"""SIP calls at scale: sipp places N calls to hotlined's SIP line, each playing the recorded
demo caller as RTP (Audio/samples/caller-order-status.flac: a spoken menu choice barging into
the greeting, an order number keyed as tones, a "no"; about 26 s), started at a steady rate
(--rate calls a second) so that all N are up at once. It prints:

  as scripted     calls whose turns heard "one", "555019", "no" and that the hotline ended
  setup p50/p95   INVITE sent to 200 OK received, as sipp measured it (-trace_rtt)
  late frames     frames answered more than 40 ms after their audio was due (our RTP would
                  reach a 40 ms jitter buffer late), over all calls
  CPU per call    hotlined's CPU seconds, minus loading, per call

and, in the same run, the same call on N_ALSA file-backed ALSA lines (bench/calls.py) for
CPU per call on an ALSA line beside the SIP one. sipp itself (its RTP threads) runs on the
same cores: its CPU is printed too.

Usage: python3 bench/sip.py [--hotlined .build/release/hotlined] [--calls 100] [--rate 10] [--alsa-lines 25]
"""
import argparse, csv, glob, json, os, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calls import ROOT, CALLER, daemon_settings, pct, run_lines  # noqa: E402

SCENARIO = os.path.join(ROOT, "Tests", "SIPScenarios", "caller-audio.xml")


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_sip(hotlined, folder, calls, rate):
    port = free_port()
    config = os.path.join(folder, "hotlined.yaml")
    with open(config, "w") as f:
        f.write(daemon_settings(folder, calls + 10) + f"""lines:
  - name: pbx
    flow: {ROOT}/Flows/hotline.yaml
    calls: {calls}
    sip: {{ listen: 127.0.0.1:{port}, max_calls: {calls + 10} }}
""")
    load = subprocess.run(["/usr/bin/time", "-f", "%U %S", hotlined, "--config", config, "--check-config"],
                          capture_output=True, text=True, check=True)
    load_cpu = sum(map(float, load.stderr.strip().splitlines()[-1].split()))
    with open(os.path.join(folder, "hotlined.out"), "w") as out, open(os.path.join(folder, "hotlined.err"), "w") as err:
        daemon = subprocess.Popen([hotlined, "--config", config], stdout=out, stderr=err)
        for _ in range(200):
            if f"SIP on 127.0.0.1:{port}" in open(err.name).read():
                break
            time.sleep(0.05)
        start = time.time()
        sipp = subprocess.run(["/usr/bin/time", "-f", "%U %S", "sipp", "-sf", SCENARIO, "-r", str(rate), "-m", str(calls),
                               "-l", str(calls), "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", str(free_port()),
                               "-mp", str(free_port() & ~1), "-s", "5000", "-nostdin", "-trace_err", "-trace_rtt", "-rtt_freq", "1",
                               f"127.0.0.1:{port}"], cwd=folder, capture_output=True, text=True)
        _, status, usage = os.wait4(daemon.pid, 0)
        wall = time.time() - start
    sipp_cpu = sum(map(float, sipp.stderr.strip().splitlines()[-1].split()))
    events = [json.loads(line) for line in open(os.path.join(folder, "hotlined.out")) if line.startswith("{")]
    summaries = [e for e in events if "outcome" in e and "callMs" in e]
    heard = {}
    for e in events:
        if "atMs" in e:
            heard.setdefault(e["call"], []).append(e["heard"])
    scripted = sum(1 for s in summaries if s["outcome"] == "hangup" and heard.get(s["id"]) == ["one", "555019", "no"])
    setup = []
    for path in glob.glob(os.path.join(folder, "*_rtt.csv")):
        with open(path) as f:
            for row in csv.DictReader(f, delimiter=";"):
                setup.append(float(row["response_time_ms"]))   # whole ms: sipp's resolution
    return dict(calls=len(summaries), scripted=scripted, sipp_ok=sipp.returncode == 0, setup=setup,
                late=sum(s["underruns"] for s in summaries), cpu=usage.ru_utime + usage.ru_stime - load_cpu,
                sipp_cpu=sipp_cpu, wall=wall, sipp_tail=sipp.stdout[-1500:])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotlined", default=os.path.join(ROOT, ".build", "release", "hotlined"))
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--rate", type=float, default=10, help="new calls a second")
    parser.add_argument("--alsa-lines", type=int, default=25, help="ALSA lines for the CPU-per-call comparison (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["sox", CALLER, "-t", "raw", "-e", "u-law", "-c", "1", "-r", "8000", os.path.join(folder, "caller.ulaw")], check=True)
        r = run_sip(args.hotlined, folder, args.calls, args.rate)
        if not r["sipp_ok"]:
            print(f"sipp reported failed calls:\n{r['sipp_tail']}")
        print(f"SIP: {r['calls']} calls ({args.rate:g} a second, all {args.calls} up at once), {r['scripted']} as scripted, "
              f"setup p50 {pct(r['setup'], 50):.1f} ms p95 {pct(r['setup'], 95):.1f} ms ({len(r['setup'])} measured), "
              f"late frames {r['late']}, CPU {r['cpu'] / max(r['calls'], 1):.3f} s/call "
              f"(sipp {r['sipp_cpu'] / max(r['calls'], 1):.3f} s/call), {r['wall']:.0f} s")
    if args.alsa_lines:
        with tempfile.TemporaryDirectory() as folder:
            raw = os.path.join(folder, "caller.raw")
            subprocess.run(["sox", CALLER, "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "8000", raw], check=True)
            a = run_lines(args.hotlined, raw, args.alsa_lines)
        sip_per_call = r["cpu"] / max(r["calls"], 1)
        print(f"ALSA: {a['calls']} calls on {args.alsa_lines} file-backed lines, {a['scripted']} as scripted, "
              f"underruns {a['underruns']}, CPU {a['cpu_per_call']:.3f} s/call -> SIP / ALSA = {sip_per_call / a['cpu_per_call']:.2f}")


if __name__ == "__main__":
    main()
