"""Recognise credentials, so importers never copy them anywhere.

Importers read env values, Terraform attributes and template parameters only to find
dependencies. ``looks_secret`` says whether a whole value is a credential (by its name, a known
key format or being a long random string); ``redact`` returns any text with the credentials
inside it replaced by ``PLACEHOLDER``, wherever they sit: a URL's ``user:password@``, a query,
matrix or fragment parameter named like one (``password``, ``access_token``, ``sig``,
``X-Amz-Signature``...) or holding a known key format, a webhook's secret path (Slack, Discord,
Teams, Telegram bots, ``.../hooks/...``), a random path segment (in a URL or an address written
without its scheme), a ``Password=`` pair of a connection string, a bearer token, a key anywhere
in free text. What finds a dependency (scheme, host, port, the plain path) and plain parameters
(``sslmode=require``) stay readable; no name, version or digest is taken for a token.

``describe_env`` writes env values through ``redact``; ``emit`` passes every comment and
free-text value through it again (the last line of defence, for an importer that forgot), and
checks the whole output against every secret value the import saw.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from urllib.parse import unquote

PLACEHOLDER = "(withheld)"
"""What a credential inside a value is written as, in every importer."""

_SECRET_NAME = re.compile(
    r"(PASS(WORD|WD)?|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE|CREDENTIAL|AUTH|SIGNING|"
    r"SESSION_?KEY|CLIENT_?SECRET|DSN|SALT|CERT|PWD)",
    re.IGNORECASE,
)
_KEY_FORMATS = tuple(
    (triggers, re.compile(pattern, re.DOTALL))
    for triggers, pattern in (
        (("AKIA", "ASIA"), r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),  # AWS access key id
        (("eyJ",), r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),  # JWT
        (
            ("-----BEGIN",),
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*)",
        ),
        (
            ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),  # GitHub
            r"\b(?:gh[pousr]_|github_pat_)[A-Za-z0-9_]{16,}",
        ),
        (("glpat-",), r"\bglpat-[A-Za-z0-9_-]{16,}"),  # GitLab
        (
            ("npm_", "hf_", "dop_v1_", "pypi-"),
            r"\b(?:npm|hf)_[A-Za-z0-9]{30,}|\bdop_v1_[a-f0-9]{32,}|\bpypi-AgE[A-Za-z0-9_-]{30,}",
        ),
        (("xox", "xapp-"), r"\bxox[abposre]-[A-Za-z0-9-]{10,}|\bxapp-[A-Za-z0-9-]{10,}"),  # Slack
        (("_live_", "_test_"), r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,}"),  # Stripe
        (
            ("sk-",),  # OpenAI, Anthropic
            r"\bsk-(?:proj-|ant-)?(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Z])"
            r"[A-Za-z0-9_-]{32,}",
        ),
        (("AIza",), r"\bAIza[0-9A-Za-z_-]{35}\b"),  # Google API key
        (("SG.",), r"\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}"),  # SendGrid
        (("shp",), r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b"),  # Shopify
        ((":",), r"\b(?:bot)?\d{6,12}:[A-Za-z0-9_-]{30,}"),  # Telegram bot token
    )
)
"""Known key formats, each run only on text holding one of its triggers."""


def _key_formats(text: str) -> list[re.Pattern[str]]:
    """Return the key formats worth looking for in ``text`` (those whose trigger it holds)."""
    return [pattern for triggers, pattern in _KEY_FORMATS if any(t in text for t in triggers)]


def _holds_key(text: str) -> bool:
    return any(pattern.search(text) for pattern in _key_formats(text))


_USERINFO_PASSWORD = re.compile(r"://[^/\s:@]*:[^/\s@]+@")  # user:password@host


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
    if _holds_key(text) or _USERINFO_PASSWORD.search(text):
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


def describe_env(name: str, value: object) -> str:
    """Return how a comment may quote an env variable: ``NAME=value`` with any credential
    inside the value withheld (``redact``), or ``NAME (value withheld: ...)``."""
    if looks_secret(name, value):
        return f"{name} (value withheld: it looks like a credential)"
    return f"{name}={redact(str(value))}"


# -- credentials inside text -----------------------------------------------------------------

_CREDENTIAL_WORDS = (
    "secret", "token", "passw", "passphrase", "signature", "credential", "apikey", "api-key",
    "accesskey", "access-key", "privatekey", "private-key", "accountkey", "account-key",
    "sharedaccesskey", "shared-access-key", "assertion", "sessionid", "session-id", "sessid",
    "sess-id",
)  # fmt: skip
_CREDENTIAL_NAMES = {
    "pass", "pw", "pwd", "key", "keys", "sig", "sv", "code", "auth", "authorization",
    "authorisation", "session", "session-key", "session-token", "sid", "jwt", "otp", "hmac",
    "salt", "ticket", "saml", "samlresponse", "bearer", "psk",
}  # fmt: skip
_CREDENTIAL_ENDINGS = ("-sig", "-key", "pwd", "-pass")
"""Parameter names (lower case, ``_`` and ``.`` read as ``-``) whose value is a credential:
``password``, ``client_secret``, ``access_token``, ``api_key``, ``X-Amz-Signature``,
``X-Amz-Credential``, ``X-Amz-Security-Token``, Azure SAS ``sig`` and ``sv``, OAuth ``code``:
one of the names, a name holding one of the words, or ending like ``subscription-key``."""
_ADDRESS = re.compile(
    r"\b[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>`]+"  # a URL
    r"|(?<![\w.-])(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?::\d+)?/[^\s\"'<>`]+",  # host.tld/path
    re.IGNORECASE,
)
"""An address in free text: a URL, or one written without its scheme
(``hooks.slack.com/services/...``, ``db.example.com:5432/app?password=...``)."""
_HOOK_HOST = re.compile(r"(?i)^(?:hooks?|webhooks?)\.")
"""A host whose whole path is a webhook's credential (hooks.slack.com, hooks.zapier.com)."""
_HOOK_MARKERS = {"webhook", "webhooks", "webhookb2", "hooks", "hook", "incomingwebhook"}
"""Path segments after which a webhook's address is its credential (Discord, Teams,
Mattermost, Zapier, GitLab- and GitHub-style receivers)."""
_KEY_SEGMENTS = {"key", "keys", "token", "tokens", "secret", "apikey", "api_key", "password"}
"""Path segments naming the credential that follows (IFTTT ``/with/key/KEY``)."""
_BOT_SEGMENT = re.compile(r"(?i)^bot\d+:[\w-]+$")
"""A Telegram bot token in a path: ``/bot123456:ABC-DEF.../sendMessage``."""
_PAIR = re.compile(
    r"(?<![\w.-])(?P<name>[A-Za-z][\w.-]*)(?P<eq>\s*=\s*)"
    r"(?P<value>'[^']*'|\"[^\"]*\"|[^\s;&,\"'`]+)"
)
"""``name=value`` in free text: connection strings (``Password=...;``), libpq DSNs."""
_JSON_PAIR = re.compile(r'"(?P<name>[A-Za-z][\w.-]*)"(?P<eq>\s*:\s*)(?P<value>"[^"]*")')
_SCHEMES = {"bearer", "basic", "token", "digest", "negotiate"}
"""Authorization schemes: the credential follows them (``Authorization=Bearer ...``)."""
_BEARER = re.compile(
    r"(?i)\b(?P<scheme>bearer|basic)(?P<gap>\s+)(?P<value>[A-Za-z0-9._~+/-]{12,}=*)"
)


