"""The editors' pages: stories, claims, statements, links and intakes (claims), and review (review)."""

from claims.admin import claims, review

__all__ = ["claims", "review"]
