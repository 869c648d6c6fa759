"""desk.toml → typed settings.

Every setting is declared once, here: its name, type, default and help. The commented
``desk.toml`` that ``foreigndesk init`` writes is generated from these declarations, and a
test checks that docs/configuration.md names each one, so the three never drift apart.
Secrets never live in the file: they come from the environment only.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from foreigndesk.codes import check_language, check_locale
from foreigndesk.errors import ConfigurationError
from foreigndesk.triage.rules import RuleAction, TriageRule

CONFIG_FILE = "desk.toml"
ENV_PREFIX = "FOREIGNDESK_"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SiteSettings(_Section):
    """The published blog."""

    title: str = Field("foreigndesk", description="The blog's name, shown on every page.")
    tagline: str = Field(
        "",
        description="One line under the blog's name; empty says, in the blog's language, "
        "that its articles come from abroad, translated with attribution.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8000/",
        description="Where the blog is served; used for absolute links in the Atom feed.",
    )
    output_dir: str = Field("public", description="Folder the static site is built into.")


class DeskSettings(_Section):
    """The desk itself: where state lives and what language it writes."""

    database_url: str = Field(
        "sqlite:///desk.db",
        description="SQLAlchemy URL of the store; a relative SQLite path is relative to "
        "desk.toml. Overridden by FOREIGNDESK_DATABASE_URL.",
    )
    target_lang: str = Field("ja", description="Language the desk translates into (ISO 639-1).")
    locale: str = Field(
        "ja_JP", description="Locale for dates and numbers on published pages (Babel/CLDR)."
    )

    @field_validator("target_lang")
    @classmethod
    def _a_language(cls, value: str) -> str:
        return check_language(value, "target_lang")

    @field_validator("locale")
    @classmethod
    def _a_locale(cls, value: str) -> str:
        return check_locale(value, "locale")

    auto_approve: bool = Field(
        False, description="Approve translated articles without an editor's review."
    )


class FetchSettings(_Section):
    """How the desk talks to other people's servers."""

    contact_url: str = Field(
        "https://github.com/foreigndesk/foreigndesk",
        description="Sent in the User-Agent so site owners can reach whoever runs this desk.",
    )
    timeout: float = Field(
        30.0, description="Seconds one whole fetch may take: connect, redirects and reading."
    )
    max_bytes: int = Field(
        10 * 1024 * 1024, description="Largest page or feed accepted, counted decoded."
    )
    max_wait: float = Field(
        60.0,
        ge=0,
        description="Longest a site's own request to wait (Retry-After) is waited out within "
        "a run, in seconds; a longer one leaves its pages to a later run.",
    )
    retry_base_seconds: float = Field(
        60.0,
        description="First wait before a failed article is tried again; it doubles, with "
        "jitter, up to a day.",
    )
    per_host: int = Field(2, description="Requests in flight to one host at once.")
    host_delay: float = Field(
        0.5,
        description="Seconds between the starts of two requests to one host (a robots.txt "
        "Crawl-delay raises it).",
    )
    concurrency: int = Field(64, description="Requests in flight at once, all hosts together.")
    allow_hosts: list[str] = Field(
        default_factory=list,
        description="Hosts or networks (CIDR) the SSRF guard lets through although they "
        "are private or local, e.g. ['intranet.example', '127.0.0.1'].",
    )
    resolve: dict[str, str] = Field(
        default_factory=dict,
        description="Host names the desk resolves itself, like curl's --resolve, for names "
        "the machine's DNS does not know (a staging site, an intranet seen from a worker "
        "elsewhere): {'staging.example' = '10.0.0.5', '*.test' = '127.0.0.1'}; '*.' matches "
        "every name under it. The SSRF guard still judges the address: a private one also "
        "needs allow_hosts.",
    )

    @field_validator("resolve")
    @classmethod
    def _host_to_address(cls, value: dict[str, str]) -> dict[str, str]:
        for host, address in value.items():
            name = host.removeprefix("*.")
            if not name or not re.fullmatch(r"[A-Za-z0-9_.-]+", name) or name.startswith("."):
                raise ValueError(
                    f"fetch.resolve: {host!r} is not a host name (write 'name.example' or"
                    " '*.example')"
                )
            try:
                ipaddress.ip_address(address)
            except ValueError:
                raise ValueError(
                    f"fetch.resolve: {address!r} for {host!r} is not an IP address (write"
                    " '10.0.0.5' or '::1')"
                ) from None
        return value

    pause_after: int = Field(
        5, description="A source that fails this many times in a row is paused."
    )
    poll_interval: int = Field(
        3600,
        description="Seconds between two checks of a source by `watch` and `run`, unless the feed "
        "asks for longer (ttl, sy:updatePeriod, Cache-Control).",
    )
    max_poll_interval: int = Field(
        86400, description="The longest `watch` waits before checking a quiet source again."
    )
    sitemap_depth: int = Field(
        3, description="How deep sitemap indexes are followed (an index of indexes is 2)."
    )


