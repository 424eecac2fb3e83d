"""Settings for the test suite: the real settings, with the test-friendly switches turned on.

DATABASE_URL still selects the engine, so the same suite runs on SQLite and on PostgreSQL.
"""

import os

os.environ.setdefault("CARIBCLEAR_DEBUG", "0")
os.environ.setdefault("CARIBCLEAR_SECRET_KEY", "test-secret-key-not-for-production-use-0123456789abcdef")
os.environ.setdefault("CARIBCLEAR_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
os.environ.setdefault("CARIBCLEAR_SSL_REDIRECT", "0")
os.environ.setdefault("CARIBCLEAR_PLAIN_STATIC", "1")
os.environ.setdefault("CARIBCLEAR_TASKS_IMMEDIATE", "1")
os.environ.setdefault("CARIBCLEAR_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault(
    "CARIBCLEAR_VAR_DIR", os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test")
)

from caribclear.settings import *  # noqa: F403

# Fast hashing keeps the suite quick; production always uses Argon2 (see settings.py and its test).
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]  # noqa: F405
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
AXES_FAILURE_LIMIT = 5
QUEUE_COUNT_CACHE_SECONDS = 0  # counts always fresh in tests; the cached path has its own test
PASSENGERS_SCREENING_CACHE_SECONDS = 0  # boarding checks read the lists each time; the cache has its test
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = VAR_DIR / "static"  # noqa: F405
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# A credential signing key generated for the tests, kept under var/ (never committed).
CREDENTIAL_KEY_FILE = VAR_DIR / "credential-key.jwk"  # noqa: F405
# A second connection to the test database, as a read replica would be (reads routed there only when a
# test switches CARIBCLEAR_REPLICA_READS on: the mirror does not see a test's uncommitted rows).
DATABASES.setdefault("replica", {**DATABASES["default"], "TEST": {"MIRROR": "default"}})  # noqa: F405
CARIBCLEAR_REPLICA_READS = False
