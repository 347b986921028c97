#!/bin/bash
# GPU-machine run (hardware WebGPU: Dawn/Vulkan on the NVIDIA driver), from .dev/ made by scripts/gpu-machine/pack.sh.
# STEPS names the parts in order (quick, small, tests, mid, big, cpu, or a shell command); BUDGET (s) skips
# the parts that would not finish in time. Files land in $OUT.
set -u
START=$(date +%s); BUDGET=${BUDGET:-500}
left() { echo $(( BUDGET - ($(date +%s) - START) )); }
step() { local need=$1; shift; local l=$(left); if [ $l -lt $need ]; then echo "SKIP ($l s left < $need): $*"; return 0; fi; echo "== [$(( $(date +%s) - START )) s] $*"; timeout $(( l - 5 )) "$@"; echo "== rc $?"; }
for f in .gl/*.deb; do dpkg -x $f /; done; ldconfig
mkdir -p /tmp/n && xz -dc .dev/node.xz > /tmp/n/node && chmod +x /tmp/n/node; export PATH=/tmp/n:$PATH
cd .dev/repo && tar -xJf ../nm.tar.xz && cp -r ../node_modules/webgpu node_modules/ && xz -dc ../dawn.node.xz > node_modules/webgpu/dist/linux-x64/dawn.node
{ nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv; nproc; grep -m1 'model name' /proc/cpuinfo; ldconfig -p | grep -i vulkan; ls /usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>&1; } | tee $OUT/env.txt
ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json; [ -f $ICD ] && export VK_ICD_FILENAMES=$ICD
export PLASTICNET_DAWN_FLAGS=${PLASTICNET_DAWN_FLAGS:-disable-dawn-features=timestamp_quantization}
export PLASTICNET_COMMIT=$(cat COMMIT)
TSX="node node_modules/tsx/dist/cli.mjs"
echo "setup done at $(( $(date +%s) - START )) s"
for s in $STEPS; do case $s in
  quick) step 60 $TSX src/cli/main.ts validate --quick 2>&1 | tee $OUT/validate-quick.txt ;;
  small) step 100 $TSX bench/gpu.ts --N 1000,2000,5000,10000 --T 2 --repeat 3 --out $OUT/gpu.jsonl ;;
  tests) step 150 node node_modules/vitest/vitest.mjs run test/gpu --poolOptions.forks.maxForks=12 2>&1 | tee $OUT/test-gpu.txt | grep -v '^ *✓' ;;
  mid)   step 90 $TSX bench/gpu.ts --N 20000,50000 --T 2 --repeat 2 --out $OUT/gpu.jsonl ;;
  big)   step 150 $TSX bench/gpu.ts --N 100000 --plastic plastic --T 2 --repeat 1 --out $OUT/gpu.jsonl ;;
  cpu)   step 100 $TSX bench/gpu.ts --N 1000,2000,5000,10000 --T 1 --repeat 1 --cpu --out $OUT/gpu-vs-cpu.jsonl ;;
  *) step 30 bash -c "$s" ;;
esac; done
echo "total $(( $(date +%s) - START )) s"
