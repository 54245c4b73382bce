#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks the HTML in a `description` against Merchant Center's short list of tags.
///
/// Not an HTML parser: a single pass over the bytes that finds tags, rejects script-capable markup,
/// and matches opening and closing tags with a small stack. `p`, `li`, `dt` and `dd` may be left
/// open, as HTML allows. A `<` that does not start a tag (`5 < 6`) is text. Tag names are compared
/// as packed integers, so a description with markup allocates only the tag stack.
enum HTMLCheck {
    /// What a scan found.
    enum Finding: Hashable, Sendable {
        /// No markup at all.
        case plainText
        /// Only allowed, well-formed markup.
        case allowedMarkup
        /// Markup Merchant Center refuses: a tag outside the list, or malformed (the reason).
        case invalid(String)
        /// Markup that can run script: `script`, `iframe`, `on*` attributes, `javascript:` URLs (the reason).
        case unsafe(String)
    }

    /// The tags Merchant Center renders (its list, plus `p`).
    enum AllowedTag: UInt8, CaseIterable, Sendable {
        case strong, em, ul, ol, li, br, sub, sup, div, span, dl, dt, dd, p

        /// Whether the closing tag may be left out.
        var hasOptionalEnd: Bool {
            self == .p || self == .li || self == .dt || self == .dd
        }

        /// The tag for a packed, lower-case name.
        init?(packed: UInt64) {
            guard let index = HTMLCheck.allowedNames.firstIndex(of: packed) else {
                return nil
            }
            self = AllowedTag.allCases[index]
        }
    }

    /// Packed names of ``AllowedTag``, in case order.
    static let allowedNames: [UInt64] = AllowedTag.allCases.map { tag in
        "\(tag)".utf8.reduce(into: (UInt64(0), UInt64(0))) { state, byte in
            state.0 |= UInt64(byte) << state.1
            state.1 += 8
        }.0
    }

    /// Packed names of tags that load or run active content.
    static let unsafeNames: [UInt64] =
        ([
            "script", "iframe", "frame", "frameset", "object", "embed", "applet", "style", "link", "meta",
            "base", "form", "input", "button", "textarea", "select", "svg", "math", "template", "noscript",
        ] as [StaticString]).map { TextCheck.packedKeyword($0) }

    /// Scans `text` once.
    static func scan(_ text: String) -> Finding {
        TextCheck.withBytes(text) { bytes in
            var scanner = Scanner(bytes: bytes)
            return scanner.run()
        }
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        var stack: [AllowedTag] = []
        var sawMarkup = false

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
        }

        /// The index of the next `<` from `index` on, or the end: `memchr` skips the text between tags (most of a
        /// description) many bytes at a time, where a loop over every byte cost 7 % of the validating threads.
        func nextTagStart() -> Int {
            guard let base = bytes.baseAddress, index < bytes.count,
                let found = memchr(base + index, Int32(UInt8(ascii: "<")), bytes.count - index)
            else {
                return bytes.count
            }
            return UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
        }

        mutating func run() -> Finding {
            while true {
                index = nextTagStart()
                guard index + 1 < bytes.count else {
                    break
                }
                let next = bytes[index + 1]
                let finding: Finding?
                if next == UInt8(ascii: "!") {
                    finding = skipDeclaration()
                } else if next == UInt8(ascii: "/") {
                    finding = closingTag()
                } else if TextCheck.isASCIILetter(next) {
                    finding = openingTag()
                } else {
                    index += 1  // a literal '<'
                    continue
                }
                if let finding {
                    return finding
                }
            }
            while let top = stack.last, top.hasOptionalEnd {
                stack.removeLast()
            }
            if let top = stack.last {
                return .invalid("<\(top)> is never closed")
            }
            return sawMarkup ? .allowedMarkup : .plainText
        }

        /// `<!-- … -->` is skipped; any other declaration (`<!DOCTYPE`, `<![CDATA[`) is refused.
        mutating func skipDeclaration() -> Finding? {
            sawMarkup = true
            guard starts(with: "<!--", at: index) else {
                return .invalid("markup declarations such as <!DOCTYPE> are not allowed")
            }
            var position = index + 4
            while position + 2 < bytes.count {
                if bytes[position] == UInt8(ascii: "-"), starts(with: "-->", at: position) {
                    index = position + 3
                    return nil
                }
                position += 1
            }
            return .invalid("a comment is never closed")
        }

        mutating func closingTag() -> Finding? {
            sawMarkup = true
            index += 2
            let name = readName()
            skipSpaces()
            guard !name.isEmpty, index < bytes.count, bytes[index] == UInt8(ascii: ">") else {
                return .invalid("a closing tag is malformed")
            }
            index += 1
            let packed = TextCheck.packedKeyword(bytes[name])
            if let packed, unsafeNames.contains(packed) {
                return .unsafe("<\(text(name))> is not allowed")
            }
            guard let packed, let tag = AllowedTag(packed: packed) else {
                return .invalid("<\(text(name))> is not one of the allowed tags")
            }
            if tag == .br {
                return nil  // `</br>` is read as `<br>`
            }
            while let top = stack.last, top != tag, top.hasOptionalEnd {
                stack.removeLast()
            }
            guard stack.last == tag else {
                return .invalid("</\(tag)> does not close an open <\(tag)>")
            }
            stack.removeLast()
            return nil
        }

