"""WCAG 2.1 AA basics on every staff page, in a real browser at phone width.

Checked by script in the rendered page (computed styles, not the templates): the language, one heading of
level 1, the landmarks, a name for every form control, text contrast of at least 4.5:1 (3:1 for large
text), targets of at least 44 px for buttons and fields, a skip link as the first Tab stop, and no
sideways scrolling at 360 px.
"""

import pytest

pytestmark = pytest.mark.browser

AUDIT = r"""
(landmarks) => {
  const problems = [];
  const visible = (el) => {
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  if (document.documentElement.lang !== 'zh-Hans' && document.documentElement.lang !== 'en')
    problems.push('html lang is ' + document.documentElement.lang);
  if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count ' + document.querySelectorAll('h1').length);
  for (const sel of landmarks)
    if (!document.querySelector(sel)) problems.push('missing landmark ' + sel);
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
    if (!named) problems.push('no label: ' + (el.name || el.outerHTML.slice(0, 60)));
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) problems.push('img without alt');
  for (const el of document.querySelectorAll('button, input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea')) {
    if (!visible(el)) continue;
    if (el.getBoundingClientRect().height < 44) problems.push('small target (' + Math.round(el.getBoundingClientRect().height) + 'px): ' + (el.name || el.textContent.trim().slice(0, 20)));
  }
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!walker.currentNode.textContent.trim() || seen.has(el) || !visible(el)) continue;
    seen.add(el);
    const s = getComputedStyle(el);
    if (el.closest('.visually-hidden, .sr-only, .skip-link')) continue;
    const fg = rgb(s.color).slice(0, 3), bg = background(el);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize), bold = parseInt(s.fontWeight, 10) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    if (ratio < (large ? 3 : 4.5)) problems.push(`contrast ${ratio.toFixed(2)}: "${walker.currentNode.textContent.trim().slice(0, 20)}"`);
  }
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push('horizontal scroll ' + document.documentElement.scrollWidth);
  return problems;
}
"""


def audit(page, path: str, landmarks=("header", "nav", "main", "footer")) -> list[str]:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path}: {response and response.status}"
    return [f"{path}: {problem}" for problem in page.evaluate(AUDIT, list(landmarks))]


def test_sign_in_page_is_accessible(transactional_db, world, page):
    # Nobody is signed in yet, so there is no menu to put in a nav landmark.
    assert audit(page, "/accounts/login/", landmarks=("header", "main", "footer")) == []


def test_staff_pages_are_accessible(transactional_db, world, page, sign_in):
    sign_in(world.staff)
    paths = [
        f"/c/{world.community.pk}/",
        f"/c/{world.community.pk}/buildings/",
        f"/c/{world.community.pk}/residents/",
        f"/c/{world.community.pk}/residents/new/",
        f"/residents/{world.zhao.pk}/",
        f"/residents/{world.zhao.pk}/edit/",
        f"/residents/{world.zhao.pk}/move-out/",
        f"/buildings/{world.building_1.pk}/",
        f"/households/{world.own_household.pk}/",
        "/help/",
    ]
    problems = [problem for path in paths for problem in audit(page, path)]
    assert problems == []


def test_first_tab_reaches_the_skip_link(transactional_db, world, page, sign_in):
    sign_in(world.staff)
    page.goto(f"/c/{world.community.pk}/residents/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"


def test_street_and_resident_pages_are_accessible(transactional_db, world, page, sign_in):
    sign_in(world.street_officer)
    problems = audit(page, f"/street/{world.street.pk}/")
    page.context.clear_cookies()
    sign_in(world.resident)
    problems += audit(page, f"/households/{world.own_household.pk}/")
    assert problems == []
