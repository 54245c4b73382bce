// Hand-written scanner rather than JSONSerialization: Foundation silently keeps one of two duplicate
// keys, turns 1.0 into an integer and replaces unpaired surrogates, all of which must fail closed here.
public import Foundation

extension CanonicalJSON {
    /// How deeply arrays and objects may nest in parsed text.
    public static let maxNestingDepth = 128

    /// Parses JSON text, rejecting duplicate keys, non-integer numbers and anything RFC 8259 does not allow.
    public init(parsing bytes: [UInt8]) throws(CanonicalJSONError) {
        let decoded = String(decoding: bytes, as: UTF8.self)
        guard decoded.utf8.elementsEqual(bytes) else {
            throw .invalidUTF8
        }
        var scanner = JSONScanner(bytes: bytes)
        self = try scanner.parseDocument()
    }

    /// Parses JSON text held in `Data`.
    public init(parsing data: Data) throws(CanonicalJSONError) {
        try self.init(parsing: [UInt8](data))
    }

    /// Parses JSON text held in a string.
    public init(parsing text: String) throws(CanonicalJSONError) {
        try self.init(parsing: Array(text.utf8))
    }
}

/// A strict recursive-descent JSON scanner over validated UTF-8 bytes.
private struct JSONScanner {
    /// The single-character escapes of RFC 8259 and the bytes they stand for.
    static let simpleEscapes: [UInt8: UInt8] = [
        UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
        UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
        UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
    ]

    let bytes: [UInt8]
    var index = 0
    var depth = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(CanonicalJSONError) -> CanonicalJSON {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else {
            throw invalid("unexpected content after the top-level value")
        }
        return value
    }

    private func invalid(_ reason: String) -> CanonicalJSONError {
        .invalidJSON(offset: index, reason: reason)
    }

    private var peek: UInt8? {
        index < bytes.count ? bytes[index] : nil
    }

    private mutating func skipWhitespace() {
        while let byte = peek, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ reason: String) throws(CanonicalJSONError) {
        guard peek == byte else {
            throw invalid(reason)
        }
        index += 1
    }

    private mutating func parseValue() throws(CanonicalJSONError) -> CanonicalJSON {
        guard let byte = peek else {
            throw invalid("unexpected end of input")
        }
        switch byte {
        case UInt8(ascii: "{"):
            return try parseObject()
        case UInt8(ascii: "["):
            return try parseArray()
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .integer(try parseInteger())
        default:
            throw invalid("unexpected character")
        }
    }

    private mutating func parseLiteral(_ word: String) throws(CanonicalJSONError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count,
            bytes[index..<index + expected.count].elementsEqual(expected)
        else {
            throw invalid("unknown literal")
        }
        index += expected.count
    }

    private mutating func enter() throws(CanonicalJSONError) {
        depth += 1
        guard depth <= CanonicalJSON.maxNestingDepth else {
            throw .nestingTooDeep(limit: CanonicalJSON.maxNestingDepth)
        }
    }

    private mutating func parseArray() throws(CanonicalJSONError) -> CanonicalJSON {
        try enter()
        index += 1
        var elements: [CanonicalJSON] = []
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "]"), "expected ',' or ']' in array")
            depth -= 1
            return .array(elements)
        }
    }

    private mutating func parseObject() throws(CanonicalJSONError) -> CanonicalJSON {
        try enter()
        index += 1
        var members: [String: CanonicalJSON] = [:]
        skipWhitespace()
        if peek == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek == UInt8(ascii: "\"") else {
                throw invalid("expected a string object key")
            }
            let key = try parseString()
            skipWhitespace()
            try expect(UInt8(ascii: ":"), "expected ':' after object key")
            skipWhitespace()
            let value = try parseValue()
            // Swift compares keys by canonical equivalence, matching the NFC applied on output.
            guard members.updateValue(value, forKey: key) == nil else {
                throw .duplicateKey(key)
            }
            skipWhitespace()
            if peek == UInt8(ascii: ",") {
                index += 1
                continue
            }
            try expect(UInt8(ascii: "}"), "expected ',' or '}' in object")
            depth -= 1
            return .object(members)
        }
    }

    private mutating func parseInteger() throws(CanonicalJSONError) -> Int64 {
        let start = index
        if peek == UInt8(ascii: "-") {
            index += 1
        }
        guard let first = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            throw invalid("expected a digit")
        }
        index += 1
        if first != UInt8(ascii: "0") {
            while let digit = peek, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
                index += 1
            }
        }
        if let next = peek, next == UInt8(ascii: ".") || next == UInt8(ascii: "e") || next == UInt8(ascii: "E") {
            throw .nonIntegerNumber(offset: start)
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard let value = Int64(text), value.magnitude <= CanonicalJSON.maxSafeInteger.magnitude else {
            throw .integerOutOfRange(text)
        }
        return value
    }

    private mutating func parseString() throws(CanonicalJSONError) -> String {
        index += 1
        var buffer: [UInt8] = []
        while true {
            guard let byte = peek else {
                throw invalid("unterminated string")
            }
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                return String(decoding: buffer, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &buffer)
            case 0x00..<0x20:
                throw invalid("unescaped control character in string")
            default:
                buffer.append(byte)
                index += 1
            }
        }
    }

    private mutating func parseEscape(into buffer: inout [UInt8]) throws(CanonicalJSONError) {
        let escapeStart = index
        index += 1
        guard let code = peek else {
            throw invalid("unterminated escape")
        }
        index += 1
        if let replacement = Self.simpleEscapes[code] {
            buffer.append(replacement)
            return
        }
        guard code == UInt8(ascii: "u") else {
            index = escapeStart
            throw invalid("unknown escape sequence")
        }
        let unit = try parseHex4()
        let scalarValue: UInt32
        switch unit {
        case 0xD800...0xDBFF:
            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            else {
                throw .loneSurrogate(offset: escapeStart)
            }
            index += 2
            let low = try parseHex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                throw .loneSurrogate(offset: escapeStart)
            }
            scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
        case 0xDC00...0xDFFF:
            throw .loneSurrogate(offset: escapeStart)
        default:
            scalarValue = UInt32(unit)
        }
        guard let scalar = Unicode.Scalar(scalarValue) else {
            throw .loneSurrogate(offset: escapeStart)
        }
        buffer.append(contentsOf: Array(String(scalar).utf8))
    }

    private mutating func parseHex4() throws(CanonicalJSONError) -> UInt16 {
        guard index + 4 <= bytes.count else {
            throw invalid("truncated \\u escape")
        }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"):
                digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"):
                digit = byte - UInt8(ascii: "A") + 10
            default:
                throw invalid("invalid hex digit in \\u escape")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }
}
