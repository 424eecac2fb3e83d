"""Answers to filers in UN/EDIFACT CUSRES (for EDIFACT filers): the acknowledgement with MRNs, warnings
and errors, and later each consignment's referrals and release."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from caribclear.edifact.cusres import Answer, write_cusres
from caribclear.edifact.model import Issue

SENDER = "CARIBCLEAR"

_STATUS_WORDS = {
    "filed": "REGISTERED",
    "amended": "AMENDED",
    "assessed": "ASSESSED",
    "referred": "REFERRED",
    "arrived": "ARRIVED",
    "inspected": "INSPECTED",
    "released": "RELEASED",
    "invalidated": "INVALIDATED",
}


def cusres_for_answer(answer: dict[str, Any], *, recipient: str) -> bytes:
    """The CUSRES of a filing's current answer (``selectors.answer_json``)."""
    answers = [
        Answer(
            status="REGISTERED" if answer["status"] != "invalidated" else "INVALIDATED",
            references={"ABT": answer["mrn"], "ACW": answer["lrn"]},
            text="; ".join(w["message"] for w in answer.get("warnings", []))[:2500],
        )
    ]
    for c in answer["consignments"]:
        text = "; ".join(
            f"{r['kind']}: {r['question']}" + (f" (answer by {r['deadline']})" if r["deadline"] else "")
            for r in c["referrals"]
            if r["status"] == "open"
        )
        answers.append(
            Answer(
                status=_STATUS_WORDS.get(c["status"], c["status"].upper()),
                references={"ABT": c["mrn"], "BM" if c["level"] == "master" else "BH": c["bill_number"]},
                text=text[:2500],
            )
        )
    now = timezone.now()
    return write_cusres(
        sender=SENDER,
        recipient=recipient[:35] or "FILER",
        control_reference=answer["mrn"][-14:],
        responding_to=answer["lrn"][:35],
        answers=answers,
        prepared=now,
    )


def cusres_for_rejection(*, lrn: str, errors: list[Issue], warnings: list[Issue], recipient: str) -> bytes:
    """The CUSRES of a rejected file: every error with where it was found."""
    text = "; ".join(f"{e.message} ({e.where})" for e in errors)
    return write_cusres(
        sender=SENDER,
        recipient=recipient[:35] or "FILER",
        control_reference=timezone.now().strftime("%y%m%d%H%M%S"),
        responding_to=lrn[:35] or "UNKNOWN",
        answers=[Answer(status="REJECTED", references={"ACW": lrn[:35]} if lrn else {}, text=text[:2500])],
        prepared=timezone.now(),
    )
