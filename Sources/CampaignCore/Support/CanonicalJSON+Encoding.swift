// Hand-written Encoder rather than JSONEncoder followed by parsing: JSONEncoder writes the Double 2.0
// as "2" and a Date as a number of seconds, so a floating-point field would slip through as an integer
// or fail only for some values. Refusing those types outright keeps digests independent of luck.
import Foundation

extension CanonicalJSON {
    /// Builds a value from an `Encodable` one; floating-point numbers, `Date` and `Decimal` are refused by type.
    ///
    /// `URL` becomes its `absoluteString` and `Data` its base64 text, as with `JSONEncoder`. Encoding the same
    /// key twice, or integers outside ±(2^53 − 1), throws.
    public init(encoding value: some Encodable) throws(CanonicalJSONError) {
        let state = EncodingState()
        let root = EncodingNode()
        do {
            try EncodingNode.encode(value, into: root, codingPath: [], state: state)
        } catch let error as CanonicalJSONError {
            throw error
        } catch {
            throw .encodingFailed(path: "$", reason: String(describing: error))
        }
        if let error = state.firstError {
            throw error
        }
        self = root.materialize()
    }
}

/// Errors noticed in non-throwing `Encoder` calls, reported once encoding ends.
private final class EncodingState {
    var firstError: CanonicalJSONError?

    func record(_ error: CanonicalJSONError) {
        if firstError == nil {
            firstError = error
        }
    }
}

/// A mutable tree that containers write into; turned into a ``CanonicalJSON`` at the end.
private final class EncodingNode {
    enum Content {
        case empty
        case leaf(CanonicalJSON)
        case array([EncodingNode])
        case object([String: EncodingNode])
    }

    var content: Content = .empty

    func materialize() -> CanonicalJSON {
        switch content {
        case .empty:
            // A type that asked for no container encodes as an empty object, as with JSONEncoder.
            return .object([:])
        case .leaf(let value):
            return value
        case .array(let nodes):
            return .array(nodes.map { $0.materialize() })
        case .object(let members):
            return .object(members.mapValues { $0.materialize() })
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        var text = "$"
        for key in codingPath {
            if let index = key.intValue, key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += "." + key.stringValue
            }
        }
        return text
    }

    static func encode(
        _ value: some Encodable,
        into node: EncodingNode,
        codingPath: [any CodingKey],
        state: EncodingState
    ) throws {
        switch value {
        case let json as CanonicalJSON:
            node.content = .leaf(json)
        case let flag as Bool:
            node.content = .leaf(.bool(flag))
        case let text as String:
            node.content = .leaf(.string(text))
        case let number as any BinaryInteger:
            guard let exact = Int64(exactly: number), exact.magnitude <= CanonicalJSON.maxSafeInteger.magnitude else {
                throw CanonicalJSONError.integerOutOfRange(String(describing: number))
            }
            node.content = .leaf(.integer(exact))
        case is any BinaryFloatingPoint, is Decimal, is Date:
            throw CanonicalJSONError.unsupportedValue(path: path(codingPath), type: String(describing: type(of: value)))
        case let url as URL:
            node.content = .leaf(.string(url.absoluteString))
        case let data as Data:
            node.content = .leaf(.string(data.base64EncodedString()))
        default:
            try value.encode(to: CanonicalEncoder(node: node, codingPath: codingPath, state: state))
        }
    }
}

