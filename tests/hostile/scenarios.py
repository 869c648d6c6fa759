"""The scenarios of the hostile web: each a named entry in ``SCENARIOS`` with its category,
what it serves, and what the desk must make of it.

Every scenario has a site of its own (a port of 127.0.0.2: its own robots.txt, its own
Retry-After) with a control article, a clean English page that a clean feed lists.
``serve`` adds the hostile part and returns what the desk meets (``Meets``): an article
the clean feed lists, or a source the desk subscribes to. ``outcome`` says what must
become of it:

- ``Taken()``: published, with no error line about it. A hostile source that is to be
  taken lists the control itself, and then no clean feed does: the control's publication
  shows the source was read. Where the hostile part is a site's robots.txt, the control
  lives on that site, and is what is taken.
- ``Refused(says)``: an error line names it and says ``says`` (a regular expression); it
  is not published.
- ``Ignored()``: it never becomes an article, and no line is printed about it.

``warns`` is a warning line the scenario's item gets (a date no article can have, a feed
that cannot be had).
The texts are neutral English of their own (``web.prose``); the hostile parts are ours.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass

from tests.hostile.web import (
    PNG,
    RSS,
    WEB_HOST,
    Exchange,
    Handler,
    Site,
    article_page,
    bomb,
    drip,
    encode,
    endless,
    head,
    http_date,
    raw,
    raw_then_hold,
    refusing,
    rss,
    sitemap,
    smuggling,
    stall,
)

SSRF = "SSRF spellings in redirects, links, embeds, meta refresh, <base href>, robots.txt"
CHAINS = "redirect chains and loops"
BODIES = "endless, dripping, lying and smuggled bodies"
BOMBS = "compression bombs"
ENTITIES = "XML entity tricks"
ENCODINGS = "feeds in odd encodings"
SCRIPT = "script in every field"
RETRY = "Retry-After in every form, 429 storms"
ROBOTS = "robots.txt slow, 5xx, redirecting"
MALFORMED = "malformed feeds and dates"

#: What a fetch the desk must not make is refused with, wherever the desk meets it.
LOOPBACK = r"resolves to \S+, a loopback address"
TO_LOOPBACK = r"redirected to \S+, which cannot be had \(.*a loopback address"
TO_NOWHERE = r"redirected to \S+, which cannot be had \(.*not a valid URL"
TOO_MANY = r"more than 10 redirects"
TOO_LARGE = r"larger than 1048576 bytes"
TOO_SLOW = r"not fetched within 6 s"
NO_ROBOTS = r"robots\.txt could not be read \(status {}\); the site is left alone"
#: Markers hostile answers carry that must reach neither the built site nor the store.
SMUGGLED = "SMUGGLEDMARKER"
JUNK = "JUNKMARKER"
SECRET = "SECRETMARKER"


@dataclass(frozen=True)
class Taken:
    pass


@dataclass(frozen=True)
class Refused:
    says: str


@dataclass(frozen=True)
class Ignored:
    pass


Outcome = Taken | Refused | Ignored


@dataclass(frozen=True)
class Meets:
    """What the desk meets: ``url``, listed by the scenario's clean feed, or subscribed to
    as a source (``source``) whose article ``yields`` (the control unless said) is
    published when the source is taken. ``control`` is where the control article is, when
    the scenario serves it somewhere else than ``/control.html`` of its site."""

    url: str
    source: bool = False
    yields: str | None = None
    control: str | None = None


@dataclass(frozen=True)
class Scenario:
    name: str
    category: str
    serve: Callable[[Site], Meets]
    outcome: Outcome
    warns: str | None = None


# -- SSRF ---------------------------------------------------------------------------------


def canary(site: Site, host: str) -> str:
    """A URL on the canary, spelled with ``host``, with a path of the scenario's own."""
    return f"http://{host}:{site.canary}/{site.scenario}"


def redirect_to(host: str, status: int = 302) -> Callable[[Site], Meets]:
    """An article that redirects to the canary, spelled ``host``."""

    def serve(site: Site) -> Meets:
        return Meets(site.redirect("/go.html", canary(site, host), status))

    return serve


def link_to(host: str) -> Callable[[Site], Meets]:
    """The clean feed lists an article on the canary."""
    return lambda site: Meets(canary(site, host) + "/story.html")


def sitemap_link_to(host: str) -> Callable[[Site], Meets]:
    """A sitemap lists an article on the canary, and the control."""

    def serve(site: Site) -> Meets:
        target = canary(site, host) + "/story.html"
        locs = [target, site.url(Site.CONTROL)]
        site.sources.append(site.page("/sitemap.xml", sitemap(locs), "application/xml"))
        return Meets(target)

    return serve


def homepage(site: Site, feed: str, base: str = "") -> str:
    """A site's front page, with text of its own, announcing ``feed``."""
    link = f"{base}<link rel='alternate' type='application/rss+xml' href='{feed}'>"
    page = article_page(f"{site.scenario}/", head=link).replace("article>", "div>")
    return site.page("/", page)


def homepage_feed_on_canary(site: Site) -> Meets:
    """A front page announcing a feed on the canary: the page is taken as an article."""
    url = homepage(site, canary(site, "[::ffff:127.0.0.1]") + "/feed.xml")
    return Meets(url, source=True, yields=url)


def base_href_homepage(site: Site) -> Meets:
    """A front page whose ``<base href>`` is the canary announces a relative feed: the
    feed is the site's own, which lists the control."""
    site.feed("/announced.xml", [Site.CONTROL])
    base = f"<base href='{canary(site, '127.0.0.1')}/'>"
    return Meets(homepage(site, "announced.xml", base), source=True)


