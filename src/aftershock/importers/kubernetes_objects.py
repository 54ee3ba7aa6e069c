"""Kubernetes objects read from manifest files and folders: workloads with their pod
templates, and the kinds the importer reads besides (importers/kubernetes.py)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aftershock.importers.addresses import safe_name
from aftershock.importers.input_files import input_files
from aftershock.importers.yamldocs import Mapping, dig, fail, kind_of, read_documents

TEMPLATES: dict[str, tuple[str, ...]] = {
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
    "Pod": (),
}
"""Workload kinds and where each keeps its pod template."""
OTHERS = {"Service", "ConfigMap", "Secret", "PodDisruptionBudget", "Ingress"}
HPA = "HorizontalPodAutoscaler"
SUFFIXES = (".yaml", ".yml", ".json")
WORKLOAD_HINT = (
    "pass manifests with Deployments, StatefulSets or DaemonSets, e.g. the output of "
    "`kubectl get deploy,sts,ds,svc,cm,ing,pdb -A -o yaml` or of `helm template`"
)


@dataclass
class Obj:
    """One Kubernetes object and where it was read."""

    kind: str
    name: str
    namespace: str
    body: Mapping
    file: str

    @property
    def where(self) -> str:
        """Return ``file:line`` of the object's ``kind:``."""
        return self.at(self.body.at("kind"))

    def at(self, line: int) -> str:
        """Return ``file:line`` for a line of this object's file."""
        return f"{self.file}:{line}"

    def get(self, *path: str) -> Any:
        """Return the value at ``path`` under the object, None when any step is missing."""
        return dig(self.body, *path)


@dataclass
class Workload:
    """A workload object, its component name and its pod template."""

    obj: Obj
    component: str
    pod: Mapping
    labels: dict[str, str]

    def selected_by(self, selector: object, namespace: str) -> bool:
        """Return whether a label ``selector`` in ``namespace`` picks this workload's pods."""
        if namespace != self.obj.namespace or not isinstance(selector, dict) or not selector:
            return False
        return all(self.labels.get(str(k)) == str(v) for k, v in selector.items())


class Manifests:
    """Every object read from the inputs, by kind; what was skipped, for the header."""

    def __init__(self) -> None:
        self.objects: list[Obj] = []
        self.skipped: Counter[str] = Counter()
        self.skipped_files: list[str] = []
        self.labels: list[str] = []

    def read_path(self, path: Path, root: Path | None = None) -> None:
        """Read a file, or every .yaml, .yml and .json file under a folder (none through a
        symbolic link out of it, or out of ``root``)."""
        if not os.path.isdir(path):
            self.read_file(path, path.name, explicit=True)
            return
        found = input_files([path], SUFFIXES, ".yaml, .yml or .json files", root=root)
        for file in found:
            self.read_file(file, str(file.relative_to(path)), explicit=False)

    def read_file(self, path: Path, label: str, *, explicit: bool) -> None:
        """Read one file's objects; a file found in a folder may hold no manifest at all."""
        self.labels.append(label)
        docs = read_documents(path, label)
        if explicit and not docs:
            raise fail("the file holds no YAML document", label, hint=WORKLOAD_HINT)
        for doc in docs:
            for body in self._items(doc.data, label, doc.line, explicit=explicit):
                self._add(body, label)

    def _items(self, data: Any, label: str, line: int, *, explicit: bool) -> Iterator[Mapping]:
        kind = data.get("kind") if isinstance(data, Mapping) else None
        if not isinstance(kind, str) or not kind:
            if not explicit:  # a folder may hold values files, kustomizations, ...
                self.skipped_files.append(label)
                return
            what = "a mapping without kind:" if isinstance(data, Mapping) else kind_of(data)
            raise fail(
                f"not a Kubernetes manifest: the document is {what}",
                label,
                line,
                hint="each document needs apiVersion:, kind: and metadata:; " + WORKLOAD_HINT,
            )
        if kind.endswith("List") and isinstance(data.get("items"), list):
            for item in data["items"]:
                yield from self._items(item, label, line, explicit=True)
        else:
            yield data

    def _add(self, body: Mapping, label: str) -> None:
        kind = str(body["kind"])
        if kind not in TEMPLATES and kind not in OTHERS and kind != HPA:
            self.skipped[kind] += 1
            return
        meta = body.get("metadata")
        meta = meta if isinstance(meta, Mapping) else Mapping(body.line)
        name = meta.get("name") or meta.get("generateName")
        if not isinstance(name, str) or not name:
            raise fail(
                f"{kind} without metadata.name",
                label,
                body.at("kind"),
                hint="give the object a metadata: {name: ...}",
            )
        namespace = str(meta.get("namespace") or "default")
        self.objects.append(Obj(kind, name.rstrip("-"), namespace, body, label))

    def of(self, kind: str) -> list[Obj]:
        """Return the objects of ``kind``."""
        return [o for o in self.objects if o.kind == kind]

    def workloads(self) -> list[Workload]:
        """Return the workloads, named as components (``name.namespace`` where one name
        is used in several namespaces)."""
        objs = [o for o in self.objects if o.kind in TEMPLATES]
        names = Counter(o.name for o in objs)
        spaces: dict[str, set[str]] = {}
        for o in objs:
            spaces.setdefault(o.name, set()).add(o.namespace)
        out = []
        for o in objs:
            pod = o.get(*TEMPLATES[o.kind]) if TEMPLATES[o.kind] else o.body
            pod = pod if isinstance(pod, Mapping) else Mapping(o.body.line)
            labels = dig(pod, "metadata", "labels") if o.kind != "Pod" else None
            labels = labels if isinstance(labels, dict) else o.get("metadata", "labels")
            labels = labels if isinstance(labels, dict) else {}
            name = o.name if len(spaces[o.name]) == 1 or names[o.name] == 1 else None
            out.append(
                Workload(
                    o,
                    safe_name(name or f"{o.name}.{o.namespace}"),
                    pod,
                    {str(k): str(v) for k, v in labels.items()},
                )
            )
        return out
