import Crypto
import Foundation

/// A small in-memory X Ads API (v12) for loopback tests.
///
/// Every request's OAuth 1.0a signature is recomputed here with the shared secrets, independently of the library's
/// signer (its own RFC 3986 encoding and HMAC-SHA1), over what actually arrived: method, `http://<Host><path>`, the
/// query, a form body and the `oauth_*` header fields. Nonces may not repeat. Entities are kept per kind, and replies
/// follow the documented shapes: `{"data": {...}, "request": {"params": {...}}}` and
/// `{"errors": [{"code": "...", "message": "..."}]}`.
actor FakeXAdsAPI {
    /// A reply to give instead of the normal one, consumed in order per endpoint.
    enum Scripted: Sendable {
        /// 429 with `header` (e.g. `x-rate-limit-reset`) set to `resetEpoch`.
        case rateLimited(resetEpoch: Int64, header: String)
        /// 500 with an X error body.
        case serverError
        /// 400 with this error code and message.
        case badRequest(code: String, message: String)
    }

    /// One request as handled.
    struct Logged: Sendable {
        var endpoint: String
        var method: String
        var status: Int
        var params: [String: String]
        var nonce: String
    }

    let accountID: String
    let consumerKey: String
    let consumerSecret: String
    let token: String
    let tokenSecret: String

    private(set) var log: [Logged] = []
    private(set) var campaigns: [String: [String: String]] = [:]
    private(set) var lineItems: [String: [String: String]] = [:]
    private(set) var targetingCriteria: [String: [String: String]] = [:]
    private(set) var cards: [String: String] = [:]  // card_uri → JSON body
    private(set) var tweets: [String: [String: String]] = [:]
    private(set) var promotedTweets: [String: [String: String]] = [:]
    private var scripts: [String: [Scripted]] = [:]
    private var usedNonces: Set<String> = []
    private var counter = 0

    init(accountID: String, consumerKey: String, consumerSecret: String, token: String, tokenSecret: String) {
        self.accountID = accountID
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.token = token
        self.tokenSecret = tokenSecret
    }

    /// Queues replies for an endpoint: "campaigns", "campaign", "line_items", "targeting_criteria", "cards",
    /// "tweet" or "promoted_tweets".
    func script(_ endpoint: String, _ replies: [Scripted]) {
        scripts[endpoint, default: []] += replies
    }

    func handle(_ request: ReceivedRequest) -> LoopbackReply {
        let params = Self.parameters(of: request)
        let (endpoint, entityID) = route(request.path)
        let nonce = oauthFields(request)?["oauth_nonce"] ?? ""
        let reply = respond(request, endpoint: endpoint, entityID: entityID, params: params)
        log.append(
            Logged(endpoint: endpoint, method: request.method, status: reply.status, params: params, nonce: nonce)
        )
        return reply
    }

    // MARK: - Routing

    private func route(_ path: String) -> (endpoint: String, id: String?) {
        let parts = path.split(separator: "/").map(String.init)
        guard parts.count >= 4, parts[0] == "12", parts[1] == "accounts" else {
            return ("unknown", nil)
        }
        guard parts[2] == accountID else {
            return ("wrong_account", nil)
        }
        if parts.count == 5, parts[3] == "campaigns" {
            return ("campaign", parts[4])
        }
        if parts.count == 5, parts[3] == "line_items" {
            return ("line_item", parts[4])
        }
        return parts.count == 4 ? (parts[3], nil) : ("unknown", nil)
    }

    private func respond(
        _ request: ReceivedRequest,
        endpoint: String,
        entityID: String?,
        params: [String: String]
    ) -> LoopbackReply {
        if let failure = verifySignature(request) {
            return Self.error(401, "UNAUTHORIZED_ACCESS", "This request is not properly authenticated: \(failure)")
        }
        if var queue = scripts[endpoint], !queue.isEmpty {
            let scripted = queue.removeFirst()
            scripts[endpoint] = queue
            switch scripted {
            case .rateLimited(let reset, let header):
                var reply = Self.error(429, "TOO_MANY_REQUESTS", "Rate limit exceeded")
                reply.headers[header] = String(reset)
                return reply
            case .serverError:
                return Self.error(500, "INTERNAL_ERROR", "Internal error")
            case .badRequest(let code, let message):
                return Self.error(400, code, message)
            }
        }
        switch (request.method, endpoint) {
        case ("POST", "campaigns"):
            return createCampaign(params)
        case ("PUT", "campaign"):
            return updateCampaign(entityID ?? "", params)
        case ("POST", "line_items"):
            return createLineItem(params)
        case ("POST", "targeting_criteria"):
            return createTargetingCriterion(params)
        case ("POST", "cards"):
            return createCard(request, params)
        case ("POST", "tweet"):
            return createTweet(params)
        case ("POST", "promoted_tweets"):
            return createPromotedTweets(params)
        case ("PUT", "line_item"):
            return updateLineItem(entityID ?? "", params)
        case ("GET", "campaigns"):
            return list(Array(campaigns.values))
        case ("GET", "line_items"):
            let wanted = Set((params["campaign_ids"] ?? "").split(separator: ",").map(String.init))
            return list(lineItems.values.filter { wanted.isEmpty || wanted.contains($0["campaign_id"] ?? "") })
        case ("GET", "targeting_criteria"):
            let wanted = Set((params["line_item_ids"] ?? "").split(separator: ",").map(String.init))
            return list(targetingCriteria.values.filter { wanted.contains($0["line_item_id"] ?? "") })
        case ("GET", "cards"):
            return list(
                cards.compactMap { uri, body in
                    guard let json = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any] else {
                        return nil
                    }
                    return ["card_uri": uri, "name": json["name"] as? String ?? ""]
                }
            )
        case ("GET", "tweets"):
            return list(tweets.values.map { $0 })
        case ("GET", "promoted_tweets"):
            let wanted = Set((params["line_item_ids"] ?? "").split(separator: ",").map(String.init))
            return list(promotedTweets.values.filter { wanted.contains($0["line_item_id"] ?? "") })
        case (_, "wrong_account"):
            return Self.error(404, "NOT_FOUND", "Account not found")
        default:
            return Self.error(404, "ROUTE_NOT_FOUND", "No route for \(request.method) \(request.path)")
        }
    }

    // MARK: - Endpoints

    private func createCampaign(_ params: [String: String]) -> LoopbackReply {
        if let missing = Self.missing(["funding_instrument_id", "name", "daily_budget_amount_local_micro"], in: params)
        {
            return missing
        }
        for field in ["daily_budget_amount_local_micro", "total_budget_amount_local_micro"] {
            if let value = params[field], !Self.isMicros(value) {
                return Self.error(400, "INVALID_PARAMETER", "\(field) must be an amount in micros")
            }
        }
        if let status = params["entity_status"], !["ACTIVE", "PAUSED", "DRAFT"].contains(status) {
            return Self.error(400, "INVALID_PARAMETER", "Invalid entity_status")
        }
        let id = nextID(prefix: "c")
        var entity = params
        entity["id"] = id
        entity["entity_status"] = params["entity_status"] ?? "ACTIVE"
        campaigns[id] = entity
        return ok(entity, params)
    }

    private func updateCampaign(_ id: String, _ params: [String: String]) -> LoopbackReply {
        guard var entity = campaigns[id] else {
            return Self.error(404, "NOT_FOUND", "Campaign \(id) not found")
        }
        guard let status = params["entity_status"], ["ACTIVE", "PAUSED"].contains(status) else {
            return Self.error(400, "INVALID_PARAMETER", "entity_status must be ACTIVE or PAUSED")
        }
        entity["entity_status"] = status
        campaigns[id] = entity
        return ok(entity, params)
    }

    private func updateLineItem(_ id: String, _ params: [String: String]) -> LoopbackReply {
        guard var entity = lineItems[id] else {
            return Self.error(404, "NOT_FOUND", "Line item \(id) not found")
        }
        guard let status = params["entity_status"], ["ACTIVE", "PAUSED"].contains(status) else {
            return Self.error(400, "INVALID_PARAMETER", "entity_status must be ACTIVE or PAUSED")
        }
        entity["entity_status"] = status
        lineItems[id] = entity
        return ok(entity, params)
    }

    private func list(_ items: [[String: String]]) -> LoopbackReply {
        Self.json(
            200,
            [
                "data": items.sorted { ($0["id"] ?? $0["card_uri"] ?? "") < ($1["id"] ?? $1["card_uri"] ?? "") },
                "request": ["params": ["account_id": accountID]],
            ]
        )
    }

    private func createLineItem(_ params: [String: String]) -> LoopbackReply {
        if let missing = Self.missing(["campaign_id", "objective", "placements", "product_type"], in: params) {
            return missing
        }
        guard let campaignID = params["campaign_id"], campaigns[campaignID] != nil else {
            return Self.error(400, "INVALID_PARAMETER", "campaign_id does not exist")
        }
        if let bid = params["bid_amount_local_micro"], !Self.isMicros(bid) {
            return Self.error(400, "INVALID_PARAMETER", "bid_amount_local_micro must be an amount in micros")
        }
        let id = nextID(prefix: "l")
        var entity = params
        entity["id"] = id
        lineItems[id] = entity
        return ok(entity, params)
    }

    private func createTargetingCriterion(_ params: [String: String]) -> LoopbackReply {
        if let missing = Self.missing(["line_item_id", "targeting_type", "targeting_value"], in: params) {
            return missing
        }
        guard let lineItemID = params["line_item_id"], lineItems[lineItemID] != nil else {
            return Self.error(400, "INVALID_PARAMETER", "line_item_id does not exist")
        }
        let id = nextID(prefix: "t")
        var entity = params
        entity["id"] = id
        targetingCriteria[id] = entity
        return ok(entity, params)
    }

    private func createCard(_ request: ReceivedRequest, _ params: [String: String]) -> LoopbackReply {
        guard request.headers["content-type"]?.hasPrefix("application/json") == true else {
            return Self.error(400, "INVALID_PARAMETER", "Cards are created with a JSON body")
        }
        guard let json = try? JSONSerialization.jsonObject(with: Data(request.body)) as? [String: Any],
            let name = json["name"] as? String, !name.isEmpty,
            let components = json["components"] as? [Any], !components.isEmpty
        else {
            return Self.error(400, "INVALID_PARAMETER", "name and components are required")
        }
        let uri = "card://" + nextNumericID()
        cards[uri] = request.bodyText
        var data = json
        data["card_uri"] = uri
        data["id"] = nextID(prefix: "k")
        return Self.json(200, ["data": data, "request": ["params": ["account_id": accountID]]])
    }

    private func createTweet(_ params: [String: String]) -> LoopbackReply {
        if let missing = Self.missing(["as_user_id"], in: params) {
            return missing
        }
        guard params["text"] != nil || params["card_uri"] != nil || params["media_keys"] != nil else {
            return Self.error(400, "INVALID_PARAMETER", "One of text, card_uri or media_keys is required")
        }
        if let uri = params["card_uri"], cards[uri] == nil {
            return Self.error(400, "INVALID_PARAMETER", "card_uri does not exist")
        }
        let id = nextNumericID()
        var entity = params
        entity["id_str"] = id
        entity["nullcast"] = params["nullcast"] ?? "true"
        tweets[id] = entity
        var data: [String: Any] = entity
        data["id"] = UInt64(id) ?? 0
        data["nullcast"] = entity["nullcast"] == "true"
        return Self.json(200, ["data": data, "request": ["params": requestParams(params)]])
    }

    private func createPromotedTweets(_ params: [String: String]) -> LoopbackReply {
        if let missing = Self.missing(["line_item_id", "tweet_ids"], in: params) {
            return missing
        }
        guard let lineItemID = params["line_item_id"], lineItems[lineItemID] != nil else {
            return Self.error(400, "INVALID_PARAMETER", "line_item_id does not exist")
        }
        var created: [[String: String]] = []
        for tweetID in (params["tweet_ids"] ?? "").split(separator: ",").map(String.init) {
            guard tweets[tweetID] != nil else {
                return Self.error(400, "INVALID_PARAMETER", "tweet \(tweetID) does not exist")
            }
            let entity = ["id": nextID(prefix: "p"), "line_item_id": lineItemID, "tweet_id": tweetID]
            promotedTweets[entity["id"] ?? ""] = entity
            created.append(entity)
        }
        return Self.json(200, ["data": created, "request": ["params": requestParams(params)]])
    }

    // MARK: - OAuth verification (independent of the library's signer)

    private func oauthFields(_ request: ReceivedRequest) -> [String: String]? {
        guard let header = request.headers["authorization"], header.hasPrefix("OAuth ") else {
            return nil
        }
        var fields: [String: String] = [:]
        for item in header.dropFirst(6).split(separator: ",") {
            let pair = item.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "=") else {
                return nil
            }
            let value = pair[pair.index(after: equals)...].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            fields[String(pair[..<equals])] = value.removingPercentEncoding ?? value
        }
        return fields
    }

    /// Nil when the signature is right, else why not.
    private func verifySignature(_ request: ReceivedRequest) -> String? {
        guard let fields = oauthFields(request) else {
            return "no OAuth header"
        }
        guard fields["oauth_consumer_key"] == consumerKey, fields["oauth_token"] == token else {
            return "unknown consumer key or token"
        }
        guard fields["oauth_signature_method"] == "HMAC-SHA1", let given = fields["oauth_signature"],
            let nonce = fields["oauth_nonce"], !nonce.isEmpty, fields["oauth_timestamp"] != nil
        else {
            return "incomplete OAuth header"
        }
        guard !usedNonces.contains(nonce) else {
            return "nonce reused"
        }
        usedNonces.insert(nonce)
        var pairs = Self.formPairs(request.query ?? "")
        if request.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
            pairs += Self.formPairs(request.bodyText)
        }
        pairs += fields.filter { $0.key != "oauth_signature" && $0.key != "realm" }.map { ($0.key, $0.value) }
        let encoded: [(String, String)] = pairs.map { pair in (Self.encode(pair.0), Self.encode(pair.1)) }
        let sorted = encoded.sorted { left, right in left.0 == right.0 ? left.1 < right.1 : left.0 < right.0 }
        let normalized = sorted.map { "\($0.0)=\($0.1)" }.joined(separator: "&")
        let host = request.headers["host"] ?? ""
        let base = [request.method, Self.encode("http://\(host)\(request.path)"), Self.encode(normalized)]
            .joined(separator: "&")
        let key = SymmetricKey(data: Data("\(Self.encode(consumerSecret))&\(Self.encode(tokenSecret))".utf8))
        let expected = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Data(base.utf8), using: key))
        return expected.base64EncodedString() == given ? nil : "signature mismatch"
    }

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func formPairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (part: Substring) in
                part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(part)
            }
            return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    private static func parameters(of request: ReceivedRequest) -> [String: String] {
        var pairs = formPairs(request.query ?? "")
        if request.headers["content-type"]?.hasPrefix("application/x-www-form-urlencoded") == true {
            pairs += formPairs(request.bodyText)
        }
        return Dictionary(pairs, uniquingKeysWith: { _, last in last })
    }

    // MARK: - Replies

    private func nextID(prefix: String) -> String {
        counter += 1
        return prefix + String(counter, radix: 36) + "x"
    }

    private func nextNumericID() -> String {
        counter += 1
        return String(1_500_000_000_000_000_000 + UInt64(counter))
    }

    private func requestParams(_ params: [String: String]) -> [String: String] {
        params.merging(["account_id": accountID]) { given, _ in given }
    }

    private func ok(_ entity: [String: String], _ params: [String: String]) -> LoopbackReply {
        Self.json(200, ["data": entity, "request": ["params": requestParams(params)]])
    }

    private static func missing(_ names: [String], in params: [String: String]) -> LoopbackReply? {
        for name in names where (params[name] ?? "").isEmpty {
            return error(400, "MISSING_PARAMETER", "\(name) is required")
        }
        return nil
    }

    private static func isMicros(_ value: String) -> Bool {
        !value.isEmpty && value.allSatisfy { $0.isASCII && $0.isNumber }
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> LoopbackReply {
        json(status, ["errors": [["code": code, "message": message]], "request": ["params": [String: String]()]])
    }

    static func json(_ status: Int, _ object: [String: Any]) -> LoopbackReply {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return LoopbackReply(status: status, body: String(decoding: data, as: UTF8.self))
    }
}
