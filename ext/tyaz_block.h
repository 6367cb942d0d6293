/* Block solver of Tyazhelnikov (2016)'s firm problem, eight firms per vector.
 *
 * Included by tyaz_dp.pyx, which splits the firms into blocks of B firms (B a multiple of
 * TZ_W) and runs tz_solve_block on each, one block per thread at a time.  The recursion, its
 * conventions and its outputs are documented there; this file is the arithmetic.
 *
 * Within a block the values are stored V[node][country][firm] and every loop below works on
 * eight firms at once (one tz_vd).  Steps:
 *   1. (F, N, M) layout: copy the block's costs into V, transposed.  (N, M, F) layout (N >= 2):
 *      nothing is copied; the forward pass reads the costs where they are -- a leaf's values are
 *      its costs, a parent's values start from its costs plus its first child's message -- and
 *      screens them as it reads, or, for NaN only and one group of a constant M, lets a NaN
 *      travel to the final node, which screens its values (tz_message_group, tz_final_node)
 *      (reading in place measured on an AMD Zen 4 machine, 100,000 firms, full
 *      outputs: 0.76-0.82x the time of copying at M = 5, 0.86-0.89x at M = 10, 0.82x for the
 *      tree at M = 5);
 *   2. forward pass, children before parents (eq. 6 / eq. 9): for eight destination
 *      countries at a time (all ten at M = 10 with AVX-512, see TZ_MAX_GROUP) the running
 *      minima stay in registers while the origin country runs, so each value loaded feeds up to
 *      eight (ten) min-plus operations;
 *   3. the final node: argmin over countries of V_root (+) the final shipment cost;
 *   4. backtracking, parents before children: argmin_j V_v(j) (+) S_v(j, c_parent), with the
 *      table entry S_v(j, c_parent) looked up by register permutes in rows padded to 8, 16 or
 *      32 entries (M <= 32) or by a gather;
 *   5. path statistics, firm vector by firm vector with the sums kept in registers; the paths
 *      are written node-major, (N, F), eight firms per store.
 * The costs of the block after next (or the next, see tz_prefetch_blocks_ahead) are prefetched:
 * with the (N, M, F) layout each line the forward pass reads in place has the line of the same
 * firms in that block prefetched (tz_read_input); with the (F, N, M) layout they are prefetched
 * a few cache lines at a time while the block computes (steps 2 and 4, tz_prefetcher).  Step 5
 * asks for the next block's output lines for writing.
 * Steps 2 to 5 are compiled once for every M from
 * 2 to 8 and for M = 10 with M a constant (loops over countries unrolled, lookup widths fixed)
 * and once for any M: measured 18% faster at M = 2 and 7% at M = 5 with full outputs, and at
 * M = 10 5-14% with one forward group (interleaved A/B, 100,000 firms).
 * Ties go to the lowest country index (strict "<" while the index rises), as in the NumPy twin.
 */
#ifndef EQUILIBRIA_TYAZ_BLOCK_H
#define EQUILIBRIA_TYAZ_BLOCK_H

#include <float.h>

#include "tyaz_simd.h"

/* The baseline build (x86-64, plain-C vectors; setup.py defines EQUILIBRIA_CPU_LEVEL) compiles only
 * the generic copy, and in its forward pass one copy per group size with the flags (ad-valorem,
 * read in place) tested at run time (TZ_GROUP_FLAGS).  CPU time of the compile: 160 s with the
 * plain-C specialisations by M, 24 s for the generic copy with four copies per group size, 10 s
 * with one, 5 s with a single copy for every group size -- which ran the snake 1.2-2.3x slower
 * than the copies per group size, while one copy per group size ran it 0.9-1.2x the time of four
 * (100,000 firms, N = 10, M = 2 to 20, benchmarks/builds_levels.py).  All give the same numbers
 * (tests/test_builds.py, tests/test_tyazhelnikov2016_simd_builds.py). */
#if defined(EQUILIBRIA_CPU_LEVEL) && EQUILIBRIA_CPU_LEVEL < 3
#define TZ_SPECIALISE 0
#else
#define TZ_SPECIALISE 1
#endif

typedef struct {
    const double *costs;    /* (F, N, M), or (N, M, F) if firms_last */
    int firms_last;
    ptrdiff_t F, N, M, B;   /* firms, nodes, countries, firms per block (multiple of TZ_W) */
    const double *step;     /* (N, M, M): tau_v T(j, c), or 1 + tau_v T(j, c) if ad-valorem */
    const double *step_rows;  /* (N, M, W): the same rows padded with zeros to W = tz_row_width(M) */
    const double *step_entries;   /* (N, WE): step[v] flattened, padded to WE = tz_row_width(M * M) */
    const double *trade_entries;  /* (WE,): T flattened, padded likewise */
    const int32_t *parent;  /* (N,): parent[v] > v, parent[N - 1] = -1 */
    const double *final;    /* (M,): tau^F T^F(c, d) */
    int advalorem;
    int stats;              /* 0: marginal costs only */
    int reject_negative;    /* 1: negative and infinite costs are invalid too (not only NaN) */
    int inplace;            /* 1 ((N, M, F) layout, N >= 2): the costs are read where they are, not copied */
    const uint8_t *leaf;    /* (N,): node without children (its values are its costs) */
    const uint8_t *first_child;  /* (N,): the lowest-numbered child of its parent */
    double *mc;             /* outputs, (F,) except path (F, N) */
    int32_t *path;          /* (N, F): node-major */
    double *ntmc, *tq, *trade_cost, *final_cost;
    int32_t *crossings;
} tz_problem;

/* rows of M table entries are padded to 8, 16 or 32 doubles (register permutes), else kept at M */
static inline ptrdiff_t tz_row_width(ptrdiff_t M) { return M <= 8 ? 8 : M <= 16 ? 16 : M <= 32 ? 32 : M; }

static inline int tz_lanes(ptrdiff_t nb, ptrdiff_t f) { return nb - f < TZ_W ? (int)(nb - f) : TZ_W; }

/* the first n lanes at p, zero beyond (n = TZ_W but for the block's last, partial vector) */
TZ_INLINE tz_vd tz_load_lanes(const double *p, int n) { return n == TZ_W ? tz_load(p) : tz_load_n(p, n); }

/* Walks over the cache lines of the costs of a coming block, a few at a time, so that memory
 * fetches them while this block computes (one thread otherwise waits for each block's costs
 * and then computes with the memory idle).  Measured on an Intel Xeon machine: about 10% at
 * M = 20, little at M = 5, a loss at M = 2; on an AMD Zen 4 machine
 * it pays at every M (interleaved, 100,000 firms, full outputs: (F, N, M) 23% faster at
 * M = 2 and 40% at M = 3, (N, M, F) 2-5% and 11-20%), where without it the copy waits on the
 * last-level cache even for costs that fit there. */
