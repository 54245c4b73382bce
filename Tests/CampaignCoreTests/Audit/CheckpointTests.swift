import CampaignCore
import Foundation
import Testing

// Known answers: golang.org/x/mod/sumdb/note note_test.go (BSD-3-Clause) for keys, signatures and the
// malformed-note table; c2sp.org/tlog-checkpoint for the example checkpoint body; transparency-dev/merkle
// testdata/inclusion/1/happy-path.json for the base64 root of the 8-leaf RFC 6962 test tree.

private let peterVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
private let peterSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
private let enochVerifierKey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
private let text =
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
/// Peter's signature on `text`: base64 of key ID c74f20a3 and the Ed25519 signature.
private let peterSignature =
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM="
private let peterSig = "\u{2014} PeterNeumann \(peterSignature)\n"
private let enochSig =
    "\u{2014} EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"

/// Go's `s[:i] + insert + s[i:]` on UTF-8 bytes.
private func splice(_ base: String, at byteOffset: Int, _ insert: String) -> String {
    let bytes = Array(base.utf8)
    return String(decoding: bytes[..<byteOffset] + Array(insert.utf8) + bytes[byteOffset...], as: UTF8.self)
}

@Suite struct SignedNoteTests {
    // MARK: Keys

    @Test func verifierKeyParsesWithItsKeyID() throws {
        let verifier = try NoteVerifier(verifierKey: peterVerifierKey)
        #expect(verifier.name == "PeterNeumann")
        #expect(verifier.keyID == 0xc74f_20a3)
        #expect(verifier.verifierKey == peterVerifierKey)
        #expect(verifier.publicKeyBytes.count == 32)
    }

