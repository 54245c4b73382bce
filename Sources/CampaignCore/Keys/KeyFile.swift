// Hand-written because no package in the local mirror defines a passphrase-protected Ed25519 key file:
// swift-crypto offers the primitives (Curve25519.Signing, KDF.Scrypt, ChaChaPoly) but no file format, and
// OpenSSH's or PKCS #8's encrypted formats would need bcrypt-pbkdf or ASN.1 code of our own anyway.
import Crypto
import CryptoExtras
import Foundation

/// Scrypt cost parameters for encrypting a private key with a passphrase.
public struct ScryptParameters: Sendable, Hashable {
    /// The CPU and memory cost N, a power of two.
    public var n: Int
    /// The block size r.
    public var r: Int
    /// The parallelism p.
    public var p: Int

    /// Checks nothing; `validate()` runs before every use.
    public init(n: Int, r: Int, p: Int) {
        self.n = n
        self.r = r
        self.p = p
    }

    /// N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s): the interactive-login cost recommended by scrypt's author.
    public static let standard = ScryptParameters(n: 1 << 15, r: 8, p: 1)

    /// A deliberately weak cost for tests only.
    public static let testOnlyWeak = ScryptParameters(n: 16, r: 8, p: 1)

    /// Largest accepted N (2^20, 1 GiB at r = 8): a crafted key file must not exhaust memory.
    static let maximumN = 1 << 20

    /// Refuses parameters that scrypt rejects or that would take more than 1 GiB of memory.
    func validate() throws(KeystoreError) {
        guard n >= 2, n <= Self.maximumN, n & (n - 1) == 0 else {
            throw .invalidScryptParameters("n must be a power of two from 2 to \(Self.maximumN), not \(n)")
        }
        guard (1...32).contains(r) else {
            throw .invalidScryptParameters("r must be from 1 to 32, not \(r)")
        }
        guard (1...16).contains(p) else {
            throw .invalidScryptParameters("p must be from 1 to 16, not \(p)")
        }
        guard 128 * n * r * p <= 1 << 30 else {
            throw .invalidScryptParameters("128 * n * r * p exceeds 1 GiB")
        }
    }
}

/// The JSON document of a `<name>.key` file.
struct KeyFileDocument: Codable, Equatable {
    static let currentVersion = 1
    static let algorithmName = "ed25519"

    var version: Int
    var name: String
    var algorithm: String
    var publicKey: String
    /// Base64 of the 32-byte seed, when the key is not encrypted.
    var privateKey: String?
    var encrypted: EncryptedSeed?

    enum CodingKeys: String, CodingKey {
        case version, name, algorithm
        case publicKey = "public_key"
        case privateKey = "private_key"
        case encrypted
    }

    /// The seed sealed with ChaChaPoly under a scrypt-derived key.
    struct EncryptedSeed: Codable, Equatable {
        static let kdfName = "scrypt"
        static let cipherName = "chacha20-poly1305"

        var kdf: String
        var salt: String
        var n: Int
        var r: Int
        var p: Int
        var cipher: String
        /// Base64 of ChaChaPoly's combined form: 12-byte nonce, ciphertext, 16-byte tag.
        var box: String
    }
}

/// Encoding, decoding, sealing and opening `<name>.key` documents.
enum KeyFile {
    static let maximumBytes = 64 * 1024
    static let saltByteCount = 16

    /// The document for `privateKey`, sealed when a passphrase is given.
    static func document(
        name: String,
        privateKey: Curve25519.Signing.PrivateKey,
        passphrase: String?,
        scrypt: ScryptParameters
    ) throws(KeystoreError) -> KeyFileDocument {
        let publicKey = Array(privateKey.publicKey.rawRepresentation)
        var document = KeyFileDocument(
            version: KeyFileDocument.currentVersion,
            name: name,
            algorithm: KeyFileDocument.algorithmName,
            publicKey: StrictBase64.encode(publicKey)
        )
        guard let passphrase else {
            document.privateKey = StrictBase64.encode(Array(privateKey.rawRepresentation))
            return document
        }
        try scrypt.validate()
        let salt = randomBytes(saltByteCount)
        let key = try deriveKey(name: name, passphrase: passphrase, salt: salt, scrypt: scrypt)
        let sealed: ChaChaPoly.SealedBox
        do {
            sealed = try ChaChaPoly.seal(
                privateKey.rawRepresentation,
                using: key,
                authenticating: associatedData(name: name, publicKey: publicKey)
            )
        } catch {
            throw .cryptoFailure("cannot encrypt the key of '\(name)': \(error)")
        }
        document.encrypted = KeyFileDocument.EncryptedSeed(
            kdf: KeyFileDocument.EncryptedSeed.kdfName,
            salt: StrictBase64.encode(salt),
            n: scrypt.n,
            r: scrypt.r,
            p: scrypt.p,
            cipher: KeyFileDocument.EncryptedSeed.cipherName,
            box: StrictBase64.encode(Array(sealed.combined))
        )
        return document
    }

