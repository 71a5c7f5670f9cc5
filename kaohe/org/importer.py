"""Import an organ — its sections, people, login accounts and assessment roles — from a file.

The format is documented in docs/import-format.md. An import has three steps:

1. read: a JSON or XLSX file becomes one dict shape (plus, for XLSX, the spreadsheet row of
   every item, so that problems point at rows the office can find);
2. check: every problem in the file is collected; if there is any, the whole file is refused
   (`ImportRefused`) and nothing is written;
3. apply: one transaction that upserts by stable keys (organ and section codes, personnel
   numbers, usernames) and saves only what changed, so importing the same file twice changes
   nothing the second time.
"""

from __future__ import annotations

import datetime
import json
import re
import secrets
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from kaohe import spreadsheets
from kaohe.accounts.models import User
from kaohe.org.models import (
    Assignment,
    AssignmentKind,
    Category,
    CommitteeMember,
    CommitteePosition,
    Duty,
    Organ,
    OrganDuty,
    OrgDepartment,
    Person,
    Section,
    Sex,
)

M = TypeVar("M", bound=Model)
R = TypeVar("R")

# --- the layout of the XLSX form -------------------------------------------------------------

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
BIRTH_MONTH = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
LIST_SEPARATORS = re.compile(r"[,，、;；]")
TRUE_WORDS = frozenset({"true", "yes", "1", "是"})
FALSE_WORDS = frozenset({"false", "no", "0", "否"})

# Post and transfer assignments are written by the import itself; a file adds only these.
EXTRA_KINDS = (AssignmentKind.SECONDMENT.value, AssignmentKind.TRAINING.value)
HOLDS_A_POST = (AssignmentKind.POST.value, AssignmentKind.TRANSFER.value)
IN_A_SECTION = (Category.CHIEF.value, Category.STAFF.value)

# Without 0/O, 1/l/I: initial passwords are read off paper and typed in by hand.
UNAMBIGUOUS_CHARACTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12

KIND_LABELS = {
    "org_department": gettext_lazy("组织部门"),
    "organ": gettext_lazy("机关"),
    "section": gettext_lazy("科室"),
    "person": gettext_lazy("人员"),
    "account": gettext_lazy("账号"),
    "assignment": gettext_lazy("任职经历"),
    "duty": gettext_lazy("考核职责"),
    "committee": gettext_lazy("考核委员会成员"),
}

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


# --- the result ------------------------------------------------------------------------------

Outcome = Literal["created", "updated", "unchanged", "deleted"]
OUTCOME_RANK: dict[Outcome, int] = {"unchanged": 0, "updated": 1, "created": 2, "deleted": 2}


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


@dataclass(frozen=True)
class NewAccount:
    username: str
    person_id: str
    name: str
    password: str  # empty in a dry run: no account was created
    generated: bool


@dataclass
class ImportResult:
    organ_code: str
    organ_name: str
    counts: dict[str, Counts]
    new_accounts: list[NewAccount]
    warnings: list[str]
    absent_people: int  # people of the organ in the database but not in the file (untouched)
    dry_run: bool = False

    @property
    def changed(self) -> int:
        return sum(counts.changed for counts in self.counts.values())


# --- public entry points ---------------------------------------------------------------------


def load_file(path: str | Path) -> dict[str, Any]:
    """The data of a JSON or XLSX file, in the JSON shape; `ImportRefused` if unreadable."""
    source = read_source(path)
    if source.problems:
        raise ImportRefused(source.problems)
    data: dict[str, Any] = source.data
    return data


def import_organ(
    data: Mapping[str, Any], *, today: datetime.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Create or update one organ from `data` (the JSON shape); see docs/import-format.md."""
    return _import(Source(data), today=today, dry_run=dry_run)


def import_file(
    path: str | Path, *, today: datetime.date | None = None, dry_run: bool = False
) -> ImportResult:
    """Like `import_organ`, reading a file; problems name the file's own rows."""
    return _import(read_source(path), today=today, dry_run=dry_run)


def _import(source: Source, *, today: datetime.date | None, dry_run: bool) -> ImportResult:
    today = today or timezone.localdate()
    with transaction.atomic():
        plan, context, problems = _check(source, today)
        if problems:
            raise ImportRefused(problems)
        result = _Applier(plan, context, today).run()
        if dry_run:
            transaction.set_rollback(True)
            result.dry_run = True
            result.new_accounts = [
                NewAccount(a.username, a.person_id, a.name, "", a.generated)
                for a in result.new_accounts
            ]
    return result


# --- reading files ---------------------------------------------------------------------------


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


def _read_xlsx(path: Path, here: Where) -> Source:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        message = _("无法读取 XLSX 文件：%(error)s") % {"error": error}
        raise ImportRefused([Problem(here, "", message)]) from None
    try:
        sheets = {
            sheet.title.strip().lower(): list(sheet.iter_rows(values_only=True))
            for sheet in workbook.worksheets
        }
    finally:
        workbook.close()
    return _source_from_sheets(sheets)


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
    word = str(value).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return value


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


# --- reading the data into checked rows ------------------------------------------------------


@dataclass
class _SectionRow:
    where: Where
    code: str
    name: str
    frontline: bool


@dataclass
class _AssignmentRow:
    where: Where
    kind: str
    organ: str
    section: str
    start: datetime.date | None
    end: datetime.date | None
    note: str


@dataclass
class _PersonRow:
    where: Where
    id: str
    name: str
    username: str
    category: str
    section: str
    title: str
    rank: str
    frontline: bool | None
    principal: bool
    oversees: list[str]
    active: bool
    password: str
    must_change_password: bool
    since: datetime.date | None
    transferred_on: datetime.date | None
    assignments: list[_AssignmentRow]
    sex: str = ""
    birth_month: str = ""
    political_status: str = ""
    in_post_since: datetime.date | None = None
    work: str = ""


@dataclass
class _PersonRef:
    """An entry of office, discipline_liaison or committee."""

    where: Where
    person: str
    position: str = ""


@dataclass
class _Plan:
    code: str
    name: str
    filed_with: tuple[str, str] | None
    sections: list[_SectionRow]
    people: list[_PersonRow]
    office: list[_PersonRef]
    liaison: list[_PersonRef]
    committee: list[_PersonRef]

    def section_codes(self) -> set[str]:
        return {row.code for row in self.sections if row.code}


def _max_length(model: type[Model], name: str) -> int:
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, Field) and model_field.max_length is not None
    return model_field.max_length


