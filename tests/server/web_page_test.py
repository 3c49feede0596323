#!/usr/bin/env python3
"""The analysts' page in a real browser: headless Chromium driven through the DevTools protocol.

  web_page_test.py SKG DATASET_DIR OUT_DIR

Starts `skg serve` on the bundled Kaspersky case on a free port, opens the page, types
"Kasperski Labs" and presses Enter, opens AO Kaspersky Lab, sets the date to 2024-08-01, checks
the four verdicts shown against the API's answers, the shell's `exposure --json` and the values
datasets/kaspersky/EXPECTED.md states; checks the chain picture has parties and links; saves a
screenshot in OUT_DIR; uploads a malformed CSV and checks the message, then a good one and checks
the table. Exits 77 (CTest: skipped) when chromium or python3-websocket is missing. Every wait has
a timeout, and the browser and the server are killed at the end whatever happens.
"""
import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

SKIP = 77
ENTITY = "kaspersky-ao-kaspersky-lab"
LABS = "kaspersky-kaspersky-labs-limited"
INC = "kaspersky-kaspersky-lab-inc"
DAY = "2024-08-01"
RULES = ["ofac", "eu", "uk", "bis"]
# datasets/kaspersky/EXPECTED.md, "AO Kaspersky Lab": not on the SDN list, not blocked under
# OFAC's 50 Percent Rule; no EU or UK listing in the data, so nothing is blocked under them; on the
# BIS Entity List from 2024-06-24 (in force on 2024-08-01).
EXPECTED = {
    "ofac": {"listed": False, "verdict": "no"},
    "eu": {"listed": False, "verdict": "no"},
    "uk": {"listed": False, "verdict": "no"},
    "bis": {"listed": True},
}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


