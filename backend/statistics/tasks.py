"""Jobs of the statistics watcher: the daily roll-up of closed days on Celery beat.

`flask scheduled` and `flask statistics rollup` run the same by hand; the roll-up is idempotent and gives
way to a concurrent run, so beat may send it as often as it likes.
"""

from __future__ import annotations

import logging

from celery import shared_task

from backend.statistics.rollup import roll_up

log = logging.getLogger("chajian.statistics")


@shared_task(name="statistics.roll_up")
def roll_up_closed_days() -> int:
    """Roll up every closed day not yet rolled up; the number of days."""
    days = roll_up()
    log.info("statistics roll-up: %s days", days)
    return days
