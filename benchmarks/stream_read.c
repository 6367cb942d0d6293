/* How fast one core streams an array of a given size: the floor under any kernel that must read
 * its input once (docs/benchmarks.md, tyazhelnikov2016).
 *
 * For each size in megabytes: an array on transparent huge pages (as NumPy allocates large
 * arrays), read front to back with four 512-bit accumulators, then overwritten with a constant
 * (ordinary stores: each line is read for ownership first); best of 15 of each.  Sizes that fit
 * in the share of the last-level cache left by other tenants read faster than sizes that do not.
 *
 * Build and run:  cc -O2 -march=native benchmarks/stream_read.c -o /tmp/stream_read
 *                 /tmp/stream_read 16 40 80 160
 */
#include <immintrin.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    const size_t huge = (size_t)2 << 20;
    for (int a = 1; a < argc; a++) {
        const size_t n = (size_t)atol(argv[a]) * 1000000 / 8 / 32 * 32;
        double *x = aligned_alloc(huge, (n * 8 + huge - 1) / huge * huge);
        if (x == NULL || n == 0)
            return 2;
        madvise(x, n * 8, MADV_HUGEPAGE);
        for (size_t i = 0; i < n; i++)
            x[i] = 1.0 + (double)(i % 7);
        double read = 1e9, write = 1e9;
        volatile double sink = 0.0;
        for (int r = 0; r < 15; r++) {
            double t = seconds();
            __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
            for (size_t i = 0; i < n; i += 32) {
                s0 = _mm512_add_pd(s0, _mm512_load_pd(x + i));
                s1 = _mm512_add_pd(s1, _mm512_load_pd(x + i + 8));
                s2 = _mm512_add_pd(s2, _mm512_load_pd(x + i + 16));
                s3 = _mm512_add_pd(s3, _mm512_load_pd(x + i + 24));
            }
            sink += _mm512_reduce_add_pd(_mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
            t = seconds() - t;
            read = t < read ? t : read;
            t = seconds();
            for (size_t i = 0; i < n; i += 8)
                _mm512_store_pd(x + i, _mm512_set1_pd(2.0));
            t = seconds() - t;
            write = t < write ? t : write;
        }
        printf("%s MB: read %.2f ms (%.1f GB/s), write %.2f ms (%.1f GB/s)\n", argv[a], read * 1e3,
               n * 8 / read / 1e9, write * 1e3, n * 8 / write / 1e9);
        free(x);
    }
    return 0;
}
