from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "huzhu.aid"
    label = "aid"
    default_auto_field = "django.db.models.BigAutoField"
