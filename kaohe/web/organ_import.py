"""The office's import page: upload the organ's XLSX or JSON file (docs/import-format.md),
read the importer's checks and its dry run in the browser, then apply the same file after
confirming. The checks and the writing are the importer's (kaohe.org.importer), as for the
`import-org` command; this page adds who may import which organ (kaohe.org.access), the size
limits (kaohe.limits) and an audit event naming the file."""

from __future__ import annotations

import hashlib
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kaohe import limits
from kaohe.audit import chain as audit
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.importer import KIND_LABELS, ImportRefused, ImportResult, import_file, load_file
from kaohe.org.importer.read import Problem, Where

SESSION_KEY = "organ_import"
SUFFIXES = (".json", ".xlsx")
STALE_SECONDS = 24 * 3600  # an upload never applied is removed after a day


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("机关文件（.xlsx 或 .json）"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("请上传 .xlsx 或 .json 文件。"))
        if upload.size > limits.IMPORT_BYTES:
            raise forms.ValidationError(_("文件不超过 %(limit)d KB，现为 %(size)d KB。") % {
                "limit": limits.IMPORT_BYTES // 1024, "size": upload.size // 1024})
        return upload


class ApplyForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    confirm = forms.BooleanField(label=gettext_lazy("我已核对试运行结果，确认导入"))


def _pending_root() -> Path:
    return Path(settings.VAR_DIR) / "imports"


def _allowed(request: ActorRequest) -> None:
    """Only an organ's office or the system administrator; 404 hides the page from others."""
    if not access.may_import(request.actor):
        raise Http404


@login_required
def organ_import(request: ActorRequest) -> HttpResponse:
    _allowed(request)
    return _page(request)


@login_required
@require_POST
def organ_import_check(request: ActorRequest) -> HttpResponse:
    """Keep the uploaded file and show what importing it would do; nothing is written."""
    _allowed(request)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, 400, form=form)
    _forget(request)
    token, path = _keep(form.cleaned_data["file"])
    result, problems = _run(request, path, dry_run=True)
    if result is None:
        shutil.rmtree(path.parent, ignore_errors=True)
        return _page(request, 400, name=path.name, problems=problems)
    request.session[SESSION_KEY] = {"token": token, "name": path.name}
    return _page(request, name=path.name, result=result,
                 apply_form=ApplyForm(initial={"token": token}))


@login_required
@require_POST
def organ_import_apply(request: ActorRequest) -> HttpResponse:
    """Import the file checked before, once confirmed; its checks run again on the way."""
    _allowed(request)
    form = ApplyForm(request.POST)
    pending = request.session.get(SESSION_KEY) or {}
    if not form.is_valid() or not secrets.compare_digest(
            str(pending.get("token", "")), form.cleaned_data["token"]):
        error = (_("请勾选确认后再导入。") if "confirm" in form.errors
                 else _("没有待导入的文件，或它已导入：请重新上传。"))
        return _page(request, 400, error=error)
    path = _pending_root() / pending["token"] / pending["name"]
    if not path.is_file():
        _forget(request)
        return _page(request, 400, error=_("没有待导入的文件，或它已导入：请重新上传。"))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    result, problems = _run(request, path, dry_run=False)
    _forget(request)
    if result is not None:
        audit.record("organ.import", object_type="org.organ", object_id=result.organ_code,
                     object_repr=result.organ_name[:200], new={
                         "file": path.name, "sha256": digest, "changes": result.changed})
    return _page(request, 200 if result is not None else 400, name=path.name, result=result,
                 problems=problems, applied=result is not None)


def _page(request: ActorRequest, status: int = 200, **context: Any) -> HttpResponse:
    result = context.get("result")
    context.setdefault("form", UploadForm())
    context["kinds"] = kinds(result) if result else []
    return render(request, "web/organ_import.html", context, status=status)


def _run(request: ActorRequest, path: Path, *, dry_run: bool
         ) -> tuple[ImportResult | None, list[Problem]]:
    """The importer's result, or the problems that refused the file (nothing written). The
    result's warnings also say when the file would take the importing person out of the
    office: its `office` list replaces the organ's."""
    here = Where(path.name)
    try:
        data = load_file(path)
        organ = data.get("organ") if isinstance(data, dict) else None
        code = str(organ.get("code", "")) if isinstance(organ, dict) else ""
        people = data.get("people") if isinstance(data, dict) else None
        numbers = [str(row.get("id", "")) for row in people or [] if isinstance(row, dict)]
        if code and not access.may_import_organ(request.actor, code, numbers):
            raise ImportRefused([Problem(here, "", _(
                "您只能导入本机关的文件；新建机关或调入其他机关的人员，请由系统管理员导入。"))])
        result = import_file(path, dry_run=dry_run)
    except ImportRefused as refused:
        return None, refused.problems
    me = request.actor.person
    if me is not None and me.personnel_no not in {str(n) for n in data.get("office") or []}:
        result.warnings.append(_("文件的办公室名单（office）中没有您本人：导入后您将不再是"
                                 "本机关办公室人员。"))
    return result, []


def _keep(upload: Any) -> tuple[str, Path]:
    """Store the upload until it is applied, under a random name only this session knows."""
    _remove_stale()
    token = secrets.token_hex(16)
    suffix = Path(upload.name).suffix.lower()
    stem = re.sub(r"[^\w-]", "", Path(upload.name).stem)[:80] or "organ"
    folder = _pending_root() / token
    folder.mkdir(parents=True, mode=0o700)
    path = folder / f"{stem}{suffix}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return token, path


def _forget(request: ActorRequest) -> None:
    pending = request.session.pop(SESSION_KEY, None)
    if pending and all(c in "0123456789abcdef" for c in str(pending.get("token", "x"))):
        shutil.rmtree(_pending_root() / pending["token"], ignore_errors=True)


def _remove_stale() -> None:
    root = _pending_root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder.is_dir() and time.time() - folder.stat().st_mtime > STALE_SECONDS:
            shutil.rmtree(folder, ignore_errors=True)


def kinds(result: ImportResult) -> list[tuple[Any, Any]]:
    """(label, counts) per kind of row, in the importer's order, for the preview's table."""
    return [(KIND_LABELS[kind], counts) for kind, counts in result.counts.items()]
