public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1

/// How many times, and how patiently, the X Ads client retries.
public struct XAdsRetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included (at least 1).
    public var maxAttempts: Int
    /// The first backoff after a 5xx or a network error; it doubles with each further attempt.
    public var baseDelay: Duration
    /// The longest backoff between two attempts.
    public var maxDelay: Duration
    /// The longest wait for a rate-limit window to reset; a later reset fails at once as `unavailable`.
    public var maxRateLimitWait: Duration
    /// Added to the wait until the reset epoch, since the header has whole seconds and clocks drift.
    public var rateLimitMargin: Duration
    /// The time limit of one HTTP attempt.
    public var requestTimeout: Duration

    /// The defaults: 5 attempts, 1 s doubling up to 60 s, rate-limit waits up to 15 min (one X window) plus 1 s,
    /// 30 s per attempt.
    public init(
        maxAttempts: Int = 5,
        baseDelay: Duration = .seconds(1),
        maxDelay: Duration = .seconds(60),
        maxRateLimitWait: Duration = .seconds(900),
        rateLimitMargin: Duration = .seconds(1),
        requestTimeout: Duration = .seconds(30)
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRateLimitWait = maxRateLimitWait
        self.rateLimitMargin = rateLimitMargin
        self.requestTimeout = requestTimeout
    }

    /// The backoff before attempt `attempt + 1` with "equal jitter": half the exponential delay, plus a random
    /// part of the other half (`jitter` is in 0..<1).
    public func backoff(afterAttempt attempt: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(maxDelay, baseDelay * (1 << exponent))
        let clamped = min(max(jitter, 0), 1)
        return full / 2 + (full / 2) * clamped
    }
}

/// Where the X Ads client parameters go on a POST or PUT.
public enum XAdsParameterPlacement: String, Sendable, Hashable, Codable {
    /// In the query string, as X's documented example requests and its SDKs send them.
    case query
    /// In an `application/x-www-form-urlencoded` body.
    case formBody
}