class ExtractSettings(_Section):
    """How articles are read from their pages and how copies of one story are found."""

    near_duplicate_threshold: float = Field(
        0.8,
        gt=0.0,
        le=1.0,
        description="Jaccard similarity of two articles' word shingles (MinHash LSH) from "
        "which the later one is a copy of the earlier (a syndicated story) and is marked "
        "duplicate; 1.0 finds only copies with the same wording.",
    )


class ApertiumSettings(_Section):
    """The apertium engine: local, offline, free."""

    command: str = Field("apertium", description="The apertium program to run.")
    timeout: float = Field(120.0, description="Seconds one apertium call may take.")
    modes_dir: str = Field(
        "/usr/share/apertium/modes", description="Where installed language pairs are found."
    )


class ArgosSettings(_Section):
    """Argos Translate (the ``argos`` extra): neural, offline, packages from local files."""

    packages_dir: str = Field(
        "",
        description="Folder of installed Argos packages; empty means Argos's own "
        "(ARGOS_PACKAGES_DIR, or ~/.local/share/argos-translate/packages).",
    )
    threads: int = Field(
        0, ge=0, description="CPU threads per translation; 0 lets CTranslate2 choose."
    )
    beam_size: int = Field(4, ge=1, description="Beam width; 1 is greedy decoding, faster.")


def _languages(description: str = "Languages this engine translates between (ISO 639-1).") -> Any:
    from foreigndesk.translate.languages import COMMON_LANGUAGES

    return Field(default_factory=lambda: list(COMMON_LANGUAGES), description=description)


class DeepLSettings(_Section):
    """DeepL API v2. The key comes from the environment variable named by key_env."""

    api_url: str = Field(
        "https://api-free.deepl.com",
        description="API base URL: https://api-free.deepl.com (Free) or "
        "https://api.deepl.com (Pro).",
    )
    key_env: str = Field("DEEPL_API_KEY", description="Environment variable holding the API key.")
    timeout: float = Field(60.0, description="Seconds one request may take.")
    concurrency: int = Field(4, description="Requests in flight at once.")


class GoogleSettings(_Section):
    """Google Cloud Translation v3 (translateText)."""

    api_url: str = Field("https://translation.googleapis.com", description="API base URL.")
    project: str = Field("", description="Google Cloud project id or number.")
    location: str = Field("global", description="Location; glossaries need a regional one.")
    glossary: str = Field(
        "",
        description="Full name of a glossary resource created in Google Cloud to apply "
        "natively; empty protects the desk's glossary terms instead.",
    )
    token_env: str = Field(
        "GOOGLE_CLOUD_ACCESS_TOKEN",
        description="Environment variable holding an OAuth access token "
        "(e.g. from `gcloud auth print-access-token`).",
    )
    timeout: float = Field(60.0, description="Seconds one request may take.")
    concurrency: int = Field(4, description="Requests in flight at once.")
    languages: list[str] = _languages()


