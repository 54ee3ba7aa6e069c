"""Scenarios from ``--fail TARGET[@START][+DURATION][:degraded]`` strings and scenario files."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    WithJsonSchema,
)

from aftershock.catalog.load import Catalog, load_catalog
from aftershock.errors import (
    InputError,
    ModelFileError,
    ModelValidationError,
    Problem,
    TargetError,
    quoted,
)
from aftershock.graph.core import State
from aftershock.model.duration import (
    DURATION_HINT,
    Duration,
    DurationTooLong,
    format_duration,
    parse_duration,
)
from aftershock.model.load import capped, validation_problem
from aftershock.model.spec import Model
from aftershock.model.suggest import closest
from aftershock.model.targets import suggest_target, target_error
from aftershock.model.yamlsource import YamlSource, decode, parse, read_text
from aftershock.sim.faults import DEFAULT_HORIZON, RESOLUTION_S, Fault, Scenario

FAIL_HINT = "--fail TARGET[@START][+DURATION][:degraded], e.g. --fail aws/us-east-1@30m+2h"
FILE_HINT = "write faults like `- {target: aws/us-east-1, duration: 2h}`, alone or under `faults:`"
TARGET_HINT = "name a provider, region, zone, service, plane, component or vendor: aws/us-east-1"
SCHEMA_ID = "https://aftershock.dev/schema/scenario-1.json"
_EFFECTS = {"down": State.DOWN, "degraded": State.DEGRADED}
_FAIL = re.compile(
    r"^(?P<target>[^@+:]*)(?:@(?P<start>[^@+:]*))?(?:\+(?P<duration>[^@+:]*))?(?::(?P<effect>.*))?$"
)
_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
Locate = Callable[[int], tuple[int | None, int | None]]


def _longer_than_zero(seconds: float) -> float:
    if seconds <= 0:
        raise ValueError("must be longer than 0s (not 0)")
    if seconds < RESOLUTION_S:
        raise ValueError(f"must be at least 1ms, the simulation's resolution (not {seconds:g}s)")
    return seconds


PositiveDuration = Annotated[
    Duration,
    AfterValidator(_longer_than_zero),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(?!(0+(\.0*)?(ms|s|m|h|d|w))+$)(\d+(\.\d+)?(ms|s|m|h|d|w))+$",
            "description": "a duration longer than 0: 90s, 5m, 4h, 3d, 1h30m",
            "examples": ["90s", "2h", "1h30m", "3d"],
        }
    ),
]
"""A duration field that must be longer than 0 (``0`` would be an empty window)."""


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FaultEvent(_Spec):
    """One fault: the target is down (or degraded) from start, for duration or to the end."""

    target: str = Field(
        min_length=1,
        description="the failure target: a provider, region, zone, service, plane, component "
        "or vendor",
        examples=["aws/us-east-1", "aws/us-east-1/use1-az1", "aws/global/iam/control", "api"],
    )
    start: Duration = Field(default=0.0, description="when the fault begins; default 0")
    duration: PositiveDuration | None = Field(
        default=None, description="how long it lasts; omitted: until the end of the simulation"
    )
    effect: Literal["down", "degraded"] = Field(default="down", description="down or degraded")
    note: str | None = Field(default=None, description="why, or where the timing comes from")


Events = Annotated[list[FaultEvent], Field(min_length=1)]


class ScenarioFile(_Spec):
    """A named scenario: its faults, and how long to simulate."""

    name: str | None = Field(default=None, description="labels reports; default the file name")
    description: str | None = Field(default=None, description="what the scenario rehearses")
    horizon: PositiveDuration | None = Field(
        default=None, description="how long to simulate; default 72h", examples=["24h", "3d"]
    )
    faults: Events = Field(description="the faults, in any order")


def parse_fail(spec: str, horizon: float) -> Fault:
    """Return the fault a ``--fail`` string describes.

    The form is ``TARGET[@START][+DURATION][:degraded]``: START defaults to 0, an omitted
    DURATION keeps the target down until the horizon, and ``:degraded`` makes the target
    degraded rather than down (``:down`` is the default). A window past ``horizon`` is clipped.
    Raises InputError naming the bad part of ``spec``.
    """

    def bad(message: str, hint: str = FAIL_HINT) -> InputError:
        return InputError(Problem(message, file="--fail", value=spec, hint=hint))

    form = _FAIL.match(spec.strip())
    if form is None:
        raise bad(f"cannot read {quoted(spec)}: write the parts in this order, each at most once")
    target, begin, length, effect = form.group("target", "start", "duration", "effect")
    if effect is not None and effect not in _EFFECTS:
        guess = closest(effect, _EFFECTS)
        raise bad(
            f"unknown effect {quoted(effect)} in {quoted(spec)}, expected down or degraded",
            f"did you mean ':{guess}'?" if guess else FAIL_HINT,
        )
    if not target.strip():
        raise bad(f"no target in {quoted(spec)}")
    start = 0.0 if begin is None else _cli_duration(begin, "start", spec, bad)
    seconds = None if length is None else _cli_duration(length, "duration", spec, bad)
    if seconds is not None and seconds < RESOLUTION_S:
        raise bad(
            f"duration {length} in {quoted(spec)} is empty: a fault lasts at least 1ms",
            f"omit +DURATION to fail it until the end, e.g. --fail {spec.partition('+')[0]}",
        )
    if start >= horizon:
        raise bad(
            f"start {begin} in {quoted(spec)} is at or past the end of the simulation "
            f"({format_duration(horizon)})",
            f"start earlier or simulate longer; {FAIL_HINT}",
        )
    end = None if seconds is None or start + seconds >= horizon else start + seconds
    return Fault(target.strip(), start, end, _EFFECTS[effect or "down"])


def _cli_duration(text: str, what: str, spec: str, bad: Callable[[str], InputError]) -> float:
    if not text.strip():
        raise bad(f"no {what} after {'@' if what == 'start' else '+'} in {quoted(spec)}")
    try:
        return parse_duration(text)
    except DurationTooLong as exc:
        raise bad(f"invalid {what} in {quoted(spec)}: {exc}") from exc
    except ValueError as exc:
        unit = " (a bare number has no unit)" if _NUMBER.match(text.strip()) else ""
        message = f"invalid {what} {quoted(text)} in {quoted(spec)}{unit}; {DURATION_HINT}"
        raise bad(message) from exc


def load_scenario(
    path: str | os.PathLike[str],
    *,
    horizon: float = DEFAULT_HORIZON,
    model: Model | None = None,
    catalog: Catalog | None = None,
) -> Scenario:
    """Return the scenario in the YAML file ``path``; see load_scenario_text."""
    try:
        text = read_text(path)
    except ModelFileError as exc:
        raise _for_scenario(exc) from None
    return load_scenario_text(text, str(path), horizon=horizon, model=model, catalog=catalog)


def load_scenario_text(
    text: str,
    name: str = "<string>",
    *,
    horizon: float = DEFAULT_HORIZON,
    model: Model | None = None,
    catalog: Catalog | None = None,
) -> Scenario:
    """Return the scenario in YAML ``text``; ``name`` labels errors and, without a ``name:``
    in the file, the scenario. ``horizon`` applies when the file sets none.

    With ``model``, every target is checked against it and the catalog (TargetError naming
    each bad target's line). Raises ModelFileError (empty), ModelSyntaxError (not YAML) or
    ModelValidationError (not a scenario), all InputError with file:line:col and a hint.
    """
    try:
        decode(text.encode("utf-8", "surrogatepass"), name)
    except ModelFileError as exc:
        raise _for_scenario(exc) from None
    scenario, locate = _validated(parse(text, name, fast=False), horizon)
    if model is not None:
        check_targets(scenario, model, catalog, file=name, locate=locate)
    return scenario


def _for_scenario(exc: ModelFileError) -> ModelFileError:
    """Return the error with hints about scenarios rather than models."""
    for problem in exc.problems:
        problem.message = problem.message.replace("no model", "no scenario")
        if problem.message.startswith("file not found"):
            problem.hint = "check the path; examples/scenarios/ holds scenarios to start from"
        elif problem.hint:
            hint = problem.hint.replace("model", "scenario")
            problem.hint = FILE_HINT if "aftershock" in hint else hint
    return type(exc)(exc.problems)


def _validated(source: YamlSource, horizon: float) -> tuple[Scenario, Locate]:
    """Return the scenario of a parsed document and where each fault's target is written."""
    listed = isinstance(source.data, list)

    def locate(i: int, field: str = "target") -> tuple[int | None, int | None]:
        return source.line_of((i, field) if listed else ("faults", i, field))

    spec = _spec(source, listed)
    limit = spec.horizon or horizon
    late = [
        Problem(
            f"start {format_duration(event.start)} is at or past the end of the simulation "
            f"({format_duration(limit)})",
            source.file,
            *locate(i, "start"),
            value=event.start,
            hint="start earlier, or set a longer `horizon:`",
        )
        for i, event in enumerate(spec.faults)
        if event.start >= limit
    ]
    if late:
        raise ModelValidationError(capped(late))
    faults = []
    for event in spec.faults:
        end = None if event.duration is None else event.start + event.duration
        end = None if end is not None and end >= limit else end  # clipped at the horizon
        faults.append(Fault(event.target, event.start, end, _EFFECTS[event.effect], event.note))
    stem = Path(source.file).stem if source.file.endswith((".yaml", ".yml")) else None
    return Scenario(tuple(faults), limit, spec.name or stem), locate


def _spec(source: YamlSource, listed: bool) -> ScenarioFile:
    data = source.data
    if not listed and not isinstance(data, dict):
        raise ModelValidationError(
            Problem(
                f"a scenario is a list of faults or a mapping with `faults:`, not a "
                f"{type(data).__name__} ({data!r:.60})",
                file=source.file,
                line=1,
                hint=FILE_HINT,
            )
        )
    try:
        return ScenarioFile.model_validate({"faults": data} if listed else data)
    except ValidationError as exc:
        problems = [_located(err, source, listed) for err in exc.errors(include_url=False)]
        raise ModelValidationError(capped(problems)) from None


def _located(err: Any, source: YamlSource, listed: bool) -> Problem:
    """Return the problem of one pydantic error, located in the document as written."""
    loc: tuple[str | int, ...] = tuple(err["loc"])
    kind, value = err["type"], err.get("input")
    written = loc[1:] if listed else loc
    field = str(loc[-1]) if loc else "scenario"
    line, column = source.line_of(written)
    fault = len(loc) >= 2 and loc[0] == "faults" and isinstance(loc[1], int)
    message, hint = None, None
    if kind == "extra_forbidden":
        allowed = sorted((FaultEvent if fault else ScenarioFile).model_fields)
        guess = closest(field, allowed)
        message = f"unknown field {field!r}"
        hint = (f"did you mean {guess!r}? " if guess else "") + f"allowed: {', '.join(allowed)}"
        written = written[:-1]
    elif kind == "missing" and field == "target":
        message, hint = "a fault without a target", "add `target:`, e.g. target: aws/us-east-1"
    elif kind in ("missing", "list_type", "too_short") and loc == ("faults",):
        message = {
            "missing": "missing required field 'faults'",
            "list_type": f"faults should be a list (not {value!r:.60})",
            "too_short": "the scenario lists no faults",
        }[kind]
        hint = FILE_HINT
    elif kind == "model_type" and fault:
        message = f"each fault is a mapping with `target:` (not {value!r:.60})"
        hint = "write `- {target: aws/us-east-1, start: 30m, duration: 2h}`"
    elif kind == "value_error" and field in ("start", "duration", "horizon"):
        message = str(err["msg"]).removeprefix("Value error, ").split("; ")[0]
        message = message.replace("invalid duration", f"invalid {field}", 1)
        message = f"{field} {message}" if message.startswith("must") else message
        hint = f"{DURATION_HINT}, e.g. {field}: 2h"
        if isinstance(value, int | float) and not isinstance(value, bool) and value:
            hint = f"give it a unit: {value}s, {value}m or {value}h"
        elif field == "duration" and message.startswith("duration must"):
            hint = "omit `duration:` to keep the target down until the end"
    if message is None:
        return validation_problem({**err, "loc": written}, source)
    return Problem(
        message, file=source.file, line=line, column=column, value=value, hint=hint, path=written
    )


def check_targets(
    scenario: Scenario,
    model: Model,
    catalog: Catalog | None = None,
    *,
    file: str = "--fail",
    locate: Locate | None = None,
) -> None:
    """Return None when every fault names a failure target of ``model`` or the catalog.

    Raises TargetError listing each bad target with a 'did you mean'; ``file`` and ``locate``
    (fault index -> line, column) place them: ``--fail`` strings have no line. A valid target
    the model never uses is fine: it simply affects nothing.
    """
    catalog = catalog or load_catalog()
    names = {*model.components, *(c.vendor for c in model.components.values() if c.vendor)}
    problems: list[Problem] = []
    for i, fault in enumerate(scenario.faults):
        problem = target_error(fault.target, catalog, names)
        if problem is None:
            continue
        line, column = locate(i) if locate else (None, None)
        if not problem.startswith("unknown failure target"):
            problem = f"unknown failure target {quoted(fault.target)}: {problem}"
        hint = suggest_target(fault.target, catalog, names) or TARGET_HINT
        problems.append(Problem(problem, file, line, column, value=fault.target, hint=hint))
    if problems:
        raise TargetError(capped(problems))


EXAMPLES: Sequence[object] = (
    [{"target": "aws/us-east-1", "duration": "24h"}],
    [
        {"target": "aws/us-east-1/use1-az1", "start": "30m", "duration": "2h"},
        {"target": "aws/global/iam/control", "effect": "degraded", "note": "IAM changes fail"},
    ],
    {
        "name": "us-east-1-day",
        "description": "us-east-1 is down for a day",
        "horizon": "48h",
        "faults": [{"target": "aws/us-east-1", "start": 0, "duration": "24h"}],
    },
)
"""Valid scenario documents, as a YAML file would hold them (the tests validate them)."""


def scenario_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of a scenario file: a list of faults, or a
    mapping with ``faults:``."""
    adapter: TypeAdapter[Any] = TypeAdapter(Events | ScenarioFile)
    schema = adapter.json_schema(mode="validation")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "aftershock scenario",
        "description": "Timed faults of failure targets to simulate: a list of faults, or a "
        "mapping with name, description, horizon and faults.",
        "examples": list(EXAMPLES),
        **schema,
    }
