// Hand-written: no Swift package in the local mirror implements c2sp.org/signed-note. Behaviour follows
// golang.org/x/mod/sumdb/note, except that a trusted key signing twice refuses the note instead of
// counting once (security model R1: duplicate signature entries invalidate the set).

/// A note text and the trusted keys whose signatures on it verified.
public struct OpenedNote: Hashable, Sendable {
    /// The signed text, ending in a newline (without the blank separator line).
    public let body: String
    /// The trusted keys that signed the text, in signature-line order, each once.
    public let verifiedBy: [NoteVerifier]

    /// The key names of ``verifiedBy``.
    public var verifiedNames: [String] {
        verifiedBy.map(\.name)
    }
}

/// Signing and opening c2sp.org/signed-note texts with Ed25519 keys.
public enum SignedNote {
    /// The most signature lines a note may carry (the spec requires accepting at least 16).
    public static let maxSignatures = 100

    /// The signature-line prefix: em dash (U+2014) and a space.
    static let signaturePrefix: [UInt8] = Array("\u{2014} ".utf8)

    /// Signs `body` and returns the note: body, a blank line, then one "— name base64(keyid || sig)" line per signer.
    public static func sign(_ body: String, signers: [NoteSigner]) throws(SignedNoteError) -> String {
        try validateText(body)
        guard !signers.isEmpty else {
            throw .noSigners
        }
        var seen = Set<KeyIdentity>()
        var note = body + "\n"
        let message = Array(body.utf8)
        for signer in signers {
            guard seen.insert(KeyIdentity(name: signer.name, keyID: signer.keyID)).inserted else {
                throw .duplicateSigner(name: signer.name, keyID: signer.keyID)
            }
            let signature = try signer.signature(for: message)
            let keyID = signer.keyID
            let header: [UInt8] = [
                UInt8(keyID >> 24), UInt8(keyID >> 16 & 0xFF), UInt8(keyID >> 8 & 0xFF), UInt8(keyID & 0xFF),
            ]
            note += "\u{2014} \(signer.name) \(StrictBase64.encode(header + signature))\n"
        }
        return note
    }

    /// Opens a note given as bytes, refusing invalid UTF-8 before anything else.
    public static func open(_ note: [UInt8], verifiers: [NoteVerifier]) throws(SignedNoteError) -> OpenedNote {
        let text = String(decoding: note, as: UTF8.self)
        guard text.utf8.elementsEqual(note) else {
            throw .malformedNote("not valid utf-8")
        }
        return try open(text, verifiers: verifiers)
    }

    /// Parses a note and verifies it: signatures by unknown keys are ignored, at least one trusted key must
    /// have signed, and a bad or repeated signature by a trusted key refuses the whole note.
    public static func open(_ note: String, verifiers: [NoteVerifier]) throws(SignedNoteError) -> OpenedNote {
        try validateCharacters(note)
        let bytes = Array(note.utf8)
        guard let split = lastBlankLine(in: bytes) else {
            throw .malformedNote("no blank line before the signatures")
        }
        let text = Array(bytes[..<(split + 1)])
        let block = bytes[(split + 2)...]
        guard let last = block.last, last == 0x0A else {
            throw .malformedNote("signature block must end with a newline")
        }
        let lines = block.dropLast().split(separator: 0x0A, omittingEmptySubsequences: false)
        guard lines.count <= maxSignatures else {
            throw .tooManySignatures(limit: maxSignatures)
        }
        var trusted: [KeyIdentity: [NoteVerifier]] = [:]
        for verifier in verifiers {
            trusted[KeyIdentity(name: verifier.name, keyID: verifier.keyID), default: []].append(verifier)
        }
        var seen = Set<KeyIdentity>()
        var verifiedBy: [NoteVerifier] = []
        for line in lines {
            let signature = try parseSignatureLine(Array(line))
            guard let candidates = trusted[signature.identity] else {
                continue  // Unknown keys are ignored, even when they share a name or an ID with a known one.
            }
            let identity = signature.identity
            guard candidates.count == 1, let verifier = candidates.first else {
                throw .ambiguousKey(name: identity.name, keyID: identity.keyID)
            }
            guard seen.insert(identity).inserted else {
                throw .duplicateSignature(name: identity.name, keyID: identity.keyID)
            }
            guard verifier.isValidSignature(signature.bytes, for: text) else {
                throw .invalidSignature(name: identity.name, keyID: identity.keyID)
            }
            verifiedBy.append(verifier)
        }
        guard !verifiedBy.isEmpty else {
            throw .noVerifiedSignature
        }
        return OpenedNote(body: String(decoding: text, as: UTF8.self), verifiedBy: verifiedBy)
    }

    // MARK: - Parsing helpers

    struct KeyIdentity: Hashable {
        let name: String
        let keyID: UInt32
    }

    /// Note text must end in a newline and, like the whole note, hold no control character but newline.
    static func validateText(_ text: String) throws(SignedNoteError) {
        guard text.utf8.last == 0x0A else {
            throw .malformedNote("text must end with a newline")
        }
        try validateCharacters(text)
    }

    private static func validateCharacters(_ text: String) throws(SignedNoteError) {
        guard text.utf8.allSatisfy({ $0 >= 0x20 || $0 == 0x0A }) else {
            throw .malformedNote("control character other than newline")
        }
    }

    /// The index of the first newline of the last "\n\n" in the note.
    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        guard bytes.count >= 2 else {
            return nil
        }
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == 0x0A && bytes[index + 1] == 0x0A {
                return index
            }
            index -= 1
        }
        return nil
    }

    private static func parseSignatureLine(
        _ line: [UInt8]
    ) throws(SignedNoteError) -> (identity: KeyIdentity, bytes: [UInt8]) {
        guard line.starts(with: signaturePrefix) else {
            throw .malformedNote("signature line does not start with an em dash and a space")
        }
        let rest = line.dropFirst(signaturePrefix.count)
        guard let space = rest.firstIndex(of: 0x20) else {
            throw .malformedNote("signature line has no signature")
        }
        let name = String(decoding: rest[..<space], as: UTF8.self)
        let encoded = String(decoding: rest[(space + 1)...], as: UTF8.self)
        guard NoteKeyID.isValidName(name) else {
            throw .malformedNote("invalid key name on signature line")
        }
        guard let decoded = StrictBase64.decode(encoded), decoded.count >= 5 else {
            throw .malformedNote("signature is not canonical base64 of at least 5 bytes")
        }
        let keyID = decoded.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return (KeyIdentity(name: name, keyID: keyID), Array(decoded.dropFirst(4)))
    }
}