private struct CanonicalEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let state: EncodingState
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        switch node.content {
        case .empty:
            node.content = .object([:])
        case .object:
            break
        case .leaf, .array:
            state.record(mismatch("a keyed container"))
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(node: node, codingPath: codingPath, state: state))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        switch node.content {
        case .empty:
            node.content = .array([])
        case .array:
            break
        case .leaf, .object:
            state.record(mismatch("an unkeyed container"))
        }
        return UnkeyedContainer(node: node, codingPath: codingPath, state: state)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleValueContainer(node: node, codingPath: codingPath, state: state)
    }

    private func mismatch(_ what: String) -> CanonicalJSONError {
        .encodingFailed(path: EncodingNode.path(codingPath), reason: "asked for \(what) after encoding another shape")
    }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let state: EncodingState

    /// Adds a member, refusing a second use of the same name.
    private func insert(_ name: String) throws(CanonicalJSONError) -> EncodingNode {
        guard case .object(var members) = node.content else {
            throw .encodingFailed(path: EncodingNode.path(codingPath), reason: "container is no longer an object")
        }
        guard members[name] == nil else {
            throw .duplicateKey(name)
        }
        let child = EncodingNode()
        node.content = .empty
        members[name] = child
        node.content = .object(members)
        return child
    }

    private func insertRecordingErrors(_ name: String) -> EncodingNode {
        do {
            return try insert(name)
        } catch {
            state.record(error)
            return EncodingNode()
        }
    }

    mutating func encodeNil(forKey key: Key) throws {
        try insert(key.stringValue).content = .leaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        let child = try insert(key.stringValue)
        try EncodingNode.encode(value, into: child, codingPath: codingPath + [key], state: state)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type,
        forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let child = insertRecordingErrors(key.stringValue)
        child.content = .object([:])
        return KeyedEncodingContainer(
            KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key], state: state)
        )
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = insertRecordingErrors(key.stringValue)
        child.content = .array([])
        return UnkeyedContainer(node: child, codingPath: codingPath + [key], state: state)
    }

    mutating func superEncoder() -> any Encoder {
        let key = AnyCodingKey("super")
        return CanonicalEncoder(
            node: insertRecordingErrors(key.stringValue),
            codingPath: codingPath + [key],
            state: state
        )
    }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        CanonicalEncoder(node: insertRecordingErrors(key.stringValue), codingPath: codingPath + [key], state: state)
    }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let state: EncodingState

    var count: Int {
        if case .array(let nodes) = node.content {
            return nodes.count
        }
        return 0
    }

    private func append() -> (node: EncodingNode, key: AnyCodingKey) {
        let key = AnyCodingKey(index: count)
        let child = EncodingNode()
        guard case .array(var nodes) = node.content else {
            state.record(
                .encodingFailed(path: EncodingNode.path(codingPath), reason: "container is no longer an array")
            )
            return (child, key)
        }
        node.content = .empty
        nodes.append(child)
        node.content = .array(nodes)
        return (child, key)
    }

    mutating func encodeNil() throws {
        append().node.content = .leaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        let (child, key) = append()
        try EncodingNode.encode(value, into: child, codingPath: codingPath + [key], state: state)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type
    ) -> KeyedEncodingContainer<NestedKey> {
        let (child, key) = append()
        child.content = .object([:])
        return KeyedEncodingContainer(
            KeyedContainer<NestedKey>(node: child, codingPath: codingPath + [key], state: state)
        )
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let (child, key) = append()
        child.content = .array([])
        return UnkeyedContainer(node: child, codingPath: codingPath + [key], state: state)
    }

    mutating func superEncoder() -> any Encoder {
        let (child, key) = append()
        return CanonicalEncoder(node: child, codingPath: codingPath + [key], state: state)
    }
}

private struct SingleValueContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    let state: EncodingState

    private func claim() throws(CanonicalJSONError) {
        guard case .empty = node.content else {
            throw .encodingFailed(path: EncodingNode.path(codingPath), reason: "encoded a second value")
        }
    }

    mutating func encodeNil() throws {
        try claim()
        node.content = .leaf(.null)
    }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try claim()
        try EncodingNode.encode(value, into: node, codingPath: codingPath, state: state)
    }
}

extension CanonicalJSON: Decodable {
    /// Decodes through `JSONDecoder` (for reading back values this module wrote, such as audit events).
    ///
    /// `JSONDecoder` keeps one of two duplicated keys silently, so security checks re-encode the result
    /// and compare bytes, or use ``init(parsing:)`` which refuses duplicates and floats.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([CanonicalJSON].self) {
            self = .array(value)
        } else if let value = try? container.decode([String: CanonicalJSON].self) {
            self = .object(value)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container,
                debugDescription: "not a value canonical JSON can hold (floats are refused)"
            )
        }
    }
}
