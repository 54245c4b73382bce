import Crypto
import FeedImport
import Foundation
import TestSupport

@testable import CampaignCore

/// A person with an in-memory key, signing like the keystore does.
struct TestSigner: ClaimSigner {
    let name: String
    let key: Curve25519.Signing.PrivateKey

    init(_ name: String, key: Curve25519.Signing.PrivateKey = Curve25519.Signing.PrivateKey()) {
        self.name = name
        self.key = key
    }

    var publicKey: Curve25519.Signing.PublicKey { key.publicKey }
    var publicKeyBase64: String { key.publicKey.rawRepresentation.base64EncodedString() }

    func sign(_ message: [UInt8]) throws -> [UInt8] {
        Array(try key.signature(for: message))
    }
}

/// The sample brand with a sealed policy: alice writes, bob and carol approve, dave administers and approves.
final class ApprovalFixture: @unchecked Sendable {
    let folder: TemporaryDirectory
    let clock: TestClock
    let store: CampaignStore
    let alice = TestSigner("alice")
    let bob = TestSigner("bob")
    let carol = TestSigner("carol")
    let dave = TestSigner("dave")
    /// What each person's keystore remembers.
    var memories: [String: WitnessMemory] = [:]

    init(seal: Bool = true, workspace: String = "ws") throws {
        folder = try TemporaryDirectory()
        clock = TestClock(idPrefix: workspace)
        store = try sampleStore(folder, clock: clock)
        _ = try store.addPerson(name: "alice", roles: [.author], publicKey: alice.publicKeyBase64, actor: "alice")
        _ = try store.addPerson(name: "bob", roles: [.approver], publicKey: bob.publicKeyBase64, actor: "alice")
        _ = try store.addPerson(name: "carol", roles: [.approver], publicKey: carol.publicKeyBase64, actor: "alice")
        _ = try store.addPerson(
            name: "dave",
            roles: [.admin, .approver],
            publicKey: dave.publicKeyBase64,
            actor: "alice"
        )
        if seal {
            for person in [alice, bob, carol, dave] {
                _ = try store.sealPolicy(as: acting(person))
            }
        }
    }

    /// The person acting with their remembered state; call `remember` with what the operation returns.
    func acting(_ signer: TestSigner) -> Acting {
        Acting(signer: signer, memory: memories[signer.name] ?? WitnessMemory())
    }

    func remember(_ signer: TestSigner, _ memory: WitnessMemory?) {
        if let memory {
            memories[signer.name] = memory
        }
    }

    /// Creates and submits the sample product card as alice.
    @discardableResult
    func createAndSubmit(_ spec: String = "coussin-terracotta") throws -> CampaignRevision {
        let created = try store.createCampaign(yaml: sampleSpec(spec), file: "\(spec).yml", author: acting(alice))
        remember(alice, created.memory)
        let (_, memory) = try store.submitCampaign(spec, as: acting(alice))
        remember(alice, memory)
        return created.revision
    }

    @discardableResult
    func approve(_ id: String, by signer: TestSigner, for action: String = "publish") throws -> ApprovalEvaluation {
        let (evaluation, memory) = try store.approveCampaign(id, for: action, as: acting(signer))
        remember(signer, memory)
        return evaluation
    }

    @discardableResult
    func publish(_ id: String, by signer: TestSigner) throws -> PublishAuthorization {
        let (authorization, memory) = try store.publishCampaign(id, as: acting(signer))
        remember(signer, memory)
        return authorization
    }

    /// Direct SQL on the database, as an attacker with access to it would do.
    func tamper(_ sql: String, _ arguments: SQLArguments = []) throws {
        try store.tamper(sql, arguments)
    }

    func scalar<T: SQLValueConvertible>(_ sql: String, _ arguments: SQLArguments = []) throws -> T? {
        try store.scalar(sql, arguments)
    }
}
