"""Build script for equilibria.

The source folders follow the project card (``framework/``, ``plugins/``, ``ext/``) but are
installed under one import name: ``framework/`` is the package ``equilibria``, ``plugins/`` is
``equilibria.plugins`` and every ``ext/*.pyx`` becomes the extension ``equilibria.ext.<name>``.

Set ``EQUILIBRIA_BUILD_ONLY=name1,name2`` to compile only some kernels (a development aid for
``python setup.py build_ext --inplace``); a normal install always builds all of them.

Some kernels ask for ``-march=native`` in their ``# distutils:`` header (vector code for the
building machine's CPU, measured to matter in docs/benchmarks.md). That suits installs from source;
set ``EQUILIBRIA_PORTABLE=1`` when building a binary meant for other machines: the flag is dropped.
"""
import glob
import os
import platform

import numpy
from Cython.Build import cythonize
from setuptools import Extension, setup


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
                extra_compile_args=["-O3", "-fopenmp", "-ffast-math", "-fno-finite-math-only"],
                extra_link_args=["-fopenmp"],
            )
        )
    built = cythonize(
        extensions,
        language_level=3,
        compiler_directives={
            "boundscheck": False,
            "wraparound": False,
            "cdivision": True,
            "initializedcheck": False,
        },
    )
    if os.environ.get("EQUILIBRIA_PORTABLE"):
        for extension in built:
            extension.extra_compile_args = [a for a in extension.extra_compile_args if not a.startswith("-march=")]
    return built


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