    /// TestNewVerifier: every proper substring and every single-byte change must be refused.
    @Test func everyManglingOfAVerifierKeyIsRefused() {
        let bytes = Array(peterVerifierKey.utf8)
        var accepted: [String] = []
        for start in 0..<bytes.count {
            for end in (start + 1)...bytes.count where !(start == 0 && end == bytes.count) {
                let candidate = String(decoding: bytes[start..<end], as: UTF8.self)
                if (try? NoteVerifier(verifierKey: candidate)) != nil {
                    accepted.append(candidate)
                }
            }
        }
        for position in bytes.indices {
            var mangled = bytes
            mangled[position] &+= 1
            let candidate = String(decoding: mangled, as: UTF8.self)
            if (try? NoteVerifier(verifierKey: candidate)) != nil {
                accepted.append(candidate)
            }
        }
        #expect(accepted.isEmpty, "accepted \(accepted)")
        // Wrong key length and unknown algorithm, each with a key ID adjusted to match.
        #expect(throws: SignedNoteError.self) {
            try NoteVerifier(
                verifierKey: "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=="
            )
        }
        #expect(throws: SignedNoteError.unsupportedAlgorithm(0x65)) {
            try NoteVerifier(verifierKey: "PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
        }
    }

    @Test func signerKeyParsesAndMatchesItsVerifierKey() throws {
        let signer = try NoteSigner(signerKey: peterSignerKey)
        #expect(signer.name == "PeterNeumann")
        #expect(signer.keyID == 0xc74f_20a3)
        #expect(signer.verifierKey == peterVerifierKey)
        #expect(signer.signerKey == peterSignerKey)
        #expect(signer.verifier == (try NoteVerifier(verifierKey: peterVerifierKey)))
    }

    /// TestNewSigner: every proper substring and every single-byte change must be refused.
    @Test func everyManglingOfASignerKeyIsRefused() {
        let bytes = Array(peterSignerKey.utf8)
        var accepted: [String] = []
        for start in 0..<bytes.count {
            for end in (start + 1)...bytes.count where !(start == 0 && end == bytes.count) {
                let candidate = String(decoding: bytes[start..<end], as: UTF8.self)
                if (try? NoteSigner(signerKey: candidate)) != nil {
                    accepted.append(candidate)
                }
            }
        }
        for position in bytes.indices {
            var mangled = bytes
            mangled[position] &+= 1
            let candidate = String(decoding: mangled, as: UTF8.self)
            if (try? NoteSigner(signerKey: candidate)) != nil {
                accepted.append(candidate)
            }
        }
        #expect(accepted.isEmpty, "accepted \(accepted)")
    }

    @Test(arguments: ["", "a b", "a+b", "tab\there", "nbsp\u{A0}", "line\nbreak", "ideographic\u{3000}space"])
    func invalidKeyNamesAreRefused(_ name: String) {
        #expect(throws: SignedNoteError.invalidKeyName(name)) {
            try NoteSigner.generate(name: name)
        }
    }

    @Test func generatedKeysRoundTripThroughTheirTextForms() throws {
        let signer = try NoteSigner.generate(name: "campaignctl.example/audit")
        let reread = try NoteSigner(signerKey: signer.signerKey)
        #expect(reread.verifierKey == signer.verifierKey)
        let verifier = try NoteVerifier(verifierKey: signer.verifierKey)
        #expect(verifier == signer.verifier)
        #expect(try NoteVerifier(name: signer.name, publicKey: signer.publicKey) == verifier)
    }

    @Test func signersDoNotRevealTheirPrivateKeyWhenPrinted() throws {
        let signer = try NoteSigner(signerKey: peterSignerKey)
        var dumped = ""
        dump(signer, to: &dumped)
        for rendering in [signer.description, String(describing: signer), String(reflecting: signer), dumped] {
            #expect(!rendering.contains("AYEKFALVFGyNhPJEMzD1QIDr"), "\(rendering)")
        }
        #expect(signer.description == "note signer PeterNeumann+c74f20a3")
    }

    // MARK: Signing

    @Test func signingReproducesTheGoReferenceNote() throws {
        let signer = try NoteSigner(signerKey: peterSignerKey)
        let note = try SignedNote.sign(text, signers: [signer])
        #if canImport(Darwin)
        // CryptoKit randomises Ed25519 signatures; check that the note verifies instead of its bytes.
        let opened = try SignedNote.open(note, verifiers: [try NoteVerifier(verifierKey: peterVerifierKey)])
        #expect(opened.body == text)
        #else
        // BoringSSL signs deterministically (RFC 8032), so the exact signature line is a known answer.
        #expect(note == text + "\n" + peterSig)
        #endif
    }

    @Test func signingRefusesBadBodiesAndSigners() throws {
        let signer = try NoteSigner(signerKey: peterSignerKey)
        #expect(throws: SignedNoteError.malformedNote("text must end with a newline")) {
            try SignedNote.sign("abc", signers: [signer])
        }
        #expect(throws: SignedNoteError.malformedNote("control character other than newline")) {
            try SignedNote.sign("a\u{1}b\n", signers: [signer])
        }
        #expect(throws: SignedNoteError.malformedNote("control character other than newline")) {
            try SignedNote.sign("crlf\r\n", signers: [signer])
        }
        #expect(throws: SignedNoteError.noSigners) {
            try SignedNote.sign(text, signers: [])
        }
        #expect(throws: SignedNoteError.duplicateSigner(name: "PeterNeumann", keyID: 0xc74f_20a3)) {
            try SignedNote.sign(text, signers: [signer, signer])
        }
    }

    @Test func notesSignedByGeneratedKeysOpenInSignerOrder() throws {
        let log = try NoteSigner.generate(name: "log.example/audit")
        let witness = try NoteSigner.generate(name: "witness.example/alice")
        let note = try SignedNote.sign(text, signers: [log, witness])
        let opened = try SignedNote.open(note, verifiers: [witness.verifier, log.verifier])
        #expect(opened.body == text)
        #expect(opened.verifiedNames == ["log.example/audit", "witness.example/alice"])
        let tampered = note.replacingFirst("cryptography", with: "cryptographY")
        #expect(throws: SignedNoteError.invalidSignature(name: log.name, keyID: log.keyID)) {
            try SignedNote.open(tampered, verifiers: [log.verifier])
        }
    }

    // MARK: Opening (TestOpen)

    @Test func openVerifiesKnownKeysAndIgnoresUnknownOnes() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let enoch = try NoteVerifier(verifierKey: enochVerifierKey)
        let note = text + "\n" + peterSig + enochSig

        let one = try SignedNote.open(note, verifiers: [peter])
        #expect(one.body == text)
        #expect(one.verifiedBy == [peter])

        let both = try SignedNote.open(note, verifiers: [peter, enoch])
        #expect(both.verifiedBy == [peter, enoch])

        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(note, verifiers: [])
        }
    }

    @Test func duplicatedVerifiersAreAmbiguousOnlyWhenUsed() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let enoch = try NoteVerifier(verifierKey: enochVerifierKey)
        #expect(throws: SignedNoteError.ambiguousKey(name: "EnochRoot", keyID: 0xaf0c_fe78)) {
            try SignedNote.open(text + "\n" + enochSig, verifiers: [enoch, peter, enoch])
        }
        let opened = try SignedNote.open(text + "\n" + peterSig, verifiers: [enoch, peter, enoch])
        #expect(opened.verifiedBy == [peter])
    }

    @Test func tooManySignaturesAreRefused() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let many = text + "\n" + String(repeating: peterSig, count: 101)
        #expect(throws: SignedNoteError.tooManySignatures(limit: 100)) {
            try SignedNote.open(many, verifiers: [peter])
        }
        #expect(throws: SignedNoteError.tooManySignatures(limit: 100)) {
            try SignedNote.open(many, verifiers: [])
        }
    }

    @Test func sixteenSignaturesAreAcceptedAsTheSpecRequires() throws {
        let signers = try (0..<16).map { try NoteSigner.generate(name: "witness.example/\($0)") }
        let note = try SignedNote.sign(text, signers: signers)
        let opened = try SignedNote.open(note, verifiers: signers.map(\.verifier))
        #expect(opened.verifiedBy.count == 16)
    }

    @Test func aBadSignatureByAKnownKeyRefusesTheWholeNote() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let enoch = try NoteVerifier(verifierKey: enochVerifierKey)
        let corrupted = splice(peterSig, at: 60, "ABCD")
        #expect(throws: SignedNoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) {
            try SignedNote.open(text + "\n" + corrupted, verifiers: [peter])
        }
        // Even when another trusted key signed correctly.
        #expect(throws: SignedNoteError.invalidSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) {
            try SignedNote.open(text + "\n" + enochSig + corrupted, verifiers: [peter, enoch])
        }
    }

    /// Go drops repeated signatures by a known key; here they refuse the note (security model R1/T2).
    @Test func repeatedSignaturesByAKnownKeyRefuseTheNote() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let enochABCD = splice(enochSig, at: 60, "ABCD")
        let note = text + "\n" + peterSig + peterSig + enochSig + enochSig + enochABCD
        #expect(throws: SignedNoteError.duplicateSignature(name: "PeterNeumann", keyID: 0xc74f_20a3)) {
            try SignedNote.open(note, verifiers: [peter])
        }
        // Repeated or broken lines from unknown keys are ignored, as the spec requires.
        let opened = try SignedNote.open(text + "\n" + peterSig + enochSig + enochSig + enochABCD, verifiers: [peter])
        #expect(opened.verifiedBy == [peter])
    }

    @Test(arguments: [
        text,
        text + "\n",
        text + "\n" + String(peterSig.dropLast()),
        "\u{1}" + text + "\n" + peterSig,
        text + "\n" + "\u{2014} Bad Name " + peterSignature,
        text + "\n" + peterSig + "Unexpected line.\n",
        text + "\n" + "- PeterNeumann " + peterSignature + "\n",
        text + "\n" + "\u{2014} PeterNeumann\n",
        text + "\n" + "\u{2014} PeterNeumann x08g\n",
        text + "\n" + peterSig.replacingFirst("JnAM=", with: "JnAM"),
        text.replacingFirst("\n", with: "\r\n") + "\n" + peterSig,
    ])
    func malformedNotesAreRefused(_ note: String) throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        do {
            _ = try SignedNote.open(note, verifiers: [peter])
            Issue.record("accepted a malformed note")
        } catch {
            guard case .malformedNote = error else {
                Issue.record("expected a malformed note error, got \(error)")
                return
            }
        }
    }

    @Test func invalidUTF8IsRefusedBeforeParsing() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let bytes = [0xFF] + Array((text + "\n" + peterSig).utf8)
        #expect(throws: SignedNoteError.malformedNote("not valid utf-8")) {
            try SignedNote.open(bytes, verifiers: [peter])
        }
        let opened = try SignedNote.open(Array((text + "\n" + peterSig).utf8), verifiers: [peter])
        #expect(opened.verifiedBy == [peter])
    }

    /// Keys sharing a name or an ID (but not both) with a trusted key are unknown, hence ignored.
    @Test func signaturesFromLookalikeKeysAreIgnored() throws {
        let peter = try NoteVerifier(verifierKey: peterVerifierKey)
        let misnamed = peterSig.replacingFirst("PeterNeumann", with: "CarmenSandiego")
        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(text + "\n" + misnamed, verifiers: [peter])
        }
        let wrongID = peterSig.replacingFirst("x08g", with: "xxxx")
        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(text + "\n" + wrongID, verifiers: [peter])
        }
        let impostor = try NoteSigner.generate(name: "PeterNeumann")
        let forged = try SignedNote.sign(text, signers: [impostor])
        #expect(throws: SignedNoteError.noVerifiedSignature) {
            try SignedNote.open(forged, verifiers: [peter])
        }
        let opened = try SignedNote.open(forged + peterSig, verifiers: [peter])
        #expect(opened.verifiedBy == [peter])
    }

    @Test func errorMessagesStartLowerCase() {
        let errors: [SignedNoteError] = [
            .malformedNote("x"), .invalidKeyName("x"), .malformedVerifierKey("x"), .malformedSignerKey("x"),
            .unsupportedAlgorithm(2), .keyIDMismatch(name: "a", keyID: 1), .noSigners,
            .duplicateSigner(name: "a", keyID: 1), .ambiguousKey(name: "a", keyID: 1),
            .invalidSignature(name: "a", keyID: 1), .duplicateSignature(name: "a", keyID: 1), .noVerifiedSignature,
            .tooManySignatures(limit: 1), .signingFailed("x"),
        ]
        for error in errors {
            #expect(error.description.first?.isLowercase == true, "\(error)")
        }
        #expect(SignedNoteError.invalidSignature(name: "a", keyID: 0xc74f_20a3).description.hasSuffix("a+c74f20a3"))
    }
}

