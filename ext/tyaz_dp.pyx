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
and every loop works on eight firms at once.  The forward pass only computes minima; the
optimal locations are recovered afterwards, node by node, by recomputing the ``argmin`` for
the parent's chosen country (``N * M`` work per firm instead of ``N * M^2``).  The comparison
uses the very same stored numbers (``S`` holds ``tau_v T`` or ``1 + tau_v T``, precomputed
once), so the recovered path attains the minimum exactly.  Ties go to the lowest country index.

This file validates, allocates and runs the blocks over OpenMP threads; the arithmetic of a
block is ``tyaz_block.h``, written on the eight-lane vectors of ``tyaz_simd.h`` (AVX-512, AVX2
or plain C, whichever the compiler targets; ``SIMD`` tells which -- all give the same numbers).
The ``-march=native`` below makes setup.py build this module once per x86-64 level (AVX-512,
AVX2, plain C) and ``equilibria.ext`` load the one the processor runs.

The NumPy twin is ``equilibria.plugins.tyazhelnikov2016.reference``.
"""
from cython.parallel cimport prange, parallel
from libc.stdlib cimport free
from libc.stdint cimport int32_t, uint8_t

import numpy as np

from equilibria.threads import team_size

PARALLEL_MIN_WORK = 2_000_000
"""Min-plus operations (``F * N * M**2``) from which the blocks run on a team of threads (docs/benchmarks.md)."""

# the block solver: eight firms per vector, AVX-512 or portable C (bitwise identical)
cdef extern from "tyaz_block.h" nogil:
    int TZ_W
    int TZ_AVX512
    int TZ_AVX2
    ctypedef struct tz_problem:
        const double *costs
        int firms_last
        Py_ssize_t F, N, M, B
        const double *step
        const double *step_rows
        const double *step_entries
        const double *trade_entries
        const int32_t *parent
        const double *final
        int advalorem
        int stats
        int reject_negative
        int inplace
        const uint8_t *leaf
        const uint8_t *first_child
        double *mc
        int32_t *path
        double *ntmc
        double *tq
        double *trade_cost
        double *final_cost
        int32_t *crossings
    int tz_solve_block(const tz_problem *P, Py_ssize_t f0, Py_ssize_t nb, void *scratch)
    size_t tz_scratch_bytes(const tz_problem *P)
    Py_ssize_t tz_row_width(Py_ssize_t M)
    Py_ssize_t tz_default_block(int firms_last, Py_ssize_t M)
    void *tz_alloc(size_t nbytes)


SIMD = "avx512" if TZ_AVX512 else ("avx2" if TZ_AVX2 else "portable")
"""Which implementation of the eight-lane vectors this build uses."""


def solve_tree_batch(const double[:, :, ::1] costs, const double[:, :, ::1] step,
                     const double[:, ::1] trade_costs, const int32_t[::1] parent,
                     const double[::1] final, bint advalorem, int block=0, int threads=0, dict out=None,
                     bint firms_last=False, bint stats=True, bint finite_nonnegative=False):
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
        Firms per block (rounded up to whole vectors of eight); 0 (the default) chooses by layout
        and processor (``tz_default_block`` in tyaz_block.h): 64 for (F, N, M), whose blocks are
        contiguous and then fit in the first-level cache with their values; for (N, M, F), whose
        blocks are N * M separate runs of the rows, 128, or 64 up to M = 8 on processors other
        than AMD's (measured: see ``tz_default_block``).
    threads : int
        OpenMP threads; 0 (the default): one below ``PARALLEL_MIN_WORK`` min-plus operations
        (``F * N * M**2``), else the threads setting of :mod:`equilibria.threads`; never more
        than there are blocks.
    out : dict, optional
        Preallocated outputs (the arrays of a previous call with the same shapes) to write into.
    stats : bool
        If false, only ``mc`` is computed (no backtracking, no path statistics): ``path``,
        ``ntmc``, ``tq``, ``trade_cost``, ``final_cost`` and ``crossings`` are returned
        unwritten (uninitialised, or the previous contents of ``out``).
    finite_nonnegative : bool
        If true, negative and infinite costs are rejected as well as NaN (checked while the
        costs are read, at no extra pass over them).

    Raises
    ------
    ValueError
        If a cost is NaN (or, with ``finite_nonnegative``, negative or infinite); the outputs
        are then not to be trusted.

    Returns
    -------
    dict with ``mc``, ``path`` (F, N) int32 (column-major: the transpose of the (N, F) array the
    kernel writes node by node, so that eight firms' countries are one contiguous store),
    ``ntmc``, ``tq``, ``trade_cost``,
    ``final_cost``, ``crossings`` (int32).
    """
    cdef Py_ssize_t F = costs.shape[0], N = costs.shape[1], M = costs.shape[2]
    if firms_last:
        N, M, F = costs.shape[0], costs.shape[1], costs.shape[2]
    cdef Py_ssize_t B = block, nblocks, blk, f0, nb
    if B == 0:
        B = tz_default_block(1 if firms_last else 0, M)
    if B < 1:
        raise ValueError("block must be positive (or 0 to choose by layout)")
    if F >= 2 ** 31 or N * M >= 2 ** 31:
        raise ValueError("too many firms or nodes x countries for one call (split the population)")
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
        # One allocation for all outputs (views into it): freed and allocated again call after
        # call, seven separate arrays made glibc hand their pages back to the system each time,
        # and the ~2,000 page faults of touching them again cost as much as the solve itself at
        # 100,000 firms (docs/plugins/tyazhelnikov2016.md).  float64 outputs first, so every view is aligned.
        buffer = np.empty(F * (5 * 8 + 4 + 4 * N), dtype=np.uint8)
        mc_a, ntmc_a, tq_a, trade_a, final_a = buffer[:40 * F].view(np.float64).reshape(5, F)
        cross_a = buffer[40 * F:44 * F].view(np.int32)
        path_a = buffer[44 * F:].view(np.int32).reshape(N, F).T
    else:
        mc_a, path_a, ntmc_a, tq_a = out["mc"], out["path"], out["ntmc"], out["tq"]
        trade_a, final_a, cross_a = out["trade_cost"], out["final_cost"], out["crossings"]
        if path_a.shape[0] != F or path_a.shape[1] != N or any(x.shape[0] != F for x in (mc_a, ntmc_a, tq_a, trade_a, final_a, cross_a)):
            raise ValueError("out arrays do not match the number of firms and nodes")
    cdef double[::1] mc = mc_a, ntmc = ntmc_a, tq = tq_a, trade = trade_a, fin = final_a
    if not path_a.T.flags.c_contiguous:
        raise ValueError("out['path'] must be the transpose of a C-contiguous (N, F) array")
    cdef int32_t[:, ::1] path = path_a.T
    cdef int32_t[::1] cross = cross_a
    cdef int nt = threads
    if F == 0:
        return dict(mc=mc_a, path=path_a, ntmc=ntmc_a, tq=tq_a, trade_cost=trade_a,
                    final_cost=final_a, crossings=cross_a)
    B = (B + TZ_W - 1) // TZ_W * TZ_W  # whole vectors of firms
    cdef tz_problem problem
    problem.costs = &costs[0, 0, 0]
    problem.firms_last = 1 if firms_last else 0
    problem.F, problem.N, problem.M, problem.B = F, N, M, B
    problem.step = &step[0, 0, 0]
    rows_a = np.zeros((N, M, tz_row_width(M)))  # the step rows, padded for register lookups
    rows_a[:, :, :M] = step
    cdef const double[:, :, ::1] rows = rows_a
    problem.step_rows = &rows[0, 0, 0]
    entries_a = np.zeros((N, tz_row_width(M * M)))  # step[v] and T flattened, padded likewise
    entries_a[:, :M * M] = np.asarray(step).reshape(N, M * M)
    trade_entries_a = np.zeros(tz_row_width(M * M))
    trade_entries_a[:M * M] = np.asarray(trade_costs).ravel()
    cdef const double[:, ::1] entries = entries_a
    cdef const double[::1] trade_entries = trade_entries_a
    problem.step_entries = &entries[0, 0]
    problem.trade_entries = &trade_entries[0]
    problem.parent = &parent[0]
    problem.final = &final[0]
    problem.advalorem = 1 if advalorem else 0
    problem.stats = 1 if stats else 0
    problem.reject_negative = 1 if finite_nonnegative else 0
    # (N, M, F): the costs are read where they are (a leaf's values are its costs, a parent's
    # values start from its costs with its first child's message), not copied block by block
    leaf_a = np.ones(N, dtype=np.uint8)
    first_child_a = np.zeros(N, dtype=np.uint8)
    for v in range(N - 1):
        if leaf_a[parent[v]]:
            first_child_a[v] = 1  # children come in increasing order: v is the first
            leaf_a[parent[v]] = 0
    cdef const uint8_t[::1] leaf = leaf_a, first_child = first_child_a
    problem.leaf, problem.first_child = &leaf[0], &first_child[0]
    problem.inplace = 1 if (firms_last and N >= 2) else 0
    problem.mc, problem.path, problem.ntmc, problem.tq = &mc[0], &path[0, 0], &ntmc[0], &tq[0]
    problem.trade_cost, problem.final_cost, problem.crossings = &trade[0], &fin[0], &cross[0]
    nblocks = (F + B - 1) // B
    invalid_a = np.zeros(nblocks, dtype=np.int32)
    cdef int32_t[::1] invalid_blocks = invalid_a
    cdef void* scratch
    cdef size_t scratch_bytes = tz_scratch_bytes(&problem)
    nt = team_size(float(F) * N * M * M, PARALLEL_MIN_WORK, threads)
    if nt > nblocks:
        nt = <int> nblocks
    with nogil, parallel(num_threads=nt):
        scratch = tz_alloc(scratch_bytes)
        # guided: long runs of consecutive blocks per thread (each block prefetches a coming one
        # and the hardware follows the rows), shrinking towards the end for balance; measured with
        # 2 threads 5-15% faster than dynamic chunks of 4 blocks
        for blk in prange(nblocks, schedule="guided", chunksize=4):
            f0 = blk * B
            nb = F - f0
            if nb > B:
                nb = B
            if scratch == NULL:  # no scratch memory for this thread: the block is not solved
                invalid_blocks[blk] = -1
            else:
                invalid_blocks[blk] = tz_solve_block(&problem, f0, nb, scratch)
        free(scratch)
    if (invalid_a < 0).any():
        raise MemoryError(f"no room for the kernel's scratch memory ({scratch_bytes} bytes per thread)")
    if invalid_a.any():
        raise ValueError(f"costs contain {int(invalid_a.sum())} "
                         + ("NaN, negative or infinite entries" if finite_nonnegative else "NaN entries"))
    return dict(mc=mc_a, path=path_a, ntmc=ntmc_a, tq=tq_a, trade_cost=trade_a,
                final_cost=final_a, crossings=cross_a)
