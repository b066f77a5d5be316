"""Accounts in the browser: sign in, sign out, password reset by mail, API tokens.

Sign-in and reset answer identically whether or not the account exists (no user enumeration);
both are rate limited per client address.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from kechuang.domain import Actor, KechuangError, Role, User
from kechuang.services import users
from kechuang.web import i18n, mail
from kechuang.web.deps import (
    SESSION_SECRET_KEY,
    current_actor,
    rate_limit,
    require_roles,
    safe_next,
    tx,
)
from kechuang.web.templating import flash, language_of, render

router = APIRouter()

TextField = Annotated[str, Form()]


def home_for(user: User) -> str:
    """Where a user lands after signing in: their role's main page."""
    return {
        Role.ENTERPRISE_MEMBER: "/my/demands",
        Role.EXPERT: "/expert/invitations",
        Role.REGION_OPERATOR: "/operator/dockings",
        Role.NATIONAL_ADMIN: "/dashboard",
    }.get(user.role, "/")


def _t(request: Request, message: str) -> str:
    return i18n.gettext(language_of(request), message)


@router.get("/sign-in")
def sign_in_form(request: Request, next: str = "") -> Response:
    """The sign-in form."""
    return render(
        request,
        "account/sign_in.html",
        {"next": safe_next(next, ""), "username": "", "error": None},
    )


@router.post("/sign-in", dependencies=[Depends(rate_limit("sign_in"))])
def sign_in(
    request: Request,
    username: TextField = "",
    password: TextField = "",
    next: TextField = "",
) -> Response:
    """Check the password; on success start a fresh session (new CSRF token, no fixation)."""
    try:
        with tx(request):
            user, secret = users.sign_in(Actor.anonymous(), username.strip(), password)
    except KechuangError:
        message = _t(request, "The username or password is wrong, or the account is disabled.")
        return render(
            request,
            "account/sign_in.html",
            {"next": safe_next(next, ""), "username": username, "error": message},
            status_code=401,
        )
    request.session.clear()
    request.session[SESSION_SECRET_KEY] = secret
    return RedirectResponse(safe_next(next, home_for(user)), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End the session on the server and forget the cookie."""
    secret = request.session.get(SESSION_SECRET_KEY)
    if isinstance(secret, str) and secret:
        with tx(request):
            users.sign_out(Actor.anonymous(), secret)
    request.session.clear()
    flash(request, "ok", _t(request, "You have signed out."))
    return RedirectResponse("/", status_code=303)


@router.get("/password-reset")
def reset_request_form(request: Request) -> Response:
    """Ask for the account whose password to reset."""
    return render(request, "account/reset_request.html", {"sent": False})


@router.post("/password-reset", dependencies=[Depends(rate_limit("password_reset"))])
def reset_request(request: Request, account: TextField = "") -> Response:
    """Mail a reset link if the account exists; answer the same either way."""
    with tx(request):
        issued = users.request_password_reset(Actor.anonymous(), account.strip())
    if issued is not None:
        user, secret = issued
        link = f"{request.base_url}password-reset/{secret}"
        mail.send(
            request.app.state.settings.data_dir,
            to=user.email or user.username,
            subject="科创 Kechuang：重置密码 / Reset your password",
            body=(
                f"您好 {user.display_name or user.username}：\n\n"
                "请打开以下链接设置新密码（链接有效期有限）：\n"
                f"{link}\n\n如非本人操作，请忽略本邮件。\n\n"
                f"Hello {user.display_name or user.username},\n\nOpen this link to set a new "
                f"password (it expires soon):\n{link}\n\n"
                "If you did not ask for this, ignore this mail.\n"
            ),
        )
    return render(request, "account/reset_request.html", {"sent": True})


@router.get("/password-reset/{secret}")
def reset_form(request: Request, secret: str) -> Response:
    """The new-password form of a reset link."""
    return render(request, "account/reset_form.html", {"secret": secret, "errors": []})


@router.post("/password-reset/{secret}", dependencies=[Depends(rate_limit("password_reset"))])
def reset(
    request: Request, secret: str, password: TextField = "", password2: TextField = ""
) -> Response:
    """Set the new password; sign-in follows as usual."""
    language = language_of(request)
    if password != password2:
        errors = [i18n.gettext(language, "The two passwords differ. Type the same password twice.")]
        return render(
            request,
            "account/reset_form.html",
            {"secret": secret, "errors": errors},
            status_code=422,
        )
    try:
        with tx(request):
            users.reset_password(Actor.anonymous(), secret, password)
    except KechuangError as error:
        return render(
            request,
            "account/reset_form.html",
            {"secret": secret, "errors": error.lines(language.short)},
            status_code=422,
        )
    flash(
        request,
        "ok",
        i18n.gettext(language, "Your password has been changed. Sign in with it now."),
    )
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/account")
def account(request: Request, actor: Annotated[Actor, Depends(require_roles())]) -> Response:
    """The signed-in user's account: API tokens."""
    assert actor.user_id is not None
    with tx(request):
        tokens = users.list_tokens(actor, actor.user_id)
    return render(request, "account/account.html", {"tokens": tokens, "new_secret": None})


@router.post("/account/tokens")
def issue_token(
    request: Request, actor: Annotated[Actor, Depends(require_roles())], name: TextField = ""
) -> Response:
    """Issue an API token; its secret is shown exactly once."""
    assert actor.user_id is not None
    with tx(request):
        _token, secret = users.issue_api_token(actor, actor.user_id, name.strip() or "script")
        tokens = users.list_tokens(actor, actor.user_id)
    # Rendered directly (not via a redirect and the cookie): the secret is never stored anywhere.
    return render(request, "account/account.html", {"tokens": tokens, "new_secret": secret})


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(
    request: Request, token_id: int, actor: Annotated[Actor, Depends(require_roles())]
) -> Response:
    """Revoke one of the user's tokens."""
    with tx(request):
        users.revoke_token(actor, token_id)
    flash(request, "ok", _t(request, "The token has been revoked."))
    return RedirectResponse("/account", status_code=303)


__all__ = ["current_actor", "router"]


@router.get("/sign-up")
def sign_up(request: Request) -> Response:
    """How an enterprise gets an account (operators invite; see /operator/users)."""
    return render(request, "account/sign_up.html")
