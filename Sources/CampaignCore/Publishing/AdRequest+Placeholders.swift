import Foundation

/// An ``AdRequest`` whose placeholders have all been replaced by stored ids.
public struct ResolvedAdRequest: Sendable, Hashable {
    /// The HTTP method, upper-case.
    public var method: String
    /// The path with ids substituted; each substituted id is percent-encoded as a path segment.
    public var path: String
    /// The parameters with whole-value placeholders substituted.
    public var parameters: [AdRequest.Parameter]
    /// The JSON body with whole-string placeholders substituted, JSON-escaped.
    public var jsonBody: String?
}

extension AdRequest {
    /// The placeholder a whole value consists of (`"{campaign_id}"` gives `campaign_id`), or nil.
    static func placeholderName(_ value: String) -> String? {
        guard value.hasPrefix("{"), value.hasSuffix("}"), value.count > 2 else {
            return nil
        }
        let name = value.dropFirst().dropLast()
        return name.allSatisfy(Self.isPlaceholderCharacter) ? String(name) : nil
    }

    /// Replaces every placeholder with its id from `ids`; throws ``AdPlatformError/unresolvedPlaceholder(_:)``
    /// for the first one missing.
    public func resolved(with ids: [String: String]) throws(AdPlatformError) -> ResolvedAdRequest {
        let method = self.method.uppercased()
        guard method == "POST" || method == "PUT" || method == "GET" else {
            throw .misconfigured("step \(step) uses method \(self.method); only get, post and put are sent")
        }
        let path = try Self.resolvePath(path, ids: ids)
        var parameters: [Parameter] = []
        parameters.reserveCapacity(self.parameters.count)
        for parameter in self.parameters {
            if let name = Self.placeholderName(parameter.value) {
                guard let id = ids[name] else {
                    throw .unresolvedPlaceholder(name)
                }
                parameters.append(Parameter(name: parameter.name, value: id))
            } else {
                parameters.append(parameter)
            }
        }
        let body = try jsonBody.map { (body: String) throws(AdPlatformError) -> String in
            try Self.resolveJSON(body, ids: ids)
        }
        return ResolvedAdRequest(method: method, path: path, parameters: parameters, jsonBody: body)
    }

    private static func isPlaceholderCharacter(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && (character.isLetter || character.isNumber))
    }

    /// Substitutes `{name}` anywhere in the path; ids are percent-encoded so they stay one segment.
    private static func resolvePath(_ path: String, ids: [String: String]) throws(AdPlatformError) -> String {
        guard path.hasPrefix("/") else {
            throw .misconfigured("path \"\(path)\" does not start with /")
        }
        var output = ""
        var rest = Substring(path)
        while let open = rest.firstIndex(of: "{") {
            output += rest[..<open]
            let afterOpen = rest.index(after: open)
            guard let close = rest[afterOpen...].firstIndex(of: "}") else {
                throw .misconfigured("path \"\(path)\" has an unclosed placeholder")
            }
            let name = rest[afterOpen..<close]
            guard !name.isEmpty, name.allSatisfy(isPlaceholderCharacter) else {
                throw .misconfigured("path \"\(path)\" has a malformed placeholder")
            }
            guard let id = ids[String(name)] else {
                throw .unresolvedPlaceholder(String(name))
            }
            output += OAuth1.percentEncode(id)
            rest = rest[rest.index(after: close)...]
        }
        guard !rest.contains("}") else {
            throw .misconfigured("path \"\(path)\" has an unopened placeholder")
        }
        output += rest
        return output
    }

    /// Substitutes JSON strings that are exactly `"{name}"` with the id as a JSON string.
    private static func resolveJSON(_ body: String, ids: [String: String]) throws(AdPlatformError) -> String {
        var output = ""
        var rest = Substring(body)
        while let start = rest.range(of: "\"{") {
            output += rest[..<start.lowerBound]
            let nameStart = start.upperBound
            let nameEnd = rest[nameStart...].firstIndex { !isPlaceholderCharacter($0) } ?? rest.endIndex
            let name = rest[nameStart..<nameEnd]
            if !name.isEmpty, rest[nameEnd...].hasPrefix("}\"") {
                guard let id = ids[String(name)] else {
                    throw .unresolvedPlaceholder(String(name))
                }
                output += jsonQuoted(id)
                rest = rest[rest.index(nameEnd, offsetBy: 2)...]
            } else {
                output += rest[start]
                rest = rest[start.upperBound...]
            }
        }
        output += rest
        return output
    }

    /// The value as a JSON string literal, escaped as ECMAScript `JSON.stringify` does.
    static func jsonQuoted(_ value: String) -> String {
        var output = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
