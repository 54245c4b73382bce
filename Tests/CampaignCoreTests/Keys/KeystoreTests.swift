import CampaignCore
import Crypto
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Security model §2 T1 (stolen laptop), T2 (self-approval with a second key), T16 (key compromise); §3 R1, R9.
// Every rule of the keystore is attacked here: loose permissions, overwrites, swaps, tampering, traversal.

/// A fresh temporary folder that is removed at the end of the test.
private final class TemporaryFolder {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        path = "\(base)/keystore-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        _ = chmod(path, 0o700)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// A keystore in a sub-folder that does not exist yet.
    func keystore(_ name: String = "keys") throws -> Keystore {
        try Keystore(directory: "\(path)/\(name)")
    }
}

private func mode(of path: String) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else {
        return -1
    }
    return Int(info.st_mode & 0o7777)
}

private func setMode(_ path: String, _ mode: Int) {
    #expect(chmod(path, mode_t(mode)) == 0)
}

private func readJSON(_ path: String) throws -> [String: Any] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

private func writeJSON(_ object: [String: Any], to path: String) throws {
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    try data.write(to: URL(fileURLWithPath: path))
    setMode(path, 0o600)
}

private func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}

private let weak = ScryptParameters.testOnlyWeak
private let message = Array("campaign 42 revision 7".utf8)

