"""An admin change page posted back as a browser would: every field as the page shows it, a few of them changed."""

from typing import Any

import lxml.html
from django.test import Client


def page_form(client: Client, url: str) -> dict[str, list[str]]:
    """The values a browser would send from the change form at `url`, untouched: inlines and their management forms."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = lxml.html.fromstring(response.content.decode())
    form = next(form for form in page.forms if form.get("id", "").endswith("_form"))
    # A browser drops the newline that opens a textarea's text (Django writes one); lxml keeps it.
    textareas = {textarea.name for textarea in form.xpath(".//textarea")}
    values: dict[str, list[str]] = {}
    for name, value in form.form_values():
        values.setdefault(name, []).append(value.removeprefix("\n") if name in textareas else value)
    return values


def post_page(client: Client, url: str, **changes: str) -> Any:
    """POST the change form at `url` back with `changes` (field name → value), as if typed on the page."""
    data = page_form(client, url)
    for name, value in changes.items():
        # A box left unticked is not sent, so a DELETE box is not among the page's values until ticked.
        assert name in data or name.endswith("-DELETE"), f"the page has no field {name}: {sorted(data)}"
        data[name] = [value]
    return client.post(url, data)
