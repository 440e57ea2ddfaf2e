#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPU addresses this worker or executor owns as Spark's
# ResourceInformation JSON, e.g. {"name":"gpu","addresses":["0","1"]}.
# ORZ_FAKE_GPUS="0" makes a CPU-only machine pretend (tests of GPU-aware placement).
if [[ -n "${ORZ_FAKE_GPUS:-}" ]]; then
  addresses=$(echo "$ORZ_FAKE_GPUS" | tr ',' '\n' | sed 's/.*/"&"/' | paste -sd, -)
elif command -v nvidia-smi >/dev/null 2>&1; then
  addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader | sed 's/.*/"&"/' | paste -sd, -)
else
  addresses=""
fi
echo "{\"name\":\"gpu\",\"addresses\":[${addresses}]}"
