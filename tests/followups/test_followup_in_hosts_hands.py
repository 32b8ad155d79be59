"""The follow-up as its hosts shape it (their message, "send now", "don't
send"), with the feedback link and each person's real suggestions, and the
jobs loop `make run` starts."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from meetup.extensions import db
from meetup.mail.compose import render_bodies
from meetup.models import Event, FollowupSending, OutboxMessage, UserInterest
from meetup.services.suggestions import builds
from tests.followups.helpers import ended_event, run_job
from tests.plugins.app import sign_in

MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"


def _followups(app) -> dict[str, OutboxMessage]:
    with app.app_context():
        rows = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.template.like("followup%"))
        ).all()
        for row in rows:
            db.session.expunge(row)
    return {row.recipient: row for row in rows}


def _host_client(app, host):
    client = app.test_client()
    sign_in(client, host)
    return client


def _save(client, event, **data):
    token = client.csrf_token(f"/events/{event.slug}/follow-up")
    return client.post(f"/events/{event.slug}/follow-up", data={"csrf_token": token, **data})


def test_the_hosts_message_and_the_feedback_link_are_in_the_follow_up(app, make_user) -> None:
    host, guest = make_user(display_name="Hanna Host"), make_user()
    event = ended_event(app, host, [host, guest], ended_ago=timedelta(hours=3))
    message = "Thanks for coming! Slides: **soon**"
    response = _save(_host_client(app, host), event, message=message, sending="automatic")
    assert response.status_code == 303
    run_job(app)  # the tests' delay: an hour after the end
    context = _followups(app)[guest.email].context
    assert context["host_message"] == "Thanks for coming! Slides: soon"
    assert "<strong>soon</strong>" in context["host_message_html"]
    assert context["host_names"] == "Hanna Host"
    assert context["feedback_url"].endswith(f"/events/{event.slug}/feedback")


HOSTS_MARKDOWN = (
    "Thanks for coming, **all of you** & your *guests*! <b>Bold</b> <script>x</script>\n"
    "\n"
    "Slides: [our deck](https://example.org/slides?a=1&b=2) &amp; photos at "
    "<https://example.org/photos>.\n"
    "\n"
    "- [Ada's notes](https://example.org/notes)\n"
    "- Next time: `pizza`\n"
    "\n"
    "1. Fill in the feedback\n"
    "2. Come again\n"
    "\n"
    "> Keep in touch"
)


def test_the_text_part_reads_the_hosts_markdown_as_plain_text(app, make_user) -> None:
    """Issue 34, item 11: the text part carried the raw Markdown, tags and all."""
    host, guest = make_user(display_name="Hanna Host"), make_user()
    event = ended_event(app, host, [host, guest], ended_ago=timedelta(hours=3))
    response = _save(_host_client(app, host), event, message=HOSTS_MARKDOWN, sending="automatic")
    assert response.status_code == 303
    run_job(app)
    with app.app_context():
        text, html = render_bodies(_followups(app)[guest.email])
    said = text.split("A word from Hanna Host:", 1)[1].split("PEOPLE YOU MET", 1)[0].strip()
    assert said == (
        "Thanks for coming, all of you & your guests! Bold\n\n"
        "Slides: our deck (https://example.org/slides?a=1&b=2) & photos at "
        "https://example.org/photos.\n\n"
        "- Ada's notes (https://example.org/notes)\n"
        "- Next time: pizza\n\n"
        "1. Fill in the feedback\n"
        "2. Come again\n\n"
        "> Keep in touch"
    )
    assert "<strong>all of you</strong>" in html  # the HTML part keeps its markup


def test_dont_send_set_before_the_job_runs_sends_nothing(app, make_user) -> None:
    host, guest = make_user(), make_user()
    event = ended_event(app, host, [host, guest])
    assert _save(_host_client(app, host), event, message="", sending="never").status_code == 303
    run_job(app)
    assert _followups(app) == {}


def test_send_now_goes_at_the_next_run_and_once(app, make_user) -> None:
    host, guest = make_user(), make_user()
    event = ended_event(app, host, [host, guest], ended_ago=timedelta(minutes=5))
    run_job(app, delay=None)  # by default: due tomorrow morning, not yet
    assert _followups(app) == {}
    client = _host_client(app, host)
    assert _save(client, event, message="", sending="now").status_code == 303
    assert _save(client, event, message="", sending="now").status_code == 303  # twice
    run_job(app, delay=None)
    run_job(app, delay=None)
    assert sorted(_followups(app)) == sorted([host.email, guest.email])
    page = client.get(f"/events/{event.slug}/follow-up").get_data(as_text=True)
    assert "Every follow-up has gone out: 2 so far." in page
    refused = _save(client, event, message="Too late", sending="automatic")
    assert refused.status_code == 422
    assert "nothing left to change" in refused.get_data(as_text=True)
    report = client.get(f"/events/{event.slug}/report").get_data(as_text=True)
    assert re.search(r"<dt>Follow-ups sent</dt><dd>2</dd>", report)


def test_send_now_is_refused_after_the_job_stops_looking(app, make_user) -> None:
    host = make_user()
    event = ended_event(app, host, [host], ended_ago=timedelta(days=8))
    response = _save(_host_client(app, host), event, message="", sending="now")
    assert response.status_code == 422
    assert "within 7 days of an event&#39;s end" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Event, event.id).followup_sending == FollowupSending.AUTOMATIC


def test_the_preview_shows_made_up_people_never_real_ones(app, make_user) -> None:
    host = make_user(display_name="Hanna Host")
    guest = make_user(display_name="Rita Real")
    event = ended_event(app, host, [host, guest])
    client = _host_client(app, host)
    _save(client, event, message="See you <b>soon</b>", sending="automatic")
    page = client.get(f"/events/{event.slug}/follow-up/preview")
    text = page.get_data(as_text=True)
    assert "After Founders breakfast: the people you met" in text
    assert "Sample attendee 1" in text and "Sample suggestion" in text  # the text part
    assert "See you soon" in text and "<b>soon</b>" not in text and "&lt;b&gt;" not in text
    frame = f"/events/{event.slug}/follow-up/preview/email"
    assert f'<iframe class="mail-frame" src="{frame}"' in text
    email = client.get(frame)
    html = email.get_data(as_text=True)
    assert "Sample attendee 1" in html and "Sample suggestion" in html
    assert "Rita Real" not in text + html
    assert "See you &lt;b&gt;soon&lt;/b&gt;" in html  # sanitised Markdown: text, not markup
    assert f"/events/{event.slug}/feedback" in html
    # The email's own inline styles, nothing else, framed by our pages only.
    policy = email.headers["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and email.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "unsafe-inline" not in page.headers["Content-Security-Policy"]


def test_each_person_gets_their_own_suggestions_with_reasons(app, make_user) -> None:
    host = make_user(display_name="Hanna Host")
    ada, grace = make_user(display_name="Ada"), make_user(display_name="Grace")
    others = [make_user(display_name=f"Other {number}") for number in range(6)]
    with app.app_context():
        for person in (ada, grace):
            db.session.add(UserInterest(user_id=person.id, name="compilers"))
        db.session.commit()
    # Grace did not come (check-in counts): Ada did not meet her, so she is
    # someone Ada may want to meet.
    event = ended_event(
        app, host, [host, ada, grace, *others], ended_ago=timedelta(hours=3),
        checked_in=(host, ada, *others),
    )  # fmt: skip
    with app.app_context():
        builds.build_suggestions(db.session.get(Event, event.id))
        db.session.commit()
    run_job(app)
    sent = _followups(app)
    ada_sees = sent[ada.email].context["suggestions"]
    assert [person["display_name"] for person in ada_sees] == ["Grace"]
    assert ada_sees[0]["reasons"] == ["You both work on compilers"]
    assert ada_sees[0]["stay_in_touch_url"] == ""  # not met here: no tick
    assert sent[grace.email].template == "followup_missed"
    assert sent[others[0].email].context["suggestions"] == []


def test_a_person_is_named_once_with_the_reasons_to_meet_them(app, make_user) -> None:
    """Issue 34, item 11: Grace was under "people you met" and under "people
    you may want to meet" in Ada's follow-up. She is named once, where the
    reasons to follow up are (the suggestions come from the same room: the
    other way round would leave none)."""
    host = make_user(display_name="Hanna Host")
    ada, grace = make_user(display_name="Ada"), make_user(display_name="Grace")
    with app.app_context():
        for person in (ada, grace):
            db.session.add(UserInterest(user_id=person.id, name="compilers"))
        db.session.commit()
    event = ended_event(app, host, [host, ada, grace], ended_ago=timedelta(hours=3))
    with app.app_context():
        builds.build_suggestions(db.session.get(Event, event.id))
        db.session.commit()
    run_job(app)
    row = _followups(app)[ada.email]
    assert [person["display_name"] for person in row.context["people"]] == ["Hanna Host"]
    assert [person["display_name"] for person in row.context["suggestions"]] == ["Grace"]
    assert row.context["suggestions"][0]["stay_in_touch_url"]  # met here: she may tick
    assert row.context["more_people"] == 0
    with app.app_context():
        text, html = render_bodies(row)
    for body in (text, html):
        assert body.count("Grace") == 1
    assert "PEOPLE YOU MET" in text and "PEOPLE YOU MAY WANT TO MEET" in text


def test_make_run_starts_the_jobs_loop_whose_one_pass_follows_up_the_demo(app) -> None:
    recipe = MAKEFILE.read_text()
    run_target = recipe.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    started = re.search(r"\$\(FLASK\) meetup (run-jobs[^&]*)&", run_target)
    assert started, "make run starts the periodic jobs beside the web server"
    arguments = [*started.group(1).split(), "--once"]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["meetup", "seed-demo"]).exit_code == 0
    result = runner.invoke(args=["meetup", *arguments])
    assert result.exit_code == 0, result.output
    assert "follow-up(s) queued" in result.output
    assert "Suggestions:" in result.output and "reminder(s) queued" in result.output
    with app.app_context():
        queued = db.session.scalar(
            select(func.count()).select_from(OutboxMessage)
            .where(OutboxMessage.template.like("followup%"))
        )  # fmt: skip
    assert queued >= 4  # the climate data hack's people


def test_one_failing_job_does_not_stop_the_others(app, monkeypatch) -> None:
    from meetup.services.hosting import announcements

    def broken(**_):
        raise RuntimeError("the reminders are broken")

    monkeypatch.setattr(announcements, "send_reminders", broken)
    result = app.test_cli_runner().invoke(args=["meetup", "run-jobs", "--once"])
    assert result.exit_code == 0
    assert "Follow-ups: nothing due." in result.output  # the later jobs still ran
