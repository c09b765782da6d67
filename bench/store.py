#!/usr/bin/env python3
"""The call store at size: 100,000 calls with three turns each, in PostgreSQL (a private
cluster made here) and in SQLite, loaded with SQL; then QA's commands are timed on both,
whole commands as a user types them (process start, connect, query, print):

  calls list            the newest 100 (the default --limit)
  calls list --struggled --limit 20
  calls list --since DAY --until DAY+1 --limit 0   (one day: about 1,400 calls)
  calls stats --since DAY --until DAY+1

psql running the same listing query is printed beside ours as the reference.

Usage: python3 bench/store.py [--hotline .build/release/hotline] [--calls 100000] [--runs 5]
"""
import argparse, os, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from calls import ROOT  # noqa: E402
from cluster import PrivatePostgreSQL  # noqa: E402

LOAD = """
INSERT INTO calls (started_at, line, flow, outcome, duration_ms, node, flow_version)
SELECT {started}, 'pbx', '/etc/hotline/flows/hotline.yaml',
       CASE WHEN i % 10 = 0 THEN 'transfer:queue:support' WHEN i % 17 = 0 THEN 'caller hung up' ELSE 'hangup' END,
       20000 + i % 9000, 'node' || (i % 3 + 1), 'abc123def456'
FROM {series};
INSERT INTO turns (call_id, at_ms, state, expecting, input, heard, confidence, nbest, speech_ms, interpretation, replies, reply_latency_ms)
SELECT c.id, t * 5000, CASE t WHEN 1 THEN 'main_menu' WHEN 2 THEN 'order_number' ELSE 'anything_else' END, 'menu',
       CASE WHEN c.id % 7 = 0 AND t = 2 THEN 'nomatch' ELSE 'speech' END, 'one', 0.5 + (c.id % 50) / 100.0,
       '["one"]', '[1000,2000]', 'menu option 1', '["Thanks."]', 12.5
FROM calls AS c CROSS JOIN {turns};
"""


def timed(command, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hotline", default=os.path.join(ROOT, ".build/release/hotline"))
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="hotline-bench-store-")
    os.chmod(folder, 0o755)
    pg = PrivatePostgreSQL(folder)
    try:
        url = pg.url
        sqlite_path = os.path.join(folder, "calls.sqlite")
        open(sqlite_path, "w").close()   # calls list opens only an existing file
        for db in (url, sqlite_path):   # the store creates its schema
            subprocess.run([args.hotline, "calls", "list", "--db", db], check=False, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
        start_s = 1_796_000_000   # 2026-11-30
        pg_started = f"to_char(to_timestamp({start_s} + i * 60) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
        pg.query(LOAD.format(started=pg_started, series=f"generate_series(1, {args.calls}) AS i", turns="generate_series(1, 3) AS t"))
        pg.query("ANALYZE")
        calls_sql, turns_sql = [part.strip() for part in LOAD.split(";") if part.strip()]
        lite = sqlite3.connect(sqlite_path)
        lite.execute(f"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {args.calls}) "
                     + calls_sql.format(started=f"strftime('%Y-%m-%dT%H:%M:%SZ', {start_s} + i * 60, 'unixepoch')", series="s"))
        lite.execute("WITH t(t) AS (VALUES (1), (2), (3)) " + turns_sql.format(turns="t"))
        lite.commit()
        lite.close()
        day = time.strftime("%Y-%m-%d", time.gmtime(start_s + 86400 * 10))
        next_day = time.strftime("%Y-%m-%d", time.gmtime(start_s + 86400 * 11))
        print(f"{args.calls} calls, {args.calls * 3} turns; median of {args.runs} runs, ms (whole command)")
        print(f"{'command':56s} {'PostgreSQL':>10s} {'SQLite':>8s}")
        for name, extra in [("calls list", []), ("calls list --struggled --limit 20", ["--struggled", "--limit", "20"]),
                            (f"calls list --since {day} --until {next_day} --limit 0",
                             ["--since", day, "--until", next_day, "--limit", "0"])]:
            pg_ms = timed([args.hotline, "calls", "list", "--db", url] + extra, args.runs)
            lite_ms = timed([args.hotline, "calls", "list", "--db", sqlite_path] + extra, args.runs)
            print(f"{name:56s} {pg_ms:10.0f} {lite_ms:8.0f}")
        stats = ["--since", day, "--until", next_day]
        print(f"{'calls stats --since DAY --until DAY+1':56s} {timed([args.hotline, 'calls', 'stats', '--db', url] + stats, args.runs):10.0f} "
              f"{timed([args.hotline, 'calls', 'stats', '--db', sqlite_path] + stats, args.runs):8.0f}")
        query = ("SELECT calls.*, (SELECT COUNT(*) FROM turns WHERE turns.call_id = calls.id) AS n FROM calls "
                 "ORDER BY id DESC LIMIT 100")
        psql = ["psql", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "hotline", "-d", "calls", "-c", query]
        print(f"{'psql, the newest 100 with their turn counts':56s} {timed(psql, args.runs):10.0f}")
    finally:
        pg.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
