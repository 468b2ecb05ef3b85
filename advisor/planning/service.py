"""Wiring for planning and tax: files and the store become engine inputs, engine results become
trades and audit events. The engine modules (`goals`, `verification`, `advisor.tax`) stay pure."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from advisor.catalogue import Product
from advisor.knowledge.rules import GoalGlidePath
from advisor.planning.goals import (
    Goal,
    GoalAssessment,
    LevelOutlook,
    assess_goals,
    effective_risk_level,
)
from advisor.planning.methodology import (
    Methodology,
    load_methodology,
    load_substitute_products,
    planning_products,
)
from advisor.planning.verification import (
    Deviation,
    RunningConfiguration,
    verify_methodology,
)
from advisor.runtime import Runtime
from advisor.storage.models import Account, AccountTaxStatus
from advisor.storage.store import AccountRecord, GoalRecord, Store, TaxLotRecord
from advisor.tax.harvest import HarvestContext, HarvestScan, scan_for_harvest
from advisor.tax.lots import TaxLot, TaxRates
from advisor.tax.preview import GoalContext, SalePreview, preview_sale
from advisor.tax.rebalance import (
    AccountTaxState,
    TargetModel,
    TaxAwarePlan,
    TradeRules,
    plan_tax_aware,
)
from advisor.tax.wash_sale import LossSale, Purchase, PurchaseDecision, guard_purchase

METHODOLOGY_FILE = "methodology.toml"
ACTOR = "planning"


@dataclass(frozen=True)
class Planning:
    """The methodology, products, glide path, outlooks and tax rates, loaded once."""

    methodology: Methodology
    products: Mapping[str, Product]
    glide: GoalGlidePath
    outlooks: Mapping[int, LevelOutlook]
    rates: TaxRates
    running: RunningConfiguration

    @classmethod
    def load(cls, runtime: Runtime) -> "Planning":
        """Read the methodology and substitutes next to the catalogue; outlooks are the model
        portfolios' expected return and volatility per risk level."""
        folder = runtime.settings.portfolios_dir
        substitutes = load_substitute_products(folder / "catalogue.toml")
        products = planning_products(runtime.catalogue, substitutes)
        methodology = load_methodology(folder / METHODOLOGY_FILE, products)
        book = runtime.rulebooks[runtime.settings.jurisdiction]
        rule = book.cited(methodology.goals.glide_path_rule).rule
        if not isinstance(rule, GoalGlidePath):
            raise TypeError(f"{methodology.goals.glide_path_rule} is not a goal glide path rule")
        outlooks = {}
        for level in range(1, 6):
            allocation = runtime.allocate(level)
            outlooks[level] = LevelOutlook(allocation.expected_return, allocation.volatility)
        settings = runtime.settings
        rebalancing = runtime.policy.rebalancing
        return cls(
            methodology=methodology,
            products=products,
            glide=rule,
            outlooks=outlooks,
            rates=methodology.tax.rates(
                settings.jurisdiction, settings.tax_short_term_rate, settings.tax_long_term_rate
            ),
            running=RunningConfiguration(
                drift_trigger=rebalancing.drift_trigger,
                absolute_band=rebalancing.absolute_band,
                relative_band=rebalancing.relative_band,
                calendar_months=rebalancing.calendar_months,
                min_trade_value=rebalancing.min_trade_value,
                cooling_off_hours=settings.cooling_off_hours,
            ),
        )


def goal_from_record(record: GoalRecord) -> Goal:
    """The engine's goal from a stored one."""
    return Goal(
        id=str(record.id),
        name=record.name,
        kind=record.kind,  # validated by the model: an unknown kind is an error
        target_amount=record.target_amount,
        target_date=record.target_date,
        priority=record.priority,
        current_value=record.current_value,
        monthly_deposit=record.monthly_deposit,
        risk_level=record.risk_level,
        account_id=None if record.account_id is None else str(record.account_id),
    )


