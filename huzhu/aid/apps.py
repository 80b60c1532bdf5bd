from django.apps import AppConfig


class AidConfig(AppConfig):
    name = "huzhu.aid"
    label = "aid"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from huzhu.aid.notifications import register_kinds

        register_kinds()
