"""The core solver on economies with closed-form equilibria."""
import numpy as np
import pytest

from equilibria import Agent, ConvergenceError, Economy, Market, ParameterError


class CobbDouglasConsumers(Agent):
    """Consumers with Cobb-Douglas shares ``alpha`` (rows) and endowments ``endowment`` (rows)."""

    name = "consumers"

    def __init__(self, alpha, endowment):
        self.alpha, self.endowment = np.asarray(alpha), np.asarray(endowment)

    def respond(self, prices):
        p = prices["goods"]
        income = self.endowment @ p
        return {"demand": (self.alpha * income[:, None] / p[None, :]).sum(axis=0), "supply": self.endowment.sum(0)}


class GoodsMarket(Market):
    name, price = "goods", "goods"

    def excess_demand(self, responses, prices):
        r = responses["consumers"]
        return r["demand"] - r["supply"]


def exchange_economy(n_goods=3, seed=0):
    rng = np.random.default_rng(seed)
    alpha = rng.dirichlet(np.ones(n_goods), size=4)
    endowment = rng.uniform(0.5, 2.0, size=(4, n_goods))
    return alpha, endowment, Economy([CobbDouglasConsumers(alpha, endowment)], [GoodsMarket()],
                                     prices={"goods": np.ones(n_goods)}, numeraire=("goods", 0), positive={"goods"})


def closed_form_prices(alpha, endowment):
    """Cobb-Douglas exchange: p is the Perron vector of p_j = Σ_h α_hj (e_h · p) / E_j."""
    matrix = (alpha.T @ endowment) / endowment.sum(0)[:, None]
    values, vectors = np.linalg.eig(matrix)
    p = np.real(vectors[:, np.argmax(np.real(values))])
    return p / p[0]


@pytest.mark.parametrize("method", ["hybr", "lm", "krylov", "broyden1"])
def test_exchange_economy_matches_closed_form(method):
    alpha, endowment, economy = exchange_economy()
    eq = economy.solve(method=method, tol=1e-9, maxiter=2000)
    assert np.allclose(eq.prices["goods"], closed_form_prices(alpha, endowment), rtol=1e-7)
    assert eq.report.converged and eq.report.residual_norm <= 1e-9 and eq.report.method == method
    assert eq.report.iterations > 0 and eq.report.seconds > 0 and len(eq.report.history) == eq.report.evaluations
    # Walras' law: the numeraire's market, dropped from the solve, clears too
    assert abs(eq.excess_demands["goods"][0]) < 1e-8


def test_residuals_drop_the_numeraire_market():
    _, _, economy = exchange_economy()
    prices = {"goods": np.array([1.0, 2.0, 0.5])}
    assert economy.residuals(prices).shape == (2,)
    excess = economy.excess_demands(prices)["goods"]
    assert np.allclose(economy.residuals(prices), excess[1:])
    assert abs(excess @ prices["goods"]) < 1e-12  # value of excess demand is zero at any prices


def test_brentq_on_one_unknown():
    alpha, endowment, economy = exchange_economy(n_goods=2, seed=3)
    eq = economy.solve(method="brentq", bracket=(1e-3, 1e3), tol=1e-12)
    assert np.allclose(eq.prices["goods"], closed_form_prices(alpha, endowment), rtol=1e-10)


class NoRootMarket(Market):
    name, price = "impossible", "x"

    def excess_demand(self, responses, prices):
        return 1.0 + prices["x"] ** 2   # never zero


class Nobody(Agent):
    name = "nobody"

    def respond(self, prices):
        return None


def test_failure_raises_convergence_error_with_history():
    economy = Economy([Nobody()], [NoRootMarket()], prices={"x": [0.3]})
    with pytest.raises(ConvergenceError) as info:
        economy.solve(maxiter=50)
    assert len(info.value.history) > 1 and min(info.value.history) >= 1.0
    with pytest.raises(ConvergenceError, match="same sign"):
        economy.solve(method="brentq", bracket=(-1, 1))


def test_bad_solver_options_are_parameter_errors():
    _, _, economy = exchange_economy()
    with pytest.raises(ParameterError, match="method"):
        economy.solve(method="newton-magic")
    with pytest.raises(ParameterError, match="tol"):
        economy.solve(tol=-1)
    with pytest.raises(ParameterError, match="brentq"):
        economy.solve(method="brentq", bracket=(0.1, 10))


class ExchangeWithJacobian(Economy):
    """The Cobb-Douglas exchange economy with its analytic Jacobian: d z_j / d p_k."""

    def __init__(self, alpha, endowment):
        self.alpha, self.endowment = alpha, endowment
        super().__init__([CobbDouglasConsumers(alpha, endowment)], [GoodsMarket()],
                         prices={"goods": np.ones(alpha.shape[1])}, numeraire=("goods", 0), positive={"goods"})

    def jacobian(self, prices, responses):
        p = prices["goods"]
        income = self.endowment @ p
        # z_j = Σ_h α_hj (e_h·p) / p_j - E_j  =>  dz_j/dp_k = Σ_h α_hj e_hk / p_j - δ_jk Σ_h α_hj income_h / p_j²
        return (self.alpha.T @ self.endowment) / p[:, None] - np.diag(self.alpha.T @ income / p ** 2)


