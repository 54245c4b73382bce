import ArgumentParser
import CampaignCore
import Foundation

/// Who is acting: `--as NAME` (env `CAMPAIGNCTL_USER`) with their own keystore (`--keystore`, env
/// `CAMPAIGNCTL_KEYSTORE`, default under the user's config folder).
struct IdentityOptions: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("The person acting (env CAMPAIGNCTL_USER).", valueName: "name"))
    var person: String?

    @Option(help: ArgumentHelp("The acting person's keystore folder (env CAMPAIGNCTL_KEYSTORE).", valueName: "dir"))
    var keystore: String?

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The acting person, when known.
    var name: String? {
        person ?? environment["CAMPAIGNCTL_USER"]
    }

    /// The keystore folder to use.
    var keystoreDirectory: String {
        Self.keystoreDirectory(explicit: keystore)
    }

    /// `explicit`, else `CAMPAIGNCTL_KEYSTORE`, else the default under the user's config folder.
    static func keystoreDirectory(explicit: String?) -> String {
        let environment = ProcessInfo.processInfo.environment
        return explicit ?? environment["CAMPAIGNCTL_KEYSTORE"] ?? Keystore.defaultDirectory(environment: environment)
    }

    /// Opens the keystore.
    func openKeystore() throws -> Keystore {
        try Keystore(directory: keystoreDirectory)
    }

    /// The passphrase for an encrypted key: `CAMPAIGNCTL_PASSPHRASE`, else a prompt on the terminal.
    func passphrase(for name: String) -> String? {
        environment["CAMPAIGNCTL_PASSPHRASE"] ?? PassphrasePrompt.read(prompt: "passphrase for \(name)'s key: ")
    }

    /// The acting person with their key and what their keystore remembers about this workspace.
    func acting(in store: CampaignStore) throws -> (Acting, Keystore, String) {
        guard let name else {
            throw ValidationError("say who is acting: --as NAME (or CAMPAIGNCTL_USER)")
        }
        let keystore = try openKeystore()
        let key = try keystore.loadKey(for: name) { passphrase(for: name) }
        let workspaceID = try store.workspace().id
        let remembered = try keystore.readState()[workspace: workspaceID]
        let memory = WitnessMemory(
            genesisPolicyDigest: remembered.genesisPolicyDigest,
            policyVersion: remembered.policyVersion,
            checkpointSize: remembered.checkpointSize,
            checkpointRoot: remembered.checkpointRoot
        )
        return (Acting(signer: key, memory: memory), keystore, workspaceID)
    }

    /// Saves what the acting person's CLI now remembers (after a successful signed action).
    func remember(_ memory: WitnessMemory?, in keystore: Keystore, workspaceID: String) throws {
        guard let memory else {
            return
        }
        try keystore.updateState { state in
            var entry = state[workspace: workspaceID]
            entry.genesisPolicyDigest = memory.genesisPolicyDigest
            entry.policyVersion = memory.policyVersion
            entry.checkpointSize = memory.checkpointSize
            entry.checkpointRoot = memory.checkpointRoot
            state[workspace: workspaceID] = entry
        }
    }
}

/// Runs a signed action as the identified person and saves their witness memory afterwards.
func actingAs<Result>(
    _ identity: IdentityOptions,
    _ store: CampaignStore,
    _ body: (Acting) throws -> (Result, WitnessMemory?)
) throws -> Result {
    let (acting, keystore, workspaceID) = try identity.acting(in: store)
    let (result, memory) = try body(acting)
    try identity.remember(memory, in: keystore, workspaceID: workspaceID)
    return result
}
