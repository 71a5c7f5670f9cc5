"""The split of the 好 places among sections (§八(一), decision 0015), as the people using it
would check it: the office fixes it, an approval beyond a section's share is refused citing
it, a split below what is already approved is refused, the batch approval takes its places
all at once or not at all, and the counters show the organ's places, one's own shares and,
without a split, who else holds a proposed 好.

The world (tests.personas): six take part, so 6 × 40 % = 2.4 → 2 places. Split by headcount
(甲科 3, 乙科 2, 办公室 1, nobody front-line), the places go 甲科 1, 乙科 1, 办公室 0."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client

from kaohe.accounts.models import User
from kaohe.assessments import rules, selectors, services
from kaohe.assessments.models import Assessment, SectionQuota, State, Transition
from kaohe.audit.models import AuditEvent
from kaohe.errors import NotAllowed, Refused
from kaohe.org import access
from kaohe.plans.models import Grade
from tests.assessments.test_services import approve, propose, refused_unchanged, submit
from tests.personas import World
from tests.races import postgres_only, race

# --- the rules, without a database ------------------------------------------------------------


def test_a_share_holds_as_many_places_as_it_was_given() -> None:
    share = rules.Share("甲科", places=2, used=1)
    assert rules.beyond_share(share) == "" and share.remaining == 1
    refusal = rules.beyond_share(share, asked=2)
    assert "甲科" in refusal and "名额分配" in refusal and "仅剩 1 个" in refusal
    assert rules.beyond_share(rules.Share("乙科", places=0, used=0)) != ""


def test_a_batch_is_measured_against_the_places_left_as_a_whole() -> None:
    quota = rules.Quota(participants=21, ratio=Decimal("0.400"), limit=8, used=6)
    assert rules.no_places_for(quota, 2) == "" and rules.no_places_for(quota, 0) == ""
    refusal = rules.no_places_for(quota, 3)
    assert "3 人" in refusal and "仅剩 2 个" in refusal and "未作任何审定" in refusal
    assert rules.no_places_for(rules.Quota(21, Decimal("0.4"), 8, 8), 1) == rules.no_place_left(
        rules.Quota(21, Decimal("0.4"), 8, 8))


def test_a_split_never_exceeds_the_limit_nor_falls_below_what_is_approved() -> None:
    names = {"a": "甲科", "b": "乙科"}
    assert rules.split_problem({"a": 1, "b": 1}, {"a": 1}, names, limit=2) == ""
    assert "超过" in rules.split_problem({"a": 2, "b": 1}, {}, names, limit=2)
    below = rules.split_problem({"a": 1, "b": 1}, {"a": 2}, names, limit=2)
    assert "甲科（2 > 1）" in below and "乙科" not in below


# --- fixing the split ------------------------------------------------------------------------

pytest_db = pytest.mark.django_db


def fix_split(world: World) -> dict[str, int]:
    services.quota_plan_save(period=world.periods["organ"], by=world.users["office"],
                             frontline_weight=Decimal("0.50"))
    return {q.section.code: q.places for q in SectionQuota.objects.select_related("section")}


def proposed_good(world: World, *personas: str) -> list[Assessment]:
    found = []
    for persona in personas:
        assessment = world.assessments[persona]
        submit(assessment)
        found.append(propose(assessment, Grade.GOOD, 95))
    return found


@pytest_db
def test_the_office_fixes_the_split_and_it_is_audited(world: World) -> None:
    assert fix_split(world) == {"a": 1, "b": 1, "office": 0}
    assert AuditEvent.objects.filter(object_type="assessments.sectionquota").count() == 3
    assert selectors.split_fixed(world.periods["organ"])


@pytest_db
def test_a_split_below_what_a_section_has_approved_is_refused(world: World) -> None:
    staff, colleague = proposed_good(world, "staff", "colleague")
    approve(staff)
    approve(colleague)  # no split yet: 甲科 takes both of the organ's places
    with pytest.raises(Refused) as refusal:
        fix_split(world)
    assert refusal.value.code == "split_below_approved"
    assert refusal.value.rule == rules.RULE_SHARE
    assert "甲科（2 > 1）" in refusal.value.message
    assert not SectionQuota.objects.exists()


@pytest_db
def test_a_split_that_keeps_what_is_approved_may_follow_approvals(world: World) -> None:
    (staff,) = proposed_good(world, "staff")
    approve(staff)
    assert fix_split(world)["a"] == 1


@pytest_db
def test_only_the_office_fixes_or_lifts_the_split(world: World) -> None:
    for persona in ("leader", "principal", "chief"):
        with pytest.raises(NotAllowed):
            services.quota_plan_save(period=world.periods["organ"], by=world.users[persona],
                                     frontline_weight=Decimal(0))
        with pytest.raises(NotAllowed):
            services.quota_plan_clear(period=world.periods["organ"], by=world.users[persona])
    assert not SectionQuota.objects.exists()


# --- the split binds the approvals -------------------------------------------------------------

@pytest_db
def test_approving_good_beyond_the_sections_share_is_refused_citing_the_split(
        world: World) -> None:
    fix_split(world)
    staff, colleague, other_staff = proposed_good(world, "staff", "colleague", "other_staff")
    approve(staff)
    refusal = refused_unchanged(colleague, lambda: approve(colleague), Refused)
    assert refusal.code == "good_share_exceeded"
    assert refusal.rule == rules.RULE_SHARE and refusal.rule.startswith("§八(一)")
    assert "甲科" in refusal.message and "办公室确定" in refusal.message
    assert selectors.quota(world.periods["organ"]).remaining == 1  # the organ had a place
    assert approve(other_staff).grade == Grade.GOOD  # 乙科's own share
    assert approve(colleague, grade=Grade.FAIRLY_GOOD, reason="本科室名额所限").grade == \
        Grade.FAIRLY_GOOD


@pytest_db
def test_a_chief_approved_by_the_principal_uses_the_sections_share(world: World) -> None:
    fix_split(world)
    staff, chief = proposed_good(world, "staff", "chief")
    approve(staff)
    refusal = refused_unchanged(chief, lambda: approve(chief), Refused)
    assert refusal.code == "good_share_exceeded" and "甲科" in refusal.message


@pytest_db
def test_without_a_split_the_organ_wide_cap_alone_binds(world: World) -> None:
    staff, colleague, other_staff = proposed_good(world, "staff", "colleague", "other_staff")
    approve(staff)
    approve(colleague)  # 甲科 takes both places: first come, first served
    refusal = refused_unchanged(other_staff, lambda: approve(other_staff), Refused)
    assert refusal.code == "good_quota_exceeded"


@pytest_db
def test_lifting_the_split_restores_the_organ_wide_cap(world: World) -> None:
    fix_split(world)
    staff, colleague = proposed_good(world, "staff", "colleague")
    approve(staff)
    services.quota_plan_clear(period=world.periods["organ"], by=world.users["office"])
    assert not SectionQuota.objects.exists()
    assert approve(colleague).grade == Grade.GOOD


# --- batch approval ----------------------------------------------------------------------------

def approve_batch(world: World, persona: str, *rows: Assessment) -> list[Assessment]:
    return services.assessments_approve_batch(period=world.periods["organ"],
                                              by=world.users[persona], assessments=list(rows))


@pytest_db
def test_a_batch_approves_each_at_its_proposed_grade(world: World) -> None:
    (staff,) = proposed_good(world, "staff")
    submit(world.assessments["colleague"])
    colleague = propose(world.assessments["colleague"], Grade.FAIRLY_GOOD, 85)
    done = approve_batch(world, "leader", staff, colleague)
    assert [(a.person.name, a.state, a.grade) for a in done] == [
        ("Staff", State.APPROVED, Grade.GOOD), ("Colleague", State.APPROVED, Grade.FAIRLY_GOOD)]
    assert Transition.objects.filter(action="approve", by=world.users["leader"]).count() == 2


@pytest_db
def test_a_batch_beyond_the_places_left_approves_no_one(world: World) -> None:
    staff, colleague, other_staff = proposed_good(world, "staff", "colleague", "other_staff")
    approve(other_staff)  # one place left of two
    history = Transition.objects.count()
    with pytest.raises(Refused) as refusal:
        approve_batch(world, "leader", staff, colleague)
    assert refusal.value.code == "good_quota_exceeded"
    assert "2 人" in refusal.value.message and "仅剩 1 个" in refusal.value.message
    assert {a.state for a in Assessment.objects.filter(pk__in=[staff.pk, colleague.pk])} == \
        {State.PROPOSED}
    assert Transition.objects.count() == history


@pytest_db
def test_a_batch_beyond_the_sections_share_approves_no_one(world: World) -> None:
    fix_split(world)
    staff, colleague = proposed_good(world, "staff", "colleague")
    with pytest.raises(Refused) as refusal:
        approve_batch(world, "leader", staff, colleague)
    assert refusal.value.code == "good_share_exceeded" and "本次需要 2 个" in refusal.value.message
    assert not Assessment.objects.filter(state=State.APPROVED).exists()


@pytest_db
def test_a_batch_with_someone_else_to_approve_approves_no_one(world: World) -> None:
    submit(world.assessments["staff"])
    staff = propose(world.assessments["staff"], Grade.FAIRLY_GOOD, 85)
    (other_staff,) = proposed_good(world, "other_staff")
    with pytest.raises(NotAllowed):
        approve_batch(world, "leader", staff, other_staff)
    assert not Assessment.objects.filter(state=State.APPROVED).exists()


# --- a race for the last place of a share (PostgreSQL) ----------------------------------------

def approval(assessment: Assessment, by: User) -> Callable[[], object]:
    return lambda: services.assessment_approve(assessment=assessment, by=by)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_approvers_racing_for_the_last_place_of_a_share_leave_one_winner(
        world: World) -> None:
    """甲科's one place: its staff (the leader in charge approves) against its chief (the
    principal approves), while the organ still has places left for both."""
    fix_split(world)
    staff, chief = proposed_good(world, "staff", "chief")
    contenders = [(staff, world.users["leader"]), (chief, world.users["principal"])]
    for _a, by in contenders:
        access.actor_for(by)
    for round_no in range(8):
        outcome = race([approval(a, by) for a, by in contenders])
        winners = [r for r in outcome if isinstance(r, Assessment)]
        losers = [r for r in outcome if isinstance(r, Refused)]
        assert len(winners) == 1 and len(losers) == 1, (round_no, outcome)
        assert losers[0].code == "good_share_exceeded", (round_no, losers[0].message)
        assert selectors.share_for(world.periods["organ"], world.section_a) == rules.Share(
            "甲科", 1, 1), round_no
        Assessment.objects.filter(pk__in=[staff.pk, chief.pk]).update(
            state=State.PROPOSED, grade="", approval_comment="", approval_reason="")


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_split_and_an_approval_racing_never_leave_a_share_below_its_approvals(
        world: World) -> None:
    """The office fixes the split while the leader approves 甲科's second 好: either the
    approval comes first and the split is refused, or the split first and the approval."""
    (staff,) = proposed_good(world, "staff")
    approve(staff)
    (colleague,) = proposed_good(world, "colleague")
    outcome = race([lambda: fix_split(world), approval(colleague, world.users["leader"])])
    refused = [r for r in outcome if isinstance(r, Refused)]
    assert len(refused) == 1, outcome
    assert refused[0].code in {"split_below_approved", "good_share_exceeded"}
    approved = selectors.places_by_section(world.periods["organ"]).get(world.section_a.pk, 0)
    shares = selectors.shares(world.periods["organ"])
    assert not shares or shares[world.section_a.pk].places >= approved


# --- the pages ----------------------------------------------------------------------------------

def page(client_for: Callable[[str | None], Client], persona: str, url: str,
         data: dict[str, object] | None = None) -> str:
    client = client_for(persona)
    response = client.post(url, data, follow=True) if data is not None else client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def period_url(world: World, tail: str) -> str:
    return f"/periods/{world.periods['organ'].pk}/{tail}"


@pytest_db
def test_with_a_split_the_screens_show_the_organ_counter_and_ones_own_share(
        client_for: Callable[[str | None], Client], world: World) -> None:
    fix_split(world)
    (staff,) = proposed_good(world, "staff")
    approve(staff)
    approval = page(client_for, "leader", period_url(world, "approval/"))
    assert "好：已用 1 / 2" in approval
    assert "甲科名额：“好”已用 1 / 1，剩余 0 个" in approval and "乙科名额" not in approval
    review = page(client_for, "other_chief", period_url(world, "review/"))
    assert "乙科名额：“好”已用 0 / 1，剩余 1 个" in review and "甲科名额" not in review
    counter = page(client_for, "principal", period_url(world, "quota/"))
    assert "甲科名额" in counter and "乙科名额" in counter and "办公室名额" in counter


@pytest_db
def test_without_a_split_approvers_see_who_else_holds_a_proposed_good(
        client_for: Callable[[str | None], Client], world: World) -> None:
    proposed_good(world, "staff", "other_chief")
    approval = page(client_for, "leader", period_url(world, "approval/"))
    assert 'data-testid="good-holders"' in approval
    # Staff's approver is their leader in charge; a chief's is the principal.
    assert "<td>Staff</td><td>甲科</td><td>Leader</td>" in approval
    assert "<td>Other Chief</td><td>乙科</td><td>Principal</td>" in approval
    review = page(client_for, "chief", period_url(world, "review/"))
    assert "另有 2 人拟定为“好”待审定" in review and 'data-testid="good-holders"' not in review


@pytest_db
def test_batch_approval_asks_for_confirmation_then_approves_all(
        client_for: Callable[[str | None], Client], world: World) -> None:
    staff, colleague = proposed_good(world, "staff", "colleague")
    confirm = page(client_for, "leader", period_url(world, "approval/batch/"), {"all": "1"})
    assert "将同意以下 2 人的拟定等次，其中“好” 2 人；全机关“好”等次名额剩余 2 个。" in confirm
    assert not Assessment.objects.filter(state=State.APPROVED).exists()  # not yet
    done = page(client_for, "leader", period_url(world, "approval/batch/"),
                {"assessments": [staff.pk, colleague.pk], "confirm": "1"})
    assert "已同意 2 人的拟定等次。" in done and "好：已用 2 / 2" in done
    assert Assessment.objects.filter(state=State.APPROVED).count() == 2


@pytest_db
def test_a_refused_batch_says_how_many_places_are_left(
        client_for: Callable[[str | None], Client], world: World) -> None:
    fix_split(world)
    staff, colleague = proposed_good(world, "staff", "colleague")
    done = page(client_for, "leader", period_url(world, "approval/batch/"),
                {"assessments": [staff.pk, colleague.pk], "confirm": "1"})
    assert "仅剩 1 个，本次需要 2 个" in done and rules.RULE_SHARE in done
    assert not Assessment.objects.filter(state=State.APPROVED).exists()


@pytest_db
def test_a_batch_takes_only_rows_waiting_for_this_approver(
        client_for: Callable[[str | None], Client], world: World) -> None:
    (other_staff,) = proposed_good(world, "other_staff")
    done = page(client_for, "leader", period_url(world, "approval/batch/"),
                {"assessments": [other_staff.pk], "confirm": "1"})
    assert "所选人员已不在待审定之列" in done
    empty = page(client_for, "leader", period_url(world, "approval/batch/"), {"chosen": "1"})
    assert "请先勾选要同意的人员" in empty
    assert not Assessment.objects.filter(state=State.APPROVED).exists()


@pytest_db
def test_the_office_reaches_the_split_from_the_quarters_page(
        client_for: Callable[[str | None], Client], world: World) -> None:
    periods = page(client_for, "office", "/periods/")
    link = f"/reports/organs/organ/quota/?period={world.periods['organ'].pk}"
    assert link in periods
    fixed = page(client_for, "office", "/reports/organs/organ/quota/",
                 {"frontline_weight": "0.50"})
    assert "已确定各科室“好”等次名额" in fixed and "已确定分配" in fixed
    lifted = page(client_for, "office", "/reports/organs/organ/quota/", {"clear": "1"})
    assert "已撤销名额分配" in lifted and not SectionQuota.objects.exists()
    assert link not in page(client_for, "leader", "/periods/")
