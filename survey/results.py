"""The results data, ``results/<benchmark>.toml``: the one reader, shared by ``survey check`` and
the site (``{results-table}``, the leaderboards). See the README, "Results data".

``load`` never raises on bad input: it returns what it could read plus one finding per problem,
each ``path:LINE: message``, so a check reports everything at once and a build can warn and go on.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

Value = float | int | str | bool

_BENCHMARK_FIELDS = {"title", "task", "dataset", "split", "reference", "lines"}
_METRIC_FIELDS = {"label", "unit", "higher"}
_SETTING_FIELDS = {"label", "unit", "type"}
_SETTING_TYPES = ("number", "text", "bool")
_ROW_FIELDS = {"paper", "model", "source", "note"}
_TOP_FIELDS = {"benchmark", "metrics", "settings", "result"}
_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_FIELD = re.compile(r"^\s*([A-Za-z0-9_\-]+|\"[^\"]*\")\s*=")
_TOML_AT = re.compile(r"\(at line (\d+), column \d+\)")


@dataclass(frozen=True)
class Metric:
    id: str
    label: str
    higher: bool  # higher is better
    unit: str = ""


@dataclass(frozen=True)
class Setting:
    id: str
    label: str
    type: str  # "number", "text" or "bool"
    unit: str = ""


@dataclass(frozen=True)
class Result:
    """One row: a paper's model, its metric values and the settings they were measured in."""

    paper: str
    model: str
    metrics: Mapping[str, float]
    settings: Mapping[str, Value]
    source: str
    line: int  # of the row's ``[[result]]`` header
    note: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)  # field -> line, where it could be found

    def value(self, column: str) -> Value | None:
        """A metric or setting value, or the row's paper/model/source/note; None when unknown."""
        if column in self.metrics:
            return self.metrics[column]
        if column in self.settings:
            return self.settings[column]
        return {"paper": self.paper, "model": self.model, "source": self.source, "note": self.note}.get(column)


@dataclass(frozen=True)
class Benchmark:
    id: str
    path: Path
    title: str
    task: str
    split: str
    dataset: tuple[str, ...]
    reference: Mapping[str, Value]
    metrics: tuple[Metric, ...]
    settings: tuple[Setting, ...]
    results: tuple[Result, ...]
    lines: tuple[str, ...] = ()  # settings whose values separate the progress chart's lines

    def metric(self, metric_id: str) -> Metric | None:
        return next((m for m in self.metrics if m.id == metric_id), None)

    def setting(self, setting_id: str) -> Setting | None:
        return next((s for s in self.settings if s.id == setting_id), None)

    def off_reference(self, row: Result) -> dict[str, Value]:
        """The row's values of the settings where it differs from the reference (a field the row leaves
        out is unknown, not different)."""
        return {k: row.settings[k] for k, v in self.reference.items() if k in row.settings and row.settings[k] != v}

    def papers(self) -> list[str]:
        """Citekeys with a row here, in first-row order."""
        return list(dict.fromkeys(r.paper for r in self.results))

    def best(self) -> Result | None:
        """The best row by the first metric among those that state the whole reference setting
        (first row first on a tie): a headline should quote a number known to be measured the
        reference way, not one whose extra data or test-time tricks went unrecorded."""
        if not self.metrics:
            return None
        metric = self.metrics[0]
        rows = [
            r
            for r in self.results
            if metric.id in r.metrics and all(r.settings.get(k) == v for k, v in self.reference.items())
        ]
        if not rows:
            return None
        sign = 1 if metric.higher else -1
        return max(rows, key=lambda r: sign * r.metrics[metric.id])