SPELLINGS = ("127.0.0.1", "localhost", "0x7f.1", "2130706433", "[::1]", "[::ffff:127.0.0.1]",
             "0177.0.0.1", "127.1", "017700000001", "0x7f000001")  # fmt: skip


def every_spelling(template: str) -> str:
    """``template`` once for each spelling of the canary (``{u}`` its URL)."""
    return "".join(template.replace("{u}", f"http://{h}:{{c}}/{{s}}") for h in SPELLINGS)


def page_with(head_html: str = "", body_html: str = "", title: str = "") -> Callable[[Site], Meets]:
    """An article with hostile markup (``{c}`` in it is the canary's port, ``{s}`` the
    scenario's name)."""

    def serve(site: Site) -> Meets:
        values = {"c": site.canary, "s": site.scenario}
        url = site.article(
            "/story.html",
            head=head_html.format(**values),
            body=body_html.format(**values),
            title=title.format(**values),
        )
        return Meets(url)

    return serve


LINKS_AND_IMAGES = every_spelling(
    "<p><a href='{u}/link'>A link</a></p><figure><img src='{u}/img.png' alt='A picture'></figure>"
)


def links_and_images(site: Site) -> Meets:
    """Links and images on the canary in every spelling, and one image of the site's own:
    the one the desk copies into the site (the test checks one was copied, so the
    images were fetched, and all the others refused)."""
    own = f"<figure><img src='{site.page('/picture.png', PNG, 'image/png')}' alt='Ours'></figure>"
    return page_with(body_html=LINKS_AND_IMAGES + own)(site)


EMBEDS = (
    "<picture><source srcset='http://127.1:{c}/{s}/a.webp 1x'>"
    "<img src='http://[::1]:{c}/{s}/b.png' srcset='http://localhost:{c}/{s}/c.png 2x' alt='P'>"
    "</picture><video poster='http://2130706433:{c}/{s}/p.png' src='http://127.0.0.1:{c}/{s}/v'>"
    "</video><iframe src='http://[::ffff:127.0.0.1]:{c}/{s}/frame'></iframe>"
    "<object data='http://127.0.0.1:{c}/{s}/obj'></object><embed src='http://0x7f.1:{c}/{s}/e'>"
    "<audio src='http://127.0.0.1:{c}/{s}/a.mp3'></audio>"
    "<link rel='preload' href='http://127.0.0.1:{c}/{s}/preload'>"
)


def robots_redirect_to(host: str) -> Callable[[Site], Meets]:
    """A site whose robots.txt redirects to the canary: robots.txt is unavailable (RFC
    9309: as a 404), and the site's article, the control, is taken."""

    def serve(site: Site) -> Meets:
        other = site.sibling()
        other.redirect("/robots.txt", canary(site, host) + "/robots.txt")
        control = other.article(Site.CONTROL)
        return Meets(control, control=control)

    return serve


# -- redirect chains ----------------------------------------------------------------------


def chain(hops: int, *, end: str = "/end.html", article: bool = True) -> Callable[[Site], Meets]:
    """``hops`` redirects in a row to ``end``: an article, unless ``article`` is false
    (then ``end`` is the caller's to serve)."""

    def serve(site: Site) -> Meets:
        for hop in range(hops):
            site.redirect(f"/hop{hop}", site.url(f"/hop{hop + 1}" if hop + 1 < hops else end))
        if article:
            site.article(end)
        return Meets(site.url("/hop0"))

    return serve


def loop_two(site: Site) -> Meets:
    site.redirect("/a", site.url("/b"))
    return Meets(site.redirect("/b", site.url("/a")))


def loop_self(site: Site) -> Meets:
    return Meets(site.redirect("/self", "/self"))


def loop_across_sites(site: Site) -> Meets:
    other = site.sibling()
    site.redirect("/ping", other.url("/pong"))
    other.redirect("/pong", site.url("/ping"))
    return Meets(site.url("/ping"))


def chain_to_canary(site: Site) -> Meets:
    """Four hops on the site, the fifth to the canary."""
    site.redirect("/last", canary(site, "127.0.0.1"))
    return chain(4, end="/last", article=False)(site)


def redirect(location: str) -> Callable[[Site], Meets]:
    """An article that redirects to ``location`` (``{c}`` the canary's port)."""
    return lambda site: Meets(site.redirect("/r", location.format(c=site.canary)))


def feed_behind_chain(site: Site) -> Meets:
    """A feed behind twelve redirects."""
    site.feed("/end.xml", [Site.CONTROL])
    return Meets(chain(12, end="/end.xml", article=False)(site).url, source=True)


# -- bodies -------------------------------------------------------------------------------


def article_answer(
    handler: Handler | Callable[[Site], Handler], *, for_site: bool = False
) -> Callable[[Site], Meets]:
    """An article at ``/story.html`` answered by ``handler`` (made for the site, if
    ``for_site``)."""

    def serve(site: Site) -> Meets:
        answer: Handler = handler(site) if for_site else handler  # type: ignore[arg-type,assignment]
        return Meets(site.route("/story.html", answer))

    return serve


def source_answer(handler: Callable[[Site], Handler]) -> Callable[[Site], Meets]:
    """A source at ``/hostile.xml`` answered by ``handler``, made for the site."""
    return lambda site: Meets(site.route("/hostile.xml", handler(site)), source=True)


def source_body(
    make: Callable[[Site], bytes], content_type: str = RSS, path: str = "/hostile.xml"
) -> Callable[[Site], Meets]:
    """A source at ``path`` answering what ``make`` makes for the site."""
    return lambda site: Meets(site.page(path, make(site), content_type), source=True)


def story(site: Site) -> bytes:
    """The article a lying answer carries."""
    return article_page(f"{site.scenario}/story.html").encode()


