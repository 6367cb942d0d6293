"""The embargo counterfactual and the decomposition of Table 3.

An embargo makes the intermediate-input exports of sector ``sector`` from ``origins`` to the
``buyer`` region infinitely costly (tau^j_{do} = inf; final goods untouched). Four
counterfactual equilibria, each with wages re-solved:

* ``fixed``  -- no technology response: every firm keeps its baseline choice g(theta_bar);
* ``sector`` -- only the targeted sector of the buyer region re-optimises;
* ``region`` -- every sector of the buyer region re-optimises;
* ``all``    -- every firm re-optimises (the full counterfactual).
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria import ParameterError, param
from equilibria.params import as_float_array, as_int

from .equilibrium import solve_equilibrium
from .model import Model
from .params import TechParameters

__all__ = ["EmbargoParameters", "embargo_trade_costs", "run_embargo", "COLUMNS"]

COLUMNS = ("fixed", "sector", "region", "all")


@attrs.frozen(kw_only=True)
class EmbargoParameters(TechParameters):
    """The economy plus the embargo: who is cut off from which sector's inputs."""

    embargo_buyer = param(1, unit="region index (0-based)",
                          description="region whose firms lose access to the embargoed inputs", converter=as_int)
    embargo_sector = param(2, unit="sector index (0-based)", description="input sector under embargo", converter=as_int)
    embargo_origins = param([0], unit="region indices (0-based)",
                            description="origin regions whose exports of the sector to the buyer stop",
                            converter=as_float_array)

    def check(self) -> None:
        super().check()
        n, s = self.n_regions, self.n_sectors
        if not 0 <= self.embargo_buyer < n:
            raise ParameterError("embargo_buyer", f"must be a region index in 0..{n - 1}", self.embargo_buyer)
        if not 0 <= self.embargo_sector < s:
            raise ParameterError("embargo_sector", f"must be a sector index in 0..{s - 1}", self.embargo_sector)
        origins = self.embargo_origins
        if origins.ndim != 1 or origins.size == 0 or np.any(origins != np.round(origins)) \
                or np.any((origins < 0) | (origins >= n)):
            raise ParameterError("embargo_origins", f"must be a non-empty list of region indices in 0..{n - 1}",
                                 origins)
        if self.embargo_buyer in origins.astype(int):
            raise ParameterError("embargo_origins", "must not contain the buyer region (domestic inputs stay)")

    def origins(self) -> list[int]:
        return sorted(set(int(o) for o in self.embargo_origins))


def embargo_trade_costs(params: EmbargoParameters) -> np.ndarray:
    """tau with tau^j_{do} = inf for the embargoed buyer, sector and origins."""
    tau = np.array(params.trade_costs, dtype=float)
    tau[params.embargo_buyer, params.origins(), params.embargo_sector] = np.inf
    return tau


def run_embargo(params: EmbargoParameters, columns=COLUMNS, progress=None):
    """Baseline and counterfactual equilibria; returns ``(baseline, {column: equilibrium}, models)``."""
    model = Model.from_parameters(params)
    base = solve_equilibrium(model)
    base_state = base.aggregates["technology"]
    shocked = model.with_trade_costs(embargo_trade_costs(params))
    n, s = params.n_regions, params.n_sectors
    masks = {"fixed": np.zeros((n, s), bool), "all": np.ones((n, s), bool)}
    masks["sector"] = np.zeros((n, s), bool)
    masks["sector"][params.embargo_buyer, params.embargo_sector] = True
    masks["region"] = np.zeros((n, s), bool)
    masks["region"][params.embargo_buyer, :] = True
    out = {}
    start, wages = base_state, base.prices["wages"]
    for column in columns:      # each column starts from the previous one (they are progressively closer)
        eq = solve_equilibrium(shocked, respond=masks[column], fixed_choice=base_state.choice, start=start,
                               wages=wages)
        out[column] = eq
        start, wages = eq.aggregates["technology"], eq.prices["wages"]
        if progress is not None:
            progress(column)
    return base, out, (model, shocked)
