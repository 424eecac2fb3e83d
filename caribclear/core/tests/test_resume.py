"""core/resume.py: which requests count as signed in, for keeping and replaying a lapsed post."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from caribclear.core.resume import _signed_in

pytestmark = pytest.mark.django_db


def test_an_official_signed_in_during_this_request_is_judged_by_the_device(make_user, antigua):
    """The sign-in view replaces request.user with an account the OTP middleware has not wrapped."""
    official = make_user(role="officer", administration=antigua, agency="customs")
    request = RequestFactory().get("/")
    request.user = official
    assert not _signed_in(request)  # no second step yet
    official.otp_device = object()
    assert _signed_in(request)
    request.user = AnonymousUser()
    assert not _signed_in(request)


def test_an_operator_needs_no_second_step(operator):
    request = RequestFactory().get("/")
    request.user = operator
    assert _signed_in(request)
