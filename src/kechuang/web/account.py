"""Accounts in the browser: sign in, sign up, sign out, password reset by mail, API tokens.

Sign-in, sign-up and reset answer identically whether or not the account exists (no user
enumeration); all are rate limited per client address.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import RedirectResponse, Response

from kechuang.domain import Actor, KechuangError, Role, User
from kechuang.services import regions, users
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


def _sign_up_form(
    request: Request, values: dict[str, str], errors: list[str], status_code: int = 200
) -> Response:
    with tx(request):
        region_page = regions.list(Actor.anonymous(), limit=200)
    return render(
        request,
        "account/sign_up.html",
        {"regions": region_page.items, "values": values, "errors": errors, "sent": False},
        status_code=status_code,
    )


@router.get("/sign-up")
def sign_up_form(request: Request) -> Response:
    """Self-service sign-up of an enterprise member (see ``users.sign_up``)."""
    return _sign_up_form(request, {}, [])


@router.post("/sign-up", dependencies=[Depends(rate_limit("sign_up"))])
def sign_up(  # noqa: PLR0917 -- one parameter per form field, as FastAPI reads them
    request: Request,
    actor: Annotated[Actor, Depends(current_actor)],
    email: TextField = "",
    display_name: TextField = "",
    region_id: TextField = "",
    credit_code: TextField = "",
    password: TextField = "",
    password2: TextField = "",
) -> Response:
    """Open an account (pending approval by default). A new address and one that already has an
    account get the same page; the mail to the address says which it was (no user enumeration)."""
    language = language_of(request)
    values = {
        "email": email,
        "display_name": display_name,
        "region_id": region_id,
        "credit_code": credit_code,
    }
    if password != password2:
        errors = [i18n.gettext(language, "The two passwords differ. Type the same password twice.")]
        return _sign_up_form(request, values, errors, status_code=422)
    try:
        with tx(request):
            outcome = users.sign_up(
                actor,
                email=email,
                password=password,
                region_id=int(region_id) if region_id.strip().isdigit() else 0,
                credit_code=credit_code,
                display_name=display_name,
                language=language.short,
            )
    except KechuangError as error:
        return _sign_up_form(request, values, error.lines(language.short), status_code=422)
    mail.send_sign_up_mail(
        request.app.state.settings.data_dir,
        outcome.user,
        created=outcome.created,
        base_url=str(request.base_url),
    )
    return render(
        request,
        "account/sign_up.html",
        {"regions": [], "values": {}, "errors": [], "sent": True},
    )
