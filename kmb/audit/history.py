"""Change history browsing over every model that keeps one (django-simple-history)."""

from django.db import models
from simple_history.models import registered_models


def tracked_models() -> dict[str, type[models.Model]]:
    """The models with a change history, keyed by their label ("accounts.user")."""
    return {
        model._meta.label_lower: model
        for model in registered_models.values()
        if hasattr(model, "history")
    }


def model_choices() -> list[tuple[str, str]]:
    choices = [
        (label, str(model._meta.verbose_name_plural).capitalize())
        for label, model in tracked_models().items()
    ]
    return sorted(choices, key=lambda choice: choice[1])


def changes(record) -> list[dict]:
    """What this history row changed against the previous one, field by field."""
    previous = record.prev_record
    model = record.instance_type
    if previous is None:
        return [
            {"field": field.verbose_name, "old": None, "new": getattr(record, field.attname)}
            for field in model._meta.concrete_fields
            if hasattr(record, field.attname) and field.attname != "id"
        ]
    delta = record.diff_against(previous)
    return [
        {
            "field": model._meta.get_field(change.field).verbose_name,
            "old": change.old,
            "new": change.new,
        }
        for change in delta.changes
    ]
