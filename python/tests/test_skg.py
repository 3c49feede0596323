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
