"""Firm problem of Tyazhelnikov (2016): Cython kernel vs NumPy twin vs brute force."""
import numpy as np
import pytest

from equilibria.errors import ParameterError
from equilibria.plugins.tyazhelnikov2016.firm import FirmProblem, solve_firms
from equilibria.plugins.tyazhelnikov2016.reference import brute_force, evaluate_paths
from equilibria.plugins.tyazhelnikov2016.technology import Technology, chain_parents, validate_parents

KEYS = ("mc", "ntmc", "tq", "trade_cost", "final_cost")


def random_tree(rng, n):
    """A random tree with ``n`` nodes in a random labelling."""
    topo = [int(rng.integers(v + 1, n)) for v in range(n - 1)] + [-1]
    perm = rng.permutation(n)  # node v of the topological tree gets label perm[v]
    parents = np.empty(n, dtype=int)
    for v in range(n):
        parents[perm[v]] = -1 if topo[v] == -1 else perm[topo[v]]
    return parents


def random_case(rng, n_max=6, m_max=4):
    n = int(rng.integers(1, n_max + 1))
    m = int(rng.integers(1, m_max + 1))
    T = rng.random((m, m)) * rng.choice([0.3, 1.0, 3.0])
    np.fill_diagonal(T, 0.0)
    tree = rng.random() < 0.6
    parents = random_tree(rng, n) if tree else None
    tau = float(rng.random() * 2) if rng.random() < 0.6 else rng.random(n) * 2
    tariff = str(rng.choice(["unit", "ad_valorem"]))
    kw = {}
    if rng.random() < 0.5:
        kw = dict(destination=int(rng.integers(m)), final_trade_costs=T * rng.random(), tau_final=float(rng.random() * 2))
    costs = rng.random((int(rng.integers(1, 40)), n, m)) * rng.choice([1.0, 10.0])
    return costs, T, tau, parents, tariff, kw


@pytest.mark.parametrize("seed", range(60))
def test_cython_matches_numpy_twin_and_brute_force(seed):
    rng = np.random.default_rng(seed)
    costs, T, tau, parents, tariff, kw = random_case(rng)
    problem = FirmProblem.create(costs.shape[1], T, tau, parents, tariff, **kw)
    cy = problem.solve(costs, backend="cython", block=int(rng.choice([1, 3, 8, 64])), threads=int(rng.integers(1, 3)))
    py = problem.solve(costs, backend="numpy")
    for key in KEYS:
        np.testing.assert_allclose(getattr(cy, key), getattr(py, key), rtol=1e-12, atol=1e-12, err_msg=key)
    np.testing.assert_array_equal(cy.path, py.path)
    np.testing.assert_array_equal(cy.crossings, py.crossings)
    # brute force over all M**N paths finds the same minimum
    pars = chain_parents(costs.shape[1]) if parents is None else parents
    bf = brute_force(costs, pars, T, tau, tariff, problem.final)
    np.testing.assert_allclose(cy.mc, bf["mc"], rtol=1e-12, atol=1e-12)
    # and the DP's path really costs what the DP says, by the paper's objective (eq. 1/5/7-8)
    direct = evaluate_paths(costs, cy.path, pars, T, tau, tariff, problem.final)
    for key in KEYS:
        np.testing.assert_allclose(getattr(cy, key), direct[key], rtol=1e-11, atol=1e-11, err_msg=key)
    np.testing.assert_array_equal(cy.crossings, direct["crossings"])
    # decomposition MC = NTMC + TTMC + final shipment (section 3.1)
    np.testing.assert_allclose(cy.mc, cy.ntmc + cy.trade_cost + cy.final_cost, rtol=1e-12)
    if np.ndim(tau) == 0:
        np.testing.assert_allclose(cy.trade_cost, tau * cy.tq, rtol=1e-12, atol=1e-12)


def test_large_batch_block_and_thread_independence():
    rng = np.random.default_rng(5)
    costs = rng.random((5003, 8, 5))
    T = rng.random((5, 5))
    np.fill_diagonal(T, 0)
    problem = FirmProblem.create(8, T, 0.4, parents=[2, 2, 4, 4, 7, 7, 7, -1])
    ref = problem.solve(costs, backend="numpy")
    for block in (1, 16, 64, 256):
        for threads in (1, 2):
            out = problem.solve(costs, block=block, threads=threads)
            np.testing.assert_array_equal(out.mc, ref.mc)
            np.testing.assert_array_equal(out.path, ref.path)


