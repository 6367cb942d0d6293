# cython: language_level=3
"""Which x86-64 instruction-set levels this processor and its operating system run.

Compiled for the x86-64 baseline (it must run everywhere); :mod:`equilibria.ext` asks it which
build of a vector kernel to load.  GCC 12 and later check the levels as the compiler defines them
for ``-march=x86-64-v3`` / ``-march=x86-64-v4`` (every feature of the level, and the operating
system's support for the wider registers); other compilers check the features by name.
"""

cdef extern from *:
    """
    static int eq_cpu_runs(int level) {
    #if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
        __builtin_cpu_init();
    #if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
        if (level == 3) return __builtin_cpu_supports("x86-64-v3") != 0;
        if (level == 4) return __builtin_cpu_supports("x86-64-v4") != 0;
    #else
        if (level == 3)
            return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                   && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
        if (level == 4)
            return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
                   && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq")
                   && __builtin_cpu_supports("avx512vl");
    #endif
        return level <= 1;
    #else
        (void)level;
        return 0;
    #endif
    }
    """
    int eq_cpu_runs(int level) nogil


def runs_x86_64_level(int level):
    """Whether this CPU runs code compiled for x86-64 level ``level`` (1 = baseline, 3 = AVX2/FMA,
    4 = AVX-512); always false on other architectures."""
    return bool(eq_cpu_runs(level))
