#!/usr/bin/env bash
# The README's run command, stopped as a user stops it (issue #29): starts `./mvnw spring-boot:run` on the embedded
# default database in a temporary data directory, waits until the service is healthy, sends SIGINT to its whole
# process group (what Ctrl-C in a terminal does), and checks that
#   - the build ends with exit status 0 and no BUILD FAILURE,
#   - the output holds no stack trace and no exception from the stop,
#   - the stop's steps are logged in order, and the stop took at most snmf.shutdown-timeout,
#   - no process has the data directory open afterwards (no orphaned postgres).
# Usage: scripts/stop-check.sh [extra maven arguments, e.g. -o]
# STOP_TARGET=maven sends the SIGINT to Maven alone (as an IDE's stop button may), which then asks the service to
# stop with SIGTERM after 5 s; the outcome must be the same.
set -u
cd "$(dirname "$0")/.."

work=$(mktemp -d)
data="$work/data"
out="$work/mvn.log"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 18080)
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# job control: the build runs in a process group of its own, with SIGINT not ignored (as a script's background
# commands otherwise have it, and a JVM started so would ignore Ctrl-C), like a terminal's foreground job
set -m
./mvnw -B -ntp "$@" spring-boot:run \
  -Dspring-boot.run.arguments="--server.port=$port --snmf.data-dir=$data --snmf.models.allowed-roots=../shared/models" \
  >"$out" 2>&1 </dev/null &
pid=$!
echo "mvnw spring-boot:run (pid $pid, port $port, data $data, output $out)"

healthy=0
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/actuator/health" 2>/dev/null; then healthy=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 1
done
if [ "$healthy" != 1 ]; then
  fail "the service did not become healthy (see $out)"
  kill -KILL -- "-$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  echo "1 failed"
  exit 1
fi

start=$(date +%s%N)
if [ "${STOP_TARGET:-group}" = maven ]; then
  kill -INT "$pid"
else
  kill -INT -- "-$pid"
fi
status=124
for _ in $(seq 1 900); do
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; status=$?; break; fi
  sleep 0.1
done
millis=$((($(date +%s%N) - start) / 1000000))
if [ "$status" = 124 ]; then
  fail "still running 90 s after Ctrl-C; killing it"
  kill -KILL -- "-$pid" 2>/dev/null
fi
echo "exit status $status, $millis ms after Ctrl-C"

[ "$status" = 0 ] || fail "exit status $status"
grep -q 'BUILD FAILURE' "$out" && fail "the build reports a failure"
grep -q 'BUILD SUCCESS' "$out" || fail "no BUILD SUCCESS"
grep -qE '^\s+at [a-zA-Z]' "$out" && fail "a stack trace in the output"
signal=$([ "${STOP_TARGET:-group}" = maven ] && echo SIGTERM || echo SIGINT)
sed -n "/Stopping on $signal/,\$p" "$out" | grep -E 'Exception| WARN | ERROR ' && fail "warnings or exceptions during the stop"
order=$(grep -oE "Stopping on $signal"'|Embedded PostgreSQL watchdog stopped|Worker pool .* stopped|Graceful shutdown complete|HikariPool-1 - Shutdown completed|Embedded PostgreSQL on port [0-9]+ stopped|Stopped in [0-9]+ ms; the JVM exits' "$out" \
  | sed -E 's/Worker pool .* stopped/workers stopped/; s/port [0-9]+/port N/; s/in [0-9]+ ms/in N ms/')
expected="Stopping on $signal"'
Embedded PostgreSQL watchdog stopped
workers stopped
Graceful shutdown complete
HikariPool-1 - Shutdown completed
Embedded PostgreSQL on port N stopped
Stopped in N ms; the JVM exits'
[ "$order" = "$expected" ] || fail "the stop's steps, in this order, were: $(echo "$order" | tr '\n' ';')"

holders=""
for p in /proc/[0-9]*; do
  if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q -- "$data"; then holders="$holders ${p#/proc/}"; continue; fi
  for fd in "$p"/fd/*; do
    case "$(readlink "$fd" 2>/dev/null)" in "$data"/*) holders="$holders ${p#/proc/}"; break ;; esac
  done
done
[ -z "$holders" ] || fail "processes still hold the data directory:$holders"
[ -e "$data/postgres/postmaster.pid" ] && fail "postmaster.pid left behind"

grep -E 'Stopping on SIG|Stopped in' "$out" | sed -E 's/^.*(Stopping|Stopped)/\1/'
if [ "$failures" = 0 ]; then
  echo "1 passed, 0 failed"
  rm -rf "$work"
else
  echo "0 passed, 1 failed (output kept in $out)"
  exit 1
fi
