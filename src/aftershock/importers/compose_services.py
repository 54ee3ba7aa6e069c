"""compose services read into one shape and merged as ``docker compose -f a -f b`` merges
them (https://docs.docker.com/reference/compose-file/merge/), for the attributes an import
reads: mappings (``environment``, ``depends_on``, ``extra_hosts``, ``networks``) merge key by
key; sequences (``ports``, ``links``, ``env_file``, ...) append without repeats;
single values are replaced; ``!reset`` clears and ``!override`` replaces. List and mapping
forms (``environment: [A=1]`` and ``environment: {A: 1}``) are one form before merging.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from aftershock.importers.yamldocs import Mapping, Sequence, Tagged, fail

MAPS = ("environment", "depends_on", "extra_hosts", "networks")
LISTS = ("env_file", "links", "external_links", "ports", "profiles", "volumes_from")
VALUES = ("image", "build", "container_name", "network_mode", "extends", "replicas")
RESET = "!reset"
OVERRIDE = "!override"


class Options(tuple[tuple[str, Any], ...]):
    """A mapping written as one item or value (a long-syntax port, an ``env_file`` entry,
    a network's options), kept hashable so that list items can be compared when merging."""

    def get(self, key: str, default: Any = None) -> Any:
        """Return the value of ``key``, or ``default``."""
        return next((v for k, v in self if k == key), default)


@dataclass(frozen=True)
class Setting:
    """One value of a service and where it was written (``file:line``)."""

    value: Any
    where: str


@dataclass
class Service:
    """One compose service: the attributes an import reads, merged over every file."""

    name: str
    where: str
    also: list[str] = field(default_factory=list)
    attrs: dict[str, Any] = field(default_factory=dict)

    def map(self, key: str) -> dict[str, Setting]:
        """Return a mapping attribute (empty when unset)."""
        value: dict[str, Setting] = self.attrs.get(key) or {}
        return value

    def list(self, key: str) -> list[Setting]:
        """Return a sequence attribute (empty when unset)."""
        value: list[Setting] = self.attrs.get(key) or []
        return value

    def value(self, key: str) -> Setting | None:
        """Return a single-valued attribute, or None."""
        found: Setting | None = self.attrs.get(key)
        return found


def merged(definitions: list[Service]) -> Service:
    """Return one service from its definitions in file order, each merged over the ones
    before (the first is merged over nothing, which drops its ``!reset`` entries)."""
    first = definitions[0]
    out = Service(first.name, first.where, [d.where for d in definitions[1:]])
    for definition in definitions:
        for key, over in definition.attrs.items():
            value = _merged(key, out.attrs.get(key), over)
            if value is None:
                out.attrs.pop(key, None)
            else:
                out.attrs[key] = value
    return out


@dataclass(frozen=True)
class _Replace:
    value: Any


def _merged(key: str, base: Any, over: Any) -> Any:
    if over == RESET:
        return None
    if isinstance(over, _Replace):
        return over.value
    if key in MAPS:
        out = dict(base or {})
        for name, setting in over.items():
            if setting.value == RESET:
                out.pop(name, None)
            else:
                out[name] = setting
        return out
    if key in LISTS:
        seen = {s.value for s in base or []}
        return [*(base or []), *(s for s in over if s.value not in seen)]
    return over


def read_service(name: str, raw: object, file: str, line: int) -> Service:
    """Return the service ``name`` as one file defines it (``raw``, interpolated).

    Raises ImportInputError when it is not a mapping or an attribute has the wrong shape."""
    if not isinstance(raw, Mapping):
        raise fail(
            f"service {name!r} is not a mapping",
            file,
            line,
            value=raw,
            hint=f"write {name}: with image:, environment:, ... under it",
        )
    service = Service(name, f"{file}:{raw.line}")
    for key in (*MAPS, *LISTS, *VALUES):
        source, key_in = raw, key
        if key == "replicas":  # deploy.replicas, or the older scale:
            deploy = raw.get("deploy")
            if isinstance(deploy, Mapping) and "replicas" in deploy:
                source = deploy
            else:
                key_in = "scale"
        if key_in not in source:
            continue
        value, where = source[key_in], f"{file}:{source.at(key_in)}"
        tag = value.tag if isinstance(value, Tagged) else None
        if tag == RESET:
            service.attrs[key] = RESET
            continue
        shaped = _shape(key, value.value if isinstance(value, Tagged) else value, where, file)
        service.attrs[key] = _Replace(shaped) if tag == OVERRIDE else shaped
    return service


def _shape(key: str, value: Any, where: str, file: str) -> Any:
    if key in MAPS:
        return _mapping(key, value, where, file)
    if key in LISTS:
        items = value if isinstance(value, Sequence) else [value]
        lines = value.lines if isinstance(value, Sequence) else []
        return [
            Setting(_plain(item), f"{file}:{lines[i]}" if i < len(lines) else where)
            for i, item in enumerate(items)
            if item is not None
        ]
    return Setting(_plain(value), where)


def _plain(value: Any) -> Any:
    """A value as a hashable one: text, a tuple for a list, Options for a mapping."""
    if isinstance(value, Tagged):
        return RESET if value.tag == RESET else _plain(value.value)
    if isinstance(value, dict):
        return Options(sorted((str(k), _plain(v)) for k, v in value.items()))
    if isinstance(value, list):
        return tuple(_plain(v) for v in value)
    return value


def _mapping(key: str, value: Any, where: str, file: str) -> dict[str, Setting]:
    """Return a mapping attribute from its mapping or list form."""
    out: dict[str, Setting] = {}
    if isinstance(value, Mapping):
        for name, item in value.items():
            if key == "depends_on" and isinstance(item, Mapping):
                condition = str(item.get("condition", "service_started"))
                if item.get("required") is False:
                    condition += ", required: false"
                item = condition
            out[str(name)] = Setting(_plain(item), f"{file}:{value.at(name)}")
        return out
    if not isinstance(value, Sequence):
        raise fail(
            f"{key} must be a mapping or a list (not {value!r})",
            file,
            int(where.rsplit(":", 1)[1]),
            hint=f"write {key}: as NAME: value lines or as a list",
        )
    for i, item in enumerate(value):
        at = f"{file}:{value.at(i)}"
        text = str(item)
        if key == "environment":
            name, sep, rest = text.partition("=")
            out[name] = Setting(rest if sep else None, at)
        elif key == "extra_hosts":
            name, _, rest = text.replace("=", ":", 1).partition(":")
            out[name] = Setting(rest, at)
        else:  # depends_on and networks: a list of names
            out[text] = Setting("service_started" if key == "depends_on" else None, at)
    return out