_TRIGGERS = re.compile(
    "|".join(
        re.escape(t.lower())
        for t in ("/", "=", '"', "bearer", "basic", *(t for ts, _ in _KEY_FORMATS for t in ts))
        if t != ":"
    )
)
"""Something every credential ``redact`` finds begins with or holds (in lower case)."""
_TELEGRAM = _KEY_FORMATS[-1][1]


def _maybe(text: str) -> bool:
    """Return whether ``text`` may hold a credential; most text holds none of ``_TRIGGERS``,
    and is left as it is after one scan."""
    return bool(_TRIGGERS.search(text.lower()) or (":" in text and _TELEGRAM.search(text)))


class _Scrub:
    """One pass of ``redact`` over a text, keeping what it withheld."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def hide(self, value: str) -> str:
        if value and value != PLACEHOLDER:
            self.found.append(value)
        return PLACEHOLDER

    def text(self, text: str) -> str:
        if not _maybe(text):
            return text
        if "/" not in text:
            return self.free(text)
        out, last = [], 0
        for match in _ADDRESS.finditer(text):
            out.append(self.free(text[last : match.start()]))
            address = match.group()
            if "://" in address:
                out.append(self.url(address))
            else:
                host, _, path = address.partition("/")
                out.append(host + self.rest("/" + path, hook_host=bool(_HOOK_HOST.match(host))))
            last = match.end()
        out.append(self.free(text[last:]))
        return "".join(out)

    def free(self, text: str) -> str:
        """Scrub text outside addresses: key formats, bearer tokens, ``name=value`` pairs."""
        for pattern in _key_formats(text):
            text = pattern.sub(lambda m: self.hide(m.group()), text)
        low = text.lower()
        if "bearer" in low or "basic" in low:
            text = _BEARER.sub(self._bearer, text)
        if '"' in text:
            text = _JSON_PAIR.sub(self._pair, text)
        return _PAIR.sub(self._pair, text) if "=" in text else text

    def _bearer(self, m: re.Match[str]) -> str:
        if not re.search(r"[0-9+/=_-]", m["value"]):
            return m.group()  # a word ("basic authentication"), not a credential
        return f"{m['scheme']}{m['gap']}{self.hide(m['value'])}"

    def _pair(self, m: re.Match[str]) -> str:
        value = m["value"]
        quote = value[0] if value[:1] in ("'", '"') and len(value) > 1 else ""
        bare = value[1:-1] if quote else value
        if bare in ("", PLACEHOLDER) or bare.lower() in _SCHEMES or not _credential_name(m["name"]):
            return m.group()
        return f"{m.group()[: m.start('value') - m.start()]}{quote}{self.hide(bare)}{quote}"

    def url(self, url: str) -> str:
        scheme, _, after = url.partition("://")
        userinfo, authority, rest = _authority(after)
        if userinfo is not None:
            user, colon, password = userinfo.partition(":")
            if colon and password:
                userinfo = f"{user}:{self.hide(password)}"
            elif not colon and (_secret_value(unquote(user)) or len(user) >= 20):
                userinfo = self.hide(user)  # a token as the user: https://TOKEN@host
            authority = f"{userinfo}@{authority}"
        hooked = bool(_HOOK_HOST.match(authority.rsplit("@", 1)[-1]))
        scrubbed = f"{scheme}://{authority}{self.rest(rest, hook_host=hooked)}"
        for pattern in _key_formats(scrubbed):
            scrubbed = pattern.sub(lambda m: self.hide(m.group()), scrubbed)
        return scrubbed

    def rest(self, rest: str, *, hook_host: bool = False) -> str:
        """Scrub what follows an address's host: its path, query and fragment."""
        cut = re.search(r"[?#]", rest)
        if cut is None:
            return self.path(rest, hook_host=hook_host)
        path = self.path(rest[: cut.start()], hook_host=hook_host)
        tail = rest[cut.end() :]
        if cut.group() == "#":
            return f"{path}#{self.fragment(tail)}"
        query, hash_, fragment = tail.partition("#")
        return f"{path}?{self.params(query)}{hash_}{self.fragment(fragment)}"

    def path(self, path: str, *, hook_host: bool) -> str:
        """Scrub ``/a/b;k=v/c``: segments after a webhook marker, after a ``key`` segment, in
        matrix parameters, or random enough to be a credential themselves."""
        segments = path.split("/")  # segments[0] is what precedes the first "/"
        if segments[0].startswith(";"):  # jdbc:sqlserver://db:1433;user=sa;password=...
            segments[0] = ";" + self.params(segments[0][1:])
        for i in range(1, len(segments)):
            first_hidden = hook_host and i == min(2, len(segments) - 1)
            if first_hidden or segments[i - 1].lower() in _HOOK_MARKERS:
                tail = "/".join(segments[i:])
                if tail.strip("/") and tail != PLACEHOLDER:
                    return "/".join([*segments[:i], self.hide(tail)])
                return path
            segment = segments[i]
            plain = unquote(segment)
            if segment == PLACEHOLDER:
                continue
            if segments[i - 1].lower() in _KEY_SEGMENTS and segment:
                segments[i] = self.hide(segment)
            elif "=" in segment or ";" in segment:
                head, sep, params = segment.partition(";")
                segments[i] = f"{head}{sep}{self.params(params)}" if sep else self.params(segment)
            elif _BOT_SEGMENT.match(plain) or _secret_value(plain):
                segments[i] = self.hide(segment)
        return "/".join(segments)

    def params(self, query: str) -> str:
        """Scrub ``a=1&b=2`` (``;`` also separates, as in JDBC and matrix parameters)."""
        pieces = re.split(r"([&;])", query)
        for i, piece in enumerate(pieces):
            name, eq, value = piece.partition("=")
            if eq and value and value != PLACEHOLDER:
                if _credential_name(unquote(name)) or self._secret_param(unquote(value)):
                    pieces[i] = f"{name}={self.hide(value)}"
            elif not eq and _secret_value(unquote(piece)):
                pieces[i] = self.hide(piece)  # ?TOKEN alone
        return "".join(pieces)

    def _secret_param(self, value: str) -> bool:
        """A value that is a credential by its form, or an address holding one
        (``?next=https%3A%2F%2Fx%2F%3Ftoken%3D...``)."""
        return _secret_value(value) or ("://" in value and redact(value) != value)

    def fragment(self, fragment: str) -> str:
        """Scrub a fragment: OAuth's ``#access_token=...``, a route's ``#/x?token=...``."""
        if "?" in fragment:
            route, _, query = fragment.partition("?")
            return f"{route}?{self.params(query)}"
        if "=" in fragment:
            return self.params(fragment)
        return self.hide(fragment) if _secret_value(unquote(fragment)) else fragment


