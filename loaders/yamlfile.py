"""Read a YAML data file into raw records, keeping line numbers.

A data file is a mapping with an optional ``defaults`` mapping (properties
applied to every record that lacks them) and ``nodes`` and ``relationships``
lists. Dates stay strings here (the validator parses them, so a bad date gets a
located message instead of a YAML crash). Anchors and aliases are refused: the
data has no need of them and they allow "billion laughs" expansion.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from relgraph.errors import Problem
from relgraph.loaders.records import RawRecord

MAX_BYTES = 50 * 1024 * 1024
MAX_DEPTH = 50
TOP_KEYS = ("defaults", "nodes", "relationships")


class _LineDict(dict):
    line: int = 0
    key_lines: dict[str, int]


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that data files may not use; carries its own fix."""

    def __init__(self, problem: str, mark: yaml.Mark, fix: str):
        super().__init__(None, None, problem, mark)
        self.fix = fix


def _check_events(text: str) -> None:
    """Refuse aliases and deep nesting before anything is built.

    Runs libyaml's event parser (fast, flat: no recursion), so neither an alias
    bomb nor a deeply nested file ever reaches the composer.
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Base):
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("YAML aliases (*name) are not allowed in data files", event.start_mark,
                           "write the value out in full instead of the alias, and drop its &anchor")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _Refused(f"nested deeper than {MAX_DEPTH} levels", event.start_mark,
                               f"keep nesting under {MAX_DEPTH} levels (data files need only a few)")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


# libyaml's C parser (in PyYAML's wheels) is ~20x faster than the pure-Python one.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """libyaml's safe loader that records lines and keeps dates as strings."""

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        self.flatten_mapping(node)
        out = _LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            out[key] = self.construct_object(value_node, deep=True)
            out.key_lines[key] = key_node.start_mark.line + 1
        return out


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
# Keep dates as text: drop the implicit timestamp resolver.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def decode(path: Path, problems: list[Problem]) -> str | None:
    """Read ``path`` as UTF-8 (a BOM is allowed), or record why it can't be."""
    name = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            problems.append(
                Problem(name, None, None, None, f"file is {size} bytes, over the {MAX_BYTES} limit",
                        "split it into several files")
            )
            return None
        data = path.read_bytes()
    except OSError as e:
        problems.append(Problem(name, None, None, None, f"cannot read file: {e.strerror}",
                                "check the path and its permissions"))
        return None
    if b"\x00" in data:
        # Checked before decoding: a binary file is rarely valid UTF-8, and
        # "save the file as UTF-8" would be the wrong advice for it.
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        problems.append(Problem(name, line, None, None, "contains NUL bytes (binary file?)",
                                "give a YAML or CSV text file"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        problems.append(Problem(name, line, None, None,
                                f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start})",
                                "save the file as UTF-8"))
        return None
    return text


def read_yaml(path: Path, problems: list[Problem]) -> list[RawRecord]:
    """Parse one YAML data file; append what is wrong with it to ``problems``."""
    name = str(path)
    text = decode(path, problems)
    if text is None:
        return []
    try:
        _check_events(text)
        doc: Any = yaml.load(text, Loader=_Loader)
    except _Refused as e:
        line = e.problem_mark.line + 1 if e.problem_mark else None
        problems.append(Problem(name, line, None, None, str(e.problem), e.fix))
        return []
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        what = e.problem or e.context or "invalid YAML"
        if e.problem and e.context and e.context_mark and e.context_mark.line + 1 != line:
            # e.g. an unclosed [ is noticed lines later: say where it was opened.
            what += f", {e.context} that starts at line {e.context_mark.line + 1}"
        problems.append(Problem(name, line, None, None, f"YAML syntax error: {what}",
                                "correct the YAML syntax at this line or the one it names"))
        return []
    except yaml.YAMLError as e:
        problems.append(Problem(name, None, None, None, f"YAML error: {e}", "correct the YAML"))
        return []
    if doc is None:
        problems.append(Problem(name, None, None, None, "file is empty",
                                "add `nodes:` and/or `relationships:` lists, or remove the file"))
        return []
    if not isinstance(doc, dict):
        problems.append(Problem(name, 1, None, None,
                                f"top level is a {type(doc).__name__}, not a mapping",
                                "start the file with `nodes:` and/or `relationships:`"))
        return []
    lines: dict[str, int] = getattr(doc, "key_lines", {})
    for key in doc:
        if key not in TOP_KEYS:
            problems.append(Problem(name, lines.get(key), key, None, "unknown top-level key",
                                    f"use only {', '.join(TOP_KEYS)}"))
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.append(Problem(name, lines.get("defaults"), "defaults", None,
                                "`defaults` must be a mapping", "write `defaults: {status: confirmed}`"))
        defaults = {}
    records: list[RawRecord] = []
    for section in ("nodes", "relationships"):
        items = doc.get(section)
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(name, lines.get(section), section, None, f"`{section}` must be a list",
                                    f"write each entry as `- ...` under `{section}:`"))
            continue
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append(Problem(name, lines.get(section), f"{section}[{i}]", item,
                                        "entry is not a mapping", "write each entry as `- key: value` lines"))
                continue
            data = {k: v for k, v in defaults.items() if k not in item}
            data.update(item)
            rec_lines = {k: getattr(defaults, "key_lines", {}).get(k, 0) for k in defaults}
            rec_lines.update(getattr(item, "key_lines", {}))
            records.append(RawRecord(name, getattr(item, "line", 0), data, rec_lines, section=section))
    return records
