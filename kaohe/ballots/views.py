"""The 民主测评 pages: the office's list and ballot (set-up, who has voted, results, paper
ballots), and the voter's sheet. Thin: the rules are in kaohe/ballots/rules.py, the changes in
services, access in kaohe.org.access."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kaohe.ballots import selectors, services
from kaohe.ballots.forms import AnswersForm, BallotForm, PairingForm
from kaohe.ballots.models import Ballot, Pairing
from kaohe.lib.actions import attempt, attempt_on, form_errors
from kaohe.org import access
from kaohe.org.http import ActorRequest
from kaohe.org.models import Organ, Person


def _organ(request: ActorRequest, code: str) -> Organ:
    organ = access.get_organ(request.actor, code)  # 404 outside what the actor may see
    if not access.may_see_ballots(request.actor, organ):
        raise PermissionDenied
    return organ


def _ballot(request: ActorRequest, pk: int) -> Ballot:
    ballot = get_object_or_404(Ballot.objects.select_related("organ"), pk=pk)
    _organ(request, ballot.organ.code)
    return ballot


@login_required
def ballot_list(request: ActorRequest, code: str) -> HttpResponse:
    organ = _organ(request, code)
    may_run = access.may_run_ballots(request.actor, organ)
    today = timezone.localdate()
    form = BallotForm(request.POST or None, initial={"year": today.year})
    if request.method == "POST":
        if not may_run:
            raise PermissionDenied
        if form.is_valid() and attempt_on(form, request, services.ballot_open, organ=organ,
                                          setup=_setup(form)):
            messages.success(request, _("已创建民主测评，可在开始日期前调整测评名单和权重。"))
            return redirect("ballot_list", code=organ.code)
    return render(request, "ballots/list.html", {
        "organ": organ, "ballots": selectors.of_organ(organ), "form": form,
        "may_run": may_run, "today": today, "tab": "ballots",
    }, status=422 if form.errors else 200)


def _setup(form: BallotForm) -> services.Setup:
    data = form.cleaned_data
    return services.Setup(
        title=data["title"], year=data["year"], quarter=data["quarter"],
        opens_on=data["opens_on"], closes_on=data["closes_on"], scale=data["scale"],
        questions=form.question_list(), min_votes=data["min_votes"])


@login_required
def ballot_detail(request: ActorRequest, pk: int) -> HttpResponse:
    ballot = _ballot(request, pk)
    today = timezone.localdate()
    visible = ballot.results_visible(today)
    may_run = access.may_run_ballots(request.actor, ballot.organ)
    editable = may_run and ballot.is_editable(today)  # who votes for whom, and the weights
    paper_class = request.GET.get("paper", "")
    return render(request, "ballots/detail.html", {
        "organ": ballot.organ, "ballot": ballot, "tab": "ballots", "today": today,
        "may_run": may_run, "editable": editable,
        "classes": ballot.classes.all(),
        "voters": selectors.voters(ballot),
        "results": _results(ballot) if visible else [],
        "pairing_form": PairingForm(ballot=ballot),
        "pairings": (Pairing.objects.filter(ballot=ballot)
                     .select_related("voter", "candidate", "voter_class")
                     .order_by("candidate__section__code", "candidate__name", "voter__name")
                     if editable else []),
        "paper_form": (_paper_form(ballot, paper_class, request.GET.get("section", ""))
                       if paper_class and may_run and not visible else None),
        "paper_class": paper_class,
        "sections": ballot.organ.sections.order_by("code"),
    })


def _results(ballot: Ballot) -> list[tuple[Person, selectors.PersonResult]]:
    found = selectors.results(ballot)
    people = Person.objects.filter(pk__in=found).select_related("section").order_by(
        "section__code", "name")
    return [(person, found[person.pk]) for person in people]


def _paper_form(ballot: Ballot, class_key: str, section: str,
                data: Any = None) -> AnswersForm:
    pairings = (Pairing.objects.filter(ballot=ballot, voter_class__key=class_key)
                .select_related("candidate__section").order_by("candidate__name"))
    if section:
        pairings = pairings.filter(candidate__section__code=section)
    unique = list({p.candidate_id: p for p in pairings}.values())
    return AnswersForm(data, ballot=ballot, candidates=unique, required=False)


def _office_post(view: Callable[[ActorRequest, Ballot], None]) -> Callable[..., HttpResponse]:
    """A change the office makes on the ballot's page, which it then shows again."""
    @login_required
    @require_POST
    def wrapped(request: ActorRequest, pk: int) -> HttpResponse:
        ballot = _ballot(request, pk)
        if not access.may_run_ballots(request.actor, ballot.organ):
            raise PermissionDenied
        view(request, ballot)
        return redirect("ballot_detail", pk=ballot.pk)
    return wrapped


