"""Econometrics for impulse responses: VARs with recursive identification, local projections,
bootstrap bands and Monte Carlo covariances, and impulse-response matching criteria.

::

    from equilibria.econometrics import fit_var, local_projections, bootstrap_irfs

    var = fit_var(data, lags=3)                      # data: (T, n) array, columns in causal order
    irf = var.recursive_irf(shock=6, horizon=16, impact=0.15)
    draws = bootstrap_irfs(var, shock=6, horizon=16, draws=5000, seed=1, impact=0.15)
"""
from ..lazy import lazy_exports

_EXPORTS = {
    "VAR": "var", "fit_var": "var", "local_projections": "projections",
    "bootstrap_irfs": "bootstrap", "irf_bands": "bootstrap",
    "weighted_block_covariance": "matching", "matching_criterion": "matching",
    "criterion_decomposition": "matching",
}

__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