class DevTools:
    """A minimal DevTools protocol client over one page's WebSocket."""

    def __init__(self, url, websocket):
        self.ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.errors = []  # console errors, exceptions and CSP violations seen

    def call(self, method, **params):
        self.next_id += 1
        mine = self.next_id
        self.ws.send(json.dumps({"id": mine, "method": method, "params": params}))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            message = json.loads(self.ws.recv())
            if message.get("id") == mine:
                if "error" in message:
                    raise Failure(f"{method}: {message['error']}")
                return message.get("result", {})
            self.event(message)
        raise Failure(f"{method}: no answer in 30 s")

    def event(self, message):
        method = message.get("method", "")
        params = message.get("params", {})
        if method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("exception", {}).get("description")
                               or params["exceptionDetails"].get("text"))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            # A failed request the page made on purpose (the malformed upload's 400) is expected.
            if "status of 400" not in params["entry"].get("text", ""):
                self.errors.append(f"{params['entry'].get('text')} ({params['entry'].get('url', '')})")
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params["args"]))

    def js(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise Failure(f"page script failed: {expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression, what, seconds=20):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.1)
        raise Failure(f"timed out after {seconds} s waiting for {what}")

    def key(self, key, code, vk, text=None):
        down = {"type": "keyDown", "key": key, "code": code, "windowsVirtualKeyCode": vk,
                "nativeVirtualKeyCode": vk}
        if text:
            down["text"] = text
        self.call("Input.dispatchKeyEvent", **down)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=vk,
                  nativeVirtualKeyCode=vk)

    def enter(self):
        self.key("Enter", "Enter", 13, "\r")

    def type(self, text):
        self.call("Input.insertText", text=text)


def get_json(url):
    with urllib.request.urlopen(url, timeout=20) as response:
        return json.load(response)


def start_server(skg, data):
    server = subprocess.Popen([skg, "--data", data, "serve", "--port", "0", "--no-access-log"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                              start_new_session=True)
    found = {}

    def read():
        for line in server.stderr:
            if "skg serve: http://" in line and "port" not in found:
                found["port"] = int(line.split("http://", 1)[1].split(" ", 1)[0].rsplit(":", 1)[1])
        # Keep draining so that the server never blocks on a full pipe.

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 60
    while "port" not in found:
        if server.poll() is not None:
            raise Failure(f"skg serve exited with {server.returncode} before listening")
        if time.monotonic() > deadline:
            raise Failure("skg serve did not say its port in 60 s")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{found['port']}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if get_json(base + "/readyz").get("status") == "ok":
                return server, base
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise Failure("skg serve was not ready in 60 s")
        time.sleep(0.1)


def start_browser(chromium, profile):
    browser = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--no-first-run", "--no-default-browser-check", "--disable-extensions",
         "--remote-debugging-port=0", "--remote-allow-origins=*", f"--user-data-dir={profile}",
         "--window-size=1280,1800", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    port_file = os.path.join(profile, "DevToolsActivePort")
    deadline = time.monotonic() + 60
    while True:
        if browser.poll() is not None:
            raise Failure(f"chromium exited with {browser.returncode} at start")
        if os.path.exists(port_file):
            lines = open(port_file).read().split()
            if lines:
                port = int(lines[0])
                break
        if time.monotonic() > deadline:
            raise Failure("chromium did not open its DevTools port in 60 s")
        time.sleep(0.1)
    targets = get_json(f"http://127.0.0.1:{port}/json/list")
    pages = [t for t in targets if t.get("type") == "page"]
    check(pages, "chromium has no page")
    return browser, pages[0]["webSocketDebuggerUrl"]


def stop(process):
    if process is None or process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError, PermissionError):
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait(timeout=10)


def wait_party(tools, party, name):
    tools.wait(f"document.getElementById('party-title').textContent === {json.dumps(name)} && "
               f"document.getElementById('verdicts').dataset.entity === '{party}' && "
               "document.querySelectorAll('#verdicts .verdict').length === 4", f"{name}'s page")


def follow(tools, table, party, row_says):
    """Focuses the link to `party` in `table` and presses Enter, as a keyboard user would."""
    row = tools.js(f"(() => {{ const a = [...document.querySelectorAll('{table} a')].find(a => "
                   f"a.getAttribute('href').includes('/{party}?')); if (!a) return null; a.focus();"
                   " return a.closest('tr').textContent; })()")
    check(row and row_says in row.lower(), f"no link to {party} in {table} saying {row_says!r}: {row}")
    tools.enter()


def shell_exposure(skg, data, rule):
    done = subprocess.run([skg, "--data", data, "--as-of", DAY, "--json", "exposure", ENTITY, "--rule", rule],
                          capture_output=True, text=True, timeout=60)
    check(done.returncode == 0, f"skg exposure --rule {rule} failed: {done.stderr}")
    return json.loads(done.stdout)


def run(skg, data, out, page):
    results = {}
    # The page and its headers.
    with urllib.request.urlopen(page.base + "/", timeout=20) as response:
        csp = response.headers.get("Content-Security-Policy", "")
        check("default-src 'none'" in csp and "script-src 'self'" in csp, f"/ has no strict CSP: {csp!r}")
        check(response.headers.get_content_type() == "text/html", "/ is not text/html")

    tools = page.tools
    tools.call("Page.enable")
    tools.call("Runtime.enable")
    tools.call("Log.enable")
    tools.call("Emulation.setDeviceMetricsOverride", width=1366, height=900, deviceScaleFactor=1, mobile=False)
    tools.call("Page.navigate", url=page.base + "/")
    tools.wait("document.readyState === 'complete' && !!document.getElementById('q') && "
               "document.getElementById('as-of').value !== ''", "the page to load")

    # Search, with the keyboard: type in the box, press Enter.
    tools.js("document.getElementById('q').focus()")
    tools.type("Kasperski Labs")
    tools.enter()
    tools.wait("location.hash.includes('q=Kasperski') && "
               "document.querySelectorAll('#search-results > li').length > 0", "the search hits")
    shown = tools.js("[...document.querySelectorAll('#search-results > li')].map(li => ({"
                     "name: li.querySelector('strong a').textContent,"
                     "id: decodeURIComponent(li.querySelector('strong a').getAttribute('href').split('/')[2].split('?')[0]),"
                     "score: li.querySelector('.score').textContent}))")
    today = tools.js("document.getElementById('as-of').value")
    api = get_json(page.base + "/search/default?" + urllib.parse.urlencode(
        {"q": "Kasperski Labs", "as_of": today, "limit": 20}))
    check([h["id"] for h in shown] == [r["id"] for r in api["results"]],
          f"the hits shown {shown} are not the API's {[r['id'] for r in api['results']]}")
    # "Labs" finds Kaspersky Labs Limited; AO Kaspersky Lab, its parent, is one link away
    # (screening does not take "Labs" for "Lab": a 3-letter word must match exactly).
    check(LABS in [h["id"] for h in shown], f"Kaspersky Labs Limited is not among the hits: {shown}")
    check(tools.js("document.getElementById('threshold').value") == str(api["threshold"]),
          "the threshold shown is not the one the search used")
    results["hits"] = shown

    # Open Kaspersky Labs Limited; from its subsidiaries, Kaspersky Lab, Inc.; from Inc.'s links,
    # its parent AO Kaspersky Lab (the data's UnknownLink "parent (indirect; path unknown)").
    tools.js(f"[...document.querySelectorAll('#search-results strong a')].find(a => a.getAttribute('href').includes('{LABS}')).click()")
    wait_party(tools, LABS, "Kaspersky Labs Limited")
    follow(tools, "#subsidiaries", INC, "owns")
    wait_party(tools, INC, "Kaspersky Lab, Inc.")
    follow(tools, "#links", ENTITY, "parent")
    wait_party(tools, ENTITY, "AO Kaspersky Lab")

    # The date at the top: 2024-08-01, then Enter.
    tools.js(f"(() => {{ const d = document.getElementById('as-of'); d.focus(); d.value = '{DAY}'; }})()")
    tools.enter()
    tools.wait(f"document.getElementById('verdicts').dataset.asOf === '{DAY}' && "
               f"location.hash.includes('date={DAY}')", "the verdicts of " + DAY)
    cards = tools.js("[...document.querySelectorAll('#verdicts .verdict')].map(b => ({rule: b.dataset.rule,"
                     " listed: b.dataset.listed === 'true', verdict: b.dataset.verdict,"
                     " text: b.querySelector('.answer').textContent}))")
    check([c["rule"] for c in cards] == RULES, f"the verdicts are not OFAC, EU, UK, BIS side by side: {cards}")
    for card in cards:
        rule = card["rule"]
        answer = get_json(f"{page.base}/exposure/{ENTITY}?rule={rule}&as_of={DAY}")
        shell = shell_exposure(skg, data, rule)
        for source, value in (("the API", answer), ("the shell", shell)):
            check(card["listed"] == value["listed"] and card["verdict"] == value["verdict"],
                  f"{rule}: the page shows listed={card['listed']} verdict={card['verdict']}, "
                  f"{source} says listed={value['listed']} verdict={value['verdict']}")
        for key, want in EXPECTED[rule].items():
            check(answer[key] == want, f"{rule}: {key} is {answer[key]}, EXPECTED.md says {want}")
        expected_text = "listed" if card["listed"] else {"yes": "blocked", "possibly": "possibly blocked", "no": "not blocked"}[card["verdict"]]
        check(card["text"] == expected_text, f"{rule}: the card reads {card['text']!r}, not {expected_text!r}")
    results["verdicts"] = cards

    # The chain picture: parties and links drawn.
    picture = tools.js("(() => { const s = document.querySelector('#chain svg'); if (!s) return null;"
                       " return {nodes: s.querySelectorAll('g.node[data-id]').length,"
                       " edges: s.querySelectorAll('g.edges g.edge path').length,"
                       " states: [...s.querySelectorAll('g.node[data-id]')].map(g => g.dataset.state),"
                       " rule: document.querySelector('#verdicts .verdict[aria-pressed=true]').dataset.rule}; })()")
    check(picture is not None, "no chain picture drawn")
    check(picture["nodes"] >= 2 and picture["edges"] >= 1, f"the chain picture is empty: {picture}")
    check("listed" in picture["states"], f"no listed party in the chain picture: {picture}")
    results["picture"] = picture

    # A laptop's screen (what the analyst sees first), and the whole page. Nothing wider than it.
    check(tools.js("document.documentElement.scrollWidth <= window.innerWidth"),
          "the page is wider than a 1366-pixel screen (a horizontal scroll bar)")
    for name, whole in ((f"web-kaspersky-{DAY}.png", False), (f"web-kaspersky-{DAY}-full.png", True)):
        shot = tools.call("Page.captureScreenshot", format="png", captureBeyondViewport=whole)
        png = base64.b64decode(shot["data"])
        check(png.startswith(b"\x89PNG") and len(png) > 10000, "the screenshot is not a PNG of the page")
        with open(os.path.join(out, name), "wb") as file:
            file.write(png)
    results["screenshot"] = os.path.join(out, f"web-kaspersky-{DAY}.png")

    # Batch: a malformed upload gets a clear message on the page.
    tools.js("location.hash = '#/batch'")
    tools.wait("!document.getElementById('view-batch').hidden", "the batch view")
    bad = os.path.join(out, "malformed-counterparties.csv")
    with open(bad, "w") as file:
        file.write("customer;birthday\nKaspersky Lab;1997\n")
    def upload(path):
        node = tools.call("Runtime.evaluate", expression="document.getElementById('batch-file')")
        tools.call("DOM.enable")
        tools.call("DOM.setFileInputFiles", files=[path], objectId=node["result"]["objectId"])
        tools.js("document.querySelector('#batch-form button[type=submit]').click()")
    upload(bad)
    message = tools.wait("document.getElementById('batch-status').classList.contains('error') && "
                         "document.getElementById('batch-status').textContent", "the malformed upload's message")
    check("malformed-counterparties.csv:1" in message and "no 'name'" in message,
          f"the malformed upload's message does not say which file and line and why: {message!r}")
    check(tools.js("document.getElementById('batch-status').getAttribute('role')") == "alert",
          "the malformed upload's message is not announced (role=alert)")
    results["malformed"] = message

    good = os.path.join(out, "counterparties.csv")
    with open(good, "w") as file:
        file.write("ref,name,country\nc1,Kasperski Lab,RU\nc2,Jane Q Nobody,GB\n")
    upload(good)
    rows = tools.wait("!document.getElementById('batch-status').classList.contains('error') && "
                      "document.querySelectorAll('#batch-results tbody tr').length === 2 && "
                      "[...document.querySelectorAll('#batch-results tbody tr')].map(r => [...r.cells].map(c => c.textContent))",
                      "the batch table")
    check(rows[0][3] == "match" and rows[0][5] == "AO Kaspersky Lab", f"row 1 is not a match with AO Kaspersky Lab: {rows[0]}")
    check(rows[1][3] == "no match", f"row 2 is not 'no match': {rows[1]}")
    check(not tools.js("document.getElementById('batch-download').hidden"), "no download button after a batch")
    results["batch"] = rows
    check(not tools.errors, f"the page logged errors (a CSP violation, an exception): {tools.errors}")
    return results


class Page:
    pass


def main():
    if len(sys.argv) != 4:
        print(__doc__)
        return 2
    skg, data, out = (os.path.abspath(arg) for arg in sys.argv[1:4])
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("SKIP: no chromium on PATH (Debian: apt-get install chromium; scripts/install-deps.sh installs it)")
        return SKIP
    try:
        import websocket  # Debian: python3-websocket
    except ImportError:
        print(f"SKIP: {sys.executable} has no websocket module (Debian: apt-get install python3-websocket)")
        return SKIP
    os.makedirs(out, exist_ok=True)
    server = browser = None
    profile = tempfile.mkdtemp(prefix="skg-web-test-")
    # The whole test, whatever hangs: 240 s.
    signal.signal(signal.SIGALRM, lambda *_: (_ for _ in ()).throw(Failure("the test ran past 240 s")))
    signal.alarm(240)
    try:
        server, base = start_server(skg, data)
        browser, url = start_browser(chromium, profile)
        page = Page()
        page.base = base
        page.tools = DevTools(url, websocket)
        results = run(skg, data, out, page)
        print(json.dumps(results, indent=1, ensure_ascii=False))
        print("web page test passed; screenshot:", results["screenshot"])
        return 0
    except Failure as failure:
        print("FAIL:", failure)
        return 1
    finally:
        signal.alarm(0)
        stop(browser)
        stop(server)
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
