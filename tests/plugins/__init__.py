"""Fixtures and helpers shared by more than one test folder, registered in the
root conftest (pytest_plugins). Test modules import the plain helpers from
here, never from a conftest."""