class LibreTranslateSettings(_Section):
    """A LibreTranslate server."""

    api_url: str = Field("http://127.0.0.1:5000", description="The server's base URL.")
    key_env: str = Field(
        "LIBRETRANSLATE_API_KEY", description="Environment variable holding the API key, if any."
    )
    timeout: float = Field(120.0, description="Seconds one request may take.")
    concurrency: int = Field(2, description="Requests in flight at once.")
    languages: list[str] = _languages()


class OpenAISettings(_Section):
    """An OpenAI-compatible chat endpoint: llama.cpp server, Ollama, vLLM, OpenAI."""

    api_url: str = Field(
        "http://127.0.0.1:8080/v1", description="Base URL, up to and including /v1."
    )
    model: str = Field("default", description="Model name sent with each request.")
    key_env: str = Field(
        "OPENAI_API_KEY", description="Environment variable holding the API key, if any."
    )
    temperature: float = Field(0.0, description="Sampling temperature; 0 for stable output.")
    batch_segments: int = Field(
        12, description="Paragraphs per request: each request carries its neighbours as context."
    )
    timeout: float = Field(
        300.0,
        gt=0,
        description="Seconds one request may take, retries included: a model slower than "
        "this stops the engine for the run, and the fallback engines take over.",
    )
    concurrency: int = Field(2, description="Requests in flight at once.")
    languages: list[str] = _languages()
    free: bool = Field(
        False,
        description="The server costs nothing per token (llama.cpp, Ollama, vLLM on your "
        "own machine): translate.mode = auto then translates every article in full.",
    )
    max_tokens: int = Field(
        4096,
        ge=64,
        description="Most tokens one answer may take. Each request asks for what its "
        "paragraphs need (about three times their length, plus the answer's JSON), up to "
        "this; batches are sized so that their answer fits.",
    )
    structured: Literal["auto", "json_schema", "json_object", "off"] = Field(
        "auto",
        description="How the answer's shape is enforced: json_schema (OpenAI, vLLM, "
        "llama.cpp's llama-server, Ollama), json_object with a schema (llama-cpp-python's "
        "server), off (the prompt alone); auto tries them in that order and keeps the "
        "first the server accepts.",
    )
    style: Literal["", "です・ます", "である"] = Field(
        "",
        description="The register of Japanese translations: です・ます (polite) or である "
        "(plain, as newspapers write); empty leaves it to the model.",
    )


class TriageRuleSettings(_Section):
    """One triage rule: what to look for, and what to do with an article that has it."""

    action: Literal["pick", "include", "exclude"] = Field(
        description="pick: translate in full; exclude: dismiss; include: where include "
        "rules exist, an article that matches none is dismissed."
    )
    words: list[str] = Field(
        default_factory=list,
        description="Any of these words in the title or summary, in either language.",
    )
    pattern: str | None = Field(
        None, description="A regular expression searched in the title and summary."
    )
    authors: list[str] = Field(default_factory=list, description="Any of these authors.")
    tags: list[str] = Field(default_factory=list, description="Any of these tags.")
    min_chars: int | None = Field(None, ge=0, description="At least this long (characters).")
    max_chars: int | None = Field(None, ge=0, description="At most this long (characters).")
    source: str | None = Field(
        None, description="Only for the source with this URL; every source when unset."
    )

    @model_validator(mode="after")
    def _a_rule(self) -> TriageRuleSettings:
        self.rule(None, "this rule")  # raises ValueError with the fix
        return self

    def rule(self, source_id: int | None, label: str) -> TriageRule:
        return TriageRule(
            action=RuleAction(self.action),
            words=tuple(self.words),
            pattern=self.pattern,
            authors=tuple(self.authors),
            tags=tuple(self.tags),
            min_chars=self.min_chars,
            max_chars=self.max_chars,
            source_id=source_id,
            label=label,
        )