#define TZ_PREFETCH_MIN_M 2
/* Whether this is an AMD processor: some tuning choices below were measured to go opposite
 * ways on an AMD (Zen 4) machine and on Intel Xeon machines. */
static inline int tz_cpu_is_amd(void) {
#if (defined(__GNUC__) || defined(__clang__)) && (defined(__x86_64__) || defined(__i386__))
    return __builtin_cpu_is("amd");
#else
    return 0;
#endif
}

/* Firms per block when the caller leaves the choice to the kernel (block = 0).  (F, N, M): 64,
 * contiguous blocks that fit in the first-level cache with their values.  (N, M, F): a block is
 * N * M separate runs of the rows, which read faster in longer runs: 128 on AMD's Zen 4 (64
 * was slower); on Intel (Xeon, family 6 model 207, interleaved, 100,000 firms, full outputs, time of 64 / 128)
 * 0.84-0.85 at M = 2, 0.86 at M = 3, 0.99-1.02 at M = 4, 0.95-0.96 at M = 5, 0.99-1.01 at M = 6,
 * 0.90 at M = 8 but at M = 10 0.95-0.98 by the minimum and 1.16-1.24 by the median, so 64 up to
 * M = 8 there and 128 beyond. */
static inline ptrdiff_t tz_default_block(int firms_last, ptrdiff_t M) {
    if (!firms_last)
        return 64;
    return M <= 8 && !tz_cpu_is_amd() ? 64 : 128;
}

/* Which block is prefetched: the one after next, or the next.  The lines are asked for a few at
 * a time over the whole block's computation, so those of the next block may arrive just as it
 * is loaded; one block more gives them a whole block's time.  Which is better depends on the
 * processor (interleaved, 100,000 firms, full outputs, time of two blocks ahead / one ahead):
 *   - AMD Zen 4: (N, M, F) 0.64 / 0.76 / 0.78 / 0.82 at M = 2 / 5 / 10 / 20,
 *     (F, N, M) 0.95-0.97; three or four blocks ahead no better;
 *   - Intel Xeon, family 6 model 207: (N, M, F) 0.87-0.91 at M = 2 but 1.04-1.12 at
 *     M = 5 and 1.00-1.01 at M = 10, 20; (F, N, M) within 1% at every M.
 * So two blocks ahead, but one for the (N, M, F) layout from M = 3 on a processor that is not
 * AMD's (an earlier Intel Xeon machine had found two ahead no better than one). */
static inline ptrdiff_t tz_prefetch_blocks_ahead(const tz_problem *P) {
    return P->firms_last && P->M >= 3 && !tz_cpu_is_amd() ? 1 : 2;
}
typedef struct {
    const double *ptr;       /* next line to ask for */
    const double *row_end;   /* end of the current row's stretch */
    ptrdiff_t stride;        /* distance between rows (doubles) */
    ptrdiff_t width;         /* doubles per stretch */
    ptrdiff_t rows_left;     /* rows after the current one */
    int per_step;            /* lines per call */
} tz_prefetcher;

/* The walker serves the (F, N, M) layout, whose blocks are copied; costs read in place are
 * prefetched line by line as they are read (tz_read_input), which measured on an Intel Xeon
 * (family 6 model 207; interleaved, 100,000 firms, N = 10, one thread, time of line by line / the walker):
 * full outputs 0.93-0.95x at M = 10 by the minimum (0.88-0.90x by the median), 0.96-0.98x at
 * M = 20, 0.98-1.06x at M = 5 and 0.98-1.03x at M = 2 (noise); marginal costs only 0.88x at
 * M = 10, 0.95x at M = 2.  The walker costs scalar work per call and asks for lines whose
 * computation is still far off; reading a line is the right moment to ask for its successor. */
static inline tz_prefetcher tz_prefetcher_for(const tz_problem *P, ptrdiff_t next_f0, ptrdiff_t steps) {
    tz_prefetcher p = {NULL, NULL, 0, 0, 0, 0};
    if (P->inplace || next_f0 >= P->F || steps <= 0 || P->M < TZ_PREFETCH_MIN_M)
        return p;
    const ptrdiff_t NM = P->N * P->M, nb = P->F - next_f0 < P->B ? P->F - next_f0 : P->B;
    ptrdiff_t rows;
    if (P->firms_last) {  /* NM rows of nb costs, F apart */
        p.ptr = P->costs + next_f0, p.stride = P->F, p.width = nb, rows = NM;
    } else {              /* one stretch of nb * NM costs */
        p.ptr = P->costs + next_f0 * NM, p.stride = 0, p.width = nb * NM, rows = 1;
    }
    p.row_end = p.ptr + p.width;
    p.rows_left = rows - 1;
    p.per_step = (int)(rows * ((p.width + 7) / 8) / steps + 1);
    return p;
}

TZ_INLINE void tz_prefetch_step(tz_prefetcher *pf) {
    tz_prefetcher p = *pf;
    for (int i = 0; i < p.per_step && p.ptr; i++) {
        __builtin_prefetch(p.ptr, 0, 2);  /* into L2 */
        p.ptr += 8;
        if (p.ptr >= p.row_end) {
            if (p.rows_left-- > 0) {
                p.ptr = p.row_end - p.width + p.stride;
                p.row_end = p.ptr + p.width;
            } else {
                p.ptr = NULL;
            }
        }
    }
    *pf = p;
}

/* the invalid costs of firms f0 .. f0 + nb - 1 (a slow recount, only when there are some) */
static int tz_count_invalid(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb) {
    const ptrdiff_t F = P->F, NM = P->N * P->M;
    int invalid = 0;
    for (ptrdiff_t f = f0; f < f0 + nb; f++)
        for (ptrdiff_t r = 0; r < NM; r++) {
            const double x = P->firms_last ? P->costs[r * F + f] : P->costs[f * NM + r];
            invalid += x != x || (P->reject_negative && (x < 0.0 || x > DBL_MAX));
        }
    return invalid;
}

/* The screen of the costs read: a few cheap operations per vector that never miss an invalid
 * cost (NaN; with reject_negative also negative or +infinite) but may flag a valid block, which
 * tz_count_invalid then recounts exactly.
 * AVX-512: the largest bit pattern seen, read as an unsigned integer.  The non-negative finite
 * doubles (+0.0 to DBL_MAX) are exactly the patterns up to 0x7FEF...F, and NaN, +infinity and
 * every number with the sign bit set lie above; so does -0.0, a valid cost, whose block is then
 * recounted (correct, only slower).  Without reject_negative the sign bit is cleared first, and
 * the NaN are exactly the patterns above 0x7FF0...0.  One integer max per vector instead of
 * three comparisons and three mask operations: measured 1.3x faster for the whole kernel at
 * M = 2 on an AMD EPYC (Zen 4) machine, where the mask operations were the bottleneck of the
 * copy.  Other builds keep the comparisons. */