def _authority(after: str) -> tuple[str | None, str, str]:
    """Split what follows ``scheme://`` into (userinfo or None, host[:port], the rest). A
    password may hold ``/``, ``?`` or ``#`` unencoded: the userinfo then runs to the last ``@``
    before the query, unless what precedes it is plainly ``host:port/path``."""
    end = re.search(r"[/?#;]", after)
    authority, rest = (after[: end.start()], after[end.start() :]) if end else (after, "")
    if "@" in authority:
        userinfo, host = authority.rsplit("@", 1)
        return userinfo, host, rest
    query = re.search(r"[?#]", after)
    at = after.rfind("@", 0, query.start() if query else len(after))
    candidate = after[:at] if at > 0 else ""
    if ":" in candidate and not re.match(r"[^:/]*:\d*(?:[/;]|$)", candidate):
        end = re.search(r"[/?#;]", after[at + 1 :])
        host_end = at + 1 + (end.start() if end else len(after) - at - 1)
        return candidate, after[at + 1 : host_end], after[host_end:]
    return None, authority, rest


def _credential_name(name: str) -> bool:
    low = name.strip().lower().replace("_", "-").replace(".", "-").replace(" ", "-")
    return (
        low in _CREDENTIAL_NAMES
        or any(word in low for word in _CREDENTIAL_WORDS)
        or low.endswith(_CREDENTIAL_ENDINGS)
    )


