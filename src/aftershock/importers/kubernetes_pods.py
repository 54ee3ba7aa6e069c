"""What one Kubernetes pod template says: images, env (with ConfigMaps and ``$(VAR)``),
the hosts it calls, replicas, and whether its pods spread across or pin to zones."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from aftershock.importers.addresses import (
    describe,
    guess_kind,
    is_dependency,
    references,
    telemetry,
    telemetry_variable,
    withhold,
)
from aftershock.importers.draft import Part
from aftershock.importers.yamldocs import Mapping, Sequence, dig

if TYPE_CHECKING:
    from aftershock.importers.kubernetes import _Importer
    from aftershock.importers.kubernetes_objects import Obj, Workload

ZONE_KEYS = ("topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone")
NODE_KEY = "kubernetes.io/hostname"
_EXPANSION = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)")
_MAX_ZONES = 3
"""Zones assumed at most for a spread workload: most regions' clusters span three."""


def _seq(value: object) -> Sequence:
    return value if isinstance(value, Sequence) else Sequence(0)


def _map(value: object) -> Mapping:
    return value if isinstance(value, Mapping) else Mapping(0)


class PodFacts:
    """One workload's pod template, read for the component it becomes."""

    def __init__(self, importer: _Importer, workload: Workload) -> None:
        self.importer = importer
        self.w = workload
        self.obj = workload.obj
        self.spec = _map(workload.pod.get("spec"))
        self.containers = [
            (c, section == "initContainers")
            for section in ("initContainers", "containers")
            for c in _seq(self.spec.get(section))
            if isinstance(c, Mapping)
        ]
        images = [str(c.get("image")) for c, init in self.containers if not init and c.get("image")]
        self.images = images
        # the first container is the workload; a sidecar (an exporter, a proxy) does not count
        self.telemetry = telemetry(images[0] if images else None, self.obj.name)
        self.count, self.count_why = self._replicas()

    def component(self) -> Part:
        """Create the component with its notes (images, kind guess, replicas)."""
        o = self.obj
        if o.kind in ("Job", "CronJob"):
            kind, kind_why = "job", None
        else:
            kind, kind_why = guess_kind(self.images, o.name if o.kind == "StatefulSet" else None)
        why = f"{o.kind} {o.name} ({o.where})"
        if o.namespace != "default":
            why += f" in namespace {o.namespace}"
        part = self.importer.draft.part(self.w.component, why, kind=kind)
        if self.images:
            part.note(("images " if len(self.images) > 1 else "image ") + ", ".join(self.images))
        if kind_why:
            part.note(kind_why)
        if self.count_why:
            part.note(self.count_why)
        return part

    def _replicas(self) -> tuple[int | None, str | None]:
        o = self.obj
        if o.kind == "DaemonSet":
            return None, "a DaemonSet: one pod on every node"
        if o.kind not in ("Deployment", "StatefulSet", "ReplicaSet"):
            return 1, None
        spec = _map(o.get("spec"))
        count = spec.get("replicas")
        if isinstance(count, int) and not isinstance(count, bool):
            return count, f"replicas: {count} ({o.at(spec.at('replicas'))})"
        return 1, "replicas not set: Kubernetes runs 1"

    def autoscaled(self, hpa: Obj) -> None:
        """Note a HorizontalPodAutoscaler; its minimum is the replica count that counts."""
        spec = _map(hpa.get("spec"))
        low, high = spec.get("minReplicas", 1), spec.get("maxReplicas", "?")
        self.importer.draft.parts[self.w.component].note(
            f"HorizontalPodAutoscaler {hpa.name} scales it from {low} to {high} replicas "
            f"({hpa.where})"
        )
        if isinstance(low, int):
            self.count = low

    def dependencies(self) -> None:
        """Record every dependency the env values show."""
        imp = self.importer
        for variable, value, where in self._env():
            withhold(imp.draft, variable, value)
            for ref in references(value):
                target = imp.resolve(ref.host, self.obj.namespace)
                if not is_dependency(variable, ref, known=target.known):
                    continue
                for name in target.names:
                    soft = self.telemetry or telemetry_variable(variable) or name in imp.telemetry
                    why = f"env {describe(variable, value)} ({where})"
                    why += f" via {target.via}" if target.via else ""
                    imp.evidence.add(self.w.component, name, why, soft=soft)

    def _env(self) -> Iterator[tuple[str, str, str]]:
        """Yield (variable, value, where) for every env value the containers get."""
        for container, init in self.containers:
            label = f", init container {container.get('name')}" if init else ""
            values: dict[str, str] = {}
            sources = _seq(container.get("envFrom"))
            for i, source in enumerate(sources):
                if isinstance(source, Mapping):
                    where = self.obj.at(sources.at(i)) + label
                    prefix = str(source.get("prefix") or "")
                    for key, value, found in self._from_map(source, where):
                        values[prefix + key] = value
                        yield prefix + key, value, found
            env = _seq(container.get("env"))
            for i, item in enumerate(env):
                name = item.get("name") if isinstance(item, Mapping) else None
                if not isinstance(name, str):
                    continue
                where = self.obj.at(env.at(i)) + label
                if item.get("value") is not None:
                    value = _expand(str(item["value"]), values)
                else:
                    keyed = self._from_key(_map(item.get("valueFrom")), name, where)
                    if keyed is None:
                        continue
                    value, where = keyed
                values[name] = value
                yield name, value, where

    def _from_map(self, source: Mapping, where: str) -> Iterator[tuple[str, str, str]]:
        ref = source.get("configMapRef")
        if isinstance(ref, Mapping):
            cm = self.importer.configmaps.get((self.obj.namespace, str(ref.get("name"))))
            if cm is None:
                self._note(f"envFrom ConfigMap {ref.get('name')} ({where}) is not in the input")
                return
            data = _map(cm.get("data"))
            for key, value in data.items():
                yield key, str(value), f"ConfigMap {cm.name}, {cm.at(data.at(key))}"
        ref = source.get("secretRef")
        if isinstance(ref, Mapping):
            self._note(
                f"envFrom Secret {ref.get('name')} ({where}): Secrets are not read, so a "
                "dependency they name is not seen"
            )

    def _from_key(self, source: Mapping, name: str, where: str) -> tuple[str, str] | None:
        ref = source.get("configMapKeyRef")
        if isinstance(ref, Mapping):
            cm = self.importer.configmaps.get((self.obj.namespace, str(ref.get("name"))))
            data = _map(cm.get("data")) if cm else Mapping(0)
            key = str(ref.get("key"))
            if cm is None or key not in data:
                self._note(f"env {name} ({where}): ConfigMap {ref.get('name')} key {key} not found")
                return None
            return str(data[key]), f"ConfigMap {cm.name} key {key}, {cm.at(data.at(key))}"
        ref = source.get("secretKeyRef")
        if isinstance(ref, Mapping):
            self._note(
                f"env {name} ({where}) comes from Secret {ref.get('name')}: not read, so a "
                "dependency it names is not seen"
            )
        return None

    def _note(self, text: str) -> None:
        self.importer.draft.parts[self.w.component].note(text)

    def spread(self, keys: tuple[str, ...] = ZONE_KEYS) -> str | None:
        """Return how the pods spread across ``keys`` (zones; with where), else None."""
        at = self.obj.at
        constraints = _seq(self.spec.get("topologySpreadConstraints"))
        for i, c in enumerate(constraints):
            if isinstance(c, Mapping) and c.get("topologyKey") in keys:
                soft = c.get("whenUnsatisfiable") == "ScheduleAnyway"
                how = " (ScheduleAnyway: best effort)" if soft else ""
                where = at(constraints.at(i))
                return f"topologySpreadConstraints on {c['topologyKey']}{how} ({where})"
        anti = _map(dig(self.spec, "affinity", "podAntiAffinity"))
        for key, how in (
            ("requiredDuringSchedulingIgnoredDuringExecution", "required"),
            ("preferredDuringSchedulingIgnoredDuringExecution", "preferred"),
        ):
            terms = _seq(anti.get(key))
            for i, term in enumerate(terms):
                term = _map(
                    term.get("podAffinityTerm", term) if isinstance(term, Mapping) else None
                )
                if term.get("topologyKey") in keys:
                    return f"podAntiAffinity ({how}) on {term['topologyKey']} ({at(terms.at(i))})"
        return None

    def pinned(self) -> tuple[list[str], str] | None:
        """Return (zones, how) when a nodeSelector or required nodeAffinity pins the pods."""
        selector = _map(self.spec.get("nodeSelector"))
        for key in ZONE_KEYS:
            if key in selector:
                zone = str(selector[key])
                return [zone], f"nodeSelector {key}={zone} ({self.obj.at(selector.at(key))})"
        terms = dig(
            self.spec,
            "affinity",
            "nodeAffinity",
            "requiredDuringSchedulingIgnoredDuringExecution",
            "nodeSelectorTerms",
        )
        for term in _seq(terms):
            exprs = _seq(term.get("matchExpressions") if isinstance(term, Mapping) else None)
            for i, expr in enumerate(exprs):
                if (
                    isinstance(expr, Mapping)
                    and expr.get("key") in ZONE_KEYS
                    and expr.get("operator") == "In"
                    and expr.get("values")
                ):
                    zones = [str(v) for v in expr["values"]]
                    where = self.obj.at(exprs.at(i))
                    return zones, f"nodeAffinity {expr['key']} in {', '.join(zones)} ({where})"
        return None


