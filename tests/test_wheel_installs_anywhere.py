"""The wheel works outside the checkout: built from a copy of the sources, installed into a fresh
venv, and run from an empty directory — `--version`, `migrate`, an appeal filed in the terminal
chat (in Ukrainian: the catalogues come from the wheel) and a `report`.

Offline and quick: the wheel is built with the locked setuptools already in .venv (no build
isolation) and installed with `--no-deps --no-index`; the fresh venv sees the dependencies
through a .pth line naming .venv's site-packages, whose own .pth files (the editable install of
this checkout) it does not run.
"""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("bot", "handlers", "reception", "storage", "locales", "config")
FILES = ("pyproject.toml", "README.md", "LICENSE")
TIMEOUT = 600

pytestmark = [
    pytest.mark.slow,
    pytest.mark.wheel,
    # The wheel does not depend on the database; the PostgreSQL pass of CI (the suite runs
    # twice) skips it to save minutes — Alembic's CLI on PostgreSQL is tested in
    # test_migrations.py, and `migrate` below runs the same code on SQLite.
    pytest.mark.skipif(
        bool(os.environ.get("TEST_DATABASE_URL")), reason="covered by the SQLite pass"
    ),
]

SCRIPT = "\n".join(
    [
        "1",  # Українська
        "1",  # Погоджуюся
        "1",  # Нове звернення
        "3",  # Скарга
        "2",  # a topic
        "Ліхтарі не світять біля будинку 35 на вулиці Лесі Українки.",
        "1",  # Готово
        "Пропустити",
        "Шевченко Тарас Григорович",
        "м. Луцьк, вул. Лесі Українки, 35",
        "/contact +380501234567",
        "1",  # Пропустити e-mail
        "5",  # Продовжити
        "1",  # Надіслати
        "",
    ]
)


def run(
    command: list[str | Path], *, cwd: Path, env: dict[str, str] | None = None, stdin: str = ""
) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, f"{command}: {done.stdout[-2000:]} {done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in SOURCES:
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    for name in FILES:
        shutil.copy2(ROOT / name, source / name)
    dist = tmp_path_factory.mktemp("dist")
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--wheel-dir",
            dist,
            source,
        ],
        cwd=source,
    )
    [built] = dist.glob("pryimalnia-*.whl")
    return built


def test_the_wheel_carries_its_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "handlers/locales/uk/LC_MESSAGES/messages.po",
        "handlers/locales/en/LC_MESSAGES/messages.po",
        "storage/examples/departments.toml",
        "storage/migrations/script.py.mako",
        "storage/migrations/env.py",
        "storage/migrations/versions/0001_appeal_register.py",
    ):
        assert expected in names, expected
    assert any(name.endswith(".dist-info/licenses/LICENSE") for name in names)
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    assert "pryimalnia = bot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_runs_from_an_empty_directory(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=tmp_path)
    python = venv / "bin" / "python"
    purelib = run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=tmp_path
    ).strip()
    Path(purelib, "project-dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            wheel,
        ],
        cwd=tmp_path,
    )
    empty = tmp_path / "empty"
    empty.mkdir()
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "DATABASE_URL", "TELEGRAM", "VIBER"))
    }
    environment.update(
        DATABASE_URL=f"sqlite+aiosqlite:///{empty / 'data' / 'reception.db'}",
        PATH=f"{venv / 'bin'}{os.pathsep}{environment.get('PATH', '')}",
    )
    pryimalnia = venv / "bin" / "pryimalnia"

    assert run([pryimalnia, "--version"], cwd=empty, env=environment).strip() == (
        "pryimalnia 0.1.0"
    )
    where = run(
        [python, "-c", "import bot, handlers.i18n as i; print(bot.__file__, i.DEFAULT_DIRECTORY)"],
        cwd=empty,
        env=environment,
    )
    assert str(ROOT) not in where, where
    assert run([pryimalnia, "migrate"], cwd=empty, env=environment).strip() == (
        "The database is up to date."
    )
    chat = run(
        [pryimalnia, "console", "--user", "citizen"], cwd=empty, env=environment, stdin=SCRIPT
    )
    assert "Реєстраційний індекс: Ш-1" in chat, chat[-3000:]
    report = run(
        [pryimalnia, "report", "--from", "2000-01-01", "--to", "2100-12-31", "--format", "csv"],
        cwd=empty,
        env=environment,
    ).strip()
    name, _, count = report.partition(" (")
    assert count == "1 appeals)", report
    written = empty / name
    assert written.is_file(), report
    assert len(written.read_text(encoding="utf-8-sig").strip().splitlines()) == 2
