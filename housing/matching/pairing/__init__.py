"""Pairing proposals beside the flats: a case manager for each open case without one, and the
support services that fit a household's needs.

Case managers: a manager fits a case when they look after the household's municipality (its
permanent residence or a preferred one; a manager without a territory covers the whole ORP) or
managed the household before (continuity); they take cases up to their maximum caseload. Among
the fitting managers the score prefers continuity, the household's own municipality and the
specialisations the case needs, and `engine.assign_with_capacity` spreads the cases towards
smaller caseloads.

Support services: a service fits a need by its type, must cover the household's municipality and
have free places; it can be referred to only under the household's valid consent to share with
the provider's organisation, otherwise the proposal says that consent is needed.

Everything is read in a constant number of queries, however many cases, managers or services.
"""

from housing.matching.pairing.managers import (
    CaseManagerProposals,
    CaseProposal,
    accept_case_managers,
    propose_case_managers,
)
from housing.matching.pairing.services import (
    Fitness,
    ServiceOption,
    ServiceProposals,
    SupportProposals,
    propose_services,
    propose_support,
)

__all__ = [
    "CaseManagerProposals",
    "CaseProposal",
    "Fitness",
    "ServiceOption",
    "ServiceProposals",
    "SupportProposals",
    "accept_case_managers",
    "propose_case_managers",
    "propose_services",
    "propose_support",
]