#if TZ_AVX512
typedef __m512i tz_screen;
TZ_INLINE tz_screen tz_screen_none(void) { return _mm512_setzero_si512(); }
TZ_INLINE tz_screen tz_screen_add(tz_screen s, tz_vd x, int reject_negative) {
    /* branch-free: the sign bit kept or cleared by a mask */
    const __m512i keep = _mm512_set1_epi64(reject_negative ? -1 : INT64_MAX);
    return _mm512_max_epu64(s, _mm512_and_si512(_mm512_castpd_si512(x), keep));
}
TZ_INLINE int tz_screen_flagged(tz_screen s, int reject_negative) {
    return (uint64_t)_mm512_reduce_max_epu64(s) > (reject_negative ? 0x7FEFFFFFFFFFFFFFull : 0x7FF0000000000000ull);
}
#else
typedef tz_mask tz_screen;
TZ_INLINE tz_screen tz_screen_none(void) { return tz_mask_none(); }
TZ_INLINE tz_screen tz_screen_add(tz_screen s, tz_vd x, int reject_negative) {
    tz_mask bad = tz_isnan(x);
    if (reject_negative)
        bad = tz_mask_or(bad, tz_mask_or(tz_lt(x, tz_zero()), tz_lt(tz_set1(DBL_MAX), x)));
    return tz_mask_or(s, bad);
}
TZ_INLINE int tz_screen_flagged(tz_screen s, int reject_negative) {
    (void)reject_negative;
    return tz_mask_any(s);
}
#endif

#if TZ_AVX512
/* V[r * B + k] = a[k * NM + r] for the eight firms k of one vector and all NM rows r: eight rows
 * of the eight firms are loaded (contiguous, masked at the end of a firm's costs) and
 * transposed in registers, 24 shuffles for 64 costs.  Replaces eight gathers, which on an AMD
 * Zen 4 machine made the (F, N, M) layout's copy take 5.9 ms of the 6.2 ms of a marginal-cost
 * solve at M = 2 (100,000 firms; with the transpose 2.2 ms). */
TZ_INLINE tz_screen tz_load_transposed(const double *a, ptrdiff_t NM, double *V, double *C, ptrdiff_t B,
                                       tz_screen screen, int reject) {
    const __m512i lo_pairs = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0);
    const __m512i hi_pairs = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
    for (ptrdiff_t r0 = 0; r0 < NM; r0 += 8) {
        const int rows = NM - r0 < 8 ? (int)(NM - r0) : 8;
        const __mmask8 m = (__mmask8)((1u << rows) - 1u);
        __m512d x[8], t[8], u[8], y[8];
        for (int k = 0; k < 8; k++)
            x[k] = _mm512_maskz_loadu_pd(m, a + k * NM + r0);
        for (int k = 0; k < 8; k += 2) {  /* t[k] = x[k][0] x[k+1][0] x[k][2] x[k+1][2] ..., t[k+1] the odd entries */
            t[k] = _mm512_unpacklo_pd(x[k], x[k + 1]);
            t[k + 1] = _mm512_unpackhi_pd(x[k], x[k + 1]);
        }
        for (int h = 0; h < 8; h += 4) {  /* u: four firms' entries {0, 4}, {2, 6}, {1, 5}, {3, 7} */
            u[h] = _mm512_permutex2var_pd(t[h], lo_pairs, t[h + 2]);
            u[h + 1] = _mm512_permutex2var_pd(t[h], hi_pairs, t[h + 2]);
            u[h + 2] = _mm512_permutex2var_pd(t[h + 1], lo_pairs, t[h + 3]);
            u[h + 3] = _mm512_permutex2var_pd(t[h + 1], hi_pairs, t[h + 3]);
        }
        y[0] = _mm512_shuffle_f64x2(u[0], u[4], 0x44), y[4] = _mm512_shuffle_f64x2(u[0], u[4], 0xEE);
        y[2] = _mm512_shuffle_f64x2(u[1], u[5], 0x44), y[6] = _mm512_shuffle_f64x2(u[1], u[5], 0xEE);
        y[1] = _mm512_shuffle_f64x2(u[2], u[6], 0x44), y[5] = _mm512_shuffle_f64x2(u[2], u[6], 0xEE);
        y[3] = _mm512_shuffle_f64x2(u[3], u[7], 0x44), y[7] = _mm512_shuffle_f64x2(u[3], u[7], 0xEE);
        for (int i = 0; i < rows; i++) {
            screen = tz_screen_add(screen, y[i], reject);
            tz_store(V + (r0 + i) * B, y[i]);
            if (C)
                tz_store(C + (r0 + i) * B, y[i]);
        }
    }
    return screen;
}
#endif

/* 1. V[v][c][f] = costs of firm f0 + f; lanes beyond nb are zero.  Returns the invalid costs met
 *    (NaN; with reject_negative also negative or infinite). */
static int tz_load_block(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, double *V, double *C) {
    const ptrdiff_t F = P->F, B = P->B, NM = P->N * P->M, whole = nb - nb % TZ_W;
    tz_screen screen = tz_screen_none();
    const int reject = P->reject_negative;
    if (P->firms_last) {  /* rows are contiguous: a copy (only with N = 1: else read in place) */
        for (ptrdiff_t r = 0; r < NM; r++) {
            const double *a = P->costs + r * F + f0;
            double *row = V + r * B;
            for (ptrdiff_t f = 0; f < whole; f += TZ_W) {
                const tz_vd x = tz_load(a + f);
                screen = tz_screen_add(screen, x, reject);
                tz_store(row + f, x);
            }
            if (whole < nb) {
                const tz_vd x = tz_load_n(a + whole, (int)(nb - whole));
                screen = tz_screen_add(screen, x, reject);
                tz_store(row + whole, x);
            }
        }
    } else {  /* firm f's costs are NM apart: gather eight firms per row */
        const tz_vi stride = tz_imul(tz_iota(), NM);
        ptrdiff_t f = 0;
#if TZ_AVX512
        for (; f < whole; f += TZ_W)  /* whole vectors: eight rows at a time, transposed */
            screen = tz_load_transposed(P->costs + (f0 + f) * NM, NM, V + f, C ? C + f : NULL, B, screen, reject);
#endif
        for (; f < nb; f += TZ_W) {
            const double *a = P->costs + (f0 + f) * NM;
            const int n = tz_lanes(nb, f);
            for (ptrdiff_t r = 0; r < NM; r++) {
                const tz_vd x = tz_gather_n(a + r, stride, n);
                screen = tz_screen_add(screen, x, reject);
                tz_store(V + r * B + f, x);
                if (C)
                    tz_store(C + r * B + f, x);
            }
        }
    }
    return tz_screen_flagged(screen, reject) ? tz_count_invalid(P, f0, nb) : 0;
}

