"""Node styles (colour, shape, size, caption) shared by the HTML views and Neo4j Browser.

Read from ``style.yaml``; :func:`grass` writes them as a Neo4j Browser style
sheet (GraSS), kept in ``docker/relgraph.grass``.

>>> style_for("State")["color"]
'#1f4e79'
>>> "node.Person {" in grass()
True
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

from relgraph.schema import load_schema


@cache
def load_style() -> dict[str, Any]:
    import yaml

    return yaml.safe_load(resources.files("relgraph").joinpath("style.yaml").read_text("utf-8"))


def style_for(node_type: str) -> dict[str, Any]:
    """The style of a node type, falling back to the default."""
    s = load_style()
    return {**s["default_node"], **s["nodes"].get(node_type, {})}


def _darker(color: str, factor: float = 0.75) -> str:
    r, g, b = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{int(c * factor):02x}" for c in (r, g, b))


def grass() -> str:
    """A Neo4j Browser style sheet: one rule per node type in the schema."""
    s = load_style()
    d = s["default_node"]
    rel = s["relationship"]
    out = [
        "/* relgraph: Neo4j Browser style, generated from graph/style.yaml (the HTML views use the same). */",
        "node {",
        f"  diameter: {d['size'] * 2}px;",
        f"  color: {d['color']};",
        f"  border-color: {_darker(d['color'])};",
        "  border-width: 2px;",
        "  text-color-internal: #FFFFFF;",
        "  font-size: 10px;",
        "}",
        "relationship {",
        f"  color: {rel['color']};",
        "  shaft-width: 1px;",
        "  font-size: 8px;",
        "  padding: 3px;",
        "  text-color-external: #000000;",
        "  text-color-internal: #FFFFFF;",
        "  caption: '<type>';",
        "}",
    ]
    for t in load_schema().nodes:
        st = style_for(t)
        out += [
            f"node.{t} {{",
            f"  color: {st['color']};",
            f"  border-color: {_darker(st['color'])};",
            f"  diameter: {max(30, st['size'] * 2)}px;",
            f"  caption: '{{{st['caption']}}}';",
            "}",
        ]
    return "\n".join(out) + "\n"
