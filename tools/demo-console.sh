#!/bin/sh
# The console on the demo's store, in the background (make demo starts it; make console-stop
# stops it): hotlined --config Systemd/demo-console.yaml, its log in .build/demo/console.log.
# A console that cannot start (port 8080 taken) is reported, not a failure of the demo.
# Usage: tools/demo-console.sh start|stop
pidfile=.build/demo/console.pid
running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }
case "$1" in
stop)
    if running; then kill "$(cat "$pidfile")" && echo "console stopped"; else echo "no console running"; fi
    rm -f "$pidfile"
    ;;
start)
    if running; then
        echo "console (already running): http://127.0.0.1:8080 - user demo, password demo"
        exit 0
    fi
    nohup .build/debug/hotlined --config Systemd/demo-console.yaml >.build/demo/console.log 2>&1 &
    echo $! >"$pidfile"
    for _ in $(seq 100); do grep -q "HTTP on" .build/demo/console.log 2>/dev/null && break; running || break; sleep 0.2; done
    if grep -q "HTTP on" .build/demo/console.log; then
        echo "console: http://127.0.0.1:8080 - user demo, password demo (the call above is there; chat at /chat); make console-stop stops it"
    else
        echo "console did not start (is port 8080 taken?):"; tail -3 .build/demo/console.log; rm -f "$pidfile"
    fi
    ;;
esac
