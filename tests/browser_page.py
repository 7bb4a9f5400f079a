"""A chromium page for the browser tests: French locale, a desktop viewport, and the test fails
when the page raised a JavaScript error."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def watched_page(browser, **context):
    """A new context and page on `browser` (options of `new_context` in `context`); on exit the
    context is closed and any `pageerror` seen fails the test."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="fr-FR", **context)
    pg = ctx.new_page()
    errors = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    ctx.close()
    assert not errors, errors
