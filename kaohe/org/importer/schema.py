"""The rows of an import file as pydantic models, and pydantic's errors as the messages users
read (`CUSTOM_ERRORS` by error type, `FIELD_ERRORS` where a field says what it accepts).

A field that is absent, null or blank is *not given* (docs/import-format.md): it is dropped
before validating, so that a required one is pydantic's `missing` and any other takes its
default. A row with wrong fields is read again without them, so that the checks across rows
(checks.py) still see the rest of it: one wrong cell must not hide the file's other problems.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar, get_args

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    Strict,
    StrictBool,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError, PydanticKnownError

from kaohe.accounts.models import User
from kaohe.org.importer.read import LIST_SEPARATORS, Locations, Problem, Source, Where
from kaohe.org.models import (
    Assignment,
    Category,
    CommitteePosition,
    Organ,
    OrgDepartment,
    Person,
    Section,
    Sex,
)


def max_length_of(model: type[models.Model], name: str) -> FieldInfo:
    """The limit of a text is its database column's, so that what passes can be saved."""
    column = model._meta.get_field(name)
    assert isinstance(column, models.Field) and column.max_length is not None
    return Field(max_length=column.max_length)


def _day(value: Any) -> Any:
    """A date cell, its time of day dropped, or a text YYYY-MM-DD. Texts are read here: pydantic
    would also take a Unix timestamp ("1735689600") or a date with a time of day."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, str):
        try:
            return datetime.datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            raise PydanticKnownError("date_parsing", {"error": "not YYYY-MM-DD"}) from None
    return value


def _month_text(value: Any) -> Any:
    """A date cell gives its month; anything else is read as text, so that 199603 is reported
    as a wrong month of birth rather than as not text."""
    return value.strftime("%Y-%m") if isinstance(value, datetime.date) else str(value)


def _valid_username(username: str) -> str:
    try:
        User.username_validator(username)
    except DjangoValidationError as error:
        raise PydanticCustomError("username", "invalid username: {reason}", {
            "username": username, "reason": " ".join(error.messages)}) from None
    return username


Day = Annotated[datetime.date, Strict(), BeforeValidator(_day)]
Month = Annotated[str, BeforeValidator(_month_text),
                  Field(pattern=r"^(19|20)\d\d-(0[1-9]|1[0-2])$")]
# One text may list several codes, as the XLSX form's column does.
Codes = Annotated[
    list[str],
    BeforeValidator(lambda v: LIST_SEPARATORS.split(v) if isinstance(v, str) else v),
    AfterValidator(lambda codes: list(dict.fromkeys(filter(None, map(str.strip, codes))))),
]
# Post and transfer assignments are written by the import itself; a file adds only these.
ExtraKind = Literal["secondment", "training"]
EXTRA_KINDS: tuple[str, ...] = get_args(ExtraKind)

# The rows. A required choice or date is typed "| None" and a required text takes "": the
# values a wrong field reads as when its row is read again (`_Reader.row`).


class Row(BaseModel):
    """A row of the file. `where` is not read from the row: the reader says where it is."""

    where: Where

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        # PostgreSQL cannot store a NUL character, and JSON can carry one (\u0000); XML
        # cannot, so an XLSX file holding one does not even parse.
        if isinstance(value, str) and "\x00" in value:
            raise PydanticCustomError("nul_text", "NUL")
        return value


class OrganRow(Row):
    code: Annotated[str, max_length_of(Organ, "code")]
    name: Annotated[str, max_length_of(Organ, "name")]
    filed_with: Any = None  # a row of its own (FiledWithRow), with its own place


class FiledWithRow(Row):
    code: Annotated[str, max_length_of(OrgDepartment, "code")]
    name: Annotated[str, max_length_of(OrgDepartment, "name")]


class SectionRow(Row):
    code: Annotated[str, max_length_of(Section, "code")]
    name: Annotated[str, max_length_of(Section, "name")]
    frontline: StrictBool = False


class AssignmentRow(Row):
    kind: ExtraKind | None
    organ: str
    section: str = ""
    start: Day | None
    end: Day | None = None
    note: Annotated[str, max_length_of(Assignment, "note")] = ""

    @field_validator("end")
    @classmethod
    def _not_before_start(cls, end: datetime.date | None,
                          info: ValidationInfo) -> datetime.date | None:
        start = info.data.get("start")
        if end and start and end < start:
            raise PydanticCustomError("end_before_start", "ends before it starts", {
                "end": str(end), "start": str(start)})
        return end


class PersonRow(Row):
    """A person; the fields in the order of the XLSX form's columns, as problems are listed."""

    id: Annotated[str, max_length_of(Person, "personnel_no")]
    name: Annotated[str, max_length_of(Person, "name")]
    username: Annotated[str, max_length_of(User, "username"),
                        AfterValidator(_valid_username)] = ""
    category: Category | None
    section: str = ""
    title: Annotated[str, max_length_of(Person, "title")] = ""
    rank: Annotated[str, max_length_of(Person, "rank")] = ""
    frontline: StrictBool | None = None  # not given: the section's
    principal: StrictBool = False
    oversees: Codes = []
    active: StrictBool = True
    password: str = ""
    must_change_password: StrictBool = True
    since: Day | None = None
    transferred_on: Day | None = None
    sex: Sex | None = None
    birth_month: Month | None = None
    political_status: Annotated[str, max_length_of(Person, "political_status")] = ""
    in_post_since: Day | None = None
    work: Annotated[str, max_length_of(Person, "work")] = ""
    assignments: list[AssignmentRow] = []  # rows of their own, read apart by `_Reader`


