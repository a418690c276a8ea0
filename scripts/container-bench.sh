#!/usr/bin/env bash
# Containers vs host, measured in one run: the time from `docker-compose up` to a ready API and workers, and the
# same factorization (stories260K layer 1, 2,000 samples, K 32, 300 iterations) run by the compose stack's worker
# and by the jar on the host (embedded PostgreSQL). Prints a Markdown table for docs/benchmarks.md.
# Needs the images of scripts/local-images.sh, the jar (./mvnw -DskipTests package), docker-compose, curl, jq and
# ../shared/models. Everything listens on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."

key="bench-admin-key-$(date +%s)-0123456789"
project="snmf-bench-$$"
work="$(mktemp -d)"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
api=$(free_port); w1=$(free_port); w2=$(free_port); db=$(free_port); host_port=$(free_port)
models="$(cd ../shared/models && pwd)"
export SNMF_PORT=$api SNMF_WORKER_1_PORT=$w1 SNMF_WORKER_2_PORT=$w2 SNMF_DB_PORT=$db SNMF_ADMIN_KEY=$key \
  SNMF_MODELS_DIR=$models SNMF_POSTGRES_IMAGE=snmf-local/postgres:15 SNMF_WORKERS_THREADS=1
compose() { docker-compose -p "$project" -f docker/compose.yaml "$@"; }
host_pid=""
cleanup() {
  compose down -v >/dev/null 2>&1 || true
  [ -n "$host_pid" ] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

ready() { curl -fsS "http://127.0.0.1:$1/actuator/health/readiness" >/dev/null 2>&1; }
wait_ready() { for _ in $(seq 1 600); do ready "$1" && return 0; sleep 1; done; echo "port $1 never ready" >&2; exit 1; }
call() { shift; curl -fsS -H "Authorization: Bearer $key" -H "Content-Type: application/json" "$@"; }
wait_job() {  # prints the finished job
  local port=$1 id=$2 job
  while :; do
    job=$(curl -fsS -H "Authorization: Bearer $key" "http://127.0.0.1:$port/v1/jobs/$id")
    case "$(jq -r .status <<<"$job")" in SUCCEEDED) echo "$job"; return 0 ;; FAILED|CANCELLED) echo "$job" >&2; exit 1 ;; esac
    sleep 1
  done
}
factorization_seconds() {  # port, models path as the service sees it → seconds the factorize job ran
  local port=$1 path=$2 model sampling dataset job done
  model=$(call "$port" -X POST "http://127.0.0.1:$port/v1/models" \
    -d "{\"name\":\"bench\",\"source\":\"llama2c\",\"path\":\"$path/stories260K/stories260K.bin\"}" | jq -r .id)
  sampling=$(call "$port" -X POST "http://127.0.0.1:$port/v1/datasets" \
    -d "{\"name\":\"bench\",\"kind\":\"model-samples\",\"modelId\":$model,\"count\":2000,\"length\":31,\"seed\":1}" | jq -r .id)
  dataset=$(wait_job "$port" "$sampling" | jq -r .result.datasetId)
  job=$(call "$port" -X POST "http://127.0.0.1:$port/v1/factorizations" -d "{\"modelId\":$model,\"datasetId\":$dataset,\
\"layer\":1,\"k\":32,\"maxIterations\":300,\"patience\":300,\"contextLength\":32}" | jq -r .id)
  done=$(wait_job "$port" "$job")
  jq -r '((.finishedAt | sub("\\.[0-9]+";"") | fromdate) - (.startedAt | sub("\\.[0-9]+";"") | fromdate))' <<<"$done"
}

start=$(date +%s.%N)
compose up -d >/dev/null 2>&1
wait_ready "$api"; wait_ready "$w1"; wait_ready "$w2"
up_seconds=$(echo "$(date +%s.%N) - $start" | bc)
in_containers=$(factorization_seconds "$api" /models)

jar="$(ls target/snmf-service-*.jar | grep -v -- '-plain\.jar$' | head -n 1)"
SNMF_DATA_DIR="$work/data" SNMF_MODELS_ALLOWED_ROOTS="$models" SNMF_SECURITY_BOOTSTRAP_ADMIN_KEY="$key" \
  SNMF_WORKERS_THREADS=1 SERVER_ADDRESS=127.0.0.1 SERVER_PORT=$host_port java -jar "$jar" >"$work/host.log" 2>&1 &
host_pid=$!
wait_ready "$host_port"
on_host=$(factorization_seconds "$host_port" "$models")

echo "| Measure | Value |"
echo "|---|---|"
printf '| compose up → API and both workers ready | %.0f s |\n' "$up_seconds"
echo "| factorize job (2,000 × 31 tokens, K 32, 300 iterations) in the compose stack's worker | ${in_containers} s |"
echo "| the same job run by the jar on the host (embedded PostgreSQL) | ${on_host} s |"
docker image ls --format '| image {{.Repository}}:{{.Tag}} | {{.Size}} |' | grep -E 'snmf-service:0.1.0|snmf-local/'
