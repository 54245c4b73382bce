import FeedImport
import Foundation
import Logging
import Testing

@testable import CampaignCore

/// The import's threads, driven directly.
@Suite struct ImportPipelineTests {
    /// Keeps what is logged, from any thread.
    final class Messages: @unchecked Sendable {
        // @unchecked: `entries` is touched only under `lock`.
        private let lock = NSLock()
        private var entries: [(Logger.Level, String)] = []

        func append(_ level: Logger.Level, _ message: String) {
            lock.lock()
            entries.append((level, message))
            lock.unlock()
        }

        var all: [(Logger.Level, String)] {
            lock.lock()
            defer { lock.unlock() }
            return entries
        }
    }

    struct Capture: LogHandler {
        let messages: Messages
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            messages.append(event.level, "\(event.message)")
        }
    }

    struct LookupsUnavailable: Error {}

    @Test func failedLookupsValidateEveryItemAndSaySo() throws {
        let messages = Messages()
        let feed = FeedBuilder(count: 200)
        let pipeline = ImportPipeline(
            reader: FeedReader(bytes: Array(feed.xml.utf8), displayName: "feed.xml"),
            validator: ItemValidator(file: "feed.xml"),
            lookups: { _ in throw LookupsUnavailable() },
            logger: Logger(label: "test") { _ in Capture(messages: messages) }
        )
        pipeline.start()
        var items: [PreparedItem] = []
        while let batch = try pipeline.next() {
            items += batch.items
            pipeline.handBack(batch)
        }
        pipeline.join()
        // Every item validated and hashed, in feed order, none taken for unchanged.
        #expect(items.map(\.item.id) == feed.items.map(\.id))
        #expect(items.allSatisfy { !$0.isUnchanged && $0.hash != nil && $0.stored == nil })
        // Each validating thread says it is validating everything.
        let notices = messages.all.filter { $0.0 == .notice && $0.1.contains("looking up stored products failed") }
        #expect(notices.count == ImportPipeline.lanes)
    }
}
