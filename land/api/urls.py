from django.urls import path
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", views.CampaignViewSet, basename="land-campaign")
router.register("quotas", views.TaskQuotaViewSet, basename="land-quota")
router.register("parcels", views.ParcelViewSet, basename="land-parcel")
router.register("interviews", views.InterviewViewSet, basename="land-interview")
router.register("notices", views.QuarterNoticeViewSet, basename="land-notice")

urlpatterns = [
    path("progress/", views.ProgressView.as_view(), name="land-progress"),
    *router.urls,
]
