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