/* Where the forward pass reads a node's values and its parent's costs, and how. */
typedef struct {
    const double *child;  /* the child's values, country 0's row (firm 0 of the block) */
    ptrdiff_t stride;     /* distance between the child's countries */
    int child_in_input;   /* the child is a leaf read in place: partial vectors masked, screened */
    const double *init;   /* NULL: add to the parent's values; else the parent's costs in the input
                             (its first child, in place): parent = costs + message */
    ptrdiff_t stride_init;  /* distance between the parent's countries in the input */
    int reject;           /* P->reject_negative */
    ptrdiff_t ahead;      /* each line read in place has the line this many doubles on (the same
                             firms of a coming block) prefetched; 0 if no block comes */
} tz_source;

/* a vector of the input read in place (n lanes), screened; the line `ahead` doubles on (the same
 * firms in a coming block) is prefetched into the second-level cache (when that block is the
 * last, partial one, the lanes beyond it point at the next row, or past the end of the costs for
 * the last row: a prefetch never faults, and the line is simply not used) */
TZ_INLINE tz_vd tz_read_input(const double *p, int n, tz_screen *screen, int reject, ptrdiff_t ahead) {
    __builtin_prefetch(p + ahead, 0, 2);
    const tz_vd x = tz_load_lanes(p, n);
    *screen = tz_screen_add(*screen, x, reject);
    return x;
}

/* the same, screened only if scr (a literal in the forward pass's expansions: see tz_message_group
 * for when the screen is left to the final node) */
TZ_INLINE tz_vd tz_read_input_if(const double *p, int n, const int scr, tz_screen *screen, int reject,
                                 ptrdiff_t ahead) {
    if (scr)
        return tz_read_input(p, n, screen, reject, ahead);
    __builtin_prefetch(p + ahead, 0, 2);
    return tz_load_lanes(p, n);
}

/* a vector of a node's values: read in place (screened) or from the scratch */
TZ_INLINE tz_vd tz_read_values(const double *p, int in_input, int n, tz_screen *screen, int reject, ptrdiff_t ahead) {
    return in_input ? tz_read_input(p, n, screen, reject, ahead) : tz_load(p);
}
TZ_INLINE tz_vd tz_read_values_if(const double *p, int in_input, int n, const int scr, tz_screen *screen, int reject,
                                  ptrdiff_t ahead) {
    return in_input ? tz_read_input_if(p, n, scr, screen, reject, ahead) : tz_load(p);
}

/* Destinations per group in the forward pass: the group's running minima stay in registers
 * while the origin country runs, so each value loaded feeds G min-plus operations.  Groups of
 * eight, the last one shorter; with AVX-512 (32 registers) and M a compile-time constant up to
 * TZ_MAX_GROUP, one group of M: each child value is then read (and screened) once, not twice.
 * Measured on an Intel Xeon, family 6 model 207 (interleaved, 100,000 firms, full outputs, M = 10):
 * M = 10 compiled as a constant with groups of 8 and 2 0.95-0.99x the time of the generic
 * code, with one group of 10 0.86-0.95x (two builds, several runs).  One group of ten at M = 20 (two groups, generic M)
 * was 5% slower than 8 + 8 + 4. */
#if TZ_AVX512
#define TZ_MAX_GROUP 12
#else
#define TZ_MAX_GROUP 8
#endif
/* destinations per group: M if M <= max_group (a constant: TZ_MAX_GROUP or 8), else 8 */
static inline ptrdiff_t tz_group_size(ptrdiff_t M, ptrdiff_t max_group) { return M <= max_group ? M : 8; }
static inline ptrdiff_t tz_groups(ptrdiff_t M, ptrdiff_t max_group) {
    return (M + tz_group_size(M, max_group) - 1) / tz_group_size(M, max_group);
}

/* 2. Vp[c] += min_j Vv[j] (+) S[j][c] for the G destinations c0 .. c0 + G - 1 (G <= TZ_MAX_GROUP), one
 *    firm vector (n lanes) at offset f; G, advalorem, diag and scr are compile-time constants in
 *    every expansion below.  With src->init the parent's values start from its costs in the input.
 *
 * diag (one group of all M destinations, M a compile-time constant, the origin loop unrolled):
 * staying in a country costs nothing -- S(c, c) is exactly 0 (unit costs) or 1 (ad-valorem), as
 * validated -- so the diagonal term is Vv[c] itself and its addition or multiplication is skipped
 * (one operation in M + 1 per destination).  The result differs from the full sum only when
 * Vv[c] is -0.0 (x + 0.0 is +0.0); the minimum is then a zero of the other sign, equal to it.
 * The minima are also taken in an order that keeps a NaN: min(a, b) returns b when either is NaN,
 * so the running minimum is always the second operand -- a NaN in it stays -- and the diagonal
 * value enters as the second operand -- a NaN value enters it.  A NaN in Vv[c] therefore ends up
 * in the message to c, and one among the parent's costs in its value (an addition); the NaN
 * travels up to the final node, which screens the final node's values (tz_final_node).  So in
 * this mode costs read in place need no screen of their own (scr = 0) unless negative and
 * infinite costs are rejected too (these do not travel).  Measured (interleaved, one thread,
 * M = 10): 0.94-0.96x the time with 20,000 firms (costs in cache), 0.97-1.00x with 100,000. */
TZ_INLINE void tz_message_group(const double *Vv, ptrdiff_t sv, int in_input, const double *init, ptrdiff_t si,
                                int n, double *Vp, const double *S, ptrdiff_t M, ptrdiff_t B, ptrdiff_t c0,
                                const int G, const int adv, const int diag, const int scr, tz_screen *screen,
                                int reject, ptrdiff_t ahead) {
    tz_vd acc[TZ_MAX_GROUP];
    tz_vd x = tz_read_values_if(Vv, in_input, n, scr, screen, reject, ahead);
    for (int k = 0; k < G; k++)  /* with diag, c0 = 0 */
        acc[k] = diag && k == 0 ? x : tz_combine(x, tz_set1(S[c0 + k]), adv);
    if (diag) {  /* unrolled, so that k == j is known when compiling */
#pragma GCC unroll 16
        for (ptrdiff_t j = 1; j < M; j++) {
            x = tz_read_values_if(Vv + j * sv, in_input, n, scr, screen, reject, ahead);
            const double *s = S + j * M;
            for (int k = 0; k < G; k++)
                acc[k] = k == j ? tz_min(acc[k], x) : tz_min(tz_combine(x, tz_set1(s[k]), adv), acc[k]);
        }
    } else {
        for (ptrdiff_t j = 1; j < M; j++) {
            x = tz_read_values_if(Vv + j * sv, in_input, n, scr, screen, reject, ahead);
            const double *s = S + j * M + c0;
            for (int k = 0; k < G; k++)
                acc[k] = tz_min(tz_combine(x, tz_set1(s[k]), adv), acc[k]);
        }
    }
    for (int k = 0; k < G; k++) {
        double *out = Vp + (c0 + k) * B;
        const tz_vd base = init ? tz_read_input_if(init + (c0 + k) * si, n, scr, screen, reject, ahead) : tz_load(out);
        tz_store(out, tz_add(base, acc[k]));
    }
}

