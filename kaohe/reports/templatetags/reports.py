"""`{% panels board.panels %}`: a board's panels, each a card written by
kaohe.reports.layout, with the page's download addresses (`export_url`, `chart_url`) and its
filters (`query`)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from kaohe.reports.layout import Downloads, Panel, panels_html

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: template.Context, shown: list[Panel]) -> SafeString:
    downloads = Downloads(*(str(context.get(name, "")) for name in
                            ("export_url", "chart_url", "query")))
    return panels_html(shown, downloads)