def test_proposition_4_example_paths():
    """Proposition 4: a1 = 4,4,4,4,4; a2 = 10,2,5,2,10 (countries 0 and 1 here)."""
    a = np.array([[4, 10], [4, 2], [4, 5], [4, 2], [4, 10]], dtype=float)
    T = np.array([[0.0, 1.0], [1.0, 0.0]])
    expected = {3.0: [0, 0, 0, 0, 0], 1.6: [0, 0, 0, 0, 0], 1.4: [0, 1, 1, 1, 0], 0.6: [0, 1, 1, 1, 0],
                0.4: [0, 1, 0, 1, 0], 0.0: [0, 1, 0, 1, 0]}
    for tau, path in expected.items():
        assert solve_firms(a, T, tau).path[0].tolist() == path, tau


def test_snake_is_the_chain_tree_and_spider_is_separable():
    rng = np.random.default_rng(2)
    costs = rng.random((50, 4, 3))
    T = rng.random((3, 3))
    np.fill_diagonal(T, 0)
    chain = solve_firms(costs, T, 0.7)
    explicit = solve_firms(costs, T, 0.7, parents=[1, 2, 3, -1])
    np.testing.assert_array_equal(chain.mc, explicit.mc)
    # spider: legs 0..2 assembled at node 3; given the assembly location each leg is independent
    spider = solve_firms(costs, T, 0.7, parents=[3, 3, 3, -1])
    legs = costs[:, :3, :, None] + 0.7 * T[None, None]  # (F, leg, j, c)
    by_assembly = costs[:, 3, :] + legs.min(axis=2).sum(axis=1)
    np.testing.assert_allclose(spider.mc, by_assembly.min(axis=1), rtol=1e-12)


def test_limiting_cases_tau_zero_and_huge():
    """Section 3.2: tau = 0 gives the sum of node-wise minima, tau = inf the best single country."""
    rng = np.random.default_rng(3)
    costs = rng.random((100, 6, 3))
    T = np.ones((3, 3)) - np.eye(3)
    parents = [2, 2, 5, 4, 5, -1]
    free = solve_firms(costs, T, 0.0, parents=parents)
    np.testing.assert_allclose(free.mc, costs.min(axis=2).sum(axis=1), rtol=1e-12)
    closed = solve_firms(costs, T, 1e6, parents=parents)
    np.testing.assert_allclose(closed.mc, costs.sum(axis=1).min(axis=1), rtol=1e-12)
    assert (closed.crossings == 0).all()


def test_destination_large_final_cost_moves_final_node():
    """Proposition 6: with a large tau^F the final node is produced in the destination."""
    rng = np.random.default_rng(4)
    costs = rng.random((30, 5, 3))
    T = np.ones((3, 3)) - np.eye(3)
    for d in range(3):
        out = solve_firms(costs, T, 0.2, destination=d, tau_final=100.0)
        assert (out.path[:, -1] == d).all()
        assert (out.final_cost == 0).all()


def test_iceberg_equals_ad_valorem():
    """Section 2.3.1: iceberg matrix T_ice = 1 + tau T gives the ad-valorem solution."""
    rng = np.random.default_rng(6)
    costs = rng.random((20, 5, 3))
    T = rng.random((3, 3))
    np.fill_diagonal(T, 0)
    parents = [1, 4, 3, 4, -1]
    adval = solve_firms(costs, T, 0.8, parents=parents, tariff="ad_valorem")
    iceberg = brute_force(costs, parents, 1.0 + 0.8 * T, None, tariff="iceberg")
    np.testing.assert_allclose(adval.mc, iceberg["mc"], rtol=1e-12)


