#!/usr/bin/python3
"""The web console in a real browser (Debian's chromium, headless, driven by selenium).

Starts hotlined with its console on a free loopback port, two users (ann: admin, quinn:
qa) and a SIP line running the example flow from the store; puts one struggled call in
the store (a no-match and a no-input turn, recorded); places a short SIP call with sipp so
the metrics have calls in them; then, as a user would:

  ann signs in, opens the struggled calls, the call, plays a turn's audio, writes down
  what the caller really said and finds it in the accuracy report;
  ann uploads a flow with an error and sees it at its line, publishes a good version,
  and puts the first one back in force;
  quinn (qa) signs in and finds no upload form; a wrong password is refused;
  a customer chats through the same flow on /chat (keys as buttons) and the chat is
  stored like a call; and `promtool check metrics` (Debian's prometheus) accepts /metrics.

Usage: /usr/bin/python3 Tests/Browser/console.py [HOTLINED] [HOTLINE]   (run by make test)
"""
import os, socket, sqlite3, subprocess, sys, tempfile, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as seen
from selenium.webdriver.support.ui import WebDriverWait

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOTLINED = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build/debug/hotlined"))
HOTLINE = os.path.abspath(sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, ".build/debug/hotline"))


def free_port(kind=socket.SOCK_STREAM):
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bcrypt(password):
    return subprocess.run([HOTLINED, "--hash-password"], input=password + "\n", capture_output=True, text=True,
                          check=True).stdout.strip()


def struggled_call(data):
    """One call in the store: a no-match turn, then silence; its recording a stereo WAV."""
    recording = os.path.join(data, "recordings", "pbx-1-1.wav")
    os.makedirs(os.path.dirname(recording), exist_ok=True)
    subprocess.run(["sox", os.path.join(ROOT, "Audio/samples/caller-order-status.flac"), "-r", "8000", "-c", "2", recording], check=True)
    db = sqlite3.connect(os.path.join(data, "calls.sqlite"))
    db.execute("INSERT INTO calls (started_at, line, flow, outcome, duration_ms, recording, flow_version) "
               "VALUES ('2026-12-07T10:00:00Z', 'pbx', 'store:hotline', 'caller hung up', 12000, ?, 'abc')", (recording,))
    for at, state, kind, heard, confidence, speech in [(5000, "main_menu", "nomatch", "uh", 0.21, "[2000,3500]"),
                                                       (11000, "main_menu", "noinput", "", None, None)]:
        db.execute("INSERT INTO turns (call_id, at_ms, state, expecting, input, heard, confidence, nbest, speech_ms, interpretation, "
                   "replies, reply_latency_ms) VALUES (1, ?, ?, 'menu', ?, ?, ?, '[]', ?, ?, '[\"Sorry?\"]', 3)",
                   (at, state, kind, heard, confidence, speech, kind))
    db.commit()


