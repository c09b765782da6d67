#!/usr/bin/env python3
"""Scale-out: one hotlined node against three behind Kamailio, all storing to one PostgreSQL.

Each run starts a private PostgreSQL cluster, K hotlined SIP nodes (each answers
--calls-per-node calls, then exits) and Kamailio (Systemd/kamailio/hotline.cfg, round
robin, OPTIONS every second); sipp places K x calls-per-node calls through Kamailio, each
playing the recorded demo caller as RTP (about 26 s), --rate-per-node x K a second, so
every node carries the same number of calls at once in both runs. Per node it prints the
calls it answered, how many went as scripted (heard "one", "555019", "no"; the hotline
hung up), its CPU seconds per call (minus loading) and the calls PostgreSQL holds for it;
then the scaling figure: the three nodes' mean CPU per call over the one node's (1.00 is
linear: a node costs the same per call whether it is alone or one of three).

sipp and Kamailio run on the same cores; their CPU is printed too.

Usage: python3 bench/cluster.py [--hotlined .build/release/hotlined] [--calls-per-node 20] [--rate-per-node 2]
"""
import argparse, csv, glob, json, os, shutil, socket, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calls import ROOT, CALLER, pct  # noqa: E402
from sip import free_port  # noqa: E402

SCENARIO = os.path.join(ROOT, "Tests", "SIPScenarios", "caller-audio.xml")
PG_BIN = (sorted(glob.glob("/usr/lib/postgresql/*/bin")) or ["/usr/lib/postgresql/15/bin"])[-1]
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []


