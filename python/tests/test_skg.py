# python/tests/test_skg.py: the skg module as a Python user meets it (run by CTest: python:pytest).
import json
import os
import re
import subprocess
import threading

import pytest

import skg

DATASETS = os.environ.get("SKG_DATASETS_DIR", os.path.join(os.path.dirname(__file__), "../../datasets"))
KASPERSKY = os.path.join(DATASETS, "kaspersky")
LAB = "kaspersky-ao-kaspersky-lab"


@pytest.fixture(scope="module")
def db():
    return skg.Database.open(KASPERSKY)


def test_exposure_is_a_dict_with_the_shell_json_fields(db):
    answer = db.as_of("2024-08-01").exposure(LAB, rule="ofac")
    assert isinstance(answer, dict)
    for field in ("entity", "rule", "as_of", "listed", "blocked", "aggregate_percent", "reasons"):
        assert field in answer
    assert answer["entity"]["id"] == LAB
    assert answer["rule"] == "ofac"
    assert answer["as_of"] == "2024-08-01"


def test_exposure_equals_the_shell_json_when_the_shell_is_built(db):
    shell = os.environ.get("SKG_SHELL")
    if not shell or not os.path.exists(shell):
        pytest.skip("SKG_SHELL not set: the shell binary is not built")
    out = subprocess.run([shell, "--data", KASPERSKY, "--as-of", "2024-08-01", "--json",
                          "exposure", LAB, "--rule", "eu"], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == db.as_of("2024-08-01").exposure(LAB, rule="eu")


def test_whatif_designating_the_uk_holding_changes_its_subsidiaries_verdicts(db):
    view = db.as_of("2024-08-01")
    holding = "kaspersky-kaspersky-labs-limited"
    answer = view.whatif(designate=[holding], rule="ofac")
    assert answer["rule"] == "ofac"
    assert answer["designate"][0]["id"] == holding
    assert answer["totals"]["changed"] == len(answer["changed"]) == 3
    assert answer["totals"]["newly_possibly"] == 2
    assert any(change["entity"]["id"] == holding and change["listed_after"] for change in answer["changed"])
    with pytest.raises(Exception, match="nobody such"):
        view.whatif(designate=["nobody such"])


def test_screen_finds_a_misspelled_name_and_resolve_takes_names(db):
    view = db.as_of("2024-08-01")
    hits = view.screen("Kasperski Labs", limit=5)
    assert hits and all("score" in hit and "entity" in hit for hit in hits)
    assert view.resolve("AO Kaspersky Lab") == LAB
    assert view.show(LAB)["entity"]["id"] == LAB
    assert "in_force" in view.listings(LAB)


def test_errors_are_python_exceptions(db):
    view = db.as_of("2024-08-01")
    with pytest.raises(skg.ResolveError):
        view.exposure("Zyxwvut Qqqq Nothing")
    with pytest.raises(skg.Error, match="not a date"):
        db.as_of("2024-13-45")
    with pytest.raises(skg.Error, match="no rule"):
        view.exposure(LAB, rule="mars")
    with pytest.raises(skg.LoadError) as raised:
        skg.Database.open("ofac-sdn:" + os.path.join(DATASETS, "broken", "ofac_bad_quote.csv"))
    assert raised.value.file.endswith("ofac_bad_quote.csv")
    assert raised.value.line > 0
    assert raised.value.reason
    assert isinstance(raised.value, skg.Error)


def test_threads_share_one_database(db):
    view = db.as_of("2024-08-01")
    expected = view.exposure(LAB, rule="uk")
    results = []

    def ask():
        for _ in range(20):
            results.append(view.exposure(LAB, rule="uk") == expected)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 80 and all(results)


def test_readme_python_example_runs():
    readme = os.environ.get("SKG_README", os.path.join(os.path.dirname(__file__), "../../README.md"))
    text = open(readme, encoding="utf-8").read()
    found = re.search(r"<!-- example:python -->\s*```python\n(.*?)```", text, re.S)
    assert found, "README has no Python example after <!-- example:python -->"
    code = found.group(1).replace('"datasets/kaspersky"', repr(KASPERSKY))
    exec(compile(code, "README.md", "exec"), {})


# ---------------------------------------------------------------------------------------------
# owners, subsidiaries, blocked, diff, stats: the same fields and values as the shell's --json.

SAMPLE = os.path.join(DATASETS, "samples", "skg_csv")  # Ivan Petrov (SDN) owns 60% of Alpha Holding


def shell_json(*args):
    shell = os.environ.get("SKG_SHELL")
    if not shell or not os.path.exists(shell):
        pytest.skip("SKG_SHELL not set: the shell binary is not built")
    out = subprocess.run([shell, *args, "--json"], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def sample():
    return skg.Database.open(SAMPLE)


def test_owners_and_subsidiaries_equal_the_shell_json(sample):
    view = sample.as_of("2024-08-01")
    owners = view.owners("c1")
    assert [step["party"]["id"] for step in owners["owners"]] == ["p1"]
    assert owners["owners"][0]["share"] == 60
    assert owners == shell_json("--data", SAMPLE, "--as-of", "2024-08-01", "owners", "c1")
    subsidiaries = view.subsidiaries("p1", depth=2)
    assert "c1" in [step["party"]["id"] for step in subsidiaries["subsidiaries"]]
    assert subsidiaries == shell_json("--data", SAMPLE, "--as-of", "2024-08-01", "subsidiaries",
                                      "p1", "--depth", "2")


def test_reach_is_the_shell_json_document_paged(db):
    view = db.as_of("2024-08-01")
    everything = view.reach("kaspersky-ao-kaspersky-lab", hops=2)
    assert everything["count"] == len(everything["hits"]) > 0
    assert everything["entity"]["id"] == "kaspersky-ao-kaspersky-lab"
    assert [hit["hops"] for hit in everything["hits"]] == sorted(hit["hops"] for hit in everything["hits"])
    second = view.reach("kaspersky-ao-kaspersky-lab", hops=2, offset=1, limit=1)
    assert second["shown"] == 1 and second["hits"] == everything["hits"][1:2]
    assert everything == shell_json("--data", KASPERSKY, "--as-of", "2024-08-01", "reach",
                                    "kaspersky-ao-kaspersky-lab", "--hops", "2")
    by_bis = view.reach("kaspersky-ao-kaspersky-lab", hops=2, authority="BIS")
    assert by_bis == shell_json("--data", KASPERSKY, "--as-of", "2024-08-01", "reach",
                                "kaspersky-ao-kaspersky-lab", "--hops", "2", "--authority", "BIS")


def test_blocked_is_paged_and_equals_the_shell_json(sample):
    view = sample.as_of("2024-08-01")
    everything = view.blocked("ofac", limit=None)
    assert everything["count"] == 2 and everything["shown"] == 2
    assert [row["entity"]["id"] for row in everything["blocked"]] == ["c1", "v1"]
    assert everything["blocked"][0]["held_by"][0]["state"] == "designated"
    second = view.blocked("ofac", offset=1, limit=1)
    assert second["count"] == 2 and second["shown"] == 1 and second["offset"] == 1
    assert second["blocked"] == everything["blocked"][1:]
    assert second == shell_json("--data", SAMPLE, "--as-of", "2024-08-01", "blocked", "--rule",
                                "ofac", "--offset", "1", "--limit", "1")
    assert view.blocked("eu", limit=None) == shell_json("--data", SAMPLE, "--as-of", "2024-08-01",
                                                        "blocked", "--rule", "eu")


def test_diff_of_two_versions_equals_the_shell_json(sample, tmp_path):
    # The next version of the lists: the SDN listing of Ivan Petrov is gone.
    newer = tmp_path / "skg_csv"
    newer.mkdir()
    for name in ("nodes.csv", "edges.csv", "listings.csv"):
        lines = open(os.path.join(SAMPLE, name), encoding="utf-8").read().splitlines(keepends=True)
        if name == "listings.csv":
            lines = [line for line in lines if not line.startswith("sdn-p1,")]
        (newer / name).write_text("".join(lines), encoding="utf-8")
    changes = sample.diff(skg.Database.open(str(newer)))
    assert changes["old"] == SAMPLE and changes["new"] == str(newer)
    assert not changes["empty"]
    assert [listing["party"] for listing in changes["listings_removed"]] == ["p1"]
    assert changes == shell_json("diff", SAMPLE, str(newer))
    assert sample.diff(sample)["empty"]


def test_stats_equal_the_shell_json_but_for_the_load_time(sample):
    mine = sample.stats()
    shell = shell_json("--data", SAMPLE, "stats")
    assert mine["nodes"] == 8 and mine["sources"][0]["spec"] == SAMPLE
    for stats in (mine, shell):
        for source in stats["sources"]:
            assert source.pop("seconds") >= 0
    assert mine == shell


def test_answers_are_built_without_json_text_yet_equal_json_loads_of_it(db):
    # Numbers keep JSON's types: a whole share is an int, a fraction a float, unknown is None.
    answer = db.as_of("2024-08-01").exposure(LAB, rule="ofac")
    assert answer["aggregate_percent"] is None
    assert json.loads(json.dumps(answer)) == answer
    hits = db.as_of("2024-08-01").screen("Kasperski Labs", limit=3)
    assert all(isinstance(hit["score"], (int, float)) for hit in hits)


def test_a_service_asking_many_days_keeps_a_bounded_cache():
    db = skg.Database.open(SAMPLE, cache_days=3)
    fresh = skg.Database.open(SAMPLE)
    for day in range(1, 29):
        when = "2024-02-%02d" % day
        assert db.as_of(when).blocked("ofac", limit=None) == fresh.as_of(when).blocked("ofac", limit=None)
        assert db.cached["blocked_sets"] <= 3
    assert db.cached["blocked_sets"] == 3
