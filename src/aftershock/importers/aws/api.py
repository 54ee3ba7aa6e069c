"""The AWS API behind one method: pages of one call, with boto3's errors translated at the edge.

Discovery only ever calls ``AwsApi.pages``. ``Boto3Api`` is the real one (boto3 is imported
here, lazily, so the rest of aftershock never needs it); ``FakeAws`` answers from canned pages
for tests of what a local AWS emulator cannot do (denied services, global tables).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

from aftershock.errors import ImportInputError, Problem, quoted
from aftershock.importers.secrets import redact

Record = dict[str, Any]
"""One AWS API object (a response page, an instance, a table) as boto3 returns it."""

INSTALL_HINT = "install the AWS extra: pip install 'aftershock[aws]'"
CREDENTIALS_HINT = (
    "set AWS_PROFILE to a profile with read access (aws configure / aws sso login), "
    "or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
)

_DENIED = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "AuthorizationError",
    "Forbidden",
    "UnauthorizedAccess",
}
_BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "ExpiredToken",
    "ExpiredTokenException",
    "SignatureDoesNotMatch",
    "InvalidAccessKeyId",
    "AuthFailure",
    "RequestExpired",
}
_IAM_PREFIX = {"elbv2": "elasticloadbalancing"}
_S3_ACTIONS = {
    "ListBuckets": "s3:ListAllMyBuckets",
    "GetBucketReplication": "s3:GetReplicationConfiguration",
}


@dataclass(eq=False)
class CallFailed(Exception):
    """An AWS call answered with an error code."""

    service: str
    operation: str
    """The boto3 method name, e.g. describe_instances."""
    code: str
    message: str = ""
    name: str = ""
    """The API's own operation name (DescribeDBInstances), when known."""

    def __post_init__(self) -> None:
        super().__init__(f"{self.action}: {self.code}: {self.message}")

    @property
    def action(self) -> str:
        """The IAM action the call needs, e.g. ``ec2:DescribeInstances``."""
        pascal = self.name or "".join(word.capitalize() for word in self.operation.split("_"))
        if self.service == "s3":
            return _S3_ACTIONS.get(pascal, f"s3:{pascal}")
        return f"{_IAM_PREFIX.get(self.service, self.service)}:{pascal}"

    @property
    def denied(self) -> bool:
        """Whether the caller lacks the permission (the credentials themselves are fine)."""
        return self.code in _DENIED

    @property
    def bad_credentials(self) -> bool:
        """Whether the credentials were refused (invalid, expired, for another partition)."""
        return self.code in _BAD_CREDENTIALS


class AwsApi(Protocol):
    """Something that answers AWS API calls."""

    def pages(self, service: str, region: str, operation: str, **params: Any) -> Iterator[Record]:
        """Yield the response pages of ``operation`` (a boto3 method name) of ``service`` in
        ``region``: every page of a paginated call, else the one response.

        Raises CallFailed when AWS answers with an error code, ImportInputError when the API
        cannot be reached or there are no usable credentials.
        """
        ...


def _checked_endpoint(url: str | None) -> str | None:
    """Return ``url`` if it is an http(s) URL with a host; raise ImportInputError otherwise."""
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        usable = parts.scheme in ("http", "https") and bool(parts.hostname)
        usable = usable and (parts.port is None or parts.port > 0)
    except ValueError:  # an unclosed [ or a port out of range
        usable = False
    if not usable:
        raise ImportInputError(
            Problem(
                f"--endpoint-url {quoted(redact(url))} is not an http or https URL with a host",
                value=redact(url),
                hint="e.g. --endpoint-url http://localhost:5000 (a moto server)",
            )
        )
    return url


