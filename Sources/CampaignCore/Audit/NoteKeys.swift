// Hand-written: no Swift package in the local mirror implements c2sp.org/signed-note keys. The text
// formats match golang.org/x/mod/sumdb/note, so keys can be exchanged with Go tooling.
public import Crypto
import Foundation

/// Signs note text with one Ed25519 key under a key name (c2sp.org/signed-note, signature type 0x01).
public struct NoteSigner: Sendable {
    /// The key name written on signature lines; for a log, its origin.
    public let name: String
    /// The first four bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key).
    public let keyID: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey

    /// Wraps an Ed25519 private key under a key name.
    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(SignedNoteError) {
        guard NoteKeyID.isValidName(name) else {
            throw .invalidKeyName(name)
        }
        self.name = name
        self.privateKey = privateKey
        self.keyID = NoteKeyID.compute(name: name, publicKey: Array(privateKey.publicKey.rawRepresentation))
    }

    /// Creates a signer with a fresh random Ed25519 key.
    public static func generate(name: String) throws(SignedNoteError) -> NoteSigner {
        try NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Reads a Go-style signer key "PRIVATE+KEY+name+hexkeyid+base64(0x01 || 32-byte seed)".
    public init(signerKey: String) throws(SignedNoteError) {
        let prefix = "PRIVATE+KEY+"
        guard signerKey.hasPrefix(prefix) else {
            throw .malformedSignerKey("missing PRIVATE+KEY+ prefix")
        }
        let parts: NoteKeyID.Parts
        do {
            parts = try NoteKeyID.split(String(signerKey.dropFirst(prefix.count)))
        } catch {
            throw .malformedSignerKey(error.description)
        }
        guard parts.key.count == 33 else {
            throw .malformedSignerKey("key data is not 33 bytes")
        }
        guard parts.key[0] == NoteKeyID.ed25519 else {
            throw .unsupportedAlgorithm(parts.key[0])
        }
        let privateKey: Curve25519.Signing.PrivateKey
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: parts.key.dropFirst())
        } catch {
            throw .malformedSignerKey("invalid ed25519 seed")
        }
        try self.init(name: parts.name, privateKey: privateKey)
        guard keyID == parts.keyID else {
            throw .keyIDMismatch(name: parts.name, keyID: parts.keyID)
        }
    }

    /// The Ed25519 public key.
    public var publicKey: Curve25519.Signing.PublicKey {
        privateKey.publicKey
    }

    /// The matching verifier.
    public var verifier: NoteVerifier {
        NoteVerifier(validatedName: name, keyID: keyID, publicKey: Array(publicKey.rawRepresentation))
    }

    /// The public verifier key "name+hexkeyid+base64(0x01 || public key)".
    public var verifierKey: String {
        verifier.verifierKey
    }

    /// The secret signer key "PRIVATE+KEY+name+hexkeyid+base64(0x01 || seed)"; store it like a password.
    public var signerKey: String {
        let encoded = Data([NoteKeyID.ed25519] + Array(privateKey.rawRepresentation)).base64EncodedString()
        return "PRIVATE+KEY+\(name)+\(NoteKeyID.hex(keyID))+\(encoded)"
    }

    /// The raw Ed25519 signature over `message`.
    func signature(for message: [UInt8]) throws(SignedNoteError) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: message))
        } catch {
            throw .signingFailed(String(describing: error))
        }
    }
}

extension NoteSigner: CustomStringConvertible, CustomReflectable {
    /// Names the key without revealing it.
    public var description: String {
        "note signer \(SignedNoteError.keyLabel(name, keyID))"
    }

    /// Hides the private key from `dump` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "keyID": keyID])
    }
}

/// Checks signatures by one trusted Ed25519 key (c2sp.org/signed-note, signature type 0x01).
public struct NoteVerifier: Hashable, Sendable {
    /// The key name expected on signature lines.
    public let name: String
    /// The first four bytes (big-endian) of SHA-256(name || "\n" || 0x01 || public key).
    public let keyID: UInt32
    /// The 32-byte Ed25519 public key.
    public let publicKeyBytes: [UInt8]

    fileprivate init(validatedName name: String, keyID: UInt32, publicKey: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.publicKeyBytes = publicKey
    }

