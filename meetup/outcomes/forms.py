"""The feedback form. It parses; services.outcomes.feedback holds the rules."""

from __future__ import annotations

from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice

from meetup.forms import Form
from meetup.models import Feedback
from meetup.models.feedback import COMMENT_MAX_LENGTH
from meetup.services.outcomes.feedback import RATINGS, Answer

RATING_LABELS = {1: "1 · Poor", 2: "2", 3: "3", 4: "4", 5: "5 · Excellent"}
YES_NO = {"yes": True, "no": False}


class FeedbackForm(Form):
    rating = RadioField(
        "How was it?",
        choices=[SelectChoice(str(rating), RATING_LABELS[rating]) for rating in RATINGS],
        validate_choice=False,  # the service names a bad value next to the field
    )
    is_coming_again = RadioField(
        "Would you come again?",
        choices=[SelectChoice("yes", "Yes"), SelectChoice("no", "No")],
        validate_choice=False,
    )
    comment = TextAreaField(
        "Anything to tell the hosts? (optional)",
        render_kw={"rows": 5, "maxlength": COMMENT_MAX_LENGTH},
    )
    is_signed = BooleanField("Sign my feedback: show the hosts my name with it")

    @classmethod
    def for_answer(cls, answer: Feedback | None) -> FeedbackForm:
        """The form, filled with the person's earlier answer (to change it)."""
        if answer is None:
            return cls()
        return cls(
            rating=str(answer.rating),
            is_coming_again="yes" if answer.is_coming_again else "no",
            comment=answer.comment,
            is_signed=answer.is_signed,
        )

    def answer(self) -> Answer:
        rating = self.rating.data or ""
        return Answer(
            rating=int(rating) if rating in {str(r) for r in RATINGS} else None,
            is_coming_again=YES_NO.get(self.is_coming_again.data or ""),
            comment=self.comment.data or "",
            is_signed=bool(self.is_signed.data),
        )
