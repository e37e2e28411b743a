from django.db.models import QuerySet

from accounts.models import User

from .models import Channel, Notification


def inbox_for(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user, channel=Channel.IN_APP)


def unread_count(user: User) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()
