"""Headers on every response: a Content-Security-Policy, nosniff, Referrer-Policy, no framing.

The policy allows only this site's own scripts, styles, images and requests; nothing inline
except a <style> or <script> element that carries the nonce of its response (the chat page
and the demo pages, whose templates call csp_nonce()). No page may be framed, the editor
least of all (clickjacking). The widget on partner sites is unaffected: a policy applies to
the page it is sent with, and a partner's page is the partner's.

Referrer-Policy is same-origin: requests to the bot itself keep their Referer and Origin
(the editor's CSRF check over HTTPS needs the Referer), while leaving the bot, by the quick
exit or a resource's link, tells the next site nothing about where the person came from.
"""

from __future__ import annotations

import secrets

from flask import Flask, Response, g


def csp_nonce() -> str:
    """This response's nonce for an inline <style> or <script> (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(18)
    return g.csp_nonce


def policy(nonce: str | None) -> str:
    """The Content-Security-Policy header value, allowing inline elements with nonce if any."""
    inline = f" 'nonce-{nonce}'" if nonce else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{inline}",
            f"style-src 'self'{inline}",
            "img-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


NO_NONCE_POLICY = policy(None)  # a response without an inline element's nonce
FIXED = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),  # frame-ancestors, for older browsers
)


def add_headers(response: Response) -> Response:
    """Set the headers unless a view set its own."""
    headers = response.headers
    present = set(headers.keys(lower=True))
    if "content-security-policy" not in present:
        nonce = g.get("csp_nonce")
        headers.add("Content-Security-Policy", policy(nonce) if nonce else NO_NONCE_POLICY)
    for name, value in FIXED:
        if name.lower() not in present:
            headers.add(name, value)
    return response


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_headers)
