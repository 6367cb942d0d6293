"""Kernels built per x86-64 level, and the choice among them at import.

Every kernel that asks for ``-march=native`` is compiled as ``equilibria/ext/_<level>/<name>``
for ``baseline`` (x86-64), ``avx2`` (x86-64-v3) and ``avx512`` (x86-64-v4); ``equilibria.ext``
loads the highest level the processor runs, capped by ``EQUILIBRIA_CPU``.
"""
import glob
import importlib
import importlib.machinery
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import equilibria.ext as ext
from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem
from equilibria.plugins.tyazhelnikov2016.reference import solve_tree_numpy



def _asks_for_vector_code(source):
    with open(source, encoding="utf-8") as f:
        return any(line.startswith("# distutils:") and "-march=native" in line for line in f)


# the kernels whose source asks for vector code (the sources are installed next to the builds)
LEVEL_KERNELS = sorted(os.path.basename(p)[:-4] for p in glob.glob(os.path.join(os.path.dirname(ext.__file__), "*.pyx"))
                       if _asks_for_vector_code(p))
SIMD_OF_LEVEL = {"baseline": "portable", "avx2": "avx2", "avx512": "avx512"}
x86_64 = pytest.mark.skipif(not ext.supported_levels(), reason="kernels are built per level on x86-64 only")


def _load(path, name="tyaz_dp"):
    """The build at ``path`` as a module (a file loads once per process: the imported one is reused)."""
    fullname = f"equilibria.ext.{name}"
    imported = importlib.import_module(fullname)
    if os.path.samefile(imported.__file__, path):
        return imported
    loader = importlib.machinery.ExtensionFileLoader(fullname, path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location(fullname, path, loader=loader))
    loader.exec_module(module)
    return module


def _python(code, **env):
    """Run ``code`` in a fresh interpreter with extra environment variables; returns the completed process."""
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env})


@x86_64
def test_every_vector_kernel_is_built_for_every_level():
    assert "tyaz_dp" in LEVEL_KERNELS
    for name in LEVEL_KERNELS:
        assert set(ext.variant_paths(name)) == set(ext.LEVELS), name


def _kernel_files():
    """Every compiled kernel file: the plain builds and the builds by level."""
    here = os.path.dirname(ext.__file__)
    plain = [p for suffix in importlib.machinery.EXTENSION_SUFFIXES for p in glob.glob(os.path.join(here, "*" + suffix))]
    return sorted(p for p in plain if not os.path.basename(p).startswith("_")) + sorted(
        path for name in LEVEL_KERNELS for path in ext.variant_paths(name).values())


