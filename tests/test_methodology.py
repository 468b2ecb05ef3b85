"""Methodology as configuration: the page rendered from the file, verification of what ran
against it (with planted deviations), education vs advice mode, and the 0004 migration."""

import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect

from advisor.planning.demo import START, business_days, run_demo
from advisor.planning.methodology import render_methodology
from advisor.planning.mode import disclosure, label_proposal, may_execute
from advisor.planning.service import Planning, assess_investor_goals, record_cash_weight, verify
from advisor.planning.verification import RunningConfiguration, expected_scan_days
from advisor.settings import PROJECT_ROOT, Settings
from advisor.storage import Store, alembic_config, create_database_engine, upgrade_database
from advisor.storage.models import AccountTaxStatus


@pytest.fixture(scope="module")
def planning(runtime) -> Planning:
    return Planning.load(runtime)


@pytest.fixture
def store(database_url: str) -> Store:
    upgrade_database(database_url)
    return Store(create_database_engine(database_url))


# The page


def test_the_page_states_every_parameter_of_the_file(planning):
    config = planning.methodology
    page = render_methodology(config, planning.products, planning.glide)
    assert f"Version {config.version}" in page
    for text in (
        "drift reaches 3%",
        "more than 5% off target and more than 25% of its target off",
        "every 12 months",
        "uninvested cash above 1%",
        "at least 80%",
        "from 50%",
        "every business day",
        "at least 5% of their cost and at least 100",
        "within 30 days",
        "more than 365 days",
        "waits 24 hours",
        "| US | yes | 24% | 15% |",
        "| CN | no",
        "GLIDE-GOAL",
    ):
        assert text in page, text
    for pair in config.harvesting.substitute:
        for product in (pair.product, pair.substitute):
            assert f"({planning.products[product].ticker})" in page


def test_the_docs_page_is_the_rendered_configuration(planning):
    shipped = (PROJECT_ROOT / "docs" / "methodology.md").read_text(encoding="utf-8")
    assert shipped == render_methodology(planning.methodology, planning.products, planning.glide)


def test_a_changed_parameter_changes_the_page(planning):
    config = planning.methodology
    changed = config.model_copy(
        update={"harvesting": config.harvesting.model_copy(update={"scan_interval_days": 2})}
    )
    assert "every business day" not in render_methodology(changed)
    assert "every 2 days (business days)" in render_methodology(changed)


# Verification


def test_the_shipped_configuration_runs_as_disclosed(store, planning):
    assert verify(store, planning, date(2026, 11, 30)) == ()


def test_a_running_parameter_that_differs_from_the_disclosure_is_reported(store, planning):
    running = planning.running
    planted = Planning(
        **{
            **planning.__dict__,
            "running": RunningConfiguration(**{**running.__dict__, "cooling_off_hours": 48.0}),
        }
    )
    [deviation] = verify(store, planted, date(2026, 11, 30))
    assert deviation.kind == "configuration" and deviation.subject == "cooling_off_hours"
    assert "48.0" in deviation.detail and "24.0" in deviation.detail


def test_scans_are_due_on_business_days():
    friday, tuesday = date(2026, 11, 6), date(2026, 11, 10)
    assert expected_scan_days(friday, tuesday, 1, True) == [
        friday,
        date(2026, 11, 9),
        tuesday,
    ]
    assert len(expected_scan_days(friday, tuesday, 1, False)) == 5


def test_the_demo_book_shows_no_deviation(store, planning):
    result = run_demo(store, planning)
    assert result.deviations == ()
    assert len(result.scans) == 10
    scans = [
        e for e in store.audit_events("investor", result.investor_id) if e.action == "harvest.scan"
    ]
    assert [e.payload["on"] for e in scans] == [d.isoformat() for d in business_days(START, 10)]


def test_a_missed_scan_day_is_reported(store, planning):
    missed = business_days(START, 10)[5]
    result = run_demo(store, planning, skip_scan_on=missed)
    [deviation] = result.deviations
    assert (deviation.kind, deviation.on) == ("missed_scan", missed)


