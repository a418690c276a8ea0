#!/usr/bin/env bash
# Checks a GPU node for snmf-service, from a checkout with a JDK 17 (run from anywhere):
#   1. what DJL's PyTorch engine sees (GPUs, CUDA) and the device/backend snmf.device resolves to;
#   2. the fixture parity tests on that device: transformer forward passes, KV cache, padding and
#      generation against the PyTorch references, the SNMF update rule and streaming on the DJL backend;
#   3. a planted-feature factorization (32 sparse directions, d 512) on the device's SNMF backend;
#   4. SNMF benchmarks (DJL backend; d 512 and d 3072, K 50) and activation-capture benchmarks;
# then prints one table. Exit status 0 only when every check passed.
#
# Environment: SNMF_DEVICE (default cuda; cuda:N for another GPU), PYTORCH_FLAVOR (default cu128: the CUDA libtorch
# DJL downloads once into ~/.djl.ai, or set PYTORCH_LIBRARY_PATH to an unpacked libtorch lib/ directory),
# GPU_CHECK_QUICK=1 skips the benchmarks. The CPU libtorch jar is left off the classpath so DJL loads the CUDA one
# (PYTORCH_FLAVOR=cpu keeps it: a dry run of this script on a machine without a GPU, with SNMF_DEVICE=cpu).
set -uo pipefail
cd "$(dirname "$0")/.."
DEVICE="${SNMF_DEVICE:-cuda}"
export PYTORCH_FLAVOR="${PYTORCH_FLAVOR:-cu128}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/gpu-check.XXXXXX")"
ROWS=()
FAILED=0
row() { ROWS+=("$(printf '| %-44s | %-6s | %s |' "$1" "$2" "${3//|/\\|}")"); [ "$2" = "PASS" ] || [ "$2" = "info" ] || FAILED=1; }

if command -v nvidia-smi >/dev/null 2>&1; then
  row "nvidia-smi" info "$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | paste -sd ';' -)"
else
  row "nvidia-smi" info "not found (driver tools missing?)"
fi

echo "== build (test classes and classpath)"
if ! ./mvnw -q -B -ntp test-compile dependency:build-classpath -Dmdep.outputFile=target/gpu-check-cp.txt \
    -Dmdep.includeScope=test >"$OUT/build.log" 2>&1; then
  row "build" FAIL "see $OUT/build.log"
  printf '%s\n' "${ROWS[@]}"; exit 1
fi
# the CPU libtorch jar would win over the CUDA build
if [ "$PYTORCH_FLAVOR" = cpu ]; then
  unset PYTORCH_FLAVOR
  CP="target/test-classes:target/classes:$(cat target/gpu-check-cp.txt)"
  EXCLUDE=()
else
  CP="target/test-classes:target/classes:$(tr ':' '\n' < target/gpu-check-cp.txt | grep -v pytorch-native-cpu | paste -sd ':' -)"
  EXCLUDE=(-Dmaven.test.dependency.excludes=ai.djl.pytorch:pytorch-native-cpu)
fi
JAVA=(java -Dsnmf.device="$DEVICE" -cp "$CP")

echo "== device"
if "${JAVA[@]}" io.snmfservice.compute.DeviceReport >"$OUT/device.log" 2>&1; then
  row "device ($DEVICE)" PASS "$(grep '^REPORT' "$OUT/device.log" | sed 's/^REPORT //' | paste -sd ';' -)"
else
  row "device ($DEVICE)" FAIL "$(grep '^REPORT' "$OUT/device.log" | tail -1 | sed 's/^REPORT //') (log: $OUT/device.log)"
  { echo; echo "| check | result | detail |"; echo "|---|---|---|"; printf '%s\n' "${ROWS[@]}"; }
  exit 1
fi

echo "== fixture parity tests on $DEVICE"
TESTS=Stories260kReferenceTest,HfTinyReferenceTest,FortunesByteGpt2ReferenceTest,Stories260kAsHfLlamaTest,KvCacheTest,PaddedBatchTest,VocabProjectionTest,GenerationTest,SnmfUpdateRuleTest,SnmfStreamingTest,SnmfPlantedFeaturesTest
rm -f target/surefire-reports/TEST-*.xml target/surefire-reports/*-output.txt  # no stale results from older runs
./mvnw -q -B -ntp test -Dsnmf.device="$DEVICE" -Dtest="$TESTS" -Dsurefire.failIfNoSpecifiedTests=false \
  "${EXCLUDE[@]}" >"$OUT/tests.log" 2>&1 || row "maven test run" FAIL "exit status $? (log: $OUT/tests.log)"
for t in ${TESTS//,/ }; do
  report=$(ls target/surefire-reports/TEST-*."$t".xml 2>/dev/null | head -1)
  if [ -z "$report" ]; then row "$t" FAIL "no report (log: $OUT/tests.log)"; continue; fi
  summary=$(grep -o -m1 '<testsuite [^>]*>' "$report")
  n=$(sed -E 's/.* tests="([0-9]+)".*/\1/' <<<"$summary")
  f=$(sed -E 's/.* failures="([0-9]+)".*/\1/' <<<"$summary")
  e=$(sed -E 's/.* errors="([0-9]+)".*/\1/' <<<"$summary")
  s=$(sed -E 's/.* skipped="([0-9]+)".*/\1/' <<<"$summary")
  if [ "$f" = 0 ] && [ "$e" = 0 ]; then
    detail="$n tests, $s skipped"
    [ "$t" = SnmfPlantedFeaturesTest ] && detail="$detail; $(grep -h -o 'planted: .*' target/surefire-reports/*SnmfPlantedFeaturesTest-output.txt 2>/dev/null | head -1)"
    row "$t" PASS "$detail"
  else
    row "$t" FAIL "$n tests, $f failures, $e errors (see target/surefire-reports)"
  fi
done

if [ "${GPU_CHECK_QUICK:-0}" != 1 ]; then
  echo "== SNMF benchmarks (DJL backend on $DEVICE)"
  for args in "512 178892 50 12 65536" "3072 100000 50 10 25000"; do
    if "${JAVA[@]}" -Xmx12g -Dorg.bytedeco.javacpp.maxbytes=16G io.snmfservice.snmf.bench.SnmfBenchmark $args djl \
        >"$OUT/snmf.log" 2>&1; then
      row "SNMF d n K it chunk = $args" PASS "$(grep '^RESULT' "$OUT/snmf.log" | sed -E 's/^RESULT [^:]*: //')"
    else
      row "SNMF d n K it chunk = $args" FAIL "log: $OUT/snmf.log"
    fi
  done
  echo "== capture benchmarks on $DEVICE"
  if "${JAVA[@]}" -Xmx8g io.snmfservice.transformer.bench.CaptureBenchmark 8 32 >"$OUT/capture.log" 2>&1; then
    while read -r line; do row "capture" PASS "${line#RESULT capture }"; done < <(grep '^RESULT' "$OUT/capture.log")
  else
    row "capture" FAIL "log: $OUT/capture.log"
  fi
fi

echo
echo "| check | result | detail |"
echo "|---|---|---|"
printf '%s\n' "${ROWS[@]}"
echo
echo "logs: $OUT"
exit "$FAILED"
