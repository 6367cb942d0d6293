/* Vectorized elementwise math for the Cython kernels.
 *
 * On Linux/x86-64 with glibc, setup.py defines EQUILIBRIA_LIBMVEC: exp is then declared as an
 * OpenMP SIMD function, so GCC calls glibc's libmvec vector exp (accuracy within 4 ulp) in the
 * loops below instead of the scalar one. Elsewhere the loops call the scalar exp. Special values
 * keep their IEEE meaning (exp(-inf) = 0, NaN propagates), since -ffinite-math-only is not used.
 */
#ifndef EQUILIBRIA_VECMATH_H
#define EQUILIBRIA_VECMATH_H
#include <math.h>
#include <stddef.h>

#if defined(EQUILIBRIA_LIBMVEC)
#pragma omp declare simd notinbranch
extern double exp(double);
#endif

/* x[k] = exp(factor * x[k]) for k < n. */
static inline void eq_exp_scaled_inplace(double *x, ptrdiff_t n, double factor) {
#pragma omp simd
    for (ptrdiff_t k = 0; k < n; k++) {
        x[k] = exp(factor * x[k]);
    }
}

#endif
