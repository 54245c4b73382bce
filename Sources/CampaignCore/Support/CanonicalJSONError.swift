/// Why text or a value could not become ``CanonicalJSON``; every case fails closed.
public enum CanonicalJSONError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is not JSON text (RFC 8259) at the given byte offset.
    case invalidJSON(offset: Int, reason: String)
    /// The input is not valid UTF-8.
    case invalidUTF8
    /// A `\u` escape names half of a surrogate pair without the other half.
    case loneSurrogate(offset: Int)
    /// An object repeats a member name (names are compared after canonical equivalence).
    case duplicateKey(String)
    /// A number has a fraction or an exponent; only integers are accepted.
    case nonIntegerNumber(offset: Int)
    /// An integer is outside ±(2^53 − 1), where JCS implementations disagree.
    case integerOutOfRange(String)
    /// Arrays and objects nest deeper than the parser allows.
    case nestingTooDeep(limit: Int)
    /// An `Encodable` value produced a type that has no canonical form (floating point, dates, decimals).
    case unsupportedValue(path: String, type: String)
    /// An `Encodable` value failed or used its encoder in an inconsistent way.
    case encodingFailed(path: String, reason: String)

    /// A lower-case, human-readable message.
    public var description: String {
        switch self {
        case .invalidJSON(let offset, let reason):
            return "invalid json at byte \(offset): \(reason)"
        case .invalidUTF8:
            return "json text is not valid utf-8"
        case .loneSurrogate(let offset):
            return "unpaired utf-16 surrogate escape at byte \(offset)"
        case .duplicateKey(let key):
            return "duplicate object key \"\(key)\""
        case .nonIntegerNumber(let offset):
            return "number at byte \(offset) is not an integer; only integers are allowed"
        case .integerOutOfRange(let text):
            return "integer \(text) is outside the safe range ±9007199254740991"
        case .nestingTooDeep(let limit):
            return "json nests deeper than \(limit) levels"
        case .unsupportedValue(let path, let type):
            return "value of type \(type) at \(path) has no canonical json form"
        case .encodingFailed(let path, let reason):
            return "encoding failed at \(path): \(reason)"
        }
    }
}
