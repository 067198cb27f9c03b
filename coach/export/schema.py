"""The published JSON Schema of the export, generated from the models.

python -m coach.export.schema > schemas/capability-export.schema.json
"""

from __future__ import annotations

import json
from typing import Any

from coach.export.records import SCHEMA_ID, CapabilityExport

SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def export_schema() -> dict[str, Any]:
    schema = CapabilityExport.model_json_schema(by_alias=True, mode="serialization")
    return {
        "$schema": SCHEMA_URI,
        "$id": SCHEMA_ID,
        **schema,
        "title": "coach capability export",
    }


def schema_text() -> str:
    return json.dumps(export_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