def show(value: Value) -> str:
    """A value as the site and findings print it: 87.8, 224, yes, none."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)  # floats as Python writes them back: 86.0 stays 86.0, 87.8 stays 87.8


def with_unit(value: Value, unit: str) -> str:
    """A value with its unit as the site prints it: 87.8%, 86 M, 300 epochs; text and yes/no as they are."""
    if not unit or isinstance(value, str | bool):
        return show(value)
    return f"{show(value)}%" if unit == "%" else f"{show(value)} {unit}"


def heading(label: str, unit: str) -> str:
    """A column or axis heading: "GFLOPs (G)", but "Frames" rather than "Frames (frames)"."""
    return f"{label} ({unit})" if unit and unit.casefold() != label.casefold() else label


class _Lines:
    """Line numbers of a TOML file's table headers and fields, found by reading its text
    (tomllib keeps none). Tables are keyed like ``("result", 3)``, ``("metrics", "top1")``."""

    def __init__(self, text: str) -> None:
        self.headers: dict[tuple[str, object], int] = {}
        self.fields: dict[tuple[str, object], dict[str, int]] = {}
        current: tuple[str, object] = ("", None)
        rows = 0
        self.headers[current] = 1
        for number, line in enumerate(text.splitlines(), 1):
            header = _HEADER.match(line)
            if header:
                parts = [p.strip().strip('"') for p in header.group(2).split(".")]
                if header.group(1) == "[[" and parts == ["result"]:
                    current = ("result", rows)
                    rows += 1
                elif len(parts) == 2 and parts[0] in ("metrics", "settings"):
                    current = (parts[0], parts[1])
                else:
                    current = (parts[0], None)
                self.headers.setdefault(current, number)
                continue
            found = _FIELD.match(line)
            if found:
                self.fields.setdefault(current, {}).setdefault(found.group(1).strip('"'), number)

    def of(self, table: tuple[str, object], name: str | None = None) -> int:
        """The line of *name* in *table*, else of the table's header, else of its parent table."""
        if name is not None and name in self.fields.get(table, {}):
            return self.fields[table][name]
        if table in self.headers:
            return self.headers[table]
        parent = (table[0], None)
        if name is None and table[1] is not None and table[1] in self.fields.get(parent, {}):
            return self.fields[parent][str(table[1])]
        return self.headers.get(parent, 1)