@pytest.mark.parametrize("bad, name", [
    (dict(costs=[[1.0, -1.0]]), "costs"),
    (dict(costs=[[1.0, float("nan")]]), "costs"),
    (dict(trade_costs=[[1.0, 1.0], [1.0, 0.0]]), "trade_costs"),
    (dict(trade_costs=[[0.0, -1.0], [1.0, 0.0]]), "trade_costs"),
    (dict(trade_costs=[[0.0, 1.0, 1.0], [1.0, 0.0, 1.0]]), "trade_costs"),
    (dict(tau=-1.0), "tau"),
    (dict(tau=float("nan")), "tau"),
    (dict(parents=[1, 0]), "parents"),
    (dict(parents=[-1, -1]), "parents"),
    (dict(parents=[1, 5]), "parents"),
    (dict(tariff="specific"), "tariff"),
    (dict(destination=2), "destination"),
])
def test_invalid_input_names_the_parameter(bad, name):
    args = dict(costs=[[1.0, 2.0], [3.0, 1.0]], trade_costs=[[0.0, 1.0], [1.0, 0.0]], tau=1.0)
    args.update(bad)
    with pytest.raises(ParameterError) as info:
        solve_firms(**args)
    assert info.value.parameter == name


def test_tree_validation_detects_cycles():
    with pytest.raises(ParameterError, match="cycle"):
        validate_parents([1, 2, 1, -1])
    tech = Technology.from_parents([3, 3, -1, 2])
    assert tech.sorted_parents.tolist()[-1] == -1
    assert all(p > k for k, p in enumerate(tech.sorted_parents[:-1]))


def test_firms_last_layout_and_preallocated_outputs_match():
    from equilibria.ext.tyaz_dp import solve_tree_batch

    rng = np.random.default_rng(8)
    costs = rng.random((777, 6, 4))
    T = rng.random((4, 4))
    np.fill_diagonal(T, 0)
    for tariff in ("unit", "ad_valorem"):
        problem = FirmProblem.create(6, T, 0.3, parents=[1, 5, 3, 5, 5, -1], tariff=tariff)
        args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final,
                tariff == "ad_valorem")
        a = solve_tree_batch(costs, *args)
        b = solve_tree_batch(np.ascontiguousarray(costs.transpose(1, 2, 0)), *args, firms_last=True, block=32)
        c = solve_tree_batch(costs, *args, out={k: np.zeros_like(v) for k, v in a.items()}, block=5)
        for key in a:
            np.testing.assert_array_equal(a[key], b[key])
            np.testing.assert_array_equal(a[key], c[key])


@pytest.mark.parametrize("m", [1, 2, 3, 5, 20])
def test_mc_only_mode_equals_full_solve_bitwise(m):
    """``stats=False`` / ``solve_mc`` skip backtracking and statistics but give the same MC bit for bit."""
    rng = np.random.default_rng(m)
    costs = rng.integers(0, 5, (1003, 7, m)).astype(float)  # integers: many ties
    T = rng.integers(0, 3, (m, m)).astype(float)
    np.fill_diagonal(T, 0)
    for tariff, parents in (("unit", None), ("ad_valorem", [1, 6, 3, 6, 6, 6, -1])):
        problem = FirmProblem.create(7, T, 0.4, parents=parents, tariff=tariff)
        full = problem.solve(costs)
        for block, threads in ((128, 1), (13, 2)):
            np.testing.assert_array_equal(problem.solve_mc(costs, block=block, threads=threads), full.mc)
        np.testing.assert_array_equal(problem.solve_mc(costs, backend="numpy"), problem.solve(costs, backend="numpy").mc)


@pytest.mark.parametrize("m", [4, 5, 7, 8, 11])
@pytest.mark.parametrize("tariff", ["unit", "ad_valorem"])
def test_register_blocked_messages_for_many_countries(m, tariff):
    """M >= 4 uses the four-countries-at-a-time kernel path; the twin must agree exactly."""
    rng = np.random.default_rng(m)
    costs = rng.random((203, 6, m)) * 5
    T = rng.random((m, m))
    np.fill_diagonal(T, 0)
    problem = FirmProblem.create(6, T, 0.6, parents=[1, 5, 3, 5, 5, -1], tariff=tariff, destination=m - 1,
                                 tau_final=0.3)
    for block in (8, 13, 128):
        cy = problem.solve(costs, block=block)
        py = problem.solve(costs, backend="numpy")
        np.testing.assert_array_equal(cy.mc, py.mc)
        np.testing.assert_array_equal(cy.path, py.path)
        np.testing.assert_allclose(cy.tq, py.tq, rtol=1e-12, atol=1e-12)