def assess_investor_goals(
    store: Store, planning: Planning, investor_id: int, suitability_cap: int, today: date
) -> tuple[GoalAssessment, ...]:
    """Every stored goal of the investor, assessed."""
    goals = tuple(goal_from_record(record) for record in store.goals(investor_id))
    return assess_goals(
        goals,
        today,
        planning.outlooks,
        planning.glide,
        suitability_cap,
        planning.methodology.goals.simulation(),
    )


def engine_lot(record: TaxLotRecord) -> TaxLot:
    """The engine's lot from a stored one."""
    return TaxLot(
        lot_id=str(record.id),
        account_id=str(record.account_id),
        product_id=record.product_id,
        bought=record.bought_on,
        units=record.units,
        cost_basis=record.cost_basis,
    )


def trade_history(store: Store, investor_id: int) -> tuple[list[Purchase], list[LossSale]]:
    """Every purchase and taxable loss sale in all of the investor's accounts, from the audit
    log's `trade.executed` events."""
    purchases: list[Purchase] = []
    loss_sales: list[LossSale] = []
    for account in store.accounts(investor_id):
        for event in store.audit_events("account", account.id):
            if event.action != "trade.executed":
                continue
            payload = event.payload
            on = date.fromisoformat(payload["on"])
            if payload["side"] == "buy":
                purchases.append(
                    Purchase(
                        account_id=str(account.id),
                        product_id=payload["product_id"],
                        on=on,
                        units=float(payload["units"]),
                        source=payload["source"],
                        lot_id=payload.get("lot_id"),
                    )
                )
            elif payload.get("taxable") and float(payload.get("realized_gain", 0)) < 0:
                loss_sales.append(
                    LossSale(
                        account_id=str(account.id),
                        product_id=payload["product_id"],
                        on=on,
                        loss=-float(payload["realized_gain"]),
                        lot_id=payload.get("lot_id"),
                    )
                )
    return purchases, loss_sales


def account_risk_caps(
    store: Store, planning: Planning, investor_id: int, today: date
) -> dict[str, int]:
    """Each account's highest allowed product risk level: its own level, lowered by the glide
    path of any goal it funds."""
    caps = {str(a.id): a.risk_level for a in store.accounts(investor_id)}
    for record in store.goals(investor_id):
        if record.account_id is None:
            continue
        goal = goal_from_record(record)
        key = str(record.account_id)
        caps[key] = min(caps[key], effective_risk_level(goal, today, planning.glide, caps[key]))
    return caps


def run_harvest_scan(
    store: Store,
    planning: Planning,
    investor_id: int,
    on: date,
    prices: Mapping[str, float],
    run_id: str | None = None,
) -> HarvestScan:
    """Scan all of the investor's lots, execute the harvests (sell the lots, buy the
    substitutes) and record the scan, in one transaction."""
    methodology = planning.methodology
    with store.atomic() as view:
        lots = tuple(engine_lot(record) for record in view.tax_lots(investor_id))
        purchases, loss_sales = trade_history(view, investor_id)
        accounts = view.accounts(investor_id)
        context = HarvestContext(
            prices=prices,
            tax_status={
                str(a.id): "taxable"
                if view.tax_status(a.id) == AccountTaxStatus.TAXABLE
                else "tax_advantaged"
                for a in accounts
            },
            max_risk_level=account_risk_caps(view, planning, investor_id, on),
            product_risk={pid: product.risk_level for pid, product in planning.products.items()},
            substitutes=methodology.harvesting.substitutes(),
            purchases=tuple(purchases),
            loss_sales=tuple(loss_sales),
            rates=planning.rates,
            rules=methodology.harvesting.rules(),
            wash_sale=methodology.wash_sale_rules(),
        )
        scan = scan_for_harvest(on, lots, context)
        for harvest in scan.sales:
            sale = harvest.sale
            view.sell_from_lot(
                int(sale.lot.lot_id),
                sale.units,
                sale.price,
                on,
                "harvest",
                ACTOR,
                estimated_tax=sale.estimated_tax,
                run_id=run_id,
            )
            bought = harvest.substitute_lot
            view.buy_lot(
                int(bought.account_id),
                bought.product_id,
                on,
                bought.units,
                bought.cost_basis,
                "harvest_substitute",
                ACTOR,
                extra={"replaces": sale.lot.product_id},
                run_id=run_id,
            )
        view.record_event(
            ACTOR,
            "harvest.scan",
            "investor",
            investor_id,
            scan_payload(scan, methodology),
            run_id,
        )
    return scan


