"""Our numbers beside the numbers a source paper prints, each with a verdict.

A :class:`SourceValue` pairs a quantity we computed with the value the source prints (or none) and a
tolerance declared by the plugin; the verdict follows from them: ``reproduced`` when the two agree
within the tolerance, ``differs`` otherwise (with a one-line reason and a link to the plugin's docs
page that explains it), ``not in the source`` when the source prints no value. A
:class:`~equilibria.results.Result` carries a list of them in ``comparisons``.
"""
from __future__ import annotations

import math

import attrs

__all__ = ["SourceValue", "comparison_table", "docs_link", "printed_tolerance", "REPRODUCED", "DIFFERS", "NOT_IN_SOURCE"]

REPRODUCED, DIFFERS, NOT_IN_SOURCE = "reproduced", "differs", "not in the source"


@attrs.define(kw_only=True, frozen=True)
class SourceValue:
    """One quantity: our value and the source's, compared within ``abs_tol`` or ``rel_tol``.

    ``where`` names the place in the source (``"Table 2.2"``); ``reason`` says in one line why a
    difference is expected; ``link`` points at the plugin docs section explaining it.
    """

    quantity: str
    unit: str
    ours: float
    source: float | None = None
    where: str = ""
    abs_tol: float = 0.0
    rel_tol: float = 0.0
    reason: str = ""
    link: str = ""

    @property
    def verdict(self) -> str:
        if self.source is None:
            return NOT_IN_SOURCE
        ours, theirs = float(self.ours), float(self.source)
        if math.isfinite(ours) and math.isclose(ours, theirs, rel_tol=self.rel_tol, abs_tol=self.abs_tol):
            return REPRODUCED
        return DIFFERS

    @property
    def tolerance(self) -> str:
        if self.source is None:
            return "—"
        parts = [f"abs {self.abs_tol:g}" if self.abs_tol else "", f"rel {self.rel_tol:g}" if self.rel_tol else ""]
        return " or ".join(p for p in parts if p) or "exact"

    def to_dict(self) -> dict:
        return {"quantity": self.quantity, "unit": self.unit, "ours": self.ours, "source": self.source,
                "where": self.where, "verdict": self.verdict, "tolerance": self.tolerance,
                "reason": self.reason if self.verdict != REPRODUCED else "", "link": self.link}


def docs_link(plugin: str, heading: str = "Reading of the source") -> str:
    """The link to a section of a plugin's docs page (``docs/plugins/<plugin>.md#<anchor>``)."""
    anchor = "".join(c if c.isalnum() or c in "-_" else "-" if c == " " else "" for c in heading.strip().lower())
    return f"docs/plugins/{plugin}.md#{anchor}"


def printed_tolerance(printed: str) -> float:
    """Half a unit in the last digit of a number as the source prints it (``"0.498"`` gives 0.0005):
    agreement to the printed precision."""
    digits = printed.strip().rstrip("%")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return 0.5 * 10.0 ** -decimals * (0.01 if printed.strip().endswith("%") else 1.0)


def comparison_table(values) -> "Table":
    """The comparisons as a report table with a verdict column."""
    from .results import Table

    rows = []
    for v in values:
        note = v.reason if v.verdict == DIFFERS else ""
        if note and v.link:
            note = f"{note} ([why]({v.link}))"
        rows.append([v.quantity, v.unit or "—", v.ours, "—" if v.source is None else v.source, v.where or "—",
                     v.tolerance, v.verdict, note])
    return Table(columns=["quantity", "unit", "ours", "source", "where", "tolerance", "verdict", "reason"],
                 rows=rows, caption="Our values beside the source's, with the verdict from the declared tolerance.")