class _Fields:
    """Reads one item's fields, checking their types. A field that is not given (absent, null
    or empty) reads as "" / None; a wrong one is reported and reads the same way."""

    def __init__(self, item: Mapping[str, Any], where: Where, problems: list[Problem]) -> None:
        self.item, self.where, self.problems = item, where, problems

    def report(self, key: str, message: str) -> None:
        self.problems.append(Problem(self.where, key, message))

    def given(self, key: str) -> Any:
        value = self.item.get(key)
        if isinstance(value, str):
            value = value.strip()
        return None if value is None or value == "" else value

    def text(self, key: str, max_length: int | None = None, *, required: bool = False) -> str:
        value = self.given(key)
        if value is None:
            if required:
                self.report(key, _("缺少必填项"))
            return ""
        if not isinstance(value, str):
            self.report(key, _("应为文本，这里是%(kind)s") % {"kind": _kind(value)})
            return ""
        if max_length is not None and len(value) > max_length:
            message = _("太长：最多 %(max)d 个字符，这里有 %(length)d 个")
            self.report(key, message % {"max": max_length, "length": len(value)})
            return ""
        return value

    def choice(self, key: str, choices: Sequence[str], unknown: str) -> str:
        value = self.text(key, required=True)
        if value and value not in choices:
            self.report(key, unknown % {"value": value})
            return ""
        return value

    def flag(self, key: str) -> bool | None:
        value = self.given(key)
        if value is None or isinstance(value, bool):
            return value
        self.report(key, _("应为 true 或 false（XLSX 中也可填 是/否、1/0），这里是“%(value)s”")
                    % {"value": value})
        return None

    def day(self, key: str, *, required: bool = False) -> datetime.date | None:
        value = self.given(key)
        if value is None:
            if required:
                self.report(key, _("缺少必填项"))
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.datetime.strptime(str(value), "%Y-%m-%d").date()
        except ValueError:
            self.report(key, _("日期“%(value)s”无效，应为 YYYY-MM-DD") % {"value": value})
            return None

    def codes(self, key: str) -> list[str]:
        """A list of codes; a single text is split at , ， 、 ; as in the XLSX form."""
        value = self.given(key)
        if value is None:
            return []
        if isinstance(value, str):
            value = LIST_SEPARATORS.split(value)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.report(key, _("应为科室代码的列表，这里是%(kind)s") % {"kind": _kind(value)})
            return []
        return list(dict.fromkeys(code.strip() for code in value if code.strip()))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return _("是/否值")
    if isinstance(value, int | float):
        return _("数字")
    if isinstance(value, list):
        return _("列表")
    if isinstance(value, dict):
        return _("对象")
    if isinstance(value, datetime.date):
        return _("日期")
    return _("文本")


def _items(
    data: Mapping[str, Any], path: tuple[str | int, ...], locations: Locations,
    problems: list[Problem],
) -> list[tuple[Any, Where, int]]:
    """The items of the list at `path` (its last part is the key in `data`), with where each
    one is and its position."""
    value = data.get(str(path[-1]))
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(locations.of(*path), "", _("应为列表，这里是%(kind)s") % {
            "kind": _kind(value)}))
        return []
    return [(item, locations.of(*path, i), i) for i, item in enumerate(value)]


def _records(
    data: Mapping[str, Any], path: tuple[str | int, ...], locations: Locations,
    problems: list[Problem],
) -> list[tuple[Mapping[str, Any], Where, int]]:
    """The items of a list of objects; an item that is not an object is reported."""
    records = []
    for item, where, position in _items(data, path, locations, problems):
        if isinstance(item, Mapping):
            records.append((item, where, position))
        else:
            problems.append(Problem(where, "", _("应为对象 {…}，这里是%(kind)s") % {
                "kind": _kind(item)}))
    return records


def _parse(source: Source, problems: list[Problem]) -> _Plan:
    data = source.data if isinstance(source.data, Mapping) else {}
    if not isinstance(source.data, Mapping):
        problems.append(Problem(Where("file"), "", _("内容应为一个对象 {…}")))
    locations = source.locations
    organ = _parse_organ(data, locations, problems)
    return _Plan(
        code=organ.text("code", _max_length(Organ, "code"), required=True),
        name=organ.text("name", _max_length(Organ, "name"), required=True),
        filed_with=_parse_filed_with(organ.given("filed_with"), locations, problems),
        sections=[_parse_section(item, where, problems)
                  for item, where, _i in _records(data, ("sections",), locations, problems)],
        people=[_parse_person(item, where, i, locations, problems)
                for item, where, i in _records(data, ("people",), locations, problems)],
        office=_parse_duty(data, "office", locations, problems),
        liaison=_parse_duty(data, "discipline_liaison", locations, problems),
        committee=[_parse_seat(item, where, problems)
                   for item, where, _i in _records(data, ("committee",), locations, problems)],
    )


