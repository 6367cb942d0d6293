"""Impulse-response figures: a grid of small panels, one per variable (matplotlib ``Figure``, no pyplot)."""
from __future__ import annotations

import math

import numpy as np

__all__ = ["irf_figure"]


def irf_figure(responses: dict, title: str = "", units: dict | None = None, columns: int = 3):
    """A grid of impulse responses.

    Parameters
    ----------
    responses : dict
        ``{variable: array}`` (one innovation) or ``{innovation: {variable: array}}`` (one line per
        innovation in every panel).
    units : dict, optional
        ``{variable: label}`` for the y axes ("% dev." / "dev.").
    """
    from equilibria.plotting import new_figure

    first = next(iter(responses.values()))
    series = responses if isinstance(first, dict) else {"": responses}
    variables = list(next(iter(series.values())))
    columns = max(1, min(columns, len(variables)))
    rows = math.ceil(len(variables) / columns)
    figure, _ = new_figure(2.6 * columns, 1.9 * rows + 0.4)
    figure.clear()
    axes = np.atleast_1d(figure.subplots(rows, columns, squeeze=False)).ravel()
    for ax, variable in zip(axes, variables):
        for label, paths in series.items():
            values = np.asarray(paths[variable])
            ax.plot(np.arange(values.size), values, label=label or None, lw=1.5)
        ax.axhline(0.0, color="0.6", lw=0.7)
        ax.set_title(variable, fontsize=9)
        if units and units.get(variable):
            ax.set_ylabel(units[variable], fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(variables):]:
        ax.set_visible(False)
    if len(series) > 1:
        axes[0].legend(fontsize=7)
    if title:
        figure.suptitle(title, fontsize=10)
    return figure
