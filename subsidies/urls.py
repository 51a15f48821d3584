from django.urls import path

from . import views

app_name = "subsidies"

urlpatterns = [
    path("", views.application_list, name="application-list"),
    path("export.xlsx", views.application_export, name="application-export"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("award-quote/", views.award_quote, name="award-quote"),
    path("applications/new/", views.application_create, name="application-create"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/transition/", views.application_transition, name="application-transition"),
    path("applications/<int:pk>/score/", views.expert_score, name="expert-score"),
    path("applications/<int:pk>/documents/", views.document_upload, name="document-upload"),
    path("documents/<int:pk>/download/", views.document_download, name="document-download"),
    path("calls/<int:pk>/plan/", views.call_plan, name="call-plan"),
]