class PrivatePostgreSQL:
    """A PostgreSQL cluster in `folder`, on a free loopback port, as the postgres user when root."""

    def __init__(self, folder):
        self.data = os.path.join(folder, "pg")
        os.mkdir(self.data)
        if AS_POSTGRES:
            shutil.chown(self.data, "postgres", "postgres")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        subprocess.run(AS_POSTGRES + [f"{PG_BIN}/initdb", "-D", self.data, "-U", "hotline", "--auth=trust", "--no-sync"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(AS_POSTGRES + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", f"{self.data}/log", "-w", "-o",
                                      f"-p {self.port} -k {self.data} -c listen_addresses=127.0.0.1", "start"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([f"{PG_BIN}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "hotline", "calls"], check=True)
        self.url = f"postgres://hotline@127.0.0.1:{self.port}/calls"

    def query(self, sql):
        """Rows of `sql`, each a list of strings."""
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "hotline", "-d", "calls", "-At", "-F", "\t",
                              "-c", sql], check=True, capture_output=True, text=True).stdout
        return [line.split("\t") for line in out.splitlines()]

    def stop(self):
        subprocess.run(AS_POSTGRES + [f"{PG_BIN}/pg_ctl", "-D", self.data, "-m", "fast", "stop"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_cluster(hotlined, folder, nodes, per_node, rate):
    os.chmod(folder, 0o755)
    pg = PrivatePostgreSQL(folder)
    processes = []
    try:
        ports, configs = [], []
        for n in range(1, nodes + 1):
            port = free_port()
            ports.append(port)
            config = os.path.join(folder, f"node{n}.yaml")
            with open(config, "w") as f:
                f.write(f"""models:
  acoustic: {ROOT}/Models/acoustic/acoustic.hnn
  voice: {ROOT}/Models/voices/rms/rms.voice
  lexicon: {ROOT}/Models/lexicon/cmudict-en-us.dict
data_dir: {folder}/shared
database: {pg.url}
node: node{n}
lines:
  - name: pbx
    flow: {ROOT}/Flows/hotline.yaml
    calls: {per_node}
    sip: {{ listen: 127.0.0.1:{port}, max_calls: {per_node + 10} }}
""")
            configs.append(config)
        load = subprocess.run(["/usr/bin/time", "-f", "%U %S", hotlined, "--config", configs[0], "--check-config"],
                              capture_output=True, text=True, check=True)
        load_cpu = sum(map(float, load.stderr.strip().splitlines()[-1].split()))
        for n, config in enumerate(configs, 1):
            out = open(os.path.join(folder, f"node{n}.out"), "w")
            err = open(os.path.join(folder, f"node{n}.err"), "w")
            processes.append(subprocess.Popen([hotlined, "--config", config], stdout=out, stderr=err))
        for n in range(1, nodes + 1):
            for _ in range(300):
                if "SIP on" in open(os.path.join(folder, f"node{n}.err")).read():
                    break
                time.sleep(0.1)
        kamailio_port = free_port()
        with open(os.path.join(folder, "nodes.list"), "w") as f:
            f.writelines(f"1 sip:127.0.0.1:{port} 0 0 duid=node{n}\n" for n, port in enumerate(ports, 1))
        with open(os.path.join(folder, "allowed.list"), "w") as f:
            f.write("1 127.0.0.1 32 0 loopback\n")
        kamailio = subprocess.Popen(["kamailio", "-DD", "-E", "-f", os.path.join(ROOT, "Systemd", "kamailio", "hotline.cfg"),
                                     "-A", f"LISTEN=udp:127.0.0.1:{kamailio_port}", "-A", f'NODES_LIST="{folder}/nodes.list"',
                                     "-A", f'ALLOWED_LIST="{folder}/allowed.list"', "-A", "PING_SECONDS=1"],
                                    stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "kamailio.log"), "w"))
        time.sleep(2.5)
        calls = nodes * per_node
        sipp = subprocess.run(["/usr/bin/time", "-f", "%U %S", "sipp", "-sf", SCENARIO, "-r", str(rate * nodes), "-m", str(calls),
                               "-l", str(calls), "-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", str(free_port()),
                               "-mp", str(free_port() & ~1), "-s", "5000", "-nostdin", "-trace_err", "-trace_rtt", "-rtt_freq", "1",
                               f"127.0.0.1:{kamailio_port}"], cwd=folder, capture_output=True, text=True)
        sipp_cpu = sum(map(float, sipp.stderr.strip().splitlines()[-1].split()))
        figures = []
        for n, process in enumerate(processes, 1):
            usage = reap(process, timeout=60)
            summaries, heard = [], {}
            for line in open(os.path.join(folder, f"node{n}.out")):
                if not line.startswith("{"):
                    continue
                event = json.loads(line)
                if "outcome" in event and "callMs" in event:
                    summaries.append(event)
                elif "atMs" in event:
                    heard.setdefault(event["call"], []).append(event["heard"])
            scripted = sum(1 for s in summaries if s["outcome"] == "hangup" and heard.get(s["id"]) == ["one", "555019", "no"])
            cpu = usage.ru_utime + usage.ru_stime - load_cpu if usage else float("nan")
            figures.append(dict(node=f"node{n}", calls=len(summaries), scripted=scripted, cpu=cpu,
                                late=sum(s["underruns"] for s in summaries), rss_mb=usage.ru_maxrss / 1024 if usage else 0))
        kamailio.terminate()
        _, _, kamailio_usage = os.wait4(kamailio.pid, 0)
        setup = []
        for path in glob.glob(os.path.join(folder, "*_rtt.csv")):
            with open(path) as f:
                setup += [float(row["response_time_ms"]) for row in csv.DictReader(f, delimiter=";")]
        stored = {node: (int(count), int(turns)) for node, count, turns in pg.query(
            "SELECT node, COUNT(*), SUM((SELECT COUNT(*) FROM turns WHERE call_id = calls.id)) FROM calls GROUP BY node")}
        for figure in figures:
            figure["stored"], figure["stored_turns"] = stored.get(figure["node"], (0, 0))
        return dict(nodes=figures, sipp_ok=sipp.returncode == 0, sipp_tail=sipp.stdout[-1200:], sipp_cpu=sipp_cpu, setup=setup,
                    kamailio_cpu=kamailio_usage.ru_utime + kamailio_usage.ru_stime)
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
        pg.stop()


def reap(process, timeout):
    """Waits for `process` (killing it after `timeout` s); its resource usage, or None."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        pid, _, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            process.returncode = 0
            return usage
        time.sleep(0.1)
    process.kill()
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotlined", default=os.path.join(ROOT, ".build", "release", "hotlined"))
    parser.add_argument("--calls-per-node", type=int, default=20)
    parser.add_argument("--rate-per-node", type=float, default=2, help="new calls a second per node")
    args = parser.parse_args()
    per_call = {}
    for nodes in (1, 3):
        with tempfile.TemporaryDirectory(prefix="hotline-bench-cluster-") as folder:
            subprocess.run(["sox", CALLER, "-t", "raw", "-e", "u-law", "-c", "1", "-r", "8000", os.path.join(folder, "caller.ulaw")],
                           check=True)
            r = run_cluster(args.hotlined, folder, nodes, args.calls_per_node, args.rate_per_node)
        calls = sum(n["calls"] for n in r["nodes"])
        print(f"{nodes} node(s), {nodes * args.calls_per_node} calls through Kamailio ({args.rate_per_node * nodes:g} a second), "
              f"setup p50 {pct(r['setup'], 50):.0f} ms p95 {pct(r['setup'], 95):.0f} ms, sipp {'ok' if r['sipp_ok'] else 'FAILED CALLS'}, "
              f"sipp CPU {r['sipp_cpu'] / max(calls, 1):.3f} s/call, Kamailio CPU {r['kamailio_cpu'] / max(calls, 1):.4f} s/call")
        if not r["sipp_ok"]:
            print(r["sipp_tail"])
        for n in r["nodes"]:
            print(f"  {n['node']}: {n['calls']} calls, {n['scripted']} as scripted, late frames {n['late']}, "
                  f"CPU {n['cpu'] / max(n['calls'], 1):.3f} s/call, peak memory {n['rss_mb']:.0f} MB, in PostgreSQL {n['stored']} calls with {n['stored_turns']} turns")
        per_call[nodes] = sum(n["cpu"] for n in r["nodes"]) / max(calls, 1)
    print(f"scaling: CPU per call per node, 3 nodes / 1 node = {per_call[3] / per_call[1]:.2f} (1.00 is linear)")


if __name__ == "__main__":
    main()
