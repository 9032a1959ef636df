#!/usr/bin/env python3
"""Whole-model latency of `kiln bench` with --conv-algorithm=direct, winograd and auto.

Compiles each model three times (kernels come from the kernel cache after the first time), then
runs `kiln bench ARTIFACT --json -` on the three artifacts in turn, the order rotating every
round, so that load from other processes falls on all three alike. Prints the median over all
samples of each artifact and direct's median over it.

  bench/compare_conv_algorithms.py --models resnet18,vgg16 --threads 1,2 --rounds 3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

ALGORITHMS = ["direct", "winograd", "auto"]


def compile_all(kiln, models, out, cache_dir):
    extra = ["--cache-dir", cache_dir] if cache_dir else []
    for model in models:
        for algorithm in ALGORITHMS:
            subprocess.run([kiln, "compile", model, "-o", os.path.join(out, f"{model}_{algorithm}"),
                            f"--conv-algorithm={algorithm}"] + extra, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def bench(kiln, artifact, threads, runs):
    out = subprocess.run([kiln, "bench", artifact, "--threads", str(threads), "--runs", str(runs),
                          "--warmup", "2", "--json", "-"], check=True, capture_output=True,
                         text=True)
    return json.loads(out.stdout)


def measure(kiln, out, model, threads, rounds, runs):
    samples = {a: [] for a in ALGORITHMS}
    load = 0.0
    for r in range(rounds):
        for algorithm in ALGORITHMS[r % 3:] + ALGORITHMS[:r % 3]:
            result = bench(kiln, os.path.join(out, f"{model}_{algorithm}"), threads, runs)
            samples[algorithm].extend(result["samples_ms"])
            load = max(load, result["other_load"])
    direct = statistics.median(samples["direct"])
    line = f"{model} threads={threads}: direct {direct:.2f} ms"
    for algorithm in ALGORITHMS[1:]:
        median = statistics.median(samples[algorithm])
        line += f", {algorithm} {median:.2f} ms ({direct / median:.2f}x)"
    print(f"{line}; other processes' CPU share up to {100 * load:.0f}%", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kiln", default=os.path.join(os.environ.get("KILN_BUILD_DIR", "build"),
                                                       "kiln"))
    parser.add_argument("--models", default="resnet18,resnet50,googlenet,vgg16")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=15, help="timed runs per bench (vgg16: 1/3)")
    # The kernel cache is keyed by kernel signature and Kiln's version, not by schedule code:
    # after changing a schedule, pass a fresh directory.
    parser.add_argument("--cache-dir", help="kernel cache for the compiles (default: kiln's)")
    args = parser.parse_args()
    models = args.models.split(",")
    with tempfile.TemporaryDirectory(prefix="kiln-conv-algorithms-") as out:
        compile_all(args.kiln, models, out, args.cache_dir)
        for model in models:
            runs = max(1, args.runs // 3) if model == "vgg16" else args.runs
            for threads in [int(t) for t in args.threads.split(",")]:
                measure(args.kiln, out, model, threads, args.rounds, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
