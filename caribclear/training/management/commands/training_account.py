"""Create an account of the secretariat's programme staff or an external tutor, and e-mail a link to set
its password. The secretariat manages no member, so its first staff are created here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from caribclear.accounts.services import send_set_password_link
from caribclear.training import services


class Command(BaseCommand):
    help = "Create a secretariat staff or external tutor account and e-mail a set-password link."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=["secretariat", "tutor"])
        parser.add_argument("email")
        parser.add_argument("first_name")
        parser.add_argument("last_name")
        parser.add_argument("--language", default="en", choices=["en", "es", "fr", "nl"])

    def handle(self, *args: Any, **options: Any) -> None:
        create = (
            services.secretariat_staff_create
            if options["kind"] == "secretariat"
            else services.tutor_account_create
        )
        extra: dict[str, Any] = {} if options["kind"] == "secretariat" else {"actor": None}
        try:
            with transaction.atomic():
                user = create(
                    email=options["email"],
                    first_name=options["first_name"],
                    last_name=options["last_name"],
                    language=options["language"],
                    **extra,
                )
                transaction.on_commit(lambda: send_set_password_link(user=user))
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        self.stdout.write(f"{user.email}: account created, a link to set the password was e-mailed.")