def _parse_organ(data: Mapping[str, Any], locations: Locations, problems: list[Problem]) -> _Fields:
    where = locations.of("organ")
    organ = data.get("organ")
    if organ is not None and not isinstance(organ, Mapping):
        problems.append(Problem(where, "", _("应为对象 {…}，这里是%(kind)s") % {
            "kind": _kind(organ)}))
    return _Fields(organ if isinstance(organ, Mapping) else {}, where, problems)


def _parse_filed_with(
    value: Any, locations: Locations, problems: list[Problem]
) -> tuple[str, str] | None:
    where = locations.of("organ", "filed_with")
    if value is None:
        return None
    if not isinstance(value, Mapping):
        problems.append(Problem(where, "", _("应为对象 {…}，这里是%(kind)s") % {
            "kind": _kind(value)}))
        return None
    fields = _Fields(value, where, problems)
    code = fields.text("code", _max_length(OrgDepartment, "code"), required=True)
    name = fields.text("name", _max_length(OrgDepartment, "name"), required=True)
    return (code, name) if code and name else None


def _parse_section(item: Mapping[str, Any], where: Where, problems: list[Problem]) -> _SectionRow:
    fields = _Fields(item, where, problems)
    return _SectionRow(
        where=where,
        code=fields.text("code", _max_length(Section, "code"), required=True),
        name=fields.text("name", _max_length(Section, "name"), required=True),
        frontline=bool(fields.flag("frontline")),
    )


def _parse_person(
    item: Mapping[str, Any], where: Where, index: int, locations: Locations,
    problems: list[Problem],
) -> _PersonRow:
    fields = _Fields(item, where, problems)
    unknown_category = _("未知人员类别“%(value)s”：应为 leadership（领导成员）、chief（科室正职）、"
                         "staff（科室工作人员）或 worker（工勤人员）")
    name = fields.text("name", _max_length(Person, "name"), required=True)
    flags = {key: fields.flag(key) for key in ("principal", "active", "must_change_password")}
    return _PersonRow(
        where=where,
        id=fields.text("id", _max_length(Person, "personnel_no"), required=True),
        name=name,
        username=_parse_username(fields),
        category=fields.choice("category", Category.values, unknown_category),
        section=fields.text("section"),
        title=fields.text("title", _max_length(Person, "title")),
        rank=fields.text("rank", _max_length(Person, "rank")),
        frontline=fields.flag("frontline"),
        principal=flags["principal"] is True,
        oversees=fields.codes("oversees"),
        active=flags["active"] is not False,
        password=fields.text("password"),
        must_change_password=flags["must_change_password"] is not False,
        since=fields.day("since"),
        transferred_on=fields.day("transferred_on"),
        assignments=[
            _parse_assignment(record, record_where, problems)
            for record, record_where, _i in _records(item, ("people", index, "assignments"),
                                                     locations, problems)
        ],
        **_header_fields(fields),
    )


def _header_fields(fields: _Fields) -> dict[str, Any]:
    """The fields of the annual form's header (性别、出生年月、政治面貌、任现职时间、工作)."""
    sex = fields.text("sex")
    if sex and sex not in Sex.values:
        fields.report("sex", _("性别应为“男”或“女”，这里是“%(value)s”") % {"value": sex})
        sex = ""
    birth_month = fields.given("birth_month")
    if isinstance(birth_month, datetime.date):
        birth_month = birth_month.strftime("%Y-%m")
    birth_month = "" if birth_month is None else str(birth_month)
    if birth_month and not BIRTH_MONTH.match(birth_month):
        fields.report("birth_month", _("出生年月“%(value)s”无效，应为 YYYY-MM") % {
            "value": birth_month})
        birth_month = ""
    return {
        "sex": sex,
        "birth_month": birth_month,
        "political_status": fields.text("political_status",
                                        _max_length(Person, "political_status")),
        "in_post_since": fields.day("in_post_since"),
        "work": fields.text("work", _max_length(Person, "work")),
    }


def _parse_username(fields: _Fields) -> str:
    username = fields.text("username", _max_length(User, "username"))
    if not username:
        return ""
    try:
        User.username_validator(username)
    except ValidationError as error:
        fields.report("username", _("账号“%(username)s”无效：%(reason)s") % {
            "username": username, "reason": " ".join(error.messages)})
        return ""
    return username


def _parse_assignment(
    item: Mapping[str, Any], where: Where, problems: list[Problem]
) -> _AssignmentRow:
    fields = _Fields(item, where, problems)
    unknown_kind = _("未知类型“%(value)s”：这里只能填 secondment（援派/挂职）或 training（培训/专项"
                     "工作）；任职和调任由导入自动记录")
    row = _AssignmentRow(
        where=where,
        kind=fields.choice("kind", EXTRA_KINDS, unknown_kind),
        organ=fields.text("organ", required=True),
        section=fields.text("section"),
        start=fields.day("start", required=True),
        end=fields.day("end"),
        note=fields.text("note", _max_length(Assignment, "note")),
    )
    if row.start and row.end and row.end < row.start:
        fields.report("end", _("结束日期 %(end)s 早于开始日期 %(start)s") % {
            "end": row.end, "start": row.start})
    return row


