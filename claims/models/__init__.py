"""Claims, who asserted them where, the evidence for them, how claims relate, and how they are reviewed."""

from claims.models.claims import Claim, ClaimStatus, Evidence, ReviewStatus, Stance, Statement, Story, SupportLevel
from claims.models.ingestion import Ingestion
from claims.models.links import ClaimAnalysis, ClaimEmbedding, ClaimLink, LinkCalibration, LinkingRun
from claims.models.review import Approval, Comment, Notification, Rating, Verdict

__all__ = [
    "Approval",
    "Claim",
    "ClaimAnalysis",
    "ClaimEmbedding",
    "ClaimLink",
    "ClaimStatus",
    "Comment",
    "Evidence",
    "Ingestion",
    "LinkCalibration",
    "LinkingRun",
    "Notification",
    "Rating",
    "ReviewStatus",
    "Stance",
    "Statement",
    "Story",
    "SupportLevel",
    "Verdict",
]