class TranslateSettings(_Section):
    """Which engines translate, in which order, within which budgets."""

    engine: str = Field("apertium", description="Name of the engine to translate with.")
    fallback: list[str] = Field(
        default_factory=list,
        description="Engines tried in order for text the first engine could not translate.",
    )
    budget: dict[str, int] = Field(
        default_factory=dict,
        description="Monthly budget per engine, in the units it bills (characters or "
        "tokens), e.g. { deepl = 500000 }; an engine over budget is not called.",
    )
    mode: Literal["auto", "full", "triage"] = Field(
        "auto",
        description="full: translate every article whole; triage: translate titles and "
        "summaries, and the full text of what is picked; auto: triage when the engine bills "
        "(DeepL, Google, a remote OpenAI-compatible API), full for local engines.",
    )
    triage_chars: int = Field(
        300,
        ge=40,
        description="Longest summary triage translates, in characters: the page's "
        "description, or its opening paragraphs.",
    )
    rules: list[TriageRuleSettings] = Field(
        default_factory=list,
        description="Triage rules for every source, e.g. [[translate.rules]] action = "
        '"pick", words = ["climate"]; the desk\'s sources page adds rules per source.',
    )
    apertium: ApertiumSettings = Field(default_factory=ApertiumSettings)
    argos: ArgosSettings = Field(default_factory=ArgosSettings)
    deepl: DeepLSettings = Field(default_factory=DeepLSettings)
    google: GoogleSettings = Field(default_factory=GoogleSettings)
    libretranslate: LibreTranslateSettings = Field(default_factory=LibreTranslateSettings)
    openai: OpenAISettings = Field(default_factory=OpenAISettings)


class PostSettings(_Section):
    """The shape of every published post."""

    title_template: str = Field(
        "{author}⚡️{title}",
        description="Post title; {author} is the first author, {title} the translated title, "
        "{original_title} the original's.",
    )

    @field_validator("title_template")
    @classmethod
    def _usable_template(cls, value: str) -> str:
        # Imported here: the publish package imports these settings.
        from foreigndesk.publish.titles import title_template_problem

        problem = title_template_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    byline_template: str = Field(
        "",
        description="Byline with {author} and {date}; empty picks the target language's "
        "usual form (ja: '{author}著:{date}').",
    )
    date_format: str = Field(
        "long",
        description="How the byline writes the date, in desk.locale: 'short', 'medium', "
        "'long' or 'full' (ja long: 2024年11月16日), or a CLDR pattern such as 'y/MM/dd'.",
    )
    lead: str = Field(
        "last_paragraph",
        description="Lead shown above the body until an editor picks one: "
        "'last_paragraph' (often the conclusion), 'first_paragraph' or 'none'.",
    )


class StaticSiteSettings(_Section):
    """How the static blog is built (the [site] section says what it is called and where)."""

    templates_dir: str = Field(
        "",
        description="Folder of your own templates; a file there overrides the default theme's "
        "template of the same name (post.html, base.html, style.css, ...).",
    )
    per_page: int = Field(20, ge=1, description="Posts per page on the index and archive pages.")
    feed_entries: int = Field(20, ge=1, description="Newest posts in the Atom feed, in full.")
    local_images: bool = Field(
        False,
        description="Copy each post's images into the site (images/) instead of linking "
        "the original's; a copy that cannot be had keeps the remote link.",
    )


class HugoSettings(_Section):
    """Markdown with front matter for Hugo or Jekyll."""

    output_dir: str = Field("hugo", description="Folder the Markdown export is written into.")
    section: str = Field(
        "posts", description="Subfolder for the posts: 'posts' for Hugo, '_posts' for Jekyll."
    )
    draft: bool = Field(False, description="Mark every exported post as a draft.")


