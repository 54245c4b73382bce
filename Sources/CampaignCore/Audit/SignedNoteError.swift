/// Why a signed note, or a signer or verifier key, was refused.
public enum SignedNoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The note text or its signature block breaks the c2sp.org/signed-note format.
    case malformedNote(String)
    /// A key name is empty or contains a Unicode space, a plus sign or a control character.
    case invalidKeyName(String)
    /// A verifier key is not "name+hexkeyid+base64(0x01 || public key)".
    case malformedVerifierKey(String)
    /// A signer key is not "PRIVATE+KEY+name+hexkeyid+base64(0x01 || seed)".
    case malformedSignerKey(String)
    /// The key uses a signature type other than Ed25519 (0x01).
    case unsupportedAlgorithm(UInt8)
    /// The key ID written in a key string is not the one its name and public key give.
    case keyIDMismatch(name: String, keyID: UInt32)
    /// Signing was asked for with no signer.
    case noSigners
    /// Two signers share a key name and key ID.
    case duplicateSigner(name: String, keyID: UInt32)
    /// More than one trusted verifier has this key name and key ID.
    case ambiguousKey(name: String, keyID: UInt32)
    /// A signature by a trusted key does not verify; the whole note is refused.
    case invalidSignature(name: String, keyID: UInt32)
    /// A trusted key appears on more than one signature line; the whole note is refused.
    case duplicateSignature(name: String, keyID: UInt32)
    /// No signature line comes from a trusted key.
    case noVerifiedSignature
    /// The note has more signature lines than ``SignedNote/maxSignatures``.
    case tooManySignatures(limit: Int)
    /// The Ed25519 implementation refused to sign.
    case signingFailed(String)

    /// A lower-case, human-readable message.
    public var description: String {
        switch self {
        case .malformedNote(let reason):
            return "malformed note: \(reason)"
        case .invalidKeyName(let name):
            return "invalid key name \"\(name)\""
        case .malformedVerifierKey(let reason):
            return "malformed verifier key: \(reason)"
        case .malformedSignerKey(let reason):
            return "malformed signer key: \(reason)"
        case .unsupportedAlgorithm(let algorithm):
            return "unsupported signature algorithm \(algorithm)"
        case .keyIDMismatch(let name, let keyID):
            return "key id \(Self.keyLabel(name, keyID)) does not match the key"
        case .noSigners:
            return "no signers given"
        case .duplicateSigner(let name, let keyID):
            return "duplicate signer \(Self.keyLabel(name, keyID))"
        case .ambiguousKey(let name, let keyID):
            return "ambiguous key \(Self.keyLabel(name, keyID))"
        case .invalidSignature(let name, let keyID):
            return "invalid signature for key \(Self.keyLabel(name, keyID))"
        case .duplicateSignature(let name, let keyID):
            return "duplicate signature for key \(Self.keyLabel(name, keyID))"
        case .noVerifiedSignature:
            return "note has no verifiable signatures"
        case .tooManySignatures(let limit):
            return "note has more than \(limit) signatures"
        case .signingFailed(let reason):
            return "signing failed: \(reason)"
        }
    }

    /// "name+hexkeyid", as in the Go reference implementation's messages.
    static func keyLabel(_ name: String, _ keyID: UInt32) -> String {
        name + "+" + NoteKeyID.hex(keyID)
    }
}