class PersonRef(Row):  # an entry of office or discipline_liaison
    person: str


class Seat(PersonRef):  # an entry of committee
    position: CommitteePosition | None


# --- pydantic's errors as the problems users read --------------------------------------------

DATE_MESSAGE = gettext_lazy("日期“%(value)s”无效，应为 YYYY-MM-DD")
CODES_MESSAGE = gettext_lazy("应为科室代码的列表，这里是%(kind)s")
CUSTOM_ERRORS: dict[str, Promise] = {
    "missing": gettext_lazy("缺少必填项"),
    "nul_text": gettext_lazy("含有不允许的空字符（\\0）"),
    "dict_type": gettext_lazy("应为对象 {…}，这里是%(kind)s"),
    "list_type": gettext_lazy("应为列表，这里是%(kind)s"),
    "string_type": gettext_lazy("应为文本，这里是%(kind)s"),
    "string_too_long": gettext_lazy("太长：最多 %(max)d 个字符，这里有 %(length)d 个"),
    "bool_type": gettext_lazy("应为 true 或 false（XLSX 中也可填 是/否、1/0），这里是“%(value)s”"),
    "date_type": DATE_MESSAGE,
    "date_parsing": DATE_MESSAGE,
    "username": gettext_lazy("账号“%(username)s”无效：%(reason)s"),
    "end_before_start": gettext_lazy("结束日期 %(end)s 早于开始日期 %(start)s"),
}
CHOICE_ERRORS = ("enum", "literal_error")
FIELD_ERRORS: dict[tuple[str, str], Promise] = {
    ("category", "enum"): gettext_lazy(
        "未知人员类别“%(value)s”：应为 leadership（领导成员）、chief（科室正职）、"
        "staff（科室工作人员）或 worker（工勤人员）"),
    ("oversees", "list_type"): CODES_MESSAGE,
    ("oversees", "string_type"): CODES_MESSAGE,  # an item of the list
    ("sex", "enum"): gettext_lazy("性别应为“男”或“女”，这里是“%(value)s”"),
    ("birth_month", "string_pattern_mismatch"): gettext_lazy(
        "出生年月“%(value)s”无效，应为 YYYY-MM"),
    ("kind", "literal_error"): gettext_lazy(
        "未知类型“%(value)s”：这里只能填 secondment（援派/挂职）或 training（培训/专项"
        "工作）；任职和调任由导入自动记录"),
    ("position", "enum"): gettext_lazy(
        "未知职位“%(value)s”：应为 主任、副主任、成员 或 公务员代表"),
}


def message(error_type: str, field: str, value: Any,
            context: Mapping[str, Any] | None = None) -> str:
    """The message for an error of `field` (given as `value`). A choice given as a number, a
    list… is reported as not text, as in any text field, rather than as an unknown choice."""
    if error_type in CHOICE_ERRORS and not isinstance(value, str):
        error_type = "string_type"
    template = FIELD_ERRORS.get((field, error_type)) or CUSTOM_ERRORS[error_type]
    context = context or {}
    return str(template) % {
        "value": value, "kind": described(value), "max": context.get("max_length"),
        "length": len(value) if isinstance(value, str) else 0, **context,
    }


def described(value: Any) -> str:
    """What a value is, in words, for a message saying it is not what was expected."""
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


def row_problems(error: ValidationError, data: Mapping[str, Any],
                 where: Where) -> dict[str, Problem]:
    """field → its problem: the first error of each wrong field (a list may have several)."""
    problems: dict[str, Problem] = {}
    for detail in error.errors(include_url=False):
        field = str(detail["loc"][0])
        if field not in problems:
            text = message(detail["type"], field, data.get(field), detail.get("ctx"))
            problems[field] = Problem(where, field, text)
    return problems


