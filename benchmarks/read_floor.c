/* How fast one core can read an array from memory: the read term of the memory bound of
 * benchmarks/tyazhelnikov2016_snake.py (a kernel that must read its costs once cannot finish
 * sooner than the fastest pure read of them).
 *
 * read_sum(x, n, distance) sums x[0..n) with four independent vector accumulators; with
 * distance > 0 it also prefetches, distance doubles ahead, every cache line it will read (hint
 * `locality`: 3 = into L1, 2 = into L2).  The benchmark times several readers on a 256 MB array
 * (beyond the last-level cache's share) and keeps the fastest: the bound uses the best read rate
 * any of them reached, never a slow one.  Written with GCC/Clang vector extensions (no
 * intrinsics), so it compiles for any target; with -march=native it uses the widest vectors.
 *
 * Build (the benchmark does this itself):
 *   cc -O2 -march=native -shared -fPIC benchmarks/read_floor.c -o /tmp/read_floor.so
 */
#include <stddef.h>

#define LANES 8
typedef double vec __attribute__((vector_size(LANES * sizeof(double)), aligned(8)));

#define READ_BODY(PREFETCH)                                                         \
    vec s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};                                     \
    size_t i = 0;                                                                   \
    for (; i + 4 * LANES <= n; i += 4 * LANES) {                                    \
        PREFETCH                                                                    \
        s0 += *(const vec *)(x + i);                                                \
        s1 += *(const vec *)(x + i + LANES);                                        \
        s2 += *(const vec *)(x + i + 2 * LANES);                                    \
        s3 += *(const vec *)(x + i + 3 * LANES);                                    \
    }                                                                               \
    const vec s = (s0 + s1) + (s2 + s3);                                            \
    double total = 0.0;                                                             \
    for (int k = 0; k < LANES; k++)                                                 \
        total += s[k];                                                              \
    for (; i < n; i++)                                                              \
        total += x[i];                                                              \
    return total;

/* the four lines of one step (32 doubles = 256 bytes), `distance` doubles ahead */
#define PREFETCH_STEP(HINT)                                                         \
    for (int line = 0; line < 4; line++)                                            \
        __builtin_prefetch(x + i + distance + line * LANES, 0, HINT);

static double read_plain(const double *x, size_t n) { READ_BODY() }
static double read_l1(const double *x, size_t n, size_t distance) { READ_BODY(PREFETCH_STEP(3)) }
static double read_l2(const double *x, size_t n, size_t distance) { READ_BODY(PREFETCH_STEP(2)) }

double read_sum(const double *x, size_t n, size_t distance, int locality) {
    if (distance == 0)
        return read_plain(x, n);
    return locality >= 3 ? read_l1(x, n, distance) : read_l2(x, n, distance);
}