def lying_length(declared: int, *, hold: bool) -> Handler:
    """Content-Length says ``declared``, a few bytes come; then the connection closes, or
    (``hold``) stays open, silent."""
    answer = head("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(declared))])
    answer += b"<html><body><p>cut"
    return raw_then_hold(answer) if hold else raw(answer, close=True)


def shorter_than_sent(site: Site) -> Handler:
    """Content-Length covers the article; junk with a script follows it on the connection."""
    page = story(site)
    junk = f"<script>alert(1)</script><p>{JUNK}</p>".encode()
    answer = head("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(page)))])
    return raw(answer + page + junk, close=True)


def two_lengths() -> Handler:
    answer = head(
        "200 OK",
        [("Content-Type", "text/html"), ("Content-Length", "5"), ("Content-Length", "500")],
    )
    return raw(answer + b"<html></html>", close=True)


def length_and_chunked(site: Site) -> Handler:
    """Content-Length and chunked at once, the length a lie: the classic ambiguity."""
    page = story(site)
    body = f"{len(page):x}\r\n".encode() + page + b"\r\n0\r\n\r\n"
    answer = head(
        "200 OK",
        [("Content-Type", "text/html"), ("Content-Length", "7"), ("Transfer-Encoding", "chunked")],
    )
    return raw(answer + body, close=True)


def smuggled_body() -> bytes:
    return (
        "<html><head><title>Smuggled</title></head><body><article><h1>Smuggled</h1>"
        f"<p>{SMUGGLED} " + "This answer was never asked for. " * 8 + "</p>"
        "<script>alert(1)</script></article></body></html>"
    ).encode()


def smuggled_behind_page(site: Site) -> Handler:
    return smuggling(story(site), smuggled_body())


def smuggled_behind_chunks(site: Site) -> Handler:
    return smuggling(story(site), smuggled_body(), chunked=True)


def smuggled_behind_feed(site: Site) -> Handler:
    feed = rss([site.url(Site.CONTROL)], f"Feed of {site.scenario}")
    return smuggling(feed, smuggled_body(), content_type=RSS)


# -- compression bombs --------------------------------------------------------------------

_BOMBS: dict[str, bytes] = {}


def bombed(encoding: str, content_type: str = "text/html") -> Handler:
    """A compression bomb; ``encoding`` is the Content-Encoding header, its layers made
    of 64 MiB of zeros behind the start of a page. Made when the scenario is served (once
    per encoding: it takes a moment), not while the desk runs."""
    if encoding not in _BOMBS:
        layers = [e.strip() for e in encoding.split(",")]
        data = bomb(layers[0])
        for layer in layers[1:]:
            data = encode(data, layer)
        _BOMBS[encoding] = data
    data = _BOMBS[encoding]
    return lambda x: x.reply(200, data, content_type, {"Content-Encoding": encoding})


def bombed_article(encoding: str) -> Callable[[Site], Meets]:
    return article_answer(lambda site: bombed(encoding), for_site=True)


def bombed_robots(site: Site) -> Meets:
    return robots_answer(bombed("gzip", "text/plain"), taken=True)(site)


def many_gzip_members(site: Site) -> Handler:
    """Thousands of empty gzip members, then the article: valid gzip (RFC 1952)."""
    data = gzip.compress(b"", mtime=0) * 5000 + gzip.compress(story(site), mtime=0)
    return lambda x: x.reply(200, data, "text/html", {"Content-Encoding": "gzip"})


def corrupt_gzip() -> Handler:
    data = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"not deflate" * 50
    return lambda x: x.reply(200, data, "text/html", {"Content-Encoding": "gzip"})


def unknown_encoding() -> Handler:
    return lambda x: x.reply(200, b"<html></html>", "text/html", {"Content-Encoding": "compress"})


def sitemap_bomb(site: Site) -> bytes:
    """A gzipped sitemap (the file itself, no Content-Encoding) of 64 MiB."""
    return bomb("gzip")


def robots_answer(handler: Handler, *, taken: bool = False) -> Callable[[Site], Meets]:
    """An article on a site of its own whose robots.txt answers with ``handler``: the
    site's control when the article is to be ``taken``, else a story of its own."""

    def serve(site: Site) -> Meets:
        other = site.sibling()
        other.route("/robots.txt", handler)
        if taken:
            control = other.article(Site.CONTROL)
            return Meets(control, control=control)
        return Meets(other.article("/story.html"))

    return serve


# -- XML entities -------------------------------------------------------------------------


def entity_feed(doctype: str, title: str = "&e;") -> Callable[[Site], Meets]:
    """An RSS source with ``doctype`` (``{c}`` the canary's port, ``{s}`` the scenario,
    ``{secret}`` a file of this machine's) whose fields refer to the entity ``e``."""

    def make(site: Site) -> bytes:
        declared = doctype.format(c=site.canary, s=site.scenario, secret=site.web.secret)
        return (
            f"<?xml version='1.0' encoding='utf-8'?>{declared}<rss version='2.0'><channel>"
            f"<title>{title}</title><link>{site.url('/')}</link><description>x</description>"
            f"<item><title>{title}</title><description>{title}</description>"
            f"<link>{site.url(Site.CONTROL)}</link></item></channel></rss>"
        ).encode()

    return source_body(make)


LAUGHS = (
    "<!DOCTYPE {root} [<!ENTITY a 'lol'>"
    + "".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(9))
    + "<!ENTITY e '&j;'>]>"
)


def laughing_sitemap(site: Site) -> bytes:
    return (
        "<?xml version='1.0'?>" + LAUGHS.format(root="urlset") + "<urlset"
        " xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>{site.url(Site.CONTROL)}</loc></url><url><loc>&e;</loc></url></urlset>"
    ).encode()


def entity_in_loc(site: Site) -> bytes:
    """A sitemap whose first address is an entity naming the canary."""
    return (
        f"<?xml version='1.0'?><!DOCTYPE urlset [<!ENTITY c 'http://127.0.0.1:{site.canary}'>]>"
        "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        f"<url><loc>&c;/{site.scenario}</loc></url>"
        f"<url><loc>{site.url(Site.CONTROL)}</loc></url></urlset>"
    ).encode()


def xinclude(site: Site) -> bytes:
    include = (
        "<xi:include xmlns:xi='http://www.w3.org/2001/XInclude'"
        f" href='file://{site.web.secret}' parse='text'/>"
    )
    return rss([site.url(Site.CONTROL)], "XInclude", extra=include)


# -- encodings ----------------------------------------------------------------------------


def encoded_feed(encoding: str, title: str, declare: str) -> Callable[[Site], Meets]:
    """An RSS source in ``encoding``, its XML declaration naming ``declare``."""

    def make(site: Site) -> bytes:
        text = (
            f"<?xml version='1.0' encoding='{declare}'?><rss version='2.0'><channel>"
            f"<title>{title}</title><link>{site.url('/')}</link><description>{title}"
            f"</description><item><title>{title}</title><link>{site.url(Site.CONTROL)}</link>"
            "</item></channel></rss>"
        )
        return text.encode(encoding)

    return source_body(make)


# -- script -------------------------------------------------------------------------------


def scripted_feed(site: Site) -> bytes:
    """Script in every field of an RSS channel and item; the item links the control."""
    script = "&lt;script&gt;alert(1)&lt;/script&gt;"
    return (
        "<?xml version='1.0' encoding='utf-8'?>"
        "<rss version='2.0' xmlns:content='http://purl.org/rss/1.0/modules/content/'"
        " xmlns:dc='http://purl.org/dc/elements/1.1/'><channel>"
        f"<title>{script}Feed</title><link>javascript:alert(1)</link>"
        "<description><![CDATA[<img src=x onerror=alert(1)>]]></description>"
        f"<image><url>javascript:alert(1)</url><title>{script}</title><link>x</link></image>"
        f"<item><title>{script}<![CDATA[<svg onload=alert(1)>]]></title>"
        f"<author>{script}@example.org</author><dc:creator>{script}</dc:creator>"
        f"<category>{script}</category><comments>javascript:alert(1)</comments>"
        "<description><![CDATA[<iframe src='javascript:alert(1)'></iframe>]]></description>"
        "<content:encoded><![CDATA[<script>alert(1)</script>]]></content:encoded>"
        "<enclosure url='javascript:alert(1)' type='audio/mpeg' length='1'/>"
        f"<link>{site.url(Site.CONTROL)}</link></item></channel></rss>"
    ).encode()


def script_links(site: Site) -> Meets:
    """Items whose links are script: none ever becomes an article."""
    site.listed += ["data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
                    " JaVaScRiPt:alert(1)"]  # fmt: skip
    return Meets("javascript:alert(document.domain)")


HEAD_FIELDS = (
    "<meta name='author' content='<img src=x onerror=alert(1)>Jane Example'>"
    "<meta name='description' content='<script>alert(1)</script>A description'>"
    "<meta property='og:title' content='\"><script>alert(1)</script>'>"
    "<meta property='og:site_name' content='<svg onload=alert(1)>'>"
    "<meta property='article:tag' content='<script>alert(1)</script>'>"
    "<meta name='keywords' content='\" onmouseover=alert(1) x=\"'>"
    '<script type=\'application/ld+json\'>{{"@type": "NewsArticle", "headline":'
    ' "</script><script>alert(1)</script>", "author": {{"name":'
    ' "<img src=x onerror=alert(1)>"}}}}</script>'
)
TITLE = "<script>alert(1)</script>A title with &lt;script&gt;alert(2)&lt;/script&gt; in it"
BODY_SCRIPT = (
    "<script>alert(1)</script><p>Before the frame.</p><iframe src='javascript:alert(1)'></iframe>"
    "<object data='javascript:alert(1)'></object><embed src='javascript:alert(1)'>"
    "<p>After <script src='http://127.0.0.1:{c}/{s}.js'></script> the script.</p>"
    "<noscript><p>No script here.</p></noscript><template><script>alert(1)</script></template>"
    "<p class='byline'>By <a rel='author' href='javascript:alert(1)'>Jane</a></p>"
)
HANDLERS = (
    "<p onclick='alert(1)' onmouseover='alert(2)'>A paragraph that answers to clicks.</p>"
    "<img src='x' onerror='alert(1)' alt='Broken'><body onload='alert(1)'>"
    "<blockquote onfocus='alert(1)' tabindex='1'>A quotation with a handler.</blockquote>"
    "<details open ontoggle='alert(1)'><summary>More</summary>Hidden text.</details>"
    "<h2 ONCLICK='alert(1)'>A heading in capitals</h2><ul><li onpointerdown=alert(1)>Item</li></ul>"
    "<svg onload='alert(1)'><script>alert(2)</script><a xlink:href='javascript:alert(3)'>"
    "<text>Link</text></a><animate attributeName='href' to='javascript:alert(4)'/>"
    "<foreignObject><p onclick='alert(5)'>Inside</p></foreignObject></svg>"
    "<figure><img src='data:image/svg+xml,<svg onload=alert(1)>' alt='An SVG'></figure>"
)
SCRIPT_HREFS = (
    "<p><a href='javascript:alert(1)'>One</a>, <a href='JaVaScRiPt:alert(2)'>two</a>,"
    " <a href='  javascript:alert(3)'>three</a>, <a href='jav&#x09;ascript:alert(4)'>four</a>,"
    " <a href='&#106;avascript:alert(5)'>five</a>, <a href='vbscript:msgbox(6)'>six</a>,"
    " <a href='data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg=='>seven</a>,"
    " <a href='java\nscript:alert(8)'>eight</a>, <a href='javascript&colon;alert(9)'>nine</a>.</p>"
)
MUTATIONS = (
    "<noscript><p title='</noscript><img src=x onerror=alert(1)>'>Quiet.</p></noscript>"
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math><p>Text <!--<img src=x onerror=alert(1)>--> with a comment.</p>"
    "<textarea><script>alert(1)</script></textarea><xmp><script>alert(1)</script></xmp>"
)
FORMS_AND_STYLES = (
    "<form action='javascript:alert(1)'><input value='x' onfocus='alert(1)' autofocus>"
    "<button formaction='javascript:alert(2)'>Send</button></form>"
    "<p style='background:url(javascript:alert(1))'>A styled paragraph.</p>"
    "<iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe>"
    "<meta http-equiv='set-cookie' content='a=b'><base target='_top'>"
)
STYLE_HEAD = (
    "<style>body {{ background: url('javascript:alert(1)') }}</style>"
    "<link rel='stylesheet' href='http://127.0.0.1:{c}/{s}.css'>"
)


# -- Retry-After --------------------------------------------------------------------------


def refused_with(status: int, retry_after: str | None) -> Callable[[Site], Meets]:
    return article_answer(refusing(status, retry_after))


def retry_in(seconds: float) -> Callable[[Site], Meets]:
    """429 with Retry-After as an HTTP date ``seconds`` from when it is asked for."""
    return article_answer(lambda x: refusing(429, http_date(seconds))(x))


def storm(site: Site) -> Meets:
    """Five articles on one site, each answered 429: the site is left alone after three."""
    other = site.sibling()
    for n in range(1, 5):
        site.listed.append(other.route(f"/storm{n}.html", refusing(429, "0")))
    return Meets(other.route("/storm0.html", refusing(429, "0")))


def robots_chain(x: Exchange) -> None:
    """robots.txt redirects to itself with one more character, for ever."""
    query = x.path.partition("?")[2]
    x.reply(302, b"", headers={"Location": f"/robots.txt?{query}x"})


def robots_to_main_site(site: Site) -> Meets:
    """robots.txt redirects to the robots.txt of another site, which allows everything."""
    return robots_answer(
        lambda x: x.reply(301, b"", headers={"Location": site.url("/robots.txt")}), taken=True
    )(site)


# -- malformed feeds and dates ------------------------------------------------------------


def dated_feed(date: str) -> Callable[[Site], Meets]:
    return source_body(
        lambda site: rss(
            [site.url(Site.CONTROL)], f"Dated {date}", item_extra=f"<pubDate>{date}</pubDate>"
        )
    )


def dated_page(date: str) -> Callable[[Site], Meets]:
    return page_with(
        head_html=(
            f"<meta property='article:published_time' content='{date}'>"
            f"<meta name='date' content='{date}'>"
        ),
        body_html=f"<p><time datetime='{date}'>{date}</time></p>",
    )


def atom_relative(site: Site) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>Relative</title><id>urn:x</id><updated>2024-01-01T00:00:00Z</updated>"
        f"<link href='{site.url('/')}'/>"
        "<entry><title>No link</title><id>urn:1</id><updated>not a date</updated></entry>"
        "<entry><title>Relative</title><id>urn:2</id><link href='control.html'/>"
        "<updated>0000-00-00T00:00:00Z</updated></entry></feed>"
    ).encode()


