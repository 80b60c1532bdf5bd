from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "huzhu.wellbeing"
    label = "wellbeing"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from huzhu.wellbeing.notifications import register_kinds

        register_kinds()