_DIGEST = re.compile(r"(?:^|@)(?:sha\d+|md5):[0-9a-fA-F]{32,}$")
"""A content digest (``image@sha256:...``): random, but no credential."""


_TOKEN = re.compile(r"(?=.*[0-9])(?=.*[a-z])(?=.*[A-Z])[A-Za-z0-9+/=_~-]{20,}")
"""A random token: base64 or base62 of 20 characters or more, mixing digits and both cases
(words, versions and names such as ``opentelemetry-collector-contrib:0.159.0`` do not)."""


def _secret_value(text: str) -> bool:
    """A value that is a credential by its form alone (no name says so)."""
    if not text or text == PLACEHOLDER or _DIGEST.search(text):
        return False
    if _holds_key(text) or _HEX.fullmatch(text):
        return True
    return bool(_TOKEN.fullmatch(text)) and entropy(text) > 4.0


def redact(text: str) -> str:
    """Return ``text`` with every credential inside it (see the module docstring) written as
    ``PLACEHOLDER``; what is left names the same hosts. Redacting twice changes nothing."""
    return _Scrub().text(text)


def withheld_parts(text: str) -> list[str]:
    """Return the credentials ``redact`` withholds from ``text`` (to register with a Draft)."""
    scrub = _Scrub()
    scrub.text(text)
    return scrub.found
