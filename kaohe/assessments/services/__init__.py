"""Every state change of the quarterly assessment, one function per change, by sub-domain:
`quarter` (open, publish, close: the office), `workflow` (summary, review, approval, feedback),
`places` (the split of the 好 places, §八(一)), `leave` (§十(三)) and `follow_ups` (§九(二)).
Callers import from here; the rules these functions apply live in kaohe.assessments.rules,
the reads in kaohe.assessments.selectors."""

from kaohe.assessments.services.common import lock_quarter
from kaohe.assessments.services.follow_ups import (
    create_follow_ups,
    follow_up_add,
    follow_up_done,
)
from kaohe.assessments.services.leave import (
    leave_correct,
    leave_delete,
    leave_record,
    undetermined_refresh,
)
from kaohe.assessments.services.notifications import (
    notification_open,
    notifications_retire,
    notify,
)
from kaohe.assessments.services.places import (
    check_frontline_weight,
    plan_amend_ratio,
    quota_plan_clear,
    quota_plan_save,
    ratio_refusal,
)
from kaohe.assessments.services.publication import publication_correct
from kaohe.assessments.services.quarter import (
    period_close,
    period_open,
    period_publish,
)
from kaohe.assessments.services.workflow import (
    Proposal,
    assessment_approve,
    assessment_propose,
    assessment_send_back,
    assessments_approve_batch,
    check_good_place,
    feedback_give,
    liaison_answer,
    liaison_ask,
    result_acknowledge,
    summary_return,
    summary_save,
    summary_submit,
)

__all__ = [
    "Proposal",
    "assessment_approve",
    "assessment_propose",
    "assessment_send_back",
    "assessments_approve_batch",
    "check_frontline_weight",
    "check_good_place",
    "create_follow_ups",
    "feedback_give",
    "follow_up_add",
    "follow_up_done",
    "leave_correct",
    "leave_delete",
    "leave_record",
    "liaison_answer",
    "liaison_ask",
    "lock_quarter",
    "notification_open",
    "notifications_retire",
    "notify",
    "period_close",
    "period_open",
    "period_publish",
    "plan_amend_ratio",
    "publication_correct",
    "quota_plan_clear",
    "quota_plan_save",
    "ratio_refusal",
    "result_acknowledge",
    "summary_return",
    "summary_save",
    "summary_submit",
    "undetermined_refresh",
]
