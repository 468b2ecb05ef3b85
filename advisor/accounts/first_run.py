"""The first run: an administrator and a complete demo cast, with passwords shown only once."""

from collections.abc import Mapping
from typing import Final

from advisor.accounts import users
from advisor.accounts.audit import audit
from advisor.accounts.passwords import generate_password
from advisor.accounts.roles import Credentials
from advisor.storage.models import AdvisorAssignment, DelegatePermission, Role
from advisor.storage.store import Store

ACTOR: Final = "system:first-run"
DEMO_INVESTOR: Final = "Demo Investor"
DEMO_BIRTH_YEAR: Final = 1956  # 65+, so elderly mode and the exploitation hold can be shown
DEMO_ACCOUNT: Final = "Demo portfolio"
DEMO_RISK_LEVEL: Final = 3
DEMO_DELEGATE_PERMISSIONS: Final = (
    DelegatePermission.VIEW,
    DelegatePermission.ALERTS,
    DelegatePermission.CO_APPROVE,
)


def create_demo_users(store: Store, opening_holdings: Mapping[str, float]) -> list[Credentials]:
    """Create the admin and the demo investor, advisor and delegate on `store` (a view from
    `Store.atomic`, so that all of it or none is written); return their credentials."""
    investor_id = store.create_investor(DEMO_INVESTOR, birth_year=DEMO_BIRTH_YEAR)
    account_id = store.open_account(investor_id, DEMO_ACCOUNT, risk_level=DEMO_RISK_LEVEL)
    if opening_holdings:
        store.replace_holdings(account_id, opening_holdings, actor=ACTOR)
    cast = [
        Credentials("admin", generate_password(), Role.ADMIN),
        Credentials("demo-investor", generate_password(), Role.INVESTOR, investor_id),
        Credentials("demo-advisor", generate_password(), Role.ADVISOR),
        Credentials("demo-delegate", generate_password(), Role.DELEGATE, investor_id),
    ]
    with store.transaction() as session:
        ids: dict[Role, int] = {}
        for person in cast:
            delegate_id = None
            if person.role == Role.DELEGATE:
                link = users.add_delegate_link(
                    session,
                    investor_id,
                    DEMO_DELEGATE_PERMISSIONS,
                    name="Demo Delegate",
                    relationship="family",
                    contact="demo-delegate",
                )
                delegate_id = link.id
            user = users.add_user(
                session,
                person.username,
                person.password,
                person.role,
                investor_id=person.investor_id,
                delegate_id=delegate_id,
                actor=ACTOR,
            )
            ids[person.role] = user.id
        session.add(AdvisorAssignment(advisor_user_id=ids[Role.ADVISOR], investor_id=investor_id))
        payload = {"advisor_user_id": ids[Role.ADVISOR], "advisor": "demo-advisor"}
        audit(session, ACTOR, "advisor.assigned", "investor", investor_id, payload)
    return cast
