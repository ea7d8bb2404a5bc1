"""Fill empty English translations with their source text: English is the msgid language, so a
new entry's English is its msgid until someone words it better in the catalogue."""

from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "locales" / "en" / "LC_MESSAGES" / "messages.po"


def main() -> None:
    with PO.open("rb") as stream:
        catalog = read_po(stream, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not isinstance(message.string, tuple) or not all(message.string):
                message.string = (message.id[0], message.id[1])
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with PO.open("wb") as stream:
        write_po(stream, catalog, width=76, sort_output=True, omit_header=False)


if __name__ == "__main__":
    main()
