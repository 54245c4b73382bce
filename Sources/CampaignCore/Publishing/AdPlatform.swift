/// One API call as the X Ads API receives it; `{placeholders}` in `path` and parameter values are ids returned
/// by earlier steps (`{account_id}`, `{campaign_id}`, `{line_item_id}`, `{card_uri}`, `{tweet_id}`).
///
/// Placeholders are resolved by ``resolved(with:)``: anywhere in `path` (as `{name}`), but in a parameter value or
/// a JSON body string only when the whole value is the placeholder (`"{campaign_id}"`), so that tweet text that
/// happens to contain braces is never rewritten.
public struct AdRequest: Codable, Sendable, Hashable {
    /// One form or query parameter, kept in the order the request lists it.
    public struct Parameter: Codable, Sendable, Hashable {
        /// The parameter name, e.g. `funding_instrument_id`.
        public var name: String
        /// The unencoded value; it is percent-encoded (RFC 3986) only when sent and signed.
        public var value: String

        /// A parameter with this name and value.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The publishing step: "campaign", "line_item", "targeting_criteria", "card", "tweet", "promoted_tweet", …
    public var step: String
    /// The HTTP method, "POST" or "PUT".
    public var method: String
    /// The path below the API host, e.g. "/12/accounts/{account_id}/campaigns".
    public var path: String
    /// Form or query parameters in a fixed order.
    public var parameters: [Parameter]
    /// Canonical JSON text for the cards endpoint (then `parameters` are empty).
    public var jsonBody: String?
    /// Which field of the response's `data` to remember: "id", "card_uri", "id_str", …
    public var returns: String?
    /// The placeholder name the remembered value fills, e.g. "campaign_id".
    public var storesAs: String?

    /// A request with every field given.
    public init(
        step: String,
        method: String,
        path: String,
        parameters: [Parameter] = [],
        jsonBody: String? = nil,
        returns: String? = nil,
        storesAs: String? = nil
    ) {
        self.step = step
        self.method = method
        self.path = path
        self.parameters = parameters
        self.jsonBody = jsonBody
        self.returns = returns
        self.storesAs = storesAs
    }
}

/// What the platform answered to one request.
public struct AdResponse: Codable, Sendable, Hashable {
    /// The HTTP status code of the final attempt.
    public var status: Int
    /// The response body as received.
    public var body: String
    /// The value of `data.<returns>`, when the request asked for one.
    public var returnedValue: String?

    /// A response with every field given.
    public init(status: Int, body: String, returnedValue: String?) {
        self.status = status
        self.body = body
        self.returnedValue = returnedValue
    }
}

/// An advertising platform that receives campaign entities one request at a time.
public protocol AdPlatform: Sendable {
    /// Sends one request with its placeholders resolved from `ids`; returns what the platform answered.
    func send(_ request: AdRequest, ids: [String: String]) async throws -> AdResponse
}

/// Why a request to an advertising platform did not succeed.
public enum AdPlatformError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The platform refused the request (HTTP 4xx other than 429), with its first error code and message.
    case rejected(status: Int, code: String?, message: String)
    /// The platform could not be reached or kept failing (5xx, 429, network) after `attempts` tries.
    case unavailable(status: Int?, reason: String, attempts: Int)
    /// A successful response lacked the field the request said it returns.
    case missingID(step: String, field: String)
    /// A `{placeholder}` names an id that no earlier step stored.
    case unresolvedPlaceholder(String)
    /// The client or the request is set up wrongly (missing credential, bad URL, unknown method, …).
    case misconfigured(String)

    /// A lower-case, human-readable message; it never contains credentials.
    public var description: String {
        switch self {
        case .rejected(let status, let code, let message):
            if let code {
                return "rejected with http \(status) [\(code)]: \(message)"
            }
            return "rejected with http \(status): \(message)"
        case .unavailable(let status, let reason, let attempts):
            let tries = attempts == 1 ? "1 attempt" : "\(attempts) attempts"
            if let status {
                return "unavailable after \(tries) (last http \(status)): \(reason)"
            }
            return "unavailable after \(tries): \(reason)"
        case .missingID(let step, let field):
            return "the \(step) response has no data.\(field)"
        case .unresolvedPlaceholder(let name):
            return "no id stored for placeholder {\(name)}"
        case .misconfigured(let reason):
            return "misconfigured: \(reason)"
        }
    }
}

/// Finding what an unacknowledged request created, so a resumed publish does not create it twice.
public protocol AdPlatformLookup: AdPlatform {
    /// The value `request` would have returned, if the entity it creates already exists.
    func find(_ request: AdRequest, ids: [String: String]) async throws -> String?
}

extension AdPlatform {
    /// Platforms that cannot look entities up say nothing was found (the request is sent again).
    public func find(_ request: AdRequest, ids: [String: String]) async throws -> String? {
        guard let lookup = self as? any AdPlatformLookup else {
            return nil
        }
        return try await lookup.find(request, ids: ids)
    }
}