def given(item: Mapping[str, Any]) -> dict[str, Any]:
    """The fields that are given: texts without surrounding blanks, none null or blank."""
    fields = {key: value.strip() if isinstance(value, str) else value
              for key, value in item.items()}
    return {key: value for key, value in fields.items() if value is not None and value != ""}


@dataclass
class Plan:
    """The file's rows; a wrong field reads as not given (the file is refused anyway)."""

    code: str
    name: str
    filed_with: FiledWithRow | None
    sections: list[SectionRow]
    people: list[PersonRow]
    office: list[PersonRef]
    liaison: list[PersonRef]
    committee: list[Seat]

    def section_codes(self) -> set[str]:
        return {row.code for row in self.sections if row.code}


def read_plan(source: Source, problems: list[Problem]) -> Plan:
    """The rows of the file; the problems of each go to `problems`."""
    data = source.data if isinstance(source.data, Mapping) else {}
    if not isinstance(source.data, Mapping):
        problems.append(Problem(Where("file"), "", _("内容应为一个对象 {…}")))
    reader = _Reader(source.locations, problems)
    # An organ not given, or not an object, is reported with its code and name missing.
    organ = (reader.part(OrganRow, data.get("organ"), "organ")
             or reader.row(OrganRow, {}, reader.locations.of("organ")))
    return Plan(
        code=organ.code,
        name=organ.name,
        filed_with=reader.part(FiledWithRow, organ.filed_with, "organ", "filed_with"),
        sections=reader.rows(SectionRow, data.get("sections"), "sections"),
        people=reader.rows(PersonRow, data.get("people"), "people", apart=reader.assignments),
        office=reader.person_refs(data.get("office"), "office"),
        liaison=reader.person_refs(data.get("discipline_liaison"), "discipline_liaison"),
        committee=reader.rows(Seat, data.get("committee"), "committee"),
    )


RowT = TypeVar("RowT", bound=Row)


class _Reader:
    """Reads the rows of a file, collecting the problems of each."""

    def __init__(self, locations: Locations, problems: list[Problem]) -> None:
        self.locations, self.problems = locations, problems

    def row(self, model: type[RowT], item: Mapping[str, Any], where: Where,
            **attached: Any) -> RowT:
        """`item` read as a `model`; `attached`: its fields that are read apart."""
        data = given(item)
        try:
            return model.model_validate({**data, "where": where, **attached})
        except ValidationError as error:
            problems = row_problems(error, data, where)
        self.problems.extend(problems.values())
        kept = {key: value for key, value in data.items() if key not in problems}
        blanks = {name: "" if model.model_fields[name].annotation is str else None
                  for name in problems if model.model_fields[name].is_required()}
        return model.model_validate({**kept, **blanks, "where": where, **attached})

    def rows(self, model: type[RowT], value: Any, *path: str | int,
             apart: Callable[[Mapping[str, Any], int], dict[str, Any]] | None = None,
             ) -> list[RowT]:
        """The rows of the list at `path` (`value`); an item that is not an object is none.
        `apart` gives the fields of a row that are read apart."""
        rows = []
        for position, item in enumerate(self.items(value, self.locations.of(*path))):
            where = self.locations.of(*path, position)
            fields = self.object(item, where)
            if fields is not None:
                attached = apart(fields, position) if apart else {}
                rows.append(self.row(model, fields, where, **attached))
        return rows

    def assignments(self, person: Mapping[str, Any], position: int) -> dict[str, Any]:
        """A person's assignments are rows of their own, each with its own problems."""
        return {"assignments": self.rows(AssignmentRow, person.get("assignments"),
                                         "people", position, "assignments")}

    def person_refs(self, value: Any, key: str) -> list[PersonRef]:
        """office and discipline_liaison list person ids: each is read as {"person": id}."""
        ids = [{"person": item} for item in value] if isinstance(value, list) else value
        return self.rows(PersonRef, ids, key)

    def part(self, model: type[RowT], value: Any, *path: str) -> RowT | None:
        """The object at `path` (`value`) as a row; none if it is not given or not an object."""
        where = self.locations.of(*path)
        fields = None if value is None else self.object(value, where)
        return None if fields is None else self.row(model, fields, where)

    def items(self, value: Any, where: Where) -> list[Any]:
        if value is None:
            return []
        if isinstance(value, list):
            return value
        self.problems.append(Problem(where, "", message("list_type", "", value)))
        return []

    def object(self, value: Any, where: Where) -> Mapping[str, Any] | None:
        if isinstance(value, Mapping):
            return value
        self.problems.append(Problem(where, "", message("dict_type", "", value)))
        return None
