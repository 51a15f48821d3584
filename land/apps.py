from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "land"
    verbose_name = _("“批而未用”土地清理")
    default_auto_field = "django.db.models.BigAutoField"
