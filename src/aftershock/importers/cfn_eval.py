"""CloudFormation intrinsic functions, read statically: which resources an expression refers to
(through parameters passed to nested stacks, their outputs and exports), and what value it
has where the template and the parameter defaults say.

Values that depend on the deployed stack are ``UNKNOWN``; inside strings (``!Sub``, ``!Join``)
an unknown part is ``WILD``, so an export name such as ``${AWS::StackName}-VpcId`` can still
be matched. ``!Select [n, !GetAZs '']`` is ``Az(n)``: the n-th zone of the region, whichever it
is in the account.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aftershock.errors import ImportInputError, Problem
from aftershock.importers.cfn_template import Template
from aftershock.source import LIMITS

WILD = "\x00"
"""An unknown part of a string."""


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Az:
    """The zone at ``position`` in the region's list (``!Select [n, !GetAZs '']``)."""

    position: int


@dataclass(frozen=True)
class AllAzs:
    """Every zone of the region (``!GetAZs ''``)."""


@dataclass
class Stack:
    """One template instantiated: the root input or a nested stack with its parameters."""

    template: Template
    path: str
    """"" for an input template, else the nested stacks' logical ids joined by "/"."""
    name: str
    region: str | None
    parent: Stack | None = None
    params: dict[str, Any] = field(default_factory=dict)
    """Parameter -> the expression passed for it, read in the parent stack."""
    children: dict[str, Stack] = field(default_factory=dict)
    prefix: str = ""
    """Key prefix that keeps resources of several input templates apart."""

    def key(self, logical: str) -> str:
        """Return the import-wide key of a resource of this stack."""
        return self.prefix + (f"{self.path}/{logical}" if self.path else logical)

    @property
    def resources(self) -> dict[str, Any]:
        return self.template.section("Resources")


@dataclass
class Refs:
    """What an expression refers to: resource keys, and exports no input template has."""

    keys: set[str] = field(default_factory=set)
    imports: set[str] = field(default_factory=set)


_SUB = re.compile(r"\$\{([^}!][^}]*)\}")


