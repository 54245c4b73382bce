import Foundation

/// What one person's CLI remembers per workspace, so a restored database or a forked log cannot go unnoticed.
public struct KeystoreState: Sendable, Hashable, Codable {
    /// The format version of `state.json`.
    public var version: Int
    /// Memory per workspace id.
    public var workspaces: [String: WorkspaceMemory]

    /// The current format version.
    public static let currentVersion = 1

    /// An empty state, as read when no `state.json` exists yet.
    public init(workspaces: [String: WorkspaceMemory] = [:]) {
        self.version = Self.currentVersion
        self.workspaces = workspaces
    }

    /// The memory of one workspace; reading an unknown workspace gives an empty memory.
    public subscript(workspace id: String) -> WorkspaceMemory {
        get { workspaces[id] ?? WorkspaceMemory() }
        set { workspaces[id] = newValue }
    }

    /// Refuses a new state that forgets or rewinds what `old` had verified (R6), unless the workspace was removed.
    func checkProgress(from old: KeystoreState) throws(KeystoreError) {
        for (id, new) in workspaces.sorted(by: { $0.key < $1.key }) {
            guard let previous = old.workspaces[id] else {
                continue
            }
            try new.checkProgress(from: previous, workspace: id)
        }
    }
}

/// The trust one person's CLI has built up for one workspace: pinned genesis, policy version and audit checkpoint.
public struct WorkspaceMemory: Sendable, Hashable, Codable {
    /// The digest of the genesis policy pinned at first contact; never changes once set.
    public var genesisPolicyDigest: String?
    /// The highest policy version verified; never decreases.
    public var policyVersion: Int
    /// The size of the last verified audit checkpoint; never decreases.
    public var checkpointSize: Int
    /// The root hash (hex) of the last verified checkpoint.
    public var checkpointRoot: String?
    /// The signed note text of the last verified checkpoint.
    public var checkpointNote: String?

    /// Memory with the given values; the defaults are "nothing verified yet".
    public init(
        genesisPolicyDigest: String? = nil,
        policyVersion: Int = 0,
        checkpointSize: Int = 0,
        checkpointRoot: String? = nil,
        checkpointNote: String? = nil
    ) {
        self.genesisPolicyDigest = genesisPolicyDigest
        self.policyVersion = policyVersion
        self.checkpointSize = checkpointSize
        self.checkpointRoot = checkpointRoot
        self.checkpointNote = checkpointNote
    }

    enum CodingKeys: String, CodingKey {
        case genesisPolicyDigest = "genesis_policy_digest"
        case policyVersion = "policy_version"
        case checkpointSize = "checkpoint_size"
        case checkpointRoot = "checkpoint_root"
        case checkpointNote = "checkpoint_note"
    }

    func checkProgress(from old: WorkspaceMemory, workspace: String) throws(KeystoreError) {
        if let pinned = old.genesisPolicyDigest, genesisPolicyDigest != pinned {
            throw .stateRollback(workspace: workspace, reason: "the pinned genesis policy digest cannot change")
        }
        guard policyVersion >= old.policyVersion else {
            throw .stateRollback(
                workspace: workspace,
                reason: "policy version \(policyVersion) is older than the verified \(old.policyVersion)"
            )
        }
        guard checkpointSize >= old.checkpointSize else {
            throw .stateRollback(
                workspace: workspace,
                reason: "checkpoint size \(checkpointSize) is smaller than the verified \(old.checkpointSize)"
            )
        }
        if checkpointSize == old.checkpointSize, let root = old.checkpointRoot, checkpointRoot != root {
            throw .stateRollback(
                workspace: workspace,
                reason: "a different root for the verified checkpoint size \(checkpointSize) (a forked log)"
            )
        }
    }
}

/// Encoding and decoding of `state.json`.
enum StateFile {
    static let maximumBytes = 4 * 1024 * 1024

    static func encode(_ state: KeystoreState) throws(KeystoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            return Array(try encoder.encode(state)) + [0x0A]
        } catch {
            throw .cryptoFailure("cannot encode the keystore state: \(error)")
        }
    }

    static func decode(_ bytes: [UInt8], path: String) throws(KeystoreError) -> KeystoreState {
        let state: KeystoreState
        do {
            state = try JSONDecoder().decode(KeystoreState.self, from: Data(bytes))
        } catch {
            throw .malformedState(path: path, reason: "not a keystore state document")
        }
        guard state.version == KeystoreState.currentVersion else {
            throw .malformedState(path: path, reason: "unsupported version \(state.version)")
        }
        return state
    }
}