def placement(part: Part, facts: PodFacts, region: str | None) -> None:
    """Note how the pods sit in zones and, with ``region``, set the component's deploy."""
    pinned, spread, nodes = facts.pinned(), facts.spread(), facts.spread((NODE_KEY,))
    if spread is None and nodes is not None:
        part.note(f"spread across nodes, not zones, by {nodes}")
    if pinned is not None:
        zones, how = pinned
        part.note(f"pinned to zone(s) by {how}")
        if region:
            part.deploy = [{"on": region, "zones": len(zones)}]
            part.note(
                f"zones: {len(zones)} from the pinning; {', '.join(zones)} are the cloud's zone "
                "names, not the catalog's zone ids: list the ids if a zone outage matters"
            )
        return
    if spread is not None and facts.count is not None:
        part.note(f"spread across zones by {spread}")
        if region:
            count = max(1, min(facts.count, _MAX_ZONES))
            part.deploy = [{"on": region, "zones": count}]
            part.note(
                f"zones: {count} inferred: {facts.count} replica(s) spread across zones, at "
                f"most {_MAX_ZONES} (the manifests do not say how many zones the cluster has)"
            )
        return
    if spread is not None:
        part.note(f"spread across zones by {spread}")
    if region:
        part.deploy = [{"on": region}]
        reason = (
            "a DaemonSet runs on every node, in whichever zones the cluster's nodes are"
            if facts.count is None
            else "nothing in the manifests spreads the pods across zones"
        )
        part.note(f"zones unknown: {reason}; aftershock check will flag it")


def _expand(value: str, values: dict[str, str]) -> str:
    """Expand Kubernetes ``$(VAR)`` references to earlier env values; ``$$`` is a ``$``."""

    def one(match: re.Match[str]) -> str:
        if match.group() == "$$":
            return "$"
        return values.get(match.group(1), match.group())

    return _EXPANSION.sub(one, value)
