"""The built-in families: trusted code, reviewed like the rest of the package."""

from __future__ import annotations

from coach.content.families.base import Family
from coach.content.families.builtin import (
    batch_review,
    customer_reply,
    dates_json,
    expense_review,
    fit,
    grounded_answer,
    grounded_reviews,
    invoice_json,
    invoice_review,
    meeting_review,
    payables_agent,
    readouts,
    refund_evals,
    reusable,
    traces,
)

FAMILIES: tuple[Family, ...] = (
    expense_review.FAMILY,
    dates_json.FAMILY,
    meeting_review.FAMILY,
    invoice_review.FAMILY,
    invoice_json.FAMILY,
    customer_reply.FAMILY,
    *fit.FAMILIES,
    grounded_reviews.CITATIONS,
    grounded_reviews.SUPERSEDED,
    grounded_answer.FAMILY,
    batch_review.FAMILY,
    reusable.TRIAGE,
    reusable.PIPELINE,
    traces.INVOICE_AUDIT,
    traces.APPROVAL_AUDIT,
    payables_agent.FAMILY,
    readouts.AB_READOUT,
    readouts.EVAL_READOUT,
    refund_evals.FAMILY,
)
