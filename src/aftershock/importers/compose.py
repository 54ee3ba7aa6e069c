"""docker compose files to a model draft.

The files merge in order as ``docker compose -f a -f b`` merges them
(importers/compose_services.py), after ``${VAR}`` interpolation from the env files
(importers/interpolation.py): ``.env`` beside the first file, or the ones given, and never the
process environment. Each service is a component (its kind guessed from its image); its
dependencies come from ``depends_on``, ``links``, ``network_mode: service:X``,
``volumes_from`` and env values naming another service (importers/addresses.py), including
values from its ``env_file`` files, which are read and never copied. Services publishing a
host port are entry points. Compose runs everything on one host, and the header says so.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from aftershock.importers import ImportOptions
from aftershock.importers.addresses import (
    Evidence,
    check_region,
    describe,
    forget_public_secrets,
    guess_kind,
    is_dependency,
    references,
    safe_name,
    telemetry,
    telemetry_variable,
    withhold,
)
from aftershock.importers.compose_services import Options, Service, merged, read_service
from aftershock.importers.draft import Draft, Part
from aftershock.importers.interpolation import Interpolator, read_env_file
from aftershock.importers.yamldocs import Mapping, fail, kind_of, read_documents
from aftershock.source import Root

FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDES = ("compose.override.yaml", "compose.override.yml", "docker-compose.override.yml")
TOP_LEVEL = {"services", "networks", "volumes", "configs", "secrets", "include", "name", "models"}
TAGS = frozenset({"!reset", "!override"})
ONE_HOST = (
    "compose runs every service on one host (one Docker engine): they fail together when that "
    "host, its zone or its region does"
)


def read(inputs: Sequence[Path], options: ImportOptions) -> Draft:
    """Return a draft of the services in the compose files ``inputs``, merged in order (a
    folder stands for its compose.yaml and compose.override.yaml).

    Raises ImportInputError for a missing or unreadable file, malformed YAML, a file that is
    not a compose file, or an interpolation error (``${VAR:?message}`` with VAR unset)."""
    region = check_region(options.region)
    files = [f for path in inputs for f in _compose_files(path)]
    if not files:
        raise fail("no compose file given", None, hint="name compose.yaml (and overrides)")
    labels = _labels(files)
    env = Interpolator({})
    root = Root.of(files[0], options.root)
    env_files = list(options.env_files)
    beside = root.resolve(".env", files[0].parent)
    refused = []
    if not env_files and isinstance(beside, Path):
        env_files = [beside]
    elif not env_files and beside not in ("not there", "not a regular file"):
        refused.append(f".env beside {labels[files[0]]} is not read: {beside}")
    for path in env_files:
        read_env_file(path, _label(path, labels), env)
    definitions: dict[str, list[Service]] = {}
    name, skipped = None, []
    for path in files:
        for raw in _documents(path, labels[path], first=path == files[0]):
            data = env.tree(raw, labels[path], raw.line)
            name = data["name"] if isinstance(data.get("name"), str) and data["name"] else name
            if "include" in data:
                skipped.append(f"include: at {labels[path]}:{data.at('include')}")
            services = data.get("services") or Mapping(raw.line)
            for sname, body in services.items():
                svc = read_service(sname, body, labels[path], services.at(sname))
                definitions.setdefault(sname, []).append(svc)
    if not definitions:
        raise fail(
            "no services in the compose files",
            labels[files[0]],
            hint="a compose file has services: with one entry per service name (web:, db:)",
        )
    draft = Draft(
        name=options.name or str(name or files[0].resolve().parent.name or "compose"),
        sources=[f"compose: {p}" for p in files] + [f"compose env file: {p}" for p in env_files],
    )
    for key, variable in env.variables.items():
        withhold(draft, key, variable.value)
    for text in skipped:
        draft.note(f"{text} is not followed: pass the included files as inputs too")
    for text in refused:
        draft.note(text)
    services = [merged(d) for d in definitions.values()]
    _Importer(draft, services, env, files[0].parent, root).run(region)
    forget_public_secrets(draft, region)
    return draft


def _compose_files(path: Path) -> list[Path]:
    if not os.path.isdir(path):
        return [path]
    main = [path / n for n in FILE_NAMES if os.path.isfile(path / n)]
    if not main:
        raise fail(
            f"no compose file in the folder {str(path)!r}",
            str(path),
            hint=f"name the compose file; looked for {', '.join(FILE_NAMES)}",
        )
    return main[:1] + [path / n for n in OVERRIDES if os.path.isfile(path / n)][:1]


def _labels(files: list[Path]) -> dict[Path, str]:
    names = [f.name for f in files]
    return {f: f.name if names.count(f.name) == 1 else str(f) for f in files}


def _label(path: Path, labels: dict[Path, str]) -> str:
    return path.name if path.name not in labels.values() else str(path)


def _documents(path: Path, label: str, *, first: bool) -> list[Mapping]:
    docs = read_documents(path, label, tags=TAGS)
    if not docs:
        raise fail("the file is empty", label, hint="a compose file starts with services:")
    out = []
    for doc in docs:
        data, line = doc.data, doc.line
        if not isinstance(data, Mapping):
            what = f"the document is {kind_of(data)}, not a mapping"
        elif "services" not in data and (first or not _compose_keys(data)):
            what = "the document has no services:"
        elif "services" in data and not isinstance(data["services"], Mapping | None):
            what = f"services: is {kind_of(data['services'])}, not a mapping of service names"
            line = data.at("services")
        else:
            what = None
        if what:
            raise fail(
                f"not a compose file: {what}",
                label,
                line,
                hint="a compose file has services: with one entry per service name (web:, db:); "
                "a file of the old version 1 format, services at the top level, needs them "
                "moved under services:",
            )
        out.append(data)
    return out


def _compose_keys(data: Mapping) -> bool:
    """Return whether ``data`` has any top-level key of a compose file (an override file may
    hold networks or volumes only)."""
    return bool(set(data) & TOP_LEVEL) or any(k.startswith("x-") for k in data)


class _Importer:
    """Turns merged services into components, dependencies and entries."""

    def __init__(
        self, draft: Draft, services: list[Service], env: Interpolator, project: Path, root: Root
    ) -> None:
        self.draft = draft
        self.services = {s.name: s for s in services}
        self.env = env
        self.project = project
        self.root = root
        """env_file paths must stay inside it."""
        self.evidence = Evidence()
        self.parts: dict[str, Part] = {}
        self.hosts: dict[str, str] = {}
        for s in services:
            container = s.value("container_name")
            for host in [s.name, container.value if container else None, *self._aliases(s)]:
                if isinstance(host, str):
                    self.hosts.setdefault(host.lower(), s.name)
        self.telemetry = {s.name for s in services if telemetry(self._image(s), s.name)}

    @staticmethod
    def _image(service: Service) -> str | None:
        image = service.value("image")
        return str(image.value) if image and image.value else None

    @staticmethod
    def _aliases(service: Service) -> list[str]:
        out = []
        for setting in service.map("networks").values():
            options = setting.value if isinstance(setting.value, Options) else Options()
            aliases = options.get("aliases") or ()
            out += [str(a) for a in (aliases if isinstance(aliases, tuple) else (aliases,))]
        return out

    def run(self, region: str | None) -> None:
        self.draft.note(ONE_HOST)
        if region:
            self.draft.note(
                f"each service is deployed {{on: {region}, zones: 1}}: one host is one zone"
            )
        for service in self.services.values():
            self._component(service, region)
        for service in self.services.values():
            self._dependencies(service)
        self.evidence.write(self.draft)
        if self.env.unset:
            unset = ", ".join(f"{n} ({w})" for n, w in sorted(self.env.unset.items()))
            self.draft.note(f"variables not set, so blank (as docker compose does): {unset}")

    def _component(self, service: Service, region: str | None) -> None:
        image = self._image(service)
        kind, kind_why = guess_kind([image] if image else [], service.name)
        why = f"service {service.name} ({service.where})"
        part = self.draft.part(safe_name(service.name), why, kind=kind)
        self.parts[service.name] = part
        for where in service.also:
            part.note(f"also defined at {where} (merged)")
        build = service.value("build")
        if image:
            part.note(f"image {image}")
        elif build:
            context = build.value.get("context") if isinstance(build.value, Options) else None
            part.note(f"built from {context or build.value} ({build.where})")
        if kind_why:
            part.note(kind_why)
        replicas = service.value("replicas")
        if replicas:
            part.note(f"{replicas.value} replicas ({replicas.where}), all on the one host")
        profiles = [str(p.value) for p in service.list("profiles")]
        if profiles:
            part.note(f"started only with profile {' or '.join(profiles)}")
        extends = service.value("extends")
        if extends:
            part.note(f"extends ({extends.where}) is not followed: settings it adds are missing")
        if region:
            part.deploy = [{"on": region, "zones": 1}]
            part.note("zones: 1: the compose host is in one zone")
        self._entry(service)

    def _entry(self, service: Service) -> None:
        published, where = [], []
        part = self.parts[service.name]
        for port in service.list("ports"):
            host_port, host_ip = _published(port.value)
            if host_port is None:
                continue
            if host_ip in ("127.0.0.1", "localhost", "::1"):
                part.note(f"publishes {port.value} on the loopback address only ({port.where})")
            else:
                published.append(host_port)
                where.append(port.where)
        if not published:
            return
        ports = f"port{'s' if len(published) > 1 else ''} {', '.join(published)}"
        if service.name in self.telemetry:
            part.note(f"publishes {ports} ({', '.join(where)}); telemetry, so not an entry point")
        else:
            self.draft.entry(part.name, f"publishes {ports} on the host ({', '.join(where)})")

    def _dependencies(self, service: Service) -> None:
        name = service.name
        for variable, value, where in self._env(service):
            withhold(self.draft, variable, value)
            for ref in references(value):
                target = self._host(service, ref.host)
                if not is_dependency(variable, ref, known=target is not None):
                    continue
                dst = target or ref.host
                soft = telemetry_variable(variable) or self._soft(name, dst)
                self.evidence.add(
                    name, dst, f"env {describe(variable, value)} ({where})", soft=soft
                )
        for dst, setting in service.map("depends_on").items():
            why = f"depends_on {dst} (condition: {setting.value}; {setting.where})"
            self.evidence.add(name, dst, why, soft=self._soft(name, dst))
        for key in ("links", "external_links", "volumes_from"):
            for setting in service.list(key):
                dst = str(setting.value).split(":", 1)[0]
                if key == "volumes_from" and dst == "container":
                    continue  # volumes_from: container:NAME names a container, not a service
                why = f"{key} {setting.value} ({setting.where})"
                self.evidence.add(name, dst, why, soft=self._soft(name, dst))
        mode = service.value("network_mode")
        if mode and str(mode.value).startswith("service:"):
            dst = str(mode.value).removeprefix("service:")
            self.evidence.add(name, dst, f"network_mode {mode.value} ({mode.where})")

    def _soft(self, source: str, target: str) -> bool:
        return source in self.telemetry or target in self.telemetry or telemetry(None, target)

    def _host(self, service: Service, host: str) -> str | None:
        """Return the service ``host`` names from ``service``, None when no service."""
        if host in service.map("extra_hosts"):
            return None  # an explicit address, outside compose
        for link in service.list("links"):
            target, _, alias = str(link.value).partition(":")
            if host in (target.lower(), alias.lower()):
                return target
        return self.hosts.get(host)

    def _env(self, service: Service) -> list[tuple[str, str, str]]:
        """Return (variable, value, where) for the service's environment, bare names resolved
        from the env files, then for its env_file values that environment does not set."""
        out = []
        environment = service.map("environment")
        for variable, setting in environment.items():
            if isinstance(setting.value, bool):  # YAML true, which compose passes as "true"
                out.append((variable, str(setting.value).lower(), setting.where))
            elif setting.value is not None:
                out.append((variable, str(setting.value), setting.where))
            elif (found := self.env.variables.get(variable)) is not None:
                out.append((variable, found.value, f"{setting.where}, value {found.where()}"))
        for setting in service.list("env_file"):
            options = setting.value if isinstance(setting.value, Options) else Options()
            reference = str(options.get("path", setting.value))
            path = self.root.resolve(reference, self.project)
            if isinstance(path, str):
                if path != "not there":
                    self.parts[service.name].note(
                        f"env_file {reference} ({setting.where}) is not read: {path}"
                    )
                elif options.get("required") is not False:
                    self.parts[service.name].note(
                        f"env_file {Path(reference).name} ({setting.where}) is not there: not read"
                    )
                continue
            seen = Interpolator(dict(self.env.variables))
            read_env_file(path, path.name, seen)
            for variable, found in seen.variables.items():
                if found.file == path.name and variable not in environment:
                    out.append((variable, found.value, found.where()))
        return out


def _published(port: object) -> tuple[str | None, str | None]:
    """Return (published host port, host ip) of a ``ports`` entry; None when only a
    container port is given (compose then picks a random host port: not an entry)."""
    if isinstance(port, Options):
        published, host_ip = port.get("published"), port.get("host_ip")
        return (str(published) if published else None), (str(host_ip) if host_ip else None)
    text = str(port).split("/", 1)[0]
    if text.startswith("["):  # [::1]:8080:80
        host_ip, _, text = text[1:].partition("]:")
        return text.partition(":")[0] or None, host_ip
    parts = text.split(":")
    if len(parts) < 2:
        return None, None
    return parts[-2] or None, parts[0] if len(parts) == 3 else None
