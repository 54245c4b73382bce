// Hand-written: no Swift package in the local mirror implements c2sp.org/tlog-checkpoint.

/// A transparency-log checkpoint (c2sp.org/tlog-checkpoint): origin, tree size and RFC 9162 root hash.
///
/// Values are validated when created, so ``body`` is always a well-formed note text.
public struct Checkpoint: Hashable, Sendable {
    /// The log's identity, e.g. "campaignctl.example/tenant-42/audit"; also the log key's name.
    public let origin: String
    /// The number of leaves in the tree.
    public let size: Int
    /// The 32-byte Merkle tree hash at ``size``.
    public let rootHash: [UInt8]
    /// Optional opaque lines after the root hash (not recommended by the spec).
    public let extensionLines: [String]

    /// Creates a checkpoint, refusing values that would not round-trip through ``body``.
    public init(origin: String, size: Int, rootHash: [UInt8], extensionLines: [String] = []) throws(CheckpointError) {
        guard Self.isValidLine(origin) else {
            throw .invalidOrigin
        }
        guard size >= 0 else {
            throw .invalidSize(String(size))
        }
        guard rootHash.count == MerkleTree.hashSize else {
            throw .invalidRootHash
        }
        guard extensionLines.allSatisfy(Self.isValidLine) else {
            throw .invalidExtensionLine
        }
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// Parses a checkpoint note body: "origin\nsize\nbase64(root)\n" and optional non-empty extension lines.
    public init(parsing body: String) throws(CheckpointError) {
        guard body.utf8.last == 0x0A else {
            throw .malformedBody("body must end with a newline")
        }
        let lines = body.utf8.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
            .map { String(decoding: $0, as: UTF8.self) }
        guard lines.count >= 3 else {
            throw .malformedBody("body needs origin, size and root hash lines")
        }
        guard Self.isCanonicalDecimal(lines[1]), let size = Int(lines[1]) else {
            throw .invalidSize(lines[1])
        }
        guard let rootHash = StrictBase64.decode(lines[2]) else {
            throw .invalidRootHash
        }
        try self.init(origin: lines[0], size: size, rootHash: rootHash, extensionLines: Array(lines.dropFirst(3)))
    }

    /// The note text: origin, size, base64 root hash and extension lines, each ending in a newline.
    public var body: String {
        ([origin, String(size), StrictBase64.encode(rootHash)] + extensionLines).map { $0 + "\n" }.joined()
    }

    /// Signs ``body`` and returns the signed note; the log key's name should equal ``origin``.
    public func signed(by signers: [NoteSigner]) throws(CheckpointError) -> String {
        do {
            return try SignedNote.sign(body, signers: signers)
        } catch {
            throw .note(error)
        }
    }

    /// Opens a signed checkpoint that must carry a valid signature by `logVerifier`, whose name must be the origin.
    ///
    /// Other signatures (for example witness cosignatures) are ignored here.
    public static func open(_ note: String, logVerifier: NoteVerifier) throws(CheckpointError) -> Checkpoint {
        let opened: OpenedNote
        do {
            opened = try SignedNote.open(note, verifiers: [logVerifier])
        } catch {
            throw .note(error)
        }
        let checkpoint = try Checkpoint(parsing: opened.body)
        guard checkpoint.origin == logVerifier.name else {
            throw .originMismatch(expected: logVerifier.name, found: checkpoint.origin)
        }
        return checkpoint
    }

    /// Non-empty and free of newlines and other control characters.
    private static func isValidLine(_ line: String) -> Bool {
        !line.isEmpty && line.utf8.allSatisfy { $0 >= 0x20 }
    }

    /// ASCII digits without a sign or leading zeros ("0" alone is allowed).
    private static func isCanonicalDecimal(_ text: String) -> Bool {
        let digits = Array(text.utf8)
        guard let first = digits.first, digits.allSatisfy({ (0x30...0x39).contains($0) }) else {
            return false
        }
        return first != 0x30 || digits.count == 1
    }
}

/// Why a checkpoint was refused.
public enum CheckpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The body is not at least three newline-terminated lines.
    case malformedBody(String)
    /// The origin is empty or contains a control character.
    case invalidOrigin
    /// The size is negative, signed, has leading zeros or is not a decimal number.
    case invalidSize(String)
    /// The root hash is not canonical base64 of 32 bytes.
    case invalidRootHash
    /// An extension line is empty or contains a control character.
    case invalidExtensionLine
    /// The checkpoint's origin is not the name of the log key that signed it.
    case originMismatch(expected: String, found: String)
    /// The signed note around the checkpoint was refused.
    case note(SignedNoteError)

    /// A lower-case, human-readable message.
    public var description: String {
        switch self {
        case .malformedBody(let reason):
            return "malformed checkpoint: \(reason)"
        case .invalidOrigin:
            return "checkpoint origin is empty or contains a control character"
        case .invalidSize(let text):
            return "checkpoint tree size \"\(text)\" is not a canonical non-negative decimal"
        case .invalidRootHash:
            return "checkpoint root hash is not canonical base64 of 32 bytes"
        case .invalidExtensionLine:
            return "checkpoint extension line is empty or contains a control character"
        case .originMismatch(let expected, let found):
            return "checkpoint origin \"\(found)\" does not match log key \"\(expected)\""
        case .note(let error):
            return error.description
        }
    }
}
