#!/bin/bash
# Kiln side by side with ONNX Runtime and PyTorch: installs what is missing
# (Debian packages, onnxruntime-node from npm), builds kiln, then runs
# side_by_side.py, which exports each zoo model with `kiln export` and prints one table.
#
# usage: bench/side_by_side/run.sh [--models resnet18,resnet50] [--threads 1,2]
#            [--rounds 5] [--runs 5] [--wait-idle SECONDS] [--json FILE]
#            [--kiln-arg=--conv-algorithm=direct ...]
# models: resnet50 resnet18 googlenet vgg16 alexnet. Environment:
#   KILN_BUILD_DIR   Kiln build tree (default: <source>/build; configured if absent)
#   KILN_SBS_CACHE   npm packages (default: ~/.cache/kiln/side_by_side)
#   ORT_VERSION      onnxruntime-node version (default 1.30.0)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
source_dir=$(cd "$here/../.." && pwd)
build_dir=${KILN_BUILD_DIR:-$source_dir/build}
cache_dir=${KILN_SBS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kiln/side_by_side}
ort_version=${ORT_VERSION:-1.30.0}
python=/usr/bin/python3  # Debian's: the one python3-torch installs into
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ left in the source tree

log() { echo "side_by_side: $*" >&2; }

# Debian packages, installed only when something is missing (apt needs root).
install_packages() {
  local missing=()
  for module in numpy torch torchvision onnx; do
    "$python" -c "import $module" 2>/dev/null || missing+=("python3-$module")
  done
  # OpenMP OpenBLAS: PyTorch's dense layers then follow torch.set_num_threads.
  dpkg -s libopenblas0-openmp >/dev/null 2>&1 || missing+=(libopenblas0-openmp)
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# ONNX Runtime's CPU library ships inside the npm package; the install script
# would only fetch GPU providers, so it is skipped.
install_onnxruntime() {
  local dir=$cache_dir/node
  [ -f "$dir/node_modules/onnxruntime-node/package.json" ] &&
    grep -q "\"version\": \"$ort_version\"" "$dir/node_modules/onnxruntime-node/package.json" &&
    return
  log "installing onnxruntime-node@$ort_version into $dir"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || echo '{"name": "kiln-side-by-side", "private": true}' >"$dir/package.json"
  (cd "$dir" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --silent \
    "onnxruntime-node@$ort_version")
}

build_kiln() {
  [ -f "$build_dir/build.ninja" ] ||
    cmake -S "$source_dir" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C "$build_dir" -j2 kiln >/dev/null
}

install_packages
install_onnxruntime
build_kiln
exec "$python" "$here/side_by_side.py" --kiln "$build_dir/kiln" \
  --node-modules "$cache_dir/node/node_modules" "$@"
