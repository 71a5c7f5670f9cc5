"""Reading a JSON or XLSX file into one shape, the JSON one, and writing the XLSX form.

An XLSX file also records the spreadsheet row of every item, so that problems point at rows
the office can find; in JSON the positions in the lists are the rows.
"""

from __future__ import annotations

import datetime
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kaohe import limits, spreadsheets

ORGAN_KEYS = ("code", "name", "filed_with_code", "filed_with_name")
SHEET_COLUMNS: dict[str, tuple[str, ...]] = {
    "sections": ("code", "name", "frontline"),
    "people": (
        "id", "name", "username", "category", "section", "title", "rank", "frontline",
        "principal", "oversees", "active", "password", "must_change_password", "since",
        "transferred_on", "sex", "birth_month", "political_status", "in_post_since", "work",
    ),
    "assignments": ("person", "kind", "organ", "section", "start", "end", "note"),
    "office": ("person",),
    "discipline_liaison": ("person",),
    "committee": ("person", "position"),
}
SHEET_ORDER = ("file", "organ", *SHEET_COLUMNS)
BOOL_KEYS = frozenset({"frontline", "principal", "active", "must_change_password"})
DATE_KEYS = frozenset({"since", "transferred_on", "start", "end", "in_post_since"})
LIST_SEPARATORS = re.compile(r"[,，、;；]")
YES_NO_WORDS = {**dict.fromkeys(("true", "yes", "1", "是"), True),
                **dict.fromkeys(("false", "no", "0", "否"), False)}


# --- problems and where they are -------------------------------------------------------------


@dataclass(frozen=True)
class Where:
    """A place in the file: a sheet (or top-level list) and its row, if it has rows.

    `row` is the 1-based position in a JSON list, or the spreadsheet row (header = row 1).
    `prefix` names a nested item in JSON, e.g. "assignments[2]." inside a person.
    """

    sheet: str
    row: int | None = None
    prefix: str = ""

    def place(self) -> str:
        if self.row is None:
            return self.sheet
        return _("%(sheet)s 第 %(row)d 行") % {"sheet": self.sheet, "row": self.row}

    def __str__(self) -> str:
        nested = self.prefix.rstrip(".")
        return f"{self.place()} · {nested}" if nested else self.place()


@dataclass(frozen=True)
class Problem:
    where: Where
    field: str
    message: str

    def __str__(self) -> str:
        name = (self.where.prefix + self.field).rstrip(".")
        if name:
            return f"{self.where.place()} · {name}：{self.message}"
        return f"{self.where.place()}：{self.message}"


