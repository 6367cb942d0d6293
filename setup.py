"""Build script for equilibria.

The source folders follow the project card (``framework/``, ``plugins/``, ``ext/``) but are
installed under one import name: ``framework/`` is the package ``equilibria``, ``plugins/`` is
``equilibria.plugins`` and every ``ext/*.pyx`` becomes the extension ``equilibria.ext.<name>``.

Set ``EQUILIBRIA_BUILD_ONLY=name1,name2`` to compile only some kernels (a development aid for
``python setup.py build_ext --inplace``); a normal install always builds all of them.

Kernels that ask for ``-march=native`` in their ``# distutils:`` header (vector code, measured
to matter in docs/benchmarks.md) are compiled once per x86-64 level instead -- ``baseline``
(x86-64), ``avx2`` (x86-64-v3) and ``avx512`` (x86-64-v4) -- as ``equilibria.ext._<level>.<name>``,
and ``equilibria.ext`` loads the highest level the running processor supports (see
``ext/__init__.py``): a wheel runs on any x86-64 machine.  ``-march=native`` itself is never used.
The levels are tuned for the building machine (``-mtune=native``, which never adds instructions);
``EQUILIBRIA_PORTABLE=1`` tunes for a generic processor instead.  Off x86-64 such kernels are
built once, without ``-march``.  ``EQUILIBRIA_CPU_LEVELS=avx512,baseline`` builds only those
levels (a development aid, like ``EQUILIBRIA_BUILD_ONLY``).

Extensions are compiled in parallel (one job per CPU, the slowest first) and without debug
information (``-g0``: it doubled the compile time of the unrolled tyaz kernel).  Cython's utility
code (typed memoryviews) is compiled once, into ``equilibria.ext._cyutility``, which every kernel
imports: in each kernel it had been most of the compile time of a small kernel.
"""
import glob
import os
import platform

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


def _packages(root, package):
    found = [package]
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        if dirpath != root and "__init__.py" in filenames:
            rel = os.path.relpath(dirpath, root).replace(os.sep, ".")
            found.append(f"{package}.{rel}")
    return found


def _vector_math():
    """libmvec (glibc's vector math) on Linux/x86-64; see ext/vecmath.h."""
    if platform.system() == "Linux" and platform.machine() in ("x86_64", "AMD64") \
            and platform.libc_ver()[0] == "glibc":
        return [("EQUILIBRIA_LIBMVEC", "1")], ["m"]
    return [], []


# x86-64 levels of the vector kernels: name -> compiler flags (ext/__init__.py loads them by name)
CPU_LEVELS = {
    "baseline": ["-march=x86-64", "-DEQUILIBRIA_CPU_LEVEL=1"],
    "avx2": ["-march=x86-64-v3", "-DEQUILIBRIA_CPU_LEVEL=3"],
    # PREFETCHW too: every x86-64-v4 processor has it, and -march=native used it on the AVX-512 machine
    # the kernels were tuned on (with it the tyaz build is instruction for instruction the native one)
    "avx512": ["-march=x86-64-v4", "-mprfchw", "-DEQUILIBRIA_CPU_LEVEL=4"],
}


# the module holding Cython's utility code shared by all kernels (see _extensions)
SHARED_UTILITY = "equilibria.ext._cyutility"


