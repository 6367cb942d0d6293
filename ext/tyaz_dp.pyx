# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
# distutils: extra_compile_args = -march=native -ffp-contract=off
"""Batched dynamic programs of Tyazhelnikov (2016), "Production Clusters and Offshoring".

One call solves the cost-minimisation problem of many firms that share a production
technology (a snake or a tree) and trade costs, but each has its own matrix of production
costs ``a[v, j]`` (node ``v``, country ``j``).

The recursion is the *reversed* induction of section 2.2 (eq. 4 and 6): nodes are visited
from the most upstream to the final node, and the value of node ``v`` in country ``c`` is

    unit (per-unit) trade costs, eq. (6):
        V_v(c) = a_v(c) + sum_{u child of v} min_j [ V_u(j) + tau_u T(j, c) ]
    ad-valorem tariff / iceberg costs, eq. (7)-(9) read with the "1 +" of eq. (8):
        V_v(c) = a_v(c) + sum_{u child of v} min_j [ V_u(j) * (1 + tau_u T(j, c)) ]

The snake (eq. 1-2) is the tree whose parent array is ``0 -> 1 -> ... -> N-1``.
The marginal cost is ``min_c V_root(c) (+) final(c)`` where ``final(c) = tau^F T^F(c, d)``
is the shipment cost of the final good to its destination ``d`` (section 3.3; added for
unit costs, applied as ``* (1 + final(c))`` for ad-valorem costs).

Layout: within a block of ``block`` firms the values are stored ``V[node][country][firm]``
so that the innermost loop runs over firms and vectorises.  The forward pass only computes
minima; the optimal locations are recovered afterwards, firm by firm, by recomputing the
``argmin`` for the parent's chosen country (``N * M`` work per firm instead of ``N * M^2``).
The comparison uses the very same stored numbers (``S`` holds ``tau_v T`` or
``1 + tau_v T``, precomputed once), so the recovered path attains the minimum exactly.
Ties go to the lowest country index.

The NumPy twin is ``equilibria.plugins.tyazhelnikov2016.reference``.
"""
from cython.parallel cimport prange, parallel
from libc.stdlib cimport malloc, free
from libc.stdint cimport int32_t

import numpy as np

cdef extern from *:
    # restrict-qualified pointers: the block's buffers and outputs never alias, which lets the
    # compiler vectorise the gathers of the backtracking and statistics loops
    ctypedef double* dptr "double *__restrict__"
    ctypedef const double* cdptr "const double *__restrict__"
    ctypedef int32_t* iptr "int32_t *__restrict__"
    ctypedef const int32_t* ciptr "const int32_t *__restrict__"

cdef extern from *:
    """
    #define TYAZ_MIN(a, b) ((a) < (b) ? (a) : (b))
    """
    double TYAZ_MIN(double a, double b) nogil


cdef inline double _combine(double value, double step, int advalorem) noexcept nogil:
    """``value + step`` (unit costs) or ``value * step`` (ad-valorem: step = 1 + tau T)."""
    return value * step if advalorem else value + step