def test_the_kernels_share_one_copy_of_cythons_utility_code():
    """Cython's utility code (typed memoryviews) is compiled once, into ``equilibria.ext._cyutility``:
    every kernel names that module, and importing one loads it."""
    files = _kernel_files()
    assert any("tyaz_dp" in p for p in files) and any("logit" in p for p in files)
    for path in files:
        with open(path, "rb") as f:
            assert b"equilibria.ext._cyutility" in f.read(), path
    result = _python("""
        import sys
        from equilibria.ext import logit
        print("equilibria.ext._cyutility" in sys.modules)
        """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


@x86_64
def test_the_highest_level_this_processor_runs_is_loaded():
    from equilibria.ext import tyaz_dp

    level = ext.cpu_level()
    assert "baseline" in ext.supported_levels()
    assert level == (os.environ.get("EQUILIBRIA_CPU") or ext.supported_levels()[-1])
    assert ext.loaded_level(tyaz_dp) == level
    assert tyaz_dp.SIMD == SIMD_OF_LEVEL[level]
    assert tyaz_dp.__name__ == "equilibria.ext.tyaz_dp"  # loaded under the public name


@x86_64
@pytest.mark.parametrize("level", ext.LEVELS)
def test_a_forced_level_is_loaded_in_a_fresh_process(level):
    if level not in ext.supported_levels():
        pytest.skip(f"this processor does not run {level}")
    names = ", ".join(LEVEL_KERNELS)
    result = _python(f"""
        import numpy as np
        import equilibria.ext as ext
        from equilibria.ext import {names}
        from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem
        for module in ({names},):
            assert ext.loaded_level(module) == {level!r}, (module.__name__, module.__file__)
        rng = np.random.default_rng(0)
        T = rng.random((5, 5)); np.fill_diagonal(T, 0.0)
        problem = FirmProblem.create(4, T, 1.0)
        costs = rng.random((300, 4, 5))
        mc = problem.solve(costs).mc
        assert np.allclose(mc, problem.solve(costs, backend="numpy").mc, rtol=1e-13, atol=0)
        print(tyaz_dp.SIMD)
        """, EQUILIBRIA_CPU=level)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == SIMD_OF_LEVEL[level]


@x86_64
def test_a_level_the_processor_lacks_or_an_unknown_one_is_refused():
    result = _python("import equilibria.ext.tyaz_dp", EQUILIBRIA_CPU="avx1024")
    assert result.returncode != 0 and "EQUILIBRIA_CPU='avx1024'" in result.stderr
    missing = [level for level in ext.LEVELS if level not in ext.supported_levels()]
    if missing:
        result = _python("import equilibria.ext.tyaz_dp", EQUILIBRIA_CPU=missing[0])
        assert result.returncode != 0 and "does not run" in result.stderr


@x86_64
def test_a_missing_level_falls_back_to_the_next_lower_one(tmp_path):
    """A copy of the package with only the baseline build of the kernel (a wheel of one level) loads it."""
    package = tmp_path / "ext_copy"
    (package / "_baseline").mkdir(parents=True)
    shutil.copy(ext.__file__, package / "__init__.py")
    shutil.copy(ext.variant_paths("tyaz_dp")["baseline"], package / "_baseline")
    cpu = importlib.import_module("equilibria.ext._cpu").__file__
    shutil.copy(cpu, package / os.path.basename(cpu))
    result = _python(f"""
        import sys
        sys.path.insert(0, {str(tmp_path)!r})
        import ext_copy
        from ext_copy import tyaz_dp
        assert ext_copy.cpu_level() == {ext.cpu_level()!r}
        print(ext_copy.loaded_level(tyaz_dp), tyaz_dp.SIMD)
        """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["baseline", "portable"]


def _objdump(path):
    objdump = shutil.which("objdump")
    if objdump is None:
        pytest.skip("objdump is not installed")
    return subprocess.run([objdump, "-d", "--no-show-raw-insn", path], capture_output=True, text=True,
                          timeout=120, check=True).stdout


@x86_64
@pytest.mark.parametrize("name", LEVEL_KERNELS)
def test_the_lower_levels_contain_no_wider_instructions(name):
    """The baseline build uses no AVX register (ymm) and the AVX2 build no AVX-512 register (zmm or a mask)."""
    paths = ext.variant_paths(name)
    baseline = _objdump(paths["baseline"])
    assert "%ymm" not in baseline and "%zmm" not in baseline
    avx2 = _objdump(paths["avx2"])
    assert "%zmm" not in avx2 and "%k1" not in avx2
    if name == "tyaz_dp":
        assert "%zmm" in _objdump(paths["avx512"])  # the check would notice wide instructions


def tyaz_cases():
    """Snakes and trees with 1 to 33 countries, unit and ad-valorem costs, up to 200 firms (sorted costs)."""
    rng = np.random.default_rng(7)
    for M in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 17, 33):
        for tariff in ("unit", "ad_valorem"):
            N = int(rng.integers(1, 7))
            parents = None if rng.random() < 0.5 else [int(rng.integers(v + 1, N)) for v in range(N - 1)] + [-1]
            T = rng.random((M, M))
            np.fill_diagonal(T, 0.0)
            problem = FirmProblem.create(N, T, rng.random(N), parents, tariff)
            costs = rng.random((int(rng.integers(1, 200)), N, M))
            yield problem, np.ascontiguousarray(costs[:, problem.technology.order, :]), tariff == "ad_valorem"


@x86_64
def test_every_level_of_the_snake_kernel_gives_bitwise_identical_results():
    """The three vector implementations (and the baseline's single generic copy of the block solver
    against the others' copies specialised by M) perform the same operations in the same order."""
    modules = {level: _load(path) for level, path in ext.variant_paths("tyaz_dp").items()
               if level in ext.supported_levels()}
    assert len(modules) >= 2
    for problem, costs, adv in tyaz_cases():
        args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final, adv)
        twin = solve_tree_numpy(costs, *args)
        for firms_last in (False, True):
            data = np.ascontiguousarray(costs.transpose(1, 2, 0)) if firms_last else costs
            outs = {level: m.solve_tree_batch(data, *args, block=16, threads=2, firms_last=firms_last)
                    for level, m in modules.items()}
            first = outs["baseline"]
            np.testing.assert_array_equal(first["path"], twin["path"])
            np.testing.assert_allclose(first["mc"], twin["mc"], rtol=1e-12, atol=1e-12)
            for level, out in outs.items():
                for key in ("mc", "path", "ntmc", "tq", "trade_cost", "final_cost", "crossings"):
                    np.testing.assert_array_equal(out[key], first[key], err_msg=f"{level} {key}")


@x86_64
def test_the_levels_benchmark_runs_and_checks_the_builds_agree():
    script = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "benchmarks", "builds_levels.py")
    result = subprocess.run([sys.executable, script, "--firms", "500", "--sizes", "2", "3", "--rounds", "2"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(("| 2 |", "| 3 |"))]
    assert len(rows) == 6 and all(line.count("|") == 2 * len(ext.supported_levels()) + 2 for line in rows)
