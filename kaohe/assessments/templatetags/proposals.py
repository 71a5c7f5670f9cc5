"""A proposal form's fields and its live preview, written in Python: the review screen shows a
form of twenty fields for each person, and the template engine's cost around the widgets was
as much again as the widgets themselves. The markup is the templates' as they were; the
review screen, the assessment page and the preview's answer share it.

`{% proposal_fields form assessment_pk %}` and `{% proposal_preview form assessment_pk oob %}`
read the form's `preview` (kaohe.assessments.pages.with_preview). The form's own errors come
before its fields, from assessments/_form_error.html like every other form's."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kaohe.assessments.forms import ProposalForm
from kaohe.lib.escaping import conditional_escape, escape

register = template.Library()


@register.simple_tag
def proposal_fields(form: ProposalForm, assessment_pk: int) -> SafeString:
    # The preview: typing a score, choosing the grade or ticking 直接确定 asks the server
    # again for the inputs marked with the form's `mark`, which the preview reads and keeps.
    mark = escape(form.prefix or "proposal")
    direct = form["direct"]
    more = escape(_("群众评价、服务对象意见、工作实绩；直接确定"))
    return mark_safe(  # noqa: S308 (texts escaped here, fields and errors are HTML)
        f'<div class="live-proposal" hx-get="{reverse("proposal_preview", args=[assessment_pk])}"\n'
        f'     hx-trigger="input delay:300ms from:[data-live={mark}]"\n'
        f'     hx-include="[data-live={mark}],[data-keep={mark}]"\n'
        f'     hx-target="#a{assessment_pk}-preview" hx-swap="outerHTML" '
        f'hx-sync="this:replace">\n'
        f'<div class="scores">\n  {_score_labels(form)}\n</div>\n'
        f'<div class="grid2">\n'
        f'  <div>{form["grade"].label_tag()}{form["grade"]}{form["grade"].errors}\n'
        f"    {proposal_preview(form, assessment_pk)}\n  </div>\n"
        f'  {_cells(form, "comment")}\n</div>\n'
        f'<details{" open" if form.is_bound else ""}><summary>{more}</summary>\n'
        f'  <div class="grid2">\n    '
        f'{_cells(form, "colleagues_opinion", "recipients_opinion", "performance_results")}'
        f"\n  </div>\n"
        f'  <label class="check">{direct} {conditional_escape(direct.label)}</label>\n'
        f'  <div class="grid2">\n    {_cells(form, "direct_reason", "direct_reward")}\n'
        f"  </div>\n</details>\n</div>")


@register.simple_tag
def proposal_preview(form: ProposalForm, assessment_pk: int, oob: bool = False) -> SafeString:
    """What the scores typed so far give, and the reason field, which the preview shows when
    the grade chosen needs a reason (§八(二)); `oob`: the reason field swapped in apart."""
    p = form.preview  # type: ignore[attr-defined]
    if not p.determined:
        shown = escape(_("不确定等次（§十(三)）：不按分数建议等次。"))
    elif p.problems:
        shown = "".join(f'<p class="message error" data-testid="preview-problem">'
                        f"{conditional_escape(problem)}</p>" for problem in p.problems)
    elif p.composite is None:
        shown = escape(_("各项指标打分后，这里显示综合得分和建议等次。"))
    else:
        shown = _('综合得分 <strong data-testid="composite">%(score)s</strong>，建议“<strong '
                  'data-testid="suggested">%(grade)s</strong>”') % {
            "score": escape(localize(p.composite)), "grade": escape(p.suggested_label)}
        if p.reason_needed:
            why = escape(_("：拟定等次与建议不同，须说明理由（§八(二)）"))
            shown += f'<strong data-testid="reason-needed">{why}</strong>'
    reason = form["reason"]
    needed = escape(_("（必填）"))
    required = f' <span class="required">{needed}</span>' if p.reason_needed else ""
    swapped = ' hx-swap-oob="true"' if oob else ""
    hidden = "" if p.reason_needed else " hidden"
    return mark_safe(  # noqa: S308 (texts escaped above, the field and its errors are HTML)
        f'<div class="preview muted" id="a{assessment_pk}-preview" data-testid="preview" '
        f'aria-live="polite">\n  {shown}\n</div>\n'
        f'<div id="a{assessment_pk}-reason" class="reason-field"'
        f"{swapped}{hidden}>\n"
        f"  {reason.label_tag()}{required}{reason.errors}{reason}\n</div>")


def _score_labels(form: ProposalForm) -> str:
    """Each score field inside its label, the indicator's description as its title."""
    return "".join(f'\n    <label title="{conditional_escape(field.help_text)}">'
                   f"{conditional_escape(field.label)}{field}{field.errors}</label>\n  "
                   for field in form.score_fields())


def _cells(form: ProposalForm, *names: str) -> str:
    """A cell of the grid for each field named: its label, the field, its errors."""
    return "\n    ".join(f"<div>{field.label_tag()}{field}{field.errors}</div>"
                          for field in (form[name] for name in names))