/// The X Ads API (v12) over async-http-client, signed with OAuth 1.0a, with retries for 429, 5xx and network errors.
public struct XAdsClient: AdPlatform, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// What the client reads from the outside world, injectable so tests neither sleep nor guess.
    public struct Dependencies: Sendable {
        /// The current time (OAuth timestamps and rate-limit waits).
        public var now: @Sendable () -> Date
        /// A fresh OAuth nonce for each attempt.
        public var nonce: @Sendable () -> String
        /// Waits for the given duration (backoff and rate-limit waits).
        public var sleep: @Sendable (Duration) async throws -> Void
        /// A random number in 0..<1 for backoff jitter.
        public var jitter: @Sendable () -> Double

        /// Dependencies with every closure given.
        public init(
            now: @escaping @Sendable () -> Date,
            nonce: @escaping @Sendable () -> String,
            sleep: @escaping @Sendable (Duration) async throws -> Void,
            jitter: @escaping @Sendable () -> Double
        ) {
            self.now = now
            self.nonce = nonce
            self.sleep = sleep
            self.jitter = jitter
        }

        /// The real clock, random nonces and jitter, and `Task.sleep`.
        public static let live = Dependencies(
            now: { Date() },
            nonce: { OAuth1Signer.randomNonce() },
            sleep: { try await Task.sleep(for: $0) },
            jitter: { Double.random(in: 0..<1) }
        )
    }

    /// The largest response body read, in bytes.
    public static let maxResponseBytes = 4 << 20

    /// Where and as whom requests go.
    public let configuration: XAdsConfiguration
    /// How failures are retried.
    public let retryPolicy: XAdsRetryPolicy
    /// Where POST and PUT parameters are put.
    public let parameterPlacement: XAdsParameterPlacement
    private let httpClient: HTTPClient
    private let dependencies: Dependencies

    /// A client for `configuration`; pass a dedicated `HTTPClient` (e.g. with redirects disallowed) or use the
    /// shared one.
    public init(
        configuration: XAdsConfiguration,
        httpClient: HTTPClient = .shared,
        retryPolicy: XAdsRetryPolicy = XAdsRetryPolicy(),
        parameterPlacement: XAdsParameterPlacement = .query,
        dependencies: Dependencies = .live
    ) throws(AdPlatformError) {
        try configuration.validate()
        self.configuration = configuration
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.parameterPlacement = parameterPlacement
        self.dependencies = dependencies
    }

    /// The base URL and account only; never the credentials.
    public var description: String {
        "XAdsClient(baseURL: \(configuration.baseURL), accountID: \(configuration.accountID))"
    }

    /// Same as ``description``.
    public var debugDescription: String {
        description
    }

    /// A mirror with the configuration's redacted mirror only, so `dump` prints no credentials.
    public var customMirror: Mirror {
        Mirror(self, children: ["configuration": configuration])
    }

    /// Sends one request with its placeholders resolved from `ids` (plus `account_id` from the configuration),
    /// retrying as ``retryPolicy`` says; throws ``AdPlatformError``.
    public func send(_ request: AdRequest, ids: [String: String]) async throws -> AdResponse {
        if let given = ids["account_id"], given != configuration.accountID {
            throw AdPlatformError.misconfigured(
                "ids name account \(given) but the client is configured for \(configuration.accountID)"
            )
        }
        var allIDs = ids
        allIDs["account_id"] = configuration.accountID
        let resolved = try request.resolved(with: allIDs)
        let base =
            configuration.baseURL.hasSuffix("/") ? String(configuration.baseURL.dropLast()) : configuration.baseURL
        let parameters = resolved.parameters.map { (name: $0.name, value: $0.value) }
        let inQuery = resolved.jsonBody != nil || parameterPlacement == .query
        var url = base + resolved.path
        if inQuery, !parameters.isEmpty {
            url += "?" + OAuth1.encodeForm(parameters)
        }

        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let outcome = await perform(resolved, url: url, parameters: parameters, inQuery: inQuery)
            switch outcome {
            case .success(let status, let headers, let body):
                if (200..<300).contains(status) {
                    return try Self.successResponse(for: request, status: status, body: body)
                }
                if status == 429 {
                    let wait = try rateLimitWait(headers: headers, attempt: attempt)
                    try await dependencies.sleep(wait)
                    continue
                }
                if (500..<600).contains(status) {
                    guard attempt < retryPolicy.maxAttempts else {
                        let reason = XAdsErrorBody.parse(body).map { $0.message } ?? "server error"
                        throw AdPlatformError.unavailable(status: status, reason: reason, attempts: attempt)
                    }
                    try await dependencies.sleep(
                        retryPolicy.backoff(afterAttempt: attempt, jitter: dependencies.jitter())
                    )
                    continue
                }
                throw Self.rejection(status: status, body: body)
            case .failure(let reason):
                guard attempt < retryPolicy.maxAttempts else {
                    throw AdPlatformError.unavailable(status: nil, reason: reason, attempts: attempt)
                }
                try await dependencies.sleep(retryPolicy.backoff(afterAttempt: attempt, jitter: dependencies.jitter()))
            }
        }
    }

    private enum Outcome {
        case success(status: Int, headers: HTTPHeaders, body: String)
        case failure(reason: String)
    }

    /// One signed attempt; network errors become `.failure`, cancellation ends the send.
    private func perform(
        _ resolved: ResolvedAdRequest,
        url: String,
        parameters: [(name: String, value: String)],
        inQuery: Bool
    ) async -> Outcome {
        let timestamp = String(Int64(dependencies.now().timeIntervalSince1970))
        let signedBody = inQuery ? [] : parameters
        guard
            let authorization = configuration.signer.authorizationHeader(
                method: resolved.method,
                url: url,
                parameters: signedBody,
                nonce: dependencies.nonce(),
                timestamp: timestamp
            )
        else {
            return .failure(reason: "the request url could not be signed")
        }
        var request = HTTPClientRequest(url: url)
        switch resolved.method {
        case "PUT": request.method = .PUT
        case "GET": request.method = .GET
        default: request.method = .POST
        }
        request.headers.add(name: "Authorization", value: authorization)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "campaignctl")
        if let json = resolved.jsonBody {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if !inQuery {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: OAuth1.encodeForm(parameters)))
        }
        do {
            let response = try await httpClient.execute(request, timeout: .init(retryPolicy.requestTimeout))
            let buffer = try await response.body.collect(upTo: Self.maxResponseBytes)
            let body = String(decoding: buffer.readableBytesView, as: UTF8.self)
            return .success(status: Int(response.status.code), headers: response.headers, body: body)
        } catch {
            return .failure(reason: Self.networkReason(error))
        }
    }

    /// How long to wait after a 429: until the later of the two reset headers (epoch seconds) plus the margin, or
    /// the exponential backoff when neither is present.
    private func rateLimitWait(headers: HTTPHeaders, attempt: Int) throws(AdPlatformError) -> Duration {
        guard attempt < retryPolicy.maxAttempts else {
            throw .unavailable(status: 429, reason: "rate limited", attempts: attempt)
        }
        let resets = ["x-account-rate-limit-reset", "x-rate-limit-reset"].compactMap { name in
            headers.first(name: name).flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        }
        guard let reset = resets.max() else {
            return retryPolicy.backoff(afterAttempt: attempt, jitter: dependencies.jitter())
        }
        let now = dependencies.now().timeIntervalSince1970
        let seconds = max(0, Double(reset) - now)
        let wait = Duration.milliseconds(Int64((seconds * 1000).rounded(.up))) + retryPolicy.rateLimitMargin
        guard wait <= retryPolicy.maxRateLimitWait else {
            throw .unavailable(
                status: 429,
                reason: "rate limited until \(reset), beyond the \(retryPolicy.maxRateLimitWait) wait limit",
                attempts: attempt
            )
        }
        return wait
    }

    private static func successResponse(
        for request: AdRequest,
        status: Int,
        body: String
    ) throws(AdPlatformError)
        -> AdResponse
    {
        guard let field = request.returns else {
            return AdResponse(status: status, body: body, returnedValue: nil)
        }
        guard let value = XAdsDataField.value(of: field, in: body) else {
            throw .missingID(step: request.step, field: field)
        }
        return AdResponse(status: status, body: body, returnedValue: value)
    }

    private static func rejection(status: Int, body: String) -> AdPlatformError {
        if let error = XAdsErrorBody.parse(body) {
            return .rejected(status: status, code: error.code, message: error.message)
        }
        if (300..<400).contains(status) {
            return .rejected(status: status, code: nil, message: "unexpected redirect")
        }
        return .rejected(status: status, code: nil, message: "http \(status) without an error body")
    }

    /// A short, credential-free reason for a transport error.
    private static func networkReason(_ error: any Error) -> String {
        if let clientError = error as? HTTPClientError {
            switch clientError {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout:
                return "timed out"
            default:
                return "http client error: \(clientError)"
            }
        }
        return "network error: \(String(describing: type(of: error)))"
    }
}

