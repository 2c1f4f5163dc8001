#!/bin/sh
# Runs Recur's WebGPU benchmark (W1, W3, W4, W2) on this machine's GPU with only what this folder
# carries: ./node (Node 20), ./bench.mjs and ./node_modules/webgpu (Dawn). Needs Linux x86-64 with
# glibc ≥ 2.28, an NVIDIA driver with Vulkan (libvulkan.so.1 + the NVIDIA ICD json), and nothing else.
#   ./run.sh                          # all four workloads, 5 timed runs each
#   ./run.sh --only W1,W3 --runs 10   # a subset
# Extra arguments go to bench.mjs (--allow-emulated, --out FILE).
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
echo "== recur gpu bench: $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
  echo "note: nvidia-smi not found (not required, but the NVIDIA driver is)"
fi
if ! (ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1') && [ ! -e /usr/lib/x86_64-linux-gnu/libvulkan.so.1 ]; then
  echo "warning: libvulkan.so.1 (the Vulkan loader) was not found; Dawn needs it (Debian/Ubuntu: libvulkan1)"
fi
if [ -z "${VK_ICD_FILENAMES:-}" ]; then
  icd=$(ls /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json 2>/dev/null | head -n 1 || true)
  if [ -n "$icd" ]; then echo "vulkan ICD: $icd"; else
    echo "warning: no nvidia_icd.json in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d (in a container, set NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics)"
  fi
else
  echo "vulkan ICD (VK_ICD_FILENAMES): $VK_ICD_FILENAMES"
fi
cd "$dir"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
exec "$dir/node" "$dir/bench.mjs" "$@"