cdef inline void _message4(cdptr Vv, dptr Vp, cdptr Sv, Py_ssize_t c, Py_ssize_t M, Py_ssize_t B,
                           Py_ssize_t nb, int adv) noexcept nogil:
    """Messages into four destination countries ``c .. c+3`` at once (register blocking; used for M >= 4).

    For each group of 8 firms the 4 x 8 running minima stay in registers while ``j`` runs over
    the origin countries, so every load of ``V_v(j)`` feeds four min-plus operations.
    """
    cdef double a0[8]
    cdef double a1[8]
    cdef double a2[8]
    cdef double a3[8]
    cdef double s0, s1, s2, s3, x
    cdef Py_ssize_t f, j, k, nb8 = nb - nb % 8
    cdef cdptr row
    f = 0
    while f < nb8:
        row = Vv + f
        s0 = Sv[c]
        s1 = Sv[c + 1]
        s2 = Sv[c + 2]
        s3 = Sv[c + 3]
        for k in range(8):
            x = row[k]
            a0[k] = _combine(x, s0, adv)
            a1[k] = _combine(x, s1, adv)
            a2[k] = _combine(x, s2, adv)
            a3[k] = _combine(x, s3, adv)
        for j in range(1, M):
            row = Vv + j * B + f
            s0 = Sv[j * M + c]
            s1 = Sv[j * M + c + 1]
            s2 = Sv[j * M + c + 2]
            s3 = Sv[j * M + c + 3]
            for k in range(8):
                x = row[k]
                a0[k] = TYAZ_MIN(_combine(x, s0, adv), a0[k])
                a1[k] = TYAZ_MIN(_combine(x, s1, adv), a1[k])
                a2[k] = TYAZ_MIN(_combine(x, s2, adv), a2[k])
                a3[k] = TYAZ_MIN(_combine(x, s3, adv), a3[k])
        for k in range(8):
            Vp[c * B + f + k] += a0[k]
            Vp[(c + 1) * B + f + k] += a1[k]
            Vp[(c + 2) * B + f + k] += a2[k]
            Vp[(c + 3) * B + f + k] += a3[k]
        f += 8
    for f in range(nb8, nb):  # the firms left over
        for k in range(4):
            x = _combine(Vv[f], Sv[c + k], adv)
            for j in range(1, M):
                x = TYAZ_MIN(_combine(Vv[j * B + f], Sv[j * M + c + k], adv), x)
            Vp[(c + k) * B + f] += x


cdef inline void _message(cdptr Vv, dptr Vp, cdptr Sv, dptr tmp, Py_ssize_t M, Py_ssize_t B,
                          Py_ssize_t nb, Py_ssize_t first, int adv) noexcept nogil:
    """Vp[c][f] += min_j Vv[j][f] (+ or *) Sv[j][c] for destinations c >= first (eq. 6 / eq. 9)."""
    cdef Py_ssize_t c, j, f
    cdef double s
    cdef cdptr row
    cdef dptr out
    for c in range(first, M):
        s = Sv[c]
        for f in range(nb):
            tmp[f] = _combine(Vv[f], s, adv)
        for j in range(1, M):
            s = Sv[j * M + c]
            row = Vv + j * B
            for f in range(nb):
                tmp[f] = TYAZ_MIN(_combine(row[f], s, adv), tmp[f])
        out = Vp + c * B
        for f in range(nb):
            out[f] += tmp[f]


