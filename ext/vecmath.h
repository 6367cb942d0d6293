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

#endif
