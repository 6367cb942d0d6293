/* Eight-lane vectors of doubles for the block solver of tyaz_dp.pyx (see tyaz_block.h).
 *
 * Three implementations of the same small interface, chosen by what the compiler targets
 * (``-march=native`` in the default build of this package):
 *   - AVX-512 (F, DQ, VL): one register per vector, mask registers, permutes for lookups;
 *   - AVX2: two 256-bit halves, masks as all-ones lanes, gathers for lookups;
 *   - plain C arrays of eight lanes everywhere else (the compiler vectorises what it can).
 * Every operation is exact and lane-wise (add, multiply, minimum, compare, select, table
 * lookup), so all three give bitwise identical results (tests/test_tyazhelnikov2016_simd_builds.py).
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

#if defined(__AVX512F__) && defined(__AVX512DQ__) && defined(__AVX512VL__) && !defined(EQUILIBRIA_TZ_SCALAR)
#define TZ_AVX512 1
#define TZ_AVX2 0
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
TZ_INLINE tz_mask tz_mask_none(void) { return 0; }
TZ_INLINE tz_mask tz_mask_or(tz_mask a, tz_mask b) { return a | b; }
TZ_INLINE int tz_mask_any(tz_mask m) { return m != 0; }
/* m ? b : a, lane by lane */
TZ_INLINE tz_vd tz_select(tz_mask m, tz_vd a, tz_vd b) { return _mm512_mask_blend_pd(m, a, b); }
TZ_INLINE tz_vi tz_iselect(tz_mask m, tz_vi a, tz_vi b) { return _mm512_mask_blend_epi64(m, a, b); }
TZ_INLINE tz_vi tz_iset1(int64_t x) { return _mm512_set1_epi64(x); }
TZ_INLINE tz_vi tz_iota(void) { return _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0); }
TZ_INLINE tz_vi tz_iadd(tz_vi a, tz_vi b) { return _mm512_add_epi64(a, b); }
/* products of non-negative numbers below 2^32 (indices and sizes; the caller checks) */
TZ_INLINE tz_vi tz_imul(tz_vi a, int64_t k) { return _mm512_mul_epu32(a, _mm512_set1_epi64(k)); }
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
    if (n <= 32) {
        const tz_vd low = _mm512_permutex2var_pd(_mm512_loadu_pd(table), idx, _mm512_loadu_pd(table + 8));
        const tz_vd high = _mm512_permutex2var_pd(tz_load_n(table + 16, n < 24 ? (int)(n - 16) : 8), idx,
                                                  n > 24 ? tz_load_n(table + 24, (int)(n - 24)) : _mm512_setzero_pd());
        return _mm512_mask_blend_pd(_mm512_test_epi64_mask(idx, _mm512_set1_epi64(16)), low, high);
    }
    return _mm512_i64gather_pd(idx, table, 8);
}
/* row[idx] for a row padded with zeros to `width` doubles: register permutes for widths 8, 16
   and 32 (no masked loads), a gather for any other width */
TZ_INLINE tz_vd tz_lookup_padded(const double *row, tz_vi idx, ptrdiff_t width) {
    if (width == 8)
        return _mm512_permutexvar_pd(idx, _mm512_loadu_pd(row));
    if (width == 16)
        return _mm512_permutex2var_pd(_mm512_loadu_pd(row), idx, _mm512_loadu_pd(row + 8));
    if (width == 32)
        return _mm512_mask_blend_pd(_mm512_test_epi64_mask(idx, _mm512_set1_epi64(16)),
                                    _mm512_permutex2var_pd(_mm512_loadu_pd(row), idx, _mm512_loadu_pd(row + 8)),
                                    _mm512_permutex2var_pd(_mm512_loadu_pd(row + 16), idx, _mm512_loadu_pd(row + 24)));
    return _mm512_i64gather_pd(idx, row, 8);
}
/* base[idx] for the first n lanes (n <= 8; 0 elsewhere): a gather from memory */
TZ_INLINE tz_vd tz_gather_n(const double *base, tz_vi idx, int n) {
    return _mm512_mask_i64gather_pd(_mm512_setzero_pd(), (__mmask8)((1u << n) - 1u), idx, base, 8);
}

#elif defined(__AVX2__) && !defined(EQUILIBRIA_TZ_SCALAR)
/* AVX2: eight lanes as two 256-bit halves; masks are all-ones / all-zeros lanes */
#define TZ_AVX512 0
#define TZ_AVX2 1
#include <immintrin.h>

typedef struct { __m256d lo, hi; } tz_vd;
typedef struct { __m256i lo, hi; } tz_vi;
typedef struct { __m256d lo, hi; } tz_mask;

