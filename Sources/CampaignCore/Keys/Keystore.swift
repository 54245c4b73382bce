public import Crypto
import Foundation

/// One person's folder of Ed25519 keys (`<name>.key` 0600, `<name>.pub` 0644) and CLI memory (`state.json` 0600).
///
/// Files are refused, as ssh refuses them, when a private file is accessible by group or others, when a public
/// file or the folder is writable by them, when they belong to another user, or when they are symbolic links.
public struct Keystore: Sendable {
    /// The keystore folder as given.
    public let directory: String

    /// The state file name inside the folder.
    public static let stateFileName = "state.json"
    private static let lockFileName = ".state.lock"

    /// Opens the keystore at `directory`, creating it (and missing parents) with mode 0700, and checks the folder.
    public init(directory: String) throws(KeystoreError) {
        var path = directory
        while path.count > 1 && path.hasSuffix("/") {
            path.removeLast()
        }
        guard !path.isEmpty else {
            throw .notAFolder(path: directory)
        }
        try SecureFile.ensureFolder(path)
        self.directory = path
    }

    /// `$XDG_CONFIG_HOME/campaignctl/keys`, else `$HOME/.config/campaignctl/keys` (relative XDG values are ignored,
    /// as the XDG spec says).
    public static func defaultDirectory(environment: [String: String]) -> String {
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return "\(config)/campaignctl/keys"
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "."
        return "\(home)/.config/campaignctl/keys"
    }

    /// Refuses a person name that is not 1–32 characters of `a-z0-9._-` starting with a letter.
    public static func validateName(_ name: String) throws(KeystoreError) {
        try PersonName.validate(name)
    }

    /// The path of `<name>.key`.
    public func privateKeyPath(for name: String) -> String {
        "\(directory)/\(name).key"
    }

    /// The path of `<name>.pub`.
    public func publicKeyPath(for name: String) -> String {
        "\(directory)/\(name).pub"
    }

    /// The path of `state.json`.
    public var statePath: String {
        "\(directory)/\(Self.stateFileName)"
    }

    /// Creates a fresh key pair for `name`, sealed with `passphrase` when one is given; never overwrites a key.
    public func generateKey(
        for name: String,
        passphrase: String?,
        scrypt: ScryptParameters = .standard
    ) throws(KeystoreError) -> PersonKey {
        try PersonName.validate(name)
        try SecureFile.checkFolder(directory)
        let keyPath = privateKeyPath(for: name)
        guard !SecureFile.exists(keyPath) else {
            throw .keyExists(name: name, path: keyPath)
        }
        let privateKey = Curve25519.Signing.PrivateKey()
        let document = try KeyFile.document(
            name: name,
            privateKey: privateKey,
            passphrase: passphrase,
            scrypt: scrypt
        )
        do {
            try SecureFile.writeFile(KeyFile.encode(document), to: keyPath, mode: 0o600, replacing: false)
        } catch .io(_, _, EEXIST) {
            // Another process created the key between the check above and the link.
            throw .keyExists(name: name, path: keyPath)
        }
        let key = PersonKey(name: name, privateKey: privateKey)
        try SecureFile.writeFile(
            Array((key.publicKeyLine + "\n").utf8),
            to: publicKeyPath(for: name),
            mode: 0o644,
            replacing: true
        )
        return key
    }

    /// Loads `name`'s private key, calling `passphrase` only if the key file is encrypted.
    public func loadKey(for name: String, passphrase: () -> String?) throws(KeystoreError) -> PersonKey {
        let (document, path) = try readDocument(for: name)
        let privateKey = try KeyFile.privateKey(of: document, path: path, passphrase: passphrase)
        return PersonKey(name: name, privateKey: privateKey)
    }

    /// `name`'s public key, read from the private key file without a passphrase and checked against `<name>.pub`.
    public func publicKey(for name: String) throws(KeystoreError) -> Curve25519.Signing.PublicKey {
        let (document, path) = try readDocument(for: name)
        let key = try KeyFile.publicKey(of: document, path: path)
        let pubPath = publicKeyPath(for: name)
        let bytes = try SecureFile.readFile(
            pubPath,
            forbidden: SecureFile.groupOrOtherWrite,
            suggestedMode: 0o644,
            maxBytes: KeyFile.maximumBytes
        )
        if let bytes {
            let parsed = try PublicKeyLine.parse(String(decoding: bytes, as: UTF8.self), path: pubPath)
            guard parsed.publicKey.rawRepresentation == key.rawRepresentation, parsed.name == nil || parsed.name == name
            else {
                throw .publicKeyMismatch(name: name, path: pubPath)
            }
        }
        return key
    }

    /// Reads a colleague's public key from a `.pub` line (`ed25519 <base64> [name]`) or a bare base64 key.
    public func importPublicKey(
        from file: String
    ) throws(KeystoreError) -> (name: String?, publicKey: Curve25519.Signing.PublicKey) {
        let bytes = try SecureFile.readUnchecked(file, maxBytes: KeyFile.maximumBytes)
        guard let text = String(bytes: bytes, encoding: .utf8) else {
            throw .malformedPublicKey(path: file, reason: "not utf-8 text")
        }
        return try PublicKeyLine.parse(text, path: file)
    }

    /// The names of the people with a private key file here, sorted.
    public func names() throws(KeystoreError) -> [String] {
        try SecureFile.checkFolder(directory)
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .io(path: directory, operation: "list", errno: EACCES)
        }
        return entries.compactMap { entry -> String? in
            guard entry.hasSuffix(".key") else {
                return nil
            }
            let name = String(entry.dropLast(4))
            return (try? PersonName.validate(name)) == nil ? nil : name
        }
        .sorted()
    }

    /// The remembered state; empty when `state.json` does not exist yet.
    public func readState() throws(KeystoreError) -> KeystoreState {
        try SecureFile.checkFolder(directory)
        guard
            let bytes = try SecureFile.readFile(
                statePath,
                forbidden: SecureFile.groupOrOtherAccess,
                suggestedMode: 0o600,
                maxBytes: StateFile.maximumBytes
            )
        else {
            return KeystoreState()
        }
        return try StateFile.decode(bytes, path: statePath)
    }

    /// Reads, changes and atomically rewrites the state under a lock; refuses changes that rewind what was verified.
    public func updateState(_ body: (inout KeystoreState) throws -> Void) throws {
        try SecureFile.checkFolder(directory)
        try SecureFile.withLock("\(directory)/\(Self.lockFileName)") {
            let old = try readState()
            var new = old
            try body(&new)
            new.version = KeystoreState.currentVersion
            try new.checkProgress(from: old)
            guard new != old else {
                return
            }
            try SecureFile.writeFile(StateFile.encode(new), to: statePath, mode: 0o600, replacing: true)
        }
    }

    private func readDocument(for name: String) throws(KeystoreError) -> (KeyFileDocument, String) {
        try PersonName.validate(name)
        try SecureFile.checkFolder(directory)
        let path = privateKeyPath(for: name)
        guard
            let bytes = try SecureFile.readFile(
                path,
                forbidden: SecureFile.groupOrOtherAccess,
                suggestedMode: 0o600,
                maxBytes: KeyFile.maximumBytes
            )
        else {
            throw .noSuchKey(name: name, path: path)
        }
        return (try KeyFile.decode(bytes, path: path, name: name), path)
    }
}