class HatenaSettings(_Section):
    """Hatena Blog through its AtomPub API. The key comes from the variable named by key_env."""

    api_url: str = Field("https://blog.hatena.ne.jp", description="AtomPub API base URL.")
    hatena_id: str = Field("", description="Your Hatena ID (the blog owner's or a member's).")
    blog_id: str = Field("", description="The blog's ID, its domain: example.hatenablog.com.")
    key_env: str = Field(
        "HATENA_API_KEY",
        description="Environment variable holding the blog's API key (Settings → Advanced).",
    )
    auth: Literal["wsse", "basic"] = Field(
        "wsse", description="'wsse' (X-WSSE header) or 'basic' (https only), with the API key."
    )
    syntax: Literal["auto", "markdown", "hatena", "html"] = Field(
        "auto",
        description="The blog's editing syntax: 'markdown', 'hatena', 'html', or 'auto' to "
        "read it from an existing entry.",
    )
    draft: bool = Field(False, description="Post entries as drafts instead of publishing them.")
    categories: list[str] = Field(
        default_factory=list, description="Categories added to every entry, besides its tags."
    )
    timeout: float = Field(30.0, description="Seconds one request may take.")


class WordPressSettings(_Section):
    """WordPress through REST API v2, with an application password."""

    api_url: str = Field(
        "", description="The site's REST API root, e.g. https://example.com/wp-json."
    )
    username: str = Field("", description="The WordPress user the application password belongs to.")
    password_env: str = Field(
        "WORDPRESS_APP_PASSWORD",
        description="Environment variable holding the application password.",
    )
    status: Literal["publish", "draft", "pending", "private"] = Field(
        "publish",
        description="Status of new and updated posts: 'publish', 'draft', 'pending' or 'private'.",
    )
    categories: list[str] = Field(
        default_factory=list,
        description="Categories for every post, by name; missing ones are created.",
    )
    timeout: float = Field(30.0, description="Seconds one request may take.")


class PublishSettings(_Section):
    """Where published posts go."""

    targets: list[str] = Field(
        default_factory=lambda: ["site"],
        description="Publish targets brought up to date on every publish; 'site' is the "
        "desk's own static blog.",
    )
    site: StaticSiteSettings = Field(default_factory=StaticSiteSettings)
    hugo: HugoSettings = Field(default_factory=HugoSettings)
    hatena: HatenaSettings = Field(default_factory=HatenaSettings)
    wordpress: WordPressSettings = Field(default_factory=WordPressSettings)
    restore: bool = Field(
        False,
        description="Put back a post trashed or deleted on a remote blog (Hatena, WordPress)"
        " when it is next updated; otherwise such a post is reported and left alone"
        " (`publish --restore` for one run).",
    )


class QASettings(_Section):
    """Translation checks run on every translated article (see docs/qa.md)."""

    disabled: list[str] = Field(
        default_factory=list,
        description="Checks not to run, by name, e.g. ['punctuation', 'length'].",
    )
    length_ratio: dict[str, list[float]] = Field(
        default_factory=lambda: {
            "en-ja": [0.2, 1.1],
            "en-es": [0.75, 1.7],
            "any-ja": [0.15, 1.2],
            "any-zh": [0.1, 1.0],
            "any-ko": [0.2, 1.2],
            "ja-any": [0.8, 8.0],
            "any-any": [0.5, 2.0],
        },
        description="Target length over source length, in characters, that is normal for a "
        "pair, as [low, high]; 'any' stands for any language.",
    )
    length_min_chars: int = Field(
        40, ge=1, description="Shorter source blocks are not held to the length ratio."
    )
    latin_run_words: int = Field(
        5,
        ge=2,
        description="In a target in another script (ja, zh, ko), this many Latin-script words "
        "in a row are untranslated text.",
    )


