"""Read a YAML data file into raw records, keeping line numbers.

A data file is a mapping with an optional ``defaults`` mapping (properties
applied to every record that lacks them) and ``nodes`` and ``relationships``
lists. Dates stay strings here (the validator parses them, so a bad date gets a
located message instead of a YAML crash). Anchors and aliases are refused: the
data has no need of them and they allow "billion laughs" expansion. A key written
twice in one mapping is reported (YAML itself keeps the last one silently).
"""

from __future__ import annotations

import codecs
import re
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

    libyaml may stop a deep file first with its own error (0.2.6, in PyYAML
    6.0.4's wheels, refuses 1,000 levels while scanning ahead, before the
    parser has given the events our guard counts). relgraph's message must not
    depend on which libyaml that is, so when libyaml fails on a file that could
    be nested deeper than ``MAX_DEPTH``, the pure-Python parser (no limit of
    its own, and no recursion either) reads the text up to libyaml's error
    to find where the guard trips.
    """
    try:
        _count_depth(text, _Base)
    except _Refused:
        raise
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if _Base is yaml.SafeLoader or mark is None or _depth_bound(text) <= MAX_DEPTH:
            raise
        try:
            _count_depth(text[: mark.index + 1], yaml.SafeLoader)
        except _Refused:
            raise
        except yaml.YAMLError:
            pass
        raise e from None


def _depth_bound(text: str) -> int:
    """An upper bound of how deep ``text`` can nest, found without parsing it.

    Flow collections nest by brackets (quotes ignored, so this may count too
    many); block collections by indentation (at most two levels per column of
    a line's leading spaces, dashes and ``?``/``:`` indicators).

    >>> _depth_bound("nodes:\\n  - id: x\\n    aliases: [a, b]\\n")
    11
    """
    depth = flow = 0
    for ch in re.sub(r"[^\[\]{}]", "", text):
        flow = flow + 1 if ch in "[{" else max(flow - 1, 0)
        depth = max(depth, flow)
    prefix = max((len(m) for m in re.findall(r"^[ \t?:-]*", text, flags=re.M)), default=0)
    return depth + 2 * prefix + 2


def _count_depth(text: str, loader: type) -> None:
    depth = 0
    for event in yaml.parse(text, Loader=loader):
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
    """libyaml's safe loader that records lines, keeps dates as strings and notes duplicate keys."""

    def __init__(self, stream: str):
        super().__init__(stream)
        # (key, line of its first occurrence, line of this one, whether the value is a list or mapping)
        self.duplicates: list[tuple[str, int, int, bool]] = []

    def construct_mapping(self, node, deep=False):  # type: ignore[no-untyped-def]
        own = node.value
        self.flatten_mapping(node)  # drops `<<` pairs from `own` in place; merged pairs go first
        out = _LineDict()
        out.line = node.start_mark.line + 1
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                key = str(key)
            out[key] = self.construct_object(value_node, deep=True)
            out.key_lines[key] = key_node.start_mark.line + 1
        if len(out) != len(node.value):  # keys collapsed: a test per mapping, none per key
            self._find_duplicates(own)
        return out

    def _find_duplicates(self, own: list[tuple[yaml.Node, yaml.Node]]) -> None:
        # Only among the mapping's own keys: one of them may override a key merged in by `<<`.
        first: dict[str, int] = {}
        for key_node, value_node in own:
            key = str(self.construct_object(key_node, deep=True))  # already built: cached
            line = key_node.start_mark.line + 1
            if key in first:
                self.duplicates.append((key, first[key], line, isinstance(value_node, yaml.CollectionNode)))
            else:
                first[key] = line


class _YamlInt(int):
    """A YAML integer that remembers how it was written (for a text property)."""

    yaml_text: str


class _YamlFloat(float):
    yaml_text: str


def _construct_int(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> int:
    out = _YamlInt(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))
    out.yaml_text = node.value
    return out


def _construct_float(loader: yaml.constructor.SafeConstructor, node: yaml.ScalarNode) -> float:
    out = _YamlFloat(yaml.constructor.SafeConstructor.construct_yaml_float(loader, node))
    out.yaml_text = node.value
    return out


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
# YAML 1.1 reads `0777` as 511, `0x1F` as 31, `1_000` as 1000, `1:30` as 90 and `.nan` as NaN:
# values that are not what the file says. Plain numbers are numbers only when written as
# decimals (`12`, `-3`, `17.5`, `1.5e3`); the rest stays text, as written. Dates stay text too
# (the validator parses them): no implicit timestamp resolver.
_PLAIN = {
    "tag:yaml.org,2002:int": re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"),
    "tag:yaml.org,2002:float": re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"),
}
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, _PLAIN.get(tag, rx)) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# Longest first: the UTF-32-LE mark begins with the UTF-16-LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
         (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16"))
_SNIFF = 1024  # bytes looked at for UTF-16 or UTF-32 without a byte order mark
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _wide_encoding(data: bytes) -> str | None:
    """"UTF-16" or "UTF-32" if ``data`` is text in one of them, else None.

    By the byte order mark, or without one by where the NUL bytes are: ASCII
    characters (keys, column names, punctuation: a data file has many) take a
    NUL in every other byte in UTF-16, in the top two bytes of four in UTF-32,
    always at the same offsets. A binary file has NULs too, but not in that
    pattern, and it does not decode to text without control characters.

    >>> _wide_encoding("nodes: []".encode("utf-16")), _wide_encoding("id,name".encode("utf-16-be"))
    ('UTF-16', 'UTF-16')
    >>> _wide_encoding("nodes: []".encode("utf-32-le")), _wide_encoding("nodes: []".encode("utf-8-sig"))
    ('UTF-32', None)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    head = data[: min(len(data), _SNIFF) // 4 * 4]
    if b"\x00" not in head:
        return None
    n = len(head) // 4
    q = [head[i::4].count(0) for i in range(4)]  # NULs at each offset modulo 4
    even, odd = q[0] + q[2], q[1] + q[3]
    for encoding, codec, pattern in (
        ("UTF-32", "utf-32-le", q[3] == n and q[2] >= n // 2),
        ("UTF-32", "utf-32-be", q[0] == n and q[1] >= n // 2),
        ("UTF-16", "utf-16-le", odd >= n // 4 and odd >= 2 * even),
        ("UTF-16", "utf-16-be", even >= n // 4 and even >= 2 * odd),
    ):
        if pattern:
            try:  # not final: the bytes looked at may end inside a character
                text = codecs.getincrementaldecoder(codec)().decode(head, final=False)
            except UnicodeDecodeError:
                continue
            if not _CONTROL.search(text):
                return encoding
    return None


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
    wide = _wide_encoding(data)
    if wide:
        problems.append(Problem(name, None, None, None, f"file is encoded as {wide}, not UTF-8",
                                "save the file as UTF-8"))
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
        loader = _Loader(text)
        try:
            doc: Any = loader.get_single_data()
        finally:
            loader.dispose()
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
    for key, first, line, whole in sorted(loader.duplicates, key=lambda d: d[2]):
        # Reported, not fatal: the last value is read on, so the file's other problems show too.
        problems.append(Problem(name, line, key, None, f"duplicate key (first at line {first})",
                                "keep one of the two, or merge their entries into one" if whole
                                else "keep one of the two"))
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