def scan_payload(scan: HarvestScan, methodology: Methodology) -> dict[str, Any]:
    """The audit record of a scan: when, under which methodology, what it sold and skipped."""
    return {
        "on": scan.on.isoformat(),
        "methodology_version": methodology.version,
        "min_loss_fraction": methodology.harvesting.min_loss_fraction,
        "min_loss_amount": methodology.harvesting.min_loss_amount,
        "lots_scanned": scan.lots_scanned,
        "harvested_loss": round(scan.harvested_loss, 2),
        "estimated_tax_saving": round(scan.estimated_tax_saving, 2),
        "sales": [
            {
                "lot_id": s.sale.lot.lot_id,
                "account_id": s.sale.lot.account_id,
                "product_id": s.sale.lot.product_id,
                "loss": round(s.loss, 2),
                "substitute": s.substitute_lot.product_id,
            }
            for s in scan.sales
        ],
        "skipped": [
            {"lot_id": s.lot_id, "product_id": s.product_id, "reason": s.reason}
            for s in scan.skipped
        ],
    }


def invest(
    store: Store,
    planning: Planning,
    account_id: int,
    product_id: str,
    amount: float,
    prices: Mapping[str, float],
    on: date,
    source: str,
    run_id: str | None = None,
) -> PurchaseDecision:
    """Invest money (a deposit, a dividend being reinvested, a trade) in a product through the
    wash-sale guard, which looks at loss sales in all of the investor's accounts: the product,
    its substitute, or nothing (the money stays in cash until the window has passed)."""
    account = next(a for a in _all_accounts_of_account(store, account_id) if a.id == account_id)
    _, loss_sales = trade_history(store, account.investor_id)
    methodology = planning.methodology
    decision = guard_purchase(
        product_id,
        on,
        loss_sales,
        methodology.wash_sale_rules(),
        methodology.harvesting.substitutes(),
    )
    if decision.buy is not None:
        price = prices[decision.buy]
        store.buy_lot(
            account_id,
            decision.buy,
            on,
            amount / price,
            amount,
            source,
            ACTOR,
            extra={"wanted": product_id} if decision.redirected else None,
            run_id=run_id,
        )
    return decision


def _all_accounts_of_account(store: Store, account_id: int) -> list[AccountRecord]:
    with store.transaction() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise KeyError(account_id)
        investor_id = account.investor_id
    return list(store.accounts(investor_id))


def record_cash_weight(store: Store, account_id: int, on: date, cash_weight: float) -> int:
    """Record an account's uninvested cash share after a trade run, for verification."""
    return store.record_event(
        ACTOR,
        "account.cash_weight",
        "account",
        account_id,
        {"on": on.isoformat(), "cash_weight": cash_weight},
    )


def preview_user_sale(
    store: Store,
    planning: Planning,
    account_id: int,
    product_id: str,
    amount: float,
    price: float,
    on: date,
    goal: Goal | None = None,
    suitability_cap: int = 5,
) -> SalePreview:
    """The decision preview before a sale the investor asks for in one account."""
    accounts = _all_accounts_of_account(store, account_id)
    investor_id = accounts[0].investor_id
    lots = [
        engine_lot(record)
        for record in store.tax_lots(investor_id)
        if record.account_id == account_id and record.product_id == product_id
    ]
    purchases, _ = trade_history(store, investor_id)
    goal_context = None
    if goal is not None:
        level = effective_risk_level(goal, on, planning.glide, suitability_cap)
        goal_context = GoalContext(
            goal=goal,
            today=on,
            risk_level=level,
            outlook=planning.outlooks[level],
            settings=planning.methodology.goals.simulation(),
        )
    return preview_sale(
        lots,
        amount,
        price,
        on,
        planning.rates,
        taxable=store.tax_status(account_id) == AccountTaxStatus.TAXABLE,
        purchases=purchases,
        wash_sale=planning.methodology.wash_sale_rules(),
        goal=goal_context,
    )