@Suite struct KeystoreKeyTests {
    @Test func aGeneratedKeyReloadsAndItsSignatureVerifiesWithThePublicKey() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let generated = try keystore.generateKey(for: "alice", passphrase: nil)
        var asked = false
        let loaded = try keystore.loadKey(for: "alice") {
            asked = true
            return "unused"
        }
        #expect(!asked, "an unencrypted key must not ask for a passphrase")
        #expect(loaded.name == "alice")
        #expect(loaded.publicKeyBase64 == generated.publicKeyBase64)
        let signature = try loaded.sign(message)
        #expect(signature.count == 64)
        #expect(try keystore.publicKey(for: "alice").isValidSignature(signature, for: message))
        #expect(generated.publicKey.isValidSignature(signature, for: message))
        #expect(!generated.publicKey.isValidSignature(signature, for: message + [0]))
    }

    @Test func theKeyFileIsExactly0600ThePublicFile0644AndTheFolder0700() throws {
        let folder = try TemporaryFolder()
        let keystore = try Keystore(directory: "\(folder.path)/a/b/keys/")
        #expect(keystore.directory == "\(folder.path)/a/b/keys")
        #expect(mode(of: keystore.directory) == 0o700)
        #expect(mode(of: "\(folder.path)/a") == 0o700)
        _ = try keystore.generateKey(for: "alice", passphrase: nil)
        _ = try keystore.generateKey(for: "bob", passphrase: "correct horse", scrypt: weak)
        for name in ["alice", "bob"] {
            #expect(mode(of: keystore.privateKeyPath(for: name)) == 0o600)
            #expect(mode(of: keystore.publicKeyPath(for: name)) == 0o644)
        }
        let entries = try FileManager.default.contentsOfDirectory(atPath: keystore.directory).sorted()
        #expect(entries == ["alice.key", "alice.pub", "bob.key", "bob.pub"], "no temporary file is left behind")
        #expect(try keystore.names() == ["alice", "bob"])
    }

    @Test func theKeyFileFollowsTheDocumentedJSONFormat() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let key = try keystore.generateKey(for: "alice", passphrase: nil)
        let plain = try readJSON(keystore.privateKeyPath(for: "alice"))
        #expect(plain["version"] as? Int == 1)
        #expect(plain["name"] as? String == "alice")
        #expect(plain["algorithm"] as? String == "ed25519")
        #expect(plain["public_key"] as? String == key.publicKeyBase64)
        #expect((plain["private_key"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 32)
        #expect(plain["encrypted"] == nil)
        let pub = try String(contentsOfFile: keystore.publicKeyPath(for: "alice"), encoding: .utf8)
        #expect(pub == "ed25519 \(key.publicKeyBase64) alice\n")
        #expect(key.publicKeyLine == "ed25519 \(key.publicKeyBase64) alice")

        _ = try keystore.generateKey(for: "bob", passphrase: "pw", scrypt: weak)
        let sealed = try readJSON(keystore.privateKeyPath(for: "bob"))
        #expect(sealed["private_key"] == nil)
        let encrypted = try #require(sealed["encrypted"] as? [String: Any])
        #expect(encrypted["kdf"] as? String == "scrypt")
        #expect(encrypted["cipher"] as? String == "chacha20-poly1305")
        #expect(encrypted["n"] as? Int == 16)
        #expect(encrypted["r"] as? Int == 8)
        #expect(encrypted["p"] as? Int == 1)
        #expect((encrypted["salt"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 16)
        // 12-byte nonce + 32-byte sealed seed + 16-byte tag.
        #expect((encrypted["box"] as? String).flatMap { Data(base64Encoded: $0) }?.count == 60)
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o620, 0o602, 0o610, 0o601, 0o666])
    func aKeyFileAccessibleByGroupOrOthersIsRefused(loose: Int) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: nil)
        let path = keystore.privateKeyPath(for: "alice")
        setMode(path, loose)
        let expected = KeystoreError.insecureFile(path: path, mode: loose, allowed: 0o600)
        #expect(throws: expected) { try keystore.loadKey(for: "alice") { nil } }
        #expect(throws: expected) { try keystore.publicKey(for: "alice") }
        let octal = "0" + String(loose, radix: 8)
        #expect(
            expected.description == "permissions \(octal) for \(path) are too open; refusing to use it: "
                + "run chmod 600 \(path)"
        )
        setMode(path, 0o600)
        _ = try keystore.loadKey(for: "alice") { nil }
    }

    @Test(arguments: [0o777, 0o770, 0o707, 0o720, 0o702])
    func aKeystoreFolderWritableByOthersIsRefused(loose: Int) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: nil)
        setMode(keystore.directory, loose)
        defer { setMode(keystore.directory, 0o700) }
        let expected = KeystoreError.insecureFolder(path: keystore.directory, mode: loose)
        #expect(throws: expected) { try Keystore(directory: keystore.directory) }
        #expect(throws: expected) { try keystore.loadKey(for: "alice") { nil } }
        #expect(throws: expected) { try keystore.generateKey(for: "mallory", passphrase: nil) }
        #expect(throws: expected) { try keystore.readState() }
        #expect(throws: expected) { try keystore.names() }
    }

    @Test func aKeystorePathThatIsAFileIsRefused() throws {
        let folder = try TemporaryFolder()
        let path = "\(folder.path)/file"
        _ = FileManager.default.createFile(atPath: path, contents: Data())
        #expect(throws: KeystoreError.notAFolder(path: path)) { try Keystore(directory: path) }
    }

    @Test func overwritingAnExistingKeyIsRefusedAndTheKeyIsKept() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let original = try keystore.generateKey(for: "alice", passphrase: nil)
        let path = keystore.privateKeyPath(for: "alice")
        #expect(throws: KeystoreError.keyExists(name: "alice", path: path)) {
            try keystore.generateKey(for: "alice", passphrase: nil)
        }
        #expect(throws: KeystoreError.keyExists(name: "alice", path: path)) {
            try keystore.generateKey(for: "alice", passphrase: "new", scrypt: weak)
        }
        #expect(try keystore.loadKey(for: "alice") { nil }.publicKeyBase64 == original.publicKeyBase64)
        #expect(try keystore.publicKey(for: "alice").rawRepresentation == original.publicKey.rawRepresentation)
    }

    @Test func racingGeneratorsForOneNameLeaveExactlyOneKey() async throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let results = await withTaskGroup(of: Result<String, KeystoreError>.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    do throws(KeystoreError) {
                        return .success(try keystore.generateKey(for: "alice", passphrase: nil).publicKeyBase64)
                    } catch {
                        return .failure(error)
                    }
                }
            }
            var all: [Result<String, KeystoreError>] = []
            for await result in group {
                all.append(result)
            }
            return all
        }
        let winners = results.compactMap { try? $0.get() }
        #expect(winners.count == 1)
        for case .failure(let error) in results {
            #expect(error == .keyExists(name: "alice", path: keystore.privateKeyPath(for: "alice")))
        }
        #expect(try keystore.loadKey(for: "alice") { nil }.publicKeyBase64 == winners.first)
    }

    @Test func aSymbolicLinkInPlaceOfAKeyFileIsRefused() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: nil)
        let link = keystore.privateKeyPath(for: "bob")
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "alice.key")
        #expect(throws: KeystoreError.notARegularFile(path: link)) { try keystore.loadKey(for: "bob") { nil } }
    }

    @Test func aMissingKeyIsATypedError() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let path = keystore.privateKeyPath(for: "carol")
        #expect(throws: KeystoreError.noSuchKey(name: "carol", path: path)) {
            try keystore.loadKey(for: "carol") { nil }
        }
        #expect(throws: KeystoreError.noSuchKey(name: "carol", path: path)) { try keystore.publicKey(for: "carol") }
    }
}