class Boto3Api:
    """The real AWS API through boto3; ``endpoint_url`` goes to every client."""

    def __init__(self, endpoint_url: str | None = None) -> None:
        try:
            boto3: Any = importlib.import_module("boto3")
            self._errors: Any = importlib.import_module("botocore.exceptions")
            config: Any = importlib.import_module("botocore.config")
        except ImportError as exc:
            raise ImportInputError(
                Problem("the aws importer needs boto3, which is not installed", hint=INSTALL_HINT)
            ) from exc
        self.endpoint_url = _checked_endpoint(endpoint_url)
        self._config = config.Config(
            retries={"mode": "standard", "max_attempts": 3},
            connect_timeout=10,
            read_timeout=60,
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._session: Any = self._translate(boto3.Session)

    def pages(self, service: str, region: str, operation: str, **params: Any) -> Iterator[Record]:
        """See AwsApi.pages."""
        calls = _responses(self._client(service, region), operation, params)
        while True:
            try:
                page: Record = next(calls)
            except StopIteration:
                return
            except self._errors.ClientError as exc:
                error = exc.response.get("Error", {})
                raise CallFailed(
                    service,
                    operation,
                    str(error.get("Code", "")),
                    str(error.get("Message", "")),
                    str(getattr(exc, "operation_name", "") or ""),
                ) from exc
            except self._errors.BotoCoreError as exc:
                raise self._problem(exc) from exc
            page.pop("ResponseMetadata", None)
            yield page

    def _client(self, service: str, region: str) -> Any:
        """Return the (cached) client of ``service`` in ``region``."""
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self._translate(
                self._session.client,
                service,
                region_name=region,
                endpoint_url=self.endpoint_url,
                config=self._config,
            )
        return self._clients[key]

    def _translate(self, call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except self._errors.BotoCoreError as exc:
            raise self._problem(exc) from exc

    def _problem(self, exc: Exception) -> ImportInputError:
        """Return the ImportInputError a botocore error means to the user."""
        errors = self._errors
        if isinstance(exc, errors.NoCredentialsError | errors.PartialCredentialsError):
            return ImportInputError(
                Problem("no usable AWS credentials found", hint=CREDENTIALS_HINT)
            )
        if isinstance(exc, errors.ProfileNotFound):
            return ImportInputError(
                Problem(str(exc), hint="set AWS_PROFILE to a profile in ~/.aws/config")
            )
        if isinstance(exc, errors.TokenRetrievalError | errors.SSOError):
            return ImportInputError(
                Problem(f"AWS credentials could not be refreshed: {exc}", hint=CREDENTIALS_HINT)
            )
        if isinstance(exc, errors.ConnectionError | errors.HTTPClientError):
            where = redact(self.endpoint_url) if self.endpoint_url else "the AWS endpoint"
            return ImportInputError(
                Problem(
                    f"cannot reach {where}: {exc}",
                    value=self.endpoint_url,
                    hint="check --endpoint-url, the network and any proxy settings"
                    if self.endpoint_url
                    else "check the network, the region and any proxy settings",
                )
            )
        return ImportInputError(Problem(f"AWS call failed: {exc}", hint=CREDENTIALS_HINT))


def _responses(client: Any, operation: str, params: Mapping[str, Any]) -> Iterator[Record]:
    """Yield every page of a paginated call, else the one response (lazily: errors surface
    when the caller asks for the next page)."""
    if client.can_paginate(operation):
        yield from client.get_paginator(operation).paginate(**params)
    else:
        yield getattr(client, operation)(**params)


Answer = list[Record] | Record | CallFailed | Callable[[str, Mapping[str, Any]], list[Record]]


@dataclass
class FakeAws:
    """Canned AWS answers for tests, keyed ``"service.operation"`` (boto3 names), optionally
    ``"service.operation@region"``. A value is one page, a list of pages, a CallFailed to raise,
    or ``f(region, params) -> pages``. Calls without an answer get one empty page."""

    answers: dict[str, Answer] = field(default_factory=dict)
    calls: list[tuple[str, str, str]] = field(default_factory=list)

    def pages(self, service: str, region: str, operation: str, **params: Any) -> Iterator[Record]:
        """See AwsApi.pages."""
        self.calls.append((service, region, operation))
        key = f"{service}.{operation}"
        answer = self.answers.get(f"{key}@{region}", self.answers.get(key, {}))
        if isinstance(answer, CallFailed):
            raise answer
        if callable(answer):
            answer = answer(region, params)
        yield from [answer] if isinstance(answer, dict) else answer
