"""Who may move a claim through review: the review workflow's permissions, granted to the editorial roles
(core.roles) as `rules` predicates. Researchers research, reviewers review, editors publish."""

import rules

from core.roles import is_editor, is_on_the_desk, is_researcher, is_reviewer

__all__ = ["is_editor", "is_on_the_desk", "is_researcher", "is_reviewer"]

# Transitions of a claim's review (see Claim's transition methods) and the other review actions.
rules.add_perm("claims.research_claim", is_researcher)
rules.add_perm("claims.submit_claim", is_researcher)
rules.add_perm("claims.review_claim", is_reviewer)
rules.add_perm("claims.dismiss_claim", is_reviewer)
rules.add_perm("claims.publish_claim", is_editor)
rules.add_perm("claims.reopen_claim", is_editor)
rules.add_perm("claims.reinstate_claim", is_editor)
rules.add_perm("claims.assign_claim", is_reviewer)
rules.add_perm("claims.write_verdict", is_researcher)
rules.add_perm("claims.comment_claim", is_on_the_desk)
