/* Eight-lane vectors of doubles for the block solver of tyaz_dp.pyx (see tyaz_block.h).
 *
 * Two implementations of the same small interface:
 *   - AVX-512 (F, DQ, VL) intrinsics, used when the compiler targets such a machine
 *     (``-march=native`` on one, the default build of this package);
 *   - plain C arrays of eight lanes, used everywhere else (the compiler vectorises what it can).
 * Every operation is exact and lane-wise (add, multiply, minimum, compare, select, table
 * lookup), so the two give bitwise identical results.
 *
 * tz_min(a, b) is ``a < b ? a : b`` in both (the semantics of vminpd), and tz_lt is the
 * ordered "less than" (false when either side is NaN).
 */
#ifndef EQUILIBRIA_TYAZ_SIMD_H
#define EQUILIBRIA_TYAZ_SIMD_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#define TZ_W 8 /* lanes per vector: firms solved side by side */
#ifndef TZ_PERMUTE_MAX
#define TZ_PERMUTE_MAX 32
#endif

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__) && !defined(EQUILIBRIA_TZ_SCALAR)
#define TZ_AVX512 1
#include <immintrin.h>

typedef __m512d tz_vd;   /* 8 doubles */
typedef __m512i tz_vi;   /* 8 int64 (indices) */
typedef __mmask8 tz_mask;

#define TZ_INLINE static inline __attribute__((always_inline))

TZ_INLINE tz_vd tz_load(const double *p) { return _mm512_loadu_pd(p); }
TZ_INLINE void tz_store(double *p, tz_vd x) { _mm512_storeu_pd(p, x); }
/* the first n lanes (n <= 8) from p, zeros beyond */
TZ_INLINE tz_vd tz_load_n(const double *p, int n) {
    return _mm512_maskz_loadu_pd((__mmask8)((1u << n) - 1u), p);
}
TZ_INLINE void tz_store_n(double *p, tz_vd x, int n) {
    _mm512_mask_storeu_pd(p, (__mmask8)((1u << n) - 1u), x);
}
TZ_INLINE tz_vd tz_set1(double x) { return _mm512_set1_pd(x); }
TZ_INLINE tz_vd tz_zero(void) { return _mm512_setzero_pd(); }
TZ_INLINE tz_vd tz_add(tz_vd a, tz_vd b) { return _mm512_add_pd(a, b); }
TZ_INLINE tz_vd tz_sub(tz_vd a, tz_vd b) { return _mm512_sub_pd(a, b); }
TZ_INLINE tz_vd tz_mul(tz_vd a, tz_vd b) { return _mm512_mul_pd(a, b); }
TZ_INLINE tz_vd tz_min(tz_vd a, tz_vd b) { return _mm512_min_pd(a, b); }
TZ_INLINE tz_mask tz_lt(tz_vd a, tz_vd b) { return _mm512_cmp_pd_mask(a, b, _CMP_LT_OQ); }
TZ_INLINE tz_mask tz_isnan(tz_vd a) { return _mm512_cmp_pd_mask(a, a, _CMP_UNORD_Q); }
TZ_INLINE int tz_count(tz_mask m) { return __builtin_popcount((unsigned)m); }
/* m ? b : a, lane by lane */
TZ_INLINE tz_vd tz_select(tz_mask m, tz_vd a, tz_vd b) { return _mm512_mask_blend_pd(m, a, b); }
TZ_INLINE tz_vi tz_iselect(tz_mask m, tz_vi a, tz_vi b) { return _mm512_mask_blend_epi64(m, a, b); }
TZ_INLINE tz_vi tz_iset1(int64_t x) { return _mm512_set1_epi64(x); }
TZ_INLINE tz_vi tz_iota(void) { return _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0); }
TZ_INLINE tz_vi tz_iadd(tz_vi a, tz_vi b) { return _mm512_add_epi64(a, b); }
TZ_INLINE tz_vi tz_imul(tz_vi a, int64_t k) { return _mm512_mullo_epi64(a, _mm512_set1_epi64(k)); }
TZ_INLINE tz_mask tz_ieq(tz_vi a, int64_t k) { return _mm512_cmpeq_epi64_mask(a, _mm512_set1_epi64(k)); }
TZ_INLINE tz_mask tz_ine(tz_vi a, tz_vi b) { return _mm512_cmpneq_epi64_mask(a, b); }
/* int32 storage <-> int64 lanes */
TZ_INLINE tz_vi tz_iload32(const int32_t *p) {
    return _mm512_cvtepi32_epi64(_mm256_loadu_si256((const __m256i *)p));
}
TZ_INLINE void tz_istore32(int32_t *p, tz_vi x) {
    _mm256_storeu_si256((__m256i *)p, _mm512_cvtepi64_epi32(x));
}
TZ_INLINE void tz_istore32_n(int32_t *p, tz_vi x, int n) {
    _mm256_mask_storeu_epi32(p, (__mmask8)((1u << n) - 1u), _mm512_cvtepi64_epi32(x));
}
/* lanes counted where m is set: acc + (m ? 1 : 0) */
TZ_INLINE tz_vi tz_icount(tz_vi acc, tz_mask m) {
    return _mm512_mask_add_epi64(acc, m, acc, _mm512_set1_epi64(1));
}
/* table[idx] for a table of n doubles (0 <= idx < n): register permutes for n <= 32 (the
   table in one to four registers), a gather from memory beyond */
