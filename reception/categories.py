"""Everyday categories: the words a citizen chooses from ("roads and potholes", "street
lighting"), each mapped to a classifier topic and the body that usually handles it. Kept in a
settings file, since every council names its bodies and its residents' worries its own way."""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from reception.classifier import TOPICS_BY_CODE

CODE = re.compile(r"[a-z][a-z0-9_]{0,23}")


class CategoryFileError(ValueError):
    pass


@dataclass(frozen=True)
class EverydayCategory:
    code: str
    name_uk: str
    name_en: str
    topic: str
    #: The code of the body that usually handles it (departments file).
    department: str

    def name(self, locale: str) -> str:
        return self.name_uk if locale == "uk" else self.name_en


def parse_categories(
    data: Mapping[str, object], source: str = "categories"
) -> tuple[EverydayCategory, ...]:
    """The categories of a settings file's data; a mistake names the entry and the field."""
    found: list[EverydayCategory] = []
    entries = data.get("category", [])
    if not isinstance(entries, list):
        raise CategoryFileError(f"{source}: [[category]] entries expected")
    for position, item in enumerate(entries, start=1):
        if not isinstance(item, dict):
            raise CategoryFileError(f"{source}: category {position} is not a table")
        try:
            category = EverydayCategory(
                code=str(item["code"]),
                name_uk=str(item["name_uk"]).strip(),
                name_en=str(item["name_en"]).strip(),
                topic=str(item["topic"]),
                department=str(item["department"]),
            )
        except KeyError as missing:
            raise CategoryFileError(
                f"{source}: category {position} has no {missing.args[0]}"
            ) from None
        if not CODE.fullmatch(category.code) or category.code in {c.code for c in found}:
            raise CategoryFileError(f"{source}: category {position}: a unique latin code")
        if category.topic not in TOPICS_BY_CODE:
            raise CategoryFileError(
                f"{source}: category {category.code}: topic {category.topic} is not in the "
                "classifier"
            )
        if not category.name_uk or not category.name_en:
            raise CategoryFileError(f"{source}: category {category.code}: both names")
        found.append(category)
    if not found:
        raise CategoryFileError(f"{source}: no [[category]] entries")
    return tuple(found)
