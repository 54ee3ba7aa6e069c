"""Reading inputs, for the model and every importer alike: one place for file kinds, root
confinement, text decoding, YAML and JSON with locations, and the limits that bound them all.

Every function takes the error class to raise (``ModelFileError`` for a model,
``ImportInputError`` for an importer's input), so each reader keeps its own place in the
error tree while sharing the checks.
"""

from aftershock.source.files import (
    Root,
    decode,
    input_files,
    is_blank,
    read_bytes,
    read_text,
)
from aftershock.source.jsontext import parse_json
from aftershock.source.limits import LIMITS, Limits
from aftershock.source.yamltree import (
    Converter,
    CoreLoader,
    Document,
    Mapping,
    Reading,
    Sequence,
    Tagged,
    check_text,
    compose,
    core_scalar,
    load_documents,
    mapping_pairs,
)

__all__ = [
    "LIMITS",
    "Converter",
    "CoreLoader",
    "Document",
    "Limits",
    "Mapping",
    "Reading",
    "Root",
    "Sequence",
    "Tagged",
    "check_text",
    "compose",
    "core_scalar",
    "decode",
    "input_files",
    "is_blank",
    "load_documents",
    "mapping_pairs",
    "parse_json",
    "read_bytes",
    "read_text",
]
