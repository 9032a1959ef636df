#!/bin/sh
# Register-tile ceiling on this machine: builds the hand-scheduled AVX-512 loops of
# gen_kernels.py and runs them on one core. Usage:
#   bench/tile_ceiling/run.sh [rounds]               every tile, data in L1 / L2, one core
#   bench/tile_ceiling/run.sh --two-cores [rounds]   the 2x14 tile on both cores at once
set -eu
if ! grep -qw avx512f /proc/cpuinfo; then
  echo "tile_ceiling: this CPU has no AVX-512; the loops are AVX-512 only" >&2
  exit 1
fi
here=$(cd "$(dirname "$0")" && pwd)
out=${TMPDIR:-/tmp}/kiln-tile-ceiling
mkdir -p "$out"
python3 "$here/gen_kernels.py" "$out/tile_kernels.S"
if [ "${1:-}" = "--two-cores" ]; then
  shift
  c++ -std=c++20 -O2 -pthread -o "$out/two_cores" "$here/two_cores.cpp" "$out/tile_kernels.S"
  exec "$out/two_cores" "$@"
fi
c++ -std=c++20 -O2 -I"$out" -o "$out/tile_ceiling" "$here/tile_ceiling.cpp" "$out/tile_kernels.S"
if command -v taskset >/dev/null; then
  exec taskset -c 0 "$out/tile_ceiling" "$@"
fi
exec "$out/tile_ceiling" "$@"