@Suite struct EncryptedKeyTests {
    @Test func anEncryptedKeyOpensWithItsPassphraseOnly() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let generated = try keystore.generateKey(for: "alice", passphrase: "correct horse", scrypt: weak)
        var asked = 0
        let loaded = try keystore.loadKey(for: "alice") {
            asked += 1
            return "correct horse"
        }
        #expect(asked == 1)
        #expect(loaded.publicKeyBase64 == generated.publicKeyBase64)
        #expect(try keystore.publicKey(for: "alice").isValidSignature(try loaded.sign(message), for: message))

        let wrong = KeystoreError.wrongPassphrase(name: "alice")
        #expect(wrong.description == "wrong passphrase for key 'alice'")
        #expect(throws: wrong) { try keystore.loadKey(for: "alice") { "correct horse " } }
        #expect(throws: wrong) { try keystore.loadKey(for: "alice") { "Correct horse" } }
        #expect(throws: KeystoreError.passphraseRequired(name: "alice")) { try keystore.loadKey(for: "alice") { nil } }
        #expect(throws: KeystoreError.emptyPassphrase(name: "alice")) { try keystore.loadKey(for: "alice") { "" } }
        #expect(throws: KeystoreError.emptyPassphrase(name: "bob")) {
            try keystore.generateKey(for: "bob", passphrase: "", scrypt: weak)
        }
        #expect(!SecureFileProbe.exists(keystore.privateKeyPath(for: "bob")))
    }

    @Test func theStandardCostDerivesWithinScryptsMemoryLimit() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: "pw")
        let encrypted = try #require(try readJSON(keystore.privateKeyPath(for: "alice"))["encrypted"] as? [String: Any])
        #expect(encrypted["n"] as? Int == 32768)
        _ = try keystore.loadKey(for: "alice") { "pw" }
    }

    @Test func composedAndDecomposedAccentsAreTheSamePassphrase() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: "caf\u{E9}", scrypt: weak)
        _ = try keystore.loadKey(for: "alice") { "cafe\u{301}" }
    }

    @Test(arguments: ["box", "salt", "n", "public_key"])
    func aTamperedEncryptedKeyFileIsRefused(field: String) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: "pw", scrypt: weak)
        let other = try keystore.generateKey(for: "mallory", passphrase: nil)
        let path = keystore.privateKeyPath(for: "alice")
        var document = try readJSON(path)
        var encrypted = try #require(document["encrypted"] as? [String: Any])
        switch field {
        case "box", "salt":
            var bytes = try #require((encrypted[field] as? String).flatMap { Data(base64Encoded: $0) })
            bytes[bytes.count / 2] ^= 0x01
            encrypted[field] = bytes.base64EncodedString()
        case "n":
            encrypted["n"] = 32
        default:
            // The attacker's own public key, so that "alice" would enroll mallory's key.
            document["public_key"] = other.publicKeyBase64
        }
        document["encrypted"] = encrypted
        try writeJSON(document, to: path)
        #expect(throws: KeystoreError.wrongPassphrase(name: "alice")) { try keystore.loadKey(for: "alice") { "pw" } }
    }

    @Test func alicesEncryptedFileUnderBobsNameDoesNotOpen() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: "alice-pw", scrypt: weak)
        let bobPath = keystore.privateKeyPath(for: "bob")
        try FileManager.default.copyItem(atPath: keystore.privateKeyPath(for: "alice"), toPath: bobPath)
        #expect(throws: KeystoreError.keyNameMismatch(path: bobPath, expected: "bob", found: "alice")) {
            try keystore.loadKey(for: "bob") { "alice-pw" }
        }
        // Rewriting the name inside the document too is caught by the authenticated data.
        var document = try readJSON(bobPath)
        document["name"] = "bob"
        try writeJSON(document, to: bobPath)
        #expect(throws: KeystoreError.wrongPassphrase(name: "bob")) { try keystore.loadKey(for: "bob") { "alice-pw" } }
    }

    @Test func anUnencryptedFileMovedToAnotherNameOrGivenAnotherPublicKeyIsRefused() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: nil)
        let mallory = try keystore.generateKey(for: "mallory", passphrase: nil)
        let bobPath = keystore.privateKeyPath(for: "bob")
        try FileManager.default.copyItem(atPath: keystore.privateKeyPath(for: "alice"), toPath: bobPath)
        #expect(throws: KeystoreError.keyNameMismatch(path: bobPath, expected: "bob", found: "alice")) {
            try keystore.loadKey(for: "bob") { nil }
        }
        let path = keystore.privateKeyPath(for: "alice")
        var document = try readJSON(path)
        document["public_key"] = mallory.publicKeyBase64
        try writeJSON(document, to: path)
        #expect(throws: KeystoreError.malformedKeyFile(path: path, reason: "public_key does not match the private key"))
        {
            try keystore.loadKey(for: "alice") { nil }
        }
    }

    @Test func aPublicFileThatDisagreesWithThePrivateKeyIsRefused() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: "alice", passphrase: nil)
        let mallory = try keystore.generateKey(for: "mallory", passphrase: nil)
        let pubPath = keystore.publicKeyPath(for: "alice")
        try "ed25519 \(mallory.publicKeyBase64) alice\n".write(toFile: pubPath, atomically: false, encoding: .utf8)
        #expect(throws: KeystoreError.publicKeyMismatch(name: "alice", path: pubPath)) {
            try keystore.publicKey(for: "alice")
        }
        try "ed25519 \(mallory.publicKeyBase64) mallory\n".write(toFile: pubPath, atomically: false, encoding: .utf8)
        #expect(throws: KeystoreError.publicKeyMismatch(name: "alice", path: pubPath)) {
            try keystore.publicKey(for: "alice")
        }
        try "ed25519 \(try keystore.publicKey(for: "mallory").rawRepresentation.base64EncodedString()) mallory\n"
            .write(toFile: keystore.publicKeyPath(for: "mallory"), atomically: false, encoding: .utf8)
        setMode(keystore.publicKeyPath(for: "mallory"), 0o664)
        #expect(
            throws: KeystoreError.insecureFile(
                path: keystore.publicKeyPath(for: "mallory"),
                mode: 0o664,
                allowed: 0o644
            )
        ) {
            try keystore.publicKey(for: "mallory")
        }
    }

    @Test func costlyOrBrokenScryptParametersAreRefusedBeforeAskingThePassphrase() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        for scrypt in [ScryptParameters(n: 3, r: 8, p: 1), .init(n: 1 << 21, r: 8, p: 1), .init(n: 16, r: 0, p: 1)] {
            #expect(throws: KeystoreError.self) {
                try keystore.generateKey(for: "alice", passphrase: "pw", scrypt: scrypt)
            }
        }
        _ = try keystore.generateKey(for: "alice", passphrase: "pw", scrypt: weak)
        let path = keystore.privateKeyPath(for: "alice")
        var document = try readJSON(path)
        var encrypted = try #require(document["encrypted"] as? [String: Any])
        encrypted["n"] = 1 << 30
        document["encrypted"] = encrypted
        try writeJSON(document, to: path)
        var asked = false
        #expect(throws: KeystoreError.self) {
            try keystore.loadKey(for: "alice") {
                asked = true
                return "pw"
            }
        }
        #expect(!asked)
    }
}

