import Crypto
import Foundation

extension PersonKey: ClaimSigner {
    /// The person's key as a C2SP signed-note signer (audit checkpoints), named after the person.
    public func checkpointSigner() -> NoteSigner? {
        try? NoteSigner(name: name, privateKey: privateKey)
    }
}

extension Keystore {
    /// A person's public key as base64 of its 32 raw bytes (the policy's form).
    public func publicKeyBase64(for name: String) throws -> String {
        try publicKey(for: name).rawRepresentation.base64EncodedString()
    }

    /// A colleague's public key read from a `.pub` file, as base64 of its 32 raw bytes.
    public func importedPublicKeyBase64(from file: String) throws -> String {
        try importPublicKey(from: file).publicKey.rawRepresentation.base64EncodedString()
    }
}
