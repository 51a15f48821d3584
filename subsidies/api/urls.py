from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("calls", views.CallViewSet, basename="subsidies-call")
router.register("applications", views.ApplicationViewSet, basename="subsidies-application")
router.register("committees", views.ReviewCommitteeViewSet, basename="subsidies-committee")
router.register("plans", views.AllocationPlanViewSet, basename="subsidies-plan")

urlpatterns = [
    path("award-quote/", views.AwardQuoteView.as_view(), name="subsidies-award-quote"),
    *router.urls,
]
