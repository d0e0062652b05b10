"""Ratios, goals and the printed table, from the figures the run collected."""

from __future__ import annotations

from typing import Any


def ratio(value: float | None, base: float | None) -> float | None:
    return round(value / base, 2) if value and base else None


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    def rps(name: str) -> float | None:
        figures = results.get(name) or {}
        return figures.get("rps")

    pg = results.get("delivery_pg") or {}
    return {
        "slash_list_vs_bare_bolt": ratio(rps("slash_list"), rps("baseline_bolt")),
        # the listing in the person's hands (in the ack, or at response_url), per second
        "slash_list_complete_vs_bare_bolt": ratio(
            (results.get("slash_list") or {}).get("complete_rps"), rps("baseline_bolt")
        ),
        "create_vs_bare_bolt": ratio(rps("create"), rps("baseline_bolt")),
        "delivery_sqlite_vs_bare_aiohttp": ratio(rps("delivery_sqlite"), rps("baseline_aiohttp")),
        "delivery_pg_one_vs_bare_aiohttp": ratio(
            (pg.get("one_replica") or {}).get("rps"), rps("baseline_aiohttp")
        ),
        # the goal for PostgreSQL: against the SQLite figure of the same run
        "delivery_pg_one_vs_sqlite": ratio((pg.get("one_replica") or {}).get("rps"), rps("delivery_sqlite")),
        "delivery_pg_two_vs_one": pg.get("scaling"),
    }


def goals(results: dict[str, Any], ratio_of: dict[str, float | None]) -> list[dict[str, Any]]:
    def met(value: float | None, test: bool) -> bool | None:
        return None if value is None else test

    slash = results.get("slash_list") or {}
    create = results.get("create") or {}
    delivery = results.get("delivery_sqlite") or {}
    growth = results.get("growth") or {}
    outbox = results.get("notifications") or {}
    checks: list[tuple[str, float | None, Any]] = [
        (
            "list complete ≥ 0.7× bare Bolt",
            ratio_of["slash_list_complete_vs_bare_bolt"],
            lambda v: v >= 0.7,
        ),
        ("list p99 < 50 ms", slash.get("p99_ms"), lambda v: v < 50),
        ("nothing queued after the list load", slash.get("listings_posted"), lambda v: v == 0),
        ("create ≥ 0.1× bare Bolt", ratio_of["create_vs_bare_bolt"], lambda v: v >= 0.1),
        ("create p99 < 500 ms", create.get("p99_ms"), lambda v: v < 500),
        (
            "delivery (SQLite) ≥ 0.08× bare aiohttp",
            ratio_of["delivery_sqlite_vs_bare_aiohttp"],
            lambda v: v >= 0.08,
        ),
        ("delivery (SQLite) p99 < 100 ms", delivery.get("p99_ms"), lambda v: v < 100),
        (
            "delivery (PostgreSQL, 1 replica) ≥ 0.5× SQLite",
            ratio_of["delivery_pg_one_vs_sqlite"],
            lambda v: v >= 0.5,
        ),
        ("two PG replicas ≥ 1.6× one", ratio_of["delivery_pg_two_vs_one"], lambda v: v >= 1.6),
        ("RSS growth 1k→100k < 50 MB", growth.get("rss_growth_mb"), lambda v: v < 50),
        (
            "list latency flat with data (p50 ≤ 1.5× smallest)",
            growth.get("list_p50_growth"),
            lambda v: v <= 1.5,
        ),
        ("notifications never over the bound (no 429)", outbox.get("rate_limited_429"), lambda v: v == 0),
    ]
    return [
        {"goal": goal, "value": value, "met": met(value, bool(test(value)) if value is not None else False)}
        for goal, value, test in checks
    ]


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if value < 100 else f"{value:,.0f}"
    return str(value)