def truncated_feed(site: Site) -> bytes:
    whole = rss([site.url(Site.CONTROL), site.url("/later.html")], "Cut off")
    return whole[: whole.index(b"/later.html")]


def unclosed_feed(site: Site) -> bytes:
    """Not well-formed: a bare ampersand, an unclosed element, a stray end tag."""
    return (
        "<?xml version='1.0'?><rss version='2.0'><channel><title>Fish & Chips <b>bold</title>"
        f"<item><title>One & two</title><link>{site.url(Site.CONTROL)}</link>"
        "<description><p>Unclosed</description></item></channel></rss></rss>"
    ).encode()


def odd_json_feed(site: Site) -> bytes:
    return (
        '{"version": "https://jsonfeed.org/version/1.1", "title": "<script>x</script>",'
        ' "items": [{"id": "1", "url": "javascript:alert(1)"}, {"id": "2", "url":'
        f' "{site.url(Site.CONTROL)}", "title": {{"nested": [1, 2]}}}}, 17, null,'
        ' {"id": 3}], "extra": [[[[[[[[[[[[]]]]]]]]]]]]}'
    ).encode()


def not_a_feed(site: Site) -> bytes:
    return bytes(range(256)) * 8


def sitemap_with_broken_loc(site: Site) -> bytes:
    """A sitemap whose first address is not one (its IPv6 bracket never closes)."""
    return sitemap([f"http://[::1:{site.canary}/{site.scenario}", site.url(Site.CONTROL)])


