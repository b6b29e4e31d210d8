"""Work-email domains: which an employer may claim, and whose addresses a claim covers.

A domain is kept in its lower-case ASCII (IDNA) form, e.g. `xn--mhlen-kva.example` for
`mühlen.example`. Webmail and internet providers' domains can never be claimed: anyone can have
an address there, so an address at one proves nothing about an employer.
"""

from __future__ import annotations

import re

import idna

#: Domains anyone can get an address at; never claimable, nor any of their subdomains.
WEBMAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "google.com", "outlook.com", "outlook.co.uk",
        "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de", "live.com", "live.co.uk",
        "msn.com", "passport.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de",
        "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com",
        "aol.co.uk", "aim.com", "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
        "gmx.com", "gmx.co.uk", "gmx.de", "gmx.net", "web.de", "mail.com", "email.com",
        "yandex.com", "yandex.ru", "mail.ru", "zoho.com", "zohomail.eu", "tutanota.com",
        "tuta.io", "fastmail.com", "fastmail.fm", "hushmail.com", "mailbox.org",
        "posteo.de", "qq.com", "163.com", "126.com", "btinternet.com", "btopenworld.com",
        "sky.com", "virginmedia.com", "ntlworld.com", "blueyonder.co.uk", "talktalk.net",
        "tiscali.co.uk", "plus.net", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net",
        "t-online.de", "comcast.net", "verizon.net", "att.net", "sbcglobal.net",
        "example.com",
    }
)  # fmt: skip

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


class DomainInvalid(ValueError):
    """Not a domain name a person could have an address at."""


def normalise_domain(text: str) -> str:
    """The domain in lower-case ASCII (IDNA), or `DomainInvalid`.

    Accepts `Caldermills.Example`, `caldermills.example.` and `mühlen.example`; refuses an
    address, a single label, an IP address, spaces, or a label that IDNA forbids.
    """
    candidate = text.strip().rstrip(".").lower()
    if not candidate or "@" in candidate or any(c.isspace() for c in candidate):
        raise DomainInvalid(text)
    try:
        ascii_form = idna.encode(candidate, uts46=True).decode("ascii")
    except idna.IDNAError as error:
        raise DomainInvalid(text) from error
    labels = ascii_form.split(".")
    if len(labels) < 2 or len(ascii_form) > 253:
        raise DomainInvalid(text)
    if not all(_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise DomainInvalid(text)
    return ascii_form


def covers(claimed: str, domain: str) -> bool:
    """Whether a claim of `claimed` covers `domain`: the same domain or one of its subdomains."""
    return domain == claimed or domain.endswith("." + claimed)


def is_webmail(domain: str) -> bool:
    """A webmail or internet provider's domain, or a subdomain of one."""
    return any(covers(webmail, domain) for webmail in WEBMAIL_DOMAINS)


def domain_of_address(address: str) -> str:
    """The normalised domain of an email address, or `DomainInvalid`."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local:
        raise DomainInvalid(address)
    return normalise_domain(domain)
