"""The suite's layers: whatever needs a started course or a real build is marked e2e,
so `./run-tests -m "not e2e"` stays the fast inner loop."""

from __future__ import annotations

from conftest import E2E_DIR, E2E_FIXTURES


def test_the_markers_are_registered_and_strict(request):
    names = {line.split(":", 1)[0] for line in request.config.getini("markers")}
    assert {"e2e", "browser", "docker"} <= names
    assert "--strict-markers" in request.config.getini("addopts")


def test_every_collected_test_that_builds_or_starts_a_course_is_marked_e2e(request):
    items = request.session.items
    assert request.node in items
    for item in items:
        heavy = (E2E_DIR in item.path.parents or E2E_FIXTURES & set(item.fixturenames)
                 or item.get_closest_marker("browser"))
        if heavy:
            assert item.get_closest_marker("e2e"), item.nodeid
    selection = request.config.getoption("markexpr")
    if selection == "not e2e":
        assert not [i.nodeid for i in items if i.get_closest_marker("e2e")]