TZ_INLINE tz_vd tz_lookup(const double *table, tz_vi idx, ptrdiff_t n) {
    if (n <= 8)
        return _mm512_permutexvar_pd(idx, tz_load_n(table, (int)n));
    if (n <= 16)
        return _mm512_permutex2var_pd(_mm512_loadu_pd(table), idx, tz_load_n(table + 8, (int)(n - 8)));
    if (n <= TZ_PERMUTE_MAX) {
        const tz_vd low = _mm512_permutex2var_pd(_mm512_loadu_pd(table), idx, _mm512_loadu_pd(table + 8));
        const tz_vd high = _mm512_permutex2var_pd(tz_load_n(table + 16, n < 24 ? (int)(n - 16) : 8), idx,
                                                  n > 24 ? tz_load_n(table + 24, (int)(n - 24)) : _mm512_setzero_pd());
        return _mm512_mask_blend_pd(_mm512_test_epi64_mask(idx, _mm512_set1_epi64(16)), low, high);
    }
    return _mm512_i64gather_pd(idx, table, 8);
}
/* base[idx] for the first n lanes (n <= 8; 0 elsewhere): a gather from memory */
TZ_INLINE tz_vd tz_gather_n(const double *base, tz_vi idx, int n) {
    return _mm512_mask_i64gather_pd(_mm512_setzero_pd(), (__mmask8)((1u << n) - 1u), idx, base, 8);
}

#else /* portable: eight lanes as plain arrays */
#define TZ_AVX512 0

typedef struct { double v[TZ_W]; } tz_vd;
typedef struct { int64_t v[TZ_W]; } tz_vi;
typedef unsigned tz_mask;

#define TZ_INLINE static inline __attribute__((always_inline))
#define TZ_LANES for (int k_ = 0; k_ < TZ_W; k_++)