#define TZ_INLINE static inline __attribute__((always_inline))

/* lanes k < n set, in the two halves */
TZ_INLINE __m256i tz__first_lo(int n) { return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_set_epi64x(3, 2, 1, 0)); }
TZ_INLINE __m256i tz__first_hi(int n) { return _mm256_cmpgt_epi64(_mm256_set1_epi64x(n), _mm256_set_epi64x(7, 6, 5, 4)); }

TZ_INLINE tz_vd tz_load(const double *p) { tz_vd r = {_mm256_loadu_pd(p), _mm256_loadu_pd(p + 4)}; return r; }
TZ_INLINE void tz_store(double *p, tz_vd x) { _mm256_storeu_pd(p, x.lo); _mm256_storeu_pd(p + 4, x.hi); }
TZ_INLINE tz_vd tz_load_n(const double *p, int n) {
    tz_vd r = {_mm256_maskload_pd(p, tz__first_lo(n)), _mm256_maskload_pd(p + 4, tz__first_hi(n))};
    return r;
}
TZ_INLINE void tz_store_n(double *p, tz_vd x, int n) {
    _mm256_maskstore_pd(p, tz__first_lo(n), x.lo);
    _mm256_maskstore_pd(p + 4, tz__first_hi(n), x.hi);
}
TZ_INLINE tz_vd tz_set1(double x) { tz_vd r = {_mm256_set1_pd(x), _mm256_set1_pd(x)}; return r; }
TZ_INLINE tz_vd tz_zero(void) { return tz_set1(0.0); }
TZ_INLINE tz_vd tz_add(tz_vd a, tz_vd b) { tz_vd r = {_mm256_add_pd(a.lo, b.lo), _mm256_add_pd(a.hi, b.hi)}; return r; }
TZ_INLINE tz_vd tz_sub(tz_vd a, tz_vd b) { tz_vd r = {_mm256_sub_pd(a.lo, b.lo), _mm256_sub_pd(a.hi, b.hi)}; return r; }
TZ_INLINE tz_vd tz_mul(tz_vd a, tz_vd b) { tz_vd r = {_mm256_mul_pd(a.lo, b.lo), _mm256_mul_pd(a.hi, b.hi)}; return r; }
TZ_INLINE tz_vd tz_min(tz_vd a, tz_vd b) { tz_vd r = {_mm256_min_pd(a.lo, b.lo), _mm256_min_pd(a.hi, b.hi)}; return r; }
TZ_INLINE tz_mask tz_lt(tz_vd a, tz_vd b) {
    tz_mask m = {_mm256_cmp_pd(a.lo, b.lo, _CMP_LT_OQ), _mm256_cmp_pd(a.hi, b.hi, _CMP_LT_OQ)};
    return m;
}
TZ_INLINE tz_mask tz_isnan(tz_vd a) {
    tz_mask m = {_mm256_cmp_pd(a.lo, a.lo, _CMP_UNORD_Q), _mm256_cmp_pd(a.hi, a.hi, _CMP_UNORD_Q)};
    return m;
}
TZ_INLINE tz_mask tz_mask_none(void) { tz_mask m = {_mm256_setzero_pd(), _mm256_setzero_pd()}; return m; }
TZ_INLINE tz_mask tz_mask_or(tz_mask a, tz_mask b) { tz_mask m = {_mm256_or_pd(a.lo, b.lo), _mm256_or_pd(a.hi, b.hi)}; return m; }
TZ_INLINE int tz_mask_any(tz_mask m) { return _mm256_movemask_pd(_mm256_or_pd(m.lo, m.hi)) != 0; }
TZ_INLINE tz_vd tz_select(tz_mask m, tz_vd a, tz_vd b) {
    tz_vd r = {_mm256_blendv_pd(a.lo, b.lo, m.lo), _mm256_blendv_pd(a.hi, b.hi, m.hi)};
    return r;
}
TZ_INLINE tz_vi tz_iselect(tz_mask m, tz_vi a, tz_vi b) {
    tz_vi r = {_mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(a.lo), _mm256_castsi256_pd(b.lo), m.lo)),
               _mm256_castpd_si256(_mm256_blendv_pd(_mm256_castsi256_pd(a.hi), _mm256_castsi256_pd(b.hi), m.hi))};
    return r;
}
TZ_INLINE tz_vi tz_iset1(int64_t x) { tz_vi r = {_mm256_set1_epi64x(x), _mm256_set1_epi64x(x)}; return r; }
TZ_INLINE tz_vi tz_iota(void) { tz_vi r = {_mm256_set_epi64x(3, 2, 1, 0), _mm256_set_epi64x(7, 6, 5, 4)}; return r; }
TZ_INLINE tz_vi tz_iadd(tz_vi a, tz_vi b) { tz_vi r = {_mm256_add_epi64(a.lo, b.lo), _mm256_add_epi64(a.hi, b.hi)}; return r; }
/* products of non-negative numbers below 2^32 (indices and sizes; the caller checks) */
TZ_INLINE tz_vi tz_imul(tz_vi a, int64_t k) {
    const __m256i kk = _mm256_set1_epi64x(k);
    tz_vi r = {_mm256_mul_epu32(a.lo, kk), _mm256_mul_epu32(a.hi, kk)};
    return r;
}
TZ_INLINE tz_mask tz_ieq(tz_vi a, int64_t k) {
    const __m256i kk = _mm256_set1_epi64x(k);
    tz_mask m = {_mm256_castsi256_pd(_mm256_cmpeq_epi64(a.lo, kk)), _mm256_castsi256_pd(_mm256_cmpeq_epi64(a.hi, kk))};
    return m;
}
TZ_INLINE tz_mask tz_ine(tz_vi a, tz_vi b) {
    const __m256d ones = _mm256_castsi256_pd(_mm256_set1_epi64x(-1));
    tz_mask m = {_mm256_xor_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(a.lo, b.lo)), ones),
                 _mm256_xor_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(a.hi, b.hi)), ones)};
    return m;
}
TZ_INLINE tz_vi tz_iload32(const int32_t *p) {
    tz_vi r = {_mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)p)),
               _mm256_cvtepi32_epi64(_mm_loadu_si128((const __m128i *)(p + 4)))};
    return r;
}
/* the low 32 bits of four int64 lanes, packed */
TZ_INLINE __m128i tz__pack32(__m256i x) {
    return _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x, _mm256_set_epi32(7, 5, 3, 1, 6, 4, 2, 0)));
}
TZ_INLINE void tz_istore32(int32_t *p, tz_vi x) {
    _mm_storeu_si128((__m128i *)p, tz__pack32(x.lo));
    _mm_storeu_si128((__m128i *)(p + 4), tz__pack32(x.hi));
}
TZ_INLINE void tz_istore32_n(int32_t *p, tz_vi x, int n) {
    const __m128i lanes = _mm_set_epi32(3, 2, 1, 0);
    _mm_maskstore_epi32(p, _mm_cmpgt_epi32(_mm_set1_epi32(n), lanes), tz__pack32(x.lo));
    _mm_maskstore_epi32(p + 4, _mm_cmpgt_epi32(_mm_set1_epi32(n - 4), lanes), tz__pack32(x.hi));
}
/* acc + (m ? 1 : 0): a set lane is -1 */
TZ_INLINE tz_vi tz_icount(tz_vi acc, tz_mask m) {
    tz_vi r = {_mm256_sub_epi64(acc.lo, _mm256_castpd_si256(m.lo)), _mm256_sub_epi64(acc.hi, _mm256_castpd_si256(m.hi))};
    return r;
}
TZ_INLINE tz_vd tz_lookup(const double *table, tz_vi idx, ptrdiff_t n) {
    (void)n;
    tz_vd r = {_mm256_i64gather_pd(table, idx.lo, 8), _mm256_i64gather_pd(table, idx.hi, 8)};
    return r;
}
TZ_INLINE tz_vd tz_lookup_padded(const double *row, tz_vi idx, ptrdiff_t width) {
    return tz_lookup(row, idx, width);
}
TZ_INLINE tz_vd tz_gather_n(const double *base, tz_vi idx, int n) {
    const __m256d zero = _mm256_setzero_pd();
    tz_vd r = {_mm256_mask_i64gather_pd(zero, base, idx.lo, _mm256_castsi256_pd(tz__first_lo(n)), 8),
               _mm256_mask_i64gather_pd(zero, base, idx.hi, _mm256_castsi256_pd(tz__first_hi(n)), 8)};
    return r;
}

#else /* portable: eight lanes as plain arrays */
#define TZ_AVX512 0
#define TZ_AVX2 0

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
TZ_INLINE tz_mask tz_mask_none(void) { return 0; }
TZ_INLINE tz_mask tz_mask_or(tz_mask a, tz_mask b) { return a | b; }
TZ_INLINE int tz_mask_any(tz_mask m) { return m != 0; }
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
TZ_INLINE tz_vd tz_lookup_padded(const double *row, tz_vi idx, ptrdiff_t width) {
    return tz_lookup(row, idx, width);
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
