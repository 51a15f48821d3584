from django.urls import path
from rest_framework.routers import DefaultRouter

from . import oversight, views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("campaigns", views.CampaignViewSet, basename="land-campaign")
router.register("quotas", views.TaskQuotaViewSet, basename="land-quota")
router.register("parcels", views.ParcelViewSet, basename="land-parcel")
router.register("interviews", views.InterviewViewSet, basename="land-interview")
router.register("notices", views.QuarterNoticeViewSet, basename="land-notice")

# 挂牌督办, report documents, 建设用地报件
router.register("supervisions", oversight.SupervisionViewSet, basename="land-supervision")
router.register("deadline-reports", oversight.DeadlineReportViewSet, basename="land-deadline-report")
router.register("applications", oversight.LandApplicationViewSet, basename="land-application")

urlpatterns = [
    path("progress/", views.ProgressView.as_view(), name="land-progress"),
    path("report-status/", oversight.ReportStatusView.as_view(), name="land-report-status"),
    *router.urls,
]