def test_nan_never_leaves_the_solver_unnoticed():
    problem = FirmProblem.create(2, [[0, 1], [1, 0]], 0.5)
    bad = np.array([[[1.0, np.nan], [1.0, 1.0]]])
    with pytest.raises(ParameterError):
        problem.solve(bad)
    with pytest.raises(ParameterError):
        problem.solve(bad, validate=False)


@pytest.mark.parametrize("M", [1, 2, 3, 4, 5, 6, 8, 9, 10, 15, 16, 17, 24, 31, 32, 33, 40])
@pytest.mark.parametrize("tariff", ["unit", "ad_valorem"])
def test_kernel_every_table_width_and_both_layouts(M, tariff):
    """The kernel looks table entries up by register permutes for rows of up to 8, 16 and 32
    entries and by gathers beyond, is compiled separately for M = 2 to 8 and 10 (M = 10 with one
    forward group of ten destinations under AVX-512), and reads costs laid out (F, N, M) (whole vectors of firms by
    transposing eight of a firm's N * M costs at a time, here with every remainder N * M mod 8
    from 0 to 7) or (N, M, F): every one of these paths against the NumPy twin, with a firm
    count that leaves a partial vector."""
    from equilibria.ext.tyaz_dp import solve_tree_batch
    from equilibria.plugins.tyazhelnikov2016.reference import solve_tree_numpy

    rng = np.random.default_rng(M)
    F, N = 203, 7
    parents = random_tree(rng, N)
    T = rng.random((M, M))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(N, T, rng.random(N) * 0.5, parents, tariff, destination=min(1, M - 1),
                                 final_trade_costs=T, tau_final=0.3)
    costs = rng.random((F, N, M)) + 0.05
    order = problem.technology.order  # the kernel wants nodes in topological order
    sorted_costs = np.ascontiguousarray(costs[:, order, :])
    args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final,
            tariff == "ad_valorem")
    twin = solve_tree_numpy(sorted_costs, *args)
    for layout in ("firms_first", "firms_last"):
        data = sorted_costs if layout == "firms_first" else np.ascontiguousarray(sorted_costs.transpose(1, 2, 0))
        for block in (8, 24, 128):
            out = solve_tree_batch(data, *args, block=block, threads=2, firms_last=layout == "firms_last")
            np.testing.assert_array_equal(out["path"], twin["path"], err_msg=f"{layout} block {block}")
            np.testing.assert_array_equal(out["crossings"], twin["crossings"])
            for key in KEYS:
                np.testing.assert_allclose(out[key], twin[key], rtol=1e-12, atol=1e-12, err_msg=f"{key} {layout}")
            mc_only = solve_tree_batch(data, *args, block=block, threads=1, firms_last=layout == "firms_last",
                                       stats=False)
            np.testing.assert_array_equal(mc_only["mc"], out["mc"])


@pytest.mark.parametrize("stats", [True, False])
@pytest.mark.parametrize("node", [0, 2, 4])
def test_nan_cost_anywhere_is_reported_in_both_layouts(stats, node):
    """A NaN cost at a leaf, an inner node or the final node raises, with either layout and
    with or without the path statistics (a min() would silently skip it)."""
    from equilibria.ext.tyaz_dp import solve_tree_batch

    rng = np.random.default_rng(node)
    T = rng.random((3, 3))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(5, T, 0.5, parents=[2, 2, 4, 4, -1])
    costs = rng.random((64, 5, 3))
    costs[17, node, 1] = np.nan
    args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final, False)
    order = problem.technology.order
    sorted_costs = np.ascontiguousarray(costs[:, order, :])
    for data, last in ((sorted_costs, False), (np.ascontiguousarray(sorted_costs.transpose(1, 2, 0)), True)):
        with pytest.raises(ValueError, match="1 NaN"):
            solve_tree_batch(data, *args, block=16, threads=1, firms_last=last, stats=stats)


