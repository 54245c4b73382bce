import ArgumentParser
import CampaignCore
import Foundation

extension CampaignCtl {
    struct Audit: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "audit",
            abstract: "The tamper-evident audit log: read it, verify it, export signed checkpoints.",
            subcommands: [Log.self, Verify.self, Checkpoint.self]
        )
    }
}

extension CampaignCtl.Audit {
    struct Log: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "log",
            abstract: "Print the audit log, oldest first."
        )

        @OptionGroup var global: GlobalOptions
        @Option(help: "Only the last N events.") var limit: Int?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let events = try global.openStore().auditEvents(limit: limit)
            if json {
                try Output.json(events)
                return
            }
            for event in events {
                let digest = event.digest.map { " \($0.prefix(12))…" } ?? ""
                let signed = event.claim == nil ? "" : " [signed]"
                Output.line(
                    "#\(event.seq) \(event.time) \(event.actor) \(event.action) \(event.target) \(event.outcome)\(digest)\(signed)"
                )
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check the hash chain; with --as, also against the checkpoint your keystore remembers.",
            discussion: "Exit status 77 names the first event edited, deleted, reordered or truncated."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions

        func run() throws {
            let store = try global.openStore()
            var memory: WitnessMemory?
            var keystore: (Keystore, String)?
            if identity.name != nil {
                let (acting, keys, workspaceID) = try identity.acting(in: store)
                memory = acting.memory
                keystore = (keys, workspaceID)
            }
            let verification = try store.verifyAudit(against: memory)
            if let problem = verification.problem {
                throw ApprovalError.auditLogBroken(seq: verification.firstBadSeq ?? 0, reason: problem)
            }
            Output.line("audit log intact: \(verification.size) events, root \(verification.root)")
            if let (keys, workspaceID) = keystore, var memory {
                memory.checkpointSize = verification.size
                memory.checkpointRoot = verification.root
                try identity.remember(memory, in: keys, workspaceID: workspaceID)
                Output.line("remembered in \(identity.keystoreDirectory) as the last verified checkpoint")
            }
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Write a signed tree head (C2SP checkpoint) of the log, signed by --as NAME."
        )

        @OptionGroup var global: GlobalOptions
        @OptionGroup var identity: IdentityOptions
        @Option(help: "The file to write.") var out: String

        func run() throws {
            let store = try global.openStore()
            guard let name = identity.name else {
                throw ValidationError("say who signs the checkpoint: --as NAME")
            }
            let key = try identity.openKeystore().loadKey(for: name) { identity.passphrase(for: name) }
            guard let signer = key.checkpointSigner() else {
                throw ValidationError("\(name)'s key cannot sign checkpoints")
            }
            let (note, verification) = try store.auditCheckpoint(signer: signer)
            do {
                try Data(note.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
            } catch {
                throw CommandError.cannotWrite(path: out, reason: error.localizedDescription)
            }
            Output.line(
                "wrote \(out): checkpoint of \(verification.size) events, root \(verification.root), signed by \(name)"
            )
        }
    }
}
