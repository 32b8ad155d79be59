"""Account forms. They check presence; the rules themselves live in services.accounts."""

from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import InputRequired

from meetup.forms import Form
from meetup.models.user import DISPLAY_NAME_MAX_LENGTH, EMAIL_MAX_LENGTH
from meetup.services.accounts.credentials import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH

EMAIL_ATTRS = {"autocomplete": "email", "maxlength": EMAIL_MAX_LENGTH, "spellcheck": "false"}
NEW_PASSWORD_ATTRS = {
    "autocomplete": "new-password",
    "minlength": PASSWORD_MIN_LENGTH,
    "maxlength": PASSWORD_MAX_LENGTH,
}


class SignupForm(Form):
    display_name = StringField(
        "Your name",
        [InputRequired("Enter your name.")],
        render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX_LENGTH},
    )
    email = EmailField(
        "Email address", [InputRequired("Enter your email address.")], render_kw=EMAIL_ATTRS
    )
    password = PasswordField(
        "Password", [InputRequired("Choose a password.")], render_kw=NEW_PASSWORD_ATTRS
    )


class LoginForm(Form):
    email = EmailField(
        "Email address", [InputRequired("Enter your email address.")], render_kw=EMAIL_ATTRS
    )
    password = PasswordField(
        "Password",
        [InputRequired("Enter your password.")],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me logged in on this device")


class ChangePasswordForm(Form):
    current_password = PasswordField(
        "Current password",
        [InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        "New password", [InputRequired("Choose a new password.")], render_kw=NEW_PASSWORD_ATTRS
    )


class ChangeEmailForm(Form):
    new_email = EmailField(
        "New email address",
        [InputRequired("Enter the new email address.")],
        render_kw=EMAIL_ATTRS,
    )
    current_password = PasswordField(
        "Current password",
        [InputRequired("Enter your current password.")],
        render_kw={"autocomplete": "current-password"},
    )


class ForgotPasswordForm(Form):
    email = EmailField(
        "Email address", [InputRequired("Enter your email address.")], render_kw=EMAIL_ATTRS
    )


class ResetPasswordForm(Form):
    new_password = PasswordField(
        "New password", [InputRequired("Choose a new password.")], render_kw=NEW_PASSWORD_ATTRS
    )
