"""The bench summary computes `met` from the goal, so a figure cannot be printed as met by hand."""

from bench.summary import Figure, table


def test_time_goal_is_met_only_within_the_ratio():
    assert Figure.time_within("lookup p50", 1.9, 1.0, 2).met
    assert not Figure.time_within("lookup p50", 2.1, 1.0, 2).met


def test_rate_goal_is_met_only_at_or_above_the_ratio():
    assert Figure.rate_at_least("submissions/s", 50, 100, 0.5, "/s").met
    assert not Figure.rate_at_least("submissions/s", 49, 100, 0.5, "/s").met


def test_absolute_bound_ignores_the_floor_but_prints_it():
    figure = Figure.at_most("board p95", 310, 300, floor=20)
    assert not figure.met and figure.ratio == 15.5


def test_table_has_one_line_per_figure_with_met():
    text = table([Figure.time_within("a", 1, 1, 2), Figure.at_most("b", 400, 300)])
    lines = text.splitlines()
    header = [c.strip() for c in lines[0].split("|")[1:-1]]
    assert header == ["figure", "project", "floor", "ratio", "goal", "met"]
    assert [line.split("|")[-2].strip() for line in lines[2:]] == ["yes", "no"]
