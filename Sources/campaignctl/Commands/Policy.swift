import ArgumentParser
import CampaignCore
import Foundation

extension CampaignCtl {
    struct Policy: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy",
            abstract: "The workspace's policy: who may do what, guarded like TUF's root role.",
            subcommands: [Show.self, Seal.self, Propose.self, Approve.self, History.self]
        )
    }
}

/// Prints a verified policy.
func printPolicy(_ policy: VerifiedPolicy) {
    let state = policy.isSealed ? "in force" : "setup mode (not sealed)"
    Output.line("policy v\(policy.document.version) of '\(policy.document.brand)', \(state), digest \(policy.digest)")
    Output.line("  threshold: \(policy.document.threshold) approval(s) from people other than the submitter")
    Output.line("  approval lifetime: \(policy.document.approvalLifetimeHours) h")
    Output.line("  verified domains: \(policy.document.verifiedDomains.joined(separator: ", "))")
    for person in policy.document.people {
        let revoked = policy.revoked.contains(person.name) ? " [revoked]" : ""
        Output.line("  \(person.name): \(person.roles.joined(separator: ", "))\(revoked)")
    }
    for channel in policy.document.channels {
        Output.line("  notify: \(channel.kind) \(channel.target)")
    }
    if let pending = policy.pending {
        Output.line("pending: v\(pending.version), signed by \(policy.pendingSigners.joined(separator: ", "))")
    } else if !policy.isSealed {
        Output.line(
            "signed so far by: \(policy.pendingSigners.isEmpty ? "nobody" : policy.pendingSigners.joined(separator: ", "))"
        )
    }
}

extension CampaignCtl.Policy {
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show the policy as its signatures establish it."
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            printPolicy(try global.openStore().verifiedPolicy())
        }
    }

    struct Seal: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "seal",
            abstract: "Sign policy v1; it takes effect when every listed person (at least two) has signed."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let store = try global.openStore()
            let policy = try actingAs(identity, store) { try store.sealPolicy(as: $0) }
            Output.line(
                policy.isSealed
                    ? "policy v1 sealed: it is in force"
                    : "signed; still waiting for: "
                        + Set(policy.document.people.map(\.name)).subtracting(policy.pendingSigners).sorted().joined(
                            separator: ", "
                        )
            )
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "propose",
            abstract: "Propose policy version N+1 (an admin); it takes effect once approvers of N and N+1 sign."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Option(help: "Add a person (with --role and --public-key).") var addUser: String?
        @Option(name: .customLong("role"), help: "Roles of the added person (repeat).") var roleNames: [String] = []

        /// The roles given, each checked.
        var roles: [Role] {
            get throws {
                try roleNames.map { name in
                    guard let role = Role(rawValue: name) else {
                        throw ValidationError("'\(name)' is not a role (author, approver, admin)")
                    }
                    return role
                }
            }
        }
        @Option(help: "The added or rotated person's public key file.") var publicKey: String?
        @Option(help: "Remove a person.") var removeUser: String?
        @Option(help: "Rotate this person's key (with --public-key).") var rotateKey: String?
        @Option(help: "Set the number of approvals needed.") var threshold: Int?
        @Option(help: "Verify another domain.") var addDomain: String?
        @Option(help: "Unverify a domain.") var removeDomain: String?
        @Option(help: "Add a webhook channel (URL).") var addWebhook: String?
        @Option(help: "The environment variable holding the webhook's HMAC secret.") var secretEnv: String?
        @Option(help: "Add a local command channel (receives the JSON on stdin).") var addCommand: String?
        @Option(help: "Remove the channel with this URL or command.") var removeChannel: String?
        @Option(help: "Set the approval lifetime in hours.") var approvalLifetime: Int?

        func run() throws {
            var changes: [PolicyChange] = []
            let keystore = try identity.openKeystore()
            if let addUser {
                guard let publicKey, try !roles.isEmpty else {
                    throw ValidationError("--add-user needs --role and --public-key")
                }
                let key = try keystore.importedPublicKeyBase64(from: publicKey)
                changes.append(.addPerson(name: addUser, roles: try roles, publicKey: key))
            }
            if let removeUser { changes.append(.removePerson(removeUser)) }
            if let rotateKey {
                guard let publicKey else {
                    throw ValidationError("--rotate-key needs --public-key")
                }
                let key = try keystore.importedPublicKeyBase64(from: publicKey)
                changes.append(.rotateKey(name: rotateKey, publicKey: key))
            }
            if let threshold { changes.append(.setThreshold(threshold)) }
            if let addDomain { changes.append(.addDomain(addDomain)) }
            if let removeDomain { changes.append(.removeDomain(removeDomain)) }
            if let addWebhook {
                changes.append(.addChannel(.init(kind: "webhook", target: addWebhook, secretEnv: secretEnv)))
            }
            if let addCommand { changes.append(.addChannel(.init(kind: "command", target: addCommand))) }
            if let removeChannel { changes.append(.removeChannel(target: removeChannel)) }
            if let approvalLifetime { changes.append(.setApprovalLifetime(hours: approvalLifetime)) }
            guard !changes.isEmpty else {
                throw ValidationError("propose at least one change (see --help)")
            }
            let store = try global.openStore()
            let policy = try actingAs(identity, store) { try store.proposePolicy(changes, as: $0) }
            Output.line(
                "proposed policy v\(policy.pending?.version ?? 0): it needs approvals (campaignctl policy approve --as NAME)"
            )
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Sign the pending policy proposal."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let store = try global.openStore()
            let policy = try actingAs(identity, store) { try store.approvePolicy(as: $0) }
            if let pending = policy.pending {
                Output.line(
                    "signed; v\(pending.version) is still pending (signed by \(policy.pendingSigners.joined(separator: ", ")))"
                )
            } else {
                Output.line("policy v\(policy.document.version) is now in force")
            }
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history",
            abstract: "Every policy version and who signed it."
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            for version in try global.openStore().policyHistory() {
                let proposer = version.proposer.map { ", proposed by \($0)" } ?? ""
                Output.line(
                    "v\(version.version) \(version.state) \(version.digest.prefix(16))…\(proposer); "
                        + "signed by \(version.signers.isEmpty ? "nobody" : version.signers.joined(separator: ", "))"
                )
            }
        }
    }
}
