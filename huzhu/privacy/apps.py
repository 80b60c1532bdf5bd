from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "huzhu.privacy"
    label = "privacy"
    verbose_name = "隐私"

    def ready(self) -> None:
        # Each app's exporter registers itself on import; importing here keeps the registry full
        # in every process (web, worker, commands) without signals.
        from huzhu.privacy import exporters  # noqa: F401
