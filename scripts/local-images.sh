#!/usr/bin/env bash
# Builds the service image where public image registries cannot be reached: the base images are made from Debian
# packages (mmdebstrap, docker import; apt inside the builds) and the jar is built on the host with the host's
# Maven repository, so nothing is downloaded twice. Images made (each only when missing, or with --rebuild):
#   snmf-local/debian:bookworm   minimal Debian from mmdebstrap
#   snmf-local/jre:17            Debian's OpenJDK 17 JRE (stand-in for eclipse-temurin)
#   snmf-local/postgres:15       Debian's PostgreSQL 15 (stand-in for postgres; tests and compose use it)
#   snmf-service:0.1.0           docker/Dockerfile on snmf-local/jre:17 (always rebuilt; Docker caches its layers)
# Needs a Docker engine (DOCKER_HOST or the default socket), mmdebstrap and a JDK; root for mmdebstrap.
# Then: SNMF_POSTGRES_IMAGE=snmf-local/postgres:15 docker-compose -f docker/compose.yaml up -d
set -euo pipefail
cd "$(dirname "$0")/.."

rebuild=false
skip_jar=false
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --skip-jar) skip_jar=true ;;   # target/ already holds the jar and Spark home of this checkout
    *) echo "usage: $0 [--rebuild] [--skip-jar]" >&2; exit 2 ;;
  esac
done

missing() { $rebuild || ! docker image inspect "$1" >/dev/null 2>&1; }
say() { echo "local-images: $*"; }
began=$SECONDS
took() { say "$1 in $((SECONDS - began)) s"; began=$SECONDS; }

if missing snmf-local/debian:bookworm; then
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  say "making snmf-local/debian:bookworm with mmdebstrap"
  mmdebstrap --variant=minbase --quiet bookworm "$tmp/bookworm.tar"
  docker import "$tmp/bookworm.tar" snmf-local/debian:bookworm >/dev/null
  took "made snmf-local/debian:bookworm"
fi
if missing snmf-local/jre:17; then
  say "building snmf-local/jre:17"
  docker build -q -f docker/local/jre.Dockerfile -t snmf-local/jre:17 docker/local >/dev/null
  took "built snmf-local/jre:17"
fi
if missing snmf-local/postgres:15; then
  say "building snmf-local/postgres:15"
  docker build -q -f docker/local/postgres.Dockerfile -t snmf-local/postgres:15 docker/local >/dev/null
  took "built snmf-local/postgres:15"
fi

if ! $skip_jar; then
  say "building the jar and the Spark home on the host"
  ./mvnw -B -ntp -q -DskipTests package
  took "built the jar and the Spark home"
fi
say "building snmf-service:0.1.0"
docker build -q -f docker/Dockerfile \
  --build-arg BUILD_IMAGE=snmf-local/jre:17 \
  --build-arg RUNTIME_IMAGE=snmf-local/jre:17 \
  --build-arg APP_SOURCE=host \
  -t snmf-service:0.1.0 . >/dev/null
took "built snmf-service:0.1.0"
docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^(snmf-local|snmf-service)' | sed 's/^/local-images: /'
