from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaohe.ballots import rules
from kaohe.ballots.models import Ballot, Pairing, Scale
from kaohe.plans.models import Grade


def default_questions() -> str:
    return "、".join(gettext(q) for q in rules.DEFAULT_QUESTIONS)


QUARTERS = [("", _("全年")), *[(str(q), str(q)) for q in (1, 2, 3, 4)]]


class BallotForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=200)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=QUARTERS, required=False,
                                     coerce=int, empty_value=None)
    opens_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("截止日期"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    scale = forms.ChoiceField(label=_("评价方式"), choices=Scale.choices, initial=Scale.GRADES)
    questions = forms.CharField(label=_("测评项目"), initial=default_questions, max_length=600,
                                help_text=_("用顿号或逗号分隔"))
    min_votes = forms.IntegerField(label=_("最少票数"), min_value=1, max_value=50,
                                   initial=rules.DEFAULT_MIN_VOTES,
                                   help_text=_("某类测评人的票数少于此数时不显示该类结果。"))

    def question_list(self) -> list[str]:
        text = self.cleaned_data["questions"].replace("，", "、").replace(",", "、")
        return [q.strip() for q in text.split("、") if q.strip()]


class PairingForm(forms.Form):
    voter = forms.CharField(label=_("测评人（人员编号）"), max_length=64)
    candidate = forms.CharField(label=_("被测评人（人员编号）"), max_length=64)
    voter_class = forms.ChoiceField(label=_("测评人类别"))

    def __init__(self, *args: Any, ballot: Ballot, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["voter_class"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(c.key, c.name) for c in ballot.classes.all()]


def answer_field(ballot: Ballot, label: str, required: bool) -> forms.Field:
    if ballot.scale == rules.GRADES:
        return forms.ChoiceField(label=label, required=required, widget=forms.RadioSelect,
                                 choices=Grade.choices)
    return forms.IntegerField(label=label, required=required, min_value=0, max_value=100)


class AnswersForm(forms.Form):
    """Every candidate's answers, a field per candidate and question (`c<id>_q<n>`). On a paper
    ballot (`required=False`) a candidate left blank is not counted."""

    def __init__(self, *args: Any, ballot: Ballot, candidates: Sequence[Pairing],
                 required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ballot, self.candidates = ballot, candidates
        for pairing in candidates:
            for number, question in enumerate(ballot.questions):
                self.fields[self.name(pairing.candidate_id, number)] = answer_field(
                    ballot, question, required)

    @staticmethod
    def name(candidate: int, question: int) -> str:
        return f"c{candidate}_q{question}"

    def rows(self) -> list[tuple[Pairing, list[forms.BoundField]]]:
        return [(p, [self[self.name(p.candidate_id, n)] for n in range(len(self.ballot.questions))])
                for p in self.candidates]

    def answers(self) -> dict[int, list[str]]:
        """The answers by candidate; on a paper ballot only the candidates answered."""
        found = {}
        for pairing in self.candidates:
            given = [self.cleaned_data.get(self.name(pairing.candidate_id, n))
                     for n in range(len(self.ballot.questions))]
            if any(value not in (None, "") for value in given):
                found[pairing.candidate_id] = ["" if v is None else str(v) for v in given]
        return found
