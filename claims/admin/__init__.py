"""The editors' pages: stories, claims, statements, links and intakes (claims), review (review), and outlets,
actors and sources with the statements made in and by them (sources)."""

from claims.admin import claims, review, sources

__all__ = ["claims", "review", "sources"]
