"""Long texts are split for messengers on paragraph, line and word boundaries."""

from hypothesis import given
from hypothesis import strategies as st

from bot.textsplit import split_text


def test_a_short_text_stays_whole() -> None:
    assert split_text("Добрий день", 4096) == ["Добрий день"]


def test_paragraphs_are_kept_together_where_they_fit() -> None:
    text = "\n\n".join(["а" * 3000, "б" * 3000, "в" * 100])
    assert split_text(text, 4096) == ["а" * 3000, "б" * 3000 + "\n\n" + "в" * 100]


def test_a_paragraph_longer_than_the_limit_is_cut_between_words() -> None:
    chunks = split_text("слово " * 1000, 100)
    assert all(len(chunk) <= 100 for chunk in chunks)
    assert all(not chunk.startswith(" ") and not chunk.endswith(" ") for chunk in chunks)
    assert " ".join(chunks).split() == ["слово"] * 1000


@given(st.text(min_size=0, max_size=3000), st.integers(min_value=1, max_value=500))
def test_nothing_is_lost_and_no_chunk_is_too_long(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(len(chunk) <= limit for chunk in chunks)
    assert "".join("".join(chunks).split()) == "".join(text.split()) or not text.strip()
