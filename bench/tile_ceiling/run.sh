#!/bin/sh
# Register-tile ceiling on this machine (AVX-512 hosts): builds the hand-scheduled loops and runs
# them on one core. Usage: bench/tile_ceiling/run.sh [rounds]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/kiln-tile-ceiling
mkdir -p "$out"
python3 "$here/gen_kernels.py" "$out/tile_kernels.S"
c++ -std=c++20 -O2 -I"$out" -o "$out/tile_ceiling" "$here/tile_ceiling.cpp" "$out/tile_kernels.S"
taskset -c 0 "$out/tile_ceiling" "$@" 2>/dev/null || "$out/tile_ceiling" "$@"
