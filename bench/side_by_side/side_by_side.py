#!/usr/bin/python3
"""Kiln, ONNX Runtime and PyTorch on the same model, weights and input.

For each model, Kiln's zoo network with the weights `kiln` seeds is exported to
ONNX (`kiln export`); ONNX Runtime runs that file, PyTorch runs it mapped onto
torch.nn.functional (eager, and traced + frozen + optimize_for_inference), and
Kiln runs its own compiled artifact. All outputs are checked against ONNX
Runtime's before anything is timed. Timing alternates: each round runs every
framework in turn (in a rotating order) for a few runs, so that load from other
users of a shared machine falls on all of them alike. Called by run.sh, which
installs and builds what this needs.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import torch

sys.dont_write_bytecode = True  # no __pycache__ left in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_torch import OnnxModule, as_numpy, frozen  # noqa: E402

MODELS = ("resnet50", "resnet18", "googlenet", "vgg16", "alexnet")
HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.dirname(os.path.dirname(HERE))


def run(cmd):
    """Runs a command quietly; its stderr is shown only when it fails."""
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise RuntimeError("failed (%d): %s" % (r.returncode, " ".join(cmd)))


def percentile(samples, q):
    return float(np.percentile(np.asarray(samples), q))


def summary(samples):
    return {"median_ms": percentile(samples, 50), "min_ms": min(samples),
            "p90_ms": percentile(samples, 90), "runs": len(samples)}


def cpu_busy_fraction(seconds=1.0):
    """Share of all CPUs busy over `seconds` (everyone's work, this script idle)."""
    def read():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]
    t1, i1 = read()
    time.sleep(seconds)
    t2, i2 = read()
    return 1 - (i2 - i1) / max(1, t2 - t1)


