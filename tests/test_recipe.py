from pathlib import Path

import pytest

from gotdata.plan import Plan
from gotdata.recipe import RecipeError, load_recipe, parse_recipe

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def problems_of(path):
    with pytest.raises(RecipeError) as info:
        load_recipe(path)
    return info.value, dict(info.value.problems)


def test_example_recipes_are_valid():
    recipes = sorted(EXAMPLES.glob("*.yaml"))
    assert recipes, "examples/ should hold at least one recipe"
    for path in recipes:
        recipe = load_recipe(path)
        assert recipe.n and recipe.components


def test_human_numbers_and_defaults(write):
    recipe = load_recipe(write("r.yaml", "n: 2k\nshard_size: 500\ncomponents:\n  - renderer: molecule\n"))
    assert recipe.n == 2000 and recipe.num_shards == 4
    assert recipe.components[0].name == "molecule"
    assert recipe.components[0].params["target"] == "canonical"  # defaults are filled in


@pytest.mark.parametrize(
    ("body", "field", "expected"),
    [
        (
            "n: 10\ncomponents:\n  - renderer: molecule\n    weight: -1\n",
            "components[0].weight",
            "greater than 0",
        ),
        ("n: 10\ncomponents:\n  - renderer: nosuch\n", "components[0].renderer", "unknown renderer 'nosuch'"),
        (
            "n: 10\ncomponents:\n  - renderer: molecule\n    params: {size: 3}\n",
            "components[0].params.size",
            "Extra inputs are not permitted",
        ),
        (
            "n: 10\ncomponents:\n  - renderer: molecule\n    params: {min_size: big}\n",
            "components[0].params.min_size",
            "valid integer",
        ),
        (
            "n: 10\ncomponents:\n  - renderer: molecule\n    corpus: nowhere/*.smi\n",
            "components[0].corpus",
            "matches no file",
        ),
        ("n: lots\ncomponents:\n  - renderer: molecule\n", "n", "expected a count"),
        ("components:\n  - renderer: molecule\n", "(top level)", "n is required"),
        ("n: 10\ncomponents:\n  - renderer: molecule\n    count: 20\n", "(top level)", "does not fit n=10"),
        ("n: 10\ncomponents:\n  - renderer: molecule\n  - renderer: molecule\n", "(top level)", "unique"),
        ("n: 10\nseeds: 3\ncomponents:\n  - renderer: molecule\n", "seeds", "Extra inputs"),
        ("n: 10\ncomponents: [\n", "line 3, column 1", "not valid YAML"),
        ("- just a list\n", "(top level)", "expected a mapping"),
    ],
)
def test_errors_name_file_field_and_expectation(write, body, field, expected):
    path = write("bad.yaml", body)
    error, problems = problems_of(path)
    assert str(path) in str(error)
    assert field in problems, problems
    assert expected in problems[field]


def test_corpus_paths_resolve_relative_to_the_recipe(write):
    write("data/a.smi", "CCO\n")
    recipe = load_recipe(write("r.yaml", "n: 5\ncomponents:\n  - renderer: molecule\n    corpus: [data]\n"))
    assert recipe.components[0].corpus[0].endswith("data/a.smi")


def test_component_totals_are_exact():
    recipe = parse_recipe(
        {
            "n": 1001,
            "components": [
                {"name": "a", "renderer": "molecule", "weight": 2},
                {"name": "b", "renderer": "molecule", "weight": 1},
                {"name": "c", "renderer": "molecule", "count": 100},
            ],
        },
        "test",
    )
    assert recipe.component_totals() == [601, 300, 100]
    plan = Plan(recipe)
    counts = [0, 0, 0]
    for i in range(recipe.n):
        counts[plan.component_of(i)] += 1
    assert counts == [601, 300, 100]
    # interleaved: every 100-sample window holds each component in proportion (+-3)
    for start in range(0, 1000, 100):
        window = [plan.component_of(i) for i in range(start, start + 100)]
        assert abs(window.count(0) - 60) <= 3 and abs(window.count(2) - 10) <= 3


def test_fingerprint_ignores_output_dir_but_not_seed():
    base = {"n": 10, "components": [{"renderer": "molecule"}]}
    a = parse_recipe(base | {"output": {"dir": "x"}}, "t").fingerprint({"molecule": "1"})
    b = parse_recipe(base | {"output": {"dir": "y"}}, "t").fingerprint({"molecule": "1"})
    c = parse_recipe(base | {"seed": 1}, "t").fingerprint({"molecule": "1"})
    d = parse_recipe(base, "t").fingerprint({"molecule": "2"})
    assert a == b != c and a != d
