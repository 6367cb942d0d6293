"""Benchmark: batched snake of Tyazhelnikov (2016) -- Cython kernel vs numba, side by side.

100,000 firms, N = 10 stages, M in {2, 5, 10, 20} countries, unit trade costs (eq. 1-2).
Reports, per M: milliseconds (minimum over rounds, median in parentheses), nanoseconds per min-plus operation
(firms * (N - 1) * M^2 operations), the ratio to the best numba kernel, and the ratio to the
machine bound max(arithmetic bound, memory bound):

* arithmetic bound: the same number of min-plus operations at this machine's peak min-plus
  throughput, measured by ``benchmarks/minplus_peak.c`` (eight independent running minima fed
  from L1, compiled here with ``c++ -O2 -march=native``; measured at the start and again right
  before and after each M's timings, the best rate so far used, so that one slow moment cannot
  loosen every bound); a numba "add + min" stream over an
  L1-resident array is measured and printed too (it stores every result, so it runs at about
  half the peak and would give a bound twice as loose);
* memory bound: the larger of (a) the bytes that must move (costs in, path and statistics out)
  at the measured single-thread copy bandwidth (numpy copy of a 256 MB array: bytes read plus
  bytes written per second; the best of measurements at the start and right before and after
  each M's timings) and (b) the time one core takes just to read the costs array: every reader
  of ``benchmarks/read_floor.c`` (with and without software prefetch) is timed on the very
  costs array among the variants, in the same rounds and the same warm state, and the fastest
  time of any of them -- or of the marginal-cost kernel, which reads the costs too, should it
  be faster -- is the floor.  Term (b) matters because the copy's rate counts reads and writes
  together, and one core cannot read at that rate alone (on the Intel machines about
  16 GB/s from memory against a copy's 20-24), so (a) alone understates the time to read the
  costs at M = 10.  In quiet runs the costs of M <= 10 partly come from the last-level cache and
  (b) is the smaller term; in spells of slow memory it rises together with the kernel's times.  The table also gives the ratio to the bound without term (b), and to the bound with
  the looser operation count firms * N * M^2 (10% looser: the kernel performs
  firms * (N - 1) * M^2, the count used everywhere else).

The steal time (CPU time the hypervisor handed to other guests during the run, /proc/stat) is
printed at the end: runs with much of it are not comparable with quiet ones.

The variants of one M are timed in rounds (minimum and median over the rounds): in each round
every variant runs twice in a row and the second call is timed, the order rotating from round to
round, so that a busy spell of the shared machine hits them all alike. Calls repeat on the same
arrays (preallocated outputs, as in the calibration loop), so arrays that fit in the last-level
cache are read from there: at M = 2 and 5 the costs come from that cache rather than from memory
(the times are those of a warm cache).

Also: the tree kernel (a binary tree with N = 10 nodes) and the ad-valorem snake, time per
node relative to the unit snake, the speed-up with 2 threads, the kernel with ``stats=False``
(marginal costs only: no backtracking, paths or statistics; its memory bound counts only the
costs in and MC out), and optionally another build of the same kernel (``--alt-so``, e.g. one
compiled without ``-march=native``), timed on the same data in the same process.

Run:  /work/venv/bin/python benchmarks/tyazhelnikov2016_snake.py [--quick] [--alt-so PATH]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import tempfile
import time

import numba
import numpy as np

from equilibria.ext.tyaz_dp import solve_tree_batch
from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem


# --------------------------------------------------------------------------- numba rivals
@numba.njit(fastmath=True, cache=False)
def numba_stats(costs, T, step, path, f, ntmc, tq, trade, cross):
    """The same path statistics as the Cython kernel: NTMC, TQ, trade cost, crossings."""
    N = costs.shape[1]
    a = 0.0
    q = 0.0
    t = 0.0
    k = 0
    for v in range(N):
        c = path[f, v]
        a += costs[f, v, c]
        if v < N - 1:
            cp = path[f, v + 1]
            if c != cp:
                q += T[c, cp]
                t += step[v, c, cp]
                k += 1
    ntmc[f] = a
    tq[f] = q
    trade[f] = t
    cross[f] = k


@numba.njit(fastmath=True, cache=False)
def numba_snake_per_firm(costs, step, T, mc, path, ntmc, tq, trade, cross):
    """Careful per-firm numba kernel: forward min-plus with argmin table, backtrack, statistics."""
    F, N, M = costs.shape
    V = np.empty(M)
    W = np.empty(M)
    arg = np.empty((N, M), dtype=np.int32)
    for f in range(F):
        for c in range(M):
            V[c] = costs[f, 0, c]
        for v in range(1, N):
            for c in range(M):
                best = V[0] + step[v - 1, 0, c]
                bj = 0
                for j in range(1, M):
                    x = V[j] + step[v - 1, j, c]
                    if x < best:
                        best = x
                        bj = j
                W[c] = costs[f, v, c] + best
                arg[v, c] = bj
            for c in range(M):
                V[c] = W[c]
        best = V[0]
        bc = 0
        for c in range(1, M):
            if V[c] < best:
                best = V[c]
                bc = c
        mc[f] = best
        path[f, N - 1] = bc
        for v in range(N - 1, 0, -1):
            bc = arg[v, bc]
            path[f, v - 1] = bc
        numba_stats(costs, T, step, path, f, ntmc, tq, trade, cross)


@numba.njit(fastmath=True, cache=False)
def numba_snake_blocked(costs, step, T, mc, path, ntmc, tq, trade, cross):
    """numba with the Cython kernel's layout: blocks of 64 firms, firms innermost."""
    F, N, M = costs.shape
    B = 64
    V = np.empty((N, M, B))
    tmp = np.empty(B)
    for f0 in range(0, F, B):
        nb = min(B, F - f0)
        for f in range(nb):
            for v in range(N):
                for c in range(M):
                    V[v, c, f] = costs[f0 + f, v, c]
        for v in range(N - 1):
            for c in range(M):
                s = step[v, 0, c]
                for f in range(nb):
                    tmp[f] = V[v, 0, f] + s
                for j in range(1, M):
                    s = step[v, j, c]
                    for f in range(nb):
                        tmp[f] = min(tmp[f], V[v, j, f] + s)
                for f in range(nb):
                    V[v + 1, c, f] += tmp[f]
        for f in range(nb):
            best = V[N - 1, 0, f]
            bc = 0
            for c in range(1, M):
                if V[N - 1, c, f] < best:
                    best = V[N - 1, c, f]
                    bc = c
            mc[f0 + f] = best
            path[f0 + f, N - 1] = bc
            for v in range(N - 2, -1, -1):
                best = V[v, 0, f] + step[v, 0, bc]
                bj = 0
                for j in range(1, M):
                    x = V[v, j, f] + step[v, j, bc]
                    if x < best:
                        best = x
                        bj = j
                bc = bj
                path[f0 + f, v] = bc
            numba_stats(costs, T, step, path, f0 + f, ntmc, tq, trade, cross)


