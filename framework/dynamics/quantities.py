"""Labels and units of the numbers in a :func:`~equilibria.dynamics.report.dsge_result`.

Declared from the model: steady-state levels, responses, simulated paths and standard deviations
per variable, in the units the report uses (100 × log deviation, i.e. percent, for log variables;
level deviation otherwise), and the report's solver entries.
"""
from __future__ import annotations

from ..quantities import COUNT, DIMENSIONLESS, SECONDS, Quantity, solve_report_quantities

__all__ = ["dsge_quantities"]

_Q = Quantity


def _deviation_unit(is_log: bool) -> str:
    return "percent deviation from the steady state" if is_log else "level deviation from the steady state"


def dsge_quantities(model) -> dict:
    """Declarations for every entry a ``dsge_result`` of ``model`` can hold (the ones present are shown)."""
    variables = list(model.variables)
    out = {
        "eigenvalues": _Q(label="moduli of the finite generalized eigenvalues, ascending", unit=DIMENSIONLESS),
        "moments.autocorrelation": _Q(label="autocorrelations at lags 1, 2, ... by variable", unit=DIMENSIONLESS),
        "moments.correlation": _Q(label="contemporaneous correlations of the variables", unit=DIMENSIONLESS),
        "moments.variance_decomposition": _Q(label="share of each variable's variance due to each innovation",
                                             unit="1 (fraction of the variance)"),
        "report.variables": _Q(label="variables of the model", unit=COUNT),
        "report.parameters": _Q(label="the model file's parameter values (after overrides)",
                                unit="as declared in the model file"),
        **solve_report_quantities("report.steady_state", "largest equation residual at the steady state",
                                  "steady state"),
        "report.setup_seconds": _Q(label="time to compile the model file", unit=SECONDS),
        "report.seconds": _Q(label="time to solve and report", unit=SECONDS),
        "report.infinite_eigenvalues": _Q(label="infinite generalized eigenvalues", unit=COUNT),
    }
    for name, is_log in zip(variables, model.log_variables):
        out[f"steady_state.{name}"] = _Q(label=f"steady-state level of {name}", unit="model units (level)")
        out[f"irf.*.{name}"] = _Q(label=f"response of {name} by period (0 = impact), one innovation",
                                  unit=_deviation_unit(is_log), axes=("period",))
        out[f"moments.std.{name}"] = _Q(label=f"standard deviation of {name}",
                                        unit="percent" if is_log else "level")
        out[f"simulation.{name}"] = _Q(label=f"simulated path of {name}", unit=_deviation_unit(is_log),
                                       axes=("period",))
    return out
