"""Single-workspace mode: what someone sees when Slack can't confirm the bot token.

Bolt checks the token with `auth.test` on the first request after a start, and answers any
failure with "please install this app". That is right for a revoked or wrong token, and wrong
when Slack itself is down or slow (5xx, 429, no answer): then nothing needs reinstalling.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.authorization.async_internals import (
    _build_user_facing_error_response,
    _is_no_auth_required,
)
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_bolt.middleware.authorization.internals import _is_no_auth_test_call_required
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError

SLACK_UNAVAILABLE = "Slack isn't answering liteproject right now, so nothing was done. Try again in a minute."


class PatientSingleTeamAuthorization(AsyncSingleTeamAuthorization):
    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse:
        needs_auth_test = not (_is_no_auth_required(req) or _is_no_auth_test_call_required(req))
        if needs_auth_test and self.auth_test_result is None and req.context.client is not None:
            try:
                self.auth_test_result = await req.context.client.auth_test()
            except SlackApiError as exc:
                status = exc.response.status_code
                if status >= 500 or status == 429:
                    self.logger.warning(f"auth.test: Slack answered {status}; nothing done")
                    return _build_user_facing_error_response(SLACK_UNAVAILABLE)
                # a wrong or revoked token: installing the app again is the right advice
                self.logger.error(f"auth.test refused the bot token: {exc.response.get('error')}")
                return _build_user_facing_error_response(self.user_facing_authorize_error_message)
            except (aiohttp.ClientError, TimeoutError, OSError) as exc:
                self.logger.warning(f"auth.test: Slack unreachable ({exc.__class__.__name__})")
                return _build_user_facing_error_response(SLACK_UNAVAILABLE)
        return await super().async_process(req=req, resp=resp, next=next)


def patient_authorization(bolt: AsyncApp) -> None:
    """Swap Bolt's single-workspace check for the one above (same place in the middleware list)."""
    middleware = bolt._async_middleware_list
    for index, item in enumerate(middleware):
        if type(item) is AsyncSingleTeamAuthorization:
            middleware[index] = PatientSingleTeamAuthorization(
                user_facing_authorize_error_message=item.user_facing_authorize_error_message
            )
