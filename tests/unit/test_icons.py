"""Every icon a framework may name has a safe, self-contained SVG drawing, and there are no others."""

import xml.etree.ElementTree as ET

import pytest

from tests.conftest import ROOT
from together.framework.icons import ICONS

ICON_DIR = ROOT / "src" / "together" / "static" / "images" / "icons"
SVG = "{http://www.w3.org/2000/svg}"
FORBIDDEN = {"script", "image", "foreignObject", "text"}


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


@pytest.mark.parametrize("name", sorted(ICONS))
def test_icon_is_a_safe_svg(name):
    path = ICON_DIR / f"{name}.svg"
    assert path.is_file(), f"{path} is missing"
    root = ET.parse(path).getroot()  # noqa: S314 - the project's own files, not untrusted input
    assert root.tag == f"{SVG}svg"
    assert root.get("viewBox") == "0 0 64 64"
    for element in root.iter():
        assert _local(element.tag) not in FORBIDDEN, f"{name}: <{_local(element.tag)}>"
        for attribute in element.attrib:
            local = _local(attribute)
            assert not local.lower().startswith("on"), f"{name}: event handler {attribute}"
            assert local != "href", f"{name}: reference {attribute}"


def test_no_icon_files_without_a_name():
    names = {path.stem for path in ICON_DIR.glob("*.svg")}
    assert names - set(ICONS) == set()
