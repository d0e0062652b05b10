"""What `/liteproject subscribe` reads from its text: the project (or all) first, then the filters,
which events a channel keeps and whose videos."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.services import subscriptions
from bot.services.errors import InvalidInput
from bot.services.notices import EVENTS
from bot.services.subscriptions import Filters, is_filter_token, parse_filters
from bot.services.workspaces import Actor
from tests.factories import make_project, make_workspace
from tests.harness.fake_slack import TEAM_ID
from tests.harness.slack_requests import CHANNEL_ID, USER_ID

ACTOR = Actor(team_id=TEAM_ID, user_id=USER_ID)


def test_without_filters_a_channel_gets_every_event_from_everyone() -> None:
    assert parse_filters([]) == Filters(events=list(EVENTS), creator_handle=None)


@pytest.mark.parametrize(
    ("tokens", "events"),
    [
        (["delivered,paused"], ["delivered", "paused"]),
        (["paused", "delivered"], ["paused", "delivered"]),
        (["DELIVERED", "+paused", "delivered"], ["delivered", "paused"]),
        (["delivered,,paused,"], ["delivered", "paused"]),
    ],
)
def test_named_events_are_kept_once_in_the_order_given(tokens: list[str], events: list[str]) -> None:
    assert parse_filters(tokens).events == events


def test_a_minus_leaves_an_event_out_of_all_or_of_those_named() -> None:
    assert parse_filters(["-delivered"]).events == [event for event in EVENTS if event != "delivered"]
    assert parse_filters(["delivered,paused,-delivered"]).events == ["paused"]


def test_a_creator_filter_keeps_the_handle_in_lower_case_without_the_at() -> None:
    assert parse_filters(["delivered", "creator:@Glow.Maker"]) == Filters(
        events=["delivered"], creator_handle="glow.maker"
    )
    assert parse_filters(["CREATOR:maya_films"]).creator_handle == "maya_films"


@pytest.mark.parametrize(
    "token", ["creator:@", "creator:@glow.", "creator:@no way", "creator:@a", "creator:@x!"]
)
def test_a_creator_filter_that_is_not_a_handle_is_refused_on_the_creator(token: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_filters([token])

    assert list(refused.value.errors) == ["creator"]
    assert "isn't a TikTok handle" in refused.value.errors["creator"]


@pytest.mark.parametrize("token", ["deliverd", "-nonsense", "delivered,later"])
def test_an_unknown_event_is_refused_naming_the_valid_ones(token: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_filters([token])

    assert "isn't an event" in refused.value.errors["events"]
    assert all(event in refused.value.errors["events"] for event in EVENTS)


def test_filters_that_leave_nothing_are_refused() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_filters([",".join(f"-{event}" for event in EVENTS)])

    assert "leave no events" in refused.value.errors["events"]


@pytest.mark.parametrize(
    ("token", "is_filter"),
    [
        ("delivered", True),
        ("delivered,paused", True),
        ("-delivered", True),
        ("-anything", True),  # a minus can only be a filter: it is then checked as an event
        ("creator:@glow.maker", True),
        ("Creator:glow", True),
        ("summer", False),
        ("glow,", False),
        ("delivered,launch", False),
        (",", False),
        ("", False),
    ],
)
def test_which_words_read_as_filters(token: str, is_filter: bool) -> None:
    assert is_filter_token(token) is is_filter


async def subscribe(sessions: async_sessionmaker[AsyncSession], text: str) -> subscriptions.SubscriptionView:
    async with sessions.begin() as session:
        return await subscriptions.subscribe(session, actor=ACTOR, channel_id=CHANNEL_ID, text=text)


async def test_the_project_name_runs_until_the_first_of_the_trailing_filters(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        workspace = await make_workspace(session)
        for name in ("Summer glow", "Delivered"):
            await make_project(session, workspace=workspace, link_name=name)

    view = await subscribe(sessions, "summer glow delivered creator:@Maker")
    assert (view.project_name, view.subscription.events, view.subscription.creator_handle) == (
        "Summer glow",
        ["delivered"],
        "maker",
    )
    # the first word always names the project, even when it reads like an event
    view = await subscribe(sessions, "delivered")
    assert (view.project_name, view.subscription.events) == ("Delivered", list(EVENTS))
    view = await subscribe(sessions, "all -delivered")
    assert view.project_name is None
    assert view.subscription.events == [event for event in EVENTS if event != "delivered"]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ("", "project", "Say which project, or all"),
        ("all launch", "events", "“launch” isn't a filter"),
        ("all delivered later", "events", "“delivered later” isn't a filter"),
    ],
)
async def test_what_subscribe_cannot_read_is_refused_on_its_field(
    sessions: async_sessionmaker[AsyncSession], text: str, field: str, words: str
) -> None:
    async with sessions.begin() as session:
        await make_workspace(session)

    with pytest.raises(InvalidInput) as refused:
        await subscribe(sessions, text)

    assert words in refused.value.errors[field]


async def test_subscribing_outside_a_channel_is_refused(sessions: async_sessionmaker[AsyncSession]) -> None:
    with pytest.raises(InvalidInput) as refused:
        async with sessions.begin() as session:
            await subscriptions.subscribe(session, actor=ACTOR, channel_id="not a channel", text="all")

    assert "Subscribe from the channel" in refused.value.errors["channel"]
