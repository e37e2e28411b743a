from tests.visit_fixtures import *  # noqa: F403 - shared by tests/installations and tests/terminals
