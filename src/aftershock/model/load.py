"""Load a model file: read, parse, validate the contract and its references; errors carry lines."""

from __future__ import annotations

import os
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from aftershock.allocation import bulk_allocation
from aftershock.catalog.load import Catalog, load_catalog
from aftershock.errors import ModelValidationError, Problem, quoted
from aftershock.model.references import check_references
from aftershock.model.spec import Model
from aftershock.model.suggest import closest
from aftershock.model.yamlsource import YamlSource, parse, read_text
from aftershock.source import LIMITS

EXAMPLE = Path(__file__).parent / "example.yaml"
MAX_PROBLEMS = LIMITS.problems


def example_text() -> str:
    """Return the embedded example model as YAML text."""
    return EXAMPLE.read_text(encoding="utf-8")


def load_model(
    path: str | os.PathLike[str] | None = None, *, catalog: Catalog | None = None
) -> Model:
    """Return the validated model in ``path`` (the embedded example when None).

    Raises ModelFileError, ModelSyntaxError or ModelValidationError (all InputError), each
    naming the file, the line, the bad value and what to do.
    """
    if path is None:
        return load_model_text(example_text(), "example.yaml", catalog=catalog)
    return load_model_text(read_text(path), str(path), catalog=catalog)


def load_model_text(text: str, name: str = "<string>", *, catalog: Catalog | None = None) -> Model:
    """Return the validated model in YAML ``text``; ``name`` labels errors."""
    with bulk_allocation():
        source = parse(text, name)
        try:
            return _validated(source, catalog)
        except ModelValidationError:
            if not source.fast:
                raise
        # Errors are always reported from the careful parse, which knows every line.
        return _validated(parse(text, name, fast=False), catalog)


def _validated(source: YamlSource, catalog: Catalog | None) -> Model:
    model = validate(source)
    problems = check_references(model, catalog or load_catalog(), source)
    if problems:
        raise ModelValidationError(capped(problems))
    return model


def validate(source: YamlSource) -> Model:
    """Return the model of a parsed document, or raise ModelValidationError."""
    if not isinstance(source.data, dict):
        kind = type(source.data).__name__
        raise ModelValidationError(
            Problem(
                f"a model is a YAML mapping, not a {kind} ({quoted(source.data)})",
                file=source.file,
                line=1,
                hint="start with `aftershock: 1`, `name:` and `components:`",
            )
        )
    # Top-level `x-` keys are the user's own (a place for YAML anchors, as in compose files).
    data = {k: v for k, v in source.data.items() if not str(k).startswith("x-")}
    try:
        return Model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # Locating and explaining a problem costs a look-up and maybe a "did you mean": only
        # for those shown (a few more, as some are duplicates); the rest are counted.
        problems = _dedupe([validation_problem(err, source) for err in errors[: 2 * MAX_PROBLEMS]])
        unseen = max(0, len(errors) - 2 * MAX_PROBLEMS)
        raise ModelValidationError(capped(problems, unseen)) from None


def capped(problems: list[Problem], unseen: int = 0) -> list[Problem]:
    """Return the first problems and a line counting the rest (``unseen`` not yet made)."""
    if len(problems) <= MAX_PROBLEMS and not unseen:
        return problems
    rest = len(problems) - min(len(problems), MAX_PROBLEMS) + unseen
    return [*problems[:MAX_PROBLEMS], Problem(f"... and {rest} more problems", file=None)]


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[object, ...]] = set()
    out = []
    for p in problems:
        key = (p.line, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional from an annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            annotation = models[0] if models else args[0]
        else:
            return annotation


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel] | None:
    """Return the model class that the location ``loc`` points into."""
    current: Any = Model
    for step in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(step))
            if info is None:
                return None
            current = info.annotation
        elif typing.get_origin(current) in (list, dict):
            current = typing.get_args(current)[-1]
        else:
            return None
    current = _unwrap(current)
    if typing.get_origin(current) in (list, dict):
        current = _unwrap(typing.get_args(current)[-1])
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def validation_problem(err: Any, source: YamlSource) -> Problem:
    """Return the located, explained problem of one pydantic validation error of ``source``."""
    loc: tuple[str | int, ...] = tuple(s for s in err["loc"] if not str(s).startswith("function-"))
    kind: str = err["type"]
    value = err.get("input")
    field = str(loc[-1]) if loc else "model"
    line, column = source.line_of(loc)
    hint = None
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        allowed = sorted(parent.model_fields) if parent else []
        guess = closest(field, allowed)
        message = f"unknown field {field!r}"
        hint = (f"did you mean {guess!r}? " if guess else "") + (
            f"allowed fields here: {', '.join(allowed)}" if allowed else "remove it"
        )
        loc = loc[:-1]
    elif kind == "missing":
        message = f"missing required field {field!r}"
        hint = f"add `{field}:` here"
        if field == "aftershock":
            hint = "add `aftershock: 1` at the top (the model format version)"
        loc = loc[:-1]
        line, column = source.line_of(loc)
    elif kind == "literal_error" and field == "aftershock":
        message = f"model format {quoted(value)} is not supported; this aftershock reads format 1"
        hint = "set `aftershock: 1`, or upgrade aftershock"
    elif kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        message = f"invalid value for {field}, expected {expected} (not {quoted(value)})"
        options = [o.strip(" '") for o in expected.replace(" or ", ",").split(",")]
        guess = closest(str(value), options)
        hint = f"did you mean {guess!r}?" if guess else f"use one of {expected}"
    elif kind == "value_error":
        message = str(err["msg"]).removeprefix("Value error, ")
        if field in ("components", "business_services") and isinstance(value, dict):
            loc = loc[:-1]
    elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        ctx = err.get("ctx", {})
        bound = next(iter(ctx.values()), "?")
        words = {
            "greater_than_equal": "at least",
            "greater_than": "more than",
            "less_than_equal": "at most",
            "less_than": "less than",
        }
        message = f"{field} must be {words[kind]} {bound} (not {quoted(value)})"
        if field == "cost_per_hour":
            hint = "a cost is a non-negative amount per hour, e.g. 120000"
        elif field == "degraded_cost":
            hint = "degraded_cost is the fraction of cost_per_hour while degraded, 0 to 1"
            if isinstance(value, int | float) and 1 < value <= 100:
                hint += f"; did you mean {value / 100:g}?"
    elif kind in ("too_short",):
        message = f"{field} must not be empty"
    else:
        expected = {
            "string_type": "text",
            "int_type": "a whole number",
            "int_parsing": "a whole number",
            "float_type": "a number",
            "float_parsing": "a number",
            "bool_type": "true or false",
            "bool_parsing": "true or false",
            "dict_type": "a mapping (name: value)",
            "model_type": "a mapping (name: value)",
            "list_type": "a list",
        }.get(kind)
        if expected:
            message = f"{field} should be {expected} (not {quoted(value)})"
        else:
            message = f"{field}: {err['msg']} (got {quoted(value)})"
    return Problem(
        message, file=source.file, line=line, column=column, value=value, hint=hint, path=loc
    )
