"""民主测评 (decision 0031): a ballot of an organ for a quarter or the year, its classes of
voters, who votes for whom, who has voted, and the tallies. No vote is stored: an answer is
added to its tally, and who voted is kept apart from what was voted."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaohe.ballots import rules
from kaohe.org.models import Organ, Person


class Scale(models.TextChoices):
    GRADES = rules.GRADES, _("好、较好、一般、较差")
    SCORE = rules.SCORE, _("百分制（0–100）")


class Ballot(models.Model):
    organ = models.ForeignKey(Organ, on_delete=models.CASCADE, related_name="ballots")
    year = models.PositiveIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"), null=True, blank=True,
                                               help_text=_("空：年度测评"))
    title = models.CharField(_("名称"), max_length=200)
    scale = models.CharField(_("评价方式"), max_length=8, choices=Scale.choices,
                             default=Scale.GRADES)
    questions = models.JSONField(_("测评项目"))  # list of names, e.g. 德、能、勤、绩、廉
    min_votes = models.PositiveSmallIntegerField(
        _("最少票数"), default=rules.DEFAULT_MIN_VOTES,
        help_text=_("某类测评人的票数少于此数时不显示该类结果，以免推知投票人。"))
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    closed_early = models.DateTimeField(_("提前结束时间"), null=True, blank=True)
    paper_ballots = models.PositiveIntegerField(_("录入的纸质票"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("民主测评")
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: datetime.date) -> bool:
        return self.opens_on <= today <= self.closes_on and self.closed_early is None

    def is_editable(self, today: datetime.date) -> bool:
        """Who votes for whom, the classes and questions change only before voting starts."""
        return today < self.opens_on and self.closed_early is None

    def results_visible(self, today: datetime.date) -> bool:
        """Only once voting has ended: counts that move while people vote would tell who
        voted how to someone watching them."""
        return self.closed_early is not None or today > self.closes_on


class VoterClass(models.Model):
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="classes")
    key = models.CharField(max_length=32)
    name = models.CharField(_("测评人类别"), max_length=100)
    weight = models.DecimalField(_("权重"), max_digits=4, decimal_places=2,
                                 default=Decimal("1.00"))

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["ballot", "key"], name="one_class_key")]

    def __str__(self) -> str:
        return self.name


class Pairing(models.Model):
    """`voter` rates `candidate` as one of `voter_class`."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="pairings")
    voter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "voter", "candidate"],
                                               name="one_pairing")]
        indexes = [models.Index(fields=["ballot", "voter"])]

    def __str__(self) -> str:
        return f"{self.voter_id} → {self.candidate_id}"


class Participation(models.Model):
    """Who has voted, and nothing of what: the unique pair refuses a second vote, racing or
    not. No time is kept, so that no order of events could be matched against the tallies."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="participations")
    voter = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ballot", "voter"], name="one_vote")]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.voter_id}"


class Tally(models.Model):
    """The sum of the answers one person got for one question from one class of voters."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="tallies")
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    voter_class = models.ForeignKey(VoterClass, on_delete=models.CASCADE, related_name="+")
    question = models.PositiveSmallIntegerField()
    votes = models.PositiveIntegerField(default=0)
    points = models.PositiveIntegerField(default=0)
    # The grade scale's answers counted one by one, for the distribution.
    good = models.PositiveIntegerField(default=0)
    fairly_good = models.PositiveIntegerField(default=0)
    average = models.PositiveIntegerField(default=0)
    poor = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["ballot", "candidate", "voter_class", "question"], name="one_tally")]

    def __str__(self) -> str:
        return f"{self.ballot_id} {self.candidate_id} {self.voter_class_id} {self.question}"


# The grade answers and the Tally field that counts each.
COUNTED = {"好": "good", "较好": "fairly_good", "一般": "average", "较差": "poor"}
