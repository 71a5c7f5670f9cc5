"""The demo organ: a municipal ecology and environment bureau shaped like the one in the seed
plan (its sections, a principal, three deputy directors, the committee of §一, a discipline
liaison, the office) with 21 people taking part, so that the 40 % cap gives 8 (§八(一)).
All names are fictional."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.db import transaction

from kaohe.accounts.models import TechnicalRole, User
from kaohe.org.importer import ImportResult, import_organ
from kaohe.org.models import OrgDepartment

DEMO_FILE = Path(__file__).with_name("organ.json")
DEMO_PASSWORD = "Kaohe-demo-2025"  # noqa: S105 (documented demo credential)
ORG_DEPARTMENT_USER = "zzb"
TECHNICAL_ADMINS = {"sysadmin": TechnicalRole.SYSTEM, "secadmin": TechnicalRole.SECURITY,
                    "auditadmin": TechnicalRole.AUDIT}


@dataclass
class DemoLogin:
    username: str
    name: str
    roles: str


def demo_data() -> dict:
    data = json.loads(DEMO_FILE.read_text(encoding="utf-8"))
    for row in data["people"]:
        row.setdefault("since", "2020-01-01")  # in post for years: every quarter is theirs
        if row.get("username"):
            row.setdefault("password", DEMO_PASSWORD)
            row.setdefault("must_change_password", False)
    return data


@transaction.atomic
def load_demo() -> ImportResult:
    result = import_organ(demo_data())
    # One hash for every extra demo account: hashing is deliberately slow.
    password = make_password(DEMO_PASSWORD)
    department = OrgDepartment.objects.get(code=demo_data()["organ"]["filed_with"]["code"])
    official, _ = User.objects.get_or_create(
        username=ORG_DEPARTMENT_USER, defaults={"first_name": "组织部干部", "password": password})
    department.members.add(official)
    for username, role in TECHNICAL_ADMINS.items():
        User.objects.get_or_create(username=username,
                                   defaults={"technical_role": role, "password": password})
    return result
