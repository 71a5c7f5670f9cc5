"""A proposal form written in Python ({% proposal_fields %}, {% proposal_preview %}): each field
as Django renders it, the texts escaped, and the preview in each of its states."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.template import Context, Template
from django.template.loader import get_template

from kaohe.assessments.forms import ProposalForm
from kaohe.assessments.pages import Preview
from kaohe.assessments.templatetags.proposals import proposal_fields, proposal_preview
from kaohe.plans.models import Indicator

TRICKY = 'a "quoted" <b>tag</b> & 评鉴'
INDICATORS = [Indicator(code="q1", name="<质量>", description=TRICKY)]


def form(data: dict[str, str] | None = None, preview: Preview | None = None) -> ProposalForm:
    made = ProposalForm(data, indicators=INDICATORS, prefix="a3")
    made.is_valid()
    made.preview = preview or Preview()  # type: ignore[attr-defined]
    return made


def test_each_field_is_written_as_django_renders_it() -> None:
    data = {"a3-score_q1": "101", "a3-comment": TRICKY, "a3-direct_reward": "x" * 300,
            "a3-recipients_opinion": "<i>", "a3-grade": "好"}
    for shown in (form(), form(data)):
        written = str(proposal_fields(shown, 7))
        for name in ["grade", "comment", "colleagues_opinion", "recipients_opinion",
                     "performance_results", "direct_reason", "direct_reward", "reason"]:
            field = Template(f"{{{{ form.{name}.label_tag }}}}{{{{ form.{name} }}}}")
            assert field.render(Context({"form": shown})) in written, name
            assert str(shown[name].errors) in written, name
        assert str(shown["direct"]) in written and str(shown["score_q1"]) in written
    assert "&lt;i&gt;" in written and "errorlist" in written and "<details open>" in written


def test_the_indicators_name_and_description_are_escaped() -> None:
    written = str(proposal_fields(form(), 7))
    assert 'title="a &quot;quoted&quot; &lt;b&gt;tag&lt;/b&gt; &amp; 评鉴"' in written
    assert "&lt;质量&gt;<input" in written and "<质量>" not in written


def test_an_error_of_the_whole_form_is_shown_above_it_escaped() -> None:
    refused = form({"a3-score_q1": "90"})
    refused.add_error(None, "名额已满 <b>")
    written = get_template("assessments/_proposal_fields.html").render(
        {"form": refused, "a": SimpleNamespace(pk=7)})
    assert written.startswith('<p class="message error" role="alert" data-testid="form-error">'
                              "名额已满 &lt;b&gt;</p>")


def test_the_preview_in_each_of_its_states() -> None:
    waiting = str(proposal_preview(form(), 7))
    assert "各项指标打分后" in waiting and 'id="a7-reason" class="reason-field" hidden>' in waiting
    undetermined = str(proposal_preview(form(preview=Preview(determined=False)), 7))
    assert "不确定等次" in undetermined and "composite" not in undetermined
    problem = str(proposal_preview(form(preview=Preview(problems=["<质量>：请输入数字"])), 7))
    assert 'data-testid="preview-problem">&lt;质量&gt;：请输入数字</p>' in problem
    asked = form(preview=Preview(composite=Decimal("87.50"), suggested="较好",
                                 reason_needed=True))
    written = str(proposal_preview(asked, 7, oob=True))
    assert 'data-testid="composite">87.50</strong>' in written
    assert 'data-testid="suggested">较好</strong>' in written and "须说明理由" in written
    assert 'id="a7-reason" class="reason-field" hx-swap-oob="true">' in written
    assert '<span class="required">（必填）</span>' in written
