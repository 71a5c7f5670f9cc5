"""A form rendered from the prototypes (kaohe/documents/docx.py `render`) is the document
python-docx makes element by element (`render_with_python_docx`): every file of the package
the same, for each kind of form and for the texts python-docx writes in a special way."""

from __future__ import annotations

import io
import zipfile

import pytest

from kaohe.documents import docx, selectors
from kaohe.documents.content import Block, Field, OfficialForm
from tests.annual.factories import YEAR, run_year
from tests.personas import World


def package(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None  # every file's checksum holds
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def assert_same(form: OfficialForm) -> None:
    assert package(docx.render(form)) == package(docx.render_with_python_docx(form))


@pytest.mark.django_db
def test_every_form_of_a_year_is_python_docx_s_document(world: World) -> None:
    run_year(world, {"staff": ["好", None, "一般", "较差"]})
    forms = [document.form for document in selectors.batch(world.organ, YEAR, None)]
    assert {form.title for form in forms} == {"公务员年度考核登记表", "公务员平时考核登记表",
                                              "公务员平时考核记实手册"}
    for form in forms:
        assert_same(form)


def test_texts_python_docx_writes_in_its_own_way() -> None:
    """Tabs and line breaks, spaces at either end (kept with xml:space), empty texts (no text
    element at all), markup characters, a label of two lines, one to three fields a row."""
    texts = ["", " 前后有空格 ", "制表\t符", "第一行\n\n第三行", "<&>\"'", "\u3000全角空格",
             "\r回车"]
    form = OfficialForm(
        title=" 标题\t", caption="", filename="f",
        header=[[Field("一", texts[1])], [Field("甲", ""), Field("乙\n二行", texts[2])],
                [Field(t, t) for t in texts[3:6]]],
        blocks=[Block(t, t, sign=t, date=t, height=h) for t, h in zip(
            texts, [0, 2.5, 3, 3.5, 7, 0, 8], strict=True)] + [Block("无签名", "正文")],
        table_columns=["日期", "类别", "事项", "内容"],
        table_rows=[[t, t, t, t] for t in texts])
    assert_same(form)
    assert_same(OfficialForm(title="空", caption="空", filename="e"))