/* the firm vectors of one group of destinations: whole vectors, then the partial one; IN_
 * (child read in place), ADV_ and SCR_ (costs read in place screened) are literals, and so is
 * diag (G_ == M with M a compile-time constant), so each expansion is a loop without tests */
#define TZ_GROUP_VECTORS(G_, IN_, ADV_, SCR_)                                                   \
    for (ptrdiff_t f = 0; f < whole; f += TZ_W) {                                               \
        tz_prefetch_step(pf);                                                                   \
        tz_message_group(Vv + f, sv, IN_, init ? init + f : NULL, si, TZ_W, Vp + f, S, M, B, c0, \
                         G_, ADV_, fixed_m && G_ == M, SCR_, &screen, reject, ahead);           \
    }
#define TZ_GROUP_SCREENS(G_, IN_, ADV_)                                                         \
    if (!(fixed_m && G_ == M) || reject) { TZ_GROUP_VECTORS(G_, IN_, ADV_, 1) }                 \
    else { TZ_GROUP_VECTORS(G_, IN_, ADV_, 0) }

/* ... and the partial vector, if any (flags tested at run time: one call per block) */
#if TZ_SPECIALISE
#define TZ_GROUP_FLAGS(G_)                                                                      \
        if (adv) {                                                                              \
            if (in_input) { TZ_GROUP_SCREENS(G_, 1, 1) } else { TZ_GROUP_SCREENS(G_, 0, 1) }    \
        } else {                                                                                \
            if (in_input) { TZ_GROUP_SCREENS(G_, 1, 0) } else { TZ_GROUP_SCREENS(G_, 0, 0) }    \
        }
#else  /* the baseline build: the flags tested at run time (one copy per group size, not four) */
#define TZ_GROUP_FLAGS(G_) TZ_GROUP_VECTORS(G_, in_input, adv, 1)
#endif
#define TZ_GROUP_CASE(G_)                                                                       \
    case G_:                                                                                    \
        TZ_GROUP_FLAGS(G_)                                                                      \
        if (whole < nb)                                                                         \
            tz_message_group(Vv + whole, sv, in_input, init ? init + whole : NULL, si,          \
                             (int)(nb - whole), Vp + whole, S, M, B, c0, G_, adv,               \
                             fixed_m && G_ == M, !(fixed_m && G_ == M) || reject, &screen, reject, ahead); \
        break;

/* the message of a node (read as src says) into its parent (values Vp), all firms of the block;
 * returns the screen updated with the costs read in place.  fixed_m: M is a compile-time constant
 * (a literal 1 in the specialisations, 0 in the code for any M). */
TZ_INLINE tz_screen tz_forward_node(const tz_source *src, tz_screen screen, double *Vp, const double *S,
                                    const ptrdiff_t M, ptrdiff_t B, ptrdiff_t nb, int adv, tz_prefetcher *pf,
                                    const ptrdiff_t max_group, const int fixed_m) {
    const double *const Vv = src->child, *const init = src->init;
    const ptrdiff_t sv = src->stride, si = src->stride_init, whole = nb - nb % TZ_W;
    const int in_input = src->child_in_input, reject = src->reject;
    const ptrdiff_t ahead = src->ahead;
    const ptrdiff_t G = tz_group_size(M, max_group);
    for (ptrdiff_t c0 = 0; c0 < M; c0 += G) {
        const int g = M - c0 < G ? (int)(M - c0) : (int)G;
        if (g > max_group)  /* never: tells the compiler which cases of the switch a copy needs */
            __builtin_unreachable();
        switch (g) {
            TZ_GROUP_CASE(1)
            TZ_GROUP_CASE(2)
            TZ_GROUP_CASE(3)
            TZ_GROUP_CASE(4)
            TZ_GROUP_CASE(5)
            TZ_GROUP_CASE(6)
            TZ_GROUP_CASE(7)
            TZ_GROUP_CASE(8)
#if TZ_MAX_GROUP > 8
            TZ_GROUP_CASE(9)
            TZ_GROUP_CASE(10)
            TZ_GROUP_CASE(11)
            TZ_GROUP_CASE(12)
#endif
        }
    }
    return screen;
}
#undef TZ_GROUP_CASE
#undef TZ_GROUP_FLAGS
#undef TZ_GROUP_SCREENS
#undef TZ_GROUP_VECTORS

#if TZ_AVX512
/* Two countries (AVX-512 builds, with statistics): the forward pass also records, for every
 * node, destination country and firm, whether origin country 1 won the minimum (one bit per
 * firm, a byte per firm vector), and backtracking reads those bits instead of redoing the
 * comparisons.  The same sums and the same strict comparison as in tz_backtrack, so the same
 * paths, ties included.  Measured on an AMD Zen 4 machine at M = 2: 0.88-0.99x the time with
 * (N, M, F), 0.84-0.99x with (F, N, M). */
#define TZ_RECORD_PAIRS 1
TZ_INLINE void tz_pair_vector(const double *child, ptrdiff_t sv, const int in_input, const double *init, ptrdiff_t si,
                              int n, double *Vp, ptrdiff_t B, const double *S, int adv, uint8_t *won, ptrdiff_t vectors,
                              tz_screen *screen, int reject, ptrdiff_t ahead) {
    const tz_vd x0 = tz_read_values(child, in_input, n, screen, reject, ahead);
    const tz_vd x1 = tz_read_values(child + sv, in_input, n, screen, reject, ahead);
    for (int c = 0; c < 2; c++) {
        const tz_vd a0 = tz_combine(x0, tz_set1(S[c]), adv), a1 = tz_combine(x1, tz_set1(S[2 + c]), adv);
        won[c * vectors] = (uint8_t)tz_lt(a1, a0);
        double *out = Vp + c * B;
        const tz_vd base = init ? tz_read_input(init + c * si, n, screen, reject, ahead) : tz_load(out);
        tz_store(out, tz_add(base, tz_min(a1, a0)));
    }
}