        mutating func openingTag() -> Finding? {
            sawMarkup = true
            index += 1
            let name = readName()
            let packed = TextCheck.packedKeyword(bytes[name])
            if let packed, unsafeNames.contains(packed) {
                return .unsafe("<\(text(name))> is not allowed")
            }
            let tag = packed.flatMap(AllowedTag.init(packed:))
            var selfClosing = false
            // Attributes, up to '>'.
            while true {
                skipSpaces()
                guard index < bytes.count else {
                    return .invalid("<\(text(name))> is never finished with '>'")
                }
                let byte = bytes[index]
                if byte == UInt8(ascii: ">") {
                    index += 1
                    break
                }
                if byte == UInt8(ascii: "/") {
                    index += 1
                    selfClosing = true
                    continue
                }
                if let finding = attribute(of: name) {
                    return finding
                }
            }
            guard let tag else {
                return .invalid("<\(text(name))> is not one of the allowed tags")
            }
            if tag != .br, !selfClosing {
                stack.append(tag)
            }
            return nil
        }

        /// Reads one `name[=value]`, refusing event handlers and `javascript:` values.
        mutating func attribute(of tagName: Range<Int>) -> Finding? {
            let start = index
            while index < bytes.count {
                let byte = bytes[index]
                if TextCheck.isASCIISpace(byte) || byte == UInt8(ascii: "=") || byte == UInt8(ascii: ">")
                    || byte == UInt8(ascii: "/")
                {
                    break
                }
                index += 1
            }
            if index == start {
                index += 1  // a stray character such as '"': skip it
                return nil
            }
            if index - start >= 2, bytes[start] | 0x20 == UInt8(ascii: "o"),
                bytes[start + 1] | 0x20 == UInt8(ascii: "n")
            {
                let name = TextCheck.asciiLowercased(text(start..<index))
                return .unsafe("the event handler attribute '\(name)' on <\(text(tagName))> is not allowed")
            }
            skipSpaces()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else {
                return nil
            }
            index += 1
            skipSpaces()
            guard index < bytes.count else {
                return nil
            }
            let valueStart: Int
            let valueEnd: Int
            let quote = bytes[index]
            if quote == UInt8(ascii: "\"") || quote == UInt8(ascii: "'") {
                valueStart = index + 1
                var position = valueStart
                while position < bytes.count, bytes[position] != quote {
                    position += 1
                }
                guard position < bytes.count else {
                    return .invalid("an attribute value of <\(text(tagName))> is never closed")
                }
                valueEnd = position
                index = position + 1
            } else {
                valueStart = index
                while index < bytes.count, !TextCheck.isASCIISpace(bytes[index]), bytes[index] != UInt8(ascii: ">") {
                    index += 1
                }
                valueEnd = index
            }
            if containsScriptURL(valueStart..<valueEnd) {
                return .unsafe("a 'javascript:' value on <\(text(tagName))> is not allowed")
            }
            return nil
        }

        /// Whether the value holds `javascript:` or `vbscript:` (any case, spaces ignored).
        func containsScriptURL(_ range: Range<Int>) -> Bool {
            matches("javascript:", in: range) || matches("vbscript:", in: range)
        }

        /// Whether `needle` (lower case) occurs in `range`, ignoring case and ASCII whitespace.
        private func matches(_ needle: StaticString, in range: Range<Int>) -> Bool {
            needle.withUTF8Buffer { needle in
                var start = range.lowerBound
                while start < range.upperBound {
                    var position = start
                    var matched = 0
                    while matched < needle.count, position < range.upperBound {
                        let byte = bytes[position]
                        position += 1
                        if TextCheck.isASCIISpace(byte) {
                            continue
                        }
                        let lower = TextCheck.isASCIILetter(byte) ? byte | 0x20 : byte
                        guard lower == needle[matched] else {
                            break
                        }
                        matched += 1
                    }
                    if matched == needle.count {
                        return true
                    }
                    start += 1
                }
                return false
            }
        }

        /// The range of a tag or attribute name (ASCII letters and digits).
        mutating func readName() -> Range<Int> {
            let start = index
            while index < bytes.count, TextCheck.isASCIIAlphanumeric(bytes[index]) {
                index += 1
            }
            return start..<index
        }

        /// Bytes as text, lower-cased, for messages.
        func text(_ range: Range<Int>) -> String {
            TextCheck.asciiLowercased(String(decoding: bytes[range], as: UTF8.self))
        }

        mutating func skipSpaces() {
            while index < bytes.count, TextCheck.isASCIISpace(bytes[index]) {
                index += 1
            }
        }

        func starts(with literal: StaticString, at position: Int) -> Bool {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else {
                return false
            }
            return literal.withUTF8Buffer { buffer in
                for offset in 0..<count where bytes[position + offset] != buffer[offset] {
                    return false
                }
                return true
            }
        }
    }
}