def json_feed_with_broken_url(site: Site) -> bytes:
    items = [f"http://[::1:{site.canary}/{site.scenario}", site.url(Site.CONTROL)]
    listed = ", ".join(f'{{"id": "{n}", "url": "{url}"}}' for n, url in enumerate(items))
    return (
        f'{{"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [{listed}]}}'
    ).encode()


def homepage_with_broken_feed(site: Site) -> Meets:
    """A front page announcing a feed whose address is not one: the page is taken."""
    url = homepage(site, f"http://[::1:{site.canary}/{site.scenario}/feed.xml")
    return Meets(url, source=True, yields=url)


# -- the table ----------------------------------------------------------------------------

S = Scenario
# fmt: off
SCENARIOS: tuple[Scenario, ...] = (
    # SSRF: an article redirecting to the canary, in every spelling of loopback.
    S("redirect-127.0.0.1", SSRF, redirect_to("127.0.0.1"), Refused(TO_LOOPBACK)),
    S("redirect-localhost", SSRF, redirect_to("localhost"), Refused(TO_LOOPBACK)),
    S("redirect-0x7f.1", SSRF, redirect_to("0x7f.1", 301), Refused(TO_LOOPBACK)),
    S("redirect-2130706433", SSRF, redirect_to("2130706433", 303), Refused(TO_LOOPBACK)),
    S("redirect-[::1]", SSRF, redirect_to("[::1]", 307), Refused(TO_LOOPBACK)),
    S("redirect-::ffff:127.0.0.1", SSRF, redirect_to("[::ffff:127.0.0.1]", 308),
      Refused(TO_LOOPBACK)),
    S("redirect-0177.0.0.1", SSRF, redirect_to("0177.0.0.1"), Refused(TO_NOWHERE)),
    S("redirect-127.1", SSRF, redirect_to("127.1"), Refused(TO_LOOPBACK)),
    S("redirect-octal-017700000001", SSRF, redirect_to("017700000001"), Refused(TO_LOOPBACK)),
    S("redirect-hex-0x7f000001", SSRF, redirect_to("0x7f000001"), Refused(TO_LOOPBACK)),
    S("redirect-::127.0.0.1", SSRF, redirect_to("[::127.0.0.1]"), Refused(TO_LOOPBACK)),
    S("redirect-userinfo", SSRF, redirect_to(f"{WEB_HOST}@127.0.0.1"), Refused(TO_LOOPBACK)),
    S("redirect-0.0.0.0", SSRF, redirect_to("0.0.0.0"), Refused(r"the unspecified address")),  # noqa: S104
    # SSRF: links in a feed and a sitemap, and a homepage's feed, on the canary.
    S("feed-link-0x7f.1", SSRF, link_to("0x7f.1"), Refused(LOOPBACK)),
    S("feed-link-[::1]", SSRF, link_to("[::1]"), Refused(LOOPBACK)),
    S("sitemap-link-2130706433", SSRF, sitemap_link_to("2130706433"), Refused(LOOPBACK)),
    S("feed-link-broken-ipv6", SSRF, link_to("[::1"), Ignored()),
    S("sitemap-loc-broken-ipv6", SSRF,
      source_body(sitemap_with_broken_loc, "application/xml", "/sitemap.xml"), Taken()),
    S("homepage-feed-broken-ipv6", SSRF, homepage_with_broken_feed, Taken()),
    S("homepage-feed-on-canary", SSRF, homepage_feed_on_canary, Taken(),
      warns=r"cannot be had \(.*loopback.*\) — the page itself is taken as a single article"),
    # SSRF: links and embeds in an article (its images are copied into the site through
    # the desk's fetcher, publish.site.local_images), a meta refresh, a <base href>.
    S("links-and-images", SSRF, links_and_images, Taken()),
    S("embeds", SSRF, page_with("<meta property='og:image' content='http://0x7f.1:{c}/{s}'>",
                                EMBEDS), Taken()),
    S("meta-refresh", SSRF, page_with("<meta http-equiv='refresh' content='0; url="
                                      "http://127.0.0.1:{c}/{s}'>"), Taken()),
    S("base-href", SSRF, page_with(
        "<base href='http://127.0.0.1:{c}/{s}/'>",
        "<figure><img src='pic.png' alt='Relative'></figure><p><a href='more.html'>More</a></p>",
    ), Taken()),
    S("base-href-homepage", SSRF, base_href_homepage, Taken()),
    S("robots-redirect-127.0.0.1", SSRF, robots_redirect_to("127.0.0.1"), Taken()),
    S("robots-redirect-[::1]", SSRF, robots_redirect_to("[::1]"), Taken()),
    S("robots-redirect-0x7f.1", SSRF, robots_redirect_to("0x7f.1"), Taken()),
    S("robots-redirect-0177.0.0.1", SSRF, robots_redirect_to("0177.0.0.1"), Taken()),
    # Redirect chains and loops.
    S("chain-11-hops", CHAINS, chain(11), Refused(TOO_MANY)),
    S("chain-10-hops", CHAINS, chain(10), Taken()),
    S("loop-two", CHAINS, loop_two, Refused(TOO_MANY)),
    S("loop-self", CHAINS, loop_self, Refused(TOO_MANY)),
    S("loop-across-sites", CHAINS, loop_across_sites, Refused(TOO_MANY)),
    S("chain-to-canary", CHAINS, chain_to_canary, Refused(TO_LOOPBACK)),
    S("redirect-file", CHAINS, redirect("file:///etc/passwd"), Refused(r"only http and https")),
    S("redirect-javascript", CHAINS, redirect("javascript:alert(1)"),
      Refused(r"only http and https")),
    S("redirect-port-99999", CHAINS, redirect(f"http://{WEB_HOST}:99999/"), Refused(TO_NOWHERE)),
    S("redirect-broken-ipv6", CHAINS, redirect("http://[::1:{c}/"),
      Refused(r"redirected to \S+, which cannot be had \(not a valid URL")),
    S("feed-behind-12-hops", CHAINS, feed_behind_chain, Refused(TOO_MANY)),
    # Bodies: endless, dripping, lying about their length, smuggling a second response.
    S("endless-chunked", BODIES, article_answer(endless()), Refused(TOO_LARGE)),
    S("endless-until-close", BODIES, article_answer(endless(chunked=False)), Refused(TOO_LARGE)),
    S("endless-feed", BODIES, source_answer(lambda site: endless(RSS)), Refused(TOO_LARGE)),
    S("drip-body", BODIES, article_answer(drip()), Refused(TOO_SLOW)),
    S("drip-headers", BODIES, article_answer(drip(headers_too=True)), Refused(TOO_SLOW)),
    S("stall", BODIES, article_answer(stall()), Refused(TOO_SLOW)),
    S("drip-feed", BODIES, source_answer(lambda site: drip(RSS)), Refused(TOO_SLOW)),
    S("length-longer-then-close", BODIES, article_answer(lying_length(5000, hold=False)),
      Refused(r"the connection broke")),
    S("length-longer-held-open", BODIES, article_answer(lying_length(5000, hold=True)),
      Refused(TOO_SLOW)),
    S("length-shorter", BODIES, article_answer(shorter_than_sent, for_site=True), Taken()),
    S("length-beyond-cap", BODIES, article_answer(lying_length(1 << 40, hold=False)),
      Refused(TOO_LARGE)),
    S("length-twice", BODIES, article_answer(two_lengths()), Refused(r"gave no HTTP answer")),
    S("length-and-chunked", BODIES, article_answer(length_and_chunked, for_site=True), Taken()),
    S("smuggled-behind-page", BODIES, article_answer(smuggled_behind_page, for_site=True),
      Taken()),
    S("smuggled-behind-chunks", BODIES, article_answer(smuggled_behind_chunks, for_site=True),
      Taken()),
    S("smuggled-behind-feed", BODIES, source_answer(smuggled_behind_feed), Taken()),
    # Compression bombs.
    S("bomb-gzip", BOMBS, bombed_article("gzip"), Refused(TOO_LARGE)),
    S("bomb-deflate", BOMBS, bombed_article("deflate"), Refused(TOO_LARGE)),
    S("bomb-brotli", BOMBS, bombed_article("br"), Refused(TOO_LARGE)),
    S("bomb-gzip-in-gzip", BOMBS, bombed_article("gzip, gzip"), Refused(TOO_LARGE)),
    S("bomb-gzip-in-deflate", BOMBS, bombed_article("gzip, deflate"), Refused(TOO_LARGE)),
    S("bomb-feed", BOMBS, source_answer(lambda site: bombed("gzip", RSS)), Refused(TOO_LARGE)),
    S("bomb-sitemap-gz", BOMBS, source_body(sitemap_bomb, "application/x-gzip", "/sitemap.xml.gz"),
      Refused(r"gzipped sitemap expands past")),
    S("bomb-robots", BOMBS, bombed_robots, Taken()),
    S("gzip-many-members", BOMBS, article_answer(many_gzip_members, for_site=True), Taken()),
    S("gzip-corrupt", BOMBS, article_answer(corrupt_gzip()), Refused(r"gzip content is corrupt")),
    S("encoding-unknown", BOMBS, article_answer(unknown_encoding()),
      Refused(r"unsupported Content-Encoding 'compress'")),
    # XML entities: a feed or sitemap declaring them is read without them.
    S("billion-laughs-feed", ENTITIES, entity_feed(LAUGHS.format(root="rss")), Taken()),
    S("billion-laughs-sitemap", ENTITIES, source_body(laughing_sitemap, "application/xml"),
      Taken()),
    S("quadratic-blowup", ENTITIES, entity_feed(f"<!DOCTYPE rss [<!ENTITY e '{'x' * 50000}'>]>",
                                                "&e;" * 2000), Taken()),
    S("entity-file", ENTITIES, entity_feed("<!DOCTYPE rss [<!ENTITY e SYSTEM 'file://{secret}'>]>"),
      Taken()),
    S("entity-canary", ENTITIES,
      entity_feed("<!DOCTYPE rss [<!ENTITY e SYSTEM 'http://127.0.0.1:{c}/{s}'>]>"), Taken()),
    S("parameter-entity-canary", ENTITIES,
      entity_feed("<!DOCTYPE rss [<!ENTITY % p SYSTEM 'http://[::1]:{c}/{s}.dtd'> %p;]>", "P"),
      Taken()),
    S("external-dtd-canary", ENTITIES,
      entity_feed("<!DOCTYPE rss SYSTEM 'http://localhost:{c}/{s}.dtd'>", "External"), Taken()),
    S("xinclude-file", ENTITIES, source_body(xinclude), Taken()),
    S("entity-in-sitemap-loc", ENTITIES, source_body(entity_in_loc, "application/xml"), Taken()),
    # Feeds in odd encodings: each is read, its item taken.
    S("utf-7", ENCODINGS, encoded_feed("ascii", "+ADw-script+AD4-alert(1)+ADw-/script+AD4-",
                                       "UTF-7"), Taken()),
    S("utf-16le-without-bom", ENCODINGS, encoded_feed("utf-16-le", "Little end", "UTF-16"),
      Taken()),
    S("utf-16be-without-bom", ENCODINGS, encoded_feed("utf-16-be", "Big end", "UTF-16"), Taken()),
    S("shift-jis", ENCODINGS, encoded_feed("shift_jis", "日本語のフィード", "Shift_JIS"), Taken()),
    S("euc-jp", ENCODINGS, encoded_feed("euc-jp", "日本語のフィード", "EUC-JP"), Taken()),
    S("utf-8-declared-shift-jis", ENCODINGS, encoded_feed("utf-8", "Ünïcödé “quoted” ✓",
                                                          "Shift_JIS"), Taken()),
    S("encoding-no-codec", ENCODINGS, encoded_feed("ascii", "Klingon", "x-klingon"),
      Refused(r"declares the character encoding 'x-klingon', which is not one known")),
    # Script in every field, of feeds and of pages: taken, with nothing of it live.
    S("feed-fields", SCRIPT, source_body(scripted_feed), Taken()),
    S("feed-script-links", SCRIPT, script_links, Ignored()),
    S("head-fields", SCRIPT, page_with(HEAD_FIELDS, title=TITLE), Taken()),
    S("body-script", SCRIPT, page_with(body_html=BODY_SCRIPT), Taken()),
    S("event-handlers-and-svg", SCRIPT, page_with(body_html=HANDLERS), Taken()),
    S("script-hrefs", SCRIPT, page_with(body_html=SCRIPT_HREFS), Taken()),
    S("mutation-xss", SCRIPT, page_with(body_html=MUTATIONS), Taken()),
    S("forms-and-styles", SCRIPT, page_with(STYLE_HEAD, FORMS_AND_STYLES), Taken()),
    # Retry-After in every form, and a storm of 429s.
    S("retry-after-seconds", RETRY, refused_with(429, "1"),
      Refused(r"HTTP 429, the site asks to wait 1 s")),
    S("retry-after-date", RETRY, retry_in(3), Refused(r"HTTP 429, the site asks to wait [0-3] s")),
    S("retry-after-past-date", RETRY, refused_with(429, "Sat, 01 Jan 2000 00:00:00 GMT"),
      Refused(r"HTTP 429, the site asks to wait 0 s")),
    S("retry-after-negative", RETRY, refused_with(429, "-30"),
      Refused(r"HTTP 429, the site asks to wait 60 s")),
    S("retry-after-huge", RETRY, refused_with(429, "9" * 40),
      Refused(r"HTTP 429, the site asks to wait 86400 s")),
    S("retry-after-garbage", RETRY, refused_with(429, "soon, maybe"),
      Refused(r"HTTP 429, the site asks to wait 60 s")),
    S("retry-after-fraction", RETRY, refused_with(429, "1.5"),
      Refused(r"HTTP 429, the site asks to wait 60 s")),
    S("retry-after-year-9999", RETRY, refused_with(503, "Fri, 31 Dec 9999 23:59:59 GMT"),
      Refused(r"HTTP 503, the site asks to wait 86400 s")),
    S("storm-of-429", RETRY, storm,
      Refused(r"HTTP 429, the site asks to wait 0 s|refused \d+ requests in a row")),
    S("feed-429", RETRY, source_answer(lambda site: refusing(429, "7")),
      Refused(r"HTTP 429, the site asks to wait 7 s")),
    # robots.txt: slow, failing, redirecting, odd.
    S("robots-stall", ROBOTS, robots_answer(stall()), Refused(NO_ROBOTS.format("none"))),
    S("robots-drip", ROBOTS, robots_answer(drip("text/plain")), Refused(NO_ROBOTS.format("none"))),
    S("robots-500", ROBOTS, robots_answer(lambda x: x.reply(500, b"oops", "text/plain")),
      Refused(NO_ROBOTS.format("500"))),
    S("robots-503", ROBOTS, robots_answer(refusing(503, "1")), Refused(NO_ROBOTS.format("503"))),
    S("robots-redirect-chain", ROBOTS, robots_answer(robots_chain),
      Refused(NO_ROBOTS.format("none"))),
    S("robots-redirect-elsewhere", ROBOTS, robots_to_main_site, Taken()),
    S("robots-oversized", ROBOTS, robots_answer(lambda x: x.reply(
        200, b"User-agent: *\nAllow: /\n" + b"# padding\n" * 60000, "text/plain"), taken=True),
      Taken()),
    S("robots-disallow", ROBOTS, robots_answer(lambda x: x.reply(
        200, b"User-agent: *\nDisallow: /\n", "text/plain")), Refused(r"robots\.txt disallows it")),
    S("robots-403", ROBOTS, robots_answer(lambda x: x.reply(403, b"no", "text/plain"), taken=True),
      Taken()),
    # Malformed feeds and dates.
    S("pubdate-9999", MALFORMED, dated_feed("Fri, 31 Dec 9999 23:59:59 GMT"), Taken()),
    S("pubdate-0001", MALFORMED, dated_feed("Mon, 01 Jan 0001 00:00:00 GMT"), Taken()),
    S("pubdate-garbage", MALFORMED, dated_feed("the day after the flood"), Taken()),
    S("page-date-9999", MALFORMED, dated_page("9999-12-31T23:59:59Z"), Taken(),
      warns=r"its publication date 9999-12-31 is before 1990 or after next year"),
    S("page-date-0001", MALFORMED, dated_page("0001-01-01T00:00:00Z"), Taken(),
      warns=r"its publication date 0001-01-01 is before 1990 or after next year"),
    S("feed-binary", MALFORMED, source_body(not_a_feed), Refused(r"not a feed")),
    S("feed-empty", MALFORMED, source_body(lambda site: b""), Refused(r"not a feed")),
    S("feed-truncated", MALFORMED, source_body(truncated_feed), Taken()),
    S("feed-not-well-formed", MALFORMED, source_body(unclosed_feed), Taken()),
    S("atom-relative-links", MALFORMED, source_body(atom_relative, "application/atom+xml"),
      Taken()),
    S("json-feed-odd", MALFORMED, source_body(odd_json_feed, "application/feed+json"), Taken()),
    S("json-feed-url-broken-ipv6", MALFORMED,
      source_body(json_feed_with_broken_url, "application/feed+json"), Taken()),
)
# fmt: on
