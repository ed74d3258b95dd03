"""What a KMB manager configures for matching: the KMB's weights and norms, each municipality's
allocation rules and the list of decline reasons.

The checks that go beyond a single field (contradictory norms, a maximum rent for programs but no
rent) live here as `check_settings` / `check_rules`, so that the forms show them next to the
fields and the services refuse them whoever calls. Every save of settings and rules writes a
history row (simple-history) naming the manager.
"""

import numpy as np
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from housing.matching import engine
from housing.models import DeclineParty, DeclineReason, Flat, MatchingSettings, MunicipalRules
from kmb.accounts.models import Organisation, User

# --- Reads ------------------------------------------------------------------------------------


def settings_of(kmb: Organisation) -> MatchingSettings:
    """The KMB's stored settings, or unsaved defaults until a manager saves them the first time."""
    return MatchingSettings.objects.filter(kmb=kmb).first() or MatchingSettings(kmb=kmb)


def rules_of(municipality) -> MunicipalRules:
    """The municipality's stored rules, or unsaved rules that require nothing."""
    return MunicipalRules.objects.filter(municipality=municipality).first() or MunicipalRules(
        municipality=municipality
    )


# --- Checks -----------------------------------------------------------------------------------


def check_settings(settings: MatchingSettings) -> None:
    """Raise ValidationError (by field) for norms that contradict each other or weights that
    leave nothing to rank by. Single fields are checked by the model's validators."""
    errors = {}
    weights = settings.weights()
    if all(weight is not None for weight in weights.values()) and not any(weights.values()):
        errors["weight_urgency"] = _(
            "Set at least one weight above zero: with every weight at zero all households "
            "score the same and nobody can be ranked."
        )
    per_room, spare = settings.max_persons_per_room, settings.max_spare_rooms
    if per_room and spare is not None and spare + 1 < 1 / float(per_room):
        errors["max_spare_rooms"] = _(
            "The occupancy norms contradict each other: with at most %(per_room)s persons per "
            "room a household of one needs %(rooms)s rooms, but may have at most %(allowed)s. "
            "Allow more spare rooms or more persons per room."
        ) % {
            "per_room": formats.localize(per_room),
            "rooms": int(np.ceil(1 / float(per_room))),
            "allowed": spare + 1,
        }
    if errors:
        raise ValidationError(errors)
    _check_with_engine(settings)


def _check_with_engine(settings: MatchingSettings) -> None:
    """The engine's own validation, the last word on what it can compute with."""
    try:
        engine.Settings(
            max_persons_per_room=float(settings.max_persons_per_room),
            min_area_per_person=float(settings.min_area_per_person),
            max_spare_rooms=int(settings.max_spare_rooms),
            max_housing_cost_share=settings.max_housing_cost_share / 100,
            weights={name: float(weight) for name, weight in settings.weights().items()},
        ).validate()
    except engine.InvalidSettings as error:
        raise ValidationError(
            _("The matching cannot work with these settings: %(reason)s") % {"reason": error}
        ) from error


def check_rules(rules: MunicipalRules) -> None:
    """Raise ValidationError (by field) for rules that contradict each other: programs for a
    maximum rent that is not given, a maximum rent of zero (no flat could be let) or a negative
    debt limit."""
    errors = {}
    if rules.max_rent_programs and rules.max_rent is None:
        errors["max_rent"] = _(
            "You chose the programs the maximum rent applies to, but no maximum rent: enter "
            "the rent or untick the programs."
        )
    elif rules.max_rent is not None and rules.max_rent <= 0:
        errors["max_rent"] = _max_rent_of_zero(rules)
    if rules.max_municipal_debt is not None and rules.max_municipal_debt < 0:
        errors["max_municipal_debt"] = _(
            "The maximum debt cannot be negative: enter 0 for no debt at all, or leave it empty "
            "for no limit."
        )
    if errors:
        raise ValidationError(errors)


def _max_rent_of_zero(rules: MunicipalRules) -> str:
    free = Flat.objects.free().filter(municipality_id=rules.municipality_id)
    if rules.max_rent_programs:
        free = free.filter(program__in=rules.max_rent_programs)
    count = free.count()
    if not count:
        return _(
            "A maximum rent of 0 CZK would let no flat: enter a rent above zero, or leave it "
            "empty for no limit."
        )
    return ngettext(
        "A maximum rent of 0 CZK would rule out the %(count)s free flat it applies to: enter a "
        "rent above zero, or leave it empty for no limit.",
        "A maximum rent of 0 CZK would rule out all %(count)s free flats it applies to: enter a "
        "rent above zero, or leave it empty for no limit.",
        count,
    ) % {"count": count}


# --- Saving -----------------------------------------------------------------------------------


@transaction.atomic
def save_settings(*, settings: MatchingSettings, by: User) -> MatchingSettings:
    """Save the KMB's weights and norms (created on the first save). Refused with the reason when
    they contradict each other. Side effect: a history row naming `by`. Proposals already made
    keep the settings they were made with (their snapshot)."""
    settings.full_clean()
    check_settings(settings)
    settings._history_user = by
    settings.save()
    return settings


@transaction.atomic
def save_rules(*, rules: MunicipalRules, by: User) -> MunicipalRules:
    """Save a municipality's allocation rules (created on the first save). Refused with the
    reason when they contradict each other. Side effect: a history row naming `by`."""
    rules.support_required_programs = list(dict.fromkeys(rules.support_required_programs))
    rules.max_rent_programs = list(dict.fromkeys(rules.max_rent_programs))
    rules.full_clean()
    check_rules(rules)
    rules._history_user = by
    rules.save()
    return rules


# --- Decline reasons --------------------------------------------------------------------------


@transaction.atomic
def add_decline_reason(
    *, kmb: Organisation, party: DeclineParty, text: str, by: User
) -> DeclineReason:
    """Add a reason to the KMB's list for `party`. Refused if the list already has it."""
    reason = DeclineReason(kmb=kmb, party=party, text=" ".join(text.split()))
    return _save_reason(reason, by=by)


@transaction.atomic
def edit_decline_reason(*, reason: DeclineReason, text: str, by: User) -> DeclineReason:
    """Reword a reason. Decisions already recorded keep the text they were given (it was copied
    onto them), so rewording never changes the past."""
    reason.text = " ".join(text.split())
    return _save_reason(reason, by=by)


@transaction.atomic
def retire_decline_reason(*, reason: DeclineReason, by: User) -> DeclineReason:
    """Take a reason off the list offered for new declines; past decisions keep its text."""
    reason.is_active = False
    return _save_reason(reason, by=by)


@transaction.atomic
def restore_decline_reason(*, reason: DeclineReason, by: User) -> DeclineReason:
    """Offer a retired reason again."""
    reason.is_active = True
    return _save_reason(reason, by=by)


def _save_reason(reason: DeclineReason, *, by: User) -> DeclineReason:
    reason._history_user = by  # the reason's change history names who changed it
    reason.full_clean()
    try:
        with transaction.atomic():
            reason.save()
    except IntegrityError as error:  # the same reason added twice at the same moment
        raise ValidationError({"text": _("This reason is already on the list.")}) from error
    return reason