class _Reader:
    def __init__(self, path: Path, text: str, papers: Collection[str] | None) -> None:
        self.path = path
        self.lines = _Lines(text)
        self.papers = papers
        self.findings: list[str] = []

    def say(self, line: int, message: str) -> None:
        self.findings.append(f"{self.path}:{line}: {message}")

    def text_field(self, table: Mapping[str, object], name: str, where: tuple[str, object], required: bool) -> str:
        value = table.get(name)
        if value is None:
            if required:
                self.say(self.lines.of(where), f"{_where(where)}: `{name}` is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.say(self.lines.of(where, name), f"{_where(where)}: `{name}` must be a non-empty string")
            return ""
        return value

    def citekey(self, key: str, line: int, what: str) -> None:
        if self.papers is not None and key not in self.papers:
            self.say(line, f"{what}: unknown citekey {key!r} (not in papers.toml)")

    def typed(self, setting: Setting, value: object, line: int, what: str) -> Value | None:
        """*value* when it fits *setting*'s type and range, else None (with a finding)."""
        if setting.type == "bool":
            if isinstance(value, bool):
                return value
            self.say(line, f"{what}: `{setting.id}` must be true or false, not {value!r}")
        elif setting.type == "number":
            if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
                if value < 0:
                    self.say(line, f"{what}: `{setting.id}` = {show(value)} is out of range (must be >= 0)")
                    return None
                return value
            self.say(line, f"{what}: `{setting.id}` must be a number, not {value!r}")
        else:
            if isinstance(value, str) and value.strip():
                return value
            self.say(line, f"{what}: `{setting.id}` must be a non-empty string, not {value!r}")
        return None

    # -- declarations -----------------------------------------------------------------------

    def declarations(
        self, data: Mapping[str, object]
    ) -> tuple[dict[str, object], tuple[Metric, ...], tuple[Setting, ...], dict[str, Value]]:
        for name in sorted(set(data) - _TOP_FIELDS):
            self.say(self.lines.of(("", None), name), f"unknown top-level key `{name}`")
        bench = data.get("benchmark")
        if not isinstance(bench, dict):
            self.say(1, "no [benchmark] table")
            bench = {}
        where = ("benchmark", None)
        for name in sorted(set(bench) - _BENCHMARK_FIELDS):
            self.say(self.lines.of(where, name), f"[benchmark]: unknown key `{name}`")
        metrics = tuple(self._metric(mid, spec) for mid, spec in _tables(self, data, "metrics"))
        settings = tuple(self._setting(sid, spec) for sid, spec in _tables(self, data, "settings"))
        if not metrics:
            self.say(self.lines.of(("metrics", None)), "no metric declared: add a [metrics.<id>] table")
        for metric in metrics:
            if metric.id in {s.id for s in settings}:
                self.say(self.lines.of(("metrics", metric.id)), f"`{metric.id}` is both a metric and a setting")
        return bench, metrics, settings, self._reference(bench, settings)

    # a malformed declaration is reported once; its rows are still read against it (no cascade)

    def _metric(self, mid: str, spec: Mapping[str, object]) -> Metric:
        where = ("metrics", mid)
        self._declared_id(mid, where)
        for name in sorted(set(spec) - _METRIC_FIELDS):
            self.say(self.lines.of(where, name), f"[metrics.{mid}]: unknown key `{name}`")
        higher = spec.get("higher")
        if not isinstance(higher, bool):
            message = "`higher` is missing" if higher is None else "`higher` must be true or false"
            self.say(self.lines.of(where, "higher"), f"[metrics.{mid}]: {message} (is higher better?)")
        label = self.text_field(spec, "label", where, required=True)
        unit = self.text_field(spec, "unit", where, required=False)
        return Metric(mid, label or mid, higher if isinstance(higher, bool) else True, unit)

    def _setting(self, sid: str, spec: Mapping[str, object]) -> Setting:
        where = ("settings", sid)
        self._declared_id(sid, where)
        for name in sorted(set(spec) - _SETTING_FIELDS):
            self.say(self.lines.of(where, name), f"[settings.{sid}]: unknown key `{name}`")
        label = self.text_field(spec, "label", where, required=True)
        unit = self.text_field(spec, "unit", where, required=False)
        kind = spec.get("type", "number" if unit else "text")
        if kind not in _SETTING_TYPES or (unit and kind != "number"):
            message = f"`type` must be one of {', '.join(_SETTING_TYPES)}" + (
                " (a unit makes it a number)" if unit else ""
            )
            self.say(self.lines.of(where, "type"), f"[settings.{sid}]: {message}")
            kind = "number" if unit else "text"
        return Setting(sid, label or sid, str(kind), unit)

    def _declared_id(self, ident: str, where: tuple[str, object]) -> None:
        if not _ID.match(ident) or ident in _ROW_FIELDS:
            reserved = ", ".join(sorted(_ROW_FIELDS))
            self.say(
                self.lines.of(where), f"[{where[0]}.{ident}]: id must be lower_snake_case and not one of {reserved}"
            )

    def _reference(self, bench: Mapping[str, object], settings: tuple[Setting, ...]) -> dict[str, Value]:
        raw = bench.get("reference", {})
        line = self.lines.of(("benchmark", None), "reference")
        if not isinstance(raw, dict):
            self.say(line, "[benchmark]: `reference` must be a table of setting values")
            return {}
        by_id = {s.id: s for s in settings}
        reference: dict[str, Value] = {}
        for name, value in raw.items():
            setting = by_id.get(name)
            if setting is None:
                self.say(line, f"[benchmark]: `reference` names unknown setting `{name}`")
                continue
            checked = self.typed(setting, value, line, "[benchmark] reference")
            if checked is not None:
                reference[name] = checked
        return reference

    # -- rows -------------------------------------------------------------------------------

    def rows(
        self, data: Mapping[str, object], metrics: tuple[Metric, ...], settings: tuple[Setting, ...]
    ) -> list[Result]:
        raw = data.get("result", [])
        if not isinstance(raw, list):
            self.say(self.lines.of(("", None), "result"), "`result` must be an array of tables: use [[result]]")
            return []
        by_metric = {m.id: m for m in metrics}
        by_setting = {s.id: s for s in settings}
        seen: dict[tuple[object, ...], int] = {}
        rows = []
        for index, row in enumerate(raw):
            where = ("result", index)
            line = self.lines.of(where)
            if not isinstance(row, dict):
                self.say(line, "[[result]]: must be a table")
                continue
            fields_at = {name: self.lines.of(where, name) for name in row}
            paper = self.text_field(row, "paper", where, required=True)
            model = self.text_field(row, "model", where, required=True)
            source = self.text_field(row, "source", where, required=True)
            note = self.text_field(row, "note", where, required=False)
            what = f"[[result]] {paper or '?'} {model!r}" if model else f"[[result]] {paper or '?'}"
            if paper:
                self.citekey(paper, fields_at.get("paper", line), what)
            values: dict[str, float] = {}
            setting_values: dict[str, Value] = {}
            for name, value in row.items():
                at = fields_at[name]
                if name in _ROW_FIELDS:
                    continue
                if name in by_metric:
                    number = self._metric_value(by_metric[name], value, at, what)
                    if number is not None:
                        values[name] = number
                elif name in by_setting:
                    checked = self.typed(by_setting[name], value, at, what)
                    if checked is not None:
                        setting_values[name] = checked
                else:
                    self.say(at, f"{what}: unknown field `{name}` (declare it under [metrics] or [settings])")
            if not values and not any(n in by_metric for n in row):
                self.say(line, f"{what}: no metric value (one of {', '.join(by_metric) or 'none declared'})")
            if not (paper and model and source):
                continue
            identity = (paper, model, tuple(sorted((k, repr(v)) for k, v in setting_values.items())))
            if identity in seen:
                self.say(line, f"{what}: same paper, model and settings as the row at line {seen[identity]}")
                continue
            seen[identity] = line
            if values:
                rows.append(Result(paper, model, values, setting_values, source, line, note, fields_at))
        return rows

    def _metric_value(self, metric: Metric, value: object, line: int, what: str) -> float | None:
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            self.say(line, f"{what}: `{metric.id}` must be a number, not {value!r}")
            return None
        if metric.unit == "%" and not 0 <= value <= 100:
            self.say(line, f"{what}: `{metric.id}` = {show(value)} is out of range (a percentage: 0..100)")
            return None
        return value


def _where(table: tuple[str, object]) -> str:
    if table[0] == "result":
        return "[[result]]"
    return f"[{table[0]}.{table[1]}]" if table[1] is not None else f"[{table[0]}]"


def _tables(reader: _Reader, data: Mapping[str, object], kind: str) -> list[tuple[str, Mapping[str, object]]]:
    raw = data.get(kind, {})
    if not isinstance(raw, dict):
        reader.say(reader.lines.of((kind, None)), f"`{kind}` must be a table of [{kind}.<id>] tables")
        return []
    found: list[tuple[str, Mapping[str, object]]] = []
    for ident, spec in raw.items():
        if isinstance(spec, dict):
            found.append((ident, spec))
        else:
            reader.say(reader.lines.of((kind, ident)), f"[{kind}.{ident}] must be a table")
    return found


def load(path: Path, papers: Collection[str] | None = None) -> tuple[Benchmark | None, list[str]]:
    """One benchmark file and its findings. *papers*: the citekeys of papers.toml (None: not checked).
    The benchmark is None only when the file cannot be read or parsed at all."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"{path}:1: cannot read ({exc})"]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        return None, [f"{path}:{at.group(1) if at else 1}: invalid TOML: {_TOML_AT.sub('', str(exc)).strip()}"]
    reader = _Reader(path, text, papers)
    bench, metrics, settings, reference = reader.declarations(data)
    where = ("benchmark", None)
    title = reader.text_field(bench, "title", where, required=True)
    task = reader.text_field(bench, "task", where, required=False)
    split = reader.text_field(bench, "split", where, required=False)
    dataset = bench.get("dataset", [])
    if isinstance(dataset, str):
        dataset = [dataset]
    if not isinstance(dataset, list) or not all(isinstance(k, str) for k in dataset):
        reader.say(reader.lines.of(where, "dataset"), "[benchmark]: `dataset` must be a list of citekeys")
        dataset = []
    for key in dataset:
        reader.citekey(key, reader.lines.of(where, "dataset"), "[benchmark] dataset")
    lines = _lines(reader, bench, settings)
    rows = reader.rows(data, metrics, settings)
    benchmark = Benchmark(
        id=path.stem,
        path=path,
        title=title or path.stem,
        task=task,
        split=split,
        dataset=tuple(dataset),
        reference=reference,
        metrics=metrics,
        settings=settings,
        results=tuple(rows),
        lines=lines,
    )
    return benchmark, reader.findings


def _lines(reader: _Reader, bench: Mapping[str, object], settings: tuple[Setting, ...]) -> tuple[str, ...]:
    raw = bench.get("lines", [])
    line = reader.lines.of(("benchmark", None), "lines")
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        reader.say(line, "[benchmark]: `lines` must be a list of setting ids")
        return ()
    known = {s.id for s in settings}
    for name in raw:
        if name not in known:
            reader.say(line, f"[benchmark]: `lines` names unknown setting `{name}`")
    return tuple(name for name in raw if name in known)


def files(folder: Path) -> list[Path]:
    """The benchmark files of *folder*, by name; none when it does not exist."""
    return sorted(folder.glob("*.toml")) if folder.is_dir() else []


def load_all(folder: Path, papers: Collection[str] | None = None) -> tuple[dict[str, Benchmark], list[str]]:
    """Every benchmark of *folder* (id -> benchmark) and all findings, plus cross-file ones: a metric
    id declared with another direction or unit than in an earlier file."""
    benchmarks: dict[str, Benchmark] = {}
    findings: list[str] = []
    declared: dict[str, tuple[Metric, Path]] = {}
    for path in files(folder):
        benchmark, found = load(path, papers)
        findings += found
        if benchmark is None:
            continue
        benchmarks[benchmark.id] = benchmark
        for metric in benchmark.metrics:
            first = declared.setdefault(metric.id, (metric, path))
            if (first[0].higher, first[0].unit) != (metric.higher, metric.unit):
                line = _Lines(path.read_text(encoding="utf-8")).of(("metrics", metric.id))
                findings.append(
                    f"{path}:{line}: metric `{metric.id}` (higher={str(metric.higher).lower()}, unit={metric.unit!r}) "
                    f"disagrees with {first[1].name} (higher={str(first[0].higher).lower()}, unit={first[0].unit!r})"
                )
    return benchmarks, findings


def digest(folder: Path) -> str:
    """Of every benchmark file's name and content: what the site's data depends on."""
    hashed = hashlib.blake2b(digest_size=16)
    for path in files(folder):
        hashed.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return hashed.hexdigest()


_DIRECTIVE = re.compile(r"^\s*(?:`{3,}|:{3,})\s*\{results-table\}\s*(\S*)")


def check(folder: Path, papers: Collection[str], docs: Path) -> tuple[list[str], dict[str, list[str]]]:
    """``survey check``'s part: findings in *folder*, plus ``{results-table}`` directives under *docs*
    naming no benchmark; and citekey -> rows (``file:line``) that show it, which count as citations."""
    benchmarks, findings = load_all(folder, papers)
    shown: dict[str, list[str]] = {}
    for benchmark in benchmarks.values():
        for row in benchmark.results:
            shown.setdefault(row.paper, []).append(f"{benchmark.path}:{row.line}")
    for path in sorted(docs.rglob("*.md")) if docs.is_dir() else []:
        if any(part.startswith(("_", ".")) for part in path.relative_to(docs).parts):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = _DIRECTIVE.match(line)
            if match and match.group(1) not in benchmarks:
                name = match.group(1) or "(none)"
                findings.append(
                    f"{path}:{number}: {{results-table}} names unknown benchmark {name!r} (no {folder}/{name}.toml)"
                )
    return findings, shown
