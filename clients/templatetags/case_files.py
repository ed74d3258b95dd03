from django import template

from clients.models import Ethos

register = template.Library()


@register.filter
def ethos_label(code: str) -> str:
    """The ETHOS category's label for a code annotated on a list row."""
    return Ethos(code).label if code in Ethos.values else ""
