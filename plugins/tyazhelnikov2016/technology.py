"""Production technologies of Tyazhelnikov (2016), section 2.2: snakes and trees.

A technology with ``N`` nodes is a *parent array*: ``parents[v]`` is the node that part ``v``
goes into (is assembled into), ``-1`` for the final node.  The snake (section 2.1) is the
chain ``0 -> 1 -> ... -> N-1``; a spider is a star whose leaves all feed the final node.
Assembly nodes may have any number of children.

The kernels need the nodes in *topological order* (every node before its parent, the final
node last).  :func:`topological_order` computes such an order, and :class:`Technology` keeps
the permutation so that results can be reported in the user's node numbering.
"""
from __future__ import annotations

import attrs
import numpy as np

from equilibria.errors import ParameterError

__all__ = ["Technology", "chain_parents", "spider_parents", "topological_order", "validate_parents"]


def chain_parents(n_nodes: int) -> np.ndarray:
    """Parent array of the snake with ``n_nodes`` stages in production order (eq. 1)."""
    parents = np.arange(1, n_nodes + 1, dtype=np.int64)
    parents[-1] = -1
    return parents


def spider_parents(n_legs: int) -> np.ndarray:
    """Parent array of a spider: ``n_legs`` parts assembled at the final node ``n_legs``."""
    parents = np.full(n_legs + 1, n_legs, dtype=np.int64)
    parents[-1] = -1
    return parents


def validate_parents(parents, n_nodes: int | None = None, name: str = "parents") -> np.ndarray:
    """Check that ``parents`` describes a tree and return it as an int64 array.

    Rules: integers, exactly one ``-1`` (the final node), every other entry a valid node index
    different from the node itself, and no cycles (every node reaches the final node).
    """
    try:
        raw = np.asarray(parents)
    except Exception:  # pragma: no cover - numpy accepts almost anything
        raise ParameterError(name, "must be an array of node indices", parents) from None
    if raw.ndim != 1 or raw.size == 0:
        raise ParameterError(name, "must be a non-empty one-dimensional array of node indices", parents)
    if raw.dtype.kind not in "iu":
        if raw.dtype.kind == "f" and np.all(np.isfinite(raw)) and np.all(raw == np.round(raw)):
            raw = raw.astype(np.int64)
        else:
            raise ParameterError(name, "must contain integers (node indices, -1 for the final node)", parents)
    p = raw.astype(np.int64)
    n = p.size
    if n_nodes is not None and n != n_nodes:
        raise ParameterError(name, f"must have one entry per node ({n_nodes})", parents)
    roots = np.flatnonzero(p == -1)
    if roots.size != 1:
        raise ParameterError(name, "must contain exactly one -1 (the final node)", parents)
    others = np.delete(np.arange(n), roots)
    if np.any((p[others] < 0) | (p[others] >= n)):
        raise ParameterError(name, f"entries must be node indices in [0, {n - 1}] or -1", parents)
    if np.any(p[others] == others):
        raise ParameterError(name, "is not a tree: a node cannot be its own parent", parents)
    # every node must reach the root in fewer than n steps (no cycles)
    node = np.arange(n)
    for _ in range(n):
        node = np.where(node == roots[0], node, p[node])
    if np.any(node != roots[0]):
        raise ParameterError(name, "is not a tree: it contains a cycle", parents)
    return p


def topological_order(parents: np.ndarray) -> np.ndarray:
    """Nodes ordered so that every node comes before its parent; the final node is last.

    Ties are broken by depth (deepest first) and then by node index, so a chain given in
    production order is returned unchanged.
    """
    p = np.asarray(parents, dtype=np.int64)
    n = p.size
    depth = np.zeros(n, dtype=np.int64)
    for v in range(n):
        u, d = v, 0
        while p[u] != -1:
            u, d = p[u], d + 1
        depth[v] = d
    return np.lexsort((np.arange(n), -depth))


@attrs.frozen
class Technology:
    """A validated tree with its topological relabelling.

    Attributes
    ----------
    parents : ndarray of int64
        Parent array in the user's numbering.
    order : ndarray of int64
        ``order[k]`` is the user's node placed at position ``k`` for the kernels.
    sorted_parents : ndarray of int32
        Parent array in kernel numbering (``sorted_parents[k] > k``, last is ``-1``).
    """

    parents: np.ndarray
    order: np.ndarray
    sorted_parents: np.ndarray

    @classmethod
    def from_parents(cls, parents, n_nodes: int | None = None) -> "Technology":
        p = validate_parents(parents, n_nodes)
        order = topological_order(p)
        position = np.empty_like(order)
        position[order] = np.arange(order.size)
        sp = np.where(p[order] == -1, -1, position[np.maximum(p[order], 0)]).astype(np.int32)
        return cls(p, order, sp)

    @classmethod
    def chain(cls, n_nodes: int) -> "Technology":
        return cls.from_parents(chain_parents(n_nodes))

    @property
    def n_nodes(self) -> int:
        return int(self.parents.size)

    @property
    def is_identity(self) -> bool:
        """True when the user's numbering is already topological (no permutation needed)."""
        return bool(np.array_equal(self.order, np.arange(self.order.size)))

    @property
    def is_chain(self) -> bool:
        return bool(np.array_equal(self.parents, chain_parents(self.n_nodes)))
