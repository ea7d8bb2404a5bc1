"""Two neighbours in Telegram report the same dark street: the second joins the first's open
appeal ("me too"), one answer reaches both chats under their own indexes, and each rates it."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.desk_kit import SIGNATORY
from tests.fake_telegram import FakeTelegram
from tests.telegram_kit import TelegramUser, operator_and_executor, running_bot, telegram_settings
from tests.waits import eventually

FIRST, NEIGHBOUR, OPERATOR, EXECUTOR = 5_000_000_301, 5_000_000_302, 5_000_000_303, 5_000_000_304


@pytest.fixture
async def telegram() -> AsyncIterator[FakeTelegram]:
    fake = FakeTelegram()
    await fake.start()
    yield fake
    await fake.stop()


async def file_with_location(
    user: TelegramUser, name: str, latitude: float, longitude: float, *, me_too: bool
) -> None:
    await user.say("/start")
    await user.tap("I agree")
    await user.tap("New appeal")
    await user.tap("Complaint")
    await user.tap("Street lighting")
    await user.say("The lamp by the playground on Kravchuka St. has been dark for a week.")
    await user.tap("Done")
    await user.send(location={"latitude": latitude, "longitude": longitude})
    await user.tap("Continue")
    if me_too:
        assert "already reported a problem like this nearby" in user.everything()
        await user.tap("Yes, the same")
    await user.say(name)
    await user.say("м. Луцьк, вул. Кравчука, 11")
    await user.say("050 123 45 67")
    await user.tap("Skip")
    await user.tap("Continue")
    await user.tap("Submit")


async def test_two_neighbours_one_answer_each_rates_their_own(
    telegram: FakeTelegram, database_url: str, tmp_path: Path
) -> None:
    settings = telegram_settings(database_url, tmp_path, telegram)
    async with running_bot(settings):
        operator, executor = await operator_and_executor(settings, telegram, OPERATOR, EXECUTOR)

        first = TelegramUser(telegram, FIRST, language="en")
        await file_with_location(
            first, "Шевченко Тарас Григорович", 50.74723, 25.32541, me_too=False
        )
        assert "Registration index: Ш-1" in first.everything()
        await eventually(lambda: "New appeal Ш-1" in operator.everything())
        await operator.say("/assign Ш-1 zhkh")
        assert "is assigned to" in operator.last

        neighbour = TelegramUser(telegram, NEIGHBOUR, language="en")
        await file_with_location(
            neighbour, "Коваль Катерина Іванівна", 50.7475, 25.3257, me_too=True
        )
        assert "Registration index: К-2" in neighbour.everything()
        assert "the answer to it will come to you as well" in neighbour.everything()

        # The executors' notice of the joining comes through the outbox: not in between.
        await eventually(lambda: "is joined to Ш-1" in executor.everything())
        await executor.say("/answer Ш-1")
        assert "also goes to the author of 1 appeal joined to this one" in executor.last
        await executor.say("The lamp was replaced on 3 December.")
        await executor.tap("Done")
        await executor.tap("resolved positively")
        await executor.say(SIGNATORY)
        await executor.tap("Send the answer")
        # The notice of the answer to review comes through the outbox: not between the two.
        await eventually(lambda: "awaits your review" in operator.everything())
        await operator.say("/approve Ш-1")
        assert "approved and sent" in operator.everything()

        for citizen, index, score in ((first, "Ш-1", "4"), (neighbour, "К-2", "5")):
            expected = f"The answer to your appeal {index}"
            await eventually(lambda: expected in citizen.everything())  # noqa: B023
            assert "The lamp was replaced on 3 December." in citizen.everything()
            await citizen.tap(score)
            assert f"Thank you for your rating. Appeal {index} is closed." in citizen.everything()
