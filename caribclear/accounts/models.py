from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from caribclear.core.models import TimeStampedModel

from .choices import OFFICIAL_ROLES, Agency, OrganisationKind, Role, TokenScope


class MemberManager(models.Manager["Administration"]):
    """The default manager: member administrations only, so every list, choice, count and sharing form
    that starts from `Administration.objects` leaves out the secretariat and partner agencies."""

    def get_queryset(self) -> models.QuerySet[Administration]:
        queryset = super().get_queryset()
        # Django builds a record's related managers (an intel record's `released_to`) from this class: those
        # list every organisation the record names, partner agencies included, not the members only.
        if getattr(self, "instance", None) is not None:
            return queryset
        return queryset.filter(kind=OrganisationKind.MEMBER)


class Administration(models.Model):
    """An organisation in the platform. Usually a CCLEC member customs administration: the tenant that
    owns officials and the data they create. `kind` tells the regional secretariat apart; it has staff
    but is never a member: `Administration.objects` leaves it out, `Administration.organisations` has all.
    """

    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    languages = models.CharField(
        _("official languages"), max_length=50, help_text=_("ISO 639 codes separated by semicolons.")
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active member"), default=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=OrganisationKind.choices, default=OrganisationKind.MEMBER
    )

    objects = MemberManager()
    organisations = models.Manager()  # noqa: DJ012 (a manager, not a field)

    class Meta:
        ordering = ["name"]
        base_manager_name = "organisations"
        verbose_name = _("member administration")
        verbose_name_plural = _("member administrations")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The member's name in the reader's language: its own (English) name in English, elsewhere the
        country's name as django-countries translates it (every member's code is an ISO 3166 country)."""
        language = (translation.get_language() or "en").split("-")[0]
        if language == "en":
            return self.name
        return str(countries.name(self.code)) or self.name

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(";") if code]

    @property
    def is_member(self) -> bool:
        return self.kind == OrganisationKind.MEMBER

    @property
    def document_language(self) -> str:
        """The first official language that CaribClear ships, for certificates; English otherwise."""
        shipped = {code for code, _name in settings.LANGUAGES}
        return next((code for code in self.language_list if code in shipped), "en")


class CaribClearUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractUser):
    """Everyone who signs in. Officials belong to exactly one administration and one agency."""

    email = models.EmailField(_("e-mail address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.OPERATOR)
    administration = models.ForeignKey(
        Administration,
        verbose_name=_("administration"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officials",
    )
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    staff_number = models.CharField(
        _("staff number"),
        max_length=40,
        blank=True,
        help_text=_("The administration's own number for an official."),
    )
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed"), null=True, blank=True)

    objects = CaribClearUserManager()  # type: ignore[misc]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                name="official_has_administration_and_agency",
                condition=Q(role__in=[Role.OPERATOR, Role.TUTOR], administration__isnull=True, agency="")
                | Q(role__in=[Role.SECRETARIAT, Role.PARTNER], administration__isnull=False, agency="")
                | (
                    Q(role__in=[r.value for r in OFFICIAL_ROLES], administration__isnull=False)
                    & ~Q(agency="")
                ),
            )
        ]

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def is_operator(self) -> bool:
        return self.role == Role.OPERATOR

    @property
    def is_official(self) -> bool:
        return self.role in OFFICIAL_ROLES

    @property
    def is_secretariat(self) -> bool:
        """Staff of the regional secretariat: training programmes and regional figures, no member's records."""
        return self.role == Role.SECRETARIAT

    @property
    def is_partner(self) -> bool:
        """An analyst of a partner agency (police, IMPACS...): reads only what is released to the agency,
        over TAXII; no page of the platform's records is theirs."""
        return self.role == Role.PARTNER

    @property
    def needs_second_factor(self) -> bool:
        """Everyone but yacht operators signs in with an authenticator code too."""
        return self.role != Role.OPERATOR

    @property
    def is_supervisor(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMINISTRATOR)

    @property
    def is_administrator(self) -> bool:
        return self.role == Role.ADMINISTRATOR


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimeStampedModel):
    """A per-account API token. Only its SHA-256 is stored; the token is shown once, when created.

    It expires (`expires_at`), carries scopes (`TokenScope`: read, file, intel) and remembers whether it was
    created in a session that passed the second factor (`second_factor`): only such a token may carry the
    intel scope."""

    PREFIX = "cc_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(_("starts with"), max_length=12)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires"))
    second_factor = models.BooleanField(_("created after a two-step sign-in"), default=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)

    def is_active_at(self, when: datetime.datetime) -> bool:
        return self.revoked_at is None and self.expires_at > when

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        return [str(TokenScope(s).label) for s in self.scopes if s in TokenScope.values]


class Organisation(TimeStampedModel):
    """A trading or transport organisation that files to the administrations: a carrier (airline, shipping
    line, cruise line, ferry or charter operator), a shipping agent or a freight forwarder. One account for
    everything it files: its users (operator accounts, some of them its administrators, who manage the
    others), its identifiers and the administrations it files to. What it files is a profile in the app
    that takes it (`cargo.Filer` for manifests, `passengers.Carrier` for passenger lists), so an airline
    that files air cargo and passenger lists is one organisation with one set of users."""

    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, blank=True)
    trader_id = models.CharField(
        _("trader identifier"), max_length=40, blank=True, help_text=_("TIN or EORI-like number.")
    )
    carrier_code = models.CharField(
        _("carrier code"),
        max_length=12,
        blank=True,
        db_index=True,
        help_text=_(
            "SCAC, IATA airline designator (BW) or the operator's own short code, as it sends it in its files."
        ),
    )
    administrations = models.ManyToManyField(
        Administration, verbose_name=_("files to"), related_name="+", blank=True
    )
    files_cargo = models.BooleanField(_("files cargo manifests"), default=False)
    files_passenger_lists = models.BooleanField(_("files passenger lists"), default=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["trader_id"], condition=~Q(trader_id=""), name="organisation_trader_id_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class OrganisationMember(models.Model):
    """A user of an organisation; its administrators (`is_admin`) manage the organisation's users."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="members"
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="organisation_memberships"
    )
    is_admin = models.BooleanField(_("administrator of the organisation"), default=False)

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("organisation's user")
        verbose_name_plural = _("organisations' users")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="organisation_member_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.user_id}"
