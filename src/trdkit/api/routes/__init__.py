"""One router module per resource of the API, all mounted under ``/api``."""