cdef void _solve_block(cdptr A, int firms_last, Py_ssize_t F, Py_ssize_t f0, Py_ssize_t nb,
                       Py_ssize_t N, Py_ssize_t M, Py_ssize_t B,
                       cdptr S, cdptr T, ciptr parent,
                       cdptr final, int advalorem,
                       dptr V, dptr tmp, iptr loc,
                       dptr mc, iptr path, dptr ntmc, dptr tq, dptr trade_cost,
                       dptr final_cost, iptr crossings, iptr nan_count, int stats) noexcept nogil:
    """Solve firms ``f0 .. f0 + nb - 1``; every inner loop runs over the firms of the block.

    ``V`` holds ``N * M * B`` values, ``tmp`` ``B`` values and ``loc`` ``N * B`` locations.
    With ``stats = 0`` only ``mc`` is written: no backtracking, no paths, no statistics.
    """
    cdef Py_ssize_t f, v, c, j, p, root = N - 1, MB = M * B, MM = M * M, NM = N * M
    cdef int32_t k, cp
    cdef double x, t, s, weight, moved
    cdef double s00, s01, s10, s11, t00, t01, t10, t11
    cdef cdptr a
    cdef dptr row
    cdef cdptr Sv
    cdef iptr lv
    cdef ciptr lp
    # 1. V[v][c][f] = a[f0 + f, v, c]: the block with firms innermost (a transpose unless the
    #    costs are already laid out (nodes, countries, firms))
    cdef Py_ssize_t cstride = F if firms_last else 1    # distance between countries
    cdef Py_ssize_t fstride = 1 if firms_last else NM   # distance between firms
    cdef Py_ssize_t vstride = M * F if firms_last else M
    cdef int32_t nans = 0
    for v in range(N):
        for c in range(M):
            a = A + f0 * fstride + v * vstride + c * cstride
            row = V + v * MB + c * B
            # (NaN is counted on the way: min() would silently skip it)
            if firms_last:
                for f in range(nb):
                    x = a[f]
                    row[f] = x
                    nans += (x != x)
            else:
                for f in range(nb):
                    x = a[f * NM]
                    row[f] = x
                    nans += (x != x)
    nan_count[0] = nans
    # 2. forward pass in topological order (children have smaller indices than parents):
    #    destination countries in groups of four, the remaining ones one at a time
    for v in range(root):
        c = 0
        if M >= 4:
            while c + 4 <= M:
                _message4(V + v * MB, V + parent[v] * MB, S + v * MM, c, M, B, nb, advalorem)
                c += 4
        if c < M:
            _message(V + v * MB, V + parent[v] * MB, S + v * MM, tmp, M, B, nb, c, advalorem)
    # 3. the final node: argmin over countries of V_root (+ or *) the final shipment cost
    lv = loc + root * B
    row = V + root * MB
    s = 1.0 + final[0] if advalorem else final[0]
    for f in range(nb):
        tmp[f] = _combine(row[f], s, advalorem)
        lv[f] = 0
    for c in range(1, M):
        row = V + root * MB + c * B
        s = 1.0 + final[c] if advalorem else final[c]
        k = <int32_t> c
        for f in range(nb):
            x = _combine(row[f], s, advalorem)
            t = tmp[f]
            lv[f] = k if x < t else lv[f]
            tmp[f] = TYAZ_MIN(x, t)
    if not stats:
        for f in range(nb):
            mc[f0 + f] = tmp[f]
        return
    for f in range(nb):
        mc[f0 + f] = tmp[f]
        final_cost[f0 + f] = final[lv[f]] * V[root * MB + lv[f] * B + f] if advalorem else final[lv[f]]
    # 4. the other nodes, parents before children: argmin_j V_v(j) (+ or *) S_v(j, c_parent)
    for v in range(root - 1, -1, -1):
        lv = loc + v * B
        lp = loc + parent[v] * B
        Sv = S + v * MM
        row = V + v * MB
        if M == 2:  # two countries: select the step by the parent's country (blends, no gathers)
            s00, s01, s10, s11 = Sv[0], Sv[1], Sv[2], Sv[3]
            for f in range(nb):
                x = _combine(row[f], s01 if lp[f] else s00, advalorem)
                t = _combine(row[B + f], s11 if lp[f] else s10, advalorem)
                lv[f] = 1 if t < x else 0
            continue
        for f in range(nb):
            tmp[f] = _combine(row[f], Sv[lp[f]], advalorem)
            lv[f] = 0
        for j in range(1, M):
            row = V + v * MB + j * B
            k = <int32_t> j
            for f in range(nb):
                x = _combine(row[f], Sv[j * M + lp[f]], advalorem)
                t = tmp[f]
                lv[f] = k if x < t else lv[f]
                tmp[f] = TYAZ_MIN(x, t)
    # 5. path statistics: NTMC, transport quantity, trade cost, border crossings
    for f in range(nb):
        ntmc[f0 + f] = 0.0
        tq[f0 + f] = 0.0
        trade_cost[f0 + f] = 0.0
        crossings[f0 + f] = 0
    for v in range(N):
        lv = loc + v * B
        a = A + f0 * fstride + v * vstride
        if M == 2 and firms_last:  # the chosen cost selected from two contiguous rows (no gather; with
            # the (F, N, M) layout both entries are strided and the gather is faster)
            for f in range(nb):
                ntmc[f0 + f] += a[f + F] if lv[f] else a[f]
                path[(f0 + f) * N + v] = lv[f]
        elif firms_last:
            for f in range(nb):
                ntmc[f0 + f] += a[f + lv[f] * F]
                path[(f0 + f) * N + v] = lv[f]
        else:
            for f in range(nb):
                ntmc[f0 + f] += a[f * NM + lv[f]]
                path[(f0 + f) * N + v] = lv[f]
        if v == root:
            continue
        lp = loc + parent[v] * B
        Sv = S + v * MM
        # T and S - (1 if ad-valorem) vanish on the diagonal (validated: T(j, j) = 0), so staying in a
        # country adds exactly zero and the loops need no branches (they vectorise with gathers)
        if advalorem and M == 2:  # the same numbers, selected instead of gathered
            t00, t01, t10, t11 = T[0], T[1], T[2], T[3]
            s00, s01, s10, s11 = Sv[0] - 1.0, Sv[1] - 1.0, Sv[2] - 1.0, Sv[3] - 1.0
            row = V + v * MB
            for f in range(nb):
                if lv[f]:
                    weight = row[B + f]
                    x = (t11 if lp[f] else t10) * weight
                    t = (s11 if lp[f] else s10) * weight
                else:
                    weight = row[f]
                    x = (t01 if lp[f] else t00) * weight
                    t = (s01 if lp[f] else s00) * weight
                tq[f0 + f] += x
                trade_cost[f0 + f] += t
                crossings[f0 + f] += (lv[f] != lp[f])
        elif advalorem:
            for f in range(nb):
                # products of two numbers only, no contraction: identical in vector and scalar code
                weight = V[v * MB + lv[f] * B + f]
                x = T[lv[f] * M + lp[f]] * weight
                tq[f0 + f] += x
                x = (Sv[lv[f] * M + lp[f]] - 1.0) * weight
                trade_cost[f0 + f] += x
                crossings[f0 + f] += (lv[f] != lp[f])
        elif M == 2:  # the same table entries, selected instead of gathered
            t00, t01, t10, t11 = T[0], T[1], T[2], T[3]
            s00, s01, s10, s11 = Sv[0], Sv[1], Sv[2], Sv[3]
            for f in range(nb):
                if lv[f]:
                    tq[f0 + f] += t11 if lp[f] else t10
                    trade_cost[f0 + f] += s11 if lp[f] else s10
                else:
                    tq[f0 + f] += t01 if lp[f] else t00
                    trade_cost[f0 + f] += s01 if lp[f] else s00
                crossings[f0 + f] += (lv[f] != lp[f])
        else:
            for f in range(nb):
                tq[f0 + f] += T[lv[f] * M + lp[f]]
                trade_cost[f0 + f] += Sv[lv[f] * M + lp[f]]
                crossings[f0 + f] += (lv[f] != lp[f])