@_office_post
def ballot_weights(request: ActorRequest, ballot: Ballot) -> None:
    try:
        weights = {c.key: Decimal(request.POST.get(f"weight_{c.key}", ""))
                   for c in ballot.classes.all()}
    except InvalidOperation:
        messages.error(request, _("权重须为数字。"))
        return
    if attempt(request, services.class_weights_save, ballot=ballot, weights=weights):
        messages.success(request, _("已保存权重。"))


@_office_post
def pairing_add(request: ActorRequest, ballot: Ballot) -> None:
    form = PairingForm(request.POST, ballot=ballot)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return
    people = {p.personnel_no: p for p in Person.objects.filter(
        organ=ballot.organ, personnel_no__in=[form.cleaned_data["voter"],
                                              form.cleaned_data["candidate"]])}
    voter, candidate = (people.get(form.cleaned_data[k]) for k in ("voter", "candidate"))
    if voter is None or candidate is None:
        messages.error(request, _("本机关没有该人员编号。"))
    elif attempt(request, services.pairing_add, ballot=ballot, voter=voter,
                 candidate=candidate, class_key=form.cleaned_data["voter_class"]):
        messages.success(request, _("已加入测评名单。"))


@_office_post
def pairing_remove(request: ActorRequest, ballot: Ballot) -> None:
    pairing = request.POST.get("pairing", "")
    if pairing.isdigit() and attempt(request, services.pairing_remove, ballot=ballot,
                                     pairing_id=int(pairing)):
        messages.success(request, _("已从测评名单中移除。"))


@_office_post
def ballot_close(request: ActorRequest, ballot: Ballot) -> None:
    if attempt(request, services.ballot_close, ballot=ballot):
        messages.success(request, _("已结束投票，测评结果可以查看。"))


@_office_post
def paper_ballot(request: ActorRequest, ballot: Ballot) -> None:
    class_key = request.POST.get("paper", "")
    form = _paper_form(ballot, class_key, request.POST.get("section", ""), request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
    elif attempt(request, services.paper_ballot_enter, ballot=ballot, class_key=class_key,
                 answers=form.answers()):
        messages.success(request, _("已录入一张纸质票。"))


@login_required
def ballot_vote(request: ActorRequest, pk: int) -> HttpResponse:
    """The voter's sheet: everyone they rate, every question; sent once."""
    ballot = get_object_or_404(Ballot, pk=pk)
    voter = request.actor.person
    pairings = selectors.sheet(ballot, voter) if voter else []
    if not pairings:
        raise Http404  # not a voter of this ballot: nothing here is theirs to see
    if selectors.has_voted(ballot, voter):  # type: ignore[arg-type]
        return render(request, "ballots/voted.html", {"ballot": ballot})
    form = AnswersForm(request.POST or None, ballot=ballot, candidates=pairings)
    if request.method == "POST" and form.is_valid() and attempt_on(
            form, request, services.ballot_vote, ballot=ballot, answers=form.answers()):
        messages.success(request, _("已提交，感谢参加民主测评。投票不记名，任何人都无法看到您的"
                                    "评价。"))
        return redirect("home")
    return render(request, "ballots/vote.html", {
        "ballot": ballot, "form": form, "open": ballot.is_open(timezone.localdate()),
    }, status=422 if request.method == "POST" else 200)


