from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "huzhu.chat"
    label = "chat"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from huzhu.notifications.kinds import notification_kind_register

        notification_kind_register(
            kind="chat.mention", message=_("%(actor)s 在「%(group)s」的聊天中提到了你：%(excerpt)s")
        )
