"""E-mail to one account, written in that account's language."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def mail_user(*, user: Any, subject: str, template: str, context: dict[str, Any]) -> None:
    """Render `template` and send it to `user` in their language (the subject is translated under the
    same language: pass a lazy string or a message built inside `translation.override`)."""
    if not user.email:
        return
    language = user.language or settings.LANGUAGE_CODE
    with translation.override(language):
        body = render_to_string(template, {"user": user, "site_url": settings.SITE_URL, **context})
        message = EmailMessage(str(subject), body, None, [user.email], headers={"Content-Language": language})
    message.send()
