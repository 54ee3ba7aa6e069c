"""The model format's JSON Schema, for editors and other tools."""

from __future__ import annotations

from typing import Any

from aftershock.model.spec import Model

SCHEMA_ID = "https://aftershock.dev/schema/model-1.json"


def model_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a model document."""
    schema = Model.model_json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "aftershock model",
        "description": "One stack: business services, components, where they run and what they "
        "depend on. See DESIGN.md, 'The model (contract)'.",
        **{k: v for k, v in schema.items() if k != "title"},
        # top-level x- keys are the user's own (anchors for YAML merge keys), and ignored
        "patternProperties": {"^x-": {}},
    }
