"""Account pages. Each view parses a form, calls one service and answers; the
edge (meetup.edge) commits and answers refusals."""

from __future__ import annotations

import secrets

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from meetup.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from meetup.edge import returns_to
from meetup.extensions import limiter
from meetup.forms import refusals_shown_on, render_form
from meetup.lib.text import email_key
from meetup.login import log_in, log_out
from meetup.security import action_done, form_checks_csrf, private_page, safe_next_url
from meetup.services.accounts import credentials, email_changes, sessions
from meetup.transactions import writes_on_get

bp = Blueprint("auth", __name__)


def _login_failed(response: Response) -> bool:
    """Count only the attempts that did not log anyone in."""
    return not action_done(response)


def _attempted_account() -> str:
    """Key per-account limits on the address tried, so spreading the guesses
    over many IP addresses does not help. The key is the address as stored
    (normalised): every spelling of one account shares one counter."""
    return f"account:{email_key(request.form.get('email', ''))}"


def _current_account() -> str:
    """Key per-account limits on the account, not on one of its sessions."""
    return f"user:{current_user.id}"


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_attempted_account)
@form_checks_csrf
def signup() -> Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            email = credentials.sign_up(
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
            # The same answer whether or not the address has an account.
            flash(
                f"Thank you! We sent a message to {email}: follow its link to confirm "
                "your address, then log in.",
                "success",
            )
            return redirect(url_for("auth.login", next=request.args.get("next")), 303)
    return render_form("auth/signup.html", form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("30 per 10 minutes", methods=["POST"])
@limiter.limit(
    "5 per 15 minutes", methods=["POST"], key_func=_attempted_account, deduct_when=_login_failed
)
@form_checks_csrf
def login() -> Response | tuple[str, int]:
    next_url = safe_next_url(request.args.get("next"), url_for("main.index"))
    if current_user.is_authenticated:
        return redirect(next_url)
    form = LoginForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            user = credentials.authenticate(email=form.email.data, password=form.password.data)
            log_in(user, remember=form.remember.data)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(next_url, 303)
    return render_form("auth/login.html", form)


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        log_out(current_user._get_current_object())
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"), 303)


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("auth/account.html")


@bp.get("/account/sessions")
@login_required
def account_sessions() -> str:
    return render_template("auth/sessions.html", sessions=sessions.list_sessions(current_user))


@bp.post("/account/sessions/<id:session_id>/end")
@login_required
@returns_to("auth.account_sessions")
def end_session(session_id: int) -> Response:
    sessions.end_session(current_user, session_id)
    flash("That session is logged out.", "success")
    return redirect(url_for("auth.account_sessions"), 303)


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions() -> Response:
    ended = sessions.end_other_sessions(current_user)
    flash(
        f"{ended} other session{'s' if ended != 1 else ''} logged out."
        if ended
        else "You have no other sessions.",
        "success" if ended else "info",
    )
    return redirect(url_for("auth.account_sessions"), 303)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per 15 minutes", methods=["POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_current_account)
@form_checks_csrf
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            credentials.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
            flash("Your password is changed. Your other sessions are logged out.", "success")
            return redirect(url_for("auth.account"), 303)
    return render_form("auth/change_password.html", form)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_current_account)
@form_checks_csrf
def change_email() -> Response | tuple[str, int]:
    form = ChangeEmailForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            new_email = email_changes.request_email_change(
                current_user,
                password=form.current_password.data,
                new_email=form.new_email.data,
            )
            flash(
                f"We sent a link to {new_email}. Your address changes when you follow it.",
                "success",
            )
            return redirect(url_for("auth.account"), 303)
    return render_form("auth/change_email.html", form)


@bp.post("/account/email/cancel")
@login_required
@returns_to("auth.account")
def cancel_pending_email_change() -> Response:
    email_changes.cancel_email_change(current_user)
    flash("The change of address is cancelled.", "success")
    return redirect(url_for("auth.account"), 303)


@bp.route("/account/email/cancel/<token>", methods=["GET", "POST"])
@private_page
@returns_to("main.index")
def cancel_email_change(token: str) -> Response | str:
    """The link mailed to the current address: a page that asks, then a POST
    that cancels (a GET changes nothing, whatever prefetches it)."""
    _, new_email = email_changes.check_email_change_cancellation(token)
    if request.method == "POST":
        email_changes.cancel_email_change_by_link(token)
        flash(
            "The change of address is cancelled and every session of your account is "
            "logged out. If you did not ask for it, someone knows your password: "
            "choose a new one now.",
            "success",
        )
        return redirect(url_for("auth.forgot_password"), 303)
    return render_template("auth/cancel_email_change.html", new_email=new_email)


@bp.get("/account/email/confirm/<token>")
@writes_on_get
@returns_to("auth.account")
def confirm_email_change(token: str) -> Response:
    user = email_changes.confirm_email_change(token)
    flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.get("/verify-email/<token>")
@writes_on_get
# A refused link lands on log in: once logged in, the unconfirmed-address
# notice on every page offers a new link.
@returns_to("auth.login")
def verify_email(token: str) -> Response:
    user = credentials.verify_email(token)
    if current_user.is_authenticated:
        flash(f"Thank you: {user.email} is confirmed.", "success")
        return redirect(url_for("main.index"))
    flash(f"Thank you: {user.email} is confirmed. Log in to continue.", "success")
    return redirect(url_for("auth.login"))


@bp.post("/verify-email/resend")
@login_required
@limiter.limit("3 per hour", key_func=_current_account)
def resend_verification() -> Response:
    if current_user.is_verified:
        flash("Your email address is already confirmed.", "info")
    else:
        credentials.send_verification_email(current_user, reason=secrets.token_hex(8))
        flash(f"We sent a new link to {current_user.email}.", "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("main.index")), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_attempted_account)
@form_checks_csrf
def forgot_password() -> Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        credentials.request_password_reset(form.email.data)
        # The same answer whether or not the address has an account.
        flash(
            "If an account uses that address, we have sent it a link to choose a new "
            "password. The link works for one hour.",
            "info",
        )
        return redirect(url_for("auth.login"), 303)
    return render_form("auth/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
@form_checks_csrf
@private_page
@returns_to("auth.forgot_password")
def reset_password(token: str) -> Response | tuple[str, int]:
    credentials.check_reset_token(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            user = credentials.reset_password(token, new_password=form.new_password.data)
            log_in(user)
            flash("Your password is changed, and every other session is logged out.", "success")
            return redirect(url_for("main.index"), 303)
    return render_form("auth/reset_password.html", form)