@pytest.mark.parametrize("bad", [-1.0, -np.inf, np.inf, np.nan, -5e-324, float(np.copysign(np.nan, -1.0))])
@pytest.mark.parametrize("firm", [0, 61, 66])  # first block, last whole vector, the partial vector
def test_kernel_rejects_negative_and_infinite_costs_on_request(bad, firm):
    """With finite_nonnegative=True the kernel rejects negative and infinite costs as well as
    NaN, in both layouts and with or without the statistics; without it only NaN is rejected
    (the min-plus recursion itself is defined for any real costs)."""
    from equilibria.ext.tyaz_dp import solve_tree_batch

    rng = np.random.default_rng(firm)
    T = rng.random((4, 4))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(6, T, 0.5)
    costs = rng.random((67, 6, 4))
    costs[firm, 3, 2] = bad
    costs[5, 1, 0] = -0.0  # negative zero is a valid cost, and so are the extremes below
    costs[6, 2, 1], costs[7, 0, 3] = np.finfo(float).max, 5e-324
    args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final, False)
    for data, last in ((costs, False), (np.ascontiguousarray(costs.transpose(1, 2, 0)), True)):
        for stats in (True, False):
            with pytest.raises(ValueError, match="1 NaN, negative or infinite"):
                solve_tree_batch(data, *args, block=16, threads=2, firms_last=last, stats=stats,
                                 finite_nonnegative=True)
            if np.isnan(bad):
                with pytest.raises(ValueError, match="1 NaN entries"):
                    solve_tree_batch(data, *args, block=16, threads=2, firms_last=last, stats=stats)
            else:
                solve_tree_batch(data, *args, block=16, threads=2, firms_last=last, stats=stats)
    clean = costs.copy()
    clean[firm, 3, 2] = 0.5
    out = solve_tree_batch(clean, *args, block=16, threads=2, finite_nonnegative=True)
    np.testing.assert_array_equal(out["mc"], solve_tree_batch(clean, *args, block=16, threads=2)["mc"])


@pytest.mark.parametrize("bad, message", [(np.nan, "NaN"), (-2.0, "non-negative"), (np.inf, "finite")])
def test_firm_problem_names_the_bad_cost_found_by_the_kernel(bad, message):
    """FirmProblem.solve / solve_mc leave the value checks to the kernel and, when it finds a bad
    cost, name the broken rule as the separate check used to (ParameterError)."""
    rng = np.random.default_rng(2)
    T = rng.random((3, 3))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(5, T, 0.5, parents=[2, 2, 4, 4, -1])
    costs = rng.random((40, 5, 3))
    costs[33, 1, 2] = bad
    for solve in (problem.solve, problem.solve_mc):
        with pytest.raises(ParameterError, match=message):
            solve(costs)
    if not np.isnan(bad):  # without validation only NaN is an error
        problem.solve(costs, validate=False)


@pytest.mark.parametrize("parents", [None, [2, 2, 4, 4, -1], [4, 0, 1, 4, -1]])
@pytest.mark.parametrize("backend", ["cython", "numpy"])
def test_firms_last_input_gives_the_same_solution(parents, backend):
    """FirmProblem.solve / solve_mc / solve_firms with costs laid out (N, M, F) return exactly
    what the (F, N, M) layout returns, in the user's node numbering (trees included)."""
    rng = np.random.default_rng(5)
    T = rng.random((3, 3))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(5, T, rng.random(5), parents)
    costs = rng.random((45, 5, 3))
    by_firm = problem.solve(costs, backend=backend, threads=2, block=16)
    by_node = problem.solve(np.transpose(costs, (1, 2, 0)), backend=backend, threads=2, block=16, firms_last=True)
    for key in ("mc", "path", "ntmc", "tq", "trade_cost", "final_cost", "crossings"):
        np.testing.assert_array_equal(getattr(by_node, key), getattr(by_firm, key), err_msg=key)
    np.testing.assert_array_equal(problem.solve_mc(np.transpose(costs, (1, 2, 0)), backend=backend,
                                                   firms_last=True), by_firm.mc)
    single = solve_firms(costs[7].copy(), T, problem.tau, parents, firms_last=True, backend=backend)
    np.testing.assert_array_equal(single.path[0], by_firm.path[7])
    with pytest.raises(ParameterError, match=r"\(5, 3, firms\)"):
        problem.solve(costs, firms_last=True)  # (F, N, M) passed as (N, M, F)
    bad = np.transpose(costs, (1, 2, 0)).copy()
    bad[1, 2, 30] = -1.0
    with pytest.raises(ParameterError, match="non-negative"):
        problem.solve(bad, firms_last=True, backend=backend)