@Suite struct PersonNameTests {
    @Test(arguments: [
        "../x", "Alice", "", String(repeating: "a", count: 33), "/etc/passwd", "a/b", ".hidden", "1abc", "-x", "al ice",
        "alice\n", "\u{E9}mile", "alice\u{0}", "state.json/..",
    ])
    func invalidNamesAreRefusedEverywhere(name: String) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let expected = KeystoreError.invalidName(name)
        #expect(throws: expected) { try Keystore.validateName(name) }
        #expect(throws: expected) { try keystore.generateKey(for: name, passphrase: nil) }
        #expect(throws: expected) { try keystore.loadKey(for: name) { nil } }
        #expect(throws: expected) { try keystore.publicKey(for: name) }
        #expect(!expected.description.contains("\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: keystore.directory).isEmpty)
    }

    @Test(arguments: ["a", String(repeating: "z", count: 32), "bob.smith_2-x", "x9"])
    func validNamesAreAccepted(name: String) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = try keystore.generateKey(for: name, passphrase: nil)
        #expect(try keystore.names() == [name])
    }
}

@Suite struct PublicKeyImportTests {
    @Test func aPubLineAndABareBase64KeyAreImported() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let key = try keystore.generateKey(for: "alice", passphrase: nil)
        let imported = try keystore.importPublicKey(from: keystore.publicKeyPath(for: "alice"))
        #expect(imported.name == "alice")
        #expect(imported.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
        let bare = "\(folder.path)/bare.txt"
        try "  \(key.publicKeyBase64)\n\n".write(toFile: bare, atomically: false, encoding: .utf8)
        let raw = try keystore.importPublicKey(from: bare)
        #expect(raw.name == nil)
        #expect(raw.publicKey.rawRepresentation == key.publicKey.rawRepresentation)
    }

    @Test(arguments: [
        "ssh-ed25519 AAAA alice", "ed25519 not-base64 alice", "ed25519 \(Data(count: 31).base64EncodedString()) alice",
        "ed25519 \(Data(count: 32).base64EncodedString()) ../alice", "ed25519 a b c d", "", "line one\nline two",
        String(Data(count: 32).base64EncodedString().dropLast()),
    ])
    func malformedPublicKeysAreRefused(text: String) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let path = "\(folder.path)/colleague.pub"
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        #expect {
            try keystore.importPublicKey(from: path)
        } throws: { error in
            guard case .malformedPublicKey(let errorPath, _) = error as? KeystoreError else {
                return false
            }
            return errorPath == path
        }
    }
}