class Evaluator:
    """Reads expressions of all the stacks of one import."""

    def __init__(self, stacks: list[Stack]) -> None:
        self.stacks = stacks
        self._exports: list[tuple[str, Any, Stack]] | None = None
        self._active: set[tuple[str, str, str]] = set()
        self._steps = LIMITS.evaluation_steps

    def _step(self, stack: Stack) -> None:
        """Count one step; raise ImportInputError when the import has taken too many (a
        template whose expressions refer to each other over and over)."""
        self._steps -= 1
        if self._steps < 0:
            raise ImportInputError(
                Problem(
                    f"evaluating the templates' expressions takes more than "
                    f"{LIMITS.evaluation_steps:,} steps",
                    file=str(stack.template.path),
                    hint="do parameters and outputs refer to each other over and over through "
                    "nested stacks? import the templates one by one instead",
                )
            )

    # -- references ------------------------------------------------------------------------

    def refs(self, expr: Any, stack: Stack) -> Refs:
        """Return the resources (and missing exports) ``expr`` refers to in ``stack``."""
        out = Refs()
        self._walk(expr, stack, out)
        return out

    def _walk(self, expr: Any, stack: Stack, out: Refs) -> None:
        self._step(stack)
        if isinstance(expr, list):
            for item in expr:
                self._walk(item, stack, out)
            return
        if not isinstance(expr, dict):
            return
        if len(expr) == 1:
            ((fn, arg),) = expr.items()
            handler = _REF_HANDLERS.get(fn)
            if handler is not None:
                handler(self, arg, stack, out)
                return
        for item in expr.values():
            self._walk(item, stack, out)

    def _guarded(self, kind: str, name: str, stack: Stack) -> bool:
        """Enter a parameter, output or export once per walk (cycles between stacks end)."""
        mark = (kind, stack.prefix + stack.path, name)
        if mark in self._active:
            return False
        self._active.add(mark)
        return True

    def _ref(self, name: Any, stack: Stack, out: Refs) -> None:
        if not isinstance(name, str):
            return
        body = stack.resources.get(name)
        if isinstance(body, dict):
            if body.get("Type") != "AWS::CloudFormation::Stack":
                out.keys.add(stack.key(name))
        elif name in stack.params and stack.parent and self._guarded("param", name, stack):
            try:
                self._walk(stack.params[name], stack.parent, out)
            finally:
                self._active.discard(("param", stack.prefix + stack.path, name))

    def _get_att(self, arg: Any, stack: Stack, out: Refs) -> None:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or not arg or not isinstance(arg[0], str):
            return
        name = arg[0]
        attr = arg[1] if len(arg) > 1 and isinstance(arg[1], str) else ""
        body = stack.resources.get(name)
        if not isinstance(body, dict):
            return
        if body.get("Type") != "AWS::CloudFormation::Stack":
            out.keys.add(stack.key(name))
            return
        child = stack.children.get(name)
        output = attr.removeprefix("Outputs.")
        if child is not None and attr.startswith("Outputs."):
            value = child.template.section("Outputs").get(output)
            if isinstance(value, dict) and self._guarded("output", output, child):
                try:
                    self._walk(value.get("Value"), child, out)
                finally:
                    self._active.discard(("output", child.prefix + child.path, output))

    def _sub(self, arg: Any, stack: Stack, out: Refs) -> None:
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if not isinstance(variables, dict):
            variables = {}
        for value in variables.values():
            self._walk(value, stack, out)
        for name in _SUB.findall(text if isinstance(text, str) else ""):
            name = name.strip()
            if name in variables:
                continue
            if "." in name:
                self._get_att(name.split(".", 1), stack, out)
            else:
                self._ref(name, stack, out)

    def _import(self, arg: Any, stack: Stack, out: Refs) -> None:
        name = self.value(arg, stack)
        found = self.export(name) if isinstance(name, str) else None
        if found is None:
            out.imports.add(name if isinstance(name, str) else WILD)
            return
        expr, owner = found
        if self._guarded("export", str(name), owner):
            try:
                self._walk(expr, owner, out)
            finally:
                self._active.discard(("export", owner.prefix + owner.path, str(name)))

    def _if(self, arg: Any, stack: Stack, out: Refs) -> None:
        if not isinstance(arg, list) or len(arg) != 3:
            return
        chosen = self.condition(arg[0], stack)
        if chosen is True:
            self._walk(arg[1], stack, out)
        elif chosen is False:
            self._walk(arg[2], stack, out)
        else:
            self._walk(arg[1:], stack, out)

    # -- exports ---------------------------------------------------------------------------

    def export(self, name: str) -> tuple[Any, Stack] | None:
        """Return the output expression (and its stack) exported under ``name``."""
        if self._exports is None:
            self._exports = []
            for stack in self.stacks:
                for output in stack.template.section("Outputs").values():
                    export = output.get("Export") if isinstance(output, dict) else None
                    if isinstance(export, dict) and "Name" in export:
                        text = self.value(export["Name"], stack)
                        if isinstance(text, str):
                            self._exports.append((text, output.get("Value"), stack))
        for text, value, stack in self._exports:
            if _names_match(text, name):
                return value, stack
        return None

    # -- values ----------------------------------------------------------------------------

    def condition(self, name: Any, stack: Stack) -> bool | None:
        """Return the value of a named condition, None when it depends on the deployment."""
        if not isinstance(name, str):
            return None
        expr = stack.template.section("Conditions").get(name)
        if expr is None or not self._guarded("condition", name, stack):
            return None
        try:
            value = self.value(expr, stack)
        finally:
            self._active.discard(("condition", stack.prefix + stack.path, name))
        return value if isinstance(value, bool) else None

    def value(self, expr: Any, stack: Stack) -> Any:
        """Return the value of ``expr`` in ``stack``: plain data, Az, AllAzs, or UNKNOWN."""
        self._step(stack)
        if isinstance(expr, list):
            return [self.value(item, stack) for item in expr]
        if not isinstance(expr, dict):
            return expr
        if len(expr) == 1:
            ((fn, arg),) = expr.items()
            handler = _VALUE_HANDLERS.get(fn)
            if handler is not None:
                return handler(self, arg, stack)
        return {k: self.value(v, stack) for k, v in expr.items()}

    def _ref_value(self, name: Any, stack: Stack) -> Any:
        if not isinstance(name, str):
            return UNKNOWN
        pseudo = {
            "AWS::Region": stack.region if stack.region else UNKNOWN,
            "AWS::StackName": WILD,  # chosen at deploy time, whatever the file is called
            "AWS::StackId": WILD,
            "AWS::AccountId": WILD,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": None,
        }
        if name in pseudo:
            return pseudo[name]
        if name in stack.params and stack.parent and self._guarded("value", name, stack):
            try:
                return self.value(stack.params[name], stack.parent)
            finally:
                self._active.discard(("value", stack.prefix + stack.path, name))
        declared = stack.template.section("Parameters").get(name)
        if isinstance(declared, dict) and "Default" in declared:
            return declared["Default"]
        return UNKNOWN

    def _get_att_value(self, arg: Any, stack: Stack) -> Any:
        if isinstance(arg, str):
            arg = arg.split(".", 1)
        if not isinstance(arg, list) or len(arg) != 2 or not isinstance(arg[1], str):
            return UNKNOWN
        child = stack.children.get(arg[0]) if isinstance(arg[0], str) else None
        if child is None or not arg[1].startswith("Outputs."):
            return UNKNOWN
        output = child.template.section("Outputs").get(arg[1].removeprefix("Outputs."))
        return self.value(output.get("Value"), child) if isinstance(output, dict) else UNKNOWN

    def _import_value(self, arg: Any, stack: Stack) -> Any:
        name = self.value(arg, stack)
        found = self.export(name) if isinstance(name, str) else None
        return self.value(found[0], found[1]) if found else UNKNOWN

    def _join(self, arg: Any, stack: Stack) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return UNKNOWN
        sep, items = self.value(arg[0], stack), self.value(arg[1], stack)
        if not isinstance(sep, str) or not isinstance(items, list):
            return WILD
        return _bounded(sep.join(_text(item) for item in items))

    def _sub_value(self, arg: Any, stack: Stack) -> Any:
        text, variables = (arg[0], arg[1]) if isinstance(arg, list) and len(arg) == 2 else (arg, {})
        if not isinstance(text, str):
            return UNKNOWN
        variables = variables if isinstance(variables, dict) else {}

        def fill(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name in variables:
                return _text(self.value(variables[name], stack))
            if "." in name:
                return _text(self._get_att_value(name.split(".", 1), stack))
            return _text(self._ref_value(name, stack))

        return _bounded(_SUB.sub(fill, text).replace("${!", "${"))

    def _select(self, arg: Any, stack: Stack) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return UNKNOWN
        index, items = self.value(arg[0], stack), self.value(arg[1], stack)
        if isinstance(index, str) and index.isdigit():
            index = int(index)
        if not isinstance(index, int) or isinstance(index, bool):
            return UNKNOWN
        if isinstance(items, AllAzs):
            return Az(index)
        if isinstance(items, list) and 0 <= index < len(items):
            return items[index]
        return UNKNOWN

    def _if_value(self, arg: Any, stack: Stack) -> Any:
        if not isinstance(arg, list) or len(arg) != 3:
            return UNKNOWN
        chosen = self.condition(arg[0], stack)
        if chosen is None:
            return UNKNOWN
        return self.value(arg[1] if chosen else arg[2], stack)

    def _equals(self, arg: Any, stack: Stack) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return UNKNOWN
        a, b = (self.value(x, stack) for x in arg)
        if _unknown(a) or _unknown(b):
            return UNKNOWN
        return _text(a) == _text(b)

    def _logic(self, arg: Any, stack: Stack, fn: str) -> Any:
        values = [self.value(x, stack) for x in (arg if isinstance(arg, list) else [arg])]
        if any(not isinstance(v, bool) for v in values):
            return UNKNOWN
        if fn == "Fn::Not":
            return not values[0] if values else UNKNOWN
        return all(values) if fn == "Fn::And" else any(values)

    def _find_in_map(self, arg: Any, stack: Stack) -> Any:
        if not isinstance(arg, list) or len(arg) < 3:
            return UNKNOWN
        here: Any = stack.template.section("Mappings")
        for key in arg[:3]:
            name = self.value(key, stack)
            if not isinstance(here, dict) or _unknown(name) or _text(name) not in here:
                return UNKNOWN
            here = here[_text(name)]
        return here

    def _split(self, arg: Any, stack: Stack) -> Any:
        if not isinstance(arg, list) or len(arg) != 2:
            return UNKNOWN
        sep, text = self.value(arg[0], stack), self.value(arg[1], stack)
        if isinstance(sep, str) and isinstance(text, str) and WILD not in text and sep:
            return text.split(sep)
        return UNKNOWN


def _bounded(text: str) -> str:
    """Return ``text``, or WILD (unknown) when it is longer than any real value."""
    return text if len(text) <= LIMITS.evaluated_chars else WILD


def _unknown(value: Any) -> bool:
    return value is UNKNOWN or (isinstance(value, str) and WILD in value)


def _text(value: Any) -> str:
    if value is UNKNOWN or value is None or isinstance(value, Az | AllAzs | dict | list):
        return WILD
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _names_match(exported: str, wanted: str) -> bool:
    """Return whether two names (each with unknown parts) can be the same."""
    if exported == wanted:
        return True
    for pattern, text in ((exported, wanted), (wanted, exported)):
        regex = ".+".join(re.escape(part) for part in pattern.split(WILD))
        if WILD in pattern and re.fullmatch(regex, text.replace(WILD, "x")):
            return True
    return False


_REF_HANDLERS: dict[str, Callable[[Evaluator, Any, Stack, Refs], None]] = {
    "Ref": Evaluator._ref,
    "Fn::GetAtt": Evaluator._get_att,
    "Fn::Sub": Evaluator._sub,
    "Fn::ImportValue": Evaluator._import,
    "Fn::If": Evaluator._if,
    "Condition": lambda self, arg, stack, out: None,
}
_VALUE_HANDLERS: dict[str, Callable[[Evaluator, Any, Stack], Any]] = {
    "Ref": Evaluator._ref_value,
    "Fn::GetAtt": Evaluator._get_att_value,
    "Fn::ImportValue": Evaluator._import_value,
    "Fn::Join": Evaluator._join,
    "Fn::Sub": Evaluator._sub_value,
    "Fn::Select": Evaluator._select,
    "Fn::GetAZs": lambda self, arg, stack: AllAzs(),
    "Fn::If": Evaluator._if_value,
    "Fn::Equals": Evaluator._equals,
    "Fn::Not": lambda self, arg, stack: self._logic(arg, stack, "Fn::Not"),
    "Fn::And": lambda self, arg, stack: self._logic(arg, stack, "Fn::And"),
    "Fn::Or": lambda self, arg, stack: self._logic(arg, stack, "Fn::Or"),
    "Condition": lambda self, arg, stack: (
        UNKNOWN if (c := self.condition(arg, stack)) is None else c
    ),
    "Fn::FindInMap": Evaluator._find_in_map,
    "Fn::Split": Evaluator._split,
    "Fn::Base64": lambda self, arg, stack: self.value(arg, stack),
    "Fn::Cidr": lambda self, arg, stack: UNKNOWN,
    "Fn::Length": lambda self, arg, stack: (
        len(v) if isinstance(v := self.value(arg, stack), list) else UNKNOWN
    ),
}
