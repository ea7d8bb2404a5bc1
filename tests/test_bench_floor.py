"""The benchmark's floor is a bare aiogram bot: its process must not carry the reception's
libraries, or the peak RSS the reception is held to would be measured against a heavier echo."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_echo_bots_process_holds_aiogram_and_nothing_of_the_reception() -> None:
    probe = (
        "import sys; sys.argv = ['bench.run'];"
        "import bench.run, bench.orchestrate, bench.citizens;"
        "roots = {name.split('.')[0] for name in sys.modules};"
        "print(' '.join(sorted(roots & {'sqlalchemy', 'bot', 'handlers', 'reception',"
        " 'storage', 'babel', 'apscheduler', 'aiosqlite'})))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == ""
