"""Profile, privacy and my-data forms. Rules live in services.profiles and privacy."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from meetup.forms import GOAL_CHOICES, Form, MultiCheckboxField, timezone_select_choices
from meetup.models import GoalDirection, ProfileVisibility, User
from meetup.models.user import (
    BIO_MAX_LENGTH,
    COMPANY_MAX_LENGTH,
    DISPLAY_NAME_MAX_LENGTH,
    HEADLINE_MAX_LENGTH,
)
from meetup.services.accounts.profiles import MAX_INTERESTS, MAX_LINKS

VISIBILITY_CHOICES = [
    SelectChoice(ProfileVisibility.PUBLIC.value, "Anyone, even people who are not logged in"),
    SelectChoice(ProfileVisibility.MEMBERS.value, "Members who are logged in"),
    SelectChoice(ProfileVisibility.PRIVATE.value, "Only me"),
]


class ProfileForm(Form):
    display_name = StringField(
        "Name",
        [InputRequired("Enter your name.")],
        render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX_LENGTH},
    )
    headline = StringField(
        "Headline",
        render_kw={
            "maxlength": HEADLINE_MAX_LENGTH,
            "placeholder": "e.g. Data engineer, climate tech",
        },
    )
    company = StringField(
        "Company or organisation",
        render_kw={"autocomplete": "organization", "maxlength": COMPANY_MAX_LENGTH},
    )
    bio = TextAreaField("About you", render_kw={"rows": 6, "maxlength": BIO_MAX_LENGTH})
    interests = StringField("Interests")
    offers = MultiCheckboxField("I can offer", choices=GOAL_CHOICES)
    seeks = MultiCheckboxField("I am looking for", choices=GOAL_CHOICES)
    links = TextAreaField("Links", render_kw={"rows": 3, "spellcheck": "false"})
    timezone = SelectField("Home time zone", validate_choice=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_select_choices()

    @classmethod
    def for_person(cls, person: User) -> ProfileForm:
        """The form, filled with the person's profile unless it was submitted."""
        return cls(
            display_name=person.display_name,
            headline=person.headline,
            company=person.company,
            bio=person.bio,
            interests=", ".join(interest.name for interest in person.interests),
            offers=[goal.value for goal in person.goals_in(GoalDirection.OFFERS)],
            seeks=[goal.value for goal in person.goals_in(GoalDirection.SEEKS)],
            links="\n".join(person.links),
            timezone=person.timezone,
        )

    def interest_list(self) -> list[str]:
        return (self.interests.data or "").split(",")

    def link_list(self) -> list[str]:
        return (self.links.data or "").splitlines()


INTERESTS_HINT = (
    f"Separate them with commas, e.g. python, product design, climate tech. Up to {MAX_INTERESTS}."
)
LINKS_HINT = f"One web address per line (https://…), up to {MAX_LINKS}."


class PrivacyForm(Form):
    profile_visibility = RadioField(
        "Who can see my profile", choices=VISIBILITY_CHOICES, validate_choice=False
    )
    is_listed_in_directories = BooleanField("Show me in the attendee directories of events I go to")
    is_email_shared_with_connections = BooleanField(
        "Share my email address with people I connect with"
    )
    is_followup_email_wanted = BooleanField("Send me a follow-up email after events I attend")

    @classmethod
    def for_person(cls, person: User) -> PrivacyForm:
        return cls(
            profile_visibility=person.profile_visibility.value,
            is_listed_in_directories=person.is_listed_in_directories,
            is_email_shared_with_connections=person.is_email_shared_with_connections,
            is_followup_email_wanted=person.is_followup_email_wanted,
        )


class DeleteAccountForm(Form):
    password = PasswordField(
        "Your password",
        [InputRequired("Enter your password to confirm.")],
        render_kw={"autocomplete": "current-password"},
    )
