#!/usr/bin/env python3
"""Simultaneous calls: how many calls hotlined carries on this machine, and how fast it answers.

For each N, one hotlined process answers N calls at once on N file-backed ALSA lines
(alsa-lib's `file` plugin playing the recorded demo caller, Audio/samples/caller-order-status.flac:
a spoken menu choice that barges into the greeting, a keyed order number, a "no"; line i's
caller starts i/N s late, so the calls do not hit each turn in the same 10 ms), each line paced to real time (`realtime: true`: every 10 ms frame is taken when it
would arrive from a sound card) and storing its calls and stereo recordings as in
production. From the daemon's call summaries it prints:

  reply latency   from the audio that completed a caller's turn being available (the
                  endpoint) to the reply's first sample queued for playback, p50/p95;
                  ALSA's 40 ms playback buffer comes on top on a real line
  barge-in        from the caller's speech (VAD onset) or key starting to the prompt
                  stopping, p50/p95 (audio time plus the frame's lag)
  underruns       frames answered later than the 40 ms playback buffer allows
  CPU per call    the daemon's CPU seconds, minus loading, per call, and as a share of
                  one core per call in progress

The largest N with every call completed as scripted and no underrun is the concurrency
figure. The peer is the glue stack the product replaces: for the same call, pocketsphinx 5
(en-us model, its default language model) listens to the whole caller channel 10 ms at a
time and flite (kal16) synthesises each reply the daemon spoke (no DTMF, VAD, recording or
store: less work than ours); its CPU seconds per call are printed beside ours with the ratio.

With --baseline HOTLINED (another build, e.g. the previous commit's), each N also runs
that daemon right after ours, printed below ours, so a change is compared in one run.

Usage: python3 bench/calls.py [--hotlined .build/release/hotlined] [--lines 10,25,50,75,100] [--baseline HOTLINED]
"""
import argparse, json, os, resource, statistics, subprocess, sys, tempfile, time
import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CALLER = os.path.join(ROOT, "Audio", "samples", "caller-order-status.flac")


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def daemon_settings(folder, max_calls):
    """The top of a hotlined.yaml: this checkout's models, a data folder, the call limit."""
    return f"""models:
  acoustic: {ROOT}/Models/acoustic/acoustic.hnn
  voice: {ROOT}/Models/voices/rms/rms.voice
  lexicon: {ROOT}/Models/lexicon/cmudict-en-us.dict
data_dir: {folder}/data
limits: {{ max_concurrent_calls: {max_calls} }}
"""