    /// Reads a verifier key "name+hexkeyid+base64(0x01 || 32-byte public key)", checking its key ID.
    public init(verifierKey: String) throws(SignedNoteError) {
        let parts: NoteKeyID.Parts
        do {
            parts = try NoteKeyID.split(verifierKey)
        } catch {
            throw .malformedVerifierKey(error.description)
        }
        guard let algorithm = parts.key.first else {
            throw .malformedVerifierKey("empty key data")
        }
        guard algorithm == NoteKeyID.ed25519 else {
            throw .unsupportedAlgorithm(algorithm)
        }
        guard parts.key.count == 33 else {
            throw .malformedVerifierKey("key data is not 33 bytes")
        }
        let publicKey = Array(parts.key.dropFirst())
        guard (try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey)) != nil else {
            throw .malformedVerifierKey("invalid ed25519 public key")
        }
        guard NoteKeyID.compute(name: parts.name, publicKey: publicKey) == parts.keyID else {
            throw .keyIDMismatch(name: parts.name, keyID: parts.keyID)
        }
        self.init(validatedName: parts.name, keyID: parts.keyID, publicKey: publicKey)
    }

    /// Trusts an Ed25519 public key under a key name.
    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(SignedNoteError) {
        guard NoteKeyID.isValidName(name) else {
            throw .invalidKeyName(name)
        }
        let bytes = Array(publicKey.rawRepresentation)
        self.init(validatedName: name, keyID: NoteKeyID.compute(name: name, publicKey: bytes), publicKey: bytes)
    }

    /// The verifier key "name+hexkeyid+base64(0x01 || public key)".
    public var verifierKey: String {
        let encoded = Data([NoteKeyID.ed25519] + publicKeyBytes).base64EncodedString()
        return "\(name)+\(NoteKeyID.hex(keyID))+\(encoded)"
    }

    /// Whether `signature` is a valid Ed25519 signature of `message` by this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKeyBytes)
        else {
            return false
        }
        return key.isValidSignature(signature, for: message)
    }
}

extension NoteVerifier: CustomStringConvertible {
    /// The verifier key text.
    public var description: String {
        verifierKey
    }
}

/// Key names, key IDs and the "name+hexkeyid+base64" text shared by signer and verifier keys.
enum NoteKeyID {
    /// The c2sp.org/signed-note signature type byte for Ed25519.
    static let ed25519: UInt8 = 0x01

    struct Parts {
        let name: String
        let keyID: UInt32
        let key: [UInt8]
    }

    struct FormatError: Error {
        let description: String
    }

    /// SHA-256(name || 0x0A || 0x01 || public key), first four bytes big-endian.
    static func compute(name: String, publicKey: [UInt8]) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Array(name.utf8) + [0x0A, ed25519])
        hasher.update(data: publicKey)
        return Array(hasher.finalize()).prefix(4).reduce(0) { $0 << 8 | UInt32($1) }
    }

    /// Eight lower-case hex digits.
    static func hex(_ keyID: UInt32) -> String {
        Hex.encode([UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF)])
    }

    /// Non-empty, with no Unicode space or plus sign (the spec) and no control character below U+0020,
    /// which no note may contain.
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty
            && name.unicodeScalars.allSatisfy {
                !$0.properties.isWhitespace && $0 != "+" && $0.value >= 0x20
            }
    }

    /// Splits "name+hexkeyid+base64" at its first two plus signs and decodes the parts strictly.
    static func split(_ text: String) throws(FormatError) -> Parts {
        let fields = text.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else {
            throw FormatError(description: "expected name+keyid+key")
        }
        let name = String(fields[0])
        guard isValidName(name) else {
            throw FormatError(description: "invalid key name")
        }
        let hexID = fields[1]
        guard hexID.utf8.count == 8,
            hexID.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }),
            let keyID = UInt32(hexID, radix: 16)
        else {
            throw FormatError(description: "key id is not 8 lower-case hex digits")
        }
        guard let key = StrictBase64.decode(String(fields[2])), !key.isEmpty else {
            throw FormatError(description: "key data is not canonical base64")
        }
        return Parts(name: name, keyID: keyID, key: key)
    }
}

/// Standard base64 (RFC 4648 §4) that accepts only the canonical padded spelling of each byte string.
enum StrictBase64 {
    static func decode(_ text: String) -> [UInt8]? {
        guard let data = Data(base64Encoded: text), data.base64EncodedString() == text else {
            return nil
        }
        return Array(data)
    }

    static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