def _jobs():
    """Compiler jobs: one per CPU this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def _x86_64_gcc_like():
    return platform.machine().lower() in ("x86_64", "amd64") and platform.system() != "Windows"


def _level_variants(extension):
    """One extension per x86-64 level, each compiled from a small file that includes the generated C
    (distinct sources, so the levels' object files do not collide in a parallel build)."""
    levels = [n for n in os.environ.get("EQUILIBRIA_CPU_LEVELS", "").split(",") if n] or list(CPU_LEVELS)
    name = extension.name.rpartition(".")[2]
    tune = "-mtune=generic" if os.environ.get("EQUILIBRIA_PORTABLE") else "-mtune=native"
    variants = []
    for level in levels:
        wrapper = os.path.join("build", "cpu_levels", level, f"{name}.c")
        os.makedirs(os.path.dirname(wrapper), exist_ok=True)
        text = f'#include "{os.path.abspath(extension.sources[0])}"\n'
        if not os.path.exists(wrapper) or open(wrapper).read() != text:
            with open(wrapper, "w") as f:
                f.write(text)
        variants.append(Extension(
            f"equilibria.ext._{level}.{name}", [wrapper],
            depends=[extension.sources[0], *extension.depends],
            include_dirs=extension.include_dirs, define_macros=extension.define_macros,
            libraries=extension.libraries, extra_link_args=extension.extra_link_args,
            extra_compile_args=[*extension.extra_compile_args, *CPU_LEVELS[level], tune],
        ))
    return variants


def _drop_stale_translations(sources):
    """Remove C files translated before the kernels shared Cython's utility code: cythonize compares
    only file times, so it would compile them unchanged (each with its own copy of that code)."""
    for source in sources:
        c_file = os.path.splitext(source)[0] + ".c"
        if os.path.exists(c_file):
            with open(c_file, "rb") as f:
                stale = SHARED_UTILITY.encode() not in f.read()
            if stale:
                os.remove(c_file)


def _extensions():
    macros, libraries = _vector_math()
    only = {n for n in os.environ.get("EQUILIBRIA_BUILD_ONLY", "").split(",") if n}
    extensions = []
    for source in sorted(glob.glob(os.path.join("ext", "*.pyx"))):
        name = os.path.splitext(os.path.basename(source))[0]
        if only and name not in only:
            continue
        extensions.append(
            Extension(
                f"equilibria.ext.{name}",
                [source],
                depends=sorted(glob.glob(os.path.join("ext", "*.h"))),  # rebuild when a header changes
                include_dirs=[numpy.get_include(), "ext"],
                define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_7_API_VERSION"), *macros],
                libraries=libraries,
                extra_compile_args=["-O3", "-g0", "-fopenmp", "-ffast-math", "-fno-finite-math-only"],
                extra_link_args=["-fopenmp"],
            )
        )
    # Cython's utility code compiled once (see the docstring); always part of the build, also with
    # EQUILIBRIA_BUILD_ONLY (it is rebuilt only when its generated source changes).  -O2: it
    # converts arguments and never loops over data (per call no difference from -O3 was measurable).
    _drop_stale_translations([extension.sources[0] for extension in extensions])
    shared = Extension(SHARED_UTILITY, [os.path.join("ext", SHARED_UTILITY.rpartition(".")[2] + ".c")],
                       extra_compile_args=["-O2", "-g0"])
    built = cythonize(
        [shared, *extensions],
        shared_utility_qualified_name=SHARED_UTILITY,
        nthreads=_jobs() if len(extensions) > 1 else 0,  # translate the .pyx files in parallel too
        language_level=3,
        compiler_directives={
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
    result = []
    for extension in built:
        native = "-march=native" in extension.extra_compile_args
        extension.extra_compile_args = [a for a in extension.extra_compile_args if not a.startswith("-march=")]
        result.extend(_level_variants(extension) if native and _x86_64_gcc_like() else [extension])
    return result


class _ParallelBuildExt(build_ext):
    """build_ext with one job per CPU by default, the largest sources first (they set the wall time)."""

    def initialize_options(self):
        super().initialize_options()
        self.parallel = _jobs()

    def build_extensions(self):
        def size(extension):
            return sum(os.path.getsize(p) for p in [*extension.sources, *extension.depends] if os.path.exists(p))

        levels = {"baseline": 2, "avx2": 1, "avx512": 0}  # the plain-C level compiles slowest
        self.extensions.sort(key=lambda e: (-size(e), levels.get(e.name.split(".")[-2][1:], 3)))
        super().build_extensions()

    def copy_extensions_to_source(self):
        build_py = self.get_finalized_command("build_py")
        for extension in self.extensions:  # the levels' folders (ext/_avx2, ...) of an in-place build
            os.makedirs(build_py.get_package_dir(extension.name.rpartition(".")[0]), exist_ok=True)
        # the shared utility code first: a kernel put in place before it would not import
        self.extensions.sort(key=lambda extension: extension.name != SHARED_UTILITY)
        super().copy_extensions_to_source()

    def copy_file(self, infile, outfile, *args, **kwargs):
        """Put an in-place build in place by renaming a copy: processes that have the old file
        loaded keep their (unchanged) mapping instead of seeing it overwritten under them."""
        target = os.path.join(outfile, os.path.basename(infile)) if os.path.isdir(outfile) else outfile
        partial = f"{target}.partial-{os.getpid()}"
        result = super().copy_file(infile, partial, *args, **kwargs)
        if os.path.exists(partial):  # not under --dry-run
            os.replace(partial, target)
        return (target, result[1]) if isinstance(result, tuple) else result


PLUGINS = {
    "yu2019_inventories": "equilibria.plugins.yu2019_inventories:plugin",
    "waugh2022": "equilibria.plugins.waugh2022:plugin",
    "kmnt2024": "equilibria.plugins.kmnt2024:plugin",
    "tyazhelnikov2016": "equilibria.plugins.tyazhelnikov2016:plugin",
    "textbook": "equilibria.plugins.textbook:plugin",
    "techcompat": "equilibria.plugins.techcompat:plugin",
    "yu2019_reallocation": "equilibria.plugins.yu2019_reallocation:plugin",
    "krusell_smith": "equilibria.plugins.krusell_smith:plugin",
}

setup(
    name="equilibria",
    version="0.1.0",
    description="Equilibria of economic models: agents, markets, planners, Cython kernels",
    long_description=open("README.md", encoding="utf-8").read() if os.path.exists("README.md") else "",
    long_description_content_type="text/markdown",
    python_requires=">=3.11",
    package_dir={"equilibria": "framework", "equilibria.plugins": "plugins", "equilibria.ext": "ext"},
    packages=_packages("framework", "equilibria")
    + _packages("plugins", "equilibria.plugins")
    + ["equilibria.ext"],
    package_data={"equilibria.ext": ["*.pyx", "*.pxd", "*.h"], "equilibria.plugins": ["*/data/*"]},
    ext_modules=_extensions(),
    cmdclass={"build_ext": _ParallelBuildExt},
    install_requires=[
        "numpy>=1.26",
        "scipy>=1.11",
        "sympy>=1.12",
        "attrs>=23.1",
        "click>=8.1",
        "matplotlib>=3.8",
        "tqdm>=4.66",
        "hypothesis>=6.100",
    ],
    extras_require={
        "test": ["pytest>=8", "hypothesis>=6.100", "pytest-benchmark>=4", "dask[distributed]>=2024.1",
                 "sphinx>=7", "myst-parser>=2"],
        "docs": ["sphinx>=7", "myst-parser>=2"],
        "dask": ["dask[distributed]>=2024.1"],
        "bench": ["numba>=0.59", "pytest-benchmark>=4"],
    },
    entry_points={
        "console_scripts": ["equilibria=equilibria.cli:main"],
        "equilibria.plugins": [f"{name} = {target}" for name, target in PLUGINS.items()],
    },
    zip_safe=False,
)
