"""`python -m bench.serve_open serve …`: `liteproject serve` with the creator-page ceilings off.

A load generator on loopback is one client address, so with the ceilings in place the delivery
benchmark would measure the 429 page. The ceilings are settings (`CREATOR_*`, 0 = no limit), as
an operator would set them for a big launch; nothing else differs from `python -m bot serve`.
"""

from __future__ import annotations

import os
import sys

from bot import cli

OPEN = {"CREATOR_VIEWS_PER_CLIENT": "0", "CREATOR_POSTS_PER_CLIENT": "0", "CREATOR_POSTS_PER_LINK": "0"}


if __name__ == "__main__":
    os.environ.update(OPEN)
    sys.exit(cli.main(sys.argv[1:]))
