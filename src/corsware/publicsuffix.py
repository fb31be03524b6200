"""Public suffixes: domains under which anyone can get a subdomain, for refusing `*.` wildcards on them.

A full copy of the Public Suffix List (thousands of rules, revised weekly) would be stale the day it
shipped and is not worth a runtime dependency for a check made once, at configuration time. This
module covers the cases that matter for a CORS allow-list instead:

* every single-label domain (``com``, ``io``, ``uk``): the list's implicit ``*`` rule;
* two-label domains made of a generic registry label under a two-letter country code
  (``co.uk``, ``com.au``, ``ne.jp``), the commonest shape of country-code registries;
* the multi-tenant hosting domains that hand out subdomains to anyone who signs up, most of them
  from the list's private section (``github.io``, ``vercel.app``, ``herokuapp.com`` ...).

A suffix missing here is not refused, so this is a safety net and not a guarantee (SECURITY.md).
"""

from __future__ import annotations

from typing import Final

__all__ = ["is_public_suffix"]

# Second-level labels that country-code registries open to the public (com.au, co.uk, ne.jp ...).
_REGISTRY_LABELS: Final = frozenset(
    {
        "ac",
        "co",
        "com",
        "ed",
        "edu",
        "go",
        "gob",
        "gov",
        "govt",
        "ltd",
        "me",
        "mil",
        "ne",
        "net",
        "nic",
        "or",
        "org",
        "plc",
        "sch",
    }
)

# Hosting platforms where anyone can get `<name>.<suffix>`; trusting `*.<suffix>` trusts strangers.
_MULTI_TENANT: Final = frozenset(
    {
        "amplifyapp.com",
        "appspot.com",
        "azurestaticapps.net",
        "azurewebsites.net",
        "bitbucket.io",
        "blogspot.com",
        "cloudapp.net",
        "cloudfront.net",
        "codeberg.page",
        "deno.dev",
        "elasticbeanstalk.com",
        "firebaseapp.com",
        "fly.dev",
        "github.io",
        "githubusercontent.com",
        "gitlab.io",
        "glitch.me",
        "herokuapp.com",
        "loca.lt",
        "myshopify.com",
        "netlify.app",
        "ngrok-free.app",
        "ngrok.app",
        "ngrok.io",
        "now.sh",
        "onrender.com",
        "pages.dev",
        "pythonanywhere.com",
        "r.appspot.com",
        "readthedocs.io",
        "repl.co",
        "run.app",
        "s3.amazonaws.com",
        "streamlit.app",
        "supabase.co",
        "surge.sh",
        "trycloudflare.com",
        "up.railway.app",
        "vercel.app",
        "web.app",
        "web.core.windows.net",
        "webflow.io",
        "workers.dev",
    }
)


def is_public_suffix(domain: str) -> bool:
    """Whether anyone may register a subdomain of ``domain`` (a lower-case host, no trailing dot)."""
    labels = domain.split(".")
    if len(labels) == 1:
        return True
    if len(labels) == 2 and labels[0] in _REGISTRY_LABELS and len(labels[1]) == 2:  # noqa: PLR2004
        return True
    return domain in _MULTI_TENANT
