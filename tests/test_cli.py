"""The `advisor` command as a user runs it: a real process, real files."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import FIXTURES, PORTFOLIOS

MINI = FIXTURES / "mini_portfolios"
AS_OF = "2026-11-30"
ADVISOR = [sys.executable, "-m", "advisor"]


def run(*args: str, portfolios: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if portfolios is not None:
        env["ADVISOR_PORTFOLIOS_DIR"] = str(portfolios)
        env["ADVISOR_KNOWLEDGE_DIR"] = str(portfolios / "knowledge")
    return subprocess.run(
        [*ADVISOR, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


@pytest.fixture
def mini_portfolios(tmp_path: Path) -> Path:
    """Three products whose optimal portfolios can be worked out by hand, on the real history."""
    folder = tmp_path / "portfolios"
    folder.mkdir()
    for file in MINI.glob("*.toml"):
        shutil.copy(file, folder)
    shutil.copytree(MINI / "knowledge", folder / "knowledge")
    shutil.copy(PORTFOLIOS / "history_monthly.csv", folder)
    return folder


def rebalance_mini(out: Path, portfolios: Path) -> subprocess.CompletedProcess[str]:
    """The hand-checked fixture, as of the date its expected trades were worked out for."""
    holdings = str(MINI / "holdings.csv")
    return run("rebalance", holdings, "--out", str(out), "--as-of", AS_OF, portfolios=portfolios)


def test_rebalance_writes_the_hand_checked_trade_list(mini_portfolios, tmp_path):
    out = tmp_path / "trades.csv"
    result = rebalance_mini(out, mini_portfolios)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["accounts"] == 7
    assert summary["rebalanced"] == 4
    assert summary["trades"] == 10
    assert summary["skipped_rows"] == 9
    assert summary["seconds"] > 0
    assert out.read_text() == (MINI / "expected_trades.csv").read_text()
    trades = pd.read_csv(out)
    assert (trades.groupby("account_id")["trade_value"].sum().abs() < 0.01).all()


def test_rebalance_reports_every_bad_row_with_its_line(mini_portfolios, tmp_path):
    result = rebalance_mini(tmp_path / "t.csv", mini_portfolios)
    problems = result.stderr.strip().splitlines()
    where = [int(line.split(": field")[0].rsplit(":", 1)[1]) for line in problems]
    assert where == list(range(23, 32))
    assert "unknown product 'stok_fund'" in problems[0]
    assert "'-5' is not a finite number >= 0" in problems[1]
    assert "'7' is not an integer from 1 to 5" in problems[2]
    assert "'lots'" in problems[3]
    assert "account 'mixed' disagree on its risk_level" in problems[4]
    assert "account 'partial' has a bad row on line 30, so none of its rows is used" in problems[6]
    assert "unknown product 'stok_fund'" in problems[7]
    assert "date '2026-13-01' is not a past YYYY-MM-DD date" in problems[8]
    assert all(line.endswith("row skipped") for line in problems)


def test_rebalance_of_the_shipped_catalogue_keeps_accounts_funded(tmp_path):
    holdings = tmp_path / "holdings.csv"
    holdings.write_text(
        "account_id,risk_level,product_id,value\n"
        "a,5,us_equity_3x,10000\n"  # unsuitable for nobody at C5, but far off the model
        "b,2,us_equity_3x,5000\n"  # R5 product held by a C2 investor: must be sold
        "b,2,us_money_market,5000\n"
        "c,4,CASH,20000\n"  # all cash: deposit into the model portfolio
    )
    out = tmp_path / "trades.csv"
    result = run("rebalance", str(holdings), "--out", str(out))
    assert result.returncode == 0, result.stderr
    trades = pd.read_csv(out)
    sold = trades[(trades.account_id == "b") & (trades.product_id == "us_equity_3x")]
    assert sold.trade_value.iloc[0] == -5000
    for account, total in (("a", 10000), ("b", 10000), ("c", 20000)):
        rows = trades[trades.account_id == account]
        assert abs(rows.trade_value.sum()) < 0.05
        assert rows.target_weight.sum() == pytest.approx(1.0, abs=1e-4)
        cash = rows[rows.product_id == "CASH"]
        assert cash.empty or cash.target_weight.iloc[0] >= 0
        assert total > 0


def test_user_errors_are_one_line_on_stderr_with_a_nonzero_exit(tmp_path):
    missing = run("rebalance", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "t.csv"))
    assert missing.returncode == 2
    assert missing.stderr.strip() == f"advisor: {tmp_path / 'nope.csv'}: file not found"
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("account,level,product,amount\nx,1,CASH,1\n")
    header = run("rebalance", str(bad_header), "--out", str(tmp_path / "t.csv"))
    assert header.returncode == 2
    assert "missing column(s) account_id, risk_level, product_id, value" in header.stderr
    out_of_range = run("optimize", "--risk-level", "9")
    assert out_of_range.returncode == 2
    for result in (missing, header, out_of_range):
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["optimize", "-r", "1"], {"ADVISOR_PORT": "abc"}, "ADVISOR_PORT: Input should be a valid"),
        (["rebalance", "{tmp}", "--out", "{tmp}/t.csv"], {}, "cannot be read (Is a directory)"),
        (["rebalance", "{tmp}/empty.csv", "--out", "{tmp}/t.csv"], {}, "the file is empty"),
        (
            ["rebalance", "{tmp}/header.csv", "--out", "{tmp}/missing/dir/t.csv"],
            {},
            "cannot be written",
        ),
    ],
    ids=["bad setting", "directory", "empty file", "unwritable output"],
)
def test_environment_and_file_mistakes_are_one_line_errors(tmp_path, args, env, message):
    (tmp_path / "empty.csv").write_text("")
    (tmp_path / "header.csv").write_text("account_id,risk_level,product_id,value\n")
    env = {**os.environ, **env}
    result = subprocess.run(
        [*ADVISOR, *(arg.format(tmp=tmp_path) for arg in args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_an_empty_book_gives_an_empty_trade_list(tmp_path):
    holdings = tmp_path / "holdings.csv"
    holdings.write_text("account_id,risk_level,product_id,value\n")
    result = run("rebalance", str(holdings), "--out", str(tmp_path / "t.csv"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["accounts"] == 0
    assert (tmp_path / "t.csv").read_text() == "account_id,product_id,trade_value,target_weight\n"


def test_a_broken_data_file_is_a_one_line_error(tmp_path, mini_portfolios):
    catalogue = mini_portfolios / "catalogue.toml"
    catalogue.write_text(catalogue.read_text().replace("risk_level = 3", "risk_level = 9"))
    result = run("optimize", "--risk-level", "3", portfolios=mini_portfolios)
    assert result.returncode == 2
    assert "product 'stock_fund': field 'risk_level'" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_optimize_json_is_the_engine_allocation(runtime):
    result = run("optimize", "--risk-level", "3", "--horizon", "10", "--amount", "50000", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    allocation = runtime.allocate(3, 10)
    assert report["expected_return"] == pytest.approx(allocation.expected_return)
    assert report["volatility"] == pytest.approx(allocation.volatility)
    weights = {h["product_id"]: h["weight"] for h in report["holdings"]}
    assert sum(weights.values()) == pytest.approx(1.0, abs=1e-3)
    for product_id, weight in weights.items():
        assert weight == pytest.approx(allocation.weights[runtime.catalogue.index(product_id)])
        assert runtime.catalogue.product(product_id).risk_level <= 3
    assert report["policy_version"] == runtime.policy.version


def test_backtest_compares_the_three_policies():
    result = run("backtest", "--risk-level", "4", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    rows = {row["policy"]: row for row in report["rows"]}
    assert set(rows) == {"none", "calendar", "threshold"}
    assert rows["none"]["rebalances"] == 0 and rows["none"]["annual_turnover"] == 0
    assert rows["calendar"]["rebalances"] == 19  # every 12 months over 1999-02..2018-11
    assert rows["threshold"]["total_costs"] > 0
    assert report["first_month"] == "1999-02"


def test_python_dash_m_and_the_console_script_are_the_same_command():
    script = Path(sys.executable).parent / "advisor"
    via_script = subprocess.run(
        [str(script), "optimize", "-r", "1", "--json"], capture_output=True, text=True, check=True
    )
    via_module = run("optimize", "-r", "1", "--json")
    assert json.loads(via_script.stdout) == json.loads(via_module.stdout)


def test_check_suitability_prints_the_decision_with_its_rules(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "profile": {"risk_level": 2, "age": 72, "jurisdiction": "CN"},
                "request": {"insisted_products": ["cn_csi300"]},
            }
        )
    )
    result = run("check-suitability", str(case))
    assert result.returncode == 0, result.stderr
    decision = json.loads(result.stdout)
    assert decision["caps"]["cn_csi300"] == 0
    reasons: dict[str, list[str]] = {}
    for exclusion in decision["exclusions"]:
        reasons.setdefault(exclusion["product_id"], []).append(exclusion["rule_id"])
    assert reasons["cn_csi300"] == ["CN-MATCH-1"]
    assert reasons["us_total_market"] == ["CN-AVAILABILITY", "CN-MATCH-1"]  # most fundamental first
    assert [c["id"] for c in decision["confirmations_required"]] == ["CN-OVERRIDE:cn_csi300"]
    assert "CN-MATCH-1" in decision["rules_fired"]


def test_check_suitability_names_a_bad_field(tmp_path):
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"profile": {"risk_level": 7}}))
    result = run("check-suitability", str(case))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"advisor: {case}: field 'profile.risk_level': Input should be less than or equal to 5"
    )
