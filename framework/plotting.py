"""Figures without a display: matplotlib ``Figure`` objects, never pyplot's global state."""
from __future__ import annotations

__all__ = ["new_figure", "heatmap", "bars"]


def new_figure(width: float = 6.0, height: float = 4.0, ncols: int = 1):
    """A figure and its axes, detached from any GUI backend (safe in workers and CI)."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(1, ncols)
    return figure, axes


def heatmap(matrix, title: str, row_label: str, column_label: str, labels=None):
    """A matrix as an annotated heatmap."""
    import numpy as np

    matrix = np.asarray(matrix)
    figure, ax = new_figure(1.2 + 0.9 * matrix.shape[1], 1.0 + 0.8 * matrix.shape[0])
    image = ax.imshow(matrix, cmap="viridis")
    figure.colorbar(image, ax=ax)
    labels = labels or [str(i) for i in range(max(matrix.shape))]
    ax.set_xticks(range(matrix.shape[1]), labels[: matrix.shape[1]])
    ax.set_yticks(range(matrix.shape[0]), labels[: matrix.shape[0]])
    ax.set_xlabel(column_label)
    ax.set_ylabel(row_label)
    ax.set_title(title)
    if matrix.size <= 100:
        for (i, j), value in np.ndenumerate(matrix):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", color="w", fontsize=8)
    return figure


def bars(labels, series: dict, title: str, ylabel: str):
    """Grouped bar chart: one group per label, one bar per entry of ``series``."""
    import numpy as np

    figure, ax = new_figure()
    x = np.arange(len(labels))
    width = 0.8 / max(1, len(series))
    for k, (name, values) in enumerate(series.items()):
        ax.bar(x + (k - (len(series) - 1) / 2) * width, values, width, label=name)
    ax.set_xticks(x, labels)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(series) > 1:
        ax.legend()
    return figure
