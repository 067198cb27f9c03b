"""Capability exports (CSV, JSON, HTML) and checking an exported JSON again.

See `coach.export.chain` for how an export carries its hash-chain evidence.
"""

from __future__ import annotations

from coach.export.build import build_export, build_learner, team_rollup
from coach.export.chain import REDACTED_FIELDS, ChainIssue, check_chain
from coach.export.html import render_html, write_html
from coach.export.records import SCHEMA_ID, CapabilityExport, LearnerExport
from coach.export.schema import export_schema
from coach.export.verify import VerifyResult, verify_data, verify_file
from coach.export.writers import CSV_COLUMNS, export_json, safe_cell, write_csv, write_json

__all__ = [
    "CSV_COLUMNS",
    "REDACTED_FIELDS",
    "SCHEMA_ID",
    "CapabilityExport",
    "ChainIssue",
    "LearnerExport",
    "VerifyResult",
    "build_export",
    "build_learner",
    "check_chain",
    "export_json",
    "export_schema",
    "render_html",
    "safe_cell",
    "team_rollup",
    "verify_data",
    "verify_file",
    "write_csv",
    "write_html",
    "write_json",
]
