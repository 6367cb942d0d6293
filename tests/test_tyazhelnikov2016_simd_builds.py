"""The other implementations of the snake/tree kernel's vectors, built here and checked.

``ext/tyaz_simd.h`` implements its eight-lane vectors three ways (AVX-512, AVX2, plain C); a
build uses the one its compiler targets, so the ordinary test run checks only this machine's.
These slow tests compile ``ext/tyaz_dp.pyx`` twice more in a temporary directory -- once forced
to plain C, once for AVX2 without AVX-512 (if this CPU runs AVX2) -- and compare each with the
NumPy twin and with the installed kernel.  Run with ``python -m pytest -m slow``.  (The builds
that ship -- one per x86-64 level -- are compared with each other in tests/test_builds.py; the
plain-C build here keeps the copies specialised by M, which the shipped baseline leaves out.)
"""
import importlib.util
import os
import shutil
import sys

import numpy as np
import pytest

from equilibria.plugins.tyazhelnikov2016.reference import solve_tree_numpy
from test_builds import tyaz_cases

pytestmark = pytest.mark.slow

EXT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ext")
KEYS = ("mc", "ntmc", "tq", "trade_cost", "final_cost")


def _cpu_has(feature):
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:  # NumPy < 2
        from numpy.core._multiarray_umath import __cpu_features__
    return bool(__cpu_features__.get(feature))


def _build(tmp_path, name, flags):
    """Compile ext/tyaz_dp.pyx with ``flags`` (instead of -march=native) as module ``name``."""
    pytest.importorskip("Cython")
    from Cython.Build import cythonize
    from setuptools import Distribution, Extension

    source = tmp_path / f"{name}.pyx"
    with open(os.path.join(EXT, "tyaz_dp.pyx")) as f:
        text = f.read()
    source.write_text(text.replace("# distutils: extra_compile_args = -march=native -ffp-contract=off", ""))
    for header in ("tyaz_simd.h", "tyaz_block.h"):
        shutil.copy(os.path.join(EXT, header), tmp_path / header)
    extension = Extension(name, [str(source)], include_dirs=[np.get_include(), str(tmp_path)],
                          extra_compile_args=["-O3", "-fopenmp", "-ffast-math", "-fno-finite-math-only",
                                              "-ffp-contract=off", *flags],  # setup.py's flags
                          extra_link_args=["-fopenmp"])
    dist = Distribution({"ext_modules": cythonize([extension], language_level=3, quiet=True)})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib = str(tmp_path)
    cmd.build_temp = str(tmp_path / "build")
    cmd.ensure_finalized()
    cmd.run()
    spec = importlib.util.spec_from_file_location(name, cmd.get_ext_fullpath(name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(sys.platform == "win32", reason="needs a C compiler with OpenMP")
@pytest.mark.parametrize("variant", ["portable", "avx2"])
def test_other_vector_implementations_match_the_twin(tmp_path, variant):
    from equilibria.ext import tyaz_dp

    if variant == "avx2":
        if not _cpu_has("AVX2"):
            pytest.skip("this CPU does not run AVX2")
        flags = ["-mavx2", "-mfma", "-mbmi2"]
    else:
        flags = ["-DEQUILIBRIA_TZ_SCALAR"]
    module = _build(tmp_path, f"tyaz_dp_{variant}", flags)
    assert module.SIMD == variant
    for problem, sorted_costs, adv in tyaz_cases():
        args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final, adv)
        twin = solve_tree_numpy(sorted_costs, *args)
        here = tyaz_dp.solve_tree_batch(sorted_costs, *args, threads=1)
        for firms_last in (False, True):
            data = np.ascontiguousarray(sorted_costs.transpose(1, 2, 0)) if firms_last else sorted_costs
            out = module.solve_tree_batch(data, *args, block=16, threads=2, firms_last=firms_last)
            np.testing.assert_array_equal(out["path"], twin["path"])
            np.testing.assert_array_equal(out["crossings"], twin["crossings"])
            for key in KEYS:
                np.testing.assert_allclose(out[key], twin[key], rtol=1e-12, atol=1e-12, err_msg=key)
                # the same operations in the same order: bitwise equal to this machine's build
                np.testing.assert_array_equal(out[key], here[key], err_msg=key)
            mc_only = module.solve_tree_batch(data, *args, block=16, threads=2, firms_last=firms_last, stats=False)
            np.testing.assert_array_equal(mc_only["mc"], here["mc"])
        # the value check while loading (NaN always; negative or infinite on request)
        for bad in (np.nan, -1.0, np.inf):
            broken = sorted_costs.copy()
            broken[-1, -1, -1] = bad  # the last firm: a partial vector in most cases
            for firms_last in (False, True):
                data = np.ascontiguousarray(broken.transpose(1, 2, 0)) if firms_last else broken
                with pytest.raises(ValueError, match="1 NaN, negative or infinite"):
                    module.solve_tree_batch(data, *args, block=16, threads=2, firms_last=firms_last,
                                            finite_nonnegative=True)
        # NaN only: costs read in place are not screened as read when M is compiled in one group;
        # a NaN of either sign at any node and country must still reach the final node's screen
        last = np.ascontiguousarray(sorted_costs.transpose(1, 2, 0))
        for v in range(last.shape[0]):
            for c in range(last.shape[1]):
                for bad in (np.nan, float(np.copysign(np.nan, -1.0))):
                    broken = last.copy()
                    broken[v, c, -1] = bad
                    with pytest.raises(ValueError, match="1 NaN entries"):
                        module.solve_tree_batch(broken, *args, block=16, threads=1, firms_last=True, stats=c % 2 == 0)
