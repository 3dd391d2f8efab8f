"""What the editor can edit: each table's fields, how they are checked, and who may change them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.types import INTENTS, RULE_CUES

LANG_CHOICES = (("en", "English"), ("es", "Spanish"))
EXAMPLE_INTENTS = tuple((i, i) for i in INTENTS if i not in ("opt_out", "opt_in"))
RULE_LABELS = EXAMPLE_INTENTS + tuple((c, f"{c} (a cue, not an intent)") for c in RULE_CUES)
ABOUT_CHOICES = (
    ("self", "the writer's own situation"),
    ("other", "someone else's situation"),
    ("general", "a question or request, no situation"),
)


@dataclass(frozen=True)
class Field:
    """One column as a form field.

    kind: text | textarea | phone | extension (a phone's, in digits) | url | choice | ref |
    lines (a JSON list, one item a line) | origins (lines of web origins) | exit (quick-exit
    URL or path) | number | colour (#rrggbb, stored as the JSON {"accent": ...} the widget reads) |
    flag (0/1) | sms (a template or answer, budget-checked).
    """

    name: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    ref: str = ""  # the table a ref field points to
    spanish_of: str = ""  # holds the Spanish of this field: flagged when empty
    sms: str = ""  # "template" or "answer" for kind sms
    lang: str = "en"
    low: float | None = None
    high: float | None = None
    help: str = ""


@dataclass(frozen=True)
class Entity:
    """One editable table."""

    table: str
    title: str  # plural, for headings
    noun: str  # singular, for buttons
    label: str  # the column that names a row
    fields: tuple[Field, ...]
    group: str = "Directory"
    role: str = "editor"  # the role needed to change it (everyone signed in can look)
    key: str = "id"
    key_kind: str = "slug"  # slug: staff choose it | uuid: made up | int: SQLite's rowid
    parent: str = ""  # the ref field that ties a row to the entry it belongs to
    fixed: tuple[tuple[str, object], ...] = ()  # columns set on create, not shown

    def field(self, name: str) -> Field | None:
        """The field called name, if there is one."""
        return next((f for f in self.fields if f.name == name), None)


def _service(label: str = "Service") -> Field:
    return Field("service_id", label, "ref", required=True, ref="service")


ENTITIES: dict[str, Entity] = {
    e.table: e
    for e in (
        Entity(
            "organization",
            "Organisations",
            "organisation",
            "name",
            (
                Field("name", "Name", required=True),
                Field("description", "Description", "textarea"),
                Field("url", "Website", "url"),
            ),
        ),
        Entity(
            "service",
            "Services",
            "service",
            "name",
            (
                Field("organization_id", "Organisation", "ref", required=True, ref="organization"),
                Field("name", "Name", required=True),
                Field(
                    "kind",
                    "Kind",
                    "choice",
                    required=True,
                    choices=tuple((k, k) for k in ("directory", "program", "hotline", "emergency")),
                ),
                Field("description", "Summary (English)", "textarea", required=True),
                Field("description_es", "Summary (Spanish)", "textarea", spanish_of="description"),
                Field("url", "Website", "url"),
                Field(
                    "status",
                    "Status",
                    "choice",
                    required=True,
                    choices=(("active", "active: the bot refers to it"), ("inactive", "inactive")),
                ),
            ),
        ),
        Entity(
            "phone",
            "Phones",
            "phone",
            "number",
            (
                _service(),
                Field(
                    "number",
                    "Number",
                    "phone",
                    required=True,
                    help="With its area code, e.g. 203-555-0123; or a short code such as 233733.",
                ),
                Field(
                    "extension",
                    "Extension",
                    "extension",
                    help="Digits only, e.g. 12. Writing the number as 203-555-0123 ext. 12 "
                    "fills it in.",
                ),
                Field("type", "Type", "choice", choices=(("voice", "call"), ("sms", "text"))),
                Field("description", "Label", help="e.g. hotline, office"),
            ),
            key_kind="uuid",
            parent="service_id",
        ),
        Entity(
            "location",
            "Locations",
            "location",
            "name",
            (
                Field("organization_id", "Organisation", "ref", required=True, ref="organization"),
                Field("name", "Name", required=True),
                Field(
                    "location_type",
                    "Type",
                    "choice",
                    choices=(("physical", "physical"), ("virtual", "virtual")),
                ),
                Field(
                    "confidential", "Confidential (never named in replies)", "flag", help="Shelters"
                ),
                Field("latitude", "Latitude", "number", low=-90, high=90),
                Field("longitude", "Longitude", "number", low=-180, high=180),
            ),
            key_kind="uuid",
            parent="organization_id",
        ),
        Entity(
            "address",
            "Addresses",
            "address",
            "city",
            (
                Field("location_id", "Location", "ref", required=True, ref="location"),
                Field("city", "Town or city"),
                Field("state_province", "State", help="Two letters, e.g. CT"),
                Field("country", "Country", help="Two letters, e.g. US"),
            ),
            key_kind="uuid",
            parent="location_id",
        ),
        Entity(
            "service_at_location",
            "Service locations",
            "service location",
            "location_id",
            (_service(), Field("location_id", "Location", "ref", required=True, ref="location")),
            key_kind="uuid",
            parent="service_id",
        ),
        Entity(
            "service_area",
            "Service areas",
            "service area",
            "scope",
            (
                _service(),
                Field(
                    "scope",
                    "Covers",
                    "choice",
                    required=True,
                    choices=tuple((s, s) for s in ("national", "state", "county", "city")),
                ),
                Field("name", "Name"),
                Field("state", "State", help="Two letters, e.g. CT"),
                Field("extent", "Counties or towns", "lines", help="One a line"),
            ),
            key_kind="uuid",
            parent="service_id",
        ),
        Entity(
            "schedule",
            "Hours",
            "hours",
            "description",
            (_service(), Field("description", "Hours", required=True, help="e.g. 24/7")),
            key_kind="uuid",
            parent="service_id",
        ),
        Entity(
            "language",
            "Languages",
            "language",
            "code",
            (_service(), Field("code", "Language code", required=True, help="e.g. en, es")),
            key_kind="uuid",
            parent="service_id",
        ),
        Entity(
            "attribute",
            "Service categories",
            "category link",
            "taxonomy_term_id",
            (
                Field("link_id", "Service", "ref", required=True, ref="service"),
                Field("taxonomy_term_id", "Category", "ref", required=True, ref="taxonomy_term"),
            ),
            key_kind="uuid",
            parent="link_id",
            fixed=(("link_type", "service"),),
        ),
        Entity(
            "taxonomy_term",
            "Categories",
            "category",
            "name",
            (
                Field("name", "Name (English)", required=True),
                Field("name_es", "Name (Spanish)", spanish_of="name"),
                Field("words_en", "Words people use (English)", "lines", help="One a line"),
                Field("words_es", "Words people use (Spanish)", "lines", spanish_of="words_en"),
            ),
            group="Bot",
        ),
        Entity(
            "rule",
            "Rules",
            "rule",
            "phrase",
            (
                Field(
                    "intent",
                    "Intent",
                    "choice",
                    required=True,
                    # STOP and START are literal keywords, never rules (safety rule 5).
                    choices=RULE_LABELS,
                ),
                Field("lang", "Language", "choice", required=True, choices=LANG_CHOICES),
                Field(
                    "phrase",
                    "Phrase",
                    required=True,
                    help="Matched word by word with typos tolerated; * matches any ending.",
                ),
                Field("weight", "Weight", "number", required=True, low=0.1, high=3),
            ),
            group="Bot",
            key_kind="int",
        ),
        Entity(
            "faq",
            "Answers",
            "answer",
            "topic",
            (
                Field("topic", "Topic", required=True),
                Field("phrases_en", "Questions it answers (English)", "lines", help="One a line"),
                Field("phrases_es", "Questions it answers (Spanish)", "lines"),
                Field("answer_en", "Answer (English)", "sms", required=True, sms="answer"),
                Field(
                    "answer_es",
                    "Answer (Spanish)",
                    "sms",
                    sms="answer",
                    lang="es",
                    spanish_of="answer_en",
                ),
            ),
            group="Bot",
        ),
        Entity(
            "reply_template",
            "Templates",
            "template",
            "key",
            (
                Field("text_en", "Text (English)", "sms", required=True, sms="template"),
                Field(
                    "text_es",
                    "Text (Spanish)",
                    "sms",
                    sms="template",
                    lang="es",
                    spanish_of="text_en",
                ),
            ),
            group="Bot",
            key="key",
        ),
        Entity(
            "example",
            "Examples",
            "example",
            "text",
            (
                Field(
                    "text",
                    "Message",
                    "textarea",
                    required=True,
                    help="Written by staff as someone might send it; never a real person's "
                    "message.",
                ),
                Field("lang", "Language", "choice", required=True, choices=LANG_CHOICES),
                Field("intent", "Intent", "choice", required=True, choices=EXAMPLE_INTENTS),
                Field("danger_now", "Danger now (911 first)", "flag"),
                Field("minor", "A minor is involved (Careline)", "flag"),
                Field("about", "About", "choice", required=True, choices=ABOUT_CHOICES),
                Field(
                    "group_name",
                    "Group",
                    help="The voice or scenario, e.g. farmworker-self; cross-validation holds "
                    "whole groups out.",
                ),
            ),
            group="Bot",
            key_kind="int",
        ),
        Entity(
            "partner",
            "Partners",
            "partner",
            "name",
            (
                Field("name", "Name", required=True),
                Field(
                    "origins",
                    "Allowed origins",
                    "origins",
                    help="Sites that may show the widget, one a line, e.g. https://partner.org",
                ),
                Field(
                    "greeting",
                    "Greeting",
                    "textarea",
                    help='Plain text for both languages, or {"en": "...", "es": "..."}.',
                ),
                Field("default_lang", "Default language", "choice", choices=LANG_CHOICES),
                Field(
                    "colors",
                    "Accent colour",
                    "colour",
                    help="e.g. #1d4f91; one white text cannot be read on is replaced.",
                ),
                Field("exit_url", "Quick-exit address", "exit"),
                Field("enabled", "Enabled", "flag"),
            ),
            group="Partners",
            role="admin",
            key="key",
        ),
    )
}


def children(table: str) -> list[Entity]:
    """The entities whose rows belong to a row of table (a service's phones, ...)."""
    return [
        e for e in ENTITIES.values() if e.parent and (f := e.field(e.parent)) and f.ref == table
    ]
