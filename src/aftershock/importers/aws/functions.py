"""Lambda functions as components, and what they depend on: the resources their environment
variables name, their event sources and their dead-letter targets.

Environment values are read only to find dependencies. A comment names the variable through
``describe_env`` (which withholds anything that looks like a credential), and every such
value is registered with the draft so the emitter refuses to write it.
"""

from __future__ import annotations

from aftershock.importers.aws.build import Build
from aftershock.importers.aws.collect import RegionInventory
from aftershock.importers.secrets import describe_env, looks_secret


def _unqualified(arn: str) -> str:
    """Return a function ARN without its version or alias."""
    return ":".join(arn.split(":")[:7])


def register(build: Build, inv: RegionInventory) -> None:
    """Add the region's functions (before load balancers, which may route to them)."""
    region = inv.region
    for function in sorted(inv.functions, key=lambda f: str(f.get("FunctionName"))):
        name = str(function["FunctionName"])
        arn = _unqualified(str(function["FunctionArn"]))
        part = build.add(
            arn, name, "lambda", region, f"Lambda function {name} in {region}", uses="aws/lambda"
        )
        subnets = (function.get("VpcConfig") or {}).get("SubnetIds") or []
        if subnets:
            zones = [inv.subnets.get(s, "") for s in subnets]
            part.deploy = [build.placement(part, region, zones)]
            part.note("runs in VPC subnets: zones are theirs")
        else:
            part.deploy = [{"on": f"aws/{region}"}]
        build.refer(part.name, "lambda", arn, name)


def references(build: Build, inv: RegionInventory) -> None:
    """Add the dependencies of the region's functions."""
    for function in sorted(inv.functions, key=lambda f: str(f.get("FunctionName"))):
        source = build.owners[_unqualified(str(function["FunctionArn"]))]
        variables = (function.get("Environment") or {}).get("Variables") or {}
        for key, value in sorted(variables.items()):
            targets = build.resolve(str(value), key)
            if looks_secret(key, value) and str(value).strip() not in build.refs:
                build.draft.secret(value)
            for target in sorted(targets):
                build.draft.depend(source, target, f"env {describe_env(key, value)}")
        dead = str((function.get("DeadLetterConfig") or {}).get("TargetArn") or "")
        for target in sorted(build.resolve(dead)) if dead else []:
            build.draft.depend(source, target, "dead-letter target of failed calls", soft=True)
    for mapping in sorted(inv.event_mappings, key=lambda m: str(m.get("UUID"))):
        owner = build.owners.get(_unqualified(str(mapping.get("FunctionArn", ""))))
        if owner is None:
            continue
        part = build.draft.parts[owner]
        arn = str(mapping.get("EventSourceArn") or "")
        targets = build.resolve(arn) if arn else set()
        state = str(mapping.get("State", "")).lower()
        for target in sorted(targets):
            build.draft.depend(owner, target, f"event source mapping ({state}) reads from it")
        if targets and part.kind == "service":
            part.kind = "job"
        if arn and not targets:
            part.note(f"reads events from {arn} (not discovered)")
