/// Why a keystore operation was refused; every message is lower-case and names the file or person.
public enum KeystoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A person name outside 1–32 characters of `a-z0-9._-` starting with a letter.
    case invalidName(String)
    /// The keystore path exists but is not a folder.
    case notAFolder(path: String)
    /// The keystore folder is writable by group or others.
    case insecureFolder(path: String, mode: Int)
    /// A keystore file or folder belongs to another user.
    case wrongOwner(path: String, uid: Int)
    /// A private key or state file is accessible by group or others, or a public key file is writable by them.
    case insecureFile(path: String, mode: Int, allowed: Int)
    /// A keystore entry is a symbolic link, a folder or a device instead of a regular file.
    case notARegularFile(path: String)
    /// `generateKey` would overwrite a key that already exists.
    case keyExists(name: String, path: String)
    /// No private key file for this person in the keystore.
    case noSuchKey(name: String, path: String)
    /// The key file is not a valid campaignctl key document.
    case malformedKeyFile(path: String, reason: String)
    /// The key file belongs to another person than its file name says.
    case keyNameMismatch(path: String, expected: String, found: String)
    /// The key is encrypted and no passphrase was given.
    case passphraseRequired(name: String)
    /// An empty passphrase was given; use none (an unencrypted key) or a real one.
    case emptyPassphrase(name: String)
    /// Decryption failed: a wrong passphrase, or an altered or swapped key file (the two cannot be told apart).
    case wrongPassphrase(name: String)
    /// The `.pub` file does not hold the public key of the person's private key file.
    case publicKeyMismatch(name: String, path: String)
    /// A public key file or text is not an Ed25519 public key.
    case malformedPublicKey(path: String, reason: String)
    /// Scrypt cost parameters outside the accepted bounds.
    case invalidScryptParameters(String)
    /// The state file is not a valid keystore state document.
    case malformedState(path: String, reason: String)
    /// An update would make the remembered state of a workspace go backwards or fork.
    case stateRollback(workspace: String, reason: String)
    /// A system call failed on a keystore path.
    case io(path: String, operation: String, errno: Int32)
    /// Key generation, derivation or signing failed inside the crypto library.
    case cryptoFailure(String)

    /// The error as one lower-case sentence.
    public var description: String {
        switch self {
        case .invalidName(let name):
            "invalid person name \(Self.quoted(name)): use 1 to 32 characters a-z, 0-9, '.', '_' or '-', "
                + "starting with a letter"
        case .notAFolder(let path):
            "keystore \(path) is not a folder"
        case .insecureFolder(let path, let mode):
            "keystore folder \(path) is writable by group or others (mode \(Self.octal(mode))); "
                + "refusing to use it: run chmod 700 \(path)"
        case .wrongOwner(let path, let uid):
            "\(path) belongs to uid \(uid), not to you; refusing to use it"
        case .insecureFile(let path, let mode, let allowed):
            "permissions \(Self.octal(mode)) for \(path) are too open; refusing to use it: "
                + "run chmod \(String(allowed, radix: 8)) \(path)"
        case .notARegularFile(let path):
            "\(path) is not a regular file (a symbolic link, folder or device); refusing to use it"
        case .keyExists(let name, let path):
            "a key for '\(name)' already exists at \(path); refusing to overwrite it"
        case .noSuchKey(let name, let path):
            "no key for '\(name)' in the keystore (\(path) does not exist)"
        case .malformedKeyFile(let path, let reason):
            "key file \(path) is malformed: \(reason)"
        case .keyNameMismatch(let path, let expected, let found):
            "key file \(path) belongs to '\(found)', not to '\(expected)'"
        case .passphraseRequired(let name):
            "key '\(name)' is encrypted: a passphrase is needed (set CAMPAIGNCTL_PASSPHRASE or run in a terminal)"
        case .emptyPassphrase(let name):
            "empty passphrase for key '\(name)': give a real passphrase or none"
        case .wrongPassphrase(let name):
            "wrong passphrase for key '\(name)'"
        case .publicKeyMismatch(let name, let path):
            "\(path) does not match the private key of '\(name)'; it was altered or belongs to another key"
        case .malformedPublicKey(let path, let reason):
            "public key \(path) is malformed: \(reason)"
        case .invalidScryptParameters(let reason):
            "invalid scrypt parameters: \(reason)"
        case .malformedState(let path, let reason):
            "keystore state file \(path) is malformed: \(reason)"
        case .stateRollback(let workspace, let reason):
            "refusing to update the remembered state of workspace \(Self.quoted(workspace)): \(reason)"
        case .io(let path, let operation, let code):
            "cannot \(operation) \(path): \(Self.systemMessage(code))"
        case .cryptoFailure(let reason):
            "crypto failure: \(reason)"
        }
    }

    /// `'text'` with control and non-ASCII characters escaped, so hostile input cannot forge output lines.
    static func quoted(_ text: String) -> String {
        var output = "'"
        for scalar in text.unicodeScalars {
            if scalar.value >= 0x20 && scalar.value < 0x7F && scalar != "'" && scalar != "\\" {
                output.unicodeScalars.append(scalar)
            } else {
                output += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return output + "'"
    }

    /// Four octal digits, as `ls` and `chmod` show permissions.
    static func octal(_ mode: Int) -> String {
        let digits = String(mode & 0o7777, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The C library's text for an errno value, lower-cased at the start.
    static func systemMessage(_ code: Int32) -> String {
        guard let text = SystemCall.errorText(code) else {
            return "error \(code)"
        }
        guard let first = text.first else {
            return "error \(code)"
        }
        return first.lowercased() + text.dropFirst()
    }
}
