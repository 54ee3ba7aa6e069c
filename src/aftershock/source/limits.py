"""The limits every input is held to, in one place (the README states the same numbers).

They are checked before the expensive work they protect: a file's size before it is read, its
nesting before it is composed, its node count (aliases expanded) before it is converted, a name's
length before it is compared with anything.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How much of an input aftershock reads at most."""

    yaml_bytes: int = 64 * MIB
    """A YAML file (models, scenarios, manifests, compose files, templates, catalogs). A model
    of 100,000 components is about 26 MiB."""
    json_bytes: int = 256 * MIB
    """A JSON or CSV file (Terraform plans and states, traces)."""
    env_bytes: int = 1 * MIB
    """An env file (compose's ``.env`` and ``env_file``)."""
    depth: int = 200
    """Nesting of mappings and lists, in every format. Models are about 6 deep, Kubernetes
    manifests about 15, Terraform plans about 30."""
    indent: int = 1000
    """Leading spaces of a YAML line: the cheap guard, before composing, of the same nesting."""
    nodes: int = 10_000_000
    """Values in one YAML file (mappings, lists and scalars)."""
    alias_nodes: int = 1_000_000
    """Values YAML aliases may add on top of the file's own (an alias bomb stops here)."""
    scalar_chars: int = 4 * MIB
    """One scalar value: a name, a URL, a script embedded in a template."""
    digits: int = 400
    """Digits of a number: 1e400 already overflows a float."""
    name_chars: int = 253
    """A name (a component, a business service, a model, a vendor): as long as a DNS name."""
    text_chars: int = 65536
    """Free text in a model (a description, an owner)."""
    folder_entries: int = 100_000
    """Files and folders looked at under one input folder (``import kubernetes /`` stops)."""
    problems: int = 20
    """Problems reported for one input; the rest are counted."""
    suggest_chars: int = 64
    """Words longer than this get no "did you mean": no name is that long, and comparing costs
    length times length."""
    nested_stacks: int = 500
    """CloudFormation stacks in one import, nested ones included."""
    nested_depth: int = 20
    """Levels of nested CloudFormation stacks."""
    evaluation_steps: int = 500_000
    """Steps to evaluate the intrinsic functions of one CloudFormation import (``!Sub``,
    ``!Join``, references through nested stacks): the ECS reference architecture takes 540."""
    evaluated_chars: int = 1 * MIB
    """A string built by ``!Join`` or ``!Sub``; a longer one is treated as unknown."""


LIMITS = Limits()