@Suite struct CheckpointTests {
    /// The example of c2sp.org/tlog-checkpoint.
    private let specBody = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"

    @Test func specExampleBodyParsesAndRoundTrips() throws {
        let checkpoint = try Checkpoint(parsing: specBody)
        #expect(checkpoint.origin == "example.com/behind-the-sofa")
        #expect(checkpoint.size == 20_852_163)
        #expect(hexString(checkpoint.rootHash) == "0ac5186a91863e8e1d90c808014aa89bf5da8e3ee1d9f07630f0378f68f1ab62")
        #expect(checkpoint.extensionLines.isEmpty)
        #expect(checkpoint.body == specBody)
    }

    @Test func extensionLinesRoundTrip() throws {
        let body = specBody + "timestamp 1700000000\nanother line\n"
        let checkpoint = try Checkpoint(parsing: body)
        #expect(checkpoint.extensionLines == ["timestamp 1700000000", "another line"])
        #expect(checkpoint.body == body)
    }

    @Test func checkpointOfTheTestTreeCarriesThePublishedBase64Root() throws {
        var range = CompactRange()
        for input in [hex(""), hex("00"), hex("10"), hex("2021"), hex("3031"), hex("40414243")] {
            range.append(leafHash: MerkleTree.leafHash(input))
        }
        for input in [hex("5051525354555657"), hex("606162636465666768696a6b6c6d6e6f")] {
            range.append(leafHash: MerkleTree.leafHash(input))
        }
        let checkpoint = try Checkpoint(origin: "campaignctl.example/audit", size: range.size, rootHash: range.root)
        #expect(checkpoint.body == "campaignctl.example/audit\n8\nXcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg=\n")
    }

