"""Disputed contradictions (issue 11 point 8): below the `min_confidence` of every route that
would take it, a contradiction pages no one and the fact page shows it as disputed."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.alerts.routes import Route, RouteConfigError, disputed, load_routes
from monitor.models import Alert
from monitor.web.disputed import conservative, page_routes


def _alert(confidence: float, kind: str = "contradiction", event: str = "killed") -> Alert:
    return Alert(id="a", kind=kind, fact_key="k", fact={"event": event}, previous={},  # type: ignore[arg-type]
                 current={}, reason="r", confidence=confidence)


def _route(name: str = "desk", **kw: object) -> Route:
    return Route(name=name, type="console", **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("confidence", "routes", "want"), [
    (0.3, [_route(min_confidence=0.5)], True),
    (0.5, [_route(min_confidence=0.5)], False),  # at the bar is sent (matches: >=)
    (0.7, [_route(min_confidence=0.5)], False),
    (0.3, [_route(min_confidence=0.5), _route("all")], False),  # one route still sends it
    (0.3, [_route(min_confidence=0.5), _route("upd", kinds=["update"])], True),
    (0.3, [_route(kinds=["update"], min_confidence=0.5)], False),  # unrouted, not held back
    (0.0, [], False),
    # The lowest bar among the routes that take its event: killed goes to both.
    (0.5, [_route("tolls", events=["killed"], min_confidence=0.2),
           _route("all", min_confidence=0.9)], False),
])
def test_disputed_is_below_every_route_that_would_take_it(confidence: float,
                                                          routes: list[Route],
                                                          want: bool) -> None:
    assert disputed(_alert(confidence), routes) is want


def test_an_escape_below_the_only_route_taking_its_event_is_disputed() -> None:
    routes = [_route("tolls", events=["killed"], min_confidence=0.2),
              _route("all", min_confidence=0.9)]
    assert disputed(_alert(0.5, event="escaped"), routes)
    assert not disputed(_alert(0.95, event="escaped"), routes)


def test_an_update_is_never_disputed() -> None:
    assert not disputed(_alert(0.01, kind="update"), [_route(min_confidence=0.5)])


def test_disputed_is_exactly_no_route_sending_what_one_would_take() -> None:
    routes = [_route("a", min_confidence=0.4), _route("b", events=["escaped"],
                                                      min_confidence=0.1)]
    for event in ("killed", "escaped"):
        for c in (0.0, 0.05, 0.1, 0.2, 0.39, 0.4, 0.6, 1.0):
            a = _alert(c, event=event)
            assert disputed(a, routes) is not any(r.matches(a) for r in routes), (event, c)


def test_the_conservative_figure_is_the_lowest_reported() -> None:
    about = {"low": 1500.0, "high": 1500.0, "approx": True}
    exact = {"low": 120.0, "high": 120.0}
    floor = {"low": 5700.0, "high": None}
    ceiling = {"low": None, "high": 40.0}
    assert conservative([about, exact]) is exact
    assert conservative([floor, about]) is about
    assert conservative([exact, ceiling]) is ceiling
    assert conservative([]) is None


def test_the_pages_read_the_routes_without_their_secrets(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch
                                                         ) -> None:
    monkeypatch.delenv("T_DISPUTED_SECRET", raising=False)
    path = tmp_path / "routes.yaml"
    path.write_text("routes:\n  - name: hook\n    type: webhook\n    url: https://example.org/h\n"
                    "    secret_env: T_DISPUTED_SECRET\n    min_confidence: 0.7\n",
                    encoding="utf-8")
    with pytest.raises(RouteConfigError, match="T_DISPUTED_SECRET"):
        load_routes(path)  # delivery needs the secret
    (hook,) = page_routes(path)  # the web app does not
    assert hook.min_confidence == 0.7
    path.write_text("routes:\n  - name: x\n    type: console\n    min_confidence: 2\n",
                    encoding="utf-8")
    with pytest.raises(RouteConfigError, match=r"routes.yaml:2: min_confidence"):
        page_routes(path)
