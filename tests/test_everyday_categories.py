"""Citizens choose their problem in everyday words; each category is filed under a classifier
topic and offered first to the body that usually handles it."""

from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from handlers.conversation import Conversation
from reception.categories import CategoryFileError, parse_categories
from reception.classifier import TOPICS_BY_CODE
from storage.departments import (
    example_categories_file,
    example_departments_file,
    load_departments,
    read_categories,
)
from tests.desk_kit import make_staff
from tests.harness import Chat, file_appeal, onboard


def test_every_shipped_category_resolves_to_a_topic_and_a_department() -> None:
    categories = read_categories(example_categories_file())
    departments = {d.code for d in load_departments(example_departments_file())}
    assert len(categories) >= 10
    for category in categories:
        assert category.topic in TOPICS_BY_CODE, category.code
        assert category.department in departments, category.code
    assert categories[-1].topic == "025"  # "Something else" is last
    names = {c.name_uk for c in categories}
    assert {"Дороги і ями", "Освітлення вулиць", "Сміття і прибирання"} <= names


def test_a_mistake_in_the_file_names_the_entry(tmp_path: Path) -> None:
    with pytest.raises(CategoryFileError, match="topic 099 is not in the classifier"):
        parse_categories(
            {
                "category": [
                    {
                        "code": "x",
                        "name_uk": "Х",
                        "name_en": "X",
                        "topic": "099",
                        "department": "a",
                    }
                ]
            }
        )
    with pytest.raises(CategoryFileError, match="category 1 has no department"):
        parse_categories(
            {"category": [{"code": "x", "name_uk": "Х", "name_en": "X", "topic": "009"}]}
        )
    broken = tmp_path / "categories.toml"
    broken.write_text("[[category]\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"categories\.toml"):
        Settings(categories_file=broken, _env_file=None)  # type: ignore[call-arg]


async def test_the_category_a_citizen_chose_is_on_the_card_and_its_body_is_offered_first(
    conversation: Conversation, chat: Chat, sessions: async_sessionmaker[AsyncSession]
) -> None:
    operator = Chat(conversation, "operator-1")
    await make_staff(operator, sessions, "operator")
    await onboard(chat)
    await file_appeal(chat, topic="Public transport")
    await operator.send("/appeal Ш-1")
    assert "Topic: 003 Transport and communications (Public transport)" in operator.text
    await operator.tap("Assign")
    assert operator.buttons[0] == "Transport and Communications Office"