def target_model(runtime: Runtime, planning: Planning, risk_level: int) -> TargetModel:
    """The model portfolio of a risk level as the tax-aware rebalancer's target: weights over the
    catalogue, the product covariance, the class's risk aversion, and each harvest substitute
    counted as the product it stands in for."""
    pairs = planning.methodology.harvesting.substitutes()
    return TargetModel(
        products=runtime.catalogue.ids,
        weights=runtime.allocate(risk_level).weights,
        covariance=runtime.market.covariance,
        risk_aversion=runtime.policy.for_level(risk_level).risk_aversion,
        primary={sub: main for sub, main in pairs.items() if sub not in runtime.catalogue},
    )


def run_tax_aware_rebalance(
    store: Store,
    planning: Planning,
    target: TargetModel,
    account_id: int,
    cash: float,
    prices: Mapping[str, float],
    on: date,
    run_id: str | None = None,
) -> TaxAwarePlan:
    """Plan and record the account's tax-aware rebalance (sales with their benefit and tax, buys
    through the wash-sale guard, the uninvested cash left), in one transaction. `cash` is the
    account's uninvested cash including any deposit. Trades are recorded as executed: call it in
    advice mode, or on a simulated book (`advisor.planning.mode.may_execute`)."""
    methodology = planning.methodology
    with store.atomic() as view:
        investor_id = _all_accounts_of_account(view, account_id)[0].investor_id
        lots = tuple(
            engine_lot(record)
            for record in view.tax_lots(investor_id)
            if record.account_id == account_id
        )
        _, loss_sales = trade_history(view, investor_id)
        state = AccountTaxState(
            lots, cash, taxable=view.tax_status(account_id) == AccountTaxStatus.TAXABLE
        )
        rules = TradeRules(
            on=on,
            rates=planning.rates,
            benefit_horizon_years=methodology.tax.benefit_horizon_years,
            min_trade_value=methodology.drift.min_trade_value,
            wash_sale=methodology.wash_sale_rules(),
            loss_sales=tuple(loss_sales),
            substitutes=methodology.harvesting.substitutes(),
        )
        plan = plan_tax_aware(state, prices, target, rules)
        for decision in plan.decisions:
            if decision.realized:
                sale = decision.sale
                view.sell_from_lot(
                    int(sale.lot.lot_id),
                    sale.units,
                    sale.price,
                    on,
                    "rebalance",
                    ACTOR,
                    estimated_tax=sale.estimated_tax,
                    benefit=decision.benefit,
                    run_id=run_id,
                )
        for buy in plan.purchases:
            price = prices[buy.product_id]
            extra = {"wanted": buy.wanted} if buy.product_id != buy.wanted else None
            view.buy_lot(
                account_id,
                buy.product_id,
                on,
                buy.amount / price,
                buy.amount,
                "rebalance",
                ACTOR,
                extra=extra,
                run_id=run_id,
            )
        total = sum(lot.value(prices[lot.product_id]) for lot in lots) + cash
        record_cash_weight(view, account_id, on, plan.cash_left / total if total > 0 else 0.0)
    return plan


def verify(store: Store, planning: Planning, until: date) -> tuple[Deviation, ...]:
    """Every deviation of what ran (the whole audit log) from the methodology."""
    return verify_methodology(planning.methodology, store.audit_events(), planning.running, until)
