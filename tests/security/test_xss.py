"""Stored XSS: OWASP filter-evasion payloads in every user text field are rendered inert on every
page that shows them, checked in a real Chromium against a real ``kechuang serve``.

Each payload is stored through the services in the text fields of a demand, an expert (with a
work), an achievement, an organisation (website too) and an event. Chromium then opens every
list, detail, search and operator page with the CSP bypassed, so escaping alone must keep the page
inert (the list and search pages also as served, with the CSP). A payload that ran would set
``window.__xss``, open a dialog or leave an element with an event-handler attribute, a
``javascript:`` URL or an iframe/object/embed/meta-refresh in the DOM.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from live_server import headless_chromium, require_chromium, running_server
from web_world import PASSWORD, build_world

from kechuang.domain import (
    Achievement,
    Actor,
    ConfidentialityTier,
    Demand,
    DemandStatus,
    Event,
    EventKind,
    Expert,
    Organisation,
    OrganisationKind,
    Work,
)
from kechuang.services import achievements, demands, events, experts, organisations, transaction

FLAG = "window.__xss=1"

# A representative selection of the OWASP XSS filter-evasion cheat sheet, each made to set the flag.
PAYLOADS = [
    f"<script>{FLAG}</script>",
    f"<SCRIPT>{FLAG}</SCRIPT>",
    f'<IMG SRC="javascript:{FLAG};">',
    f"<IMG SRC=JaVaScRiPt:{FLAG}>",
    f"<IMG SRC=`javascript:{FLAG}`>",
    f'<a onmouseover="{FLAG}">xxs link</a>',
    f'<IMG """><SCRIPT>{FLAG}</SCRIPT>">',
    f'<IMG SRC=# onmouseover="{FLAG}">',
    f'<IMG SRC=/ onerror="{FLAG}"></img>',
    '<img src=x onerror="&#0000119&#0000105&#0000110&#0000100&#0000111&#0000119&#0000046'
    '&#0000095&#0000095&#0000120&#0000115&#0000115&#0000061&#0000049">',
    "<IMG SRC=&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;"
    "&#119;&#105;&#110;&#100;&#111;&#119;&#46;&#95;&#95;&#120;&#115;&#115;&#61;&#49;>",
    f'<IMG SRC="jav\tascript:{FLAG};">',
    f'<IMG SRC="jav&#x0A;ascript:{FLAG};">',
    f'<SCRIPT/XSS SRC="data:text/javascript,{FLAG}"></SCRIPT>',
    f"<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`={FLAG}>",
    f"<<SCRIPT>{FLAG};//\\<</SCRIPT>",
    f"</TITLE><SCRIPT>{FLAG};</SCRIPT>",
    f'<INPUT TYPE="IMAGE" SRC="javascript:{FLAG};">',
    f"<svg/onload={FLAG}>",
    f"<BODY ONLOAD={FLAG}>",
    f'<DIV STYLE="background-image: url(javascript:{FLAG})">x</DIV>',
    f'<META HTTP-EQUIV="refresh" CONTENT="0;url=javascript:{FLAG};">',
    f'<IFRAME SRC="javascript:{FLAG};"></IFRAME>',
    '<object data="data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9MTwvc2NyaXB0Pg=="></object>',
    f'"><script>{FLAG}</script>',
    f"'><img src=x onerror={FLAG}>",
    f"<details open ontoggle={FLAG}>",
    f"<math><mtext><table><mglyph><style><img src=x onerror={FLAG}>",
    f"javascript:/*--></title></style></textarea></script></xmp><svg/onload='+/\"/+/onmouseover=1/+/[*/[]/+{FLAG}//'>",
    f'<noscript><p title="</noscript><img src=x onerror={FLAG}>">',
    f'\\";{FLAG};//',
    "{{7*7}}${7*7}<%= 7*7 %>",
]