def main():
    folder = tempfile.mkdtemp(prefix="hotline-browser-")
    data = os.path.join(folder, "data")
    os.makedirs(os.path.join(data, "flows"))
    subprocess.run(["cp", os.path.join(ROOT, "Flows/orders.csv"), os.path.join(data, "flows")], check=True)
    open(os.path.join(data, "calls.sqlite"), "w").close()
    subprocess.run([HOTLINE, "flow", "publish", os.path.join(ROOT, "Flows/hotline.yaml"), "--db", os.path.join(data, "calls.sqlite"),
                    "--by", "setup"], check=True, stdout=subprocess.DEVNULL)
    struggled_call(data)
    http, sip = free_port(), free_port(socket.SOCK_DGRAM)
    config = os.path.join(folder, "hotlined.yaml")
    with open(config, "w") as f:
        f.write(f"""models:
  acoustic: {ROOT}/Models/acoustic/acoustic.hnn
  voice: {ROOT}/Models/voices/rms/rms.voice
  lexicon: {ROOT}/Models/lexicon/cmudict-en-us.dict
data_dir: {data}
http:
  listen: 127.0.0.1:{http}
  chat: pbx
  users:
    ann: {{ role: admin, password: "{bcrypt("ann's secret")}" }}
    quinn: {{ role: qa, password: "{bcrypt("quinn's secret")}" }}
lines:
  - name: pbx
    flow: store:hotline
    sip: {{ listen: 127.0.0.1:{sip} }}
""")
    daemon = subprocess.Popen([HOTLINED, "--config", config], stdout=subprocess.DEVNULL, stderr=open(os.path.join(folder, "hotlined.log"), "w"))
    options = webdriver.ChromeOptions()
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--autoplay-policy=no-user-gesture-required",
                     f"--user-data-dir={folder}/chromium"]:
        options.add_argument(argument)
    service = Service(executable_path="/usr/bin/chromedriver")
    browser = None
    try:
        base = f"http://127.0.0.1:{http}"
        for _ in range(300):
            if "HTTP on" in open(os.path.join(folder, "hotlined.log")).read():
                break
            time.sleep(0.1)
        # A short SIP call first (sipp answers, then hangs up after 3 s), so the metrics have calls in them.
        subprocess.run(["sipp", "-sf", os.path.join(ROOT, "Tests/SIPScenarios/caller-hangs-up.xml"), "-m", "1", "-i", "127.0.0.1",
                        "-p", str(free_port(socket.SOCK_DGRAM)), "-s", "5000", "-nostdin", f"127.0.0.1:{sip}"],
                       cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        time.sleep(0.5)
        metrics = urllib.request.urlopen(base + "/metrics").read()
        assert b"hotline_calls" in metrics, metrics
        promtool = subprocess.run(["promtool", "check", "metrics"], input=metrics, capture_output=True)
        assert promtool.returncode == 0, promtool.stdout + promtool.stderr
        check(f"promtool check metrics accepts /metrics ({len(metrics.splitlines())} lines)")
        browser = webdriver.Chrome(options=options, service=service)
        wait = WebDriverWait(browser, 20)

        def sign_in(user, password):
            browser.delete_all_cookies()
            browser.get(base + "/login")
            browser.find_element(By.NAME, "user").send_keys(user)
            browser.find_element(By.NAME, "password").send_keys(password)
            browser.find_element(By.CSS_SELECTOR, "form.login button").click()

        sign_in("ann", "wrong")
        wait.until(seen.text_to_be_present_in_element((By.CSS_SELECTOR, ".problem"), "Wrong user or password"))
        sign_in("ann", "ann's secret")
        wait.until(seen.title_contains("Dashboard"))
        assert "main_menu" in browser.page_source, "the dashboard shows the states"
        check("signed in as admin; the dashboard shows the states")

        browser.find_element(By.LINK_TEXT, "Struggled").click()
        wait.until(seen.title_contains("Calls"))
        browser.find_element(By.LINK_TEXT, "1").click()
        wait.until(seen.title_contains("Call 1"))
        assert "nomatch" in browser.page_source and "Sorry?" in browser.page_source
        audio = browser.find_element(By.CSS_SELECTOR, "td audio")
        browser.execute_script("arguments[0].muted = true; arguments[0].play();", audio)
        wait.until(lambda _: browser.execute_script("return arguments[0].readyState >= 2 && arguments[0].duration > 1", audio))
        assert browser.execute_script("return arguments[0].error", audio) is None
        check(f"found the struggled call and played turn 1 ({browser.execute_script('return arguments[0].duration', audio):.1f} s)")

        said = browser.find_element(By.CSS_SELECTOR, 'input.said[data-turn="1"]')
        said.send_keys("one")
        save = browser.find_element(By.CSS_SELECTOR, 'button[data-annotate][data-turn="1"]')
        save.click()
        wait.until(lambda _: save.text == "saved")
        browser.find_element(By.PARTIAL_LINK_TEXT, "Replay it").click()
        wait.until(seen.title_contains("replayed"))
        summary = browser.find_element(By.CSS_SELECTOR, "p").text
        assert "turns differ" in summary and "[main_menu]" in browser.page_source, summary
        check(f"replayed the call through today's flow: {summary.split(': ')[-1].split('.')[0]}")
        browser.find_element(By.LINK_TEXT, "Accuracy").click()
        wait.until(seen.title_contains("Accuracy"))
        row = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table tr:nth-child(2) td")]
        assert row[:5] == ["main_menu", "1", "0", "0.0%", "1"], row
        check(f"annotated turn 1 as 'one'; the accuracy report counts it as missed: {row}")

        browser.find_element(By.LINK_TEXT, "Flows").click()
        wait.until(seen.title_contains("Flows"))
        original = browser.find_element(By.CSS_SELECTOR, "form.upload textarea").get_attribute("value")
        set_text(browser, "flow: broken\nstart: nowhere\nstates:\n  a:\n    prompt: hi\n    goto: b\n")
        browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
        wait.until(seen.presence_of_element_located((By.CSS_SELECTOR, ".problems li")))
        problems = [item.text for item in browser.find_elements(By.CSS_SELECTOR, ".problems li")]
        assert problems and all(p.startswith("line ") for p in problems), problems
        check(f"a flow with errors was refused, its problems at their lines: {problems[0]}")

        set_text(browser, original + "\n# version 2\n")
        browser.find_element(By.CSS_SELECTOR, "form.upload button").click()
        wait.until(lambda _: len(browser.find_elements(By.CSS_SELECTOR, "button[data-rollback]")) == 1)
        assert "ann" in browser.page_source
        browser.find_element(By.CSS_SELECTOR, "button[data-rollback]").click()
        wait.until(lambda _: len(browser.find_elements(By.CSS_SELECTOR, "button[data-rollback]")) == 2)
        check("published a second version, then put the first back in force (3 versions kept)")

        sign_in("quinn", "quinn's secret")
        wait.until(seen.title_contains("Dashboard"))
        browser.get(base + "/flows")
        wait.until(seen.title_contains("Flows"))
        assert not browser.find_elements(By.CSS_SELECTOR, "form.upload") and not browser.find_elements(By.CSS_SELECTOR, "button[data-rollback]")
        check("a qa user sees the flows but no upload form or rollback")

        # A customer chats with the same flow: no sign-in, keys as buttons; stored like a call.
        browser.delete_all_cookies()
        browser.get(base + "/chat")
        hotline_says = lambda: [item.text for item in browser.find_elements(By.CSS_SELECTOR, "li.hotline")]
        wait.until(lambda _: any("press or say 1" in text for text in hotline_says()))
        browser.find_element(By.XPATH, "//div[@class='keys']/button[text()='1']").click()
        wait.until(lambda _: any("order number" in text for text in hotline_says()))
        box = browser.find_element(By.NAME, "text")
        box.send_keys("five five five oh one nine")
        browser.find_element(By.CSS_SELECTOR, "form.say button").click()
        wait.until(lambda _: any("Order 5 5 5 0 1 9" in text for text in hotline_says()))
        check(f"chatted through the flow: {hotline_says()[-2]}")
        browser.get(base + "/login")   # leaving the chat ends it
        sign_in("quinn", "quinn's secret")
        wait.until(seen.title_contains("Dashboard"))
        browser.get(base + "/calls?line=chat")
        wait.until(lambda _: browser.refresh() or "caller hung up" in browser.page_source)   # stored once the socket closed
        row = [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, "table tr:nth-child(2) td")]
        assert row[2] == "chat" and int(row[5]) == 2, row
        check(f"the chat is stored like a call: {row[:6]}")
    finally:
        if browser:
            browser.quit()
        daemon.terminate()
        daemon.wait()
        if os.environ.get("KEEP"):
            print(f"kept {folder}")
        else:
            subprocess.run(["rm", "-rf", folder])


def set_text(browser, text):
    area = browser.find_element(By.CSS_SELECTOR, "form.upload textarea")
    browser.execute_script("arguments[0].value = arguments[1];", area, text)


def check(what):
    print(f"console in chromium: ok: {what}")


if __name__ == "__main__":
    main()
