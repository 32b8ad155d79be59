"""Account pages. Each view parses a form, calls one service, commits once."""

from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from meetup.auth.forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupForm,
)
from meetup.database import writes_on_get
from meetup.extensions import db, limiter
from meetup.forms import render_form, show_error
from meetup.security import form_checks_csrf, safe_next_url
from meetup.services import accounts
from meetup.services.errors import DomainError

bp = Blueprint("auth", __name__)


def _login_failed(response: Response) -> bool:
    """Count only the attempts that did not log anyone in."""
    return response.status_code != 303


def _attempted_account() -> str:
    """Key per-account limits on the address tried, so spreading the guesses
    over many IP addresses does not help."""
    return "account:" + request.form.get("email", "").strip().lower()[:254]


def _current_account() -> str:
    return f"user:{current_user.get_id()}"


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@form_checks_csrf
def signup() -> Response | tuple[str, int]:
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = accounts.sign_up(
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash(
                f"Welcome, {user.display_name}! We sent a link to {user.email}: "
                "follow it to confirm your address.",
                "success",
            )
            return redirect(safe_next_url(request.args.get("next"), url_for("main.index")), 303)
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
        try:
            user = accounts.authenticate(email=form.email.data, password=form.password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(f"Welcome back, {user.display_name}.", "success")
            return redirect(next_url, 303)
    return render_form("auth/login.html", form)


@bp.post("/logout")
def logout() -> Response:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("main.index"), 303)


@bp.get("/account")
@login_required
def account() -> str:
    return render_template("auth/account.html")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit("30 per 15 minutes", methods=["POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], key_func=_current_account)
@form_checks_csrf
def change_password() -> Response | tuple[str, int]:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user,
                current_password=form.current_password.data,
                new_password=form.new_password.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            # The session version moved on: renew this session, the others end.
            login_user(current_user._get_current_object(), remember=_is_remembered())
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
        try:
            new_email = accounts.request_email_change(
                current_user,
                password=form.current_password.data,
                new_email=form.new_email.data,
            )
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            flash(
                f"We sent a link to {new_email}. Your address changes when you follow it.",
                "success",
            )
            return redirect(url_for("auth.account"), 303)
    return render_form("auth/change_email.html", form)


@bp.get("/account/email/confirm/<token>")
@writes_on_get
def confirm_email_change(token: str) -> Response:
    try:
        user = accounts.confirm_email_change(token)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"Your email address is now {user.email}.", "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.get("/verify-email/<token>")
@writes_on_get
def verify_email(token: str) -> Response:
    try:
        user = accounts.verify_email(token)
    except DomainError as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(f"Thank you: {user.email} is confirmed.", "success")
    return redirect(url_for("main.index"))


@bp.post("/verify-email/resend")
@login_required
@limiter.limit("3 per hour", key_func=_current_account)
def resend_verification() -> Response:
    if current_user.is_verified:
        flash("Your email address is already confirmed.", "info")
    else:
        accounts.send_verification_email(current_user, reason=secrets.token_hex(8))
        db.session.commit()
        flash(f"We sent a new link to {current_user.email}.", "success")
    return redirect(safe_next_url(request.form.get("next"), url_for("main.index")), 303)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=_attempted_account)
@form_checks_csrf
def forgot_password() -> Response | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        db.session.commit()
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
def reset_password(token: str) -> Response | tuple[str, int]:
    try:
        accounts.check_reset_token(token)
    except DomainError as error:
        flash(error.message, "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            user = accounts.reset_password(token, new_password=form.new_password.data)
        except DomainError as error:
            show_error(form, error)
        else:
            db.session.commit()
            login_user(user)
            flash("Your password is changed, and every other session is logged out.", "success")
            return redirect(url_for("main.index"), 303)
    return render_form("auth/reset_password.html", form)


def _is_remembered() -> bool:
    return current_app.config["REMEMBER_COOKIE_NAME"] in request.cookies
