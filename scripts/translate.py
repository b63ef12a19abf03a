#!/usr/bin/env python
"""Refresh locale/zh_Hant from the sources and fill in translations, under a lock.

    .venv/bin/python scripts/translate.py [strings.json ...]

Each JSON file maps English source strings (msgid) to their Traditional Chinese translation
(msgstr); a plural entry maps to a list of forms. The lock keeps two people (or two jobs) on one
machine from writing the catalogue at the same time. Prints the strings still untranslated.
"""

import fcntl
import json
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
PYTHON = sys.executable


def main(paths: list[str]) -> int:
    with open("/tmp/portal-translate.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        manage = [PYTHON, "manage.py"]
        subprocess.run(
            [
                *manage,
                "makemessages",
                "-l",
                "zh_Hant",
                "--ignore=.venv",
                "--ignore=static",
                "--no-obsolete",
                "-v",
                "0",
            ],
            cwd=ROOT,
            check=True,
        )
        catalogue = polib.pofile(str(PO))
        wanted = {}
        for path in paths:
            wanted.update(json.loads(Path(path).read_text(encoding="utf-8")))
        for entry in catalogue:
            value = wanted.get(entry.msgid)
            if value is None:
                continue
            if entry.msgid_plural:
                forms = value if isinstance(value, list) else [value]
                entry.msgstr_plural = dict(enumerate(forms))
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalogue.save()
        subprocess.run(
            [*manage, "compilemessages", "-l", "zh_Hant", "--ignore=.venv", "-v", "0"],
            cwd=ROOT,
            check=True,
        )
        missing = [e.msgid for e in catalogue.untranslated_entries() + catalogue.fuzzy_entries()]
    for msgid in missing:
        print(f"untranslated: {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
