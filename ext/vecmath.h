/* Vectorized elementwise math for the Cython kernels.
 *
 * On Linux/x86-64 with glibc, setup.py defines EQUILIBRIA_LIBMVEC: exp, log and pow are then
 * declared as OpenMP SIMD functions, so GCC calls glibc's libmvec vector versions (accuracy
 * within 4 ulp) in the loops below -- and in any vectorisable loop of a kernel that includes
 * this header -- instead of the scalar ones. Elsewhere the loops call the scalar exp. Special values
 * keep their IEEE meaning (exp(-inf) = 0, NaN propagates), since -ffinite-math-only is not used.
 */
#ifndef EQUILIBRIA_VECMATH_H
#define EQUILIBRIA_VECMATH_H
#include <math.h>
#include <stddef.h>

#if defined(EQUILIBRIA_LIBMVEC)
#pragma omp declare simd notinbranch
extern double exp(double);
#pragma omp declare simd notinbranch
extern double log(double);
#pragma omp declare simd notinbranch
extern double pow(double, double);
#endif

/* x[k] = exp(factor * x[k]) for k < n. */
static inline void eq_exp_scaled_inplace(double *x, ptrdiff_t n, double factor) {
#pragma omp simd
    for (ptrdiff_t k = 0; k < n; k++) {
        x[k] = exp(factor * x[k]);
    }
}

/* max_k |a[k] - b[k]| (a SIMD max-reduction; NaN handling as the comparison a > d). */
static inline double eq_sup_abs_diff(const double *a, const double *b, ptrdiff_t n) {
    double d = 0.0;
#pragma omp simd reduction(max:d)
    for (ptrdiff_t k = 0; k < n; k++) {
        double x = fabs(a[k] - b[k]);
        d = x > d ? x : d;
    }
    return d;
}

/* Statistics of three successive iterates x0, x1, x2 of a fixed-point iteration:
 * out[0] = <x2 - x1, x1 - x0>, out[1] = <x1 - x0, x1 - x0>, out[2] = sum x2
 * (SIMD reductions; the summation order differs from a sequential loop). */
static inline void eq_successive_differences(const double *x0, const double *x1, const double *x2,
                                             ptrdiff_t n, double *out) {
    double num = 0.0, den = 0.0, mass = 0.0;
#pragma omp simd reduction(+:num, den, mass)
    for (ptrdiff_t k = 0; k < n; k++) {
        double d1 = x2[k] - x1[k], d0 = x1[k] - x0[k];
        num += d1 * d0;
        den += d0 * d0;
        mass += x2[k];
    }
    out[0] = num;
    out[1] = den;
    out[2] = mass;
}

/* Extrapolation step of a fixed-point iteration on masses: x[k] = max(x[k] + f (x[k] - y[k]), 0)
 * for k < n; returns sum_k x[k] (a SIMD reduction; the summation order differs from a
 * sequential loop). */
static inline double eq_extrapolate_clip_sum(double *x, const double *y, double f, ptrdiff_t n) {
    double mass = 0.0;
#pragma omp simd reduction(+:mass)
    for (ptrdiff_t k = 0; k < n; k++) {
        double v = x[k] + f * (x[k] - y[k]);
        v = v > 0.0 ? v : 0.0;
        x[k] = v;
        mass += v;
    }
    return mass;
}

/* x[k] *= f for k < n. */
static inline void eq_scale_inplace(double *x, double f, ptrdiff_t n) {
#pragma omp simd
    for (ptrdiff_t k = 0; k < n; k++) x[k] *= f;
}

/* Banded gather of a linear map whose rows are mostly a shifted band, for one row of masses:
 * out[t] = sum_{w < 3} c[w * n + t] * d[base[t] + w] for t < n (added to out if accumulate).
 * base[t] + w must stay below n wherever c[w * n + t] != 0 is read from d, and base[t] + 2 < n.
 * Blocks of 8 targets whose bases lie in [first[b], first[b] + 13] (first[b] >= 0; rel[t] =
 * base[t] - first[b]) read a window of 16 masses with two (masked) loads and pick the band with
 * permutes (AVX-512); other blocks (first[b] < 0) and the tail run a scalar loop. */
#if defined(__AVX512F__)
#include <immintrin.h>
#endif
static inline void eq_band3_gather(const double *restrict d, const int *restrict base,
                                   const unsigned char *restrict rel, const int *restrict first,
                                   const double *restrict c, double *restrict out, ptrdiff_t n,
                                   int accumulate) {
    ptrdiff_t nb = n / 8, t;
    for (ptrdiff_t b = 0; b < nb; b++) {
        ptrdiff_t t0 = 8 * b;
#if defined(__AVX512F__)
        if (first[b] >= 0) {
            ptrdiff_t f = first[b], avail = n - f;
            __mmask8 m0 = avail >= 8 ? 0xFF : (__mmask8)((1u << avail) - 1u);
            __mmask8 m1 = avail >= 16 ? 0xFF : (avail <= 8 ? 0 : (__mmask8)((1u << (avail - 8)) - 1u));
            __m512d w0 = _mm512_maskz_loadu_pd(m0, d + f);
            __m512d w1 = _mm512_maskz_loadu_pd(m1, d + f + 8);
            __m512i r = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(rel + t0)));
            __m512i one = _mm512_set1_epi64(1);
            __m512d acc = _mm512_mul_pd(_mm512_loadu_pd(c + t0), _mm512_permutex2var_pd(w0, r, w1));
            r = _mm512_add_epi64(r, one);
            acc = _mm512_fmadd_pd(_mm512_loadu_pd(c + n + t0), _mm512_permutex2var_pd(w0, r, w1), acc);
            r = _mm512_add_epi64(r, one);
            acc = _mm512_fmadd_pd(_mm512_loadu_pd(c + 2 * n + t0), _mm512_permutex2var_pd(w0, r, w1), acc);
            if (accumulate) acc = _mm512_add_pd(acc, _mm512_loadu_pd(out + t0));
            _mm512_storeu_pd(out + t0, acc);
            continue;
        }
#else
        (void)rel; (void)first;
#endif
        for (t = t0; t < t0 + 8; t++) {
            const double *db = d + base[t];
            double v = c[t] * db[0] + c[n + t] * db[1] + c[2 * n + t] * db[2];
            out[t] = accumulate ? out[t] + v : v;
        }
    }
    for (t = 8 * nb; t < n; t++) {
        const double *db = d + base[t];
        double v = c[t] * db[0] + c[n + t] * db[1] + c[2 * n + t] * db[2];
        out[t] = accumulate ? out[t] + v : v;
    }
}

#endif
