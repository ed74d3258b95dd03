from django.urls import path

from providers.views import coverage, directory, plans, portal, referrals

app_name = "providers"

urlpatterns = [
    # The directory
    path("", directory.provider_list, name="provider-list"),
    path("new/", directory.provider_create, name="provider-create"),
    path("<int:pk>/", directory.provider_detail, name="provider-detail"),
    path("<int:pk>/edit/", directory.provider_edit, name="provider-edit"),
    path("<int:pk>/services/new/", directory.service_create, name="service-create"),
    path("services/<int:pk>/", directory.service_detail, name="service-detail"),
    path("services/<int:pk>/edit/", directory.service_edit, name="service-edit"),
    path(
        "services/<int:pk>/free-places/",
        directory.service_free_places,
        name="service-free-places",
    ),
    path("coverage/", coverage.coverage_map, name="coverage"),
    # Referrals
    path("cases/<int:pk>/refer/", referrals.referral_create, name="referral-create"),
    path("referrals/<int:pk>/", referrals.referral_detail, name="referral-detail"),
    path("referrals/<int:pk>/answer/", referrals.referral_answer, name="referral-answer"),
    path("referrals/<int:pk>/withdraw/", referrals.referral_withdraw, name="referral-withdraw"),
    # Assistance plans
    path("cases/<int:pk>/plans/new/", plans.plan_create, name="plan-create"),
    path("plans/<int:pk>/", plans.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/edit/", plans.plan_edit, name="plan-edit"),
    path("plans/<int:pk>/goals/new/", plans.goal_create, name="goal-create"),
    path("goals/<int:pk>/state/", plans.goal_state, name="goal-state"),
    path("goals/<int:pk>/steps/new/", plans.step_create, name="step-create"),
    path("steps/<int:pk>/done/", plans.step_done, name="step-done"),
    path("plans/<int:pk>/reviews/new/", plans.review_create, name="review-create"),
    path("plans/<int:pk>/visits/new/", plans.visit_create, name="visit-create"),
    path("plans/<int:pk>/end/", plans.plan_end, name="plan-end"),
    # The provider's portal
    path("portal/", portal.portal, name="portal"),
]