/// The `{"errors":[{"code":…,"message":…}]}` body of an X Ads API error.
struct XAdsErrorBody: Decodable {
    struct Item: Decodable {
        var code: String?
        var message: String?
    }

    var errors: [Item]

    /// The first error's code and message, or nil when the body is not an X error body.
    static func parse(_ body: String) -> (code: String?, message: String)? {
        guard let decoded = try? JSONDecoder().decode(Self.self, from: Data(body.utf8)),
            let first = decoded.errors.first
        else {
            return nil
        }
        return (first.code, first.message ?? first.code ?? "unknown error")
    }
}

/// Reads one field of `data` from an X Ads API response; `data` may be an object or, as for
/// `POST promoted_tweets`, an array whose first element is used.
enum XAdsDataField {
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    private struct Scalar: Decodable {
        var text: String?

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let string = try? container.decode(String.self) {
                text = string
            } else if let integer = try? container.decode(Int64.self) {
                text = String(integer)
            } else if let integer = try? container.decode(UInt64.self) {
                text = String(integer)
            } else {
                text = nil
            }
        }
    }

    private struct Object: Decodable {
        var fields: [String: Scalar]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: Key.self)
            var fields: [String: Scalar] = [:]
            for key in container.allKeys {
                if let value = try? container.decode(Scalar.self, forKey: key) {
                    fields[key.stringValue] = value
                }
            }
            self.fields = fields
        }
    }

    private enum DataValue: Decodable {
        case object(Object)
        case array([Object])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let object = try? container.decode(Object.self) {
                self = .object(object)
            } else {
                self = .array(try container.decode([Object].self))
            }
        }
    }

    private struct Envelope: Decodable {
        var data: DataValue
    }

    /// `data.<field>` as text (integers in decimal), or nil when missing, empty, null or not a scalar.
    static func value(of field: String, in body: String) -> String? {
        guard let envelope = try? JSONDecoder().decode(Envelope.self, from: Data(body.utf8)) else {
            return nil
        }
        let object: Object?
        switch envelope.data {
        case .object(let single): object = single
        case .array(let list): object = list.first
        }
        guard let text = object?.fields[field]?.text, !text.isEmpty else {
            return nil
        }
        return text
    }
}

extension XAdsClient: AdPlatformLookup {
    /// Looks for the entity an unacknowledged create made, by the marker in its name (or, for targeting
    /// criteria and promoted tweets, by what they link), so a resumed publish does not create it twice.
    public func find(_ request: AdRequest, ids: [String: String]) async throws -> String? {
        guard let lookup = PublishPlan.lookup(for: request), let field = request.returns else {
            return nil
        }
        let response = try await send(lookup.request, ids: ids)
        return XAdsDataField.firstMatch(in: response.body, where: lookup.match, resolving: ids, returning: field)
    }
}

extension XAdsDataField {
    /// The `returning` field of the first element of `data` whose fields equal `match` (placeholders resolved).
    static func firstMatch(
        in body: String,
        where match: [String: String],
        resolving ids: [String: String],
        returning field: String
    ) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let items = object["data"] as? [[String: Any]]
        else {
            return nil
        }
        func text(_ value: Any?) -> String? {
            switch value {
            case let string as String: string
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }
        let wanted = match.mapValues { value -> String in
            if value.hasPrefix("{"), value.hasSuffix("}"), let id = ids[String(value.dropFirst().dropLast())] {
                return id
            }
            return value
        }
        let found = items.first { item in wanted.allSatisfy { text(item[$0.key]) == $0.value } }
        return found.flatMap { text($0[field]) }
    }
}
