"""The README's links within the repository lead somewhere: files that exist, sections it has."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINK = re.compile(r"\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces to -."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def links(text: str) -> list[str]:
    return [link for link in LINK.findall(text) if not link.startswith(("http://", "https://"))]


def test_slug_follows_github():
    assert slug("For 211s and coalitions: reading the directory") == (
        "for-211s-and-coalitions-reading-the-directory"
    )


def test_every_file_link_exists_and_every_anchor_is_a_heading():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    prose = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)  # a "#" in code is no heading
    anchors = {slug(h) for h in re.findall(r"^#+ (.+)$", prose, flags=re.M)}
    found = links(text)
    assert found  # the README does link to its sections and to files
    for link in found:
        path, _, anchor = link.partition("#")
        if path:
            assert (ROOT / path).is_file(), f"README links to {path}, which does not exist"
        else:
            assert anchor in anchors, f"README links to #{anchor}, which is no heading"