@Suite struct KeystoreStateTests {
    @Test func theStateRoundTripsIn0600AndStartsEmpty() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        #expect(try keystore.readState() == KeystoreState())
        #expect(try keystore.readState()[workspace: "ws-1"] == WorkspaceMemory())
        let memory = WorkspaceMemory(
            genesisPolicyDigest: "sha256:\(String(repeating: "ab", count: 32))",
            policyVersion: 3,
            checkpointSize: 17,
            checkpointRoot: String(repeating: "cd", count: 32),
            checkpointNote: "example.com/log\n17\nzd0=\n\n\u{2014} example.com/log Az3grlgt...\n"
        )
        try keystore.updateState { $0[workspace: "ws-1"] = memory }
        #expect(mode(of: keystore.statePath) == 0o600)
        #expect(try keystore.readState()[workspace: "ws-1"] == memory)
        #expect(try keystore.readState().workspaces.count == 1)
        let json = try readJSON(keystore.statePath)
        #expect(json["version"] as? Int == 1)
        let stored = try #require((json["workspaces"] as? [String: Any])?["ws-1"] as? [String: Any])
        #expect(stored["policy_version"] as? Int == 3)
        #expect(stored["checkpoint_size"] as? Int == 17)
        let entries = try FileManager.default.contentsOfDirectory(atPath: keystore.directory)
        #expect(!entries.contains { $0.contains(".tmp-") })
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func aStateFileReadableByOthersIsRefused(loose: Int) throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        try keystore.updateState { $0[workspace: "ws"].policyVersion = 1 }
        setMode(keystore.statePath, loose)
        let expected = KeystoreError.insecureFile(path: keystore.statePath, mode: loose, allowed: 0o600)
        #expect(throws: expected) { try keystore.readState() }
        #expect(throws: expected) { try keystore.updateState { $0[workspace: "ws"].policyVersion = 2 } }
    }

    @Test func aStateThatWouldGoBackwardsOrForkIsRefused() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let root = String(repeating: "11", count: 32)
        try keystore.updateState {
            $0[workspace: "ws"] = WorkspaceMemory(
                genesisPolicyDigest: "g1",
                policyVersion: 4,
                checkpointSize: 10,
                checkpointRoot: root
            )
        }
        let attacks: [(inout WorkspaceMemory) -> Void] = [
            { $0.policyVersion = 3 },
            { $0.checkpointSize = 9 },
            { $0.checkpointRoot = String(repeating: "22", count: 32) },
            { $0.checkpointRoot = nil },
            { $0.genesisPolicyDigest = "g2" },
            { $0.genesisPolicyDigest = nil },
        ]
        for attack in attacks {
            #expect(throws: KeystoreError.self) { try keystore.updateState { attack(&$0[workspace: "ws"]) } }
        }
        #expect(try keystore.readState()[workspace: "ws"].policyVersion == 4)
        try keystore.updateState {
            $0[workspace: "ws"].policyVersion = 5
            $0[workspace: "ws"].checkpointSize = 12
            $0[workspace: "ws"].checkpointRoot = String(repeating: "33", count: 32)
        }
        // Forgetting a workspace is explicit and allowed; re-pinning is then a separate update.
        try keystore.updateState { $0.workspaces["ws"] = nil }
        #expect(try keystore.readState().workspaces.isEmpty)
    }

    @Test func aThrowingUpdateLeavesTheStateUnchanged() throws {
        struct Abort: Error {}
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        try keystore.updateState { $0[workspace: "ws"].policyVersion = 1 }
        #expect(throws: Abort.self) {
            try keystore.updateState {
                $0[workspace: "ws"].policyVersion = 9
                throw Abort()
            }
        }
        #expect(try keystore.readState()[workspace: "ws"].policyVersion == 1)
    }

    @Test func concurrentUpdatesAreSerialized() async throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try keystore.updateState { $0[workspace: "ws"].policyVersion += 1 }
                }
            }
            try await group.waitForAll()
        }
        #expect(try keystore.readState()[workspace: "ws"].policyVersion == 8)
    }

    @Test func aMalformedStateFileIsATypedError() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        _ = FileManager.default.createFile(
            atPath: keystore.statePath,
            contents: Data("{".utf8),
            attributes: [.posixPermissions: 0o600]
        )
        #expect(throws: KeystoreError.malformedState(path: keystore.statePath, reason: "not a keystore state document"))
        {
            try keystore.readState()
        }
    }
}

