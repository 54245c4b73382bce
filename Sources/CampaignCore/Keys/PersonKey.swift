public import Crypto

/// One person's Ed25519 signing key, loaded from their keystore; it never prints its private half.
public struct PersonKey: Sendable {
    /// The person's name (1–32 characters of `a-z0-9._-`, starting with a letter).
    public let name: String
    /// The private key; internal so module code can build a `NoteSigner` for cosigning checkpoints.
    let privateKey: Curve25519.Signing.PrivateKey

    init(name: String, privateKey: Curve25519.Signing.PrivateKey) {
        self.name = name
        self.privateKey = privateKey
    }

    /// The Ed25519 public key, the only half the database ever stores.
    public var publicKey: Curve25519.Signing.PublicKey {
        privateKey.publicKey
    }

    /// Standard base64 of the raw 32-byte public key.
    public var publicKeyBase64: String {
        StrictBase64.encode(Array(privateKey.publicKey.rawRepresentation))
    }

    /// The `.pub` line: `ed25519 <base64 public key> <name>`.
    public var publicKeyLine: String {
        PublicKeyLine.format(name: name, publicKey: publicKey)
    }

    /// The 64-byte Ed25519 signature of `message`.
    public func sign(_ message: [UInt8]) throws(KeystoreError) -> [UInt8] {
        do {
            return Array(try privateKey.signature(for: message))
        } catch {
            throw .cryptoFailure("signing with the key of '\(name)' failed: \(error)")
        }
    }
}

extension PersonKey: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the person and the public key only.
    public var description: String {
        "person key '\(name)' (ed25519 \(publicKeyBase64))"
    }

    /// The same as `description`, so string interpolation in debug output stays safe too.
    public var debugDescription: String {
        description
    }

    /// Hides the private key from `dump`, `Mirror` and debuggers.
    public var customMirror: Mirror {
        Mirror(self, children: ["name": name, "publicKey": publicKeyBase64], displayStyle: .struct)
    }
}

/// The one-line public key format `ed25519 <base64 32 bytes> <name>`.
enum PublicKeyLine {
    static let algorithm = "ed25519"

    static func format(name: String, publicKey: Curve25519.Signing.PublicKey) -> String {
        "\(algorithm) \(StrictBase64.encode(Array(publicKey.rawRepresentation))) \(name)"
    }

    /// Reads `ed25519 <base64> [name]` or a bare base64 key; the reason text names what is wrong.
    static func parse(
        _ text: String,
        path: String
    ) throws(KeystoreError) -> (name: String?, publicKey: Curve25519.Signing.PublicKey) {
        let lines = text.split(whereSeparator: \.isNewline).filter {
            !$0.allSatisfy(\.isWhitespace)
        }
        guard lines.count == 1, let line = lines.first else {
            throw .malformedPublicKey(path: path, reason: "expected exactly one line")
        }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let encoded: String
        var name: String?
        switch fields.count {
        case 1:
            encoded = fields[0]
        case 2, 3:
            guard fields[0] == algorithm else {
                throw .malformedPublicKey(
                    path: path,
                    reason: "unsupported algorithm \(KeystoreError.quoted(fields[0])), expected ed25519"
                )
            }
            encoded = fields[1]
            if fields.count == 3 {
                do {
                    try PersonName.validate(fields[2])
                } catch {
                    throw .malformedPublicKey(path: path, reason: error.description)
                }
                name = fields[2]
            }
        default:
            throw .malformedPublicKey(path: path, reason: "expected 'ed25519 <base64 key> <name>' or a base64 key")
        }
        guard let bytes = StrictBase64.decode(encoded), bytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else {
            throw .malformedPublicKey(path: path, reason: "the key is not canonical base64 of 32 bytes")
        }
        return (name, key)
    }
}

/// Person names: 1–32 characters of `a-z0-9._-`, starting with a letter, so never a path or a hidden file.
enum PersonName {
    static func validate(_ name: String) throws(KeystoreError) {
        let bytes = Array(name.utf8)
        guard (1...32).contains(bytes.count), let first = bytes.first, (0x61...0x7A).contains(first),
            bytes.allSatisfy(isAllowed)
        else {
            throw .invalidName(name)
        }
    }

    /// a-z, 0-9, '.', '_' and '-'.
    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x61...0x7A, 0x30...0x39, 0x2E, 0x5F, 0x2D:
            true
        default:
            false
        }
    }
}