def _parse_duty(
    data: Mapping[str, Any], key: str, locations: Locations, problems: list[Problem]
) -> list[_PersonRef]:
    refs = []
    for item, where, _i in _items(data, (key,), locations, problems):
        fields = _Fields({"person": item}, where, problems)
        refs.append(_PersonRef(where, fields.text("person", required=True)))
    return refs


def _parse_seat(item: Mapping[str, Any], where: Where, problems: list[Problem]) -> _PersonRef:
    fields = _Fields(item, where, problems)
    unknown = _("未知职位“%(value)s”：应为 主任、副主任、成员 或 公务员代表")
    return _PersonRef(where, fields.text("person", required=True),
                      fields.choice("position", CommitteePosition.values, unknown))


# --- what the database already holds ---------------------------------------------------------


@dataclass
class _Context:
    organ: Organ | None
    sections: dict[str, Section]  # the organ's sections
    people: dict[str, Person]  # people of the file who exist, in any organ
    users: dict[str, User]  # accounts of the file that exist
    owners: dict[int, Person]  # user pk → the person the account belongs to
    department_users: set[int]  # user pks of organization-department members
    open_assignments: dict[int, list[Assignment]]  # person pk → assignments without an end
    organs: dict[str, Organ]  # other organs named by assignments
    other_sections: dict[tuple[str, str], Section]  # (organ code, code) → their sections
    foreign_sections: dict[str, Section]  # oversees codes that are another organ's sections
    absent_chiefs: dict[str, Person]  # section code → active chief not in the file

    def known_sections(self, plan: _Plan) -> set[str]:
        return plan.section_codes() | set(self.sections)


def _load_context(plan: _Plan) -> _Context:
    organ = Organ.objects.filter(code=plan.code).first() if plan.code else None
    sections = {s.code: s for s in organ.sections.all()} if organ else {}
    ids = [row.id for row in plan.people if row.id]
    people = {p.personnel_no: p for p in
              Person.objects.filter(personnel_no__in=ids).select_related("organ", "section")}
    users = {u.username: u for u in
             User.objects.filter(username__in=[r.username for r in plan.people if r.username])}
    organs, other_sections = _assignment_organs(plan)
    return _Context(
        organ=organ,
        sections=sections,
        people=people,
        users=users,
        owners={p.user_id: p for p in Person.objects.filter(user__in=list(users.values()))
                if p.user_id is not None},
        department_users=set(User.objects.filter(pk__in=[u.pk for u in users.values()],
                                                 org_departments__isnull=False)
                             .values_list("pk", flat=True)),
        open_assignments=_open_assignments(people.values()),
        organs=organs,
        other_sections=other_sections,
        foreign_sections=_foreign_sections(plan, organ, sections),
        absent_chiefs=_absent_chiefs(organ, ids),
    )


def _open_assignments(people: Iterable[Person]) -> dict[int, list[Assignment]]:
    found: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in Assignment.objects.filter(person__in=list(people), end__isnull=True):
        found[assignment.person_id].append(assignment)
    return found


def _assignment_organs(
    plan: _Plan,
) -> tuple[dict[str, Organ], dict[tuple[str, str], Section]]:
    """The other organs that assignments name, and their sections."""
    codes = {a.organ for row in plan.people for a in row.assignments if a.organ} - {plan.code}
    organs = {organ.code: organ for organ in Organ.objects.filter(code__in=codes)}
    sections = Section.objects.filter(organ__in=list(organs.values())).select_related("organ")
    return organs, {(s.organ.code, s.code): s for s in sections}


def _foreign_sections(
    plan: _Plan, organ: Organ | None, sections: Mapping[str, Section]
) -> dict[str, Section]:
    codes = {code for row in plan.people for code in row.oversees}
    codes -= plan.section_codes() | set(sections)
    found = Section.objects.filter(code__in=codes).select_related("organ")
    if organ:
        found = found.exclude(organ=organ)
    return {section.code: section for section in found}


def _absent_chiefs(organ: Organ | None, ids: list[str]) -> dict[str, Person]:
    if organ is None:
        return {}
    chiefs = (Person.objects.filter(organ=organ, category=Category.CHIEF, active=True,
                                    section__isnull=False)
              .exclude(personnel_no__in=ids).select_related("section"))
    return {chief.section.code: chief for chief in chiefs if chief.section}


# --- checks ----------------------------------------------------------------------------------


def _check(source: Source, today: datetime.date) -> tuple[_Plan, _Context, list[Problem]]:
    problems = list(source.problems)
    plan = _parse(source, problems)
    context = _load_context(plan)
    for check in (_check_duplicates, _check_sections_of_people, _check_oversees,
                  _check_principal, _check_chiefs, _check_references, _check_accounts,
                  _check_assignments):
        check(plan, context, problems)
    _check_history(plan, context, today, problems)
    problems.sort(key=_problem_order)
    return plan, context, problems


def _problem_order(problem: Problem) -> tuple[int, int, list[tuple[int, str]]]:
    """In the order of the file: sheet, row, then nested item (assignments[2] before [10])."""
    sheet = problem.where.sheet
    position = SHEET_ORDER.index(sheet) if sheet in SHEET_ORDER else 0
    nested = [(int(part), "") if part.isdigit() else (0, part)
              for part in re.split(r"(\d+)", problem.where.prefix)]
    return position, problem.where.row or 0, nested


def _repeats(rows: Iterable[R], key: Callable[[R], object]) -> Iterator[tuple[R, R]]:
    """Each row whose key an earlier row already has, with that earlier row."""
    seen: dict[object, R] = {}
    for row in rows:
        value = key(row)
        if not value:
            continue
        if value in seen:
            yield row, seen[value]
        else:
            seen[value] = row


