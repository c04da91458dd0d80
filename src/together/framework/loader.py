"""Read a framework file, check it, and say exactly what is wrong.

Every problem is reported as ``file:line: field: what is wrong``. Parsing keeps the line of
every key and list item so that schema errors, which pydantic reports by path, can be turned
back into a line of the file.
"""

from __future__ import annotations

import hashlib
import json
import types
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .rules import check_rules
from .schema import Framework, Text
from .yamlsafe import MAX_BYTES, BoundedLoader, Unreadable, plain

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class FrameworkInvalid(Exception):
    """Raised with every problem found; nothing is loaded when a file is invalid."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def field_name(path: Path_) -> str:
    """``("themes", 2, "title", "en")`` becomes ``themes[2].title.en``."""
    name = ""
    for part in path:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name or "(file)"


class _Lines:
    """The line number of each key and list item, by path."""

    def __init__(self) -> None:
        self.by_path: dict[Path_, int] = {(): 1}

    def line(self, path: Path_) -> int:
        # A missing key has no line of its own: report its nearest present parent.
        for end in range(len(path), -1, -1):
            if path[:end] in self.by_path:
                return self.by_path[path[:end]]
        return 1


def _parse(text: str, file: str) -> tuple[Any, _Lines, list[Problem]]:
    lines = _Lines()
    problems: list[Problem] = []
    if len(text) > MAX_BYTES:
        return None, lines, [Problem(file, 1, "(file)", f"is larger than {MAX_BYTES // 1_000_000} MB")]
    try:
        loader = BoundedLoader(text)
    except Unreadable as unreadable:
        return None, lines, [Problem(file, unreadable.line, "(file)", unreadable.reason)]
    try:
        root = loader.get_single_node()

        def build(node: yaml.Node, path: Path_) -> Any:
            if isinstance(node, yaml.MappingNode):
                result: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    key = loader.construct_object(key_node, deep=True)
                    line = key_node.start_mark.line + 1
                    if not isinstance(key, str):
                        problems.append(Problem(file, line, field_name(path), f"key {key!r} is not text"))
                        continue
                    if key in result:
                        first = lines.by_path[(*path, key)]
                        problems.append(
                            Problem(
                                file,
                                line,
                                field_name((*path, key)),
                                f"duplicate key (first used on line {first})",
                            )
                        )
                        continue
                    lines.by_path[(*path, key)] = line
                    result[key] = build(value_node, (*path, key))
                return result
            if isinstance(node, yaml.SequenceNode):
                items = []
                for index, item in enumerate(node.value):
                    lines.by_path[(*path, index)] = item.start_mark.line + 1
                    items.append(build(item, (*path, index)))
                return items
            return loader.construct_object(node, deep=True)

        data = build(root, ()) if root is not None else None
    except Unreadable as unreadable:
        return None, lines, [Problem(file, unreadable.line, "(file)", unreadable.reason)]
    except yaml.MarkedYAMLError as error:
        unreadable = plain(error)
        return None, lines, [Problem(file, unreadable.line, "(file)", unreadable.reason)]
    except yaml.YAMLError as error:
        return None, lines, [Problem(file, 1, "(file)", f"cannot be read as YAML ({error})")]
    finally:
        loader.dispose()
    return data, lines, problems


_FRIENDLY = {
    "missing": "is required",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "int_parsing": "must be a whole number",
    "list_type": "must be a list",
    "bool_type": "must be true or false",
    "bool_parsing": "must be true or false",
    "greater_than_equal": "must be {ge} or more",
    "literal_error": "must be {expected}",
    "string_pattern_mismatch": ("must be an id of lowercase letters, digits and hyphens, starting with a letter"),
}


def _message(error: dict[str, Any], path: Path_) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        parent = _annotation_at(path[:-1])
        allowed = f" (allowed here: {', '.join(parent.model_fields)})" if _is_model(parent) else ""
        if parent is Text and error.get("input") is None:
            # {en: Hello, world, cy: …} reads "world" as a key with no value: a comma in the text.
            return (
                f"unknown key {path[-1]!r}{allowed}: if the text before it holds a comma, put the text in quotes "
                "or write en: and cy: on lines of their own"
            )
        return f"unknown key{allowed}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        if _annotation_at(path) is Text:
            return "must be a mapping with English text under 'en' and Welsh text under 'cy'"
        return "must be a mapping of keys to values"
    if kind == "too_short" and path[-1:] == ("statements",) and path[:1] == ("variants",):
        return "a variant needs at least one statement, each mirroring one of the framework's"
    if kind == "too_short" and path[-1:] == ("statements",):
        return "empty theme: a theme needs at least one statement"
    if kind == "too_short" and error.get("input") == []:
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {error['ctx']['min_length']} item(s)"
    if kind == "string_too_long":
        return f"is longer than {error['ctx']['max_length']} characters"
    if kind in _FRIENDLY:
        return _FRIENDLY[kind].format(**error.get("ctx", {}))
    return error["msg"]


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _annotation_at(path: Path_) -> Any:
    """The schema type expected at ``path``, or None where the path leaves the schema."""
    annotation: Any = Framework
    for part in path:
        annotation = _required(annotation)
        if isinstance(part, int):
            if getattr(annotation, "__origin__", None) is not list:
                return None
            annotation = annotation.__args__[0]
        elif _is_model(annotation) and part in annotation.model_fields:
            annotation = annotation.model_fields[part].annotation
        else:
            return None
    return _required(annotation)


def _required(annotation: Any) -> Any:
    """``X`` for an optional field's ``X | None``, so its problems are told as for ``X``."""
    members = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and len(members) == 1:
        return members[0]
    return annotation


def content_hash(framework: Framework) -> str:
    """A hash of the meaning of a framework, not of its formatting or comments."""
    return hashlib.sha256(canonical_json(framework).encode()).hexdigest()


def canonical_json(framework: Framework) -> str:
    # Optional fields left out are None, and are left out here too: a file written before such a
    # field existed keeps the hash, and so the version, it was stored under.
    content = framework.model_dump(mode="json", exclude_none=True)
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def parse_framework(text: str, file: str = "<framework>") -> Framework:
    """Parse and check framework text; raise :class:`FrameworkInvalid` listing every problem."""
    data, lines, problems = _parse(text, file)
    if problems:
        raise FrameworkInvalid(problems)
    if not isinstance(data, dict):
        raise FrameworkInvalid([Problem(file, 1, "(file)", "must be a mapping with format, id, title and themes")])
    try:
        framework = Framework.model_validate(data)
    except ValidationError as error:
        for item in error.errors():
            path = tuple(item["loc"])
            problems.append(Problem(file, lines.line(path), field_name(path), _message(item, path)))
        raise FrameworkInvalid(problems) from None
    for path, message in check_rules(framework):
        problems.append(Problem(file, lines.line(path), field_name(path), message))
    if problems:
        raise FrameworkInvalid(problems)
    return framework


def load_framework_file(path: str | Path) -> Framework:
    path = Path(path)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise FrameworkInvalid([Problem(str(path), 1, "(file)", f"is larger than {MAX_BYTES // 1_000_000} MB")])
        raw = path.read_bytes()
    except OSError as error:
        raise FrameworkInvalid([Problem(str(path), 1, "(file)", f"cannot be read: {error.strerror}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise FrameworkInvalid(
            [
                Problem(
                    str(path),
                    line,
                    "(file)",
                    "is not UTF-8 text: save the file with UTF-8 encoding",
                )
            ]
        ) from None
    return parse_framework(text, str(path))