def test_cash_above_the_floor_a_wash_sale_and_a_costly_gain_are_each_reported(store, planning):
    result = run_demo(store, planning)
    until = result.until
    record_cash_weight(store, result.taxable_account, until, 0.05)
    # A purchase outside the guard: the product harvested on the third day, bought back in the
    # IRA a week later.
    harvest_day = next(scan.on for scan in result.scans if scan.sales)
    store.buy_lot(
        result.retirement_account,
        "us_total_market",
        harvest_day + timedelta(days=7),
        2,
        540,
        "trade",
        "someone",
    )
    # A rebalancing sale that realized a gain whose tax exceeded its benefit.
    bond_lot = next(
        lot for lot in store.tax_lots(result.investor_id) if lot.product_id == "us_aggregate_bond"
    )
    store.sell_from_lot(
        bond_lot.id, 10, 76.0, until, "rebalance", "someone", estimated_tax=9.0, benefit=2.0
    )
    # A "harvest" that bought a product that is not the configured substitute.
    store.buy_lot(
        result.taxable_account,
        "us_aggregate_bond_agg",
        until,
        1,
        98,
        "harvest_substitute",
        "someone",
        extra={"replaces": "us_total_market"},
    )
    kinds = {deviation.kind: deviation for deviation in verify(store, planning, until)}
    assert set(kinds) == {
        "cash_above_floor",
        "wash_sale",
        "gain_realized_above_benefit",
        "substitute_not_configured",
    }
    assert "5.00%" in kinds["cash_above_floor"].detail
    assert "us_total_market bought in account" in kinds["wash_sale"].detail
    assert kinds["wash_sale"].on == harvest_day + timedelta(days=7)


def test_a_scan_run_with_other_thresholds_is_reported(store, planning):
    result = run_demo(store, planning)
    store.record_event(
        "planning",
        "harvest.scan",
        "investor",
        result.investor_id,
        {
            "on": result.until.isoformat(),
            "methodology_version": planning.methodology.version,
            "min_loss_fraction": 0.10,
            "min_loss_amount": 100.0,
        },
    )
    [deviation] = verify(store, planning, result.until)
    assert deviation.kind == "scan_parameters"


