"""State changes of the support network: the directory, referrals, assistance plans and the support
given under them. Views call these; each validates before it saves, takes a `by=` user for the
audit trail and lists its side effects."""

from providers.services.common import valid_consent_to
from providers.services.directory import (
    create_provider,
    save_service,
    set_free_places,
    update_provider,
)
from providers.services.plans import (
    add_goal,
    add_step,
    create_plan,
    end_cooperation,
    log_visit,
    record_review,
    set_goal_state,
    set_step_done,
    update_plan,
)
from providers.services.referrals import answer_referral, refer_household, withdraw_referral

__all__ = [
    "add_goal",
    "add_step",
    "answer_referral",
    "create_plan",
    "create_provider",
    "end_cooperation",
    "log_visit",
    "record_review",
    "refer_household",
    "save_service",
    "set_free_places",
    "set_goal_state",
    "set_step_done",
    "update_plan",
    "update_provider",
    "valid_consent_to",
    "withdraw_referral",
]
