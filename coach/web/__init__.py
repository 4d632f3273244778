"""The local upload page (`coach serve`): upload a transcript, read the HTML report."""

from coach.web.app import check_bind, create_app, is_loopback

__all__ = ["check_bind", "create_app", "is_loopback"]
