"""Reads of the store the pages need that the `Store` does not offer as one call: an investor's
latest conversation and the state of their account. Only reads; every write goes through the
`Store`, the agent session or the accounts service, which audit it."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from advisor.app.views import current_target, last_rebalanced, latest_proposal
from advisor.storage.models import Conversation, Investor, ProposalStatus
from advisor.storage.store import AccountRecord, ProposalRecord, Store


def latest_conversation(store: Store, investor_id: int) -> int | None:
    """The id of the investor's newest conversation, if any."""
    query = (
        select(Conversation.id)
        .where(Conversation.investor_id == investor_id)
        .order_by(Conversation.id.desc())
        .limit(1)
    )
    with store.transaction() as session:
        return session.scalar(query)


def conversation_ids(store: Store, investor_id: int) -> list[int]:
    """The ids of the investor's conversations, oldest first."""
    query = select(Conversation.id).where(Conversation.investor_id == investor_id)
    with store.transaction() as session:
        return list(session.scalars(query.order_by(Conversation.id)))


def investor_name(store: Store, investor_id: int) -> str:
    """The investor's name, or a placeholder if there is no such investor."""
    with store.transaction() as session:
        investor = session.get(Investor, investor_id)
        return investor.name if investor else f"Investor {investor_id}"


@dataclass(frozen=True)
class AccountState:
    """An investor's first account: its holdings, proposals and the ones that matter now."""

    account: AccountRecord | None
    holdings: dict[str, float]
    proposals: list[ProposalRecord]

    @property
    def shown(self) -> ProposalRecord | None:
        """The proposal to show: the newest open one, else the newest."""
        return latest_proposal(self.proposals)

    undone: frozenset[int] = frozenset()

    @property
    def target(self) -> ProposalRecord | None:
        """The executed proposal the account is managed to (not one whose trade was undone)."""
        return current_target([p for p in self.proposals if p.id not in self.undone])


def account_state(store: Store, investor_id: int) -> AccountState:
    """The investor's first account with its holdings and proposals (empty if none)."""
    accounts = store.accounts(investor_id)
    if not accounts:
        return AccountState(None, {}, [])
    account = accounts[0]
    proposals = store.proposals(account.id)
    undone = frozenset(
        p.id
        for p in proposals
        if p.status == ProposalStatus.EXECUTED
        and any(e.action == "trade.undone" for e in store.audit_events("proposal", p.id))
    )
    return AccountState(account, store.holdings(account.id), proposals, undone)


def account_last_rebalanced(store: Store, account_id: int) -> datetime | None:
    """When the account's holdings last changed, or None."""
    return last_rebalanced(store.audit_events("account", account_id))
