import Foundation
import HotlineDaemon
import HotlineStore
import HTTPTypes
import Hummingbird

/// The console's web pages, rendered here (no CDN, nothing built with Node): the
/// dashboard of the analytics, calls with `calls list`'s filters, a call with its turns,
/// their audio and what the flow made of them, the flows with their versions (upload and
/// roll back for admins), and the live calls. Pages read what the JSON API serves; the
/// few actions go through the API from `/static/console.js` with the session's CSRF token.
enum WebPages {
    static func add(to router: Router<ConsoleContext>, daemon: Daemon, store: CallStore?) {
        router.get("static/console.js") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: script)))
        }
        router.get("live") { _, context -> Response in
            let rows = daemon.liveCalls.map { call in
                [call.line, call.call.map { "<a href=\"/calls/\($0)\">\($0)</a>" } ?? "-", escape(call.startedAt),
                 escape(call.caller ?? "-"), escape(call.called ?? "-"), escape(call.state)]
            }
            return page(title: "Live calls", user: try context.requireIdentity(),
                        body: table(["line", "call", "started", "caller", "called", "state"], rows, raw: true))
        }
        router.get("flows") { _, context -> Response in
            let user = try context.requireIdentity()
            var body = "<h2>Running</h2>" + table(["line", "number", "flow", "version", "graph"], daemon.runningFlows.map {
                let query = "line=\(escape($0.line))" + ($0.number.map { "&amp;number=\(escape($0))" } ?? "")
                return [escape($0.line), escape($0.number ?? ""), escape($0.path), escape($0.version),
                        "<a href=\"/api/flows/graph?\(query)\">states and ways (SVG)</a>"]
            }, raw: true)
            let stored = Set(daemon.runningFlows.compactMap { DaemonConfiguration.storedFlowName($0.path) }).sorted()
            for name in stored {
                let versions = try store?.flowVersions(name) ?? []
                body += "<h2>store:\(escape(name))</h2>" + table(["version", "published", "by", ""], versions.enumerated().map { index, version in
                    [escape(version.version), escape(version.publishedAt), escape(version.publishedBy),
                     index == 0 ? "in force" : user.role == .admin
                        ? "<button data-rollback=\"\(escape(name))\" data-version=\"\(escape(version.version))\">put back in force</button>" : ""]
                }, raw: true)
                if user.role == .admin {
                    body += """
                        <form class="upload" data-flow="\(escape(name))"><label>New version of \(escape(name)) (YAML)
                        <textarea name="yaml" rows="12" cols="90">\(escape(versions.first?.content ?? ""))</textarea></label>
                        <button type="submit">Check and publish</button><ul class="problems"></ul></form>
                        """
                }
            }
            return page(title: "Flows", user: user, body: body)
        }
        guard let store else { return }
        router.get("/") { request, context -> Response in
            let stats = try store.analytics(CallsAPI.query(request))
            let percent = { (x: Double) in String(format: "%.1f%%", x * 100) }
            let summary = table(["calls", "containment", "transfer", "abandoned", "average handle time"],
                                [["\(stats.calls)", percent(stats.containment), percent(stats.transferRate), percent(stats.abandonment),
                                  String(format: "%.1f s", stats.averageHandleSeconds)]])
            let states = table(["state", "turns", "no-input", "no-match", "drop-offs"], stats.states.map {
                [$0.state, "\($0.turns)", "\($0.noInputs)", "\($0.noMatches)", "\($0.dropOffs)"]
            })
            let versions = table(["flow version", "calls", "containment"], stats.perFlowVersion.sorted { $0.key < $1.key }.map {
                [$0.key.isEmpty ? "(none)" : $0.key, "\($0.value.calls)", percent($0.value.containment)]
            })
            let days = table(["day", "calls"], stats.perDay.sorted { $0.key > $1.key }.prefix(14).map { [$0.key, "\($0.value)"] })
            return page(title: "Dashboard", user: try context.requireIdentity(),
                        body: summary + "<h2>Per state</h2>" + states + "<h2>Confidence of spoken turns</h2>" + histogram(stats.confidence)
                            + "<h2>Calls by hour of the day (UTC)</h2>" + histogram(stats.perHour, labels: (0..<24).map { "\($0)" })
                            + "<h2>Slot values taken</h2>" + table(["slot", "value", "turns"], stats.slots.sorted { $0.key < $1.key }.flatMap { slot in
                                slot.value.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { [slot.key, $0.key, "\($0.value)"] }
                            })
                            + "<h2>Per flow version</h2>" + versions + "<h2>Per day</h2>" + days
                            + "<p><a href=\"/api/calls.csv\">calls as CSV</a> · <a href=\"/api/calls.csv?turns=true\">turns as CSV</a></p>")
        }
        router.get("calls") { request, context -> Response in
            var query = CallsAPI.query(request)
            query.limit = query.limit ?? 200
            let rows = try store.calls(query).map { summary -> [String] in
                let call = summary.call
                return ["<a href=\"/calls/\(call.id)\">\(call.id)</a>", escape(call.startedAt), escape(call.line), escape(call.node ?? ""),
                        escape(call.outcome.isEmpty ? "(cut off)" : call.outcome), "\(summary.turns)", "\(summary.noMatches)",
                        "\(summary.noInputs)", summary.lowestConfidence.map { String(format: "%.2f", $0) } ?? ""]
            }
            let parameters = request.uri.queryParameters
            let field = { (name: String) in escape(parameters[Substring(name)].map(String.init) ?? "") }
            let filters = """
                <form method="get" action="/calls" class="filters">
                <label>since <input name="since" value="\(field("since"))" placeholder="2026-12-07"></label>
                <label>until <input name="until" value="\(field("until"))"></label>
                <label>line <input name="line" value="\(field("line"))"></label>
                <label>outcome <input name="outcome" value="\(field("outcome"))" placeholder="transfer"></label>
                <label>read as <input name="interpretation" value="\(field("interpretation"))" placeholder="menu option 2"></label>
                <label>confidence below <input name="confidence_below" value="\(field("confidence_below"))" size="4" placeholder="0.5"></label>
                <label>flow version <input name="version" value="\(field("version"))" size="12"></label>
                <label><input type="checkbox" name="struggled" value="true"\(query.struggled ? " checked" : "")> struggled</label>
                <button type="submit">Filter</button></form>
                """
            return page(title: "Calls", user: try context.requireIdentity(),
                        body: filters + table(["call", "started", "line", "node", "outcome", "turns", "no-match", "no-input", "lowest confidence"],
                                              rows, raw: true))
        }
        router.get("accuracy") { request, context -> Response in
            let report = try store.accuracy(CallsAPI.query(request))
            let percent = { (x: Double) in String(format: "%.1f%%", x * 100) }
            let rows = (report.states + (report.states.isEmpty ? [] : [report.total])).map {
                [$0.state.isEmpty ? "all states" : $0.state, "\($0.annotated)", "\($0.correct)", percent($0.accuracy), "\($0.missed)",
                 "\($0.words)", percent($0.wordErrorRate)]
            }
            return page(title: "Accuracy", user: try context.requireIdentity(),
                        body: "<p>Spoken turns QA annotated on the call pages, heard right or not (the filters of the calls list apply).</p>"
                            + table(["state", "annotated turns", "heard right", "accuracy", "missed (no-match, no-input)", "words",
                                     "word error rate"], rows))
        }
        router.get("calls/:id/replay") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            let compared = try await CallsAPI.replay(id, store: store, daemon: daemon)
            let shown = { (turn: TurnRecord?) in
                turn.map { escape("[\($0.state)] \($0.input.rawValue) \"\($0.heard)\"" + ($0.confidence.map { String(format: " (%.2f)", $0) } ?? "")
                                  + " -> \($0.interpretation)") } ?? "-"
            }
            let rows = compared.map { ["\($0.turn)", shown($0.then), shown($0.now), $0.same ? "same" : "<strong>differs</strong>"] }
            let differ = compared.filter { !$0.same }.count
            return page(title: "Call \(id) replayed", user: try context.requireIdentity(),
                        body: "<p>The caller's side of the recording run again through what line's flow and models are today: "
                            + "\(differ) of \(compared.count) turns differ. <a href=\"/calls/\(id)\">Back to the call</a></p>"
                            + table(["turn", "then", "now", ""], rows, raw: true))
        }
        router.get("calls/:id") { _, context -> Response in
            let id = try context.parameters.require("id", as: Int64.self)
            guard let call = try store.call(id) else { throw HTTPError(.notFound, message: "no call \(id)") }
            let turns = try store.turns(call: id)
            let header = table(["started", "line", "node", "flow", "version", "caller", "outcome", "length"],
                               [[call.startedAt, call.line, call.node ?? "", call.flow, call.flowVersion ?? "", call.parties?.caller ?? "",
                                 call.outcome.isEmpty ? "(cut off)" : call.outcome, String(format: "%.1f s", Double(call.durationMs) / 1000)]])
            let audio = { (n: Int) in
                call.recording == nil ? "" : "<audio controls preload=\"none\" src=\"/api/calls/\(id)/audio?turn=\(n)&amp;channel=both\"></audio>"
            }
            let annotations = try store.annotations(call: id)
            let rows = turns.enumerated().map { index, turn -> [String] in
                let number = index + 1
                let annotation = [.speech, .noMatch, .noInput].contains(turn.input)
                    ? "<input class=\"said\" data-turn=\"\(number)\" value=\"\(escape(annotations[number]?.said ?? ""))\" size=\"24\">"
                        + "<button data-annotate=\"\(id)\" data-turn=\"\(number)\">save</button>"
                        + (annotations[number].map { " <span class=\"saved\">by \(escape($0.annotatedBy))</span>" } ?? "")
                    : ""
                return [String(format: "%.1f s", Double(turn.atMs) / 1000), escape(turn.state), escape(turn.input.rawValue), escape(turn.heard),
                        turn.confidence.map { String(format: "%.2f", $0) } ?? "", escape(turn.nbest.dropFirst().joined(separator: " | ")),
                        escape(turn.interpretation), escape(turn.replies.joined(separator: " ")), turn.speechMs == nil ? "" : audio(number),
                        annotation]
            }
            let whole = (call.recording == nil ? "<p>No recording.</p>"
                : "<p>Whole call: <audio controls preload=\"none\" src=\"/api/calls/\(id)/audio?channel=both\"></audio></p>")
                + "<p><a href=\"/api/calls/\(id)/test-case\">This call as a flow test case</a> (annotated turns as really said)"
                + (call.recording == nil ? "" : " · <a href=\"/calls/\(id)/replay\">Replay it through today's flow and models</a>") + "</p>"
            return page(title: "Call \(id)", user: try context.requireIdentity(),
                        body: header + whole + table(["at", "state", "input", "heard", "confidence", "alternatives", "read as", "hotline said", "audio",
                                                             "really said (QA)"],
                                                     rows, raw: true))
        }
    }

    /// A whole page: the navigation, `body`, the session's CSRF token for the script.
    static func page(title: String, user: ConsoleIdentity?, body: String) -> Response {
        let navigation = user.map { user in
            """
            <nav><a href="/">Dashboard</a> <a href="/calls">Calls</a> <a href="/calls?struggled=true">Struggled</a> \
            <a href="/accuracy">Accuracy</a> <a href="/live">Live</a> <a href="/flows">Flows</a> <span>\(escape(user.name)) (\(user.role.rawValue))</span> \
            <form method="post" action="/logout?csrf=\(user.csrf ?? "")"><button type="submit">Sign out</button></form></nav>
            """
        } ?? ""
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escape(title)) - Hotline</title>
            <meta name="csrf" content="\(user?.csrf ?? "")"><style>\(style)</style><script src="/static/console.js" defer></script></head>
            <body>\(navigation)<h1>\(escape(title))</h1>\(body)</body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8",
                                               .contentSecurityPolicy: "default-src 'self'; style-src 'unsafe-inline'; media-src 'self'",
                                               HTTPField.Name("X-Frame-Options")!: "DENY"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A table; cells are escaped unless `raw` (callers escape what they build).
    static func table(_ headings: [String], _ rows: [[String]], raw: Bool = false) -> String {
        "<table><tr>" + headings.map { "<th>\(escape($0))</th>" }.joined() + "</tr>"
            + rows.map { "<tr>" + $0.map { "<td>\(raw ? $0 : escape($0))</td>" }.joined() + "</tr>" }.joined() + "</table>"
    }

    /// Counts as SVG bars (by default the confidence tenths .0 ... .9).
    static func histogram(_ counts: [Int], labels: [String] = (0..<10).map { ".\($0)" }) -> String {
        let top = max(counts.max() ?? 0, 1)
        let bars = counts.enumerated().map { index, count in
            let height = Double(count) / Double(top) * 100
            return "<rect x=\"\(index * 40 + 5)\" y=\"\(110 - height)\" width=\"30\" height=\"\(height)\"><title>\(count)</title></rect>"
                + "<text x=\"\(index * 40 + 8)\" y=\"125\">\(escape(labels[index]))</text>"
        }.joined()
        return "<svg class=\"histogram\" width=\"\(counts.count * 40 + 10)\" height=\"130\" role=\"img\">\(bars)</svg>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let style = """
        body{font:14px system-ui,sans-serif;margin:1em 2em}nav{display:flex;gap:1em;align-items:center}nav form{display:inline}
        table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}
        .problem,.problems li{color:#a00}.histogram rect{fill:#47a}label{margin-right:.8em}textarea{font-family:monospace}
        """

    /// Publishing and rolling back flows through the API, with the page's CSRF token.
    static let script = """
        const csrf = document.querySelector('meta[name=csrf]').content;
        for (const form of document.querySelectorAll('form.upload')) {
          form.addEventListener('submit', async (event) => {
            event.preventDefault();
            const list = form.querySelector('.problems');
            list.textContent = '';
            const response = await fetch('/api/flows/' + form.dataset.flow, {method: 'PUT', body: form.yaml.value,
              headers: {'X-CSRF-Token': csrf, 'Content-Type': 'application/yaml'}});
            const answer = await response.json();
            if (response.ok) { location.reload(); return; }
            for (const problem of answer.problems || [{line: 0, column: 0, message: answer.error ? answer.error.message : response.statusText}]) {
              const item = document.createElement('li');
              item.textContent = 'line ' + problem.line + ', column ' + problem.column + ': ' + problem.message;
              list.appendChild(item);
            }
          });
        }
        for (const button of document.querySelectorAll('button[data-annotate]')) {
          button.addEventListener('click', async () => {
            const said = document.querySelector('input.said[data-turn="' + button.dataset.turn + '"]').value;
            const response = await fetch('/api/calls/' + button.dataset.annotate + '/turns/' + button.dataset.turn + '/annotation',
              {method: 'PUT', body: said, headers: {'X-CSRF-Token': csrf, 'Content-Type': 'text/plain'}});
            button.textContent = response.ok ? 'saved' : 'failed (' + response.status + ')';
          });
        }
        const chat = document.getElementById('chat');
        if (chat) {
          const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + chat.dataset.socket);
          const list = chat.querySelector('.messages'), keys = chat.querySelector('.keys'), form = chat.querySelector('form.say');
          const show = (who, text) => {
            const item = document.createElement('li');
            item.className = who;
            item.textContent = (who === 'you' ? 'You: ' : 'Hotline: ') + text;
            list.appendChild(item);
          };
          const send = (message, shown) => { show('you', shown); socket.send(JSON.stringify(message)); };
          socket.addEventListener('message', (event) => {
            const reply = JSON.parse(event.data);
            for (const text of reply.say) show('hotline', text);
            keys.textContent = '';
            for (const key of reply.keys) {
              const button = document.createElement('button');
              button.textContent = key;
              button.className = 'key';
              button.addEventListener('click', () => send({keys: key}, 'pressed ' + key));
              keys.appendChild(button);
            }
            if (reply.ended) {
              show('hotline', '(conversation ended: ' + reply.outcome + ')');
              form.text.disabled = true;
              chat.dataset.ended = reply.outcome;
            }
          });
          addEventListener('pagehide', () => socket.close());   // leaving the page ends the conversation
          form.addEventListener('submit', (event) => {
            event.preventDefault();
            send({text: form.text.value}, form.text.value);
            form.text.value = '';
          });
        }
        for (const button of document.querySelectorAll('button[data-rollback]')) {
          button.addEventListener('click', async () => {
            const response = await fetch('/api/flows/' + button.dataset.rollback + '/rollback?to=' + button.dataset.version,
              {method: 'POST', headers: {'X-CSRF-Token': csrf}});
            if (response.ok) location.reload(); else alert('rollback failed: ' + response.status);
          });
        }
        """
}
