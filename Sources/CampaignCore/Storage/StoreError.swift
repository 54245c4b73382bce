/// A storage failure, whatever the database engine: the one type the CLI maps for the store.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of failure it is.
    public enum Kind: Equatable, Sendable {
        /// The database file cannot be opened or created.
        case cannotOpen
        /// Another process holds the database; retrying may work.
        case busy
        /// A constraint of the schema refused a change (a bug, or a database edited by hand).
        case constraint
        /// The database was written by a newer campaignctl.
        case schemaTooNew
        /// Disk full, I/O error, corrupt file.
        case io
        /// A stored value is not of its column's type: the database was edited behind campaignctl's back.
        case corrupt
        /// Anything else the engine reported.
        case other
    }

    /// The kind of failure.
    public var kind: Kind
    /// The engine's message, without statement arguments (they may be sensitive).
    public var message: String

    /// Creates an error.
    public init(kind: Kind, message: String) {
        self.kind = kind
        self.message = message
    }

    /// Whether retrying later may succeed.
    public var isBusy: Bool { kind == .busy }

    public var description: String {
        switch kind {
        case .cannotOpen: "cannot open the database: \(message)"
        case .busy: "the database is busy (another campaignctl is writing); try again: \(message)"
        case .constraint: "the database refused a change: \(message)"
        case .schemaTooNew: "the database was created by a newer campaignctl: \(message)"
        case .io: "database I/O error: \(message)"
        case .corrupt: "the database holds a value campaignctl did not write: \(message)"
        case .other: "database error: \(message)"
        }
    }
}
