"""Live AWS discovery: an account's resources in the given regions, read with boto3, as a model.

What it reads (read-only calls, all paginated): EC2 instances and Auto Scaling groups, ELBv2
load balancers and their target groups, RDS instances and clusters (Aurora, Global Databases),
DynamoDB tables, ElastiCache replication groups and clusters, Lambda functions and their event
sources, SQS queues and S3 buckets. What it infers is in data.py, compute.py and functions.py;
each fact carries a comment saying which API field showed it.

It reads no files: the account is the one boto3's default credential chain finds
(``AWS_PROFILE``, the ``AWS_*`` variables, SSO, an instance role), the regions come from
``ImportOptions.regions`` and ``ImportOptions.endpoint_url`` goes to every client. Needs the
``aws`` extra (boto3).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aftershock.catalog.load import load_catalog
from aftershock.errors import ImportInputError, Problem
from aftershock.importers import ImportOptions
from aftershock.importers.aws.api import AwsApi, Boto3Api, CallFailed, FakeAws
from aftershock.importers.aws.collect import collect
from aftershock.importers.aws.infer import draft_of
from aftershock.importers.draft import Draft
from aftershock.model.suggest import did_you_mean

REGIONS_HINT = "name one or more, e.g. --aws-region us-east-1 (aftershock catalog aws lists them)"


def read(inputs: Sequence[Path], options: ImportOptions, api: AwsApi | None = None) -> Draft:
    """Return the draft of the AWS account boto3's credentials reach, in ``options.regions``.

    ``api`` answers the AWS calls (default: boto3, through ``options.endpoint_url``).
    Raises ImportInputError when files are given, no or unknown regions are given, boto3 is
    missing, the endpoint cannot be reached, there are no usable credentials, or every listing
    is denied. A service that is denied is a note in the model's header instead.
    """
    if inputs:
        raise ImportInputError(
            Problem(
                "the aws format reads a live account, not files "
                f"(got {', '.join(str(p) for p in inputs)})",
                value=str(inputs[0]),
                hint="give no input; choose the account with AWS_PROFILE and the regions "
                "with --aws-region",
            )
        )
    regions = _regions(options.regions)
    inventory = collect(api or Boto3Api(options.endpoint_url), regions)
    return draft_of(inventory, options.name, options.endpoint_url)


def _regions(given: Sequence[str]) -> list[str]:
    """Return the regions to scan, in order and without repeats; ``aws/`` prefixes allowed."""
    if not given:
        raise ImportInputError(Problem("no AWS region given to discover", hint=REGIONS_HINT))
    known = load_catalog().providers["aws"].regions
    out: list[str] = []
    for raw in given:
        region = raw.strip().removeprefix("aws/")
        if region not in known:
            guess = did_you_mean(region, known)
            raise ImportInputError(
                Problem(
                    f"unknown AWS region {raw!r}" + (f"; {guess}" if guess else ""),
                    value=raw,
                    hint=REGIONS_HINT,
                )
            )
        if region not in out:
            out.append(region)
    return out


__all__ = ["AwsApi", "Boto3Api", "CallFailed", "FakeAws", "read"]
