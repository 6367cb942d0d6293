"""Input data in CSV files: the format, a reader, a writer, and the shipped synthetic dataset.

A dataset is a folder of CSV files with a header row (names as in ``regions.csv``/``sectors``):

=========================  ==============================================================
``regions.csv``            ``region,labor,wage`` -- labor endowment L_d and wage (GDP / L)
``io_table.csv``           ``sector,input,share`` -- gamma^{ij} (``input`` a sector) and
                           gamma^{iL} (``input`` = ``labor``)
``consumption.csv``        ``region,sector,share`` -- rho^j_d
``trade_shares.csv``       ``buyer,origin,sector,share`` -- share of origin o in d's purchases of
                           intermediate input j
``citation_shares.csv``    ``citing_region,citing_sector,cited_region,cited_sector,share`` -- Psi^{oj}_{di}
``citation_structure.csv`` ``citing_sector,cited_sector,share`` -- delta^{ij}
``citations_received.csv`` ``region,sector,count`` -- H^j_o
``moments.csv``            ``name,value`` -- ``import_citation_slope`` (firm level) and
                           ``citation_tariff_elasticity`` (country level)
=========================  ==============================================================

Missing entries of the long tables are zeros. ``python -m equilibria.plugins.techcompat.dataset``
regenerates the shipped synthetic folder from the default parameters.
"""
from __future__ import annotations

import csv
import io
from pathlib import Path

import attrs
import numpy as np

from equilibria import ParameterError
from equilibria.results import atomic_write_text

__all__ = ["Dataset", "read_dataset", "write_dataset", "citation_structure", "SYNTHETIC_FOLDER"]

SYNTHETIC_FOLDER = Path(__file__).parent / "data"


def citation_structure(params):
    """delta^{ij} and H^j_o for economies without citation data (the synthetic dataset is built with it):
    delta proportional to gamma^{ij} + 0.05 + 0.5 [i = j], H^j_o = 1000 L_o."""
    s = params.n_sectors
    delta = params.input_shares + 0.05 + 0.5 * np.eye(s)
    delta = delta / delta.sum(axis=1, keepdims=True)
    received = np.repeat(params.labor[:, None], s, axis=1) * 1000.0
    return delta, received


@attrs.frozen(kw_only=True, eq=False)
class Dataset:
    regions: tuple
    sectors: tuple
    labor: np.ndarray
    wages: np.ndarray
    input_shares: np.ndarray
    labor_shares: np.ndarray
    consumption_shares: np.ndarray
    trade_shares: np.ndarray          # (N, N, S) [d][o][j]
    citation_shares: np.ndarray       # (N, S, N, S) [d][i][o][j]
    citation_structure: np.ndarray    # (S, S) delta
    citations_received: np.ndarray    # (N, S) H
    moments: dict

    def parameter_values(self) -> dict:
        """The externally calibrated parameters (WIOT-like blocks) as a parameter mapping."""
        return {"regions": list(self.regions), "sectors": list(self.sectors), "labor": self.labor.tolist(),
                "input_shares": self.input_shares.tolist(), "labor_shares": self.labor_shares.tolist(),
                "consumption_shares": self.consumption_shares.tolist()}


def _rows(folder: Path, name: str, columns: list[str]):
    path = folder / name
    if not path.is_file():
        raise ParameterError("dataset", f"missing file {name} in {folder}")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or any(c not in reader.fieldnames for c in columns):
            raise ParameterError("dataset", f"{name} must have the columns {','.join(columns)}", reader.fieldnames)
        return list(reader)


def _value(row, key, name):
    try:
        return float(row[key])
    except (TypeError, ValueError):
        raise ParameterError("dataset", f"{name}: {key} must be a number", row.get(key)) from None


def _index(names, value, name):
    try:
        return names.index(value)
    except ValueError:
        raise ParameterError("dataset", f"{name}: unknown name {value!r}") from None


