"""Identification diagnostics for the calibration (sections 5.2-5.4): profile objectives.

The profile of a calibration objective along one parameter fixes that parameter on a grid and
re-minimises the distance over the others (Nelder-Mead in the same log coordinates as
:class:`~equilibria.plugins.tyazhelnikov2016.calibration.Calibration`, every grid point started
from the same point, with one restart).  A flat profile means the sales distribution cannot tell the grid values
apart once the other parameters adjust: the parameter is weakly identified, whatever the optimiser.
"""
from __future__ import annotations

import numpy as np

from .calibration import PARAMETER_NAMES, Calibration

__all__ = ["profile"]


def profile(cal: Calibration, name: str, grid, start, maxiter=300, xatol=1e-3, fatol=1e-8, step=0.2):
    """Profile of ``cal``'s objective along parameter ``name`` over ``grid``.

    ``start = (shape, scale, tau, w)`` is the starting point of every search (its ``name`` entry is ignored).
    Returns a list of dicts ``{name: value, "distance": ..., "estimate": {...}, "evaluations": n}``.
    """
    from scipy import optimize

    k = PARAMETER_NAMES.index(name)
    free = [i for i in range(len(PARAMETER_NAMES)) if i != k]
    z_start = cal.to_z(start)
    rows = []
    for value in grid:
        z_fixed = cal.to_z(tuple(value if i == k else t for i, t in enumerate(start)))[k]

        def fn(zf, z_fixed=z_fixed):
            z = np.empty(len(PARAMETER_NAMES))
            z[k] = z_fixed
            z[free] = zf
            return cal.objective(z)

        x0 = z_start[free]
        simplex = np.vstack([x0] + [x0 + step * np.eye(len(free))[i] for i in range(len(free))])
        res = optimize.minimize(fn, x0, method="Nelder-Mead",
                                options={"maxiter": maxiter, "xatol": xatol, "fatol": fatol, "initial_simplex": simplex})
        # one restart with a smaller simplex (Nelder-Mead stalls on piecewise-flat objectives)
        x0 = res.x
        simplex = np.vstack([x0] + [x0 + step / 3 * np.eye(len(free))[i] for i in range(len(free))])
        res = optimize.minimize(fn, x0, method="Nelder-Mead",
                                options={"maxiter": maxiter, "xatol": xatol, "fatol": fatol, "initial_simplex": simplex})
        z_full = np.empty(len(PARAMETER_NAMES))
        z_full[k] = z_fixed
        z_full[free] = res.x
        theta = cal.to_theta(z_full)
        rows.append({name: float(value), "distance": float(res.fun),
                     "estimate": dict(zip(PARAMETER_NAMES, theta.tolist())), "evaluations": int(res.nfev)})
    return rows
