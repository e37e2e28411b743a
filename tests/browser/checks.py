"""What every browser test checks on each page it visits (DESIGN.md, issue 13).

`check_page(page)` looks at the page at a phone's size (360 × 740) and a desktop's (1280 × 800):
the page body must not overflow sideways, and axe-core (vendored in tests/vendor/) must report
no critical or serious violation. The page's own viewport is put back afterwards, so a test
goes on where it was.
"""

from pathlib import Path

from playwright.sync_api import Page

AXE_SOURCE = (Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
SIZES = ({"width": 360, "height": 740}, {"width": 1280, "height": 800})
BLOCKING_IMPACTS = ("critical", "serious")

# Elements sticking out to the right, so a failure says what to fix rather than only that it is wrong.
_OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right > width + 1 && box.width > 0) {
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
               (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\\s+/g, '.') : '') +
               ' right=' + Math.round(box.right));
    }
    if (out.length >= 8) break;
  }
  return out;
}"""

_RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => %s.includes(v.impact))
    .map(v => ({id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}""" % list(BLOCKING_IMPACTS)  # noqa: UP031 (a JavaScript literal, not Python formatting of text)


def overflow(page: Page, width: int) -> list[str]:
    """What sticks out of a page `width` px wide (empty when the page fits)."""
    if page.evaluate("document.documentElement.scrollWidth") <= width:
        return []
    return page.evaluate(_OVERFLOWING, width) or ["the page is wider than the screen"]


def axe_violations(page: Page) -> list[dict]:
    """axe-core's critical and serious violations on the page as it is now."""
    # evaluate() goes through the debugging protocol, so a strict Content-Security-Policy on the
    # page (no inline scripts) does not stop the checker from being injected.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(_RUN_AXE)


def problems_of(page: Page) -> list[str]:
    """Every overflow and blocking axe violation of the page at each checked size."""
    found = []
    for size in SIZES:
        page.set_viewport_size(size)
        page.wait_for_timeout(50)  # one layout after the resize
        found += [f"{size['width']} px: overflows: {what}" for what in overflow(page, size["width"])]
        for violation in axe_violations(page):
            found.append(
                f"{size['width']} px: axe {violation['impact']} {violation['id']} ({violation['help']}): "
                + "; ".join(violation["targets"])
            )
    return found


def check_page(page: Page) -> None:
    """Fail the test when the page overflows at 360 or 1280 px or has a serious accessibility problem."""
    before = page.viewport_size
    try:
        found = problems_of(page)
    finally:
        if before:
            page.set_viewport_size(before)
    assert not found, f"{page.url}:\n" + "\n".join(found)