#define TZ_PAIR_VECTORS(IN_, INIT_)                                                             \
    do {                                                                                        \
        for (ptrdiff_t f = 0; f < whole; f += TZ_W) {                                           \
            tz_prefetch_step(pf);                                                               \
            tz_pair_vector(child + f, sv, IN_, INIT_ ? init + f : NULL, si, TZ_W, Vp + f, B, S, adv, \
                           won + f / TZ_W, vectors, &screen, reject, ahead);                    \
        }                                                                                       \
        if (whole < nb)                                                                         \
            tz_pair_vector(child + whole, sv, IN_, INIT_ ? init + whole : NULL, si, (int)(nb - whole), \
                           Vp + whole, B, S, adv, won + whole / TZ_W, vectors, &screen, reject, ahead); \
    } while (0)

TZ_INLINE tz_screen tz_forward_node_pair(const tz_source *src, tz_screen screen, double *Vp, const double *S,
                                         ptrdiff_t B, ptrdiff_t nb, int adv, uint8_t *won, tz_prefetcher *pf) {
    const ptrdiff_t vectors = B / TZ_W, sv = src->stride, si = src->stride_init, whole = nb - nb % TZ_W;
    const double *const child = src->child, *const init = src->init;
    const int reject = src->reject;
    const ptrdiff_t ahead = src->ahead;
    if (src->child_in_input) {
        if (init) TZ_PAIR_VECTORS(1, 1); else TZ_PAIR_VECTORS(1, 0);
    } else {
        if (init) TZ_PAIR_VECTORS(0, 1); else TZ_PAIR_VECTORS(0, 0);
    }
    return screen;
}
#undef TZ_PAIR_VECTORS

TZ_INLINE void tz_backtrack_pair(const tz_problem *P, ptrdiff_t nb, const uint8_t *won, int32_t *loc,
                                 tz_prefetcher *pf) {
    const ptrdiff_t B = P->B, vectors = B / TZ_W;
    const __m512i one = _mm512_set1_epi64(1);
    for (ptrdiff_t v = P->N - 2; v >= 0; v--) {
        const int32_t *const lp = loc + P->parent[v] * B;
        const uint8_t *const w = won + v * 2 * vectors;
        for (ptrdiff_t f = 0; f < nb; f += TZ_W) {
            tz_prefetch_step(pf);
            const __mmask8 at1 = tz_ieq(tz_iload32(lp + f), 1);
            const __mmask8 bits = (__mmask8)((w[f / TZ_W] & ~at1) | (w[vectors + f / TZ_W] & at1));
            tz_istore32(loc + v * B + f, _mm512_maskz_mov_epi64(bits, one));
        }
    }
}
#else
#define TZ_RECORD_PAIRS 0
#endif

/* 3. the final node's country and the marginal cost (and the final shipment cost) */
TZ_INLINE void tz_final_node(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, const double *V,
                             int32_t *loc, const ptrdiff_t M, tz_screen *screen) {
    const ptrdiff_t B = P->B, root = P->N - 1;
    const int adv = P->advalorem;
    /* costs read in place and not screened as read (NaN only, see tz_message_group): their NaN
       has travelled into the final node's values */
    const int check = P->inplace && !P->reject_negative;
    const double *Vr = V + root * M * B;
    for (ptrdiff_t f = 0; f < nb; f += TZ_W) {
        const int n = tz_lanes(nb, f);
        tz_vd value = tz_load(Vr + f);
        if (check)
            *screen = tz_screen_add(*screen, value, 0);
        tz_vd best = tz_combine(value, tz_set1(adv ? 1.0 + P->final[0] : P->final[0]), adv);
        tz_vi where = tz_iset1(0);
        for (ptrdiff_t c = 1; c < M; c++) {
            tz_vd vc = tz_load(Vr + c * B + f);
            if (check)
                *screen = tz_screen_add(*screen, vc, 0);
            tz_vd x = tz_combine(vc, tz_set1(adv ? 1.0 + P->final[c] : P->final[c]), adv);
            tz_mask better = tz_lt(x, best);
            best = tz_min(x, best);
            value = tz_select(better, value, vc);
            where = tz_iselect(better, where, tz_iset1(c));
        }
        tz_store_n(P->mc + f0 + f, best, n);
        tz_istore32(loc + root * B + f, where);
        if (P->stats) {
            tz_vd shipment = tz_lookup(P->final, where, M);
            tz_store_n(P->final_cost + f0 + f, adv ? tz_mul(shipment, value) : shipment, n);
        }
    }
}

/* where node v's values are for the block of firm f0 (*stride: distance between its countries):
 * a leaf's values are its costs, read in place when P->inplace; the others are in the scratch V */
TZ_INLINE const double *tz_values(const tz_problem *P, const double *V, ptrdiff_t f0, ptrdiff_t v,
                                  ptrdiff_t M, ptrdiff_t *stride) {
    if (P->inplace && P->leaf[v]) {
        *stride = P->F;
        return P->costs + v * M * P->F + f0;
    }
    *stride = P->B;
    return V + v * M * P->B;
}

/* costs[f0 + f + lane][v][lv] for the first n lanes, gathered from the input (either layout) */
TZ_INLINE tz_vd tz_node_cost(const tz_problem *P, ptrdiff_t f0, ptrdiff_t f, ptrdiff_t v, tz_vi lv, int n,
                             const ptrdiff_t M) {
    const ptrdiff_t F = P->F, NM = P->N * M;
    if (P->firms_last)  /* costs[v][lv][f0 + f + lane] */
        return tz_gather_n(P->costs + v * M * F + f0 + f, tz_iadd(tz_imul(lv, F), tz_iota()), n);
    return tz_gather_n(P->costs + (f0 + f) * NM + v * M, tz_iadd(tz_imul(tz_iota(), NM), lv), n);
}

/* 4. loc[v] = argmin_j V_v(j) (+) S_v(j, loc[parent v]), parents before children */
TZ_INLINE void tz_backtrack_vector(const double *Vv, ptrdiff_t sv, const int in_input, int n, const double *Sv,
                                   ptrdiff_t W, const int32_t *lp, int32_t *lv, const ptrdiff_t M, int adv) {
    const tz_vi cp = tz_iload32(lp);
    tz_vd best = tz_combine(in_input ? tz_load_lanes(Vv, n) : tz_load(Vv), tz_lookup_padded(Sv, cp, W), adv);
    tz_vi where = tz_iset1(0);
    for (ptrdiff_t j = 1; j < M; j++) {
        const tz_vd x = tz_combine(in_input ? tz_load_lanes(Vv + j * sv, n) : tz_load(Vv + j * sv),
                                   tz_lookup_padded(Sv + j * W, cp, W), adv);
        const tz_mask better = tz_lt(x, best);
        best = tz_min(x, best);
        where = tz_iselect(better, where, tz_iset1(j));
    }
    tz_istore32(lv, where);
}