def table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, ...]] = [("figure", "req/s", "p50 ms", "p99 ms", "non-2xx", "errors", "note")]

    def add(label: str, figures: dict[str, Any] | None, note: str = "") -> None:
        figures = figures or {}
        if "skipped" in figures or "error" in figures:
            rows.append((label, "", "", "", "", "", str(figures.get("skipped") or figures.get("error"))[:90]))
            return
        rows.append(
            (
                label,
                _cell(figures.get("rps")),
                _cell(figures.get("p50_ms")),
                _cell(figures.get("p99_ms")),
                _cell(figures.get("non_2xx")),
                _cell(figures.get("errors")),
                note,
            )
        )

    add("bare aiohttp", results.get("baseline_aiohttp"))
    add("bare Bolt ack", results.get("baseline_bolt"))
    ratio_of = results.get("ratios", {})
    add(
        "slash list ack",
        results.get("slash_list"),
        f"{_cell(ratio_of.get('slash_list_vs_bare_bolt'))}× bare Bolt",
    )
    slash = results.get("slash_list") or {}
    if "complete_rps" in slash:
        rows.append(
            (
                "slash list complete",
                _cell(slash["complete_rps"]),
                "",
                "",
                "",
                "",
                f"{_cell(ratio_of.get('slash_list_complete_vs_bare_bolt'))}× bare Bolt; "
                f"{'in the ack' if slash.get('listing_in_ack') else 'at response_url'}, "
                f"last {_cell(slash.get('listings_drained_after_s'))} s after the load",
            )
        )
    add("create", results.get("create"), f"{_cell(ratio_of.get('create_vs_bare_bolt'))}× bare Bolt")
    add(
        "delivery SQLite",
        results.get("delivery_sqlite"),
        f"{_cell(ratio_of.get('delivery_sqlite_vs_bare_aiohttp'))}× bare aiohttp",
    )
    repeats = (results.get("delivery_sqlite") or {}).get("repeats")
    if repeats:
        add("  the same, repeats", repeats, "the same videos sent again")
    pg = results.get("delivery_pg") or {}
    if "skipped" in pg or "error" in pg:
        add("delivery PostgreSQL", pg)
    elif pg:
        add(
            "delivery PG 1 replica",
            pg.get("one_replica"),
            f"{_cell(ratio_of.get('delivery_pg_one_vs_sqlite'))}× SQLite",
        )
        add("delivery PG 2 replicas", pg.get("two_replicas"), f"{_cell(pg.get('scaling'))}× one replica")
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))

    outbox = results.get("notifications") or {}
    if "drain_s" in outbox:
        lines.append("")
        lines.append(
            f"notifications: {outbox['posted']}/{outbox['rows']} rows over {outbox['channels']} channels "
            f"drained in {outbox['drain_s']} s (at the bound: {outbox['time_at_bound_s']} s, "
            f"{outbox['drain_vs_bound']}×); aggregate {outbox['aggregate_rate']} msg/s "
            f"(bound {outbox['aggregate_bound']}); steady per channel ≤ {outbox['steady_rate_per_channel_max']}/s; "
            f"max in any 1 s per channel {outbox['max_per_channel_in_1s']} "
            f"({outbox['max_per_channel_in_1s_after_burst']} after the burst); 429s {outbox['rate_limited_429']}"
        )
    elif outbox:
        lines.append(f"notifications: {outbox.get('error') or outbox}")
    growth = results.get("growth") or {}
    if "sizes" in growth:
        lines.append("")
        lines.append("growth   list p50 ms  list p99 ms  ack p99 ms  RSS MB  RSS after load MB")
        for size, figures in growth["sizes"].items():
            lines.append(
                f"{int(size):>6}   {_cell(figures['list_p50_ms']):>11}  {_cell(figures['list_p99_ms']):>11}  "
                f"{_cell(figures['ack_p99_ms']):>10}  {_cell(figures['rss_mb']):>6}  "
                f"{_cell(figures['rss_after_load_mb']):>17}"
            )
    elif growth:
        lines.append(f"growth: {growth.get('error')}")
    lines.append("")
    for goal in results.get("goals", []):
        mark = {True: "met", False: "MISSED", None: "n/a"}[goal["met"]]
        lines.append(f"[{mark:>6}] {goal['goal']}: {_cell(goal['value'])}")
    return "\n".join(lines)