def solve_tree_batch(const double[:, :, ::1] costs, const double[:, :, ::1] step,
                     const double[:, ::1] trade_costs, const int32_t[::1] parent,
                     const double[::1] final, bint advalorem, int block=128, int threads=0, dict out=None,
                     bint firms_last=False, bint stats=True):
    """Solve ``F`` firms' problems on one tree (eq. 5-9 of Tyazhelnikov 2016).

    Parameters
    ----------
    costs : (F, N, M) float64, C-contiguous, or (N, M, F) with ``firms_last=True``
        Production costs ``a[f, v, j]``; nodes in topological order (every node's parent has
        a larger index, the final node is ``N - 1``).  The ``(N, M, F)`` layout skips the
        in-kernel transpose (firms are innermost in the computation).
    step : (N, M, M) float64
        ``step[v, j, c]`` is ``tau_v T(j, c)`` (unit costs) or ``1 + tau_v T(j, c)``
        (ad-valorem); ``step[N-1]`` is unused.
    trade_costs : (M, M) float64
        The unscaled matrix ``T`` (used for the transport quantity TQ); its diagonal must be zero.
    parent : (N,) int32
        ``parent[v] > v`` for ``v < N - 1``; ``parent[N-1] = -1``.
    final : (M,) float64
        Final-good shipment cost ``tau^F T^F(c, d)`` by country of the final node.
    advalorem : bool
    block : int
        Firms per block (the vector length of the inner loops).
    threads : int
        OpenMP threads, 0 for the runtime default.
    out : dict, optional
        Preallocated outputs (the arrays of a previous call with the same shapes) to write into.
    stats : bool
        If false, only ``mc`` is computed (no backtracking, no path statistics): ``path``,
        ``ntmc``, ``tq``, ``trade_cost``, ``final_cost`` and ``crossings`` are returned
        unwritten (uninitialised, or the previous contents of ``out``).

    Returns
    -------
    dict with ``mc``, ``path`` (F, N) int32, ``ntmc``, ``tq``, ``trade_cost``,
    ``final_cost``, ``crossings`` (int32).
    """
    cdef Py_ssize_t F = costs.shape[0], N = costs.shape[1], M = costs.shape[2]
    if firms_last:
        N, M, F = costs.shape[0], costs.shape[1], costs.shape[2]
    cdef Py_ssize_t B = block, nblocks, blk, f0, nb
    if B < 1:
        raise ValueError("block must be positive")
    if N < 1 or M < 1:
        raise ValueError("need at least one node and one country")
    if step.shape[0] != N or step.shape[1] != M or step.shape[2] != M:
        raise ValueError("step must have shape (N, M, M)")
    if trade_costs.shape[0] != M or trade_costs.shape[1] != M:
        raise ValueError("trade_costs must have shape (M, M)")
    if parent.shape[0] != N or final.shape[0] != M:
        raise ValueError("parent must have N entries and final M entries")
    cdef Py_ssize_t v
    for v in range(N - 1):
        if parent[v] <= v or parent[v] >= N:
            raise ValueError("parent must be topologically ordered (parent[v] > v)")
    if parent[N - 1] != -1:
        raise ValueError("the last node must be the final node (parent -1)")
    if out is None:
        mc_a = np.empty(F, dtype=np.float64)
        path_a = np.empty((F, N), dtype=np.int32)
        ntmc_a = np.empty(F, dtype=np.float64)
        tq_a = np.empty(F, dtype=np.float64)
        trade_a = np.empty(F, dtype=np.float64)
        final_a = np.empty(F, dtype=np.float64)
        cross_a = np.empty(F, dtype=np.int32)
    else:
        mc_a, path_a, ntmc_a, tq_a = out["mc"], out["path"], out["ntmc"], out["tq"]
        trade_a, final_a, cross_a = out["trade_cost"], out["final_cost"], out["crossings"]
        if path_a.shape[0] != F or path_a.shape[1] != N or any(x.shape[0] != F for x in (mc_a, ntmc_a, tq_a, trade_a, final_a, cross_a)):
            raise ValueError("out arrays do not match the number of firms and nodes")
    cdef double[::1] mc = mc_a, ntmc = ntmc_a, tq = tq_a, trade = trade_a, fin = final_a
    cdef int32_t[:, ::1] path = path_a
    cdef int32_t[::1] cross = cross_a
    cdef const double* S = &step[0, 0, 0]
    cdef const double* A
    cdef const double* T = &trade_costs[0, 0]
    cdef const int32_t* P = &parent[0]
    cdef const double* FIN = &final[0]
    cdef int adv = 1 if advalorem else 0
    cdef double* V
    cdef double* tmp
    cdef int32_t* loc
    cdef int nt = threads
    cdef int want = 1 if stats else 0
    if F == 0:
        return dict(mc=mc_a, path=path_a, ntmc=ntmc_a, tq=tq_a, trade_cost=trade_a,
                    final_cost=final_a, crossings=cross_a)
    A = &costs[0, 0, 0]
    nblocks = (F + B - 1) // B
    nan_a = np.zeros(nblocks, dtype=np.int32)
    cdef int32_t[::1] nan_blocks = nan_a
    if nt <= 0:
        import os
        nt = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if nt > nblocks:
        nt = <int> nblocks
    with nogil, parallel(num_threads=nt):
        V = <double*> malloc(N * M * B * sizeof(double))
        tmp = <double*> malloc(B * sizeof(double))
        loc = <int32_t*> malloc(N * B * sizeof(int32_t))
        for blk in prange(nblocks, schedule="dynamic", chunksize=4):
            f0 = blk * B
            nb = F - f0
            if nb > B:
                nb = B
            _solve_block(A, firms_last, F, f0, nb, N, M, B, S, T, P, FIN, adv, V, tmp, loc,
                         &mc[0], &path[0, 0], &ntmc[0], &tq[0], &trade[0], &fin[0], &cross[0], &nan_blocks[blk], want)
        free(V)
        free(tmp)
        free(loc)
    if nan_a.any():
        raise ValueError(f"costs contain {int(nan_a.sum())} NaN entries")
    return dict(mc=mc_a, path=path_a, ntmc=ntmc_a, tq=tq_a, trade_cost=trade_a,
                final_cost=final_a, crossings=cross_a)
