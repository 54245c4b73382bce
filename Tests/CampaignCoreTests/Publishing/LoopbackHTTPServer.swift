import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// A request as the loopback server received it.
struct ReceivedRequest: Sendable {
    var method: String
    var path: String
    var query: String?
    /// Header values by lower-cased name (the last one wins).
    var headers: [String: String]
    var body: [UInt8]

    var bodyText: String {
        String(decoding: body, as: UTF8.self)
    }
}

/// What the loopback server answers.
struct LoopbackReply: Sendable {
    var status: Int
    var headers: [String: String] = [:]
    var body: String = ""
}

/// A Hummingbird HTTP/1.1 server on 127.0.0.1 with an ephemeral port, alive while `run`'s body runs.
struct LoopbackHTTPServer: Sendable {
    let handler: @Sendable (ReceivedRequest) async -> LoopbackReply

    init(handler: @escaping @Sendable (ReceivedRequest) async -> LoopbackReply) {
        self.handler = handler
    }

    /// Starts the server, runs `body` with its port, then stops the server.
    @discardableResult
    func run<T: Sendable>(_ body: @Sendable (_ port: Int) async throws -> T) async throws -> T {
        let handler = self.handler
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            var request = request
            let buffer = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers {
                headers[field.name.canonicalName.lowercased()] = field.value
            }
            // HTTPTypes moves the HTTP/1.1 Host header into the request's authority.
            if let authority = request.head.authority {
                headers["host"] = authority
            }
            let received = ReceivedRequest(
                method: request.method.rawValue,
                path: request.uri.path,
                query: request.uri.query,
                headers: headers,
                body: Array(buffer.readableBytesView)
            )
            let reply = await handler(received)
            var fields = HTTPFields()
            fields[.contentType] = "application/json"
            for (name, value) in reply.headers {
                if let fieldName = HTTPField.Name(name) {
                    fields[fieldName] = value
                }
            }
            return Response(
                status: HTTPResponse.Status(code: reply.status),
                headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(string: reply.body))
            )
        }
        var logger = Logger(label: "loopback-test-server")
        logger.logLevel = .critical
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await app.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next(), port > 0 else {
                throw LoopbackServerError.noPort
            }
            let result = try await body(port)
            group.cancelAll()
            while (try? await group.next()) != nil {}
            return result
        }
    }
}

enum LoopbackServerError: Error {
    case noPort
}