def read_dataset(folder=SYNTHETIC_FOLDER) -> Dataset:
    """Read a dataset folder (format in the module docstring)."""
    folder = Path(folder)
    reg = _rows(folder, "regions.csv", ["region", "labor", "wage"])
    regions = [r["region"] for r in reg]
    io_rows = _rows(folder, "io_table.csv", ["sector", "input", "share"])
    sectors = list(dict.fromkeys(r["sector"] for r in io_rows))
    n, s = len(regions), len(sectors)
    labor = np.array([_value(r, "labor", "regions.csv") for r in reg])
    wages = np.array([_value(r, "wage", "regions.csv") for r in reg])
    gamma, gamma_l = np.zeros((s, s)), np.zeros(s)
    for r in io_rows:
        i = _index(sectors, r["sector"], "io_table.csv")
        if r["input"] == "labor":
            gamma_l[i] = _value(r, "share", "io_table.csv")
        else:
            gamma[i, _index(sectors, r["input"], "io_table.csv")] = _value(r, "share", "io_table.csv")
    rho = np.zeros((n, s))
    for r in _rows(folder, "consumption.csv", ["region", "sector", "share"]):
        rho[_index(regions, r["region"], "consumption.csv"), _index(sectors, r["sector"], "consumption.csv")] = \
            _value(r, "share", "consumption.csv")
    trade = np.zeros((n, n, s))
    for r in _rows(folder, "trade_shares.csv", ["buyer", "origin", "sector", "share"]):
        trade[_index(regions, r["buyer"], "trade_shares.csv"), _index(regions, r["origin"], "trade_shares.csv"),
              _index(sectors, r["sector"], "trade_shares.csv")] = _value(r, "share", "trade_shares.csv")
    cites = np.zeros((n, s, n, s))
    name = "citation_shares.csv"
    for r in _rows(folder, name, ["citing_region", "citing_sector", "cited_region", "cited_sector", "share"]):
        cites[_index(regions, r["citing_region"], name), _index(sectors, r["citing_sector"], name),
              _index(regions, r["cited_region"], name), _index(sectors, r["cited_sector"], name)] = \
            _value(r, "share", name)
    delta = np.zeros((s, s))
    for r in _rows(folder, "citation_structure.csv", ["citing_sector", "cited_sector", "share"]):
        delta[_index(sectors, r["citing_sector"], "citation_structure.csv"),
              _index(sectors, r["cited_sector"], "citation_structure.csv")] = _value(r, "share", "citation_structure.csv")
    received = np.zeros((n, s))
    for r in _rows(folder, "citations_received.csv", ["region", "sector", "count"]):
        received[_index(regions, r["region"], "citations_received.csv"),
                 _index(sectors, r["sector"], "citations_received.csv")] = _value(r, "count", "citations_received.csv")
    moments = {r["name"]: _value(r, "value", "moments.csv") for r in _rows(folder, "moments.csv", ["name", "value"])}
    return Dataset(regions=tuple(regions), sectors=tuple(sectors), labor=labor, wages=wages, input_shares=gamma,
                   labor_shares=gamma_l, consumption_shares=rho, trade_shares=trade, citation_shares=cites,
                   citation_structure=delta, citations_received=received, moments=moments)


def _csv(header, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([f"{v:.12g}" if isinstance(v, float) else v for v in row])
    return buffer.getvalue()


def write_dataset(folder, data: Dataset) -> None:
    """Write ``data`` in the documented format (each file atomically)."""
    folder = Path(folder)
    R, S = list(data.regions), list(data.sectors)
    n, s = len(R), len(S)
    files = {
        "regions.csv": _csv(["region", "labor", "wage"], [[R[d], float(data.labor[d]), float(data.wages[d])]
                                                          for d in range(n)]),
        "io_table.csv": _csv(["sector", "input", "share"],
                             [[S[i], S[j], float(data.input_shares[i, j])] for i in range(s) for j in range(s)]
                             + [[S[i], "labor", float(data.labor_shares[i])] for i in range(s)]),
        "consumption.csv": _csv(["region", "sector", "share"], [[R[d], S[j], float(data.consumption_shares[d, j])]
                                                                for d in range(n) for j in range(s)]),
        "trade_shares.csv": _csv(["buyer", "origin", "sector", "share"],
                                 [[R[d], R[o], S[j], float(data.trade_shares[d, o, j])]
                                  for d in range(n) for o in range(n) for j in range(s)]),
        "citation_shares.csv": _csv(["citing_region", "citing_sector", "cited_region", "cited_sector", "share"],
                                    [[R[d], S[i], R[o], S[j], float(data.citation_shares[d, i, o, j])]
                                     for d in range(n) for i in range(s) for o in range(n) for j in range(s)]),
        "citation_structure.csv": _csv(["citing_sector", "cited_sector", "share"],
                                       [[S[i], S[j], float(data.citation_structure[i, j])]
                                        for i in range(s) for j in range(s)]),
        "citations_received.csv": _csv(["region", "sector", "count"],
                                       [[R[o], S[j], float(data.citations_received[o, j])]
                                        for o in range(n) for j in range(s)]),
        "moments.csv": _csv(["name", "value"], [[k, float(v)] for k, v in data.moments.items()]),
    }
    for name, text in files.items():
        atomic_write_text(folder / name, text)


def generate(params=None) -> Dataset:
    """The data the model generates at ``params`` (default: the synthetic economy)."""
    from .calibration import model_moments
    from .equilibrium import solve_equilibrium
    from .measurement import citation_shares
    from .model import Model
    from .params import TechParameters

    params = TechParameters() if params is None else params
    model = Model.from_parameters(params)
    eq = solve_equilibrium(model)
    state, acc = eq.aggregates["technology"], eq.aggregates["accounts"]
    delta, received = citation_structure(params)
    mean, sd = state.moments(model)
    moments = model_moments(params, eq.prices["wages"], delta, received)
    return Dataset(regions=params.regions, sectors=params.sectors, labor=params.labor, wages=eq.prices["wages"],
                   input_shares=params.input_shares, labor_shares=params.effective_labor_shares(),
                   consumption_shares=params.consumption_shares, trade_shares=acc.trade_shares,
                   citation_shares=citation_shares(mean, sd, delta, received), citation_structure=delta,
                   citations_received=received, moments=moments)


if __name__ == "__main__":  # pragma: no cover
    write_dataset(SYNTHETIC_FOLDER, generate())
