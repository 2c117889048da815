"""The HR and admin web application (server-rendered pages under ``/hr``).

``install(app)`` adds the routers, the static files and the error handlers to an app made
by ``sync_server.app.create_app``; nothing happens at import time.
"""

from __future__ import annotations

from fastapi import FastAPI


def install(app: FastAPI) -> None:
    """Mount the web pages on ``app`` (after ``create_app``; a second call does nothing)."""
    if getattr(app.state, "web_installed", False):
        return
    from fastapi.staticfiles import StaticFiles

    from sync_server.service.login_throttle import LoginThrottle
    from sync_server.web import (
        common,
        errors,
        routes_accounts,
        routes_admin,
        routes_auth,
        routes_balances,
        routes_calendar,
        routes_corrections,
        routes_credentials,
        routes_enrol,
        routes_leave,
        routes_pickers,
        routes_refusals,
        routes_reminders,
        routes_report_mail,
        routes_reports,
        routes_requests,
        routes_review,
        routes_self,
        routes_sites,
        routes_timesheets,
    )

    app.state.web_login_throttle = LoginThrottle()
    for module in (routes_auth, routes_reports, routes_admin, routes_corrections, routes_leave,
                   routes_accounts, routes_credentials, routes_enrol, routes_reminders,
                   routes_refusals, routes_review, routes_timesheets, routes_sites,
                   routes_pickers, routes_report_mail):
        app.include_router(module.router)
    for module in (routes_self, routes_requests):  # leave and correction requests
        app.include_router(module.router)
    app.include_router(routes_calendar.router)  # the shift calendar
    app.include_router(routes_balances.router)  # leave balances
    app.mount(common.PREFIX + "/static", StaticFiles(directory=str(common.HERE / "static")),
              name="hr-static")
    errors.install_handlers(app)
    app.state.web_installed = True
