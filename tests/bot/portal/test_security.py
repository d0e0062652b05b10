"""The portal's form tokens and rate limits, with a controlled clock."""

from __future__ import annotations

from bot.portal.security import CSRF_MAX_AGE, FormTokens, Limit, RateLimits, SlidingWindow


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


def test_the_sliding_window_allows_n_per_period_then_says_how_long_to_wait() -> None:
    clock = Clock(100.0)
    window = SlidingWindow(Limit(3, 60), clock=clock)

    assert [window.hit("ip") for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 20
    assert window.hit("ip") == 40.0
    assert window.hit("other-ip") == 0.0
    clock.now += 40
    assert window.hit("ip") == 0.0


def test_the_sliding_window_forgets_the_oldest_keys_past_its_bound() -> None:
    window = SlidingWindow(Limit(1, 60), max_keys=2, clock=Clock())

    window.hit("a")
    window.hit("b")
    window.hit("c")

    assert window.hit("a") == 0.0  # forgotten, so allowed again
    assert window.hit("c") > 0


def test_posts_are_limited_per_address_and_per_invite_link() -> None:
    limits = RateLimits(
        posts_per_ip=SlidingWindow(Limit(2, 60), clock=Clock()),
        posts_per_token=SlidingWindow(Limit(3, 60), clock=Clock()),
    )

    assert [limits.check_post("ip-1", "invite") for _ in range(2)] == [0, 0]
    assert limits.check_post("ip-1", "invite") == 60
    assert limits.check_post("ip-2", "invite") == 0
    assert limits.check_post("ip-3", "invite") == 60  # the link has had its three
    assert limits.check_post("ip-3", "another-invite") == 0
