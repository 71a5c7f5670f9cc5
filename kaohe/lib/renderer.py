"""A form renderer that writes the common widgets and labels in Python.

Django renders every widget and label through a template: about a fifth of a millisecond each.
The review screen shows one proposal form per person (a score field per indicator, the grade,
five texts, a check box), which made rendering half of its time. This renderer writes exactly
the markup of Django's own templates for inputs, textareas, selects, labels, error lists, the
field group and the whole of `as_div` (a test compares both renderers field by field and form
by form) and leaves every other template to Django.
"""

from __future__ import annotations

from typing import Any

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from kaohe.lib.escaping import conditional_escape, escape

INPUTS = {f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "checkbox", "date",
    "datetime", "time", "search", "tel", "color")}


def _s(value: Any) -> str:
    """The `stringformat:'s'` filter: a plain string, escaped afterwards even if marked safe."""
    return "%s" % (value,)  # noqa: UP031


def _attrs(attrs: dict[str, Any] | None) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name.
    Names and formatted values are plain strings, escaped without conditional_escape's
    checks (a field has a dozen)."""
    return "".join(f" {escape(name)}" if value is True else
                   f' {escape(name)}="{escape(_s(value))}"'
                   for name, value in (attrs or {}).items() if value is not False)


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{escape(_s(value))}"' if value is not None else ""
    return (f'<input type="{conditional_escape(widget["type"])}" '
            f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>')


def _textarea(widget: dict[str, Any]) -> str:
    value = conditional_escape(widget["value"]) if widget["value"] else ""
    return (f'<textarea name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f"{value}</textarea>")


def _option(option: dict[str, Any]) -> str:
    return (f'<option value="{conditional_escape(_s(option["value"]))}"'
            f'{_attrs(option["attrs"])}>{conditional_escape(option["label"])}</option>')


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        # The option template ends with a newline, kept inside the select.
        parts += [f"\n  {_option(option)}\n" for option in group_choices]
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # Django strips only the outside of the result
    return "".join(parts)


def _label(context: dict[str, Any]) -> str:
    label = conditional_escape(context["label"])
    if not context["use_tag"]:
        return label
    tag = conditional_escape(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{label}</{tag}>"


ERROR_LISTS = {"django/forms/errors/list/default.html", "django/forms/errors/list/ul.html"}


def _errors(context: dict[str, Any]) -> str:
    """django/forms/errors/list/ul.html: nothing at all for a field without errors, which
    is every field of a page shown the first time."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = getattr(errors, "field_id", None)
    shown = f' id="{conditional_escape(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{conditional_escape(error)}</li>" for error in errors)
    return f'<ul class="{conditional_escape(context["error_class"])}"{shown}>{items}</ul>'


def _field(field: Any) -> str:
    """django/forms/field.html for a field without a fieldset (the template's whitespace
    kept, then stripped as Django's renderer does)."""
    label = field.label_tag() if field.label else ""
    help_text = ""
    if field.help_text:
        shown = f' id="{conditional_escape(field.auto_id)}_helptext"' if field.auto_id else ""
        help_text = f'<div class="helptext"{shown}>{field.help_text}</div>'
    return f"\n  {label}\n\n{help_text}\n{field.errors}\n{field}".strip()


def _div(context: dict[str, Any]) -> str:
    """django/forms/div.html, what `as_div` renders: the form's own errors, then a group a
    field, the hidden fields inside the last one."""
    errors, fields = context["errors"], context["fields"]
    hidden = "".join(conditional_escape(field) for field in context["hidden_fields"])
    parts = [conditional_escape(errors), "\n"]
    if errors and not fields:
        parts.append(f"\n  <div>{hidden}</div>\n")
    parts.append("\n")
    for number, (field, _errors) in enumerate(fields, start=1):
        classes = field.css_classes()
        shown = f' class="{conditional_escape(classes)}"' if classes else ""
        last = f"\n      {hidden}\n    " if number == len(fields) else ""
        parts.append(f"\n  <div{shown}>\n    {field.as_field_group()}\n    {last}\n</div>\n")
    parts.append("\n")
    if not fields and not errors:
        parts.append(f"\n  {hidden}\n")
    return "".join(parts).strip()


class TranslatedBoundField(BoundField):
    """A bound field whose label and help text are translated once: they are lazy texts,
    translated again each time the label, the widget's attributes or the group read them
    (a dozen times a field)."""

    def __init__(self, form: Any, field: Any, name: str) -> None:
        super().__init__(form, field, name)
        self.label, self.help_text = str(self.label), str(self.help_text)


class FastRenderer(DjangoTemplates):
    """Django's default renderer, with the plain widgets and labels written in Python."""

    bound_field_class = TranslatedBoundField

    def render(self, template_name: str, context: dict[str, Any],
               request: Any = None) -> str:
        widget = context.get("widget")
        if template_name in INPUTS and widget is not None:
            return mark_safe(_input(widget))  # noqa: S308 (every part escaped above)
        if template_name == "django/forms/widgets/textarea.html" and widget is not None:
            return mark_safe(_textarea(widget))  # noqa: S308
        if (template_name == "django/forms/widgets/select.html" and widget is not None
                and all(option["template_name"] == "django/forms/widgets/select_option.html"
                        for _n, group, _i in widget["optgroups"] for option in group)):
            return mark_safe(_select(widget))  # noqa: S308
        if template_name == "django/forms/label.html":
            return mark_safe(_label(context))  # noqa: S308
        if template_name in ERROR_LISTS and "errors" in context:
            return mark_safe(_errors(context))  # noqa: S308
        if template_name == "django/forms/div.html" and "fields" in context:
            return mark_safe(_div(context))  # noqa: S308
        if template_name == "django/forms/field.html" and not context["field"].use_fieldset:
            return mark_safe(_field(context["field"]))  # noqa: S308
        return super().render(template_name, context, request)
