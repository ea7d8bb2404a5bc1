"""`python -m bot staff`: the first administrator is made from the server."""

import argparse
from pathlib import Path

import pytest

from bot.app import StartupError
from bot.settings import Settings
from bot.staff_cli import run_staff

ROOT = Path(__file__).resolve().parent.parent


def staff(action: str, **values: str | bool | None) -> argparse.Namespace:
    return argparse.Namespace(staff_action=action, **values)


@pytest.mark.usefixtures("engine")
async def test_add_list_and_remove_staff(database_url: str) -> None:
    settings = Settings(
        _env_file=None,
        database_url=database_url,  # type: ignore[call-arg]
        departments_file=ROOT / "config" / "departments.toml",
    )
    assert await run_staff(settings, staff("list")) == "no staff yet"
    with pytest.raises(StartupError, match="never wrote to the bot"):  # a typo goes noticed
        await run_staff(
            settings, staff("add", channel="telegram", id="42", role="admin", department=None)
        )
    assert await run_staff(settings, staff("list")) == "no staff yet"
    said = await run_staff(
        settings,
        staff("add", channel="telegram", id="42", role="admin", department=None, force=True),
    )
    assert said == "telegram:42 is now admin"
    await run_staff(
        settings,
        staff("add", channel="viber", id="v1", role="executor", department="zhkh", force=True),
    )
    listing = await run_staff(settings, staff("list"))
    assert "admin" in listing
    assert "telegram:42" in listing
    assert "zhkh" in listing
    with pytest.raises(StartupError, match="department"):
        await run_staff(
            settings, staff("add", channel="viber", id="v2", role="executor", department=None)
        )
    with pytest.raises(StartupError, match="no department"):
        await run_staff(
            settings, staff("add", channel="viber", id="v2", role="executor", department="nosuch")
        )
    # The last administrator can be neither removed nor demoted.
    with pytest.raises(StartupError, match="last administrator"):
        await run_staff(settings, staff("remove", channel="telegram", id="42"))
    with pytest.raises(StartupError, match="last administrator"):
        await run_staff(
            settings,
            staff("add", channel="telegram", id="42", role="operator", department=None),
        )
    await run_staff(
        settings,
        staff("add", channel="viber", id="v1", role="admin", department=None),
    )
    assert await run_staff(settings, staff("remove", channel="telegram", id="42")) == (
        "telegram:42 is a citizen again"
    )
    with pytest.raises(StartupError, match="no account"):
        await run_staff(settings, staff("remove", channel="telegram", id="43"))
