"""What each cross-field rule takes in a schema file: its finding code, parameters and field.

The kind compiler checks a schema's `rules:` against these; `rules.py` gives each its code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Param:
    """A parameter a rule takes in the schema file: a field, a list of fields or a list of
    values; when the file leaves it out, the field or values of the kind's `role`."""

    sort: str  # "field", "fields" or "values"
    role: str | None = None
    required: bool = True


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """A rule's signature. Its fields come from the schema: `field` (or the kind's
    `field_role`), the `when` and `unless` conditions (by default, with
    `when_done`/`unless_done`, "the status is one of the done values"), and its own `params`.
    """

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)
    field_role: str | None = None
    when_done: bool = False
    unless_done: bool = False


SPECS: dict[str, RuleSpec] = {
    "needs-progress": RuleSpec("needs-progress", when_done=True),
    "not-future": RuleSpec("future-date", field_role="updated"),
    "overdue": RuleSpec("overdue", field_role="due", unless_done=True),
    "rag-status": RuleSpec(
        "rag-status",
        params={
            "rag": Param("field", "rag"),
            "status": Param("field", "status"),
            "done": Param("values", "done"),
            "paused": Param("values", required=False),  # statuses Green does not fit
        },
    ),
    "indicator-rag": RuleSpec(
        "indicator-rag",
        params={
            "rag": Param("field", "rag"),
            "actual": Param("field"),
            "target": Param("field"),
            "polarity": Param("field"),
        },
    ),
    "risk-score": RuleSpec(
        "risk-score", params={"score": Param("field"), "factors": Param("fields")}
    ),
    "unique-key": RuleSpec("duplicate-key"),
}