TZ_INLINE tz_vd tz_load(const double *p) { tz_vd r; TZ_LANES r.v[k_] = p[k_]; return r; }
TZ_INLINE void tz_store(double *p, tz_vd x) { TZ_LANES p[k_] = x.v[k_]; }
TZ_INLINE tz_vd tz_load_n(const double *p, int n) { tz_vd r; TZ_LANES r.v[k_] = k_ < n ? p[k_] : 0.0; return r; }
TZ_INLINE void tz_store_n(double *p, tz_vd x, int n) { for (int k_ = 0; k_ < n; k_++) p[k_] = x.v[k_]; }
TZ_INLINE tz_vd tz_set1(double x) { tz_vd r; TZ_LANES r.v[k_] = x; return r; }
TZ_INLINE tz_vd tz_zero(void) { return tz_set1(0.0); }
TZ_INLINE tz_vd tz_add(tz_vd a, tz_vd b) { TZ_LANES a.v[k_] = a.v[k_] + b.v[k_]; return a; }
TZ_INLINE tz_vd tz_sub(tz_vd a, tz_vd b) { TZ_LANES a.v[k_] = a.v[k_] - b.v[k_]; return a; }
TZ_INLINE tz_vd tz_mul(tz_vd a, tz_vd b) { TZ_LANES a.v[k_] = a.v[k_] * b.v[k_]; return a; }
TZ_INLINE tz_vd tz_min(tz_vd a, tz_vd b) { TZ_LANES a.v[k_] = a.v[k_] < b.v[k_] ? a.v[k_] : b.v[k_]; return a; }
TZ_INLINE tz_mask tz_lt(tz_vd a, tz_vd b) { tz_mask m = 0; TZ_LANES m |= (tz_mask)(a.v[k_] < b.v[k_]) << k_; return m; }
TZ_INLINE tz_mask tz_isnan(tz_vd a) { tz_mask m = 0; TZ_LANES m |= (tz_mask)(a.v[k_] != a.v[k_]) << k_; return m; }
TZ_INLINE int tz_count(tz_mask m) { return __builtin_popcount(m); }
TZ_INLINE tz_vd tz_select(tz_mask m, tz_vd a, tz_vd b) { TZ_LANES a.v[k_] = (m >> k_) & 1u ? b.v[k_] : a.v[k_]; return a; }
TZ_INLINE tz_vi tz_iselect(tz_mask m, tz_vi a, tz_vi b) { TZ_LANES a.v[k_] = (m >> k_) & 1u ? b.v[k_] : a.v[k_]; return a; }
TZ_INLINE tz_vi tz_iset1(int64_t x) { tz_vi r; TZ_LANES r.v[k_] = x; return r; }
TZ_INLINE tz_vi tz_iota(void) { tz_vi r; TZ_LANES r.v[k_] = k_; return r; }
TZ_INLINE tz_vi tz_iadd(tz_vi a, tz_vi b) { TZ_LANES a.v[k_] += b.v[k_]; return a; }
TZ_INLINE tz_vi tz_imul(tz_vi a, int64_t k) { TZ_LANES a.v[k_] *= k; return a; }
TZ_INLINE tz_mask tz_ieq(tz_vi a, int64_t k) { tz_mask m = 0; TZ_LANES m |= (tz_mask)(a.v[k_] == k) << k_; return m; }
TZ_INLINE tz_mask tz_ine(tz_vi a, tz_vi b) { tz_mask m = 0; TZ_LANES m |= (tz_mask)(a.v[k_] != b.v[k_]) << k_; return m; }
TZ_INLINE tz_vi tz_iload32(const int32_t *p) { tz_vi r; TZ_LANES r.v[k_] = p[k_]; return r; }
TZ_INLINE void tz_istore32(int32_t *p, tz_vi x) { TZ_LANES p[k_] = (int32_t)x.v[k_]; }
TZ_INLINE void tz_istore32_n(int32_t *p, tz_vi x, int n) { for (int k_ = 0; k_ < n; k_++) p[k_] = (int32_t)x.v[k_]; }
TZ_INLINE tz_vi tz_icount(tz_vi acc, tz_mask m) { TZ_LANES acc.v[k_] += (m >> k_) & 1u; return acc; }
TZ_INLINE tz_vd tz_lookup(const double *table, tz_vi idx, ptrdiff_t n) {
    tz_vd r; (void)n; TZ_LANES r.v[k_] = table[idx.v[k_]]; return r;
}
TZ_INLINE tz_vd tz_gather_n(const double *base, tz_vi idx, int n) {
    tz_vd r; TZ_LANES r.v[k_] = k_ < n ? base[idx.v[k_]] : 0.0; return r;
}
#endif

/* value (+) step: ``value + step`` for per-unit costs, ``value * step`` for ad-valorem ones */
TZ_INLINE tz_vd tz_combine(tz_vd value, tz_vd step, int advalorem) {
    return advalorem ? tz_mul(value, step) : tz_add(value, step);
}

/* 64-byte aligned scratch memory (free with free()) */
static inline void *tz_alloc(size_t bytes) {
    return aligned_alloc(64, (bytes + 63) / 64 * 64);
}

#endif
