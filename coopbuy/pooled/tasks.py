"""Background work of pooled rounds: closing at the deadline (`coopbuy close_due_pooled_rounds`
sweeps what a missed task left open)."""

from __future__ import annotations

import logging

from django.tasks import task

from coopbuy.pooled.closing import pooled_round_close
from coopbuy.pooled.models import PooledRound

logger = logging.getLogger(__name__)


@task
def close_pooled_round(pool_id: int) -> bool:
    """Close a due pooled round; a failure is logged, never raised (the sweep goes on)."""
    pool = PooledRound.objects.filter(pk=pool_id, status=PooledRound.Status.OPEN).first()
    if pool is None:
        return False
    try:
        return pooled_round_close(pool=pool, actor=None).closed_now
    except Exception:
        logger.exception("The deadline close of pooled round %s failed", pool_id)
        return False
