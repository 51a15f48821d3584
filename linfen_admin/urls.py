from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from . import account_views, audit_views, job_views, views

admin.site.site_header = _("临汾市督办平台 · 系统管理")
admin.site.site_title = _("临汾市督办平台")
admin.site.index_title = _("系统管理")

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", account_views.security, name="account-security"),
    path("account/password/", account_views.password_change, name="account-password"),
    path(
        "account/sign-out-everywhere/", account_views.sign_out_everywhere, name="account-sign-out-everywhere"
    ),
    path("account/two-factor/setup/", account_views.two_factor_setup, name="two-factor-setup"),
    path("account/two-factor/qr.svg", account_views.two_factor_qr, name="two-factor-qr"),
    path("account/two-factor/verify/", account_views.two_factor_verify, name="two-factor-verify"),
    path(
        "account/two-factor/recovery-codes/", account_views.recovery_codes_renew, name="recovery-codes-renew"
    ),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/export.xlsx", views.inbox_export, name="inbox-export"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox-open"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox-read-all"),
    path("inbox/email/", views.inbox_email_preference, name="inbox-email"),
    path("jobs/", job_views.job_list, name="job-list"),
    path("jobs/<uuid:pk>/", job_views.job_detail, name="job-detail"),
    path("jobs/<uuid:pk>/status/", job_views.job_status, name="job-status"),
    path("jobs/<uuid:pk>/download/", job_views.job_download, name="job-download"),
    path("audit/", audit_views.audit_log, name="audit-log"),
    path("audit/export.xlsx", audit_views.audit_log_export, name="audit-log-export"),
    path("audit/<int:content_type_id>/<str:object_id>/", views.audit_trail, name="audit-trail"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("linfen_admin.api.urls")),
    path("land/", include("land.urls")),
    path("subsidies/", include("subsidies.urls")),
    path("approvals/", include("approvals.urls")),
    path("healthz/", views.healthz, name="healthz"),
]

handler403 = "linfen_admin.error_views.permission_denied"
handler404 = "linfen_admin.error_views.page_not_found"
handler500 = "linfen_admin.error_views.server_error"
