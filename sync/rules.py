"""The catalogue of cross-field rules a schema may name."""

from __future__ import annotations

RULES: dict[str, str] = {
    "needs-progress": "A closed or complete item needs a progress note.",
    "not-future": "A last-updated date cannot be in the future.",
    "overdue": "The target date has passed and the item is not complete.",
    "rag-status": "The RAG rating should agree with the status.",
    "indicator-rag": "The RAG rating should agree with actual against target.",
    "risk-score": "The risk score should be likelihood times impact.",
    "unique-key": "Each reference appears once per partner.",
}
