import Crypto
import Foundation

// Hand-written: no package in the local mirror signs OAuth 1.0a requests (async-http-client, swift-crypto and
// the server frameworks only offer the HMAC primitive). The X Ads API accepts nothing else for user-context calls,
// so the signature base string (RFC 5849 §3.4.1), the HMAC-SHA1 signature (§3.4.2), the percent-encoding (§3.6)
// and the Authorization header (§3.5.1) are implemented here and checked against the RFC's and X's worked examples.

/// OAuth 1.0a request signing with HMAC-SHA1, as RFC 5849 §3.4 and X's "Creating a signature" describe it.
public enum OAuth1 {
    /// The only signature method the X API accepts.
    public static let signatureMethod = "HMAC-SHA1"

    /// RFC 5849 §3.6 percent-encoding: every byte of the UTF-8 form except ALPHA, DIGIT, "-", ".", "_" and "~"
    /// becomes "%XX" with upper-case hex digits.
    public static func percentEncode(_ value: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if isUnreserved(byte) {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "%"))
                output.append(upperHex[Int(byte >> 4)])
                output.append(upperHex[Int(byte & 0x0F)])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The RFC 5849 §3.4.1.2 base string URI: scheme and host lower-cased, default port dropped, no query or
    /// fragment; nil when `url` is not an absolute http(s) URL.
    public static func baseStringURI(_ url: String) -> String? {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https",
            let host = components.percentEncodedHost?.lowercased(),
            !host.isEmpty
        else {
            return nil
        }
        var output = scheme + "://" + host
        if let port = components.port, !(scheme == "http" && port == 80), !(scheme == "https" && port == 443) {
            output += ":\(port)"
        }
        let path = components.percentEncodedPath
        output += path.isEmpty ? "/" : path
        return output
    }

    /// The RFC 5849 §3.4.1.3.2 normalized parameter string: names and values encoded, sorted by name then value,
    /// joined with "=" and "&".
    public static func normalizedParameters(_ parameters: [(name: String, value: String)]) -> String {
        let encoded: [(name: String, value: String)] = parameters.map { parameter in
            (percentEncode(parameter.name), percentEncode(parameter.value))
        }
        let sorted = encoded.sorted { left, right in
            left.name == right.name ? left.value < right.value : left.name < right.name
        }
        return sorted.map { $0.name + "=" + $0.value }.joined(separator: "&")
    }

    /// The RFC 5849 §3.4.1 signature base string; `parameters` are the query, form-body and `oauth_*` parameters
    /// (without `oauth_signature` and `realm`), decoded.
    public static func signatureBaseString(
        method: String,
        baseURI: String,
        parameters: [(name: String, value: String)]
    ) -> String {
        method.uppercased() + "&" + percentEncode(baseURI) + "&" + percentEncode(normalizedParameters(parameters))
    }

    /// The RFC 5849 §3.4.2 HMAC-SHA1 signature, base64-encoded.
    public static func hmacSHA1Signature(baseString: String, consumerSecret: String, tokenSecret: String) -> String {
        let key = SymmetricKey(data: Array((percentEncode(consumerSecret) + "&" + percentEncode(tokenSecret)).utf8))
        let code = HMAC<Insecure.SHA1>.authenticationCode(for: Array(baseString.utf8), using: key)
        return Data(code).base64EncodedString()
    }

    /// Parses an `Authorization: OAuth …` header into its decoded parameters (without `realm`); nil if malformed.
    public static func parseAuthorizationHeader(_ header: String) -> [(name: String, value: String)]? {
        let trimmed = header.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("oauth ") else {
            return nil
        }
        var result: [(name: String, value: String)] = []
        for item in trimmed.dropFirst(6).split(separator: ",") {
            let pair = item.trimmingCharacters(in: .whitespaces)
            guard let equals = pair.firstIndex(of: "=") else {
                return nil
            }
            let name = String(pair[..<equals])
            var value = pair[pair.index(after: equals)...]
            guard value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") else {
                return nil
            }
            value = value.dropFirst().dropLast()
            guard let decodedName = name.removingPercentEncoding,
                let decodedValue = String(value).removingPercentEncoding
            else {
                return nil
            }
            if decodedName != "realm" {
                result.append((decodedName, decodedValue))
            }
        }
        return result
    }

    /// Decodes one `application/x-www-form-urlencoded` component ("+" is a space), as RFC 5849 §3.4.1.3.1 reads
    /// query and form-body parameters; malformed escapes are kept as written.
    public static func formDecode(_ component: some StringProtocol) -> String {
        let spaced = component.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// Parses a query string or form body into decoded name/value pairs, in order.
    public static func parseForm(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            if let equals = pair.firstIndex(of: "=") {
                return (formDecode(pair[..<equals]), formDecode(pair[pair.index(after: equals)...]))
            }
            return (formDecode(pair), "")
        }
    }

    /// Encodes decoded pairs as `name=value&…` with RFC 3986 percent-encoding (spaces as "%20").
    public static func encodeForm(_ parameters: [(name: String, value: String)]) -> String {
        parameters.map { percentEncode($0.name) + "=" + percentEncode($0.value) }.joined(separator: "&")
    }

    private static let upperHex = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }
}

