"""Background jobs (decision 0028): work a person asks for that takes longer than a page should
(the forms' zip, a large export, the annual roll-up, the reminders), as they follow it on its
page: what it is, its state and progress, its error, and the file to download once done.

The queue itself is Django's tasks API on the database (django_tasks_db): a job names its queue
entry by id. The file is written under KAOHE_JOBS_DIR, never into the database."""

from __future__ import annotations

from collections.abc import Mapping

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.org import scopes
from kaohe.org.querysets import RestrictedQuerySet, Scope


class Kind(models.TextChoices):
    FORMS_ZIP = "forms_zip", _("全部登记表（zip）")
    RESULTS_EXPORT = "results_export", _("考核结果统计表（Excel）")
    ANNUAL_ROLLUP = "annual_rollup", _("各机关年度考核汇总表（Excel）")
    REMINDERS = "reminders", _("待办提醒")


class JobState(models.TextChoices):
    QUEUED = "queued", _("等待处理")
    RUNNING = "running", _("正在处理")
    DONE = "done", _("已完成")
    FAILED = "failed", _("未能完成")


UNFINISHED = (JobState.QUEUED, JobState.RUNNING)
FINISHED = (JobState.DONE, JobState.FAILED)


class JobQuerySet(RestrictedQuerySet["Job"]):
    def _scopes(self) -> Mapping[str, Scope]:
        return {"view": scopes.job_scope}

    def unfinished(self) -> JobQuerySet:
        return self.filter(state__in=UNFINISHED)


class Job(models.Model):
    # None: the installation's own job (the reminders cron asks for), which no page shows.
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                              blank=True, related_name="jobs", verbose_name=_("申请人"))
    kind = models.CharField(_("类型"), max_length=32, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=200)
    arguments = models.JSONField(_("参数"), default=dict)
    # The language of the page it was asked from: its file and messages are written in it.
    language = models.CharField(_("语言"), max_length=16)
    state = models.CharField(_("状态"), max_length=8, choices=JobState.choices,
                             default=JobState.QUEUED)
    done = models.PositiveIntegerField(_("已完成"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    outcome = models.CharField(_("结果"), max_length=500, blank=True)
    file = models.CharField(_("文件"), max_length=200, blank=True)  # within KAOHE_JOBS_DIR
    filename = models.CharField(_("下载文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    task_id = models.CharField(_("队列编号"), max_length=64, blank=True, db_index=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "created_at"]),
                   models.Index(fields=["state", "finished_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def downloadable(self) -> bool:
        return self.state == JobState.DONE and bool(self.file)

    @property
    def percent(self) -> int:
        return 100 * self.done // self.total if self.total else 0


class Worker(models.Model):
    """A running `kaohe worker` as last heard from. A worker killed half-way through a job
    never says so: when its row stops being refreshed, the job is queued again
    (kaohe/jobs/workers.py)."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("后台进程")
        verbose_name_plural = _("后台进程")

    def __str__(self) -> str:
        return f"{self.host}:{self.pid}"