def test_verify_methodology_command_reports_and_fails_on_a_planted_deviation(
    database_url, planning
):
    url = database_url
    upgrade_database(url)
    store = Store(create_database_engine(url))
    result = run_demo(store, planning)
    env = dict(os.environ, ADVISOR_DATABASE_URL=url)
    command_line = [sys.executable, "-m", "advisor", "verify-methodology", "--until"]
    clean = subprocess.run(
        [*command_line, result.until.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert clean.returncode == 0, clean.stderr
    assert json.loads(clean.stdout.splitlines()[-1]) == {"deviations": 0}
    later = result.until + timedelta(days=3)  # a business day with no scan
    planted = subprocess.run(
        [*command_line, later.isoformat()],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert planted.returncode == 1
    first = json.loads(planted.stdout.splitlines()[0])
    assert first["kind"] == "missed_scan" and first["on"] == later.isoformat()


# Education and advice mode


def test_education_is_the_default_mode_and_labels_every_proposal_an_illustration():
    assert Settings().mode == "education"
    proposal = label_proposal({"us_total_market": 0.6, "us_aggregate_bond": 0.4}, "education")
    assert proposal.illustration and not proposal.executable and not proposal.requires_review
    assert proposal.label is not None and "not a personal recommendation" in proposal.label
    assert proposal.disclosure == disclosure("education")
    assert not may_execute("education")


def test_advice_mode_follows_the_review_workflow_and_its_own_disclosure():
    proposal = label_proposal({"us_total_market": 1.0}, "advice", requires_review=True)
    assert proposal.executable and proposal.requires_review and proposal.label is None
    assert "reviewed by a human advisor" in proposal.disclosure
    assert may_execute("advice")
    assert disclosure("education", "zh-CN") != disclosure("advice", "zh-CN")
    assert "示例" in label_proposal({}, "education", language="zh").disclosure


def test_the_mode_is_a_setting(monkeypatch):
    monkeypatch.setenv("ADVISOR_MODE", "advice")
    assert Settings().mode == "advice"


# Persistence


def test_migration_0004_keeps_existing_data_and_adds_the_planning_tables(database_url):
    config = alembic_config(database_url)
    command.upgrade(config, "0003")
    engine = create_database_engine(database_url)
    store = Store(engine)
    investor = store.create_investor("Ada")
    account = store.open_account(investor, "Brokerage", risk_level=3)
    store.replace_holdings(account, {"us_total_market": 1_000.0}, "test")
    command.upgrade(config, "head")
    tables = set(inspect(engine).get_table_names())
    assert {"goals", "tax_lots", "account_tax"} <= tables
    assert store.holdings(account) == {"us_total_market": 1_000.0}
    assert store.tax_status(account) == AccountTaxStatus.TAXABLE  # no row: taxable
    goal = store.add_goal(
        investor,
        name="Home",
        kind="home",
        target_amount=50_000,
        target_date=date(2031, 6, 1),
        risk_level=3,
        actor="test",
        account_id=account,
    )
    store.update_goal(goal, {"monthly_deposit": 250.0}, "test")
    store.set_tax_status(account, "tax_advantaged", "test")
    lot = store.buy_lot(account, "us_total_market", date(2026, 1, 5), 3.5, 1_050.0, "trade", "t")
    [record] = store.goals(investor)
    assert (record.monthly_deposit, record.target_date) == (250.0, date(2031, 6, 1))
    assert store.tax_status(account) == AccountTaxStatus.TAX_ADVANTAGED
    assert [(lot_.id, lot_.units) for lot_ in store.tax_lots(investor)] == [(lot, 3.5)]
    gain = store.sell_from_lot(
        lot, 1.5, 320.0, date(2026, 12, 1), "user_sale", "t", estimated_tax=0
    )
    assert gain == pytest.approx(1.5 * 320 - 1_050 * 1.5 / 3.5)
    [left] = store.tax_lots(investor)
    assert left.units == pytest.approx(2.0) and left.cost_basis == pytest.approx(600.0)
    command.downgrade(config, "0003")
    assert "tax_lots" not in set(inspect(engine).get_table_names())
    assert store.holdings(account) == {"us_total_market": 1_000.0}
    engine.dispose()


# The planning engine is pure computation


PURE_PLANNING = [
    *sorted((PROJECT_ROOT / "advisor" / "tax").glob("*.py")),
    *(
        PROJECT_ROOT / "advisor" / "planning" / name
        for name in ("goals.py", "verification.py", "mode.py")
    ),
]
ALLOWED = {"advisor.engine", "advisor.knowledge.rules", "advisor.tax", "advisor.planning"}


@pytest.mark.parametrize("path", PURE_PLANNING, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_planning_engine_imports_only_computation_and_does_no_io(path: Path):
    from tests.test_architecture import ENGINE_THIRD_PARTY, imports_of, is_stdlib

    for module in imports_of(path):
        if is_stdlib(module):
            continue
        if module.startswith("advisor"):
            assert any(module == a or module.startswith(a + ".") for a in ALLOWED), module
            assert module not in {"advisor.planning.service", "advisor.planning.demo"}, module
        else:
            assert module.split(".")[0] in ENGINE_THIRD_PARTY, module
    source = path.read_text(encoding="utf-8")
    for call in ("open(", "print(", "read_text", "write_text", "read_toml"):
        assert call not in source, f"{path.name} uses {call}"


def test_the_advisor_console_shows_each_goal_with_the_engines_status(
    planning: Planning, store: Store
):
    from advisor.app.advisor_console import goals_markdown

    investor = store.create_investor("Ada", birth_year=1980)
    today = date(2026, 11, 30)
    assert goals_markdown(store, planning, investor, 3, today) == ""
    store.add_goal(
        investor,
        name="Flat deposit",
        kind="home",
        target_amount=50_000,
        target_date=today + timedelta(days=3 * 365),
        risk_level=3,
        actor="test",
        current_value=48_000,
        monthly_deposit=500,
    )
    store.add_goal(
        investor,
        name="Retirement",
        kind="retirement",
        target_amount=2_000_000,
        target_date=today + timedelta(days=20 * 365),
        risk_level=3,
        actor="test",
        priority=2,
    )
    text = goals_markdown(store, planning, investor, 3, today)
    assessed = assess_investor_goals(store, planning, investor, 3, today)
    assert [a.status for a in assessed] == ["on_target", "off_target"]
    home, retirement = text.strip().splitlines()[1:]
    assert home.startswith("- Flat deposit (home): 50,000 by ") and "**on target**" in home
    assert f"({assessed[0].probability:.0%} chance)" in home
    assert "**off target**" in retirement and assessed[1].fixes[0].description in retirement
