from django.urls import path

from . import views

app_name = "land"

urlpatterns = [
    path("parcels/", views.parcel_list, name="parcel-list"),
    path("parcels/export.xlsx", views.parcel_export, name="parcel-export"),
    path("parcels/export-job/", views.parcel_export_job, name="parcel-export-job"),
    path("parcels/export.geojson", views.parcel_export_geojson, name="parcel-export-geojson"),
    path("map/", views.parcel_map, name="map"),
    path("parcels/new/", views.parcel_create, name="parcel-create"),
    path("parcels/<int:pk>/", views.parcel_detail, name="parcel-detail"),
    path("parcels/<int:pk>/edit/", views.parcel_edit, name="parcel-edit"),
    path("parcels/<int:pk>/disposals/", views.disposal_create, name="disposal-create"),
    path(
        "parcels/<int:pk>/disposals/<int:disposal_pk>/revoke/", views.disposal_revoke, name="disposal-revoke"
    ),
    path("progress/", views.dashboard, name="dashboard"),
    path("progress/notice.xlsx", views.notice_export, name="notice-export"),
    path("interviews/", views.interview_list, name="interview-list"),
    path("interviews/<int:region_pk>/confirm/", views.interview_confirm, name="interview-confirm"),
    path("interviews/<int:region_pk>/dismiss/", views.interview_dismiss, name="interview-dismiss"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/<int:pk>/", views.notice_detail, name="notice-detail"),
    path("notices/<int:pk>/notice.docx", views.notice_file, {"part": "docx"}, name="notice-docx"),
    path("notices/<int:pk>/annex.xlsx", views.notice_file, {"part": "xlsx"}, name="notice-annex"),
    path("import/", views.import_sheet, name="import"),
    path("import/confirm/", views.import_confirm, name="import-confirm"),
    path("import/template/", views.import_template, name="import-template"),
]

# 挂牌督办, report documents, 建设用地报件 (``land.oversight_views``)
from . import oversight_views as ov  # noqa: E402

urlpatterns += [
    path("supervisions/", ov.supervision_list, name="supervision-list"),
    path("supervisions/new/", ov.supervision_create, name="supervision-create"),
    path("supervisions/<int:pk>/", ov.supervision_detail, name="supervision-detail"),
    path("supervisions/<int:pk>/reports/", ov.supervision_report_create, name="supervision-report"),
    path("supervisions/<int:pk>/lift/", ov.supervision_lift, name="supervision-lift"),
    path(
        "supervisions/<int:pk>/reports/<int:report_pk>/file/",
        ov.supervision_report_file,
        name="supervision-report-file",
    ),
    path("reports/", ov.report_status, name="report-status"),
    path("reports/<int:pk>/submit/", ov.deadline_report_submit, name="report-submit"),
    path("reports/files/<int:pk>/", ov.deadline_report_file, name="report-file"),
    path("applications/", ov.application_list, name="application-list"),
    path("applications/new/", ov.application_create, name="application-create"),
]
