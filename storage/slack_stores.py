"""The tables of slack_sdk's OAuth stores (installations, bots, OAuth states), for multi-workspace mode.

slack_sdk's `AsyncSQLAlchemyInstallationStore` and `AsyncSQLAlchemyOAuthStateStore` read and write
these tables on our database; migration 0004 creates them. They are built by the stores' own
`build_*_table` functions and registered on the models' metadata, so `alembic --autogenerate` and
the migrations test see them as part of the schema.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlmodel import SQLModel

INSTALLATIONS_TABLE = AsyncSQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = AsyncSQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = AsyncSQLAlchemyOAuthStateStore.default_table_name

slack_installations = AsyncSQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS_TABLE
)
slack_bots = AsyncSQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)
slack_oauth_states = AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, OAUTH_STATES_TABLE
)