class ImportRefused(Exception):
    """The file was refused as a whole; `problems` lists every reason."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


@dataclass
class Locations:
    """Where each item came from. JSON needs no table: positions in its lists are the rows."""

    rows: dict[tuple[str | int, ...], Where] = field(default_factory=dict)

    def of(self, *path: str | int) -> Where:
        return self.rows.get(path) or _json_where(path)


def _json_where(path: tuple[str | int, ...]) -> Where:
    match path:
        case ("organ", "filed_with"):
            return Where("organ", prefix="filed_with.")
        case ("people", int(person), "assignments", int(item)):
            return Where("people", person + 1, f"assignments[{item + 1}].")
        case ("people", int(person), "assignments"):
            return Where("people", person + 1, "assignments.")
        case (str(sheet), int(item)):
            return Where(sheet, item + 1)
        case (str(sheet), *_):
            return Where(sheet)
    return Where("file")


@dataclass
class Source:
    """What was read from a file: the data, where its items are, and reading problems."""

    data: Any
    locations: Locations = field(default_factory=Locations)
    problems: list[Problem] = field(default_factory=list)


# --- reading files ---------------------------------------------------------------------------


def load_file(path: str | Path) -> dict[str, Any]:
    """The data of a JSON or XLSX file, in the JSON shape; `ImportRefused` if unreadable."""
    source = read_source(path)
    if source.problems:
        raise ImportRefused(source.problems)
    data: dict[str, Any] = source.data
    return data


def read_source(path: str | Path) -> Source:
    """Read a .json or .xlsx file; an unreadable file is refused with one problem."""
    path = Path(path)
    here = Where(path.name)
    suffix = path.suffix.lower()
    if suffix not in (".json", ".xlsx"):
        message = _("不支持的文件类型“%(suffix)s”：请使用 .json 或 .xlsx 文件")
        raise ImportRefused([Problem(here, "", message % {"suffix": path.suffix or path.name})])
    if not path.is_file():
        raise ImportRefused([Problem(here, "", _("文件不存在"))])
    return _read_json(path, here) if suffix == ".json" else _read_xlsx(path, here)


def _read_json(path: Path, here: Where) -> Source:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportRefused([Problem(here, "", _("文件不是 UTF-8 编码的文本"))]) from None
    except json.JSONDecodeError as error:
        message = _("JSON 格式错误：第 %(line)d 行第 %(column)d 列，%(error)s") % {
            "line": error.lineno, "column": error.colno, "error": error.msg,
        }
        raise ImportRefused([Problem(here, "", message)]) from None
    if not isinstance(data, dict):
        raise ImportRefused([Problem(here, "", _("文件内容应为一个 JSON 对象 {…}"))])
    return Source(data)


# What a broken or hostile package raises while it is read: a zip that is not one, XML that
# does not parse or declares entities (refused by defusedxml, which openpyxl then uses), parts
# that are missing or of the wrong kind.
UNREADABLE = (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
              TypeError, SyntaxError, DefusedXmlException)


def _read_xlsx(path: Path, here: Where) -> Source:
    """The sheets' rows, read in constant memory per cell: the package's declared size, the
    sheets' declared dimensions and their rows are all bounded (kaohe.limits), so that a
    crafted file is refused before it fills the memory."""
    _check_package(path, here)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            sheets = {sheet.title.strip().lower(): _sheet_rows(sheet)
                      for sheet in workbook.worksheets}
        finally:
            workbook.close()
    except UNREADABLE as error:
        message = _("无法读取 XLSX 文件：文件已损坏，或含有不允许的内容（如 XML 实体声明）。"
                    "请用 Excel 或 WPS 另存为 .xlsx 后再导入。（技术信息：%(error)s）") % {
            "error": str(error).splitlines()[0][:120] if str(error) else type(error).__name__}
        raise ImportRefused([Problem(here, "", message)]) from None
    return _source_from_sheets(sheets)


def _check_package(path: Path, here: Where) -> None:
    """An XLSX is a zip: refuse one that would unpack to far more than an organ's data, read
    from its directory without unpacking anything."""
    try:
        with zipfile.ZipFile(path) as package:
            unpacked = sum(item.file_size for item in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        message = _("无法读取 XLSX 文件：不是有效的表格文件")
        raise ImportRefused([Problem(here, "", message)]) from None
    if unpacked > limits.IMPORT_UNPACKED_BYTES:
        raise ImportRefused([Problem(here, "", _("表格解压后过大（超过 %(limit)d MB）。") % {
            "limit": limits.IMPORT_UNPACKED_BYTES // (1024 * 1024)})])


def _sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    """The sheet's rows, ignoring the size the sheet declares (a crafted one claims every
    cell there is) and reading no column beyond the import's widest sheet."""
    sheet.reset_dimensions()
    rows: list[tuple[Any, ...]] = []
    for row in sheet.iter_rows(max_col=limits.IMPORT_COLUMNS, values_only=True):
        if len(rows) == limits.IMPORT_ROWS:
            raise ImportRefused([Problem(Where(sheet.title), "", _(
                "行数过多：一张表最多 %(limit)d 行。") % {"limit": limits.IMPORT_ROWS})])
        rows.append(row)
    return rows


def _source_from_sheets(sheets: Mapping[str, list[tuple[Any, ...]]]) -> Source:
    source = Source({})
    data: dict[str, Any] = source.data
    if "organ" in sheets:
        data["organ"] = _organ_from_sheet(sheets["organ"])
        source.locations.rows[("organ", "filed_with")] = Where("organ", prefix="filed_with_")
    for name in ("sections", "people", "committee", "office", "discipline_liaison"):
        if name in sheets:
            data[name] = _list_from_sheet(name, sheets[name], source.locations)
    if "assignments" in sheets:
        _attach_assignments(_table(sheets["assignments"]), source)
    return source


