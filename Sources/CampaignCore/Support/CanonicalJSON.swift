import Crypto
// Hand-written: no Swift package in the local mirror implements RFC 8785 (JCS). JSONEncoder's
// `.sortedKeys` sorts by Unicode scalars rather than UTF-16 code units, escapes "/" and does not
// normalise strings, so its bytes cannot serve as a stable digest input.
public import Foundation

/// A JSON value restricted to what campaign manifests and audit events need, with deterministic bytes.
///
/// Serialisation follows RFC 8785 (JCS) for this subset: object keys sorted by UTF-16 code units, no
/// insignificant whitespace, strings escaped as ECMAScript `JSON.stringify` does, integers only.
/// One deliberate deviation: every string (keys included) is NFC-normalised first, so canonically
/// equivalent text ("e\u{301}" and "é") always hashes the same. Swift's own `String` equality
/// already treats such strings as equal, so `==` on values and equality of bytes agree.
///
/// Integers outside ±(2^53 − 1) are refused by `init(parsing:)` and `init(encoding:)`, since
/// IEEE-754 based JCS implementations could not reproduce them; a value built directly with
/// `.integer` still serialises exactly, as plain decimal digits.
public enum CanonicalJSON: Hashable, Sendable {
    /// The JSON `null` literal.
    case null
    /// A JSON `true` or `false`.
    case bool(Bool)
    /// A JSON number; only integers are representable (money is kept in micros).
    case integer(Int64)
    /// A JSON string.
    case string(String)
    /// A JSON array, in the order given.
    case array([CanonicalJSON])
    /// A JSON object; key order is irrelevant until serialisation sorts it.
    case object([String: CanonicalJSON])

    /// The largest integer magnitude that IEEE-754 doubles, and so every JCS implementation, represent exactly.
    public static let maxSafeInteger: Int64 = 9_007_199_254_740_991

    /// The RFC 8785 UTF-8 bytes of this value.
    public var canonicalBytes: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(64)
        Self.write(self, into: &output)
        return output
    }

    /// The RFC 8785 bytes as `Data`.
    public var canonicalData: Data {
        Data(canonicalBytes)
    }

    /// The RFC 8785 bytes as a string (always valid UTF-8).
    public var canonicalString: String {
        String(decoding: canonicalBytes, as: UTF8.self)
    }

    /// The SHA-256 digest of ``canonicalBytes``.
    public var sha256Digest: [UInt8] {
        Array(SHA256.hash(data: canonicalBytes))
    }

    /// The lower-case hex SHA-256 digest of ``canonicalBytes``.
    public var sha256Hex: String {
        Hex.encode(sha256Digest)
    }
}

extension CanonicalJSON: CustomStringConvertible {
    /// The canonical JSON text.
    public var description: String {
        canonicalString
    }
}

extension CanonicalJSON: Encodable {
    /// Encodes the value as the matching JSON shape, so it can sit inside other `Codable` types.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .integer(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .string(let value):
            var container = encoder.singleValueContainer()
            try container.encode(value)
        case .array(let values):
            var container = encoder.unkeyedContainer()
            for value in values {
                try container.encode(value)
            }
        case .object(let members):
            var container = encoder.container(keyedBy: AnyCodingKey.self)
            for (key, value) in members {
                try container.encode(value, forKey: AnyCodingKey(key))
            }
        }
    }
}

// MARK: - Literals (mostly for tests and fixtures)

extension CanonicalJSON: ExpressibleByNilLiteral {
    /// Creates `.null`.
    public init(nilLiteral: ()) {
        self = .null
    }
}

extension CanonicalJSON: ExpressibleByBooleanLiteral {
    /// Creates `.bool`.
    public init(booleanLiteral value: Bool) {
        self = .bool(value)
    }
}

extension CanonicalJSON: ExpressibleByIntegerLiteral {
    /// Creates `.integer`.
    public init(integerLiteral value: Int64) {
        self = .integer(value)
    }
}

extension CanonicalJSON: ExpressibleByStringLiteral {
    /// Creates `.string`.
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}

extension CanonicalJSON: ExpressibleByArrayLiteral {
    /// Creates `.array`.
    public init(arrayLiteral elements: CanonicalJSON...) {
        self = .array(elements)
    }
}

extension CanonicalJSON: ExpressibleByDictionaryLiteral {
    /// Creates `.object`; like a `Dictionary` literal, repeated keys are a programmer error and trap.
    public init(dictionaryLiteral elements: (String, CanonicalJSON)...) {
        self = .object(Dictionary(uniqueKeysWithValues: elements))
    }
}

// MARK: - Serialisation

extension CanonicalJSON {
    private static func write(_ value: CanonicalJSON, into output: inout [UInt8]) {
        switch value {
        case .null:
            output.append(contentsOf: Array("null".utf8))
        case .bool(let flag):
            output.append(contentsOf: Array((flag ? "true" : "false").utf8))
        case .integer(let number):
            output.append(contentsOf: Array(String(number).utf8))
        case .string(let text):
            writeString(normalized(text), into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 {
                    output.append(UInt8(ascii: ","))
                }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            let sorted = members.map { (key: normalized($0.key), value: $0.value) }
                .sorted { $0.key.utf16.lexicographicallyPrecedes($1.key.utf16) }
            for (index, member) in sorted.enumerated() {
                if index > 0 {
                    output.append(UInt8(ascii: ","))
                }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// NFC; pure ASCII is already normalised, which skips Foundation for the common case.
    static func normalized(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return text
        }
        return text.precomposedStringWithCanonicalMapping
    }

    /// ECMAScript `JSON.stringify` string escaping (QuoteJSONString), emitted as UTF-8.
    private static func writeString(_ text: String, into output: inout [UInt8]) {
        let hexDigits = Array("0123456789abcdef".utf8)
        output.append(UInt8(ascii: "\""))
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case 0x5C:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x08:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "b")])
            case 0x0C:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "f")])
            case 0x0A:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09:
                output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0x00..<0x20:
                let code = Int(scalar.value)
                output.append(contentsOf: Array("\\u00".utf8))
                output.append(hexDigits[code >> 4])
                output.append(hexDigits[code & 0xF])
            default:
                output.append(contentsOf: Array(String(scalar).utf8))
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}

/// A coding key for arbitrary object member names.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(index: Int) {
        stringValue = String(index)
        intValue = index
    }

    init?(stringValue: String) {
        self.init(stringValue)
    }

    init?(intValue: Int) {
        self.init(index: intValue)
    }
}
