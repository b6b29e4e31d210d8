"""The rounds area's one django-ninja router, shared by `api`, `api_manage` and `api_delivery`.

One router, so that operations on the same path (GET and PATCH of a round) live together; each
module adds its operations to it, and `api` imports the other two so that mounting `api.router`
mounts them all.
"""

from typing import Annotated

from ninja import Path, Router

router = Router(tags=["rounds"])
Id = Annotated[int, Path(ge=1, le=2**62)]
ROUND = "/{slug:slug}/rounds/{int:round_id}"
