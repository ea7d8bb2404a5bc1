"""Where a problem is, in words and on a map: the address the person typed and a link to the
shared location, for the citizen, the staff and the department's e-mail alike."""

from handlers.speaker import Words
from storage.records import AppealRecord


def map_link(latitude: float, longitude: float) -> str:
    """A map of the problem's place that needs no account and no key."""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.6f}&mlon={longitude:.6f}"
        f"#map=18/{latitude:.6f}/{longitude:.6f}"
    )


def place_lines(ctx: Words, appeal: AppealRecord) -> list[str]:
    """The address and a map link, whichever the appeal has."""
    lines: list[str] = []
    if appeal.location_text:
        lines.append(ctx._("Place of the problem: {value}").format(value=appeal.location_text))
    if appeal.latitude is not None and appeal.longitude is not None:
        lines.append(
            ctx._("Place of the problem on the map: {url}").format(
                url=map_link(appeal.latitude, appeal.longitude)
            )
        )
    return lines