    /// Pretty, sorted JSON with a final newline.
    static func encode(_ document: KeyFileDocument) throws(KeystoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(document)) + [0x0A]
        } catch {
            throw .cryptoFailure("cannot encode a key document: \(error)")
        }
    }

    /// Parses and checks a document read from `path`, which must belong to `name`.
    static func decode(_ bytes: [UInt8], path: String, name: String) throws(KeystoreError) -> KeyFileDocument {
        let document: KeyFileDocument
        do {
            document = try JSONDecoder().decode(KeyFileDocument.self, from: Data(bytes))
        } catch {
            throw .malformedKeyFile(
                path: path,
                reason: "not a campaignctl key document (JSON with version, name, algorithm and public_key)"
            )
        }
        guard document.version == KeyFileDocument.currentVersion else {
            throw .malformedKeyFile(path: path, reason: "unsupported version \(document.version)")
        }
        guard document.algorithm == KeyFileDocument.algorithmName else {
            throw .malformedKeyFile(
                path: path,
                reason: "unsupported algorithm \(KeystoreError.quoted(document.algorithm))"
            )
        }
        guard document.name == name else {
            throw .keyNameMismatch(path: path, expected: name, found: document.name)
        }
        guard (document.privateKey == nil) != (document.encrypted == nil) else {
            throw .malformedKeyFile(path: path, reason: "expected exactly one of private_key and encrypted")
        }
        return document
    }

    /// The public key recorded in a checked document.
    static func publicKey(
        of document: KeyFileDocument,
        path: String
    ) throws(KeystoreError) -> Curve25519.Signing.PublicKey {
        guard let bytes = StrictBase64.decode(document.publicKey), bytes.count == 32,
            let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes)
        else {
            throw .malformedKeyFile(path: path, reason: "public_key is not base64 of a 32-byte ed25519 key")
        }
        return key
    }

    /// The private key of a checked document, asking `passphrase` only when it is encrypted.
    static func privateKey(
        of document: KeyFileDocument,
        path: String,
        passphrase: () -> String?
    ) throws(KeystoreError) -> Curve25519.Signing.PrivateKey {
        let publicKey = try publicKey(of: document, path: path)
        let seed: [UInt8]
        if let encoded = document.privateKey {
            guard let decoded = StrictBase64.decode(encoded), decoded.count == 32 else {
                throw .malformedKeyFile(path: path, reason: "private_key is not base64 of a 32-byte seed")
            }
            seed = decoded
        } else if let encrypted = document.encrypted {
            seed = try open(encrypted, name: document.name, publicKey: publicKey, path: path, passphrase: passphrase)
        } else {
            throw .malformedKeyFile(path: path, reason: "expected exactly one of private_key and encrypted")
        }
        guard let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: seed) else {
            throw .malformedKeyFile(path: path, reason: "the seed is not a valid ed25519 private key")
        }
        guard privateKey.publicKey.rawRepresentation == publicKey.rawRepresentation else {
            throw .malformedKeyFile(path: path, reason: "public_key does not match the private key")
        }
        return privateKey
    }

    private static func open(
        _ encrypted: KeyFileDocument.EncryptedSeed,
        name: String,
        publicKey: Curve25519.Signing.PublicKey,
        path: String,
        passphrase: () -> String?
    ) throws(KeystoreError) -> [UInt8] {
        guard encrypted.kdf == KeyFileDocument.EncryptedSeed.kdfName else {
            throw .malformedKeyFile(path: path, reason: "unsupported kdf \(KeystoreError.quoted(encrypted.kdf))")
        }
        guard encrypted.cipher == KeyFileDocument.EncryptedSeed.cipherName else {
            throw .malformedKeyFile(path: path, reason: "unsupported cipher \(KeystoreError.quoted(encrypted.cipher))")
        }
        let scrypt = ScryptParameters(n: encrypted.n, r: encrypted.r, p: encrypted.p)
        do {
            try scrypt.validate()
        } catch {
            throw .malformedKeyFile(path: path, reason: error.description)
        }
        guard let salt = StrictBase64.decode(encrypted.salt), (saltByteCount...64).contains(salt.count) else {
            throw .malformedKeyFile(path: path, reason: "salt is not base64 of 16 to 64 bytes")
        }
        guard let combined = StrictBase64.decode(encrypted.box),
            let box = try? ChaChaPoly.SealedBox(combined: combined)
        else {
            throw .malformedKeyFile(path: path, reason: "box is not base64 of a chacha20-poly1305 sealed box")
        }
        guard let text = passphrase() else {
            throw .passphraseRequired(name: name)
        }
        let key = try deriveKey(name: name, passphrase: text, salt: salt, scrypt: scrypt)
        let aad = associatedData(name: name, publicKey: Array(publicKey.rawRepresentation))
        guard let seed = try? ChaChaPoly.open(box, using: key, authenticating: aad), seed.count == 32 else {
            throw .wrongPassphrase(name: name)
        }
        return Array(seed)
    }

    /// scrypt(NFC(passphrase), salt) → 32-byte ChaChaPoly key.
    private static func deriveKey(
        name: String,
        passphrase: String,
        salt: [UInt8],
        scrypt: ScryptParameters
    ) throws(KeystoreError) -> SymmetricKey {
        // The same passphrase typed on systems that compose accents differently derives the same key.
        let bytes = Array(passphrase.precomposedStringWithCanonicalMapping.utf8)
        // Also: swift-crypto 4.5.2 force-unwraps the base address of the passphrase, which an empty one may lack.
        guard !bytes.isEmpty else {
            throw .emptyPassphrase(name: name)
        }
        do {
            return try KDF.Scrypt.deriveKey(
                from: bytes,
                salt: salt,
                outputByteCount: 32,
                rounds: scrypt.n,
                blockSize: scrypt.r,
                parallelism: scrypt.p
            )
        } catch {
            throw .cryptoFailure("scrypt failed: \(error)")
        }
    }

    /// "campaignctl-key-v1" 0x00 name 0x00 public key: binds the sealed seed to its person and public key, so a
    /// file moved to another person's name, or given another public key, does not decrypt.
    static func associatedData(name: String, publicKey: [UInt8]) -> [UInt8] {
        Array("campaignctl-key-v1".utf8) + [0] + Array(name.utf8) + [0] + publicKey
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }
}