@numba.njit(fastmath=True)
def _addmin_stream(x, s, reps):
    acc = x.copy()
    for r in range(reps):
        for i in range(x.size):
            acc[i] = min(acc[i], x[i] + s)
    return acc


def _build_probe(source, compilers, flags, target):
    """Compile benchmarks/<source> with the first of `compilers` found (-O2 -march=native plus
    `flags`) into `target`; the target's path, or None when no compiler is found."""
    compiler = next((c for c in map(shutil.which, compilers) if c), None)
    if compiler is None:
        return None
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), source)
    subprocess.run([compiler, "-O2", "-march=native", *flags, path, "-o", target], check=True)
    return target


class PeakProbe:
    """Peak min-plus operations per second of one core (benchmarks/minplus_peak.c, compiled once).

    Called at the start and again around every M's timings; the bound uses the best rate seen
    so far, so a slow spell at the moment of one measurement cannot loosen it.  Returns None
    when no C++ compiler is found."""

    def __init__(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.exe = _build_probe("minplus_peak.c", ("c++", "g++", "clang++"), ["-x", "c++"],
                                os.path.join(self._tmp.name, "minplus_peak"))

    def __call__(self, runs=3):
        if self.exe is None:
            return None
        return max(float(subprocess.run([self.exe], check=True, capture_output=True, text=True).stdout.split()[0])
                   for _ in range(runs))


def machine_rates(peak_probe):
    """Min-plus throughput (ops/s, one core: peak and numba stream) and copy bandwidth (bytes/s)."""
    x = np.random.default_rng(0).random(512)
    _addmin_stream(x, 0.1, 1)
    reps = 50_000
    t = min(_timeit(lambda: _addmin_stream(x, 0.1, reps)) for _ in range(15))  # best slice of a busy machine
    stream = x.size * reps / t
    peak = peak_probe()
    big = np.ones(32 * 1024 * 1024)  # 256 MB
    out = np.empty_like(big)
    tc = min(_timeit(lambda: np.copyto(out, big)) for _ in range(5))
    bandwidth = 2 * big.nbytes / tc  # read + write
    return max(stream, peak or 0.0), stream, peak, bandwidth


class ReadProbe:
    """The fastest pure read of an array by one core (benchmarks/read_floor.c).

    At the start, the readers (no prefetch; software prefetch 1, 2 or 4 KB ahead into L1 or L2)
    each read a 256 MB array three times; the fastest one's rate is the one-core read bandwidth
    printed in the header.  ``read(a, reader)``: every reader is timed among the kernel's
    variants on the very costs array, in the same rounds and warm state, and the fastest time is
    the floor no kernel that reads those costs can beat.  ``library`` is None (no read floor)
    without a C compiler."""

    READERS = [(0, 0), (128, 3), (256, 3), (512, 3), (256, 2), (512, 2)]  # (distance in doubles, hint)

    def __init__(self):
        import ctypes

        self.library, self.rate = None, None
        with tempfile.TemporaryDirectory() as tmp:
            so = _build_probe("read_floor.c", ("cc", "gcc", "clang"), ["-shared", "-fPIC"],
                              os.path.join(tmp, "read_floor.so"))
            if so is None:
                return
            self.library = ctypes.CDLL(so)  # stays mapped after the file is removed
        self.library.read_sum.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t, ctypes.c_int]
        self.library.read_sum.restype = ctypes.c_double
        big = np.random.default_rng(0).random(32 * 1024 * 1024)  # 256 MB, beyond the last-level cache's share
        best = {}
        for _ in range(3):
            for reader in self.READERS:
                best[reader] = min(best.get(reader, float("inf")), _timeit(lambda: self.read(big, reader)))
        self.reader = min(best, key=best.get)
        self.rate = big.nbytes / best[self.reader]
        self.check(big)

    def read(self, a, reader=None):
        """Read (sum) the contiguous float64 array `a` once (with the chosen reader, or `reader`)."""
        return self.library.read_sum(a.ctypes.data, a.size, *(reader or self.reader))

    def check(self, a):
        """The reader really reads: its sum of `a` agrees with NumPy's (outside any timing)."""
        assert np.isclose(self.read(a), a.sum(), rtol=1e-9), "read_floor.c summed the array wrongly"


