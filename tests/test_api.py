"""The public Python API: everything the CLI does is a documented call."""

from __future__ import annotations

import importlib

import aftershock

EXPECTED = {
    "load_model",
    "load_model_text",
    "compile_model",
    "check",
    "explain",
    "propagate",
    "single_failures",
    "cut_sets",
    "model_schema",
    "example_text",
    "render_json",
    "render_check",
    "render_check_markdown",
    "InputError",
    "AftershockError",
}


def test_all_names_exist_and_are_documented() -> None:
    assert set(aftershock.__all__) >= EXPECTED
    assert sorted(aftershock.__all__) == aftershock.__all__
    for name in aftershock.__all__:
        obj = getattr(aftershock, name)
        if callable(obj):
            assert obj.__doc__, name


def test_errors_share_one_root() -> None:
    for name in (
        "InputError",
        "ModelFileError",
        "ModelSyntaxError",
        "ModelValidationError",
        "TargetError",
        "CatalogError",
    ):
        assert issubclass(getattr(aftershock, name), aftershock.AftershockError)


def test_layers_do_not_reach_upwards() -> None:
    import pathlib
    import re

    root = pathlib.Path(aftershock.__file__).parent
    below = {
        "model": ("graph", "analysis", "report", "cli", "sim"),
        "graph": ("analysis", "report", "cli", "sim"),
        "analysis": ("report", "cli", "sim"),
        "catalog": ("model", "graph", "analysis", "report", "cli"),
    }
    for layer, forbidden in below.items():
        for path in (root / layer).rglob("*.py"):
            text = path.read_text()
            for other in forbidden:
                assert not re.search(rf"^\s*(from|import) aftershock\.{other}\b", text, re.M), (
                    path,
                    other,
                )
    importlib.import_module("aftershock.cli")