    @Test(arguments: [
        ("example.com/log\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=", "no final newline"),
        ("example.com/log\n20852163\n", "two lines"),
        ("\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "empty origin"),
        ("o\n+5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "signed size"),
        ("o\n-1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "negative size"),
        ("o\n05\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "leading zero"),
        ("o\n\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "empty size"),
        ("o\n5 \nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "trailing space"),
        ("o\n99999999999999999999\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "size overflow"),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2==\n", "31-byte root"),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "non-canonical base64"),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "url-safe base64"),
        ("o\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n", "empty extension line"),
        ("o\r\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "carriage return"),
    ])
    func malformedBodiesAreRefused(body: String, reason: String) {
        #expect(throws: CheckpointError.self, "\(reason)") {
            try Checkpoint(parsing: body)
        }
    }

    @Test func invalidFieldsAreRefusedAtCreation() {
        let root = MerkleTree.emptyRoot
        #expect(throws: CheckpointError.invalidOrigin) {
            try Checkpoint(origin: "", size: 0, rootHash: root)
        }
        #expect(throws: CheckpointError.invalidOrigin) {
            try Checkpoint(origin: "log\n0", size: 0, rootHash: root)
        }
        #expect(throws: CheckpointError.invalidSize("-1")) {
            try Checkpoint(origin: "log", size: -1, rootHash: root)
        }
        #expect(throws: CheckpointError.invalidRootHash) {
            try Checkpoint(origin: "log", size: 0, rootHash: [0x00])
        }
        #expect(throws: CheckpointError.invalidExtensionLine) {
            try Checkpoint(origin: "log", size: 0, rootHash: root, extensionLines: [""])
        }
    }

    @Test func signedCheckpointsOpenWithTheLogKeyAndIgnoreWitnesses() throws {
        let log = try NoteSigner.generate(name: "campaignctl.example/audit")
        let witness = try NoteSigner.generate(name: "alice.example/witness")
        let checkpoint = try Checkpoint(
            origin: "campaignctl.example/audit",
            size: 8,
            rootHash: hex("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328")
        )
        let note = try checkpoint.signed(by: [log, witness])
        #expect(note.hasPrefix(checkpoint.body + "\n\u{2014} campaignctl.example/audit "))
        #expect(try Checkpoint.open(note, logVerifier: log.verifier) == checkpoint)

        let grown = note.replacingFirst("\n8\n", with: "\n9\n")
        #expect(throws: CheckpointError.note(.invalidSignature(name: log.name, keyID: log.keyID))) {
            try Checkpoint.open(grown, logVerifier: log.verifier)
        }
        #expect(throws: CheckpointError.note(.noVerifiedSignature)) {
            try Checkpoint.open(try checkpoint.signed(by: [witness]), logVerifier: log.verifier)
        }
    }

    @Test func aCheckpointSignedUnderAnotherOriginIsRefused() throws {
        let log = try NoteSigner.generate(name: "campaignctl.example/audit")
        let other = try Checkpoint(origin: "campaignctl.example/other", size: 0, rootHash: MerkleTree.emptyRoot)
        let note = try other.signed(by: [log])
        #expect(
            throws: CheckpointError.originMismatch(
                expected: "campaignctl.example/audit",
                found: "campaignctl.example/other"
            )
        ) {
            try Checkpoint.open(note, logVerifier: log.verifier)
        }
    }

    @Test func errorMessagesStartLowerCase() {
        let errors: [CheckpointError] = [
            .malformedBody("x"), .invalidOrigin, .invalidSize("x"), .invalidRootHash, .invalidExtensionLine,
            .originMismatch(expected: "a", found: "b"), .note(.noSigners),
        ]
        for error in errors {
            #expect(error.description.first?.isLowercase == true, "\(error)")
        }
    }
}

extension String {
    /// The string with the first occurrence of `target` replaced (tests only).
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = range(of: target) else {
            return self
        }
        return replacingCharacters(in: range, with: replacement)
    }
}
