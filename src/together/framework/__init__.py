"""The framework format: schema, loader and validation. Plain Python, no Django."""

from .loader import (
    FrameworkInvalid,
    Problem,
    canonical_json,
    content_hash,
    load_framework_file,
    parse_framework,
)
from .schema import Framework, Question, Questions, Statement, Text, Theme

__all__ = [
    "Framework",
    "FrameworkInvalid",
    "Problem",
    "Question",
    "Questions",
    "Statement",
    "Text",
    "Theme",
    "canonical_json",
    "content_hash",
    "load_framework_file",
    "parse_framework",
]
