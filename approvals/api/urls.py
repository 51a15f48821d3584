from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("items", views.ItemViewSet, basename="approval-item")
router.register("cases", views.CaseViewSet, basename="approval-case")
router.register("supervision", views.SupervisionViewSet, basename="approval-supervision")
router.register("inspection-draws", views.InspectionDrawViewSet, basename="approval-draw")
router.register("inspection-results", views.DrawnEntityViewSet, basename="approval-result")

urlpatterns = router.urls
