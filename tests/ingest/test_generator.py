"""The synthetic center is reproducible, well-formed and internally consistent."""

from __future__ import annotations

import duckdb
import pyarrow.parquet as pq
import pytest
import typer
from typer.testing import CliRunner

from kaohe.cli.generate_cmd import generate_app
from kaohe.cli.import_cmd import import_app
from kaohe.metrics.events import TABLES as ALL_TABLES
from kaohe.metrics.generator import generate
from kaohe.metrics.store import Store

# interval_stats holds vendor interval reports, an alternative to records: the generator writes records
TABLES = {k: v for k, v in ALL_TABLES.items() if k != "interval_stats"}


def _content(data) -> dict[str, list[dict]]:
    store = Store(data)
    return {t: store.read_table(t).drop_columns(["_batch_id"]).to_pylist() for t in TABLES if store.has_table(t)}


@pytest.fixture(scope="module")
def center(tmp_path_factory):
    data = tmp_path_factory.mktemp("gen") / "data"
    counts = generate(data, agents=30, month="2026-03", seed=7)
    con = duckdb.connect()
    for t in counts:
        con.execute(f"create view {t} as select * from read_parquet('{data}/{t}/*.parquet')")
    return data, counts, con


def test_the_same_seed_gives_the_same_data(tmp_path):
    generate(tmp_path / "a", agents=12, month="2026-02", seed=5)
    generate(tmp_path / "b", agents=12, month="2026-02", seed=5)
    generate(tmp_path / "c", agents=12, month="2026-02", seed=6)
    a, b, c = _content(tmp_path / "a"), _content(tmp_path / "b"), _content(tmp_path / "c")
    assert a == b
    assert a["calls"] != c["calls"]


def test_every_table_is_written_with_its_canonical_schema(center):
    data, counts, _ = center
    assert set(counts) == set(TABLES)
    for t in TABLES:
        files = Store(data).table_files(t)
        assert files, t
        schema = pq.read_schema(files[0])
        assert schema.names[:len(TABLES[t].names)] == TABLES[t].names
    assert counts["calls"] > 20_000 and counts["agent_states"] > counts["calls"]


def test_the_org_tree_has_agents_supervisors_and_a_director(center):
    _, _, con = center
    pos = dict(con.sql("select position_id, count(*) from org group by 1").fetchall())
    assert pos["call_center_agent"] == 30
    assert pos["call_center_supervisor"] == 3  # teams of 12
    assert pos["customer_service_director"] == 1
    (orphans,) = con.sql("select count(*) from calls c left join org o on c.agent_id = o.employee_id "
                         "where c.agent_id is not null and o.employee_id is null").fetchall()[0]
    assert orphans == 0


def test_natural_keys_are_unique_in_every_table(center):
    _, _, con = center
    for t, schema in TABLES.items():
        key = ", ".join(schema.key)
        (dups,) = con.sql(f"select count(*) from (select {key} from {t} group by all having count(*) > 1)").fetchall()[0]
        assert dups == 0, t


def test_calls_are_consistent(center):
    _, _, con = center
    bad = con.sql("""select count(*) from calls where ended_at < offered_at or answered_at < offered_at
                     or ended_at < answered_at or (outcome = 'answered') <> (answered_at is not null)
                     or (outcome = 'answered' and agent_id is null)""").fetchall()[0][0]
    assert bad == 0
    short = con.sql("""select count(*) from calls where outcome = 'abandoned'
                       and epoch(ended_at) - epoch(offered_at) < 5""").fetchall()[0][0]
    assert short > 0
    shares = dict(con.sql("select outcome, count(*) / sum(count(*)) over () from calls group by 1").fetchall())
    assert 0.85 < shares["answered"] < 0.99
    (repeat,) = con.sql("""select avg((n > 1)::int) from (select customer_id, count(*) n from calls
                           where customer_id is not null group by 1)""").fetchall()[0]
    assert repeat > 0.05


def test_agent_states_tile_each_working_day_without_overlap_and_match_the_calls(center):
    _, _, con = center
    overlaps = con.sql("""select count(*) from (select end_at, lead(start_at) over (partition by agent_id
                          order by start_at) nxt, state from agent_states) where nxt < end_at""").fetchall()[0][0]
    assert overlaps == 0
    # no holes inside a login session: every state but logout is followed by the next one at once
    holes = con.sql("""select count(*) from (select state, end_at, lead(start_at) over (partition by agent_id
                       order by start_at) nxt from agent_states) where state <> 'logout' and nxt <> end_at""").fetchall()[0][0]
    assert holes == 0
    talk_states, talk_calls = con.sql("""select (select sum(epoch(end_at) - epoch(start_at)) from agent_states
                                         where state = 'talk'), (select sum(talk_s) from calls
                                         where outcome = 'answered')""").fetchall()[0]
    assert talk_states == pytest.approx(talk_calls, rel=1e-9)


def test_weekday_seasonality_shows_in_the_arrivals(center):
    _, _, con = center
    by_dow = dict(con.sql("""select isodow(offered_at + interval 8 hour), count(*) from calls group by 1""").fetchall())
    # March 2026 has five Mondays and four Sundays; per day Monday is still busier than Sunday
    assert by_dow[1] / 5 > 1.4 * by_dow[7] / 5


def test_the_cli_generates_and_refuses_to_overwrite_silently(tmp_path):
    app = typer.Typer()
    app.add_typer(generate_app, name="generate")
    app.add_typer(import_app, name="import")
    runner = CliRunner()
    args = ["generate", "--agents", "5", "--month", "2026-04", "--out", str(tmp_path / "d"), "--seed", "1"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "calls" in first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 1
    assert runner.invoke(app, [*args, "--overwrite"]).exit_code == 0
    bad = runner.invoke(app, ["generate", "--month", "2026-13", "--out", str(tmp_path / "e")])
    assert bad.exit_code != 0


def test_the_import_cli_exits_non_zero_and_lists_the_bad_rows(tmp_path):
    app = typer.Typer()
    app.add_typer(import_app, name="import")
    f = tmp_path / "s.csv"
    f.write_text("agent_id,state,reason,start_at,end_at\nA1,dancing,,2026-03-02 09:00:00,2026-03-02 09:10:00\n")
    res = CliRunner().invoke(app, ["import", str(f), "-d", str(tmp_path / "data"), "-t", "agent_states",
                                   "--report", str(tmp_path / "errors.csv")])
    assert res.exit_code == 1
    assert "row 2, column state" in res.output
    assert "2,state" in (tmp_path / "errors.csv").read_text(encoding="utf-8-sig")


@pytest.mark.slow
def test_answers_never_precede_offers_even_with_ten_thousand_agents(tmp_path):
    # regression: float arithmetic on epoch microseconds once put answers 1–2 µs before
    # offers for high-numbered agents (this exact set had one such call)
    from kaohe.metrics.generator import GeneratorConfig, generate_config

    generate_config(tmp_path / "d", GeneratorConfig(agents=10_000, month="2026-02", calls=1_000_000, seed=3,
                                                    agent_states=False))
    bad = duckdb.sql(f"""select count(*) from read_parquet('{tmp_path}/d/calls/*.parquet')
                         where answered_at < offered_at or ended_at < answered_at""").fetchall()[0][0]
    assert bad == 0