#define TZ_BACKTRACK_VECTORS(IN_)                                                               \
    do {                                                                                        \
        for (ptrdiff_t f = 0; f < whole; f += TZ_W) {                                           \
            tz_prefetch_step(pf);                                                               \
            tz_backtrack_vector(Vv + f, sv, IN_, TZ_W, Sv, W, lp + f, loc + v * B + f, M, adv); \
        }                                                                                       \
        if (whole < nb)                                                                         \
            tz_backtrack_vector(Vv + whole, sv, IN_, (int)(nb - whole), Sv, W, lp + whole,      \
                                loc + v * B + whole, M, adv);                                   \
    } while (0)

TZ_INLINE void tz_backtrack(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, const double *V, int32_t *loc,
                            tz_prefetcher *pf, const ptrdiff_t M) {
    const ptrdiff_t B = P->B, W = tz_row_width(M), whole = nb - nb % TZ_W;
    const int adv = P->advalorem;
    for (ptrdiff_t v = P->N - 2; v >= 0; v--) {
        ptrdiff_t sv;
        const double *const Vv = tz_values(P, V, f0, v, M, &sv), *const Sv = P->step_rows + v * M * W;
        const int32_t *const lp = loc + P->parent[v] * B;
        if (P->inplace && P->leaf[v])
            TZ_BACKTRACK_VECTORS(1);
        else
            TZ_BACKTRACK_VECTORS(0);
    }
}
#undef TZ_BACKTRACK_VECTORS

/* rows[lv][lane] for the first n lanes: one of M rows (stride apart) selected lane by lane */
TZ_INLINE tz_vd tz_select_row(const double *rows, ptrdiff_t stride, ptrdiff_t M, tz_vi lv, int n) {
    tz_vd x = n == TZ_W ? tz_load(rows) : tz_load_n(rows, n);
    for (ptrdiff_t c = 1; c < M; c++)
        x = tz_select(tz_ieq(lv, c), x, n == TZ_W ? tz_load(rows + c * stride) : tz_load_n(rows + c * stride, n));
    return x;
}

/* Asks for the next block's output lines (firm g = f0 + B + f on; f counts the vectors of this
 * block) for writing, so that its statistics store into lines already owned instead of waiting
 * for each line to be read first.  Measured on an Intel Xeon, family 6 model 207 (interleaved,
 * 100,000 firms, full outputs): 0.93-0.96x the time at M = 2, 0.95-0.98x at M = 5, 0.96-0.97x
 * at M = 10, 0.98-0.99x at M = 20 with (N, M, F); (F, N, M) 0.94-0.98x at M = 2. */
TZ_INLINE void tz_prefetch_outputs(const tz_problem *P, ptrdiff_t g, ptrdiff_t f) {
    if (g >= P->F)
        return;
    if (f % 16 == 0) {  /* int32 outputs: sixteen firms per line */
        for (ptrdiff_t v = 0; v < P->N; v++)
            __builtin_prefetch(P->path + v * P->F + g, 1, 2);
        __builtin_prefetch(P->crossings + g, 1, 2);
    }
    __builtin_prefetch(P->mc + g, 1, 2);
    __builtin_prefetch(P->final_cost + g, 1, 2);
    __builtin_prefetch(P->ntmc + g, 1, 2);
    __builtin_prefetch(P->tq + g, 1, 2);
    __builtin_prefetch(P->trade_cost + g, 1, 2);
}

/* With the (N, M, F) layout and at most this many countries the chosen cost is selected from
 * the input rows, beyond (or with the (F, N, M) layout) it is gathered. */
#define TZ_SELECT_COST_MAX_M 4

/* 5. NTMC, transport quantity, trade cost, crossings (sums over the nodes in increasing order,
 *    as in the NumPy twin) and the paths, node-major.  The chosen costs are gathered from the
 *    input (measured: faster than selecting them from a copy of the block's costs). */
TZ_INLINE void tz_statistics(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, const double *V,
                             const double *C, const int32_t *loc, const ptrdiff_t M) {
    const ptrdiff_t F = P->F, N = P->N, B = P->B, MB = M * B, MM = M * M, root = N - 1;
    const int adv = P->advalorem;
    const int32_t *const parent = P->parent;
    const ptrdiff_t WE = tz_row_width(MM);
    const int select_cost = P->firms_last && M <= TZ_SELECT_COST_MAX_M;
    int32_t *const path = P->path + f0, *const crossings_out = P->crossings + f0;
    double *const ntmc_out = P->ntmc + f0, *const tq_out = P->tq + f0, *const trade_out = P->trade_cost + f0;
    const tz_vd one = tz_set1(1.0);
    for (ptrdiff_t f = 0; f < nb; f += TZ_W) {
        const int n = tz_lanes(nb, f);
        tz_prefetch_outputs(P, f0 + B + f, f);
        tz_vd ntmc = tz_zero(), tq = tz_zero(), trade = tz_zero();
        tz_vi crossings = tz_iset1(0);
        for (ptrdiff_t v = 0; v < N; v++) {
            const tz_vi lv = tz_iload32(loc + v * B + f);
            ntmc = tz_add(ntmc, C ? tz_select_row(C + v * MB + f, B, M, lv, TZ_W)
                                  : select_cost ? tz_select_row(P->costs + v * M * F + f0 + f, F, M, lv, n)
                                                : tz_node_cost(P, f0, f, v, lv, n, M));
            if (n == TZ_W)
                tz_istore32(path + v * F + f, lv);
            else
                tz_istore32_n(path + v * F + f, lv, n);
            if (v == root)
                continue;
            /* T and S (- 1 if ad-valorem) vanish on the diagonal (validated), so staying in a
               country adds exactly zero */
            const tz_vi lp = tz_iload32(loc + parent[v] * B + f);
            const tz_vi entry = tz_iadd(tz_imul(lv, M), lp);
            tz_vd moved = tz_lookup_padded(P->trade_entries, entry, WE);
            tz_vd paid = tz_lookup_padded(P->step_entries + v * WE, entry, WE);
            if (adv) {  /* crossing costs scale with the value of the good crossing */
                ptrdiff_t sv;
                const double *const values = tz_values(P, V, f0, v, M, &sv);
                const tz_vd weight = tz_select_row(values + f, sv, M, lv, n);
                moved = tz_mul(moved, weight);
                paid = tz_mul(tz_sub(paid, one), weight);
            }
            tq = tz_add(tq, moved);
            trade = tz_add(trade, paid);
            crossings = tz_icount(crossings, tz_ine(lv, lp));
        }
        tz_store_n(ntmc_out + f, ntmc, n);
        tz_store_n(tq_out + f, tq, n);
        tz_store_n(trade_out + f, trade, n);
        tz_istore32_n(crossings_out + f, crossings, n);
    }
}

