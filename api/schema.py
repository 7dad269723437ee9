"""The schema: Query, Mutation and the limits every operation passes before it runs."""

import strawberry
from strawberry.extensions import MaxAliasesLimiter, MaxTokensLimiter, QueryDepthLimiter

from api.auth import RequireAuthentication
from api.mutations.approval_policies import ApprovalPolicyMutations
from api.mutations.plan_approval import PlanApprovalMutations
from api.mutations.plan_decomposition import PlanDecompositionMutations
from api.mutations.sales_plans import SalesPlanMutations
from api.queries import Query
from api.subscriptions import Subscription
from api.types.approval import ApprovalStep
from api.types.catalogue import Product
from api.types.organisation import Company, Department, Salesperson, User
from api.types.plans import SalesPlan, SalesPlanLine

MAX_DEPTH = 14
MAX_ALIASES = 30
MAX_TOKENS = 5000


@strawberry.type
class Mutation(
    SalesPlanMutations,
    PlanApprovalMutations,
    PlanDecompositionMutations,
    ApprovalPolicyMutations,
):
    """Every business action, named noun first (salesPlanCreate, salesPlanSubmit, ...)."""


schema = strawberry.Schema(
    query=Query,
    mutation=Mutation,
    subscription=Subscription,
    # Types reachable only through the Node interface still need to be in the schema.
    types=[Company, Department, Salesperson, User, Product, SalesPlan, SalesPlanLine, ApprovalStep],
    extensions=[
        RequireAuthentication,
        lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
        lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    ],
)


def schema_sdl() -> str:
    return schema.as_str() + "\n"
