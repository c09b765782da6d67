import Foundation
import HotlineDaemon
import Hummingbird
import HummingbirdWebSocket

/// The web chat channel (`http: chat: LINE`): customers reach the flow that line runs by
/// text, at `/chat` (a page anyone may open, like the phone number) over a WebSocket at
/// `/chat/socket`. Each message from the page is `{"text": "..."}` or `{"keys": "1"}`;
/// each answer is the flow's reply: `{"say": [...], "keys": [...], "ended": false}`. Each
/// conversation is stored like a call, on line "chat".
enum ChatChannel {
    struct Message: Decodable {
        var text: String?
        var keys: String?
    }

    static func add(to router: Router<ConsoleContext>, sockets: Router<BasicWebSocketRequestContext>, daemon: Daemon, line: String) {
        router.get("chat") { _, _ -> Response in
            var response = WebPages.page(title: "Chat with us", user: nil, body: """
                <div id="chat" data-socket="/chat/socket"><ol class="messages"></ol>
                <form class="say"><input name="text" autocomplete="off" size="60" autofocus><button type="submit">Send</button></form>
                <div class="keys"></div></div>
                """)
            response.headers[.contentSecurityPolicy] = "default-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:"
            return response
        }
        sockets.ws("chat/socket") { inbound, outbound, _ in
            let conversation = ChatConversation(daemon: daemon, line: line)
            defer { conversation.leave() }
            try await outbound.write(.text(try encode(conversation.start())))
            for try await message in inbound.messages(maxSize: 16 << 10) {
                guard case .text(let text) = message else { continue }
                let sent = try? JSONDecoder().decode(Message.self, from: Data(text.utf8))
                let reply = sent?.keys.map { conversation.press($0) } ?? conversation.type(sent?.text ?? "")
                try await outbound.write(.text(try encode(reply)))
                if reply.ended { break }
            }
        }
    }

    static func encode(_ reply: ChatConversation.Reply) throws -> String {
        String(decoding: try JSONEncoder().encode(reply), as: UTF8.self)
    }
}
