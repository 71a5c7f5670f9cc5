"""`kaohe import-org FILE`: create or update an organ from a JSON or XLSX file.

The format is in docs/import-format.md. A file with any problem is refused whole: every problem
is printed, one per line, and nothing is written.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from kaohe.org.importer import (
    KIND_LABELS,
    ImportRefused,
    ImportResult,
    import_file,
    load_file,
    write_xlsx,
)


class Command(BaseCommand):
    help = (
        "从 JSON 或 XLSX 文件新建或更新一个机关：科室、人员、登录账号、主要负责人、分管领导、"
        "办公室、纪检联络员和考核委员会。格式见 docs/import-format.md。"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", nargs="?", help="要导入的 .json 或 .xlsx 文件")
        parser.add_argument("--dry-run", action="store_true",
                            help="只检查并报告将做的改动，不写入数据库")
        parser.add_argument("--xlsx-template", metavar="OUT.xlsx",
                            help="不导入，而是写出一个按导入格式排好的 XLSX 表格")
        parser.add_argument("--from", dest="template_source", metavar="FILE.json",
                            help="与 --xlsx-template 同用：把这个文件的内容填进表格")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["xlsx_template"]:
            self.write_template(Path(options["xlsx_template"]), options["template_source"])
            return
        if options["template_source"]:
            raise CommandError(_("--from 只能与 --xlsx-template 一起使用"))
        if not options["file"]:
            raise CommandError(_("请指定要导入的文件（.json 或 .xlsx）"))
        try:
            result = import_file(options["file"], dry_run=options["dry_run"])
        except ImportRefused as refused:
            raise CommandError(refusal_text(refused)) from None
        self.report(result)

    def write_template(self, out: Path, source: str | None) -> None:
        if out.suffix.lower() != ".xlsx":
            raise CommandError(_("表格文件名须以 .xlsx 结尾：%(name)s") % {"name": out})
        try:
            data = load_file(source) if source else None
        except ImportRefused as refused:
            raise CommandError(refusal_text(refused)) from None
        write_xlsx(out, data)
        self.stdout.write(_("已写出 %(name)s") % {"name": out})

    def report(self, result: ImportResult) -> None:
        if result.dry_run:
            self.stdout.write(_("试运行：以下是导入将做的改动，数据库未作任何改动。"))
        self.stdout.write(_("机关 %(code)s（%(name)s）：共 %(changes)d 处改动") % {
            "code": result.organ_code, "name": result.organ_name, "changes": result.changed})
        for kind, counts in result.counts.items():
            line = _("  %(kind)s：新建 %(created)d，更新 %(updated)d，未变 %(unchanged)d") % {
                "kind": KIND_LABELS[kind], "created": counts.created, "updated": counts.updated,
                "unchanged": counts.unchanged}
            if counts.deleted:
                line += _("，删除 %(deleted)d") % {"deleted": counts.deleted}
            self.stdout.write(line)
        if result.absent_people:
            self.stdout.write(_("数据库中另有本机关人员 %(count)d 名不在文件中，未作改动。") % {
                "count": result.absent_people})
        for warning in result.warnings:
            self.stdout.write(self.style.WARNING(_("提示：%(warning)s") % {"warning": warning}))
        self.report_accounts(result)

    def report_accounts(self, result: ImportResult) -> None:
        if not result.new_accounts:
            return
        if result.dry_run:
            self.stdout.write(_("将新建账号："))
            for account in result.new_accounts:
                self.stdout.write(f"  {account.username}（{account.name}）")
            return
        self.stdout.write(_("新账号及初始密码（只显示这一次，请转交本人）："))
        for account in result.new_accounts:
            password = account.password if account.generated else _("（文件中给定的密码）")
            self.stdout.write(f"  {account.username}（{account.name}） → {password}")


def refusal_text(refused: ImportRefused) -> str:
    """The refusal as the command prints it: a summary line, then one problem per line."""
    head = _("导入被拒绝（%(count)d 个问题），数据库未作任何改动：") % {
        "count": len(refused.problems)}
    return "\n".join([head, *(str(problem) for problem in refused.problems)])
