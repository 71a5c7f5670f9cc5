"""The FastRenderer writes the same markup as Django's templates, field by field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.forms.renderers import DjangoTemplates

from kaohe.assessments.forms import FeedbackForm, ProposalForm
from kaohe.lib.renderer import FastRenderer
from kaohe.plans.models import Indicator

TRICKY = 'a "quoted" <b>tag</b> & 评鉴'


class Everything(forms.Form):
    name = forms.CharField(label=TRICKY, max_length=10, help_text="help <i>")
    amount = forms.DecimalField(min_value=Decimal("0.5"), max_value=100, decimal_places=2)
    note = forms.CharField(widget=forms.Textarea, required=False)
    flag = forms.BooleanField(required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    choice = forms.ChoiceField(choices=[("", "—"), ("a", TRICKY), ("b", "B")])
    grouped = forms.ChoiceField(choices=[("x", [("1", "one"), ("2", "two")]), ("3", "three")])
    many = forms.MultipleChoiceField(choices=[("1", "one"), ("2", "two")], required=False)
    radio = forms.ChoiceField(choices=[("1", "one")], widget=forms.RadioSelect, required=False)


def both(make: type[forms.Form], **kwargs: object) -> tuple[forms.Form, forms.Form]:
    return make(renderer=DjangoTemplates(), **kwargs), make(renderer=FastRenderer(), **kwargs)


def assert_same_markup(slow: forms.Form, fast: forms.Form) -> None:
    assert list(slow.fields) == list(fast.fields)
    for name in slow.fields:
        assert str(fast[name]) == str(slow[name]), name
        assert fast[name].label_tag() == slow[name].label_tag(), name
    assert fast.as_div() == slow.as_div()


def test_unbound_form_with_initial_values_renders_identically() -> None:
    initial = {"name": TRICKY, "amount": Decimal("12.50"), "note": TRICKY, "flag": True,
               "hidden": TRICKY, "choice": "a", "grouped": "2", "many": ["1", "2"]}
    assert_same_markup(*both(Everything, initial=initial, prefix="a7"))


def test_bound_form_with_errors_renders_identically() -> None:
    data = {"name": "x" * 20, "amount": "0.1", "note": "<script>", "choice": "zz",
            "grouped": "1", "many": ["2"]}
    slow, fast = both(Everything, data=data)
    assert not slow.is_valid() and not fast.is_valid()
    assert_same_markup(slow, fast)
    assert "&lt;script&gt;" in str(fast["note"])  # user input stays escaped


class OnlyHidden(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    step = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, object]:
        raise forms.ValidationError(TRICKY)


class Required(Everything):
    """Django's required and error classes on each field's group."""

    required_css_class = "required"
    error_css_class = "error"


def test_as_div_of_hidden_fields_and_form_errors_renders_identically() -> None:
    assert_same_markup(*both(OnlyHidden))  # no errors: the hidden fields alone
    slow, fast = both(OnlyHidden, data={"token": "", "step": "x"})
    assert not slow.is_valid() and not fast.is_valid()
    assert_same_markup(slow, fast)  # errors, no visible field: hidden fields in a div
    assert '<div><input type="hidden" name="token"' in fast.as_div()


def test_as_div_with_form_errors_and_field_classes_renders_identically() -> None:
    slow, fast = both(Required, data={"name": "", "choice": "a", "grouped": "3"})
    slow.add_error(None, TRICKY), fast.add_error(None, TRICKY)
    assert_same_markup(slow, fast)
    assert "error" in fast["name"].css_classes() and 'class="required"' in fast.as_div()


def test_every_form_shares_it_and_the_proposal_form_renders_as_before() -> None:
    indicators = [Indicator(code="q1", name="工作质量", description=TRICKY),
                  Indicator(code="q2", name="工作效率", description="")]
    initial = {"score_q1": Decimal("88.50"), "grade": "good", "comment": TRICKY, "direct": True}
    fast = ProposalForm(indicators=indicators, initial=initial, prefix="a3")
    assert isinstance(fast.renderer, FastRenderer)
    # One renderer for the process: each builds a template engine of its own on first use.
    assert FeedbackForm().renderer is fast.renderer
    slow = ProposalForm(indicators=indicators, initial=initial, prefix="a3",
                        renderer=DjangoTemplates())
    assert_same_markup(slow, fast)


def test_labels_and_help_texts_are_translated_once_in_the_pages_language() -> None:
    from django.utils import translation

    from kaohe.annual.forms import SettingsForm

    labels = {}
    for language in ("en", "zh-hans"):
        with translation.override(language):
            fields = list(SettingsForm())  # as the page reads them
            assert all(type(b.label) is str and type(b.help_text) is str for b in fields)
            labels[language] = [b.label for b in fields]
    def chinese(label: str) -> bool:
        return any("\u4e00" <= ch <= "\u9fff" for ch in label)

    assert not any(map(chinese, labels["en"])) and all(map(chinese, labels["zh-hans"]))

