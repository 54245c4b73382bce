import ArgumentParser
import CampaignCore
import Foundation

extension CampaignCtl {
    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "user",
            abstract: "The people of the workspace: add (setup mode), list, revoke.",
            subcommands: [Add.self, List.self, Revoke.self]
        )
    }

    struct Key: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key",
            abstract: "Show a person's public key (to hand to the workspace's admin).",
            subcommands: [Show.self],
            defaultSubcommand: Show.self
        )

        struct Show: ParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "show",
                abstract: "Print the public key line of --as NAME."
            )

            @OptionGroup var identity: IdentityOptions

            func run() throws {
                guard let name = identity.name else {
                    throw ValidationError("say whose key: --as NAME")
                }
                let key = try identity.openKeystore().publicKeyBase64(for: name)
                Output.line("ed25519 \(key) \(name)")
            }
        }
    }
}

extension CampaignCtl.User {
    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a person to the policy while it is in setup mode.",
            discussion: """
                Without --public-key, a new Ed25519 key pair is generated in the person's keystore (--keystore; \
                its private key file is created 0600, encrypted when CAMPAIGNCTL_PASSPHRASE is set). With \
                --public-key, someone else's public key is enrolled. After the policy is sealed, use \
                `policy propose --add-user` instead.
                """
        )

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person's name (a-z, 0-9, '.', '_', '-').") var name: String
        @Option(name: .customLong("role"), help: "author, approver or admin (repeat for several).") var roleNames:
            [String] = []

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
        @Option(help: "A public key file (`ed25519 <base64> name`) to enrol instead of generating one.") var publicKey:
            String?
        @Option(help: "The person's keystore folder, where a new key is generated.") var keystore: String?

        func run() throws {
            guard try !roles.isEmpty else {
                throw ValidationError("give at least one --role (author, approver, admin)")
            }
            let store = try global.openStore()
            let base64: String
            let directory = IdentityOptions.keystoreDirectory(explicit: keystore)
            let keys = try Keystore(directory: directory)
            if let publicKey {
                base64 = try keys.importedPublicKeyBase64(from: publicKey)
            } else {
                let passphrase = ProcessInfo.processInfo.environment["CAMPAIGNCTL_PASSPHRASE"]
                base64 = try keys.generateKey(for: name, passphrase: passphrase).publicKeyBase64
                Output.line("generated \(name)'s key in \(directory) (private key file mode 0600)")
            }
            let document = try store.addPerson(name: name, roles: try roles, publicKey: base64, actor: name)
            Output.line(
                "added \(name) (\(roleNames.joined(separator: ", "))) to policy v1; "
                    + "\(document.people.count) people; every one of them must now sign: campaignctl policy seal --as NAME"
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List the people of the policy in force."
        )

        @OptionGroup var global: GlobalOptions

        func run() throws {
            let policy = try global.openStore().verifiedPolicy()
            for person in policy.document.people {
                let revoked = policy.revoked.contains(person.name) ? " [revoked]" : ""
                Output.line(
                    "\(person.name)\t\(person.roles.joined(separator: ","))\ted25519 \(person.publicKey)\(revoked)"
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke",
            abstract: "Revoke a person's key at once (one approver or admin suffices: it only removes power)."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Argument(help: "The person to revoke.") var name: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            let store = try global.openStore()
            _ = try actingAs(identity, store) { acting in
                let (policy, memory) = try store.revokePerson(name, reason: reason, as: acting)
                return (policy, memory)
            }
            Output.line("revoked \(name): their signatures no longer count")
        }
    }
}