/// Signs requests for one consumer (app) and one access token (user); its descriptions never show the secrets.
public struct OAuth1Signer: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The app's consumer key (API key).
    public var consumerKey: String
    /// The app's consumer secret (API key secret).
    public var consumerSecret: String
    /// The user's access token.
    public var token: String
    /// The user's access token secret.
    public var tokenSecret: String

    /// A signer for these credentials.
    public init(consumerKey: String, consumerSecret: String, token: String, tokenSecret: String) {
        self.consumerKey = consumerKey
        self.consumerSecret = consumerSecret
        self.token = token
        self.tokenSecret = tokenSecret
    }

    /// The `oauth_*` protocol parameters for one request, without the signature, sorted by name.
    public func protocolParameters(nonce: String, timestamp: String) -> [(name: String, value: String)] {
        [
            ("oauth_consumer_key", consumerKey),
            ("oauth_nonce", nonce),
            ("oauth_signature_method", OAuth1.signatureMethod),
            ("oauth_timestamp", timestamp),
            ("oauth_token", token),
            ("oauth_version", "1.0"),
        ]
    }

    /// The base64 HMAC-SHA1 signature of a request; `url` may carry a query, whose parameters are then signed too.
    public func signature(
        method: String,
        url: String,
        parameters: [(name: String, value: String)],
        nonce: String,
        timestamp: String
    ) -> String? {
        guard let baseURI = OAuth1.baseStringURI(url), let components = URLComponents(string: url) else {
            return nil
        }
        let query = (components.percentEncodedQueryItems ?? []).map { item in
            (name: OAuth1.formDecode(item.name), value: OAuth1.formDecode(item.value ?? ""))
        }
        let all = query + parameters + protocolParameters(nonce: nonce, timestamp: timestamp)
        let base = OAuth1.signatureBaseString(method: method, baseURI: baseURI, parameters: all)
        return OAuth1.hmacSHA1Signature(baseString: base, consumerSecret: consumerSecret, tokenSecret: tokenSecret)
    }

    /// The `Authorization` header value (`OAuth oauth_consumer_key="…", …`) for a request, or nil for a bad URL.
    ///
    /// `parameters` are the form-body parameters (decoded); query parameters are read from `url`.
    public func authorizationHeader(
        method: String,
        url: String,
        parameters: [(name: String, value: String)] = [],
        nonce: String,
        timestamp: String
    ) -> String? {
        guard
            let signature = signature(
                method: method,
                url: url,
                parameters: parameters,
                nonce: nonce,
                timestamp: timestamp
            )
        else {
            return nil
        }
        let fields = protocolParameters(nonce: nonce, timestamp: timestamp) + [("oauth_signature", signature)]
        let rendered = fields.sorted { $0.name < $1.name }.map { field in
            OAuth1.percentEncode(field.name) + "=\"" + OAuth1.percentEncode(field.value) + "\""
        }
        return "OAuth " + rendered.joined(separator: ", ")
    }

    /// A fresh random nonce: 32 alphanumeric characters.
    public static func randomNonce() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<32).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
    }

    /// Names the type only; the key, token and secrets are never printed.
    public var description: String {
        "OAuth1Signer(credentials: <redacted>)"
    }

    /// Same as ``description``.
    public var debugDescription: String {
        description
    }

    /// A mirror without the credentials, so `dump` does not print them either.
    public var customMirror: Mirror {
        Mirror(self, children: ["credentials": "<redacted>"])
    }
}
