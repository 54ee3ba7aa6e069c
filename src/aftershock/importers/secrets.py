"""Recognise values that look like credentials, so importers never copy them anywhere.

Importers read env values, Terraform attributes and template parameters only to find
dependencies; what they write about them goes through ``describe_env`` and ``safe_address``,
which withhold anything that looks secret and strip credentials from URLs. ``emit`` then checks
the whole output against every secret value the import saw.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import urlsplit, urlunsplit

_SECRET_NAME = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|SIGNING|"
    r"SESSION_?KEY|CLIENT_?SECRET|DSN|SALT|CERT|PWD)",
    re.IGNORECASE,
)
_SECRET_VALUE = (
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),  # AWS access key id
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWT
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\b(ghp|gho|github_pat|xox[abpr]|sk_live|sk_test|rk_live)_[A-Za-z0-9_]{10,}"),
    re.compile(r"://[^/\s:@]+:[^/\s@]+@"),  # user:password@host
)


def entropy(text: str) -> float:
    """Return the Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def looks_secret(name: str, value: object) -> bool:
    """Return whether an env variable (or attribute) named ``name`` holding ``value`` looks
    like a credential: by its name, by a known key format, or by being a long random string."""
    text = "" if value is None else str(value)
    if _SECRET_NAME.search(name) and text and not _is_reference(text):
        return True
    if any(p.search(text) for p in _SECRET_VALUE):
        return True
    token = text.strip()
    if _HEX.fullmatch(token):
        return True
    if _ADDRESSES.fullmatch(token):
        return False  # host:port lists: productcatalogservice:3550, kafka-0.kafka:9092,...
    return len(token) >= 24 and " " not in token and entropy(token) > 4.0 and "/" not in token


_HEX = re.compile(r"[a-f0-9]{32,}")
_ADDRESSES = re.compile(r"[a-z0-9][a-z0-9.-]*(:\d{1,5})?(,[a-z0-9][a-z0-9.-]*(:\d{1,5})?)*")


def _is_reference(text: str) -> bool:
    """A value that only names where a secret lives (``${VAR}``, a secretKeyRef) is not one."""
    return bool(re.fullmatch(r"\$\{?[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}?", text.strip()))


def safe_address(text: str) -> str:
    """Return ``text`` with any ``user:password@`` removed from URLs."""
    try:
        parts = urlsplit(text)
    except ValueError:
        return text
    if parts.scheme and parts.netloc and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit((parts.scheme, host, parts.path, "", ""))
    return text


def describe_env(name: str, value: object) -> str:
    """Return how a comment may quote an env variable: ``NAME=value`` or ``NAME (withheld)``."""
    if looks_secret(name, value):
        return f"{name} (value withheld: it looks like a credential)"
    return f"{name}={safe_address(str(value))}"
