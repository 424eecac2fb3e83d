"""Issue 15, finding 7: nothing under /media/ is served directly, not even by the debug demo."""

import os
import subprocess
import sys
from pathlib import Path

PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
assert settings.DEBUG
response = Client().get("/media/intel/seizures/2026/red-attachment.txt")
print(response.status_code)
"""


def test_media_files_are_not_served_by_url_in_debug_mode(tmp_path: Path):
    media = tmp_path / "media"
    (media / "intel" / "seizures" / "2026").mkdir(parents=True)
    (media / "intel" / "seizures" / "2026" / "red-attachment.txt").write_text("TLP:RED narrative")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "caribclear.settings",
        "CARIBCLEAR_DEBUG": "1",
        "CARIBCLEAR_VAR_DIR": str(tmp_path),
        "CARIBCLEAR_MEDIA_ROOT": str(media),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "404"
