from django.urls import path

from . import views

app_name = "approvals"

urlpatterns = [
    path("items/", views.item_list, name="item-list"),
    path("items/export.xlsx", views.item_export, name="item-export"),
    path("items/<int:number>/", views.item_detail, name="item-detail"),
    path("cases/", views.case_list, name="case-list"),
    path("cases/export.xlsx", views.case_export, name="case-export"),
    path("cases/due/", views.case_due, name="case-due"),
    path("cases/new/", views.case_create, name="case-create"),
    path("cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("cases/<int:pk>/decide/", views.case_decide, name="case-decide"),
    path("cases/<int:pk>/extend/", views.case_extend, name="case-extend"),
    path("cases/<int:pk>/revoke/", views.case_revoke, name="case-revoke"),
    path("draws/", views.draw_list, name="draw-list"),
    path("draws/export.xlsx", views.draw_export, name="draw-export"),
    path("draws/new/", views.draw_create, name="draw-create"),
    path("draws/<int:pk>/", views.draw_detail, name="draw-detail"),
    path("draws/results/<int:pk>/", views.result_record, name="result-record"),
    path("handover/", views.handover, name="handover"),
    path("handover/export.xlsx", views.handover_export, name="handover-export"),
    path("handover/<int:pk>/", views.handover_edit, name="handover-edit"),
    path("supervision/", views.supervision_list, name="supervision-list"),
    path("complaints/", views.complaint_list, name="complaint-list"),
    path("complaints/new/", views.complaint_create, name="complaint-create"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint-detail"),
    path("complaints/<int:pk>/handle/", views.complaint_handle, name="complaint-handle"),
    path("public/draws/", views.public_draws, name="public-draws"),
]
