"""Experiments of the static model (Appendix A): baseline, trade elasticities, gains from trade, a tariff.

Each experiment takes the plugin's parameters and returns a :class:`~equilibria.Result`; with a
heterogeneous-agent ``model`` the experiments of the same name in ``experiments_ha`` run instead
(the switch is :func:`~equilibria.plugins.waugh2022.solve.by_model`).
"""
from __future__ import annotations

import functools

import numpy as np

from equilibria import Experiment, Result, Table
from equilibria.parallel import executor_of
from equilibria.plotting import bars, heatmap

from . import experiments_ha
from .params import WaughParameters
from .solve import by_model
from .static import general_equilibrium_trade_elasticity, partial_trade_elasticity, solve_static

__all__ = ["solve_static_result", "EXPERIMENTS"]


def _country_labels(params: WaughParameters):
    return [f"country {i}" for i in range(params.countries)]


def solve_static_result(params: WaughParameters) -> Result:
    """The static equilibrium (Appendix A): wages, trade shares (row = importer), welfare."""
    eq = solve_static(params)
    a = eq.aggregates
    data = {
        "model": "static",
        "preferences": params.preferences,
        "theta": params.theta,
        "wages": eq.prices["wages"],
        "trade_shares": a["trade_shares"],
        "welfare": a["welfare"],
        "consumer_prices": a["consumer_prices"],
        "expenditure": a["expenditure"],
        "tariff_revenue": a["tariff_revenue"],
        "report": eq.report.to_dict(),
    }
    labels = _country_labels(params)
    table = Table(columns=["country", "wage", "home share π_ii", "welfare (consumption units)", "A_i π_ii^(-1/θ)"],
                  rows=[[labels[i], eq.prices["wages"][i], a["trade_shares"][i, i], a["welfare"][i],
                         params.productivity[i] * a["trade_shares"][i, i] ** (-1 / params.theta)]
                        for i in range(params.countries)],
                  caption="Static logit trade equilibrium; wage of country 0 = 1; welfare from the log-sum (eq. 55) "
                          "beside the closed form of eq. (60).")
    figure = heatmap(a["trade_shares"], "Trade shares π_ij (row = importer)", "importer i", "exporter j")
    return Result(data=data, tables={"Equilibrium": table}, figures={"trade_shares": figure},
                  notes=[f"Solved by {eq.report.method} in {eq.report.iterations} iterations, "
                         f"residual {eq.report.residual_norm:.2e}."])


def run_elasticity(params: WaughParameters, options) -> Result:
    """Trade elasticity of every pair: partial (wages fixed, eq. 53-54) and general equilibrium."""
    wages = solve_static(params).prices["wages"]
    pairs = [(i, j) for i in range(params.countries) for j in range(params.countries) if i != j]
    rows = executor_of(options).map(functools.partial(_pair_elasticities, params=params, wages=wages), pairs)
    table = Table(columns=["importer i", "exporter j", "partial elasticity", "GE elasticity"], rows=rows,
                  caption=f"d log(π_ij/π_ii) / d log d_ij by central differences; θ = {params.theta:g}. "
                          "Partial: wages fixed (eq. 53-54 predict -θ). GE: wages re-solved.")
    return Result(data={"theta": params.theta, "elasticities": [dict(zip(["importer", "exporter", "partial",
                                                                          "general_equilibrium"], r))
                                                                 for r in rows]},
                  tables={"Trade elasticities": table}, comparisons=_elasticity_comparisons(params, rows))


def _elasticity_comparisons(params: WaughParameters, rows) -> list:
    """Eq. 53-54's partial elasticity -θ beside ours (central differences, so to 1e-4); GE ones are ours only."""
    from equilibria.comparison import SourceValue, docs_link

    link = docs_link("waugh2022", "Results at the defaults")
    values = []
    for i, j, partial, general in rows:
        pair = f"importer {i + 1}, exporter {j + 1}"
        values.append(SourceValue(quantity=f"partial trade elasticity, {pair}", unit="d log(π_ij/π_ii) / d log d_ij",
                                  ours=float(partial), source=-float(params.theta), where="eq. 53-54", abs_tol=1e-4,
                                  reason="central-difference error above 1e-4", link=link))
        values.append(SourceValue(quantity=f"general-equilibrium trade elasticity, {pair}",
                                  unit="d log(π_ij/π_ii) / d log d_ij", ours=float(general), link=link))
    return values


def _pair_elasticities(pair, params, wages):
    """One task of ``run_elasticity``: [i, j, partial elasticity, GE elasticity]."""
    i, j = pair
    return [i, j, partial_trade_elasticity(params, wages, i, j), general_equilibrium_trade_elasticity(params, i, j)]


def run_gains(params: WaughParameters, options) -> Result:
    """Welfare gains from trade: baseline welfare relative to autarky (where welfare is A_i)."""
    eq = solve_static(params)
    welfare = eq.aggregates["welfare"]
    autarky = params.productivity            # π_ii = 1 in autarky, eq. (60)
    gains = welfare / autarky - 1.0
    labels = _country_labels(params)
    table = Table(columns=["country", "welfare", "autarky welfare", "gain from trade (%)"],
                  rows=[[labels[i], welfare[i], autarky[i], 100 * gains[i]] for i in range(params.countries)],
                  caption="Gains from trade, A_i π_ii^(-1/θ) / A_i - 1 (eq. 60), at the baseline.")
    figure = bars(labels, {"gain from trade (%)": 100 * gains}, "Gains from trade", "percent")
    return Result(data={"welfare": welfare, "autarky_welfare": autarky, "gains_percent": 100 * gains},
                  tables={"Gains from trade": table}, figures={"gains": figure})


def run_tariff(params: WaughParameters, options) -> Result:
    """Country 0 imposes a 10% tariff on all imports, revenue rebated lump-sum."""
    base = solve_static(params)
    tariffs = np.zeros((params.countries, params.countries))
    tariffs[0, 1:] = 0.10
    with_tariff = solve_static(params.replace(tariffs=tariffs))
    change = with_tariff.aggregates["welfare"] / base.aggregates["welfare"] - 1.0
    labels = _country_labels(params)
    table = Table(columns=["country", "wage (base)", "wage (tariff)", "welfare change (%)"],
                  rows=[[labels[i], base.prices["wages"][i], with_tariff.prices["wages"][i], 100 * change[i]]
                        for i in range(params.countries)],
                  caption="A unilateral 10% tariff by country 0 on every import, revenue rebated lump-sum.")
    return Result(data={"welfare_change_percent": 100 * change, "wages_base": base.prices["wages"],
                        "wages_tariff": with_tariff.prices["wages"],
                        "tariff_revenue": with_tariff.aggregates["tariff_revenue"]},
                  tables={"Unilateral tariff": table})


EXPERIMENTS = [
    Experiment(name="elasticity", description="partial and general-equilibrium trade elasticity of every pair",
               run=by_model(run_elasticity, experiments_ha.run_elasticity), headline=True),
    Experiment(name="gains", description="welfare gains from trade relative to autarky",
               run=by_model(run_gains, experiments_ha.run_gains), headline=True),
    Experiment(name="tariff", description="a unilateral 10% tariff by country 0, revenue rebated",
               run=by_model(run_tariff, experiments_ha.run_tariff), headline=True),
]
