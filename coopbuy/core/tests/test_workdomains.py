import pytest

from coopbuy.core.workdomains import (
    WEBMAIL_DOMAINS,
    DomainInvalid,
    covers,
    domain_of_address,
    is_webmail,
    normalise_domain,
)


def test_the_common_webmail_and_isp_domains_are_listed() -> None:
    for domain in (
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
        "yahoo.com", "yahoo.co.uk", "icloud.com", "me.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "mail.com", "yandex.com", "btinternet.com", "sky.com",
        "virginmedia.com", "talktalk.net",
    ):  # fmt: skip
        assert domain in WEBMAIL_DOMAINS
        assert is_webmail(domain)
    assert isinstance(WEBMAIL_DOMAINS, frozenset)
    assert all(normalise_domain(d) == d for d in WEBMAIL_DOMAINS)


def test_a_subdomain_of_webmail_is_webmail_too() -> None:
    assert is_webmail("eu.gmail.com")
    assert not is_webmail("notgmail.com")
    assert not is_webmail("caldermills.example")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("caldermills.example", "caldermills.example"),
        ("  CalderMills.Example. ", "caldermills.example"),
        ("hr.caldermills.example", "hr.caldermills.example"),
        ("mühlen.example", "xn--mhlen-kva.example"),
        ("xn--mhlen-kva.example", "xn--mhlen-kva.example"),
    ],
)
def test_domains_are_kept_lower_case_in_ascii(text: str, expected: str) -> None:
    assert normalise_domain(text) == expected


@pytest.mark.parametrize(
    "text",
    ["", "localhost", "hr@caldermills.example", "calder mills.example", "-bad.example",
     "bad-.example", "a..example", "10.0.0.1", "under_score.example", "x" * 64 + ".example"],
)  # fmt: skip
def test_what_is_not_a_domain_is_refused(text: str) -> None:
    with pytest.raises(DomainInvalid):
        normalise_domain(text)


def test_a_claim_covers_its_subdomains_but_not_lookalikes() -> None:
    assert covers("caldermills.example", "caldermills.example")
    assert covers("caldermills.example", "leeds.caldermills.example")
    assert not covers("caldermills.example", "notcaldermills.example")
    assert not covers("leeds.caldermills.example", "caldermills.example")


def test_the_domain_of_an_address() -> None:
    assert domain_of_address("Ann.Lee@CalderMills.example") == "caldermills.example"
    with pytest.raises(DomainInvalid):
        domain_of_address("no-at-sign.example")
    with pytest.raises(DomainInvalid):
        domain_of_address("@caldermills.example")