class WebSettings(_Section):
    """The review desk, the editors' web UI (`foreigndesk desk`)."""

    host: str = Field("127.0.0.1", description="Address the review desk listens on.")
    port: int = Field(8400, ge=0, le=65535, description="Port the review desk listens on.")
    session_hours: float = Field(
        12.0, gt=0, description="Hours a sign-in lasts before the editor signs in again."
    )
    login_attempts: int = Field(
        5,
        ge=1,
        description="Failed sign-ins, per user name and per client address, after which "
        "signing in is refused until the window has passed.",
    )
    login_window_seconds: int = Field(
        900, ge=1, description="The window, in seconds, in which failed sign-ins are counted."
    )
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost", "::1"],
        description="Host names the desk answers to; add the name it is reached by behind a "
        "proxy or on the network, e.g. ['desk.example.org']. ['*'] turns the check off.",
    )
    max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        description="Largest request body the desk reads, in bytes; larger ones get 413.",
    )
    forwarded_allow_ips: list[str] = Field(
        default_factory=list,
        description="Reverse proxies trusted for X-Forwarded-For/-Proto (so cookies are "
        "marked Secure behind an https proxy), e.g. ['127.0.0.1'].",
    )
    prices: dict[str, float] = Field(
        default_factory=dict,
        description="Price per million billed units per engine, for the cost chart on the "
        "stats page, e.g. { deepl = 20.0 }.",
    )


class WorkersSettings(_Section):
    """How the stages use the machine, and the machines: claims, pools, Celery."""

    processes: int = Field(
        0,
        ge=0,
        description="Processes for the CPU stages (extraction) in `run` and `watch`; 0 uses "
        "one per core, 1 keeps them in the desk's own process.",
    )
    translate_in_flight: int = Field(
        4, ge=1, description="Articles one worker translates at once (engine calls overlap)."
    )
    lease_seconds: int = Field(
        120,
        ge=10,
        description="How long a claim on an item holds unless renewed; a live worker renews "
        "its claims every third of it, so a dead one's items are free again after this.",
    )
    limits_url: str = Field(
        "",
        description="Redis URL where the limits on hosts and engines (requests in flight, "
        "pauses) are kept so they hold across processes; empty keeps them in each process, "
        "and `foreigndesk worker` uses the broker's Redis.",
    )
    broker_url: str = Field(
        "redis://127.0.0.1:6379/0",
        description="Celery broker for `foreigndesk worker` and `scheduler` (Redis). "
        "Overridden by FOREIGNDESK_BROKER_URL.",
    )


class Settings(_Section):
    """All of desk.toml. ``root`` is the folder relative paths are resolved against."""

    site: SiteSettings = Field(default_factory=SiteSettings)
    desk: DeskSettings = Field(default_factory=DeskSettings)
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    extract: ExtractSettings = Field(default_factory=ExtractSettings)
    translate: TranslateSettings = Field(default_factory=TranslateSettings)
    post: PostSettings = Field(default_factory=PostSettings)
    publish: PublishSettings = Field(default_factory=PublishSettings)
    qa: QASettings = Field(default_factory=QASettings)
    web: WebSettings = Field(default_factory=WebSettings)
    workers: WorkersSettings = Field(default_factory=WorkersSettings)
    root: Path = Field(default_factory=Path.cwd, exclude=True)

    @property
    def database_url(self) -> str:
        url = os.environ.get(f"{ENV_PREFIX}DATABASE_URL") or self.desk.database_url
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/") and ":memory:" not in url:
            return prefix + str(self.root / url[len(prefix) :])
        return url

    @property
    def broker_url(self) -> str:
        return os.environ.get(f"{ENV_PREFIX}BROKER_URL") or self.workers.broker_url

    @property
    def output_dir(self) -> Path:
        return self.root / self.site.output_dir

    @property
    def user_agent(self) -> str:
        from foreigndesk import __version__

        return f"foreigndesk/{__version__} (+{self.fetch.contact_url})"


