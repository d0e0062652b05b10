"""The portal's form tokens and rate limits, with a controlled clock."""

from __future__ import annotations

from ipaddress import ip_network

from bot.portal.security import CSRF_MAX_AGE, FormTokens, client_address


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_form_token_is_good_for_its_invite_link_only_and_for_a_while() -> None:
    clock = Clock()
    tokens = FormTokens("signing-secret", clock=clock)
    issued = tokens.issue("invite-a")

    assert tokens.check("invite-a", issued)
    assert not tokens.check("invite-b", issued)
    assert not FormTokens("another-secret", clock=clock).check("invite-a", issued)
    clock.now += CSRF_MAX_AGE - 1
    assert tokens.check("invite-a", issued)
    clock.now += 2
    assert not tokens.check("invite-a", issued)


def test_forged_and_malformed_form_tokens_fail() -> None:
    clock = Clock()
    tokens = FormTokens("signing-secret", clock=clock)
    issued = tokens.issue("invite-a")
    timestamp, _, mac = issued.partition(".")

    for bad in (
        None,
        "",
        ".",
        issued + "0",
        f"{int(timestamp) + 1}.{mac}",
        f"{timestamp}.",
        "x.y",
        f"-1.{mac}",
    ):
        assert not tokens.check("invite-a", bad), bad
    # issued in the future (beyond clock skew) is refused too
    future = FormTokens("signing-secret", clock=Clock(clock.now + 3600)).issue("invite-a")
    assert not tokens.check("invite-a", future)


PROXIES = (ip_network("10.0.0.0/8"), ip_network("2001:db8::/32"))


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    # a client talking to us directly can't pick its address with a header
    assert client_address("203.0.113.9", ["1.2.3.4"], PROXIES) == "203.0.113.9"
    assert client_address("203.0.113.9", [], ()) == "203.0.113.9"
    assert client_address("10.0.0.5", ["1.2.3.4"], ()) == "10.0.0.5"


def test_behind_trusted_proxies_the_client_is_the_right_most_untrusted_entry() -> None:
    # the client forged "6.6.6.6"; the proxy appended the address it really came from
    assert client_address("10.0.0.5", ["6.6.6.6, 198.51.100.7"], PROXIES) == "198.51.100.7"
    # two proxies in a row: both are skipped
    assert client_address("10.0.0.5", ["198.51.100.7, 10.1.1.1"], PROXIES) == "198.51.100.7"
    # several headers count as one list
    assert client_address("10.0.0.5", ["6.6.6.6", "198.51.100.8"], PROXIES) == "198.51.100.8"
    assert client_address("2001:db8::1", ["2001:db8::2, 2a00::7"], PROXIES) == "2a00::7"
    # no header: the proxy itself
    assert client_address("10.0.0.5", [], PROXIES) == "10.0.0.5"