/* With the (F, N, M) layout, statistics and up to this many countries, the load keeps a second
 * copy of the block's (transposed) costs and the statistics select the chosen costs from it
 * instead of gathering them from the input.  Measured on an AMD Zen 4 machine
 * (interleaved, 100,000 firms, full outputs): 10-16% faster at M = 2; at M = 3 0.91x and 1.10x
 * in two runs, at M = 4 no change, at M = 5 and 8 5-8% slower (the second copy's stores and
 * the M-way select outweigh the gathers there). */
#define TZ_KEEP_COSTS_MAX_M 2

/* whether a block keeps the copy of its costs (see TZ_KEEP_COSTS_MAX_M) */
static inline int tz_keeps_costs(const tz_problem *P) {
    return !P->firms_last && P->stats && P->M <= TZ_KEEP_COSTS_MAX_M;
}

/* scratch memory one thread needs for the blocks of P: the values, the copy of the costs (if
 * kept), the locations and (two countries) the choices recorded in the forward pass */
static inline size_t tz_scratch_bytes(const tz_problem *P) {
    const size_t values = (size_t)(P->N * P->M * P->B);
    return (tz_keeps_costs(P) ? 2 : 1) * values * sizeof(double) + (size_t)(P->N * P->B) * sizeof(int32_t)
           + (size_t)(P->N * 2 * (P->B / TZ_W));  /* the bits recorded with two countries */
}

/* the block's steps 2 to 5 with the number of countries M (a compile-time constant in the
 * specialisations below, so that the loops over countries unroll).  Returns 1 if costs read in
 * place were flagged by the screen (never when they were copied: the copy screens them). */
TZ_INLINE int tz_solve_loaded_block(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, double *V, const double *C,
                                    int32_t *loc, const ptrdiff_t M, const ptrdiff_t max_group, const int fixed_m) {
    const ptrdiff_t N = P->N, B = P->B, MB = M * B, root = N - 1;
    const ptrdiff_t nvec = (nb + TZ_W - 1) / TZ_W, groups = tz_groups(M, max_group);
    tz_prefetcher pf = tz_prefetcher_for(P, f0 + tz_prefetch_blocks_ahead(P) * B, nvec * root * (groups + (P->stats ? 1 : 0)));
    tz_screen screen = tz_screen_none();
    const ptrdiff_t ahead = f0 + tz_prefetch_blocks_ahead(P) * B < P->F ? tz_prefetch_blocks_ahead(P) * B : 0;
#if TZ_RECORD_PAIRS
    uint8_t *const won = (uint8_t *)(loc + N * B);
    const int pairs = M == 2 && P->stats;
#endif
    for (ptrdiff_t v = 0; v < root; v++) {
        const ptrdiff_t p = P->parent[v];
        tz_source src;
        src.child = tz_values(P, V, f0, v, M, &src.stride);
        src.child_in_input = P->inplace && P->leaf[v];
        src.init = P->inplace && P->first_child[v] ? P->costs + p * M * P->F + f0 : NULL;
        src.stride_init = P->F;
        src.reject = P->reject_negative;
        src.ahead = ahead;
#if TZ_RECORD_PAIRS
        if (pairs) {
            screen = tz_forward_node_pair(&src, screen, V + p * MB, P->step + v * M * M, B, nb, P->advalorem,
                                          won + v * 2 * (B / TZ_W), &pf);
            continue;
        }
#endif
        screen = tz_forward_node(&src, screen, V + p * MB, P->step + v * M * M, M, B, nb, P->advalorem, &pf, max_group,
                                 fixed_m);
    }
    tz_final_node(P, f0, nb, V, loc, M, &screen);
    if (P->stats) {
#if TZ_RECORD_PAIRS
        if (pairs)
            tz_backtrack_pair(P, nb, won, loc, &pf);
        else
#endif
            tz_backtrack(P, f0, nb, V, loc, &pf, M);
        tz_statistics(P, f0, nb, V, C, loc, M);
    }
    return P->inplace && tz_screen_flagged(screen, P->reject_negative);
}

#if TZ_SPECIALISE
#define TZ_SPECIALISED(M_)                                                                     \
    static int tz_solve_loaded_block_##M_(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb,     \
                                          double *V, const double *C, int32_t *loc) {          \
        return tz_solve_loaded_block(P, f0, nb, V, C, loc, M_, TZ_MAX_GROUP, 1);               \
    }
TZ_SPECIALISED(2)
TZ_SPECIALISED(3)
TZ_SPECIALISED(4)
TZ_SPECIALISED(5)
TZ_SPECIALISED(6)
TZ_SPECIALISED(7)
TZ_SPECIALISED(8)
TZ_SPECIALISED(10)
#undef TZ_SPECIALISED
#endif

static int tz_solve_loaded_block_any(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, double *V, const double *C,
                                     int32_t *loc) {
    return tz_solve_loaded_block(P, f0, nb, V, C, loc, P->M, 8, 0);
}

/* Solve firms f0 .. f0 + nb - 1 with tz_scratch_bytes(P) bytes of 64-byte aligned scratch.
 * Returns the number of invalid costs in the block (nothing is trustworthy if it is not 0). */
static int tz_solve_block(const tz_problem *P, ptrdiff_t f0, ptrdiff_t nb, void *scratch) {
    const ptrdiff_t NMB = P->N * P->M * P->B;
    double *const V = (double *)scratch;
    double *const C = tz_keeps_costs(P) ? V + NMB : NULL;
    int32_t *const loc = (int32_t *)(V + (C ? 2 : 1) * NMB);
    const int invalid = P->inplace ? 0 : tz_load_block(P, f0, nb, V, C);
    int flagged;
#if !TZ_SPECIALISE
    flagged = tz_solve_loaded_block_any(P, f0, nb, V, C, loc);
#else
    switch (P->M) {
        case 2: flagged = tz_solve_loaded_block_2(P, f0, nb, V, C, loc); break;
        case 3: flagged = tz_solve_loaded_block_3(P, f0, nb, V, C, loc); break;
        case 4: flagged = tz_solve_loaded_block_4(P, f0, nb, V, C, loc); break;
        case 5: flagged = tz_solve_loaded_block_5(P, f0, nb, V, C, loc); break;
        case 6: flagged = tz_solve_loaded_block_6(P, f0, nb, V, C, loc); break;
        case 7: flagged = tz_solve_loaded_block_7(P, f0, nb, V, C, loc); break;
        case 8: flagged = tz_solve_loaded_block_8(P, f0, nb, V, C, loc); break;
        case 10: flagged = tz_solve_loaded_block_10(P, f0, nb, V, C, loc); break;
        default: flagged = tz_solve_loaded_block_any(P, f0, nb, V, C, loc);
    }
#endif
    if (flagged)  /* costs read in place: count them exactly */
        return tz_count_invalid(P, f0, nb);
    return invalid;
}

#endif
