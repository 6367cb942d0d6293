"""Timing helpers shared by the benchmark scripts: best-of-repeats wall clock and machine facts."""
from __future__ import annotations

import os
import platform
import subprocess
import time


def call_times(function, repeats: int = 7, warmup: int = 1) -> list[float]:
    """Wall-clock seconds of each of ``repeats`` calls (after ``warmup`` untimed calls)."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return times


def best_time(function, repeats: int = 7, warmup: int = 1) -> float:
    """The minimum wall-clock seconds of ``repeats`` calls (after ``warmup`` calls)."""
    return min(call_times(function, repeats, warmup))


def machine() -> str:
    """One line describing the CPU, cores and Python."""
    model = platform.processor() or "unknown CPU"
    try:
        text = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in text.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, Python {platform.python_version()}"
