from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("land/", include("land.api.urls")),
    path("subsidies/", include("subsidies.api.urls")),
    path("approvals/", include("approvals.api.urls")),
    path("", include(router.urls)),
    re_path(r"^", views.NotFoundView.as_view(), name="api-not-found"),  # last: whatever nothing above matched
]