DOM_CHECK = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.getAttributeNames()) {
      const value = (el.getAttribute(attr) || '').replace(/\\s/g, '').toLowerCase();
      if (attr.startsWith('on')) bad.push(el.tagName + ' ' + attr);
      if (['href', 'src', 'action', 'data', 'formaction', 'background'].includes(attr)
          && (value.startsWith('javascript:') || value.startsWith('data:text/html')))
        bad.push(el.tagName + ' ' + attr + '=' + value.slice(0, 40));
    }
  }
  const risky = 'iframe, object, embed, frame, base, meta[http-equiv]';
  for (const el of document.querySelectorAll(risky))
    bad.push('element ' + el.tagName);
  for (const el of document.querySelectorAll('script:not([src])'))
    if (el.type !== 'application/json') bad.push('inline script');
  return bad;
}"""


def _plant(region_id: int) -> dict[str, list[int]]:
    """One record per payload and kind; the payload in every text field."""
    system = Actor.system("test")
    ids: dict[str, list[int]] = {k: [] for k in ("demand", "expert", "achievement", "org", "event")}
    with transaction():
        enterprise = organisations.all_in_region(system, region_id)[0].id
        for n, payload in enumerate(PAYLOADS):
            mark = f"XSS{n:02d} "
            ids["demand"].append(
                demands.create(
                    system,
                    Demand(
                        region_id=region_id,
                        enterprise_id=enterprise,
                        title=mark + payload,
                        background=payload,
                        key_problems=payload,
                        target_indicators=payload,
                        keywords=[payload[:50]],
                        tier=ConfidentialityTier.PUBLIC,
                        status=DemandStatus.PUBLISHED,
                    ),
                ).id
                or 0
            )
            ids["expert"].append(
                experts.create(
                    system,
                    Expert(
                        name=(mark + payload)[:100],
                        title=payload[:100],
                        affiliation=payload[:200],
                        region_id=region_id,
                        bio=payload,
                        keywords=[payload[:50]],
                        works=[Work(kind="paper", title=payload, abstract=payload)],
                    ),
                ).id
                or 0
            )
            ids["achievement"].append(
                achievements.create(
                    system,
                    Achievement(
                        title=mark + payload,
                        description=payload,
                        owner_name=payload[:200],
                        region_id=region_id,
                        trl=5,
                        keywords=[payload[:50]],
                    ),
                ).id
                or 0
            )
            ids["org"].append(
                organisations.create(
                    system,
                    Organisation(
                        kind=OrganisationKind.ENTERPRISE,
                        name=(mark + payload)[:200],
                        region_id=region_id,
                        description=payload,
                        address=payload,
                        website=f"javascript:{FLAG}" if n % 2 else payload,
                        keywords=[payload[:50]],
                    ),
                ).id
                or 0
            )
            ids["event"].append(
                events.create(
                    system,
                    Event(
                        region_id=region_id,
                        kind=EventKind.TRAINING,
                        title=mark + payload,
                        description=payload,
                        location=payload,
                        starts_on=dt.date(2024, 8, 27),
                    ),
                ).id
                or 0
            )
    return ids


@pytest.fixture(scope="module")
def xss_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, dict[str, list[int]]]]:
    """``kechuang serve`` on a free loopback port, with the payloads stored."""
    require_chromium()
    with running_server(
        tmp_path_factory.mktemp("xss"), lambda: _plant(build_world().region_a)
    ) as served:
        yield served


def _pages(ids: dict[str, list[int]]) -> list[str]:
    pages = ["/", "/demands", "/experts", "/achievements", "/organisations", "/events"]
    pages += ["/search?q=XSS", "/search?q=script", "/search?q=onerror&kind=expert"]
    pages += [f"/demands?page={n}" for n in (2, 3)] + [f"/experts?page={n}" for n in (2, 3)]
    pages += [f"/demands/{i}" for i in ids["demand"]]
    pages += [f"/experts/{i}" for i in ids["expert"]]
    pages += [f"/achievements/{i}" for i in ids["achievement"]]
    pages += [f"/organisations/{i}" for i in ids["org"]]
    pages += [f"/events/{i}" for i in ids["event"]]
    return pages


def _visit_all(context: Any, base: str, pages: list[str]) -> list[str]:
    problems: list[str] = []
    page = context.new_page()
    page.on(
        "dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss())
    )
    for path in pages:
        response = page.goto(base + path, wait_until="load")
        assert response is not None
        assert response.status < 500, path
        if page.evaluate("() => window.__xss === 1"):
            problems.append(f"{path}: a payload ran")
        problems += [f"{path}: {item}" for item in page.evaluate(DOM_CHECK)]
    page.close()
    return problems


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Headless Debian Chromium (never ``playwright install``)."""
    with headless_chromium() as browser:
        yield browser


def test_payloads_are_inert_on_every_page(
    xss_server: tuple[str, dict[str, list[int]]], chromium: Any
) -> None:
    """With the CSP bypassed: escaping alone keeps every page inert."""
    base, ids = xss_server
    context = chromium.new_context(bypass_csp=True)
    problems = _visit_all(context, base, _pages(ids))
    # The payloads are on the pages, as text.
    page = context.new_page()
    page.goto(f"{base}/demands/{ids['demand'][0]}")
    assert PAYLOADS[0] in page.inner_text("body")
    page.goto(f"{base}/events/{ids['event'][-1]}")
    assert "{{7*7}}" in page.inner_text("body")
    context.close()
    assert problems == []


def test_lists_and_search_are_inert_as_served(
    xss_server: tuple[str, dict[str, list[int]]], chromium: Any
) -> None:
    """As served (with the CSP): the pages that show the most payloads at once."""
    base, ids = xss_server
    context = chromium.new_context()
    assert _visit_all(context, base, _pages(ids)[:13]) == []
    context.close()


def test_payloads_are_inert_in_the_operator_workspace(
    xss_server: tuple[str, dict[str, list[int]]], chromium: Any
) -> None:
    base, ids = xss_server
    context = chromium.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(f"{base}/sign-in")
    page.fill("#username", "op_a")
    page.fill("#password", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_selector('[data-testid="who"]')
    page.close()
    pages = ["/operator/review", "/operator/dockings", "/dashboard", "/operator/users"]
    pages += [f"/demands/{i}" for i in ids["demand"][:8]]
    assert _visit_all(context, base, pages) == []
    context.close()


def test_the_detector_sees_an_injected_script(
    xss_server: tuple[str, dict[str, list[int]]], chromium: Any
) -> None:
    """Control: the same checks flag a page where a script does run (a data: URL page)."""
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f'data:text/html,<body><img src=x onerror="{FLAG}"></body>')
    page.wait_for_timeout(50)
    assert page.evaluate("() => window.__xss === 1")
    assert page.evaluate(DOM_CHECK) == ["IMG onerror"]
    context.close()
