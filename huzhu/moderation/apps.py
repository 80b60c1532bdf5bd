from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "huzhu.moderation"
    label = "moderation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from huzhu.moderation.adapters import register_builtin_adapters
        from huzhu.moderation.notifications import register_kinds

        register_kinds()
        register_builtin_adapters()