def test_newton_with_analytic_jacobian():
    alpha, endowment, _ = exchange_economy(n_goods=4, seed=5)
    economy = ExchangeWithJacobian(alpha, endowment)
    prices = {"goods": np.array([1.0, 0.7, 1.3, 2.0])}
    step = 1e-7   # the analytic Jacobian agrees with finite differences
    numeric = np.column_stack([(economy.excess_demands({"goods": prices["goods"] + step * e})["goods"]
                                - economy.excess_demands({"goods": prices["goods"] - step * e})["goods"]) / (2 * step)
                               for e in np.eye(4)])
    assert np.allclose(economy.jacobian(prices, None), numeric, atol=1e-6)
    eq = economy.solve(method="newton", tol=1e-12)
    assert np.allclose(eq.prices["goods"], closed_form_prices(alpha, endowment), rtol=1e-10)
    assert eq.report.iterations < 10 and eq.report.method == "newton"
    _, _, plain = exchange_economy()
    with pytest.raises(ParameterError, match="jacobian"):
        plain.solve(method="newton")


def test_bounded_price_block_stays_inside_and_newton_chain_rule():
    alpha, endowment, _ = exchange_economy(n_goods=3, seed=7)
    exact = closed_form_prices(alpha, endowment)
    bounded = Economy([CobbDouglasConsumers(alpha, endowment)], [GoodsMarket()], prices={"goods": np.ones(3)},
                      numeraire=("goods", 0), bounds={"goods": (0.0, 10.0)})
    x = bounded.pack({"goods": np.array([1.0, 2.5, 9.9])})
    assert np.allclose(bounded.unpack(x)["goods"], [1.0, 2.5, 9.9])
    assert np.all((bounded.unpack(np.array([-50.0, 50.0]))["goods"] > 0))
    assert np.allclose(bounded.solve(tol=1e-11).prices["goods"], exact, rtol=1e-9)
    newton = ExchangeWithJacobian(alpha, endowment)
    newton.bounds, newton.positive = {"goods": (0.0, 10.0)}, set()
    assert np.allclose(newton.solve(method="newton", tol=1e-12).prices["goods"], exact, rtol=1e-10)
    with pytest.raises(ParameterError, match="inside the bounds"):
        Economy([CobbDouglasConsumers(alpha, endowment)], [GoodsMarket()], prices={"goods": np.full(3, 20.0)},
                bounds={"goods": (0.0, 10.0)})


@pytest.mark.parametrize("method", ["auto", "df-sane", "anderson", "broyden2"])
def test_every_solve_method_runs_through_find_root(method):
    alpha, endowment, economy = exchange_economy()
    eq = economy.solve(method=method, tol=1e-9, maxiter=2000)
    assert np.allclose(eq.prices["goods"], closed_form_prices(alpha, endowment), rtol=1e-7)
    assert eq.report.method == ("hybr" if method == "auto" else method)


def test_auto_picks_brentq_for_one_bracketed_price():
    alpha, endowment, economy = exchange_economy(n_goods=2, seed=3)
    eq = economy.solve(method="auto", bracket=(1e-3, 1e3), tol=1e-12)
    assert eq.report.method == "brentq"
    assert np.allclose(eq.prices["goods"], closed_form_prices(alpha, endowment), rtol=1e-10)


def test_failure_message_names_the_economy_and_never_claims_convergence():
    economy = Economy([Nobody()], [NoRootMarket()], prices={"x": [0.3]})
    with pytest.raises(ConvergenceError, match="Economy market clearing: hybr") as info:
        economy.solve(maxiter=50)
    assert not info.value.result.report.converged
    assert "converged" not in info.value.result.report.message.lower()


class WarmStartedConsumers(CobbDouglasConsumers):
    """Cobb-Douglas consumers that remember the last prices they saw (a stand-in for a warm start)."""

    def __init__(self, alpha, endowment):
        super().__init__(alpha, endowment)
        self.last_prices = None
        self.resets = 0

    def respond(self, prices):
        self.last_prices = np.array(prices["goods"])
        return super().respond(prices)

    def reset(self):
        self.last_prices = None
        self.resets += 1


def test_reset_reaches_every_agent_and_fresh_solves_start_from_it():
    alpha, endowment, _ = exchange_economy()
    agent = WarmStartedConsumers(alpha, endowment)
    economy = Economy([agent], [GoodsMarket()], prices={"goods": np.ones(3)}, numeraire=("goods", 0),
                      positive={"goods"})
    first = economy.solve(tol=1e-10)
    assert agent.last_prices is not None and agent.resets == 0
    economy.reset()
    assert agent.last_prices is None and agent.resets == 1
    again = economy.solve(tol=1e-10, fresh=True)
    assert agent.resets == 2
    np.testing.assert_array_equal(first.prices["goods"], again.prices["goods"])
    # the default hook is a no-op: agents without memory need not define it
    Nobody().reset()


@pytest.mark.parametrize("method", ["hybr", "broyden1", "newton"])
def test_report_residual_is_the_one_of_the_returned_equilibrium(method):
    alpha, endowment, _ = exchange_economy(n_goods=4, seed=2)
    economy = ExchangeWithJacobian(alpha, endowment)
    eq = economy.solve(method=method, tol=1e-10, maxiter=500)
    assert eq.report.residual_norm == np.max(np.abs(eq.excess_demands["goods"][1:]))