@Suite struct PersonKeyPrintingTests {
    @Test func aPersonKeyNeverPrintsItsSeed() throws {
        let folder = try TemporaryFolder()
        let keystore = try folder.keystore()
        let key = try keystore.generateKey(for: "alice", passphrase: nil)
        let seedBase64 = try #require(try readJSON(keystore.privateKeyPath(for: "alice"))["private_key"] as? String)
        let seed = try #require(Data(base64Encoded: seedBase64))
        var dumped = ""
        dump(key, to: &dumped)
        var dumpedArray = ""
        dump([key], to: &dumpedArray)
        let renderings = [
            key.description, key.debugDescription, String(describing: key), String(reflecting: key), "\(key)",
            dumped, dumpedArray, String(describing: Mirror(reflecting: key).children.map { $0 }),
        ]
        let secrets = [seedBase64, hex(Array(seed)), hex(Array(seed)).uppercased(), "\(Array(seed))"]
        for text in renderings {
            #expect(text.contains("alice"))
            for secret in secrets {
                #expect(!text.contains(secret))
            }
        }
        #expect(key.description == "person key 'alice' (ed25519 \(key.publicKeyBase64))")
    }
}

@Suite struct KeystoreLocationTests {
    @Test func theDefaultFolderFollowsXDGThenHome() {
        #expect(
            Keystore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/a"])
                == "/x/cfg/campaignctl/keys"
        )
        #expect(Keystore.defaultDirectory(environment: ["HOME": "/home/a"]) == "/home/a/.config/campaignctl/keys")
        #expect(
            Keystore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "relative", "HOME": "/home/a"])
                == "/home/a/.config/campaignctl/keys"
        )
        #expect(
            Keystore.defaultDirectory(environment: ["XDG_CONFIG_HOME": "", "HOME": "/home/a"])
                == "/home/a/.config/campaignctl/keys"
        )
    }

    @Test(.enabled(if: !hasControllingTerminal()))
    func thePassphrasePromptGivesNilWithoutATerminal() {
        #expect(PassphrasePrompt.read(prompt: "passphrase: ") == nil)
    }
}

private func hasControllingTerminal() -> Bool {
    let fd = open("/dev/tty", O_RDWR | O_NOCTTY)
    guard fd >= 0 else {
        return false
    }
    close(fd)
    return true
}

/// Existence checks without following links.
private enum SecureFileProbe {
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }
}
