import Crypto
import Foundation
import TestSupport
import Testing

@testable import CampaignCore

/// The audit log is hash-chained and Merkle-rooted: every way of hiding an action is detected.
@Suite struct AuditTamperTests {
    /// A workspace with a few events: setup, seal, campaign, submit, approve.
    private func fixture() throws -> ApprovalFixture {
        let f = try ApprovalFixture()
        try f.createAndSubmit()
        try f.approve("coussin-terracotta", by: f.bob)
        return f
    }

    @Test func anIntactLogVerifies() throws {
        let f = try fixture()
        let verification = try f.store.verifyAudit()
        #expect(verification.isIntact)
        #expect(verification.size == (try f.store.auditEvents().count))
        #expect(try f.store.auditEvents().map(\.seq) == Array(1...verification.size))
        #expect(try f.store.auditEvents().contains { $0.action == "import" })
    }

    @Test func anEditedEventIsNamed() throws {
        let f = try fixture()
        try f.tamper(
            "UPDATE audit_event SET event = replace(event, '\"actor\":\"bob\"', '\"actor\":\"carol\"') WHERE event LIKE '%campaign.approve%'"
        )
        let seq: Int = try #require(try f.scalar("SELECT seq FROM audit_event WHERE event LIKE '%campaign.approve%'"))
        let verification = try f.store.verifyAudit()
        #expect(verification.firstBadSeq == seq)
        #expect(verification.problem == "event #\(seq) was edited: its hash no longer matches")
    }

    @Test func anEditWithARecomputedHashIsNamedByTheNextLink() throws {
        let f = try fixture()
        // The attacker also recomputes the edited event's stored hash: the next event's link breaks.
        try f.store.write { db in
            let row = try #require(try db.fetchOne(sql: "SELECT seq, event FROM audit_event WHERE seq = 3"))
            let text = (try row[1] as String).replacingOccurrences(
                of: "\"actor\":\"alice\"",
                with: "\"actor\":\"system\""
            )
            let leaf = SHA256.hash(data: [0] + Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
            try db.execute(
                sql: "UPDATE audit_event SET event = ?, leaf_hash = ? WHERE seq = 3",
                arguments: [text, leaf]
            )
        }
        let verification = try f.store.verifyAudit()
        #expect(verification.firstBadSeq == 3)
    }

    @Test func aDeletedEventIsNamed() throws {
        let f = try fixture()
        try f.tamper("DELETE FROM audit_event WHERE seq = 4")
        let verification = try f.store.verifyAudit()
        #expect(verification.firstBadSeq == 4)
        #expect(verification.problem == "event #4 is missing: it was deleted")
    }

    @Test func reorderedEventsAreNamed() throws {
        let f = try fixture()
        try f.store.write { db in
            try db.execute(sql: "UPDATE audit_event SET seq = -1 WHERE seq = 5")
            try db.execute(sql: "UPDATE audit_event SET seq = 5 WHERE seq = 6")
            try db.execute(sql: "UPDATE audit_event SET seq = 6 WHERE seq = -1")
        }
        let verification = try f.store.verifyAudit()
        #expect(verification.firstBadSeq == 5)
        #expect(verification.problem == "event #5 carries sequence number 6: the log was reordered")
    }

    @Test func aTruncatedLogIsCaughtByARememberedCheckpoint() throws {
        let f = try fixture()
        let memory = try #require(f.memories["bob"])
        #expect(memory.checkpointSize == (try f.store.auditEvents().count))
        try f.tamper("DELETE FROM audit_event WHERE seq > 3")
        // The chain that remains is consistent; only a witness can tell it was cut.
        #expect(try f.store.verifyAudit().isIntact)
        let verification = try f.store.verifyAudit(against: memory)
        #expect(verification.problem?.contains("truncated") == true)
        // And the witness refuses to sign anything.
        #expect(throws: ApprovalError.auditLogShrunk(remembered: memory.checkpointSize, found: 3)) {
            _ = try f.store.rejectCampaign("coussin-terracotta", reason: "x", as: f.acting(f.bob))
        }
    }

    @Test func aForkedLogIsCaughtByARememberedCheckpoint() throws {
        let f = try fixture()
        let memory = try #require(f.memories["bob"])
        // Rewrite the whole chain consistently from event 2 on, as a database owner could.
        try f.store.write { db in
            var previous = try db.fetchOne(String.self, sql: "SELECT leaf_hash FROM audit_event WHERE seq = 1") ?? ""
            for row in try db.fetchAll(sql: "SELECT seq, event FROM audit_event WHERE seq >= 2 ORDER BY seq") {
                let seq: Int = try row[0]
                var object = try #require(
                    try JSONSerialization.jsonObject(with: Data((try row[1] as String).utf8)) as? [String: Any]
                )
                object["previous"] = previous
                if seq == 2 {
                    object["actor"] = "nobody"
                }
                let text = try CanonicalJSON(parsing: JSONSerialization.data(withJSONObject: object)).canonicalString
                let leaf = SHA256.hash(data: [0] + Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
                try db.execute(
                    sql: "UPDATE audit_event SET event = ?, leaf_hash = ? WHERE seq = ?",
                    arguments: [text, leaf, seq]
                )
                previous = leaf
            }
        }
        #expect(try f.store.verifyAudit().isIntact)
        let verification = try f.store.verifyAudit(against: memory)
        #expect(verification.problem?.contains("fork") == true)
        #expect(throws: ApprovalError.auditLogForked(size: memory.checkpointSize)) {
            _ = try f.store.rejectCampaign("coussin-terracotta", reason: "x", as: f.acting(f.bob))
        }
    }

    @Test func aCheckpointIsASignedNoteOfTheTreeHead() throws {
        let f = try fixture()
        let key = Curve25519.Signing.PrivateKey()
        let signer = try NoteSigner(name: "bob", privateKey: key)
        let (note, verification) = try f.store.auditCheckpoint(signer: signer)
        let opened = try SignedNote.open(note, verifiers: [NoteVerifier(name: "bob", publicKey: key.publicKey)])
        let checkpoint = try Checkpoint(parsing: opened.body)
        #expect(checkpoint.origin == "campaignctl/ws-0001")
        #expect(checkpoint.size == verification.size)
        #expect(Data(checkpoint.rootHash).map { String(format: "%02x", $0) }.joined() == verification.root)
        // Another key does not open it.
        #expect(throws: SignedNoteError.self) {
            _ = try SignedNote.open(
                note,
                verifiers: [NoteVerifier(name: "bob", publicKey: Curve25519.Signing.PrivateKey().publicKey)]
            )
        }
    }
}