def _organ_from_sheet(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for row in rows:
        key = _header(row[0]) if row else ""
        if key in ORGAN_KEYS and len(row) > 1:
            values[key] = _cell(key, row[1])
    organ = {key: values[key] for key in ("code", "name") if values.get(key) is not None}
    if values.get("filed_with_code") is not None or values.get("filed_with_name") is not None:
        organ["filed_with"] = {"code": values.get("filed_with_code"),
                               "name": values.get("filed_with_name")}
    return organ


def _list_from_sheet(name: str, rows: list[tuple[Any, ...]], locations: Locations) -> list[Any]:
    """A sheet's records; office and liaison become plain lists of person ids, as in JSON."""
    items: list[Any] = []
    for number, record in _table(rows):
        locations.rows[(name, len(items))] = Where(name, number)
        items.append(record.get("person") if name in ("office", "discipline_liaison") else record)
    return items


def _attach_assignments(table: list[tuple[int, dict[str, Any]]], source: Source) -> None:
    """Assignment rows go into their person's `assignments` list, as they are nested in JSON."""
    people = source.data.get("people") or []
    index = {person.get("id"): i for i, person in reversed(list(enumerate(people)))}
    for number, record in table:
        person_id = record.pop("person", None)
        if person_id is None or person_id not in index:
            message = (_("人员编号“%(id)s”不在 people 表中") % {"id": person_id}
                       if person_id is not None else _("缺少必填项"))
            source.problems.append(Problem(Where("assignments", number), "person", message))
            continue
        position = index[person_id]
        items = people[position].setdefault("assignments", [])
        source.locations.rows[("people", position, "assignments", len(items))] = Where(
            "assignments", number
        )
        items.append(record)


def _table(rows: list[tuple[Any, ...]]) -> list[tuple[int, dict[str, Any]]]:
    """(spreadsheet row number, record) for every non-empty row under the header row."""
    if not rows:
        return []
    keys = [_header(cell) for cell in rows[0]]
    table = []
    for number, row in enumerate(rows[1:], start=2):
        cells = {key: _cell(key, value) for key, value in zip(keys, row, strict=False) if key}
        record = {key: value for key, value in cells.items() if value is not None}
        if record:
            table.append((number, record))
    return table


def _header(cell: Any) -> str:
    return str(cell).strip().lower() if cell is not None else ""


def _cell(key: str, value: Any) -> Any:
    """A cell's value as the JSON form would give it; what cannot be converted stays as is,
    so that the checks report it."""
    if isinstance(value, str):
        value = value.strip()
    if value is None or value == "":
        return None
    if key in BOOL_KEYS:
        return _cell_bool(value)
    if key in DATE_KEYS:
        return _cell_date(value)
    text = _cell_text(value)
    if key == "oversees" and isinstance(text, str):
        return [code.strip() for code in LIST_SEPARATORS.split(text) if code.strip()]
    return text


def _cell_bool(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    return YES_NO_WORDS.get(str(value).strip().lower(), value)


def _cell_date(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _cell_text(value: Any) -> Any:
    """Numbers typed into text columns (personnel numbers, codes) become their text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return value


# --- writing the XLSX form -------------------------------------------------------------------


def write_xlsx(path: str | Path, data: Mapping[str, Any] | None = None) -> None:
    """An XLSX file in the import layout: empty, or holding `data` (the JSON shape). Written
    through kaohe.spreadsheets: a name such as "=HYPERLINK(…)" stays text, never a formula."""
    data = data or {}
    workbook = Workbook(write_only=True)
    _write_organ(workbook.create_sheet("organ"), data.get("organ"))
    people = [p for p in data.get("people") or [] if isinstance(p, Mapping)]
    assignments = [
        {"person": person.get("id"), **item}
        for person in people
        for item in person.get("assignments") or []
        if isinstance(item, Mapping)
    ]
    tables: dict[str, Iterable[Any]] = {
        "sections": data.get("sections") or [],
        "people": people,
        "assignments": assignments,
        "office": [{"person": p} for p in data.get("office") or []],
        "discipline_liaison": [{"person": p} for p in data.get("discipline_liaison") or []],
        "committee": data.get("committee") or [],
    }
    for name, items in tables.items():
        _write_table(workbook.create_sheet(name), SHEET_COLUMNS[name], items)
    workbook.save(path)


def _write_organ(sheet: Any, organ: Any) -> None:
    organ = organ if isinstance(organ, Mapping) else {}
    filed_with = organ.get("filed_with") if isinstance(organ.get("filed_with"), Mapping) else {}
    sheet.column_dimensions["B"].width = 30
    spreadsheets.write_table(sheet, ["key", "value"], [
        (key, _sheet_value(value)) for key, value in (
            ("code", organ.get("code")),
            ("name", organ.get("name")),
            ("filed_with_code", filed_with.get("code")),
            ("filed_with_name", filed_with.get("name")),
        )
    ])


def _write_table(sheet: Any, columns: Sequence[str], items: Iterable[Any]) -> None:
    sheet.freeze_panes = "A2"
    spreadsheets.write_table(sheet, columns, (
        [_sheet_value(item.get(column)) for column in columns]
        for item in items if isinstance(item, Mapping)
    ))


def _sheet_value(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(str(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value
