"""The default indicator set of §四: five common indicators (30 %) described as in §四(一),
and the individual indicators of §四(二) (70 %), equal weights inside each group."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from kaohe.plans.models import IndicatorGroup

COMMON = [
    ("political", _("政治素质"), _("政治忠诚、政治定力、政治担当、政治能力、政治自律；"
                                   "坚定理想信念，遵守政治纪律和政治规矩，"
                                   "贯彻执行党的理论和路线方针政策。")),
    ("ethics", _("职业道德"), _("忠于职守、爱岗敬业、勤勉奉献、主动作为；坚持原则、公道正派、"
                                "诚实守信；依法办事、严格依法履职。")),
    ("style", _("工作作风"), _("密切联系群众，为群众排忧解难；反对“四风”，力戒形式主义、官僚主义；"
                               "严谨审慎、担当负责；实事求是、真抓实干。")),
    ("integrity", _("廉洁自律"), _("遵守廉洁从政各项纪律要求，秉公用权、公私分明，严于律己、"
                                   "廉洁修身，尚俭戒奢，树立良好家风。")),
    ("attendance", _("出勤情况"), _("严格遵守工作纪律，严格执行请销假制度及出勤率等情况。")),
]
INDIVIDUAL = [
    ("quantity", _("工作数量"), _("完成分解任务和临时任务的数量。")),
    ("quality", _("工作质量"), _("完成工作的质量。")),
    ("efficiency", _("工作效率"), _("完成工作的及时性和效率。")),
    ("results", _("工作成效"), _("工作产生的效益和成效，承担急难险重任务的表现。")),
    ("ability", _("业务能力"), _("履行职责的业务素质和能力。")),
]


def default_indicators() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for group, items in [(IndicatorGroup.COMMON, COMMON), (IndicatorGroup.INDIVIDUAL, INDIVIDUAL)]:
        weight = Decimal(100) / len(items)
        for position, (code, name, description) in enumerate(items):
            rows.append({"group": group, "code": code, "name": str(name),
                         "description": str(description), "weight": weight,
                         "position": position})
    return rows
