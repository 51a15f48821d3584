from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import views

admin.site.site_header = _("临汾市督办平台 · 系统管理")
admin.site.site_title = _("临汾市督办平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox-open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/email/", views.inbox_email_preference, name="inbox-email"),
    path("audit/<int:content_type_id>/<str:object_id>/", views.audit_trail, name="audit-trail"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("linfen_admin.api.urls")),
    path("land/", include("land.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("approvals/", include("approvals.urls")),
    path("healthz/", views.healthz, name="healthz"),
]