class OtherLoad:
    """Share of the machine's CPU time that other processes used while open:
    all CPUs' busy time less this process's and its (finished) children's."""

    def __enter__(self):
        self.start = self._sample()
        return self

    def __exit__(self, *exc):
        busy0, own0, wall0 = self.start
        busy1, own1, wall1 = self._sample()
        capacity = (wall1 - wall0) * os.cpu_count()
        self.share = max(0.0, (busy1 - busy0) - (own1 - own0)) / capacity if capacity else 0.0

    @staticmethod
    def _sample():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        busy = (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")
        t = os.times()
        return busy, t.user + t.system + t.children_user + t.children_system, time.time()


def wait_for_quiet(limit):
    """Waits up to `limit` s for a second with the CPUs at least 95% idle."""
    start = time.time()
    busy = cpu_busy_fraction()
    while busy > 0.05 and time.time() - start < limit:
        busy = cpu_busy_fraction()
    return busy


class KilnRunner:
    name = "kiln"

    def __init__(self, args, artifact, threads, work):
        self.args, self.artifact, self.threads, self.work = args, artifact, threads, work
        self.peak = None

    def _bench(self, runs, warmup, extra):
        out = os.path.join(self.work, "kiln-bench.json")
        cmd = [self.args.kiln, "bench", self.artifact, "--threads", str(self.threads), "--runs",
               str(runs), "--warmup", str(warmup), "--json", out] + extra
        run(cmd)
        with open(out) as f:
            return json.load(f)

    def warm_up(self):
        # The first call measures (or reads) the machine peak; later rounds
        # pass it on and skip that.
        j = self._bench(3, 1, [])
        self.peak, self.model_flops = j["peak"], j["model_flops"]

    def measure(self, runs):
        # Warm-up inside each round: every round is a fresh process.
        j = self._bench(runs, self.args.kiln_warmup,
                        ["--peak-gflops", str(self.peak["all_threads_gflops"])])
        return j["samples_ms"]

    def output(self, input_npy, input_name):
        out_dir = os.path.join(self.work, "kiln-out")
        run([self.args.kiln, "run", self.artifact, "--threads", str(self.threads), "--input",
             input_name + "=" + input_npy, "--output-dir", out_dir])
        files = sorted(os.listdir(out_dir))
        return np.load(os.path.join(out_dir, files[0]))

    def close(self):
        pass


class OrtRunner:
    name = "onnxruntime"

    def __init__(self, args, onnx_path, threads, input_bin, dims):
        env = dict(os.environ, NODE_PATH=args.node_modules)
        self.proc = subprocess.Popen(
            ["node", os.path.join(HERE, "ort_worker.js"), onnx_path, str(threads), input_bin,
             ",".join(map(str, dims))], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
            text=True)
        self.info = self._reply()
        if not self.info.get("ready"):
            raise RuntimeError("onnxruntime worker: %s" % self.info)

    def _reply(self):
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("onnxruntime worker exited")
        return json.loads(line)

    def _ask(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()
        return self._reply()

    def warm_up(self):
        self._ask("run %d" % 3)

    def measure(self, runs):
        self._ask("run 1")  # the other frameworks ran since: caches are cold
        return self._ask("run %d" % runs)["samples_ms"]

    def output(self, path):
        dims = self._ask("output " + path)["dims"]
        return np.fromfile(path, dtype=np.float32).reshape(dims)

    def close(self):
        self.proc.stdin.write("quit\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class TorchRunner:
    def __init__(self, name, module, x, threads):
        self.name, self.module, self.x, self.threads = name, module, x, threads

    def _run(self):
        with torch.no_grad():
            return self.module(self.x)

    def warm_up(self):
        torch.set_num_threads(self.threads)
        for _ in range(3):  # the first calls of a frozen module optimise it further
            self._run()

    def measure(self, runs):
        torch.set_num_threads(self.threads)
        self._run()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            self._run()
            samples.append((time.perf_counter() - start) * 1e3)
        return samples

    def output(self):
        torch.set_num_threads(self.threads)
        return as_numpy(self._run())

    def close(self):
        pass


def prepare_model(args, name, work):
    """Exports the ONNX file, compiles Kiln's artifact, writes the input."""
    kir = os.path.join(SOURCE_DIR, "models", name + ".kir")
    onnx_path = os.path.join(work, name + ".onnx")
    # `kiln export` seeds the weights exactly as `kiln compile` does, so every runtime runs the
    # same network and numbers.
    run([args.kiln, "export", kir, "--seed", str(args.seed), "-o", onnx_path])
    artifact = os.path.join(work, name + ".kiln")
    run([args.kiln, "compile", name, "--seed", str(args.seed), "-o", artifact] + args.kiln_arg)
    model = onnx.load(onnx_path)
    inits = {i.name for i in model.graph.initializer}
    graph_input = next(i for i in model.graph.input if i.name not in inits)
    dims = [d.dim_value for d in graph_input.type.tensor_type.shape.dim]
    x = np.random.default_rng(0).standard_normal(dims).astype(np.float32)
    input_npy = os.path.join(work, "input.npy")
    input_bin = os.path.join(work, "input.bin")
    np.save(input_npy, x)
    x.tofile(input_bin)
    return {"onnx": onnx_path, "model": model, "artifact": artifact, "x": x, "dims": dims,
            "input_name": graph_input.name, "input_npy": input_npy, "input_bin": input_bin}


def check_outputs(runners, m, work):
    """Max |difference| of each framework's output from ONNX Runtime's."""
    ort = next(r for r in runners if r.name == "onnxruntime")
    ref = ort.output(os.path.join(work, "ort-out.bin"))
    diffs = {}
    for r in runners:
        if r.name == "kiln":
            out = r.output(m["input_npy"], m["input_name"])
        elif r.name == "onnxruntime":
            continue
        else:
            out = r.output()
        diffs[r.name] = float(np.max(np.abs(out.reshape(ref.shape) - ref)))
    return diffs, float(np.max(np.abs(ref)))


def make_runners(args, m, threads, work):
    module = OnnxModule(m["model"]).eval()
    x = torch.from_numpy(m["x"])
    torch.set_num_threads(threads)
    return [KilnRunner(args, m["artifact"], threads, work),
            OrtRunner(args, m["onnx"], threads, m["input_bin"], m["dims"]),
            TorchRunner("torch-eager", module, x, threads),
            TorchRunner("torch-jit", frozen(module, x), x, threads)]


def measure_alternating(runners, rounds, runs):
    samples = {r.name: [] for r in runners}
    for i in range(rounds):
        order = runners[i % len(runners):] + runners[:i % len(runners)]
        for r in order:
            samples[r.name] += r.measure(runs)
    return samples


def bench_one(args, name, m, threads, work):
    busy_before = wait_for_quiet(args.wait_idle) if args.wait_idle else cpu_busy_fraction()
    load_before = os.getloadavg()[0]
    with OtherLoad() as other:
        runners = make_runners(args, m, threads, work)
        try:
            for r in runners:
                r.warm_up()
            diffs, scale = check_outputs(runners, m, work)
            samples = measure_alternating(runners, args.rounds, args.runs)
        finally:
            for r in runners:
                r.close()
    stats = {k: summary(v) for k, v in samples.items()}
    others = {k: v["median_ms"] for k, v in stats.items() if k != "kiln"}
    best = min(others, key=others.get)
    return {"model": name, "threads": threads, "stats": stats, "samples_ms": samples,
            "best_other": best, "kiln_ratio": stats["kiln"]["median_ms"] / others[best],
            "max_abs_diff_vs_ort": diffs, "max_abs_ort_output": scale,
            "kiln_peak": runners[0].peak, "model_flops": runners[0].model_flops, "onnxruntime_version": runners[1].info.get("version"),
            "cpu_busy_before": busy_before, "other_load_during": other.share,
            "loadavg_before": load_before,
            "loadavg_after": os.getloadavg()[0]}


def cpu_model():
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor()


FRAMEWORKS = ("kiln", "onnxruntime", "torch-eager", "torch-jit")


def print_table(results, out=sys.stdout):
    head = ("| model | threads | " + " | ".join(f + " ms" for f in FRAMEWORKS) +
            " | Kiln / best other | Kiln GFLOP/s (% of peak) | max abs diff vs ORT "
            "(kiln, eager, jit) | other processes' CPU share during |")
    out.write(head + "\n|" + "---|" * (head.count("|") - 1) + "\n")
    for r in results:
        cells = ["%.2f (min %.2f, p90 %.2f)" % (r["stats"][f]["median_ms"], r["stats"][f]["min_ms"],
                                                  r["stats"][f]["p90_ms"]) for f in FRAMEWORKS]
        d = r["max_abs_diff_vs_ort"]
        gflops = r["model_flops"] / r["stats"]["kiln"]["median_ms"] * 1e-6
        peak = r["kiln_peak"]["all_threads_gflops"]
        out.write("| %s | %d | %s | %.2f (vs %s) | %.0f (%.0f%% of %.0f) | %.1e, %.1e, %.1e | "
                  "%.0f%% |\n" % (
                      r["model"], r["threads"], " | ".join(cells), r["kiln_ratio"],
                      r["best_other"], gflops, 100 * gflops / peak, peak, d["kiln"],
                      d["torch-eager"], d["torch-jit"], 100 * r["other_load_during"]))


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--kiln", required=True)
    p.add_argument("--kiln-arg", action="append", default=[],
                   help="extra argument for `kiln compile` (repeatable), e.g. --kiln-arg=--conv-algorithm=direct")
    p.add_argument("--node-modules", required=True, help="node_modules with onnxruntime-node")
    p.add_argument("--models", default="resnet18,resnet50")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--runs", type=int, default=5, help="timed runs per framework per round")
    p.add_argument("--kiln-warmup", type=int, default=2, help="untimed runs per Kiln round")
    p.add_argument("--seed", type=int, default=1, help="Kiln's weight seed")
    p.add_argument("--wait-idle", type=float, default=0,
                   help="wait up to this many seconds for an idle machine before each model")
    p.add_argument("--json", help="write all results and samples here")
    a = p.parse_args()
    a.models = a.models.split(",")
    a.threads = [int(t) for t in a.threads.split(",")]
    bad = [m for m in a.models if m not in MODELS]
    if bad or a.rounds < 1 or a.runs < 1 or any(t < 1 for t in a.threads):
        p.error("models from %s, rounds, runs and threads >= 1" % ",".join(MODELS))
    return a


def main():
    args = parse_args()
    torch.set_num_interop_threads(1)
    results = []
    with tempfile.TemporaryDirectory(prefix="kiln-side-by-side-") as work:
        for name in args.models:
            m = prepare_model(args, name, work)
            for threads in args.threads:
                r = bench_one(args, name, m, threads, work)
                results.append(r)
                print("%s, %d thread(s): kiln %.2f ms, %s %.2f ms" % (
                    name, threads, r["stats"]["kiln"]["median_ms"], r["best_other"],
                    r["stats"][r["best_other"]]["median_ms"]), file=sys.stderr)
    meta = {"date": datetime.date.today().isoformat(), "cpu": cpu_model(),
            "cpus": os.cpu_count(), "torch": torch.__version__, "onnx": onnx.__version__,
            "numpy": np.__version__, "onnxruntime": results[0]["onnxruntime_version"],
            "rounds": args.rounds, "runs_per_round": args.runs}
    print("\n%s, %s (%d CPUs); torch %s, onnxruntime %s; %d rounds x %d runs each\n" % (
        meta["date"], meta["cpu"], meta["cpus"], meta["torch"], meta["onnxruntime"],
        args.rounds, args.runs))
    print_table(results)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)


if __name__ == "__main__":
    main()
