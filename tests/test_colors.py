import pytest

from lib_imgedit.core.colors import find_color, parse_color


@pytest.mark.parametrize("text,rgb", [("red", (200, 30, 35)), ("#ff0000", (255, 0, 0)), ("#0f0", (0, 255, 0)),
                                       ("Blonde", (225, 195, 130)), ("金色", (212, 175, 55)), ("light-blue", (150, 195, 235))])
def test_parse(text, rgb):
    assert parse_color(text) == rgb


def test_unknown():
    assert parse_color("blurple") is None


@pytest.mark.parametrize("text,name", [("make her hair dark brown please", "dark brown"), ("把头发变成黑色", "black"),
                                        ("paint it #12ab34", "#12ab34"), ("change the redness", None), ("红色的裙子", "red")])
def test_find(text, name):
    assert find_color(text) == name
