import Crypto
public import Foundation

/// Stripe-style webhook signatures: `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`.
///
/// The same scheme signs campaignctl's own webhooks (`X-Campaignctl-Signature`) and verifies Stripe's
/// (`Stripe-Signature`). Unlike the Stripe SDK, verification always checks the timestamp and refuses timestamps
/// further than the tolerance in the future as well as in the past.
public enum WebhookSignature {
    /// Five minutes, Stripe's default.
    public static let defaultTolerance = 300

    /// The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
    public static func signature(body: some Sequence<UInt8>, secret: String, timestamp: Int64) -> String {
        let code = HMAC<SHA256>.authenticationCode(
            for: signedPayload(body: body, timestamp: timestamp),
            using: SymmetricKey(data: Array(secret.utf8))
        )
        return Hex.encode(code)
    }

    /// The header value `t=<timestamp>,v1=<signature>` for `body`.
    public static func sign(body: some Sequence<UInt8>, secret: String, timestamp: Int64) -> String {
        "t=\(timestamp),v1=" + signature(body: body, secret: secret, timestamp: timestamp)
    }

    /// The header value for a text body (its UTF-8 bytes).
    public static func sign(body: String, secret: String, timestamp: Int64) -> String {
        sign(body: Array(body.utf8), secret: secret, timestamp: timestamp)
    }

    /// Checks `header` against the raw `body`: one `t=` timestamp, any one of the `v1=` signatures matching (compared
    /// in constant time), and `t` within `tolerance` seconds of `now` either way.
    public static func verify(
        header: String,
        body: some Sequence<UInt8>,
        secret: String,
        now: Date = Date(),
        tolerance: Int = WebhookSignature.defaultTolerance
    ) throws(WebhookSignatureError) {
        let (timestamp, candidates) = try parse(header)
        guard !candidates.isEmpty else {
            throw .noSignatures
        }
        let payload = signedPayload(body: body, timestamp: timestamp)
        let key = SymmetricKey(data: Array(secret.utf8))
        var matched = false
        for candidate in candidates {
            // `isValidAuthenticationCode` compares in constant time; a malformed candidate compares as wrong.
            let bytes = decodeHex(candidate) ?? []
            if HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: payload, using: key) {
                matched = true
            }
        }
        guard matched else {
            throw .signatureMismatch
        }
        let age = Int64(now.timeIntervalSince1970.rounded(.down)) - timestamp
        if age > Int64(tolerance) {
            throw .timestampTooOld(ageSeconds: age)
        }
        if -age > Int64(tolerance) {
            throw .timestampInFuture(aheadSeconds: -age)
        }
    }

    /// Verifies a text body (its UTF-8 bytes), as the byte-sequence `verify` does.
    public static func verify(
        header: String,
        body: String,
        secret: String,
        now: Date = Date(),
        tolerance: Int = WebhookSignature.defaultTolerance
    ) throws(WebhookSignatureError) {
        try verify(header: header, body: Array(body.utf8), secret: secret, now: now, tolerance: tolerance)
    }

    /// Splits a header into its single timestamp and its `v1` signatures; other schemes (`v0`, …) are ignored.
    static func parse(_ header: String) throws(WebhookSignatureError) -> (Int64, [String]) {
        var timestamp: Int64?
        var signatures: [String] = []
        for item in header.split(separator: ",", omittingEmptySubsequences: false) {
            let pair = item.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw .malformedHeader("item \"\(pair.prefix(40))\" is not key=value")
            }
            let key = pair[..<equals]
            let value = String(pair[pair.index(after: equals)...])
            switch key {
            case "t":
                guard timestamp == nil else {
                    throw .malformedHeader("more than one timestamp")
                }
                guard !value.isEmpty, value.allSatisfy(\.isASCIIDigit), let parsed = Int64(value) else {
                    throw .malformedHeader("timestamp is not a unix time")
                }
                timestamp = parsed
            case "v1":
                signatures.append(value)
            default:
                continue
            }
        }
        guard let timestamp else {
            throw .malformedHeader("no timestamp")
        }
        return (timestamp, signatures)
    }

    private static func signedPayload(body: some Sequence<UInt8>, timestamp: Int64) -> [UInt8] {
        Array("\(timestamp).".utf8) + Array(body)
    }

    /// Lower- or upper-case hex to bytes; nil for odd length or a non-hex character.
    private static func decodeHex(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else {
            return nil
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else {
                return nil
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Why a webhook signature header was refused.
public enum WebhookSignatureError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The header is not `t=<unix>,v1=<hex>[,v1=<hex>…]`.
    case malformedHeader(String)
    /// The header has a timestamp but no `v1` signature.
    case noSignatures
    /// No `v1` signature matches the body under the secret.
    case signatureMismatch
    /// The signature is valid but older than the tolerance (a replay, or a very late delivery).
    case timestampTooOld(ageSeconds: Int64)
    /// The signature is valid but dated further ahead than the tolerance.
    case timestampInFuture(aheadSeconds: Int64)

    /// A lower-case, human-readable message.
    public var description: String {
        switch self {
        case .malformedHeader(let reason):
            return "malformed signature header: \(reason)"
        case .noSignatures:
            return "signature header has no v1 signature"
        case .signatureMismatch:
            return "no signature matches the body"
        case .timestampTooOld(let age):
            return "signature timestamp is \(age) s old, outside the tolerance"
        case .timestampInFuture(let ahead):
            return "signature timestamp is \(ahead) s in the future, outside the tolerance"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool {
        isASCII && isNumber
    }
}
