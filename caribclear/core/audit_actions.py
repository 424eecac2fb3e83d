"""The audit trail's actions in words. An event stores a stable code (`notification.submit`); people
read "Notification submitted". Codes of an app that has not named its actions here yet are still shown
readably ("Cargo: manifest file"), never as raw codes."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, Any] = {
    # Accounts
    "account.register": _("Account registered"),
    "account.register_existing": _("Registration tried with an address already registered"),
    "account.confirm_email": _("E-mail address confirmed"),
    "account.enrol_2fa": _("Authenticator enrolled"),
    "account.disable_2fa": _("Authenticator turned off"),
    "api_token.create": _("API token created"),
    "api_token.revoke": _("API token revoked"),
    "official.create": _("Official added"),
    "official.update": _("Official changed"),
    "official.reset_2fa": _("Official's authenticator reset"),
    "account.invite": _("Account made by an invitation to an organisation"),
    "organisation.create": _("Organisation created"),
    "organisation.member_add": _("User added to an organisation"),
    "organisation.member_admin": _("User made an administrator of an organisation"),
    "organisation.member_not_admin": _("User no longer an administrator of an organisation"),
    "organisation.member_remove": _("User removed from an organisation"),
    # Vessels and people
    "vessels.vessel_create": _("Vessel added"),
    "vessels.vessel_update": _("Vessel changed"),
    "vessels.vessel_archive": _("Vessel archived"),
    "vessels.vessel_restore": _("Vessel restored"),
    "vessels.person_create": _("Person added"),
    "vessels.person_update": _("Person changed"),
    "vessels.person_archive": _("Person archived"),
    "vessels.person_restore": _("Person restored"),
    "vessels.document_add": _("Travel document added"),
    "vessels.document_update": _("Travel document changed"),
    "vessels.document_remove": _("Travel document removed"),
    "vessels.weapon_add": _("Weapon added"),
    "vessels.weapon_update": _("Weapon changed"),
    "vessels.weapon_remove": _("Weapon removed"),
    "vessels.people_import": _("Crew or passenger list uploaded"),
    "travel_document.view": _("Travel document viewed"),
    # Notifications and clearance
    "notification.create": _("Notification drafted"),
    "notification.update": _("Draft notification changed"),
    "notification.submit": _("Notification submitted"),
    "notification.amend": _("Notification amended"),
    "notification.version": _("Notification version recorded"),
    "notification.cancel": _("Notification cancelled"),
    "notification.visit_file": _("Arrival and departure filed together"),
    "notification.start_from_last_voyage": _("Notification started from the last voyage"),
    "notification.unfinished_save": _("Draft kept as typed"),
    "notification.unfinished_discard": _("Draft kept as typed discarded"),
    "notification.unfinished_finish": _("Draft kept as typed made into a notification"),
    "clearance.decide": _("Clearance decision recorded"),
    "status.change": _("Status changed"),
    # Screening and risk
    "screening.run": _("Screened against watchlists"),
    "screening.hit_dispose": _("Screening hit reviewed"),
    "watchlist.create": _("Watchlist created"),
    "watchlist.import": _("Watchlist imported"),
    "watchlist.update": _("Watchlist settings changed"),
    "lookout.create": _("Lookout issued"),
    "lookout.update": _("Lookout changed"),
    "lookout.withdraw": _("Lookout withdrawn"),
    "risk.assess": _("Risk assessed"),
    "risk.criterion_create": _("Risk criterion created"),
    "risk.criterion_update": _("Risk criterion changed"),
    "risk.firing_dispose": _("Criterion result reviewed"),
    "risk.lane_override": _("Lane changed by an officer"),
    "risk.random_selection_set": _("Random selection changed"),
    "risk.expected_rate_set": _("Expected lane share changed"),
    # Intelligence
    "partners.agency_create": _("Partner agency registered"),
    "partners.agreement_update": _("Partner agency's agreement changed"),
    "partners.account_create": _("Partner agency's analyst added"),
    "partners.bundle_take_in": _("Partner's STIX bundle taken in"),
    "partners.taxii_subscribed": _("Subscribed to a partner's TAXII collection"),
    "partners.taxii_stopped": _("TAXII subscription stopped"),
    "partners.taxii_resumed": _("TAXII subscription resumed"),
    "intel.seizure_recorded": _("Seizure recorded"),
    "intel.alert_issued": _("Alert issued"),
    "intel.rfi_sent": _("Request for information sent"),
    "intel.rfi_answered": _("Request for information answered"),
    "intel.rfi_status": _("Request for information status changed"),
    "intel.operation_opened": _("Operation opened"),
    "intel.dissemination_change_requested": _("Release to more administrations requested"),
    "intel.dissemination_change_approved": _("Release to more administrations approved"),
    "intel.dissemination_change_rejected": _("Release to more administrations refused"),
    "intel.dissemination_narrowed": _("Release narrowed"),
    "continuity.pack": _("Continuity pack taken (arrivals, people on board and open hits)"),
    "threat_assessment.create": _("Threat assessment started"),
    "threat_assessment.update": _("Threat assessment changed"),
    "threat_assessment.submit": _("Threat assessment submitted for approval"),
    "threat_assessment.return": _("Threat assessment returned to its author"),
    "threat_assessment.approve": _("Threat assessment approved"),
    "threat_assessment.release": _("Threat assessment released"),
    # Training
    "training.account.create": _("Training account created"),
    "training.programme.create": _("Programme created"),
    "training.course.create": _("Course created"),
    "training.requirement.create": _("Required credential set"),
    "training.intake.open": _("Intake opened"),
    "training.enrolment.nominate": _("Official nominated for a course"),
    "training.evaluation.submit": _("Course evaluation submitted"),
    "training.result.record": _("Training result recorded"),
    "training.credential.issue": _("Credential issued"),
    "training.credential.revoke": _("Credential revoked"),
    # Cargo, passengers, valuation, partners, retention
    "retention.setting": _("Retention period set"),
    "retention.applied": _("Retention period applied"),
    "cargo.examine": _("Cargo examination recorded"),
    "cargo.filer.create": _("Cargo filer created"),
    "cargo.filer.member_add": _("Member added to a cargo filer"),
    "cargo.filer.webhook": _("Cargo filer's webhook set"),
    "cargo.manifest.amend": _("Cargo manifest amended"),
    "cargo.manifest.arrive": _("Arrival of a cargo manifest recorded"),
    "cargo.manifest.file": _("Cargo manifest filed"),
    "cargo.manifest.invalidate": _("Cargo manifest invalidated"),
    "cargo.referral.answer": _("Cargo referral answered"),
    "cargo.referral.create": _("Cargo referred"),
    "cargo.release": _("Cargo released"),
    "partners.cen.mark": _("Seizure marked for the WCO CEN export"),
    "partners.cen.unmark": _("Seizure taken out of the WCO CEN export"),
    "passengers.arrival_check": _("Passenger arrival checked"),
    "passengers.boarding_answer": _("Boarding answer sent"),
    "passengers.carrier_create": _("Carrier created"),
    "passengers.list_cancel": _("Passenger list cancelled"),
    "passengers.list_file": _("Passenger list filed"),
    "passengers.read": _("Passenger data read"),
    "passengers.retention_delete": _("Passenger data deleted at the end of retention"),
    "passengers.retention_mask": _("Passenger data masked after the retention period"),
    "passengers.retention_set": _("Passenger data retention set"),
    "passengers.unmask_decide": _("Unmasking of a traveller decided"),
    "passengers.unmask_request": _("Unmasking of a traveller requested"),
    "risk.hit_rule_set": _("Hit rule of a watchlist set"),
    "risk.referral_open": _("Referred to a supervisor"),
    "risk.referral_resolve": _("Referral to a supervisor resolved"),
    "training.intake.tutors": _("Tutors of an intake changed"),
    "valuation.case_answer": _("Valuation case answered by the importer"),
    "valuation.case_decide": _("Valuation case decided"),
    "valuation.case_open": _("Valuation case opened"),
    "valuation.case_request": _("Evidence requested in a valuation case"),
    "valuation.declarations_load": _("Declarations loaded for valuation"),
    "valuation.mirror_load": _("UN Comtrade extract loaded for the mirror check"),
    "valuation.rates_load": _("Exchange rates loaded"),
}


def action_label(code: str) -> str:
    """`notification.submit` -> "Notification submitted"; an unnamed code -> "Cargo: manifest file"."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    subject, _dot, rest = code.partition(".")
    words = rest.replace("_", " ").replace(".", " ").strip()
    subject = subject.replace("_", " ").capitalize()
    return f"{subject}: {words}" if words else subject


def action_choices() -> list[tuple[str, str]]:
    """Every named action, by its words in the reader's language, for the trail's filter."""
    return sorted(
        ((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda item: item[1].casefold()
    )
