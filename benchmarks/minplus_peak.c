/* Peak min-plus throughput of one core: the arithmetic bound of benchmarks/tyazhelnikov2016_snake.py.
 *
 * Eight independent running minima acc[k] = min(acc[k], x + s), each fed by a load from a small
 * (L1-resident) array, so that neither latency nor memory limits the rate: what remains is how
 * many vector additions and minima the core retires per second.  Written with GCC/Clang vector
 * extensions (no intrinsics), so it compiles for any target; with -march=native it uses the
 * machine's widest vectors.  Prints min-plus operations per second (best of five runs).
 *
 * Build and run (as C++: GCC allows ?: on vectors only there):
 *   c++ -O2 -march=native -x c++ benchmarks/minplus_peak.c -o /tmp/minplus_peak && /tmp/minplus_peak
 */
#include <stdio.h>
#include <time.h>

#define LANES 8
typedef double vec __attribute__((vector_size(LANES * sizeof(double))));

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

static inline vec vmin(vec a, vec b) { return a < b ? a : b; }

int main(void) {
    static vec x[64] __attribute__((aligned(64)));  /* 4 KB: stays in L1 */
    for (int i = 0; i < 64; i++)
        for (int k = 0; k < LANES; k++)
            x[i][k] = 0.001 * (i * LANES + k);
    const long reps = 1000000;
    double best = 1e30, checksum = 0.0;
    for (int run = 0; run < 5; run++) {
        vec acc[8], s = {0};
        for (int k = 0; k < 8; k++)
            acc[k] = x[k] + 1e9;
        const double t0 = now();
        for (long r = 0; r < reps; r++) {
#pragma GCC unroll 8
            for (int i = 0; i < 64; i += 8)
#pragma GCC unroll 8
                for (int k = 0; k < 8; k++)
                    acc[k] = vmin(acc[k], x[i + k] + s);
            s += 1e-12;  /* keeps the compiler from hoisting the sums out of the loop */
        }
        const double t = now() - t0;
        if (t < best)
            best = t;
        for (int k = 0; k < 8; k++)
            for (int l = 0; l < LANES; l++)
                checksum += acc[k][l];
    }
    printf("%.6e %.3f\n", reps * 64.0 * LANES / best, checksum);
    return 0;
}