def write_config(folder, caller_raw, lines):
    """N lines; line i's caller starts i/N of a second late (callers do not arrive in lockstep)."""
    audio = np.fromfile(caller_raw, dtype=np.int16)
    rc = os.path.join(folder, "lines.asoundrc")
    with open(rc, "w") as f:
        for i in range(lines):
            raw = os.path.join(folder, f"caller{i}.raw")
            np.concatenate([np.zeros(8 * (1000 * i // lines), np.int16), audio]).tofile(raw)
            f.write(f'pcm.caller{i} {{ type file; slave.pcm {{ type null }}; file "/dev/null"; infile "{raw}"; format "raw" }}\n')
        f.write('pcm.speaker { type file; slave.pcm { type null }; file "/dev/null"; format "raw" }\n')
    path = os.path.join(folder, "hotlined.yaml")
    with open(path, "w") as f:
        f.write(daemon_settings(folder, max(lines, 1)) + f"""alsa_config: {rc}
lines:
""")
        for i in range(lines):
            f.write(f"  - {{ name: l{i}, capture: caller{i}, playback: speaker, flow: {ROOT}/Flows/hotline.yaml, "
                    f"answer: immediately, calls: 1, realtime: true }}\n")
    return path


def pct(values, q):
    return float(np.percentile(values, q)) if values else float("nan")


def run_lines(hotlined, caller_raw, n):
    with tempfile.TemporaryDirectory() as folder:
        config = write_config(folder, caller_raw, n)
        before = children_cpu()
        subprocess.run([hotlined, "--config", config, "--check-config"], check=True, capture_output=True)
        load_cpu = children_cpu() - before
        before, start = children_cpu(), time.time()
        out = subprocess.run([hotlined, "--config", config], capture_output=True, text=True)
        wall, cpu = time.time() - start, children_cpu() - before
        if out.returncode != 0:
            sys.exit(f"hotlined failed: {out.stderr[-2000:]}")
    events = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    summaries = [e for e in events if "outcome" in e and "line" in e]
    turns = [e for e in events if "atMs" in e and e["line"] == "l0"]
    ok = sum(1 for s in summaries if s["outcome"] == "hangup" and s["turns"] == 3)
    call_s = statistics.mean(s["callMs"] for s in summaries) / 1000 if summaries else float("nan")
    return {
        "lines": n, "calls": len(summaries), "scripted": ok,
        "reply": [x for s in summaries for x in s["replyLatencyMs"]],
        "bargein": [x for s in summaries for x in s["bargeInMs"]],
        "underruns": sum(s["underruns"] for s in summaries),
        "cpu_per_call": max(cpu - load_cpu, 0) / max(len(summaries), 1), "call_s": call_s, "wall": wall,
        "turns": turns,
    }


def peer_cpu_per_call(caller_raw, turns):
    """The same call on the glue stack: pocketsphinx listening to the whole caller channel
    (as a line listens all call long) and flite speaking each reply the daemon spoke."""
    from pocketsphinx import Decoder
    import soxr
    # Its en-us model is for 16 kHz: the line is resampled first, outside the clock.
    audio = (np.clip(soxr.resample(np.fromfile(caller_raw, dtype=np.int16) / 32768, 8000, 16000), -1, 1) * 32767).astype(np.int16)
    decoder = Decoder(samprate=16000, loglevel="FATAL")   # loading is not counted
    start = time.process_time()
    decoder.start_utt()
    for i in range(0, len(audio), 160):   # 10 ms at a time, as from a line
        decoder.process_raw(audio[i:i + 160].tobytes())
    decoder.end_utt()
    asr = time.process_time() - start
    before = children_cpu()
    with tempfile.TemporaryDirectory() as folder:
        for i, text in enumerate(r for t in turns for r in t["replies"]):
            subprocess.run(["flite", "-voice", "kal16", "-t", text, "-o", os.path.join(folder, f"{i}.wav")], check=True)
    return asr + children_cpu() - before, asr


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotlined", default=os.path.join(ROOT, ".build", "release", "hotlined"))
    parser.add_argument("--lines", default="10,25,50,75,100")
    parser.add_argument("--baseline", help="another hotlined to run on the same lines after ours, for comparison")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        caller_raw = os.path.join(folder, "caller.raw")
        subprocess.run(["sox", CALLER, "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "8000", caller_raw], check=True)
        print(f"{'':>8} {'lines':>5} {'calls':>5} {'as scripted':>11} {'reply p50':>9} {'p95':>6} {'barge-in p50':>12} {'p95':>6} "
              f"{'underruns':>9} {'CPU s/call':>10} {'core/call':>9}")
        best, first = 0, None
        for n in [int(x) for x in args.lines.split(",")]:
            r = run_lines(args.hotlined, caller_raw, n)
            first = first or r
            runs = [("hotline", r)] + ([("baseline", run_lines(args.baseline, caller_raw, n))] if args.baseline else [])
            for name, x in runs:
                share = x["cpu_per_call"] / x["call_s"]
                print(f"{name:>8} {n:>5} {x['calls']:>5} {x['scripted']:>11} {pct(x['reply'], 50):>7.1f}ms {pct(x['reply'], 95):>4.1f}ms "
                      f"{pct(x['bargein'], 50):>10.1f}ms {pct(x['bargein'], 95):>4.1f}ms {x['underruns']:>9} "
                      f"{x['cpu_per_call']:>10.3f} {share:>9.4f}", flush=True)
            if r["underruns"] == 0 and r["scripted"] == n:
                best = n
            else:
                break
        print(f"most concurrent calls without underruns on {os.cpu_count()} cores: {best} (of those tried)")
        peer, peer_asr = peer_cpu_per_call(caller_raw, first["turns"])
        ours = first["cpu_per_call"]
        print(f"CPU per call: hotline {ours:.3f} s, pocketsphinx + flite {peer:.3f} s "
              f"(of which pocketsphinx {peer_asr:.3f} s) -> peer / hotline = {peer / ours:.1f}x")


if __name__ == "__main__":
    main()
