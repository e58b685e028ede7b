"""What each listing says it holds, and what was read of it.

A listing that reads short is the failure nobody sees: the run ends ``finished`` and the
reports behind the unread pages are simply never found (a Hanweb column paged with a form the
portal refuses gave 16 of its 24 records, and the crawl called itself done). So a listing that
states its size (Hanweb's ``totalRecord`` and ``<totalrecord>``, a page count) is compared, at
the end of the run, with the distinct records read from it; a shortfall becomes a failure of
kind ``incomplete`` that names both numbers, and the run's outcome says ``incomplete``
(``crawler.outcome``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_NOTES = 3  # what went wrong, in the failure's reason: the first few


@dataclass
class Listing:
    url: str  # where the listing starts (the column page): what the failure row names
    advertised: int = 0  # the largest size the portal stated for it
    read: set[str] = field(default_factory=set)  # distinct records (their links)
    notes: list[str] = field(default_factory=list)  # what went wrong on the way
    unit: str = "records"  # what is counted: records, or the pages of a list


@dataclass(frozen=True)
class Shortfall:
    url: str
    read: int
    advertised: int
    reason: str


class ListingTally:
    """The listings of one crawl run, by a key the spider chooses (``column:33760``)."""

    def __init__(self) -> None:
        self._listings: dict[str, Listing] = {}

    def expect(self, key: str, url: str, advertised: int, unit: str = "records") -> None:
        listing = self._listings.setdefault(key, Listing(url))
        listing.advertised = max(listing.advertised, advertised)
        listing.url = listing.url or url
        listing.unit = unit

    def saw(self, key: str, record: str) -> None:
        self._listings.setdefault(key, Listing("")).read.add(record)

    def note(self, key: str, text: str) -> None:
        notes = self._listings.setdefault(key, Listing("")).notes
        if text not in notes:
            notes.append(text)

    def read(self, key: str) -> int:
        listing = self._listings.get(key)
        return len(listing.read) if listing else 0

    def shortfalls(self) -> list[Shortfall]:
        found = []
        for key, listing in self._listings.items():
            if len(listing.read) < listing.advertised:
                shown = listing.notes[:MAX_NOTES] + (
                    [f"{len(listing.notes) - MAX_NOTES} more"] if len(listing.notes) > MAX_NOTES
                    else [])
                why = f"; {'; '.join(shown)}" if shown else ""
                found.append(Shortfall(
                    listing.url, len(listing.read), listing.advertised,
                    f"{key}: read {len(listing.read)} of the {listing.advertised} {listing.unit} "
                    f"the portal advertises{why}"))
        return found
