"""A small, realistic world for trying the platform (`flask meetup seed-demo`).

It grows with each feature, so every page has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, exists, select

from meetup import demo_series
from meetup.extensions import db
from meetup.lib.markdown import render_markdown
from meetup.lib.text import fold_for_search, normalize_tag
from meetup.models import (
    Community,
    CommunityAdmin,
    CommunityAnswer,
    CommunityEvent,
    CommunityMail,
    CommunityMember,
    CommunityQuestion,
    CommunityTopic,
    ConnectionRequest,
    Event,
    EventHost,
    HostRole,
    MembershipState,
    OutboxMessage,
    ProfileVisibility,
    Rsvp,
    User,
)
from meetup.models.types import utcnow
from meetup.services.accounts.credentials import register_user
from meetup.services.accounts.privacy_settings import update_privacy
from meetup.services.accounts.profiles import update_profile
from meetup.services.connections import asking, ticks
from meetup.services.events import questions
from meetup.services.events.event_details import details_from
from meetup.services.hosting import hosts, lifecycle
from meetup.services.outcomes import feedback
from meetup.services.rsvps import replying
from meetup.services.suggestions.builds import build_due

DEMO_PASSWORD = "networking-demo"
DEMO_LOGIN_EMAIL = "ada@example.org"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    headline: str
    company: str
    bio: str
    interests: list[str]
    offers: list[str]
    seeks: list[str]
    timezone: str
    links: list[str] = field(default_factory=list)
    visibility: ProfileVisibility = ProfileVisibility.MEMBERS
    listed: bool = True


PEOPLE = [
    DemoPerson(
        "ada@example.org", "Ada Okafor", "Engineering manager, payments", "Lumen Pay",
        "I run a platform team of twelve and host the monthly Lagos–London engineering "
        "leadership breakfast. Happy to talk about first-time management.",
        ["engineering management", "payments", "python", "mentoring"],
        ["mentoring", "hiring", "advice"], ["collaboration"], "Europe/London",
        ["https://example.org/ada"], ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "ben@example.org", "Ben Lindqvist", "Data engineer", "Nordlys Energy",
        "Pipelines for wind farm telemetry. Looking for my next role in climate tech.",
        ["data engineering", "climate tech", "python", "rust"],
        ["advice"], ["new_job", "mentoring"], "Europe/Stockholm",
    ),
    DemoPerson(
        "chloe@example.org", "Chloé Martin", "Product designer", "Atelier Nuage",
        "Design systems and accessibility. I organise Paris UX Nights.",
        ["product design", "accessibility", "design systems"],
        ["mentoring", "collaboration"], ["hiring"], "Europe/Paris",
        ["https://example.org/chloe", "https://example.org/paris-ux-nights"],
        ProfileVisibility.PUBLIC,
    ),
    DemoPerson(
        "dev@example.org", "Devika Rao", "Founder, early-stage health startup", "Pulsewise",
        "Building remote cardiac monitoring. Raising a seed round.",
        ["health tech", "machine learning", "fundraising"],
        ["collaboration"], ["investing", "hiring", "advice"], "Asia/Kolkata",
    ),
    DemoPerson(
        "emil@example.org", "Emil Novak", "Angel investor", "",
        "Former CTO, now investing in developer tools and climate software.",
        ["developer tools", "climate tech", "fundraising"],
        ["investing", "advice"], [], "Europe/Prague", listed=False,
    ),
    DemoPerson(
        "fatima@example.org", "Fatima Haddad", "Junior backend developer", "Souk Systems",
        "Two years into my career, keen to learn from people who have led teams.",
        ["python", "distributed systems", "career growth"],
        [], ["mentoring", "new_job"], "America/New_York",
        visibility=ProfileVisibility.PRIVATE,
    ),
    DemoPerson(
        "grace@example.org", "Grace Kim", "Staff engineer, grid software", "Voltgrid",
        "Forecasting and balancing software for the grid. Always up for building something "
        "together with people from payments or health.",
        ["climate tech", "distributed systems", "python", "payments"],
        ["collaboration"], ["advice"], "Europe/Berlin",
    ),
    DemoPerson(
        "hugo@example.org", "Hugo Silva", "Backend developer", "Tessera Bank",
        "Five years of payments backends; looking for a team that ships for the climate.",
        ["payments", "climate tech", "rust"],
        [], ["new_job", "mentoring"], "Europe/Lisbon", visibility=ProfileVisibility.PUBLIC,
    ),
]  # fmt: skip


@dataclass(frozen=True)
class DemoEvent:
    title: str
    host: str  # email of the creator
    days_from_now: int  # negative: in the past
    local_start: str  # "HH:MM" wall time in `timezone`
    hours: float
    timezone: str
    description: str
    topics: list[str]
    venue_name: str = ""
    venue_address: str = ""
    online_url: str = ""
    capacity: int | None = None
    cohosts: list[str] = field(default_factory=list)
    is_approval_required: bool = False
    cancelled: str | None = None  # the cancellation message
    visibility: str = "public"  # or "unlisted"
    guest_limit: int = 0
    # (label, kind, required, choices): asked of everyone going
    questions: list[tuple[str, str, bool, list[str]]] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # emails, in the order they reply
    directory_visibility: str = "attendees"  # who sees who's coming: everyone, attendees, hosts
    hidden: list[str] = field(default_factory=list)  # replied, but not in this directory
    no_shows: list[str] = field(default_factory=list)  # went for a past event, never came


EVENTS = [
    DemoEvent(
        "Engineering leadership breakfast", "ada@example.org", 6, "08:00", 2, "Europe/London",
        "A monthly breakfast for **engineering managers** and tech leads.\n\n"
        "- 08:00 coffee and introductions\n- 08:30 round tables: hiring, 1:1s, on-call\n"
        "- 09:45 wrap-up\n\nFirst-time managers very welcome.",
        ["engineering management", "leadership", "hiring"],
        venue_name="The Library, Shoreditch", venue_address="12 Curtain Road, London EC2A 3NH",
        capacity=30, cohosts=["chloe@example.org"], guest_limit=1,
        replies=["ben@example.org", "fatima@example.org", "dev@example.org"],
    ),
    DemoEvent(
        "Climate tech careers night", "ben@example.org", 10, "18:30", 3, "Europe/Stockholm",
        "Meet teams hiring for **energy, grid and carbon** work. Lightning talks, then "
        "open networking. Bring your questions about switching into climate.",
        ["climate tech", "careers", "data engineering"],
        venue_name="Norrsken House", venue_address="Birger Jarlsgatan 57C, Stockholm",
        capacity=120, directory_visibility="everyone", hidden=["fatima@example.org"],
        replies=["ada@example.org", "dev@example.org", "fatima@example.org", "emil@example.org",
                 "grace@example.org", "hugo@example.org"],
    ),
    DemoEvent(
        "Founders & angels: office hours", "emil@example.org", 9, "17:00", 2, "Europe/Prague",
        "Fifteen-minute slots with angel investors. **Approval required**: tell us what "
        "you are building in the reply.",
        ["fundraising", "startups", "investing"],
        venue_name="Impact Hub Praha", venue_address="Drtinova 10, Prague",
        capacity=12, is_approval_required=True,
        questions=[("What are you building?", "long_text", True, [])],
        replies=["dev@example.org", "ada@example.org", "ben@example.org"],  # all pending
    ),
    DemoEvent(
        "Remote mentoring circle (online)", "ada@example.org", 4, "12:00", 1, "UTC",
        "An hour of small-group mentoring on video. Pick a topic when you reply.",
        ["mentoring", "career growth"],
        online_url="https://meet.example.org/mentoring-circle", capacity=25,
        questions=[
            ("Which topic would you like?", "choice", True,
             ["Career growth", "First-time management", "Interviewing"]),
            ("Anything the mentors should know?", "short_text", False, []),
        ],
        replies=["fatima@example.org", "ben@example.org", "chloe@example.org"],
        directory_visibility="hosts",
    ),
    DemoEvent(
        "Health tech builders Bangalore", "dev@example.org", 18, "18:00", 3, "Asia/Kolkata",
        "Founders, clinicians and engineers working on **digital health**.",
        ["health tech", "machine learning", "startups"],
        venue_name="91springboard Koramangala", venue_address="Koramangala 7th Block, Bengaluru",
        capacity=80,
    ),
    DemoEvent(
        "New York Python & data meetup", "fatima@example.org", 21, "18:30", 2.5,
        "America/New_York",
        "Talks on **Python** in production and data pipelines. Pizza provided.",
        ["python", "data engineering", "distributed systems"],
        venue_name="Civic Hall", venue_address="124 E 14th St, New York, NY",
        online_url="https://meet.example.org/nyc-python", capacity=150, guest_limit=2,
        replies=["ada@example.org", "ben@example.org"],
    ),
    DemoEvent(
        "Tokyo developer tools night", "emil@example.org", 25, "19:00", 2, "Asia/Tokyo",
        "Demos of developer tools built in Japan, in English and Japanese.",
        ["developer tools", "open source"],
        venue_name="Shibuya Stream Hall", venue_address="3-21-3 Shibuya, Tokyo",
    ),
    DemoEvent(
        "Women in data: coffee & careers", "chloe@example.org", 12, "10:00", 2,
        "America/Sao_Paulo",
        "A relaxed morning for women working with data. Unlisted: share the link.",
        ["careers", "data engineering"],
        venue_name="Cubo Itaú", venue_address="Alameda Vicente Pinzon 54, São Paulo",
        visibility="unlisted",
    ),
    DemoEvent(
        "Lagos product managers mixer", "ada@example.org", 16, "18:00", 3, "Africa/Lagos",
        "Cancelled, sorry.",
        ["product management"],
        venue_name="Co-Creation Hub", venue_address="294 Herbert Macaulay Way, Yaba, Lagos",
        cancelled="Our venue is closed for repairs. We will announce a new date soon.",
        replies=["ben@example.org", "chloe@example.org"],
    ),
    DemoEvent(
        "Engineering leadership breakfast (October)", "ada@example.org", -35, "08:00", 2,
        "Europe/London",
        "Last month's edition: delegation and promotions.",
        ["engineering management", "leadership"],
        venue_name="The Library, Shoreditch", venue_address="12 Curtain Road, London EC2A 3NH",
        capacity=30, directory_visibility="everyone",
        replies=["ben@example.org", "chloe@example.org", "fatima@example.org",
                 "emil@example.org", "grace@example.org", "hugo@example.org"],
    ),
    DemoEvent(
        "Climate data hack evening", "ben@example.org", -3, "17:30", 4, "Europe/Stockholm",
        "An evening of open climate data projects. Follow-ups coming!",
        ["climate tech", "python", "open source"],
        venue_name="Norrsken House", venue_address="Birger Jarlsgatan 57C, Stockholm",
        online_url="https://meet.example.org/climate-hack", cohosts=["dev@example.org"],
        replies=["ada@example.org", "chloe@example.org", "fatima@example.org", "emil@example.org"],
        directory_visibility="everyone",
    ),
]  # fmt: skip


def _seed_event(demo: DemoEvent, people: dict[str, User], now: datetime) -> Event:
    """Create the event through the services, as a host would; past events are
    created in the future and then moved back, since that is their history."""
    zone = ZoneInfo(demo.timezone)
    hour, minute = map(int, demo.local_start.split(":"))
    day = (now + timedelta(days=abs(demo.days_from_now))).astimezone(zone)
    start = day.replace(hour=hour, minute=minute, second=0, microsecond=0, tzinfo=None)
    creator = people[demo.host]
    # The demo's fields are named as EventDetails' are: nothing to copy by hand.
    details = details_from(demo, starts_local=start, ends_local=start + timedelta(hours=demo.hours))
    event = lifecycle.create_event(creator, details, now=now).event
    for email in demo.cohosts:  # invited, and accepted
        token = hosts.invite_cohost(creator, event, email=email, now=now)
        hosts.accept_host_invitation(people[email], token, now=now)
    for label, kind, required, choices in demo.questions:
        questions.add_question(
            creator, event, questions.QuestionDraft(label, kind, required, choices)
        )
    lifecycle.publish_event(creator, event, now=now)
    for email in demo.replies:
        person = people[email]
        answers = {
            str(question.id): question.choices[0] if question.choices else _answer(person)
            for question in event.questions
        }
        guests = 1 if demo.guest_limit and len(person.display_name) % 2 else 0
        choice = "hidden" if email in demo.hidden else None
        replying.respond(person, event, replying.Reply(True, guests, answers, choice), now=now)
    if demo.cancelled:
        lifecycle.cancel_event(creator, event, message=demo.cancelled, now=now)
    if demo.days_from_now < 0:
        # Moved back by whole days at the same wall time (a summer edition
        # is not an hour late for having been created in winter).
        length = event.ends_at - event.starts_at
        moved = start - timedelta(days=2 * abs(demo.days_from_now))
        event.starts_at = moved.replace(tzinfo=zone).astimezone(UTC)
        event.ends_at = event.starts_at + length
        missed = {people[email].id for email in demo.no_shows}
        for rsvp in db.session.scalars(select(Rsvp).where(Rsvp.event_id == event.id)):
            if rsvp.user_id not in missed:
                rsvp.checked_in_at = event.starts_at + timedelta(minutes=10)  # they came
    return event


# Who asks whom, with a note; both asking is a connection. The demo login
# (Ada) has connections, a request waiting for her answer and one of her own.
CONNECTIONS = [
    ("ben@example.org", "chloe@example.org", "Would love your eyes on our dashboard design."),
    ("chloe@example.org", "ben@example.org", ""),
    ("fatima@example.org", "ada@example.org", "Thank you for the advice on my first promotion!"),
    ("emil@example.org", "ada@example.org", "I invest in payments infrastructure: coffee?"),
    ("ada@example.org", "ben@example.org", "Happy to talk about your next role."),
    ("dev@example.org", "grace@example.org", "Your research ops questions were spot on."),
    ("hugo@example.org", "ben@example.org", "Let's keep talking about data jobs."),
]
# Requests the addressee accepted.
ACCEPTED = [
    ("fatima@example.org", "ada@example.org"),
    ("dev@example.org", "grace@example.org"),
    ("hugo@example.org", "ben@example.org"),
]
# One-sided "stay in touch" ticks (ticker, person, event): Chloé would like to
# stay in touch with Ada after the climate hack; if Ada ticks her back on that
# event's "Who's coming", they are connected at once.
TICKS = [("chloe@example.org", "ada@example.org", "Climate data hack evening")]


def _seed_connections(people: dict[str, User], events_by_title: dict, now: datetime) -> None:
    for asker, person, note in CONNECTIONS:
        asking.ask_to_connect(people[asker], people[person].id, note=note, now=now)
    for asker, person in ACCEPTED:
        request = db.session.scalar(
            select(ConnectionRequest).where(
                ConnectionRequest.requester_id == people[asker].id,
                ConnectionRequest.addressee_id == people[person].id,
            )
        )
        asking.accept_request(people[person], request.id, now=now)
    for ticker, person, title in TICKS:
        ticks.tick(people[ticker], events_by_title[title], people[person].id, now=now)


# Feedback (email, rating, would come again, comment, signed), given the day
# after each event. The climate hack's report shows the signed answer; its
# three anonymous ones stay out of it (fewer than five, and feedback is still
# open). October's breakfast closed its feedback with five anonymous answers
# from guests: its report shows them, as one batch.
FEEDBACK = {
    "Climate data hack evening": [
        ("ada@example.org", 5, True, "Great mix of data people and climate founders.", True),
        ("chloe@example.org", 4, True, "More time for the demos next time, please.", False),
        ("fatima@example.org", 5, True, "", False),
        ("emil@example.org", 3, False, "The room was too loud for conversations.", False),
    ],
    "Engineering leadership breakfast (October)": [
        ("ben@example.org", 5, True, "Honest talk about promotions, thank you.", True),
        ("chloe@example.org", 4, True, "Good pace; the tables mixed people well.", False),
        ("fatima@example.org", 5, True, "I left with two mentors to follow up.", False),
        ("emil@example.org", 3, True, "", False),
        ("grace@example.org", 4, True, "More time for questions, please.", False),
        ("hugo@example.org", 4, False, "", False),
    ],
    # Closed, with five anonymous answers from guests: released as one batch.
    "Paris UX Nights: inclusive forms": [
        ("ada@example.org", 5, True, "The autocomplete talk changed how we build checkout.", True),
        ("ben@example.org", 4, True, "", False),
        ("dev@example.org", 4, True, "Useful for our patient intake forms.", False),
        ("grace@example.org", 5, True, "", False),
        ("hugo@example.org", 3, True, "Too crowded near the bar.", False),
        ("fatima@example.org", 4, False, "", False),
    ],
    # Closed with two anonymous answers: withheld, to keep them anonymous.
    "Paris UX Nights: design tokens in practice": [
        ("grace@example.org", 4, True, "Clear examples from real teams.", True),
        ("dev@example.org", 3, True, "", False),
        ("fatima@example.org", 5, True, "", False),
    ],
    # Still open: the signed answer alone.
    "Paris UX Nights: research ops": [
        ("ben@example.org", 5, True, "Best edition so far.", True),
        ("hugo@example.org", 4, True, "", False),
    ],
}
# The upcoming breakfast is the next edition of last month's (as if copied);
# Paris UX Nights is a series (demo_series), whose editions follow each other.
SERIES = [
    ("Engineering leadership breakfast", "Engineering leadership breakfast (October)"),
]


def _seed_outcomes(people: dict[str, User], events_by_title: dict, now: datetime) -> None:
    for title, answers in FEEDBACK.items():
        event = events_by_title[title]
        answered_at = min(now, event.ends_at + timedelta(days=1))
        for email, rating, again, comment, signed in answers:
            answer = feedback.Answer(rating, again, comment, signed)
            feedback.give_feedback(people[email], event, answer, now=answered_at)
    for edition, previous in SERIES:
        events_by_title[edition].previous_edition_id = events_by_title[previous].id


@dataclass(frozen=True)
class DemoCommunity:
    slug: str
    name: str
    city: str
    description: str
    topics: list[str]
    admins: list[str]  # emails; admins are members too, each hearing of each event
    members: dict[str, CommunityMail]  # email: their mail choice
    events: list[str]  # titles of the demo events it holds
    is_approval_required: bool = False
    questions: list[str] = field(default_factory=list)
    pending: dict[str, list[str]] = field(default_factory=dict)  # email: their answers


# Ada is a member of Paris UX Nights (Chloé's) and an admin of Climate tech
# Stockholm with Ben, where Hugo's request to join waits for their answer.
COMMUNITIES = [
    DemoCommunity(
        "paris-ux-nights", "Paris UX Nights", "Paris",
        "A monthly evening for **designers, researchers and front-end developers** in "
        "Paris: two short talks, then drinks. Talks in English or French.",
        ["product design", "accessibility", "design systems"],
        admins=["chloe@example.org"],
        members={"ada@example.org": CommunityMail.EACH_EVENT,
                 "ben@example.org": CommunityMail.WEEKLY_DIGEST,
                 "dev@example.org": CommunityMail.EACH_EVENT,
                 "grace@example.org": CommunityMail.WEEKLY_DIGEST,
                 "fatima@example.org": CommunityMail.NOTHING},
        events=[],  # its series' occurrences (demo_series), put in it as they are made
    ),
    DemoCommunity(
        "climate-tech-stockholm", "Climate tech Stockholm", "Stockholm",
        "People building software for **energy, grids and carbon** in Stockholm: "
        "careers nights, hack evenings and honest talk about what works.",
        ["climate tech", "data engineering", "energy"],
        admins=["ada@example.org", "ben@example.org"],
        members={"grace@example.org": CommunityMail.EACH_EVENT,
                 "emil@example.org": CommunityMail.NOTHING,
                 "dev@example.org": CommunityMail.WEEKLY_DIGEST},
        events=["Climate tech careers night", "Climate data hack evening"],
        is_approval_required=True,
        questions=["What do you work on, or want to work on, in climate tech?"],
        pending={"hugo@example.org": [
            "Payments backends for five years; I want to move into grid software."
        ]},
    ),
]  # fmt: skip


def _seed_communities(people: dict[str, User], events_by_title: dict, now: datetime) -> None:
    """The communities as rows (as their admins would have made them, months
    ago): admins, members with their mail choices, a pending request with its
    answer, and their events, which every admin hosts."""
    since = now - timedelta(days=120)
    for demo in COMMUNITIES:
        community = Community(
            slug=demo.slug, name=demo.name, city=demo.city, description=demo.description,
            description_html=render_markdown(demo.description),
            is_approval_required=demo.is_approval_required, created_at=since,
            search_text=fold_for_search(" ".join([demo.name, demo.description, *demo.topics,
                                                  demo.city])),
            topics=[CommunityTopic(name=normalize_tag(topic)) for topic in demo.topics],
            questions=[CommunityQuestion(position=n, text=text)
                       for n, text in enumerate(demo.questions)],
        )  # fmt: skip
        db.session.add(community)
        db.session.flush()
        for email in demo.admins:
            db.session.add(CommunityAdmin(community=community, user=people[email], added_at=since))
        mail = dict.fromkeys(demo.admins, CommunityMail.EACH_EVENT) | demo.members
        for email, choice in mail.items():
            db.session.add(CommunityMember(
                community=community, user=people[email], state=MembershipState.MEMBER,
                mail=choice, requested_at=since, joined_at=since,
            ))  # fmt: skip
        for email, answers in demo.pending.items():
            asked = now - timedelta(days=2)
            db.session.add(CommunityMember(
                community=community, user=people[email], state=MembershipState.PENDING,
                requested_at=asked,
            ))  # fmt: skip
            for question, text in zip(community.questions, answers, strict=True):
                db.session.add(CommunityAnswer(question=question, user_id=people[email].id,
                                               text=text))  # fmt: skip
        for title in demo.events:
            event = events_by_title[title]
            # Announced long ago: the demo's events are history, not news.
            db.session.add(CommunityEvent(event=event, community=community,
                                          added_at=event.created_at, announced_at=now))  # fmt: skip
            hosting = {host.user_id for host in event.hosts}
            for email in demo.admins:
                if people[email].id not in hosting:
                    event.hosts.append(EventHost(user=people[email], role=HostRole.COHOST))
    db.session.flush()


def _answer(person: User) -> str:
    return f"{person.headline} at {person.company}" if person.company else person.headline


def seed_demo(*, keep_mail: bool = False) -> bool:
    """Add the demo world to an empty database; return False if it has data.

    keep_mail keeps the mail its story queued (unsent), for the browser test
    that follows the links in it."""
    if db.session.scalar(select(exists().where(User.id.is_not(None)))):
        return False
    people: dict[str, User] = {}
    for person in PEOPLE:
        user = register_user(email=person.email, display_name=person.name, password=DEMO_PASSWORD)
        user.email_verified_at = utcnow()
        update_profile(
            user,
            display_name=person.name,
            headline=person.headline,
            company=person.company,
            bio=person.bio,
            interests=person.interests,
            links=person.links,
            offers=person.offers,
            seeks=person.seeks,
            timezone=person.timezone,
        )
        people[person.email] = user
        update_privacy(
            user,
            profile_visibility=person.visibility,
            is_listed_in_directories=person.listed,
            is_email_shared_with_connections=person.listed,
            is_followup_email_wanted=True,
        )
    now = utcnow()
    events_by_title = {demo.title: _seed_event(demo, people, now) for demo in EVENTS}
    _seed_communities(people, events_by_title, now)
    events_by_title |= demo_series.seed_paris_ux_nights(people, now)
    _seed_connections(people, events_by_title, now)
    _seed_outcomes(people, events_by_title, now)
    # Scored now, as the periodic job would, so that `make run` shows "People
    # you should meet" at once (Ada: the climate tech careers night).
    build_due(now=now)
    # The demo's replies are history, not news: nobody is emailed about them.
    if not keep_mail:
        db.session.execute(delete(OutboxMessage))
    return True
