"""Service unit tests run with sockets disabled: nothing here may touch the network."""

import pytest


@pytest.fixture(autouse=True)
def _no_network(socket_disabled):
    yield