def test_block_choice_by_layout_and_bad_block_sizes():
    """block=None (FirmProblem) / 0 (kernel) lets the kernel choose the block by layout; the
    solution does not depend on it, and a block that is not a positive integer is a
    ParameterError naming 'block' (ValueError from the kernel itself)."""
    from equilibria.ext.tyaz_dp import solve_tree_batch

    rng = np.random.default_rng(9)
    T = rng.random((5, 5))
    np.fill_diagonal(T, 0.0)
    problem = FirmProblem.create(6, T, 0.4)
    costs = rng.random((301, 6, 5))
    auto = problem.solve(costs)
    for block in (8, 64, 128, 1000):
        fixed = problem.solve(costs, block=block)
        np.testing.assert_array_equal(fixed.mc, auto.mc)
        np.testing.assert_array_equal(fixed.path, auto.path)
        np.testing.assert_array_equal(fixed.ntmc, auto.ntmc)
    last = problem.solve(np.ascontiguousarray(costs.transpose(1, 2, 0)), firms_last=True)
    np.testing.assert_array_equal(last.path, auto.path)
    for bad in (0, -8, 2.5, True, "64"):
        with pytest.raises(ParameterError, match="block"):
            problem.solve(costs, block=bad)
        with pytest.raises(ParameterError, match="block"):
            problem.solve_mc(costs, block=bad)
        with pytest.raises(ParameterError, match="block"):
            problem.solve(costs, block=bad, backend="numpy")
    args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final, False)
    with pytest.raises(ValueError, match="block must be positive"):
        solve_tree_batch(costs, *args, block=-1)


@pytest.mark.parametrize("tariff", ["unit", "ad_valorem"])
@pytest.mark.parametrize("tree", [False, True])
def test_two_countries_with_ties_match_the_twin(tariff, tree):
    """With two countries the kernel records the forward pass's choices and backtracks from
    them (AVX-512 builds): on integer costs, where ties are everywhere, the paths must still be
    the twin's (ties to the lower country index), in both layouts and with partial vectors."""
    from equilibria.ext.tyaz_dp import solve_tree_batch
    from equilibria.plugins.tyazhelnikov2016.reference import solve_tree_numpy

    rng = np.random.default_rng(4)
    F, N = 205, 9
    parents = random_tree(rng, N) if tree else None
    T = np.array([[0.0, 1.0], [1.0, 0.0]])
    problem = FirmProblem.create(N, T, 1.0, parents, tariff)
    costs = rng.integers(0, 3, size=(F, N, 2)).astype(float)
    order = problem.technology.order
    sorted_costs = np.ascontiguousarray(costs[:, order, :])
    args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final,
            tariff == "ad_valorem")
    twin = solve_tree_numpy(sorted_costs, *args)
    for data, last in ((sorted_costs, False), (np.ascontiguousarray(sorted_costs.transpose(1, 2, 0)), True)):
        for block in (8, 64, 0):
            out = solve_tree_batch(data, *args, block=block, threads=1, firms_last=last)
            np.testing.assert_array_equal(out["path"], twin["path"])
            np.testing.assert_array_equal(out["mc"], twin["mc"])
            np.testing.assert_array_equal(out["crossings"], twin["crossings"])


