"""Claims, who asserted them where, the evidence for them, how claims relate, and how they are reviewed."""

from claims.models.claims import Claim, Evidence, ReviewStatus, Stance, Statement, Story
from claims.models.ingestion import Ingestion
from claims.models.links import ClaimEmbedding, ClaimLink, LinkCalibration, LinkingRun

__all__ = [
    "Claim",
    "ClaimEmbedding",
    "ClaimLink",
    "Evidence",
    "Ingestion",
    "LinkCalibration",
    "LinkingRun",
    "ReviewStatus",
    "Stance",
    "Statement",
    "Story",
]