def load_settings(path: Path | None = None, **overrides: Any) -> Settings:
    """Read desk.toml (or use defaults when there is none) into validated settings."""
    path = path or Path.cwd() / CONFIG_FILE
    data: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigurationError(
                f"{path}: not valid TOML ({exc}) — fix the file or rerun init"
            ) from exc
    for section, values in overrides.items():
        data.setdefault(section, {}).update(values)
    try:
        return Settings(**data, root=path.parent.resolve())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        if first["type"] == "extra_forbidden":
            near = closest_setting(tuple(str(p) for p in first["loc"]))
            hint = f" — did you mean {near}?" if near else " — see docs/configuration.md"
            raise ConfigurationError(f"{path}: unknown setting {where}{hint}") from exc
        message = str(first["msg"])
        if first["type"] == "value_error":  # our own checks: the line names its fix
            message = message.removeprefix("Value error, ")
            raise ConfigurationError(f"{path}: setting {where}: {message}") from exc
        raise ConfigurationError(
            f"{path}: setting {where}: {message} — see docs/configuration.md"
        ) from exc


def closest_setting(location: tuple[str, ...]) -> str | None:
    """The known setting nearest to an unknown one (``translate.engnie`` →
    ``translate.engine``), in its own section first, then anywhere."""
    *section, name = location
    model: type[BaseModel] = Settings
    for part in section:
        field = model.model_fields.get(part)
        annotation = field.annotation if field is not None else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    else:
        siblings = [n for n, f in model.model_fields.items() if not f.exclude]
        near = difflib.get_close_matches(name, siblings, n=1, cutoff=0.6)
        if near:
            return ".".join([*section, near[0]])
    everywhere = iter_setting_names()
    near = difflib.get_close_matches(".".join(location), everywhere, n=1, cutoff=0.6)
    if not near:
        by_name = {n.rsplit(".", 1)[-1]: n for n in everywhere}
        found = difflib.get_close_matches(name, list(by_name), n=1, cutoff=0.8)
        near = [by_name[found[0]]] if found else []
    return near[0] if near else None


def _toml_key(key: str) -> str:
    """A bare key where TOML allows one; quoted otherwise ("magazine.test", "*.test")."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, BaseModel):
        return _toml_value(value.model_dump(exclude_defaults=True))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_toml_key(str(k))} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _section_lines(model: type[BaseModel], header: str, instance: BaseModel) -> list[str]:
    lines = [f"[{header}]"]
    if model.__doc__:
        lines.insert(0, f"# {model.__doc__.strip().splitlines()[0]}")
    nested: list[tuple[str, BaseModel]] = []
    for name, info in model.model_fields.items():
        value = getattr(instance, name)
        if isinstance(value, BaseModel):
            nested.append((name, value))
            continue
        lines.append(f"# {info.description}")
        lines.append(f"{name} = {_toml_value(value)}")
    for name, value in nested:
        lines.append("")
        lines.extend(_section_lines(type(value), f"{header}.{name}", value))
    return lines


def render_config(settings: Settings | None = None) -> str:
    """The commented desk.toml for ``settings``: every setting, its help, its value."""
    settings = settings or Settings()
    out = ["# foreigndesk configuration. Secrets (API keys) go in environment variables only.", ""]
    for name, info in Settings.model_fields.items():
        if info.exclude:
            continue
        section = getattr(settings, name)
        out.extend(_section_lines(type(section), name, section))
        out.append("")
    return "\n".join(out)


def iter_setting_names() -> list[str]:
    """Dotted names of every setting, for the documentation check."""

    def walk(model: type[BaseModel], prefix: str) -> list[str]:
        names: list[str] = []
        for name, info in model.model_fields.items():
            if info.exclude:
                continue
            annotation = info.annotation
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                names.extend(walk(annotation, f"{prefix}{name}."))
            else:
                names.append(prefix + name)
        return names

    return walk(Settings, "")