@pytest.mark.parametrize("N", [1, 2, 3, 6, 9])
@pytest.mark.parametrize("M", [1, 2, 3, 5, 9, 10, 17])
def test_costs_read_in_place_match_the_twin_and_are_screened(N, M):
    """With the (N, M, F) layout the kernel reads the costs where they are (leaves' values are
    their costs; a parent starts from its costs with its first child's message) instead of
    copying each block: chains and trees, both tariffs, a partial vector of firms, several block
    sizes, against the NumPy twin; and a NaN (or, on request, a negative or infinite cost) at
    any node, in a whole or the partial vector, is found and counted once."""
    from equilibria.ext.tyaz_dp import solve_tree_batch
    from equilibria.plugins.tyazhelnikov2016.reference import solve_tree_numpy

    rng = np.random.default_rng(10 * N + M)
    F = 61
    for tariff in ("unit", "ad_valorem"):
        for tree in (False, True):
            parents = random_tree(rng, N) if tree and N > 1 else None
            T = rng.random((M, M))
            np.fill_diagonal(T, 0.0)
            problem = FirmProblem.create(N, T, 0.6, parents, tariff)
            costs = np.ascontiguousarray(rng.random((F, N, M))[:, problem.technology.order, :])
            args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final,
                    tariff == "ad_valorem")
            twin = solve_tree_numpy(costs, *args)
            last = np.ascontiguousarray(costs.transpose(1, 2, 0))
            for block in (8, 24, 0):
                out = solve_tree_batch(last, *args, block=block, firms_last=True, threads=1)
                np.testing.assert_array_equal(out["path"], twin["path"])
                for key in KEYS:
                    np.testing.assert_allclose(out[key], twin[key], rtol=1e-12, atol=1e-14, err_msg=key)
                mc_only = solve_tree_batch(last, *args, block=block, firms_last=True, threads=1, stats=False)
                np.testing.assert_array_equal(mc_only["mc"], out["mc"])
    for node in range(N):
        for firm in (3, F - 1):
            for bad, strict in ((np.nan, False), (-1.0, True), (np.inf, True)):
                x = last.copy()
                x[node, M - 1, firm] = bad
                with pytest.raises(ValueError, match="contain 1 "):
                    solve_tree_batch(x, *args, block=24, firms_last=True, threads=1, finite_nonnegative=strict)


@pytest.mark.parametrize("M", [2, 3, 5, 8, 9, 10])
@pytest.mark.parametrize("tariff", ["unit", "ad_valorem"])
def test_nan_read_in_place_reaches_the_final_node_from_every_position(M, tariff):
    """Costs read in place without the negative/infinite check are not screened as they are
    read when M is compiled as a constant: a NaN must travel, through the order of the minima
    and the skipped diagonal (tyaz_block.h, tz_message_group), into the final node's values,
    which are screened.  A NaN of either sign at every node and every country, in a whole and
    in the partial vector, chains and trees, with and without the statistics, is counted once;
    infinities of both signs (valid costs here, whose sum is a NaN inside the recursion) are
    not reported, and the outputs then equal the NumPy twin's."""
    from equilibria.ext.tyaz_dp import solve_tree_batch
    from equilibria.plugins.tyazhelnikov2016.reference import solve_tree_numpy

    rng = np.random.default_rng(M)
    N, F = 5, 21
    negative_nan = float(np.copysign(np.nan, -1.0))
    for parents in (None, [2, 2, 4, 4, -1]):
        T = rng.random((M, M))
        np.fill_diagonal(T, 0.0)
        problem = FirmProblem.create(N, T, 0.6, parents, tariff)
        args = (problem.step, problem.trade_costs, problem.technology.sorted_parents, problem.final,
                tariff == "ad_valorem")
        costs = rng.random((N, M, F))
        for node in range(N):
            for country in range(M):
                for firm, bad in ((2, np.nan), (F - 1, negative_nan)):
                    x = costs.copy()
                    x[node, country, firm] = bad
                    for stats in (True, False):
                        with pytest.raises(ValueError, match="contain 1 NaN entries"):
                            solve_tree_batch(x, *args, block=16, firms_last=True, threads=1, stats=stats)
        x = costs.copy()
        x[0, :, 3], x[N - 1, :, 3] = -np.inf, np.inf
        out = solve_tree_batch(x, *args, block=16, firms_last=True, threads=1)
        with np.errstate(invalid="ignore"):  # the twin's statistics multiply infinities by zero
            twin = solve_tree_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)), *args)
        np.testing.assert_array_equal(out["path"], twin["path"])
        np.testing.assert_array_equal(out["mc"], twin["mc"])
