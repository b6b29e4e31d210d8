"""Version 1 of coopbuy's API: one NinjaAPI that mounts a router per area.

A new area plugs in with one line below (`api.add_router("/rounds", rounds_router)`); its handlers
get authentication, rate limits, problem+json errors and the OpenAPI schema from here.
"""

from typing import Any

from ninja import NinjaAPI

from coopbuy.accounts.api import router as accounts_router
from coopbuy.api.auth import AUTHENTICATED
from coopbuy.api.docs import LocalSwagger
from coopbuy.api.parsing import StrictParser
from coopbuy.api.problems import install_problem_handlers
from coopbuy.api.ratelimit import DatabaseRateThrottle
from coopbuy.api.schemas import PROBLEM_MEDIA_TYPE
from coopbuy.campaigns.api import group_router as group_campaigns_router
from coopbuy.campaigns.api import router as campaigns_router
from coopbuy.catalog.api import router as catalog_router
from coopbuy.catalog.supplier_user_api import suppliers_router
from coopbuy.federations.api import router as federations_router
from coopbuy.groups.api import invitations_router
from coopbuy.groups.api import router as groups_router
from coopbuy.groups.suggestions_api import router as suggestion_start_router
from coopbuy.interest.api import router as interest_router
from coopbuy.interest.suggestions_api import router as suggestions_router
from coopbuy.ledger.api import router as ledger_router
from coopbuy.ledger.statement_api import router as statement_router
from coopbuy.organisations.api import router as organisations_router
from coopbuy.pooled.api import router as pooled_router
from coopbuy.programmes.api import router as programmes_router
from coopbuy.reports.api import router as reports_router
from coopbuy.rounds.api import router as rounds_router
from coopbuy.rounds.supplier_portal_api import supplier_orders_router
from coopbuy.subsidies.api import router as subsidies_router
from coopbuy.teamdeals.api import router as teamdeals_router
from coopbuy.teamdeals.money_api import router as teamdeals_money_router
from coopbuy.tenders.api import router as tenders_router
from coopbuy.tokens.api import router as token_router

DESCRIPTION = """coopbuy's API for buying groups. Authenticate with a personal access token
(`Authorization: Bearer cb_…`, made at /api/tokens/) or, from the browser, the session (writes then
need the `X-CSRFToken` header). Errors are `application/problem+json`; lists are pages of
`{items, count, next, previous}`; every POST accepts an `Idempotency-Key`. See docs/api.md."""


RETRY_AFTER = {
    "description": "Seconds until the rate limit's window ends.",
    "schema": {"type": "integer", "minimum": 1},
}


class CoopbuyAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Document errors as `application/problem+json`, as sent, and 429's Retry-After."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
                    if int(status) == 429:
                        response["headers"] = {"Retry-After": RETRY_AFTER}
        return schema


api = CoopbuyAPI(
    title="coopbuy",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api:api-v1",
    auth=AUTHENTICATED,
    throttle=[DatabaseRateThrottle()],
    docs=LocalSwagger(),
    parser=StrictParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_problem_handlers(api)


api.add_router("", accounts_router)
api.add_router("", token_router)
api.add_router("/groups", groups_router)
api.add_router("/invitations", invitations_router)
api.add_router("/me/interest", interest_router)
api.add_router("/me/suggestions", suggestions_router)
api.add_router("/me/suggestions", suggestion_start_router)
api.add_router("/groups", catalog_router)
api.add_router("/groups", rounds_router)
api.add_router("/groups", ledger_router)
api.add_router("/groups", statement_router)
api.add_router("/suppliers", suppliers_router)
api.add_router("/suppliers", supplier_orders_router)
api.add_router("/organisations", organisations_router)
api.add_router("/organisations", programmes_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/groups", group_campaigns_router)
api.add_router("/deals", teamdeals_router)
api.add_router("/groups", reports_router)
api.add_router("/federations", federations_router)
api.add_router("/federations", pooled_router)
api.add_router("/tenders", tenders_router)
api.add_router("", subsidies_router)
api.add_router("", teamdeals_money_router)
