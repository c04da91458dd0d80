"""Write a framework as a YAML file in block style, the form the format's documentation recommends.

Used to turn a workbook into a framework file (``together framework convert in.xlsx out.yaml``);
the text reads back, through the bounded loader, to the same framework.
"""

from __future__ import annotations

from typing import Any

import yaml

from .schema import Framework


class _BlockDumper(yaml.SafeDumper):
    """Block style, list items indented under their key, and never an anchor or alias."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Empty text as "" rather than '', as in the documentation's examples.
    if value == "":
        return dumper.represent_scalar("tag:yaml.org,2002:str", "", style='"')
    if len(value) > 70 and "\n" not in value and value == value.strip() and "  " not in value:
        # Long text folded over lines of its own (">-"), as in the shipped framework file.
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_str(value)


_BlockDumper.add_representer(str, _text)


def to_yaml(framework: Framework) -> str:
    """The framework as YAML text, block style, fields in the schema's order."""
    data = framework.model_dump(mode="json", exclude_none=True)
    return yaml.dump(
        data,
        Dumper=_BlockDumper,
        default_flow_style=False,
        sort_keys=False,
        allow_unicode=True,
        width=96,
    )
