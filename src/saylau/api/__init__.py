"""The HTTP API (FastAPI): routers over the service, problem+json errors, auth by token."""

from saylau.api.app import create_app

__all__ = ["create_app"]
