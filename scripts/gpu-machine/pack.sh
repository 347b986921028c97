#!/bin/bash
# Packs what a bare GPU machine (no npm registry, maybe no Node.js) needs to run bench/gpu.ts and
# test/gpu on its hardware WebGPU adapter, into .dev/ (ignored): an xz-compressed Node binary, a pruned
# node_modules (vitest, tsx, esbuild; no browser, no TypeScript compiler), Dawn's Linux dawn.node, and a
# git archive of HEAD in .dev/repo (so the run uses one commit, whatever the working tree holds).
# The Vulkan loader and GLVND come as Debian packages in .gl/ (the NVIDIA ICD needs libGLX/libGLdispatch).
# Then, on the machine, from the repository root:  STEPS="quick small tests" bash .dev/run.sh
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
grep -qx '/.dev/' .git/info/exclude || echo '/.dev/' >> .git/info/exclude
grep -qx '/.gl/' .git/info/exclude || echo '/.gl/' >> .git/info/exclude
rm -rf .dev && mkdir -p .dev/repo .dev/node_modules/webgpu/dist/linux-x64 .gl
xz -6 -T2 -c "$(command -v node)" > .dev/node.xz
cp node_modules/webgpu/index.js node_modules/webgpu/package.json .dev/node_modules/webgpu/
xz -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > .dev/dawn.node.xz
tar -cJf .dev/nm.tar.xz --exclude=node_modules/webgpu --exclude=node_modules/typescript \
  --exclude=node_modules/chromium-bidi --exclude=node_modules/puppeteer-core --exclude=node_modules/devtools-protocol \
  --exclude=node_modules/zod --exclude='node_modules/bare-*' --exclude=node_modules/@puppeteer --exclude=node_modules/@types \
  --exclude=node_modules/.vite --exclude=node_modules/.cache node_modules
git archive HEAD | tar -x -C .dev/repo
git rev-parse --short HEAD > .dev/repo/COMMIT
cp scripts/gpu-machine/run.sh .dev/run.sh
o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/amd64'
mkdir -p /tmp/amd64/partial && apt-get $o update >/dev/null
(cd .gl && apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null 2>&1)
du -sh .dev .gl