def _check_duplicates(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    for section, first_section in _repeats(plan.sections, lambda row: row.code):
        message = _("科室代码“%(code)s”重复，与 %(other)s相同")
        problems.append(Problem(section.where, "code", message % {
            "code": section.code, "other": first_section.where}))
    for person, first_person in _repeats(plan.people, lambda row: row.id):
        message = _("人员编号“%(id)s”重复，与 %(other)s相同")
        problems.append(Problem(person.where, "id", message % {
            "id": person.id, "other": first_person.where}))
    for person, first_person in _repeats(plan.people, lambda row: row.username):
        message = _("账号“%(username)s”重复，%(other)s已使用")
        problems.append(Problem(person.where, "username", message % {
            "username": person.username, "other": first_person.where}))
    for refs in (plan.office, plan.liaison, plan.committee):
        for ref, first_ref in _repeats(refs, lambda ref: ref.person):
            message = _("“%(id)s”重复列出，与 %(other)s相同")
            problems.append(Problem(ref.where, "person", message % {
                "id": ref.person, "other": first_ref.where}))
    for person in plan.people:
        repeated = _repeats(person.assignments, lambda a: (a.kind, a.organ, a.start)
                            if a.kind and a.organ and a.start else None)
        for assignment, first_assignment in repeated:
            message = _("与 %(other)s重复：同一人员、类型、机关和开始日期只能有一条")
            problems.append(Problem(assignment.where, "start", message % {
                "other": first_assignment.where}))


def _check_sections_of_people(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    known = context.known_sections(plan)
    for row in plan.people:
        if row.section and row.section not in known:
            problems.append(Problem(row.where, "section", _("未知科室“%(code)s”") % {
                "code": row.section}))
        if row.category in IN_A_SECTION and not row.section:
            problems.append(Problem(row.where, "section",
                                    _("科室正职（chief）和科室工作人员（staff）必须填写所在科室")))


def _check_oversees(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    known = context.known_sections(plan)
    overseer: dict[str, _PersonRow] = {}
    for row in plan.people:
        if row.oversees and row.category and row.category != Category.LEADERSHIP:
            problems.append(Problem(row.where, "oversees",
                                    _("只有领导成员（leadership）可以分管科室")))
        for code in row.oversees:
            message = _oversee_problem(code, known, context, overseer)
            if message:
                problems.append(Problem(row.where, "oversees", message))
            else:
                overseer[code] = row


def _oversee_problem(
    code: str, known: set[str], context: _Context, overseer: Mapping[str, _PersonRow]
) -> str:
    if code in context.foreign_sections:
        return _("科室“%(code)s”属于其他机关（%(organ)s），领导不能分管其他机关的科室") % {
            "code": code, "organ": context.foreign_sections[code].organ.name}
    if code not in known:
        return _("未知科室“%(code)s”") % {"code": code}
    if code in overseer:
        first = overseer[code]
        return _("科室“%(code)s”已由 %(other)s的%(name)s分管；一个科室只能有一位分管领导") % {
            "code": code, "other": first.where, "name": first.name}
    return ""


def _check_principal(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    principals = [row for row in plan.people if row.principal]
    for row in principals[1:]:
        problems.append(Problem(row.where, "principal", _("主要负责人只能有一位，%(other)s已标记")
                                % {"other": principals[0].where}))
    for row in principals:
        if row.category and row.category != Category.LEADERSHIP:
            problems.append(Problem(row.where, "principal",
                                    _("主要负责人必须是领导成员（leadership）")))


def _check_chiefs(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    chiefs = [row for row in plan.people
              if row.category == Category.CHIEF and row.active and row.section]
    for row, first in _repeats(chiefs, lambda row: row.section):
        message = _("科室“%(code)s”已有在职科室正职（%(other)s的%(name)s）；"
                    "一个科室只能有一位在职正职")
        problems.append(Problem(row.where, "category", message % {
            "code": row.section, "other": first.where, "name": first.name}))
    for row in chiefs:
        absent = context.absent_chiefs.get(row.section)
        if absent:
            message = _("科室“%(code)s”已有在职科室正职%(name)s（编号 %(id)s，不在本文件中）；"
                        "如其已离任，请把其列入文件并标记 active 为 false 或改变人员类别")
            problems.append(Problem(row.where, "category", message % {
                "code": row.section, "name": absent.name, "id": absent.personnel_no}))


def _check_references(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    ids = {row.id for row in plan.people if row.id}
    for ref in [*plan.office, *plan.liaison, *plan.committee]:
        if ref.person and ref.person not in ids:
            problems.append(Problem(ref.where, "person", _("人员编号“%(id)s”不在本文件的 people 中")
                                    % {"id": ref.person}))


def _check_accounts(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    for row in plan.people:
        user = context.users.get(row.username) if row.username else None
        if user is not None:
            message = _account_taken(user, row, context)
            if message:
                problems.append(Problem(row.where, "username", message))
        elif row.username and row.password:
            _check_password(row, problems)


def _account_taken(user: User, row: _PersonRow, context: _Context) -> str:
    values = {"username": user.username}
    owner = context.owners.get(user.pk)
    if owner is not None and owner.personnel_no != row.id:
        return _("账号“%(username)s”已属于另一人员：%(name)s（编号 %(id)s）") % {
            **values, "name": owner.name, "id": owner.personnel_no}
    if user.technical_role:
        return _("账号“%(username)s”是技术管理员账号，不能用作人员账号") % values
    if user.is_superuser:
        return _("账号“%(username)s”是超级管理员账号，不能用作人员账号") % values
    if user.pk in context.department_users:
        return _("账号“%(username)s”属于组织部门工作人员，不能用作人员账号") % values
    return ""


def _check_password(row: _PersonRow, problems: list[Problem]) -> None:
    try:
        validate_password(row.password, User(username=row.username, first_name=row.name))
    except ValidationError as error:
        problems.append(Problem(row.where, "password", _("初始密码不符合要求：%(reason)s") % {
            "reason": " ".join(error.messages)}))


def _check_assignments(plan: _Plan, context: _Context, problems: list[Problem]) -> None:
    known = context.known_sections(plan)
    for person in plan.people:
        for row in person.assignments:
            problem = _assignment_problem(row, plan, known, context)
            if problem:
                problems.append(Problem(row.where, *problem))


def _assignment_problem(
    row: _AssignmentRow, plan: _Plan, known: set[str], context: _Context
) -> tuple[str, str] | None:
    if not row.organ:
        return None
    if row.organ == plan.code:
        if row.kind == AssignmentKind.SECONDMENT:
            return "organ", _("援派/挂职（secondment）的接收机关不能是本机关")
        if row.section and row.section not in known:
            return "section", _("未知科室“%(code)s”") % {"code": row.section}
        return None
    if row.organ not in context.organs:
        return "organ", _("机关代码“%(code)s”在数据库中不存在；请先导入该机关") % {
            "code": row.organ}
    if row.section and (row.organ, row.section) not in context.other_sections:
        return "section", _("机关“%(organ)s”没有代码为“%(code)s”的科室") % {
            "organ": context.organs[row.organ].name, "code": row.section}
    return None


def _check_history(
    plan: _Plan, context: _Context, today: datetime.date, problems: list[Problem]
) -> None:
    """A transfer or a section change closes open assignments the day before the new one
    starts, so the new start must come after theirs."""
    if not plan.code:
        return
    for row in plan.people:
        person = context.people.get(row.id)
        if person is None:
            continue
        if context.organ is None or person.organ_id != context.organ.pk:
            problems.extend(_transfer_problems(row, person, context))
        elif (person.section.code if person.section else "") != row.section:
            problems.extend(_move_problems(row, person, context, today))


def _transfer_problems(row: _PersonRow, person: Person, context: _Context) -> list[Problem]:
    if row.transferred_on is None:
        message = _("人员编号“%(id)s”已属于机关“%(organ)s”；如为调入本机关，请填写调入日期 "
                    "transferred_on") % {"id": row.id, "organ": person.organ.name}
        return [Problem(row.where, "id", message)]
    return [
        Problem(row.where, "transferred_on",
                _("调入日期 %(date)s 须晚于其当前任职的开始日期 %(start)s") % {
                    "date": row.transferred_on, "start": assignment.start})
        for assignment in context.open_assignments.get(person.pk, [])
        if assignment.start >= row.transferred_on
    ]


def _move_problems(
    row: _PersonRow, person: Person, context: _Context, today: datetime.date
) -> list[Problem]:
    start = row.since or today
    return [
        Problem(row.where, "since",
                _("科室有变动：到新科室的日期 %(date)s 须不早于当前任职的开始日期 %(start)s"
                  "（since 填到新科室的日期）") % {"date": start, "start": assignment.start})
        for assignment in context.open_assignments.get(person.pk, [])
        if assignment.kind in HOLDS_A_POST and assignment.start > start
    ]


# --- applying a checked file -----------------------------------------------------------------


class _Tally:
    """What happened to each object; an object touched twice counts once, by its biggest change."""

    def __init__(self) -> None:
        self.outcomes: dict[tuple[str, str], Outcome] = {}

    def note(self, kind: str, key: str, outcome: Outcome) -> None:
        previous = self.outcomes.get((kind, key))
        if previous is None or OUTCOME_RANK[outcome] > OUTCOME_RANK[previous]:
            self.outcomes[(kind, key)] = outcome

    def counts(self) -> dict[str, Counts]:
        counts = {kind: Counts() for kind in KIND_LABELS}
        for (kind, _key), outcome in self.outcomes.items():
            setattr(counts[kind], outcome, getattr(counts[kind], outcome) + 1)
        return counts


class _Applier:
    """Writes a checked plan. Runs inside the import's transaction."""

    organ: Organ
    sections: dict[str, Section]

    def __init__(self, plan: _Plan, context: _Context, today: datetime.date) -> None:
        self.plan, self.context, self.today = plan, context, today
        self.tally = _Tally()
        self.new_accounts: list[NewAccount] = []

    def run(self) -> ImportResult:
        self.organ = self.upsert_organ(self.upsert_department())
        self.sections = self.upsert_sections()
        accounts = self.upsert_accounts()
        self.park_moving_chiefs()
        people = {row.id: self.upsert_person(row, accounts.get(row.username))
                  for row in self.plan.people}
        self.upsert_extra_assignments(people)
        self.set_principal_and_leaders(people)
        self.sync_duties(people)
        self.sync_committee(people)
        return ImportResult(
            organ_code=self.organ.code,
            organ_name=self.organ.name,
            counts=self.tally.counts(),
            new_accounts=self.new_accounts,
            warnings=_warnings(self.plan, self.organ, self.sections),
            absent_people=Person.objects.filter(organ=self.organ)
            .exclude(personnel_no__in=[row.id for row in self.plan.people]).count(),
        )

    def store(self, kind: str, key: str, obj: M, values: Mapping[str, Any]) -> M:
        """Create `obj` if it is new; otherwise save only the fields whose value changed."""
        if obj.pk is None:
            for name, value in values.items():
                setattr(obj, name, value)
            obj.save()
            self.tally.note(kind, key, "created")
            return obj
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
        self.tally.note(kind, key, "updated" if changed else "unchanged")
        return obj

    def delete(self, kind: str, key: str, obj: Model) -> None:
        obj.delete()
        self.tally.note(kind, key, "deleted")

    # organ and sections

    def upsert_department(self) -> OrgDepartment | None:
        if self.plan.filed_with is None:
            return None
        code, name = self.plan.filed_with
        department = OrgDepartment.objects.filter(code=code).first() or OrgDepartment(code=code)
        return self.store("org_department", code, department, {"name": name})

    def upsert_organ(self, department: OrgDepartment | None) -> Organ:
        values: dict[str, Any] = {"name": self.plan.name}
        if department is not None:  # not given: the organ stays filed where it was
            values["filed_with_id"] = department.pk
        organ = self.context.organ or Organ(code=self.plan.code)
        return self.store("organ", self.plan.code, organ, values)

    def upsert_sections(self) -> dict[str, Section]:
        sections = dict(self.context.sections)
        for row in self.plan.sections:
            section = sections.get(row.code) or Section(organ=self.organ, code=row.code)
            sections[row.code] = self.store("section", self.section_key(row.code), section,
                                            {"name": row.name, "frontline": row.frontline})
        return sections

    def section_key(self, code: str, organ: Organ | None = None) -> str:
        return f"{(organ or self.organ).code}/{code}"

    # accounts and people

    def upsert_accounts(self) -> dict[str, User]:
        accounts = {}
        for row in self.plan.people:
            if not row.username:
                continue
            user = self.context.users.get(row.username)
            if user is None:
                accounts[row.username] = self.create_account(row)
            else:  # the password is never reset: the person may have changed it
                # A departure (active: false) closes the account too.
                accounts[row.username] = self.store("account", row.username, user,
                                                    {"first_name": row.name,
                                                     "is_active": row.active})
        return accounts

    def create_account(self, row: _PersonRow) -> User:
        password = row.password or _generate_password()
        user = User(username=row.username, first_name=row.name, is_active=row.active,
                    must_change_password=row.must_change_password)
        user.set_password(password)
        self.store("account", row.username, user, {})
        self.new_accounts.append(NewAccount(row.username, row.id, row.name, password,
                                            generated=not row.password))
        return user

    def park_moving_chiefs(self) -> None:
        """The database allows one active chief per section at every single save, so chiefs
        who move or step down are made inactive first; otherwise two chiefs swapping sections
        would collide halfway. Their final state is saved right after."""
        for row in self.plan.people:
            person = self.context.people.get(row.id)
            if person is None or not (person.active and person.category == Category.CHIEF):
                continue
            stays = (row.category == Category.CHIEF and row.active
                     and person.section_id == self.section_id(row.section))
            if not stays:
                person.active = False
                person.save(update_fields=["active"])

    def section_id(self, code: str) -> int | None:
        return self.sections[code].pk if code else None

    def upsert_person(self, row: _PersonRow, user: User | None) -> Person:
        section = self.sections[row.section] if row.section else None
        default_frontline = section.frontline if section else False
        values: dict[str, Any] = {
            "name": row.name, "organ_id": self.organ.pk, "section_id": self.section_id(row.section),
            "category": row.category, "title": row.title, "rank": row.rank,
            "frontline": default_frontline if row.frontline is None else row.frontline,
            "active": row.active, "sex": row.sex, "birth_month": row.birth_month,
            "political_status": row.political_status, "in_post_since": row.in_post_since,
            "work": row.work,
        }
        if user is not None:
            values["user_id"] = user.pk
        person = self.context.people.get(row.id)
        if person is None:
            person = self.store("person", row.id, Person(personnel_no=row.id), values)
            self.open_first_assignment(person, row, section)
            return person
        old_organ_id, old_section_id = person.organ_id, person.section_id
        self.store("person", row.id, person, values)
        if old_organ_id != self.organ.pk:
            self.transfer(person, row, section, old_organ_id)
        elif old_section_id != person.section_id:
            self.move_section(person, row, section)
        return person

    # assignment history

    def new_assignment(self, person: Person, kind: str, section: Section | None,
                       start: datetime.date) -> None:
        assignment = Assignment(person=person, organ=self.organ, section=section, kind=kind,
                                start=start)
        self.store("assignment", _assignment_key(assignment), assignment, {})

    def open_first_assignment(self, person: Person, row: _PersonRow,
                              section: Section | None) -> None:
        kind = AssignmentKind.TRANSFER.value if row.transferred_on else AssignmentKind.POST.value
        self.new_assignment(person, kind, section, row.transferred_on or row.since or self.today)

    def move_section(self, person: Person, row: _PersonRow, section: Section | None) -> None:
        start = row.since or self.today
        corrected = False
        for assignment in self.context.open_assignments.get(person.pk, []):
            if assignment.kind not in HOLDS_A_POST:
                continue
            if assignment.start == start:  # moved on the day it began: correct the section
                self.store("assignment", _assignment_key(assignment), assignment,
                           {"section_id": person.section_id})
                corrected = True
            else:
                self.close(assignment, start)
        if not corrected:
            self.new_assignment(person, AssignmentKind.POST.value, section, start)

    def close(self, assignment: Assignment, next_start: datetime.date) -> None:
        self.store("assignment", _assignment_key(assignment), assignment,
                   {"end": next_start - datetime.timedelta(days=1)})

    def transfer(self, person: Person, row: _PersonRow, section: Section | None,
                 old_organ_id: int) -> None:
        start = row.transferred_on
        assert start is not None  # checked: a move between organs needs transferred_on
        for assignment in self.context.open_assignments.get(person.pk, []):
            self.close(assignment, start)
        self.new_assignment(person, AssignmentKind.TRANSFER.value, section, start)
        self.clear_roles_in(Organ.objects.get(pk=old_organ_id), person)

    def clear_roles_in(self, organ: Organ, person: Person) -> None:
        """A person transferred away keeps no role in the organ they left."""
        if organ.principal_id == person.pk:
            self.store("organ", organ.code, organ, {"principal_id": None})
        for section in Section.objects.filter(organ=organ, leader_in_charge=person):
            self.store("section", self.section_key(section.code, organ), section,
                       {"leader_in_charge_id": None})
        for duty in OrganDuty.objects.filter(organ=organ, person=person):
            self.delete("duty", f"{organ.code}/{person.personnel_no}/{duty.duty}", duty)
        for seat in CommitteeMember.objects.filter(organ=organ, person=person):
            self.delete("committee", f"{organ.code}/{person.personnel_no}", seat)

    def upsert_extra_assignments(self, people: Mapping[str, Person]) -> None:
        organs = {**self.context.organs, self.organ.code: self.organ}
        for row in self.plan.people:
            if not row.assignments:
                continue
            person = people[row.id]
            existing = {(a.kind, a.organ_id, a.start): a
                        for a in person.assignments.filter(kind__in=EXTRA_KINDS)}
            for item in row.assignments:
                assert item.start is not None  # checked: start is required
                organ = organs[item.organ]
                assignment = existing.get((item.kind, organ.pk, item.start)) or Assignment(
                    person=person, organ=organ, kind=item.kind, start=item.start)
                section = self.section_in(organ, item.section)
                self.store("assignment", _assignment_key(assignment), assignment, {
                    "section_id": section.pk if section else None,
                    "end": item.end, "note": item.note})

    def section_in(self, organ: Organ, code: str) -> Section | None:
        if not code:
            return None
        if organ.pk == self.organ.pk:
            return self.sections[code]
        return self.context.other_sections[(organ.code, code)]

    # roles: they match the file exactly

    def set_principal_and_leaders(self, people: Mapping[str, Person]) -> None:
        principal = next((people[row.id] for row in self.plan.people if row.principal), None)
        self.store("organ", self.organ.code, self.organ,
                   {"principal_id": principal.pk if principal else None})
        overseer = {code: people[row.id].pk for row in self.plan.people for code in row.oversees}
        for code, section in self.sections.items():
            self.store("section", self.section_key(code), section,
                       {"leader_in_charge_id": overseer.get(code)})

    def sync_duties(self, people: Mapping[str, Person]) -> None:
        wanted = {
            (people[ref.person], duty): None
            for refs, duty in ((self.plan.office, Duty.OFFICE.value),
                               (self.plan.liaison, Duty.LIAISON.value))
            for ref in refs
        }
        have = {(duty.person_id, duty.duty): duty
                for duty in OrganDuty.objects.filter(organ=self.organ).select_related("person")}
        for (person, kind) in wanted:
            duty = have.pop((person.pk, kind), None) or OrganDuty(organ=self.organ, person=person,
                                                                  duty=kind)
            self.store("duty", f"{self.organ.code}/{person.personnel_no}/{kind}", duty, {})
        for duty in have.values():
            self.delete("duty", f"{self.organ.code}/{duty.person.personnel_no}/{duty.duty}", duty)

    def sync_committee(self, people: Mapping[str, Person]) -> None:
        have = {seat.person_id: seat for seat in
                CommitteeMember.objects.filter(organ=self.organ).select_related("person")}
        for ref in self.plan.committee:
            person = people[ref.person]
            seat = have.pop(person.pk, None) or CommitteeMember(organ=self.organ, person=person)
            self.store("committee", f"{self.organ.code}/{person.personnel_no}", seat,
                       {"position": ref.position})
        for seat in have.values():
            self.delete("committee", f"{self.organ.code}/{seat.person.personnel_no}", seat)


def _assignment_key(assignment: Assignment) -> str:
    return f"{assignment.person_id}/{assignment.kind}/{assignment.organ_id}/{assignment.start}"


def _generate_password() -> str:
    return "".join(secrets.choice(UNAMBIGUOUS_CHARACTERS) for _ in range(PASSWORD_LENGTH))


def _warnings(plan: _Plan, organ: Organ, sections: Mapping[str, Section]) -> list[str]:
    """Not errors, but the assessment cannot run well until they are fixed."""
    warnings = []
    if organ.principal_id is None:
        warnings.append(_("没有标记主要负责人（principal）：科室正职的等次无人审定"))
    if not plan.office:
        warnings.append(_("没有指定办公室人员（office）：无人组织本机关的考核"))
    for code, section in sections.items():
        if section.leader_in_charge_id is None:
            warnings.append(_("科室“%(code)s”（%(name)s）没有分管领导") % {
                "code": code, "name": section.name})
    for row in plan.people:
        if row.password and not row.username:
            warnings.append(_("%(where)s：给了初始密码但没有账号（username），密码未使用") % {
                "where": row.where})
    return warnings
