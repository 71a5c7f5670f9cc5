from typing import Any

from django.core.management.base import BaseCommand

from kaohe.org.demo import DEMO_PASSWORD, ORG_DEPARTMENT_USER, TECHNICAL_ADMINS, load_demo

# The logins a newcomer needs first; all demo accounts share one password.
HIGHLIGHTS = [
    ("zhoujg", "主要负责人（党组书记、局长） principal"),
    ("limy", "分管领导（副局长） leader in charge"),
    ("zhaowj", "办公室主任：机关党委办公室 + 科室正职 office + section chief"),
    ("zhenghf", "科室正职（大气环境科科长） section chief"),
    ("fengx", "科室工作人员 staff member"),
    ("yanb", "纪检联络员 + 科室工作人员 discipline liaison + staff"),
    (ORG_DEPARTMENT_USER, "上级组织部门（只读） organization department, read-only"),
]


class Command(BaseCommand):
    help = "Load (or refresh) the demo organ 青川市生态环境局 and its demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        result = load_demo()
        self.stdout.write(f"{result.organ_name} ({result.organ_code}): {result.changed} changes")
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in HIGHLIGHTS:
            self.stdout.write(f"  {username:<12} {role}")
        for username, role in TECHNICAL_ADMINS.items():
            self.stdout.write(f"  {username:<12} {role.label} {role.value} administrator")
