app_name = "land"

urlpatterns = []
