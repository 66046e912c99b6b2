"""Who may move a claim through review: the editorial roles as `rules` predicates.

Researchers research, reviewers review, editors publish. Editors may do
everything a reviewer or researcher may; a superuser counts as an editor.
The predicates read only group membership, which Django caches per user,
so the admin can ask them for every button on a page.
"""

import rules
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

User = AbstractBaseUser | AnonymousUser


@rules.predicate
def is_superuser(user: User) -> bool:
    return bool(getattr(user, "is_superuser", False))


is_editor = is_superuser | rules.is_group_member("editor")
is_reviewer = is_editor | rules.is_group_member("reviewer")
is_researcher = is_editor | rules.is_group_member("researcher")
is_on_the_desk = is_reviewer | is_researcher

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