class CopyProbe:
    """One copy of a 256 MB array: the memory bound's bandwidth is 2 * nbytes / (best time)."""

    def __init__(self):
        self.source = np.ones(32 * 1024 * 1024)
        self.target = np.empty_like(self.source)
        self.nbytes = self.source.nbytes

    def __call__(self):
        np.copyto(self.target, self.source)


def interleaved(variants, outputs, rounds):
    """(minimum, median) seconds of every variant over `rounds` rounds.

    In each round every variant runs twice in a row and the second call is timed (its data warm
    from the first, as when the kernel is called again and again on the same firms); the order of
    the variants rotates from round to round.  A busy spell of the shared, virtual machine thus
    hits all variants alike instead of whichever happened to be running."""
    names = list(variants)
    times = {name: [] for name in names}
    for r in range(rounds):
        for name in names[r % len(names):] + names[:r % len(names)]:
            variants[name](outputs[name])
            times[name].append(_timeit(lambda: variants[name](outputs[name])))
    return {name: (float(np.min(ts)), float(np.median(ts))) for name, ts in times.items()}


def steal_ticks():
    """CPU time the hypervisor gave to other guests, in clock ticks since boot (Linux; else None)."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
        return int(fields[8])  # cpu user nice system idle iowait irq softirq steal
    except (OSError, IndexError, ValueError):
        return None


def _timeit(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--block", type=int, default=0, help="firms per block (0: the kernel's choice by layout)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 5, 10, 20], help="numbers of countries M")
    parser.add_argument("--alt-so", default=None, help="another build of equilibria.ext.tyaz_dp to time alongside")
    args = parser.parse_args()
    alt = _load_alt(args.alt_so) if args.alt_so else None
    repeats = 5 if args.quick else 15
    F, N = args.firms, 10
    rng = np.random.default_rng(1)
    steal_start, wall_start = steal_ticks(), time.perf_counter()
    peak_probe = PeakProbe()
    ops_rate, stream_rate, peak_rate, start_bandwidth = machine_rates(peak_probe)
    copy_probe = CopyProbe()
    read_probe = ReadProbe()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cpus; numba {numba.__version__}; "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"min-plus throughput, one core: peak {peak_rate / 1e9 if peak_rate else float('nan'):.2f} Gop/s "
          f"(benchmarks/minplus_peak.c; again around every M's timings, the best so far used), "
          f"numba stream {stream_rate / 1e9:.2f} Gop/s; "
          f"copy bandwidth {start_bandwidth / 1e9:.1f} GB/s (and again around every M's timings); "
          f"one core reads 256 MB at {(read_probe.rate or float('nan')) / 1e9:.1f} GB/s")
    from equilibria.ext import tyaz_dp
    print(f"kernel vectors: {tyaz_dp.SIMD}")
    print("times: minimum over repeats (median in parentheses), milliseconds, one thread unless stated")
    print()
    header = ("M", "cython (F,N,M)", "cython (N,M,F)", "cython (N,M,F) 2 threads", "numba per-firm", "numba blocked",
              "ns/op", "vs best numba", "peak Gop/s", "copy GB/s", "read of the costs", "bound", "vs bound", "vs bound without read term", "vs bound, F N M^2 operations", "tree/snake per node", "ad-valorem/snake per node",
              "MC only (N,M,F)", "MC-only bound", "MC only vs its bound")
    if alt is not None:
        header = header + ("alt build (N,M,F)", "alt / this build")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for M in args.sizes:
        rng = np.random.default_rng(M)
        costs = rng.random((F, N, M)) + 0.1
        costs_t = np.ascontiguousarray(costs.transpose(1, 2, 0))
        T = rng.random((M, M)) * 0.5
        np.fill_diagonal(T, 0.0)
        snake = FirmProblem.create(N, T, 1.0)
        tree = FirmProblem.create(N, T, 1.0, parents=[2, 2, 6, 5, 5, 6, 9, 8, 9, -1])
        adval = FirmProblem.create(N, T, 0.2, tariff="ad_valorem")
        outs = dict(mc=np.empty(F), path=np.empty((F, N), dtype=np.int32), ntmc=np.empty(F), tq=np.empty(F),
                    trade=np.empty(F), cross=np.empty(F, dtype=np.int32))

        def run(problem, threads, data=costs, last=False, out=None, stats=True, kernel=solve_tree_batch):
            return kernel(data, problem.step, problem.trade_costs, problem.technology.sorted_parents,
                          problem.final, problem.tariff == "ad_valorem", block=args.block, threads=threads,
                          out=out, firms_last=last, **({} if stats else {"stats": False}))
        o = outs
        numba_args = (costs, snake.step, T, o["mc"], o["path"], o["ntmc"], o["tq"], o["trade"], o["cross"])
        variants = {
            "fnm": lambda out: run(snake, 1, out=out),
            "nmf": lambda out: run(snake, 1, costs_t, True, out=out),
            "nmf2": lambda out: run(snake, 2, costs_t, True, out=out),
            "tree": lambda out: run(tree, 1, costs_t, True, out=out),
            "adv": lambda out: run(adval, 1, costs_t, True, out=out),
            "mc": lambda out: run(snake, 1, costs_t, True, out=out, stats=False),
            "numba1": lambda out: numba_snake_per_firm(*numba_args),
            "numba2": lambda out: numba_snake_blocked(*numba_args),
        }
        if alt is not None:
            variants["alt"] = lambda out: run(snake, 1, costs_t, True, out=out, kernel=alt.solve_tree_batch)
        if read_probe.library is not None:
            read_probe.check(costs_t)
            for reader in read_probe.READERS:
                variants[f"read {reader}"] = lambda out, reader=reader: read_probe.read(costs_t, reader)
        copy_before = min(_timeit(copy_probe) for _ in range(3))
        ops_rate = max(ops_rate, peak_probe() or 0.0)
        shared = run(snake, 1)  # one set of outputs for all Cython variants (numba has its own)
        t = interleaved(variants, {name: shared for name in variants}, repeats)
        copy_after = min(_timeit(copy_probe) for _ in range(3))
        ops_rate = max(ops_rate, peak_probe() or 0.0)
        t_fnm, t_nmf, t_nmf2, t_tree, t_adv, t_mc, t_n1, t_n2 = (
            t[k] for k in ("fnm", "nmf", "nmf2", "tree", "adv", "mc", "numba1", "numba2"))
        bandwidth = max(start_bandwidth, 2 * copy_probe.nbytes / min(copy_before, copy_after))
        ref = run(snake, 1)
        numba_snake_per_firm(*numba_args)
        assert np.allclose(o["mc"], ref["mc"]) and np.allclose(o["ntmc"], ref["ntmc"]), "numba and cython disagree"
        numba_snake_blocked(*numba_args)
        assert np.allclose(o["mc"], ref["mc"]) and np.array_equal(o["path"], ref["path"]), "numba and cython disagree"
        n_ops = F * (N - 1) * M * M
        bytes_moved = costs.nbytes + F * N * 4 + F * (5 * 8 + 4)
        # the costs must be read once: no kernel beats the fastest read of them, timed in the rounds (every
        # reader; the marginal-cost kernel reads them too, so it caps the estimate should it read them faster)
        reads = [t[k][0] for k in t if k.startswith("read ")]
        read_floor = min([t_mc[0]] + reads) if reads else 0.0  # no C compiler: no read floor
        bound_copy_only = max(n_ops / ops_rate, bytes_moved / bandwidth)
        bound = max(bound_copy_only, read_floor)
        # the looser count of operations, F * N * M^2 (the kernel performs F * (N - 1) * M^2)
        bound_fnm2 = max(F * N * M * M / ops_rate, bytes_moved / bandwidth, read_floor)
        bound_mc = max(n_ops / ops_rate, (costs.nbytes + F * 8) / bandwidth, read_floor)
        best = min(t_fnm[0], t_nmf[0])
        best_numba = min(t_n1[0], t_n2[0])
        fmt = lambda t: f"{t[0] * 1e3:.2f} ({t[1] * 1e3:.2f})"  # noqa: E731
        print(f"| {M} | {fmt(t_fnm)} | {fmt(t_nmf)} | {fmt(t_nmf2)} | {fmt(t_n1)} | {fmt(t_n2)} | "
              f"{best / n_ops * 1e9:.3f} | {best / best_numba:.2f} | {ops_rate / 1e9:.1f} | {bandwidth / 1e9:.1f} | {read_floor * 1e3:.2f} | "
              f"{bound * 1e3:.2f} | {best / bound:.2f} | {best / bound_copy_only:.2f} | {best / bound_fnm2:.2f} | "
              f"{t_tree[0] / t_nmf[0]:.2f} | {t_adv[0] / t_nmf[0]:.2f} | {fmt(t_mc)} | {bound_mc * 1e3:.2f} | "
              f"{t_mc[0] / bound_mc:.2f} |" + (f" {fmt(t['alt'])} | {t['alt'][0] / t_nmf[0]:.2f} |" if alt is not None else ""))
    print()
    print("2-thread speed-up (N,M,F layout): see the columns above (one-thread time / two-thread time).")
    if steal_start is not None:
        stolen = (steal_ticks() - steal_start) / os.sysconf("SC_CLK_TCK")
        elapsed = time.perf_counter() - wall_start
        print(f"steal time (CPU time the hypervisor gave to other guests): {stolen:.1f} s of "
              f"{elapsed:.0f} s x {os.cpu_count()} CPUs ({100 * stolen / (elapsed * os.cpu_count()):.1f}%)")


def _load_alt(path):
    """Load another build of the kernel module from ``path`` (same module name, separate handle)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("tyaz_dp", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    main()
