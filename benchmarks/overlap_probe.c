/* Does this machine overlap a memory stream with vector arithmetic on one core?
 *
 * The batched snake kernel (ext/tyaz_block.h) copies each block's costs from memory (a
 * stream over 50 rows of 1 KB at M = 5) and then computes on them.  Ideally the time of the
 * two together is the larger of the two (the "roofline" bound of the benchmark); this probe
 * measures, on the same shapes, (0) the copy alone, (1) the arithmetic alone, (2) the copy
 * followed by the arithmetic, block by block, and (3) the same with the next block's lines
 * prefetched a few at a time during the arithmetic, as the kernel does.
 *
 * Build and run (AVX-512 machine):
 *   cc -O2 -march=native benchmarks/overlap_probe.c -o /tmp/overlap_probe
 *   for mode in 0 1 2 3; do /tmp/overlap_probe $mode 150; done
 * Output: milliseconds, best of 7, for 100,000 firms x 50 rows (40 MB).
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define FIRMS 100000
#define ROWS 50
#define BLOCK 128

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODE(0-3) WORK [HINT(2|3)]\n", argv[0]);
        return 2;
    }
    const int mode = atoi(argv[1]), work = atoi(argv[2]), hint = argc > 3 ? atoi(argv[3]) : 2;
    double *a = aligned_alloc(64, (size_t)ROWS * FIRMS * sizeof(double));
    double *buf = aligned_alloc(64, ROWS * BLOCK * sizeof(double));
    for (size_t i = 0; i < (size_t)ROWS * FIRMS; i++)
        a[i] = 1e-9 * i;
    memset(buf, 0, ROWS * BLOCK * sizeof(double));
    double best = 1e30, sink = 0.0;
    for (int rep = 0; rep < 7; rep++) {
        const double t0 = now();
        __m512d acc = _mm512_setzero_pd();
        for (int f0 = 0; f0 < FIRMS; f0 += BLOCK) {
            if (mode != 1)  /* the copy of one block: ROWS stretches of BLOCK doubles */
                for (int r = 0; r < ROWS; r++)
                    for (int f = 0; f < BLOCK; f += 8)
                        _mm512_store_pd(buf + r * BLOCK + f, _mm512_load_pd(a + (size_t)r * FIRMS + f0 + f));
            if (mode == 0)
                continue;
            const int lines = ROWS * BLOCK / 8, per_step = lines / work + 1;
            int line = 0;
            for (int w = 0; w < work; w++) {  /* about 30 cycles of vector arithmetic per step */
                if (mode == 3 && f0 + BLOCK < FIRMS)
                    for (int k = 0; k < per_step && line < lines; k++, line++) {
                        const double *p = a + (size_t)(line / (BLOCK / 8)) * FIRMS + f0 + BLOCK + (line % (BLOCK / 8)) * 8;
                        if (hint == 3)
                            _mm_prefetch((const char *)p, _MM_HINT_T0);
                        else
                            _mm_prefetch((const char *)p, _MM_HINT_T1);
                    }
                __m512d x0 = _mm512_load_pd(buf + (w % ROWS) * BLOCK), x1 = _mm512_load_pd(buf + (w % ROWS) * BLOCK + 8);
                for (int k = 0; k < 8; k++) {
                    x0 = _mm512_min_pd(_mm512_add_pd(x0, x1), x1);
                    x1 = _mm512_min_pd(_mm512_add_pd(x1, x0), x0);
                }
                acc = _mm512_add_pd(acc, x0);
            }
        }
        const double t = now() - t0;
        if (t < best)
            best = t;
        sink += _mm512_reduce_add_pd(acc);
    }
    printf("mode %d work %d hint %d: %.3f ms (%g)\n", mode, work, hint, best * 1e3, sink);
    free(a);
    free(buf);
    return 0;
}
