public import Foundation
public import Logging

/// The outside world as CampaignCore sees it: the clock, identifiers and a logger.
///
/// One small value instead of a dependency-injection framework. The CLI builds the live one;
/// tests pass a fixed clock and counting ids so that audit hashes and golden files are stable.
public struct CoreContext: Sendable {
    /// The current time.
    public var now: @Sendable () -> Date
    /// A new unique identifier (campaign ids, workspace ids …).
    public var makeID: @Sendable () -> String
    /// Where CampaignCore logs; it never creates its own logger.
    public var logger: Logger

    /// Creates a context.
    public init(
        now: @escaping @Sendable () -> Date,
        makeID: @escaping @Sendable () -> String,
        logger: Logger
    ) {
        self.now = now
        self.makeID = makeID
        self.logger = logger
    }

    /// The real clock, random UUIDs and the given logger.
    public static func live(logger: Logger) -> CoreContext {
        CoreContext(
            now: { Date() },
            makeID: { UUID().uuidString.lowercased() },
            logger: logger
        )
    }
}
