"""The one rule for a day given without a time (an article's publication day, a review's date)."""

from datetime import UTC, date, datetime, time

# Noon UTC, not midnight: the stored moment then falls on the same calendar day in every time zone from
# UTC−11 to UTC+11, so a reader in Caracas or Manila sees the day the source gave.
BARE_DAY_TIME = time(12, tzinfo=UTC)


def day_moment(day: date) -> datetime:
    """The moment stored for a day given without a time."""
    return datetime.combine(day, BARE_DAY_TIME)
