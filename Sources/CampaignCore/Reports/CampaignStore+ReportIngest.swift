import FeedImport
public import Foundation

/// Ties a platform entity (an X campaign, line item or promoted tweet id) to a campaignctl campaign and optionally
/// one of its products: what `--map ID=CAMPAIGN[/PRODUCT]` records for entities created outside campaignctl's
/// publish (the outbox applied by hand, or older campaigns).
public struct EntityMapping: Sendable, Hashable {
    public var platformID: String
    public var campaignID: String
    public var productID: String?

    /// Creates a mapping.
    public init(platformID: String, campaignID: String, productID: String? = nil) {
        self.platformID = platformID
        self.campaignID = campaignID
        self.productID = productID
    }

    /// Parses `ID=CAMPAIGN` or `ID=CAMPAIGN/PRODUCT`.
    public init(parsing text: String) throws(ReportError) {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .invalidOption("--map '\(text)': expected PLATFORM_ID=CAMPAIGN or PLATFORM_ID=CAMPAIGN/PRODUCT")
        }
        let target = parts[1].split(separator: "/", maxSplits: 1).map(String.init)
        self.init(platformID: parts[0], campaignID: target[0], productID: target.count > 1 ? target[1] : nil)
    }
}

/// How to read a report or payments file.
public struct ReportIngestOptions: Sendable {
    /// Entity mappings to record before reading (kept for later ingests).
    public var mappings: [EntityMapping]
    /// The ad account's currency when the file does not say it (default: the campaign's budget currency).
    public var currency: String?
    /// The time zone that dates sales (Stripe timestamps are UTC instants).
    public var timeZone: TimeZone
    /// Called now and then with the raw bytes read and the file size.
    public var progress: (@Sendable (Int64, Int64?) -> Void)?

    /// Options with no mappings, the campaigns' currencies and the given time zone.
    public init(
        mappings: [EntityMapping] = [],
        currency: String? = nil,
        timeZone: TimeZone = .current,
        progress: (@Sendable (Int64, Int64?) -> Void)? = nil
    ) {
        self.mappings = mappings
        self.currency = currency
        self.timeZone = timeZone
        self.progress = progress
    }
}

/// What one ingest did.
public struct ReportIngestSummary: Sendable, Hashable {
    public enum Kind: String, Sendable { case performance, sales }
    public var file: String
    public var kind: Kind
    /// Rows (performance) or events (sales) read.
    public var read = 0
    /// New or changed rows / new events stored.
    public var stored = 0
    /// Rows identical to what was stored / events already stored (a re-ingest stores nothing twice).
    public var unchanged = 0
    /// Performance: the entities, campaigns and days covered.
    public var entities = 0
    public var campaigns: [String] = []
    public var firstDay: String?
    public var lastDay: String?
    /// Sales: events stored with a campaign, and without one (they are kept but in no campaign's figures).
    public var attributed = 0
    public var unattributed = 0
    /// Events of types campaignctl does not count, each with its reason (the first thousand), and how many.
    public var skipped: [ReportProblem] = []
    public var skippedCount = 0
    /// Everything else worth saying (missing columns, unattributed sales …).
    public var warnings: [ReportProblem] = []

    init(file: String, kind: Kind) {
        self.file = file
        self.kind = kind
    }
}

extension CampaignStore {
    /// Reads an ad performance report (X Ads analytics JSON or report CSV) or Stripe events (JSON, JSON lines) into
    /// the store, in one transaction: the whole file or nothing.
    ///
    /// Re-ingesting a file changes nothing (rows are keyed by entity, day, hour and placement; events by id); a
    /// later report restating a day replaces it. Every ingest is audited.
    public func ingestReport(
        at path: String,
        displayName: String? = nil,
        options: ReportIngestOptions = ReportIngestOptions(),
        actor: String
    ) throws -> ReportIngestSummary {
        let file = displayName ?? path
        let kind = try ReportInput.kind(of: path, displayName: file)
        let summary = try write { db in
            var ingest = try ReportIngest(db: db, file: file, options: options)
            try ingest.recordMappings(actor: actor)
            switch kind {
            case .csv:
                let pipeline = PerformanceCSVPipeline(reader: try CSVRecordReader(path: path, displayName: file))
                do {
                    var batches = 0
                    while let batch = try pipeline.next() {
                        for record in batch.records {
                            try ingest.store(record)
                        }
                        batches += 1
                        if batches % 64 == 0 {
                            options.progress?(batch.bytes, pipeline.fileSize)
                        }
                    }
                } catch {
                    pipeline.cancel()
                    throw error
                }
                ingest.summary.warnings += pipeline.warnings
            case .jsonLines:
                let pipeline = JSONLinesPipeline(reader: try LineReader(path: path, displayName: file))
                do {
                    var batches = 0
                    while let batch = try pipeline.next() {
                        for entry in batch.entries {
                            switch entry {
                            case .event(let outcome, let line):
                                try ingest.storeEvent(outcome, line: line)
                            case .other(let bytes, let line):
                                try ingest.consume(ReportInput.parseJSON(bytes, file: file, line: line), line: line)
                            }
                        }
                        batches += 1
                        if batches % 16 == 0 {
                            options.progress?(batch.bytes, pipeline.fileSize)
                        }
                    }
                } catch {
                    pipeline.cancel()
                    throw error
                }
            case .jsonDocument:
                let reader = try LineReader(path: path, displayName: file)
                let value = try ReportInput.parseJSON(try reader.readAll(), file: file, line: nil)
                if let array = value as? [Any] {
                    for element in array {
                        try ingest.consume(element, line: nil)
                    }
                } else {
                    try ingest.consume(value, line: nil)
                }
            }
            try ingest.finish()
            let summary = ingest.summary
            try Self.appendAudit(
                AuditRecord(
                    actor: actor,
                    action: "report.ingest",
                    target: file,
                    details: [
                        "kind": .string(summary.kind.rawValue),
                        "read": .integer(Int64(summary.read)),
                        "stored": .integer(Int64(summary.stored)),
                        "unchanged": .integer(Int64(summary.unchanged)),
                        "campaigns": .array(summary.campaigns.map { .string($0) }),
                        "mappings": .array(
                            options.mappings.map {
                                .string("\($0.platformID)=\($0.campaignID)\($0.productID.map { "/\($0)" } ?? "")")
                            }
                        ),
                    ]
                ),
                at: Timestamp.string(context.now()),
                in: db
            )
            return summary
        }
        return summary
    }

    /// Stores one Stripe event received live (the webhook), in its own audited transaction. Returns whether it was
    /// new; an event already stored with the same content is not stored again.
    public func ingestStripeEvent(
        _ body: [UInt8],
        source: String,
        timeZone: TimeZone = .current,
        actor: String
    ) throws -> ReportIngestSummary {
        let value = try ReportInput.parseJSON(body, file: source, line: nil)
        guard let object = value as? [String: Any], StripeEvents.isEvent(object) else {
            throw ReportError.problem(source, code: "not_an_event", "the body is not a Stripe event")
        }
        return try write { db in
            var ingest = try ReportIngest(db: db, file: source, options: ReportIngestOptions(timeZone: timeZone))
            try ingest.consume(object, line: nil)
            try ingest.finish()
            let summary = ingest.summary
            if summary.stored > 0 {
                try Self.appendAudit(
                    AuditRecord(
                        actor: actor,
                        action: "report.webhook",
                        target: object["id"] as? String ?? "",
                        details: [
                            "type": .string(object["type"] as? String ?? ""),
                            "attributed": .bool(summary.attributed > 0),
                        ]
                    ),
                    at: Timestamp.string(context.now()),
                    in: db
                )
            }
            return summary
        }
    }

    /// The recorded entity mappings (from publishes, markers and `--map`).
    public func reportEntities() throws -> [(platformID: String, level: String, campaignID: String, productID: String?)]
    {
        try read { db in
            try db.fetchAll(
                sql:
                    "SELECT platform_id, level, campaign_id, product_id FROM report_entity ORDER BY campaign_id, platform_id"
            ).map { (try $0[0], try $0[1], try $0[2], try $0[3]) }
        }
    }
}

/// One ingest's state inside its transaction.
struct ReportIngest {
    struct Entity {
        var id: Int64
        var level: EntityLevel
        var campaignID: String
        var granularity: String?
        var currency: String
        /// Whether its rows are whole days (granularity DAY, not HOUR).
        var isDaily: Bool
    }

    let db: any SQLConnection
    let file: String
    let options: ReportIngestOptions
    var summary: ReportIngestSummary
    private var kind: ReportIngestSummary.Kind?
    private var entities: [String: Entity] = [:]
    private var unmatched: [String: ReportProblem] = [:]
    private var problems: [ReportProblem] = []
    private var campaigns: [String: (format: String, currency: String, products: Set<String>)] = [:]
    private var published: [String: (campaignID: String, level: EntityLevel)]?
    private let upsert: PerformanceUpsert
    private let findSale: any SQLStatement
    private let insertSale: any SQLStatement

    init(db: any SQLConnection, file: String, options: ReportIngestOptions) throws {
        self.db = db
        self.file = file
        self.options = options
        summary = ReportIngestSummary(file: file, kind: .performance)
        // As the catalog import: a 16 MiB page cache keeps the B-tree's hot pages out of the WAL during large files.
        if db.kind == .sqlite {
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        upsert = try PerformanceUpsert(db: db)
        findSale = try db.prepare(sql: "SELECT digest FROM sale WHERE event_id = ?")
        insertSale = try db.prepare(
            sql: """
                INSERT INTO sale (event_id, type, created, day, campaign_id, product_id, payment_intent, charge_id,
                    currency, orders, amount_micros, refund_micros, counted, digest)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for row in try db.fetchAll(
            sql: """
                SELECT c.id, c.format, r.manifest FROM campaign c
                JOIN campaign_revision r ON r.campaign_id = c.id
                    AND r.revision = (SELECT MAX(revision) FROM campaign_revision WHERE campaign_id = c.id)
                """
        ) {
            let id: String = try row[0]
            let manifestText: String = try row[2]
            let manifest = try? JSONDecoder().decode(CampaignManifest.self, from: Data(manifestText.utf8))
            campaigns[id] = (
                try row[1], manifest?.budget.currency ?? "",
                Set(manifest?.cards.map(\.product.id) ?? [])
            )
        }
    }

    // MARK: Mappings

    mutating func recordMappings(actor: String) throws {
        for mapping in options.mappings {
            guard let campaign = campaigns[mapping.campaignID] else {
                throw ReportError.invalidOption(
                    "--map \(mapping.platformID)=\(mapping.campaignID): no campaign '\(mapping.campaignID)' "
                        + "(campaignctl campaign list)"
                )
            }
            if let product = mapping.productID, !campaign.products.contains(product) {
                throw ReportError.invalidOption(
                    "--map \(mapping.platformID)=\(mapping.campaignID)/\(product): campaign '\(mapping.campaignID)' "
                        + "does not feature product '\(product)'"
                )
            }
            let existing = try db.fetchOne(
                sql: "SELECT campaign_id, product_id FROM report_entity WHERE platform_id = ?",
                arguments: [mapping.platformID]
            )
            if let existing {
                let campaignID: String = try existing[0]
                let productID: String? = try existing[1]
                if campaignID == mapping.campaignID, productID == mapping.productID {
                    continue
                }
                try db.execute(
                    sql:
                        "UPDATE report_entity SET campaign_id = ?, product_id = ?, origin = 'map' WHERE platform_id = ?",
                    arguments: [mapping.campaignID, mapping.productID, mapping.platformID]
                )
                summary.warnings.append(
                    ReportProblem(
                        file: file,
                        item: mapping.platformID,
                        code: "entity_remapped",
                        message: "was mapped to \(campaignID)\(productID.map { "/\($0)" } ?? ""); now "
                            + "\(mapping.campaignID)\(mapping.productID.map { "/\($0)" } ?? ""), for its stored rows too"
                    )
                )
            }
            pendingMappings[mapping.platformID] = mapping
        }
    }

    private var pendingMappings: [String: EntityMapping] = [:]

    // MARK: Performance

    mutating func store(_ record: PerformanceRecord) throws {
        if kind != .performance {
            try setKind(.performance, line: record.line)
        }
        summary.read += 1
        let entity: Entity
        let index = Int(record.entityIndex)
        if index >= 0, index < entitiesByIndex.count, let known = entitiesByIndex[index], known.level == record.level,
            known.isDaily == (record.hour < 0)
        {
            entity = known
        } else {
            guard let found = try self.entity(for: record) else {
                return
            }
            if index >= 0 {
                if index >= entitiesByIndex.count {
                    entitiesByIndex.append(contentsOf: repeatElement(nil, count: index + 1 - entitiesByIndex.count))
                }
                entitiesByIndex[index] = found
            }
            entity = found
        }
        try upsert.append(
            PerformanceUpsert.Values(
                day: record.day,
                entity: entity.id,
                hour: record.hour,
                placement: record.placement,
                currency: record.currency ?? entity.currency,
                metrics: record.metrics
            )
        )
        // Rows come day by day: the range moves only when the day does.
        if record.day != lastDay {
            lastDay = record.day
            if summary.firstDay.map({ record.day < $0 }) ?? true {
                summary.firstDay = record.day
            }
            if summary.lastDay.map({ record.day > $0 }) ?? true {
                summary.lastDay = record.day
            }
        }
    }

    /// Entities by the reader's ``PerformanceRecord/entityIndex``, once matched.
    private var entitiesByIndex: [Entity?] = []
    /// The day of the last row stored.
    private var lastDay = ""

    /// The entity for a row, created on first sight; nil (with a problem recorded) when it cannot be matched.
    private mutating func entity(for record: PerformanceRecord) throws -> Entity? {
        let granularity = record.hour < 0 ? "DAY" : "HOUR"
        if let known = entities[record.platformID] {
            if known.granularity != granularity || known.level != record.level {
                problem(record, "mixed_rows", "\(granularity) \(record.level.rawValue) rows mixed with other rows")
                return nil
            }
            return known
        }
        if unmatched[record.platformID] != nil {
            return nil
        }
        let lookup = try db.prepare(
            sql: "SELECT id, level, campaign_id, granularity FROM report_entity WHERE platform_id = ?"
        )
        var stored = try lookup.fetchFirst(arguments: [record.platformID])
        if stored == nil {
            guard let (campaignID, productID, origin) = try match(record) else {
                return nil
            }
            try db.prepare(
                sql: """
                    INSERT INTO report_entity (platform_id, level, campaign_id, product_id, granularity, origin)
                    VALUES (?, ?, ?, ?, NULL, ?)
                    """
            ).execute(arguments: [record.platformID, record.level.rawValue, campaignID, productID, origin])
            stored = try lookup.fetchFirst(arguments: [record.platformID])
        }
        guard let stored else {
            return nil
        }
        let id: Int64 = try stored[0]
        let levelText: String = try stored[1]
        let campaignID: String = try stored[2]
        let storedGranularity: String? = try stored[3]
        guard levelText == record.level.rawValue else {
            unmatched[record.platformID] = ReportProblem(
                file: file,
                line: record.line,
                item: record.platformID,
                code: "entity_level_conflict",
                message: "earlier reports had this id as a \(levelText), this one as a \(record.level.rawValue)"
            )
            return nil
        }
        if let storedGranularity, storedGranularity != granularity {
            unmatched[record.platformID] = ReportProblem(
                file: file,
                line: record.line,
                item: record.platformID,
                code: "granularity_conflict",
                message: "this entity's stored rows are \(storedGranularity) rows; \(granularity) rows for the same "
                    + "days would count twice (ingest one granularity per entity)"
            )
            return nil
        }
        if let other = try levelsWithRows(of: campaignID).first(where: { $0 != record.level.rawValue }) {
            unmatched[record.platformID] = ReportProblem(
                file: file,
                line: record.line,
                item: record.platformID,
                code: "entity_level_conflict",
                message: "campaign '\(campaignID)' already has \(other) rows; \(record.level.rawValue) rows would "
                    + "count its spend twice (ingest one level per campaign)"
            )
            return nil
        }
        let currency = options.currency ?? campaigns[campaignID]?.currency ?? ""
        guard !currency.isEmpty else {
            problem(
                record,
                "unknown_currency",
                "no currency column, no --currency, and campaign has no budget currency"
            )
            return nil
        }
        let entity = Entity(
            id: id,
            level: record.level,
            campaignID: campaignID,
            granularity: granularity,
            currency: currency,
            isDaily: granularity == "DAY"
        )
        if storedGranularity == nil {
            try db.prepare(sql: "UPDATE report_entity SET granularity = ? WHERE id = ?")
                .execute(arguments: [granularity, id])
            campaignLevels[campaignID, default: []].insert(record.level.rawValue)
        }
        entities[record.platformID] = entity
        return entity
    }

    /// The entity levels that already have rows for a campaign (read once per campaign, then kept up to date).
    private mutating func levelsWithRows(of campaignID: String) throws -> Set<String> {
        if let known = campaignLevels[campaignID] {
            return known
        }
        let levels = try Set(
            db.fetchAll(
                String.self,
                sql: "SELECT DISTINCT level FROM report_entity WHERE campaign_id = ? AND granularity IS NOT NULL",
                arguments: [campaignID]
            )
        )
        campaignLevels[campaignID] = levels
        return levels
    }

    private var campaignLevels: [String: Set<String>] = [:]

    /// Finds the campaign of an entity seen for the first time: a `--map`, then the ids campaignctl's own publish
    /// recorded, then the `[cctl id rN]` marker in the entity's name.
    private mutating func match(_ record: PerformanceRecord) throws -> (String, String?, String)? {
        var found: (campaign: String, product: String?, origin: String)?
        if let mapping = pendingMappings[record.platformID] {
            found = (mapping.campaignID, mapping.productID, "map")
        } else if let publish = try publishedEntities()[record.platformID] {
            found = (publish.campaignID, nil, "publish")
        } else if let name = record.name, let campaign = Self.marker(in: name) {
            found = (campaign, nil, "marker")
        }
        guard var found else {
            unmatched[record.platformID] = ReportProblem(
                file: file,
                line: record.line,
                item: record.platformID,
                code: "unmatched_entity",
                message: "X \(record.level.rawValue.replacingOccurrences(of: "_", with: " ")) '\(record.platformID)' "
                    + "was not published by campaignctl and is not mapped: pass --map \(record.platformID)=CAMPAIGN "
                    + "(or CAMPAIGN/PRODUCT)"
            )
            return nil
        }
        guard let campaign = campaigns[found.campaign] else {
            unmatched[record.platformID] = ReportProblem(
                file: file,
                line: record.line,
                item: record.platformID,
                code: "unknown_campaign",
                message: "its \(found.origin) names campaign '\(found.campaign)', which this workspace does not have"
            )
            return nil
        }
        if found.product == nil, campaign.format == "product_card", campaign.products.count == 1 {
            found.product = campaign.products.first
        }
        return found
    }

    /// Ids returned by campaignctl's X Ads publishes: campaign, line item and promoted tweet ids.
    private mutating func publishedEntities() throws -> [String: (campaignID: String, level: EntityLevel)] {
        if let published {
            return published
        }
        var map: [String: (String, EntityLevel)] = [:]
        for row in try db.fetchAll(
            sql: """
                SELECT campaign_id, action, request, returned_value FROM publish_step
                WHERE status = 'done' AND returned_value IS NOT NULL
                """
        ) {
            let request: String = try row[2]
            guard let value: String = try row[3],
                let decoded = try? JSONDecoder().decode(AdRequest.self, from: Data(request.utf8))
            else {
                continue
            }
            let level: EntityLevel? =
                switch decoded.storesAs {
                case "campaign_id": .campaign
                case "line_item_id": .lineItem
                case "promoted_tweet_id": .promotedTweet
                default: nil
                }
            if let level {
                map[value] = (try row[0], level)
            }
        }
        published = map
        return map
    }

    /// The campaign id in a `[cctl <id> r<n>]` marker.
    static func marker(in name: String) -> String? {
        // A plain byte search: Foundation's `range(of:)`, and the standard library's generic `firstRange(of:)`,
        // each cost more than the rest of an entity's first sight.
        let bytes = Array(name.utf8)
        let prefix: [UInt8] = Array("[cctl ".utf8)
        var found: Int?
        var start = 0
        while found == nil, start + prefix.count <= bytes.count {
            var matched = 0
            while matched < prefix.count, bytes[start + matched] == prefix[matched] {
                matched += 1
            }
            if matched == prefix.count {
                found = start
            }
            start += 1
        }
        guard let found else {
            return nil
        }
        let rest = Substring(name.utf8.dropFirst(found + prefix.count))
        guard let close = rest.firstIndex(of: "]") else {
            return nil
        }
        let parts = rest[..<close].split(separator: " ")
        guard parts.count == 2, parts[1].hasPrefix("r"), Int(parts[1].dropFirst()) != nil else {
            return nil
        }
        return String(parts[0])
    }

    private mutating func problem(_ record: PerformanceRecord, _ code: String, _ message: String) {
        if problems.count < 50 {
            problems.append(
                ReportProblem(file: file, line: record.line, item: record.platformID, code: code, message: message)
            )
        }
    }

    // MARK: Sales and dispatch

    /// One JSON value from the file: an analytics response, a Stripe event, or a list of events.
    mutating func consume(_ value: Any, line: Int?) throws {
        guard let object = value as? [String: Any] else {
            throw ReportError.problem(
                file,
                line: line,
                code: "unexpected_json",
                "expected a JSON object (an X analytics response or a Stripe event)"
            )
        }
        if StripeEvents.isEvent(object) {
            try setKind(.sales, line: line)
            try storeEvent(object, line: line)
        } else if StripeEvents.isEventList(object), let events = object["data"] as? [Any] {
            try setKind(.sales, line: line)
            for event in events {
                guard let event = event as? [String: Any], StripeEvents.isEvent(event) else {
                    throw ReportError.problem(
                        file,
                        line: line,
                        code: "unexpected_json",
                        "a list element is not an event"
                    )
                }
                try storeEvent(event, line: line)
            }
        } else if XAnalyticsJSON.isAnalytics(object) {
            try setKind(.performance, line: line)
            try XAnalyticsJSON.read([(object, line)], file: file) { record in
                try self.store(record)
            }
        } else {
            let keys = object.keys.sorted().prefix(6).joined(separator: ", ")
            throw ReportError.problem(
                file,
                line: line,
                code: "unsupported_json",
                "neither an X Ads analytics response (data_type \"stats\") nor a Stripe event (object \"event\"); "
                    + "found keys \(keys)"
            )
        }
    }

    private mutating func setKind(_ new: ReportIngestSummary.Kind, line: Int?) throws {
        if let kind, kind != new {
            throw ReportError.problem(
                file,
                line: line,
                code: "mixed_file",
                "this file mixes ad performance and payment events; ingest them from separate files"
            )
        }
        kind = new
        summary.kind = new
    }

    private mutating func storeEvent(_ event: [String: Any], line: Int?) throws {
        let outcome = Result { () throws(StripeEventError) in try StripeEvents.interpret(event) }
        try storeEvent(outcome, line: line)
    }

    /// Stores one interpreted event (interpreted here, or on the JSON-lines reading thread).
    mutating func storeEvent(_ interpreted: Result<StripeEvents.Outcome, StripeEventError>, line: Int?) throws {
        try setKind(.sales, line: line)
        summary.read += 1
        let outcome: StripeEvents.Outcome
        switch interpreted {
        case .success(let value):
            outcome = value
        case .failure(let error):
            if problems.count < 50 {
                problems.append(
                    ReportProblem(
                        file: file,
                        line: line,
                        item: error.eventID,
                        code: "invalid_event",
                        message: error.message
                    )
                )
            }
            return
        }
        guard case .sale(var sale) = outcome else {
            if case .skipped(let id, let reason) = outcome {
                summary.skippedCount += 1
                if summary.skipped.count < 1_000 {
                    summary.skipped.append(
                        ReportProblem(file: file, line: line, item: id, code: "event_skipped", message: reason)
                    )
                }
            }
            return
        }
        // The digest covers what the event itself says, not what this store derives from it (attribution through
        // an earlier sale, campaigns known here), so that re-ingesting it in any order matches.
        let digest = sale.digest
        if let campaignID = sale.campaignID, campaigns[campaignID] == nil {
            summary.warnings.append(
                ReportProblem(
                    file: file,
                    line: line,
                    item: sale.eventID,
                    code: "unknown_campaign",
                    message: "its \(sale.attribution ?? "attribution") names campaign '\(campaignID)', which this "
                        + "workspace does not have: stored without a campaign"
                )
            )
            sale.campaignID = nil
            sale.productID = nil
        }
        if sale.campaignID == nil, sale.paymentIntent != nil || sale.chargeID != nil {
            // A charge or refund belongs to the sale of the same payment: take its attribution.
            let statement = try db.prepare(
                sql: """
                    SELECT campaign_id, product_id FROM sale
                    WHERE campaign_id IS NOT NULL AND (payment_intent = ? OR charge_id = ?) LIMIT 1
                    """
            )
            if let row = try statement.fetchFirst(arguments: [sale.paymentIntent, sale.chargeID]) {
                sale.campaignID = try row[0]
                sale.productID = try row[1]
                sale.attribution = "payment_intent"
            }
        }
        if let existing: String = try findSale.fetchFirst(arguments: [sale.eventID]).map({ try $0[0] }) {
            if existing == digest {
                summary.unchanged += 1
                return
            }
            if problems.count < 50 {
                problems.append(
                    ReportProblem(
                        file: file,
                        line: line,
                        item: sale.eventID,
                        code: "event_id_conflict",
                        message: "an event with this id but other content (\(sale.type)) is already stored; Stripe "
                            + "event ids are unique, so one of the two files is not what Stripe sent"
                    )
                )
            }
            return
        }
        let isSession = sale.type.hasPrefix("checkout.session.")
        var counted = true
        if let intent = sale.paymentIntent {
            if isSession {
                // The session counts the order; a charge.succeeded for the same payment must not count it again.
                try db.prepare(
                    sql: "UPDATE sale SET counted = 0 WHERE type = 'charge.succeeded' AND payment_intent = ?"
                ).execute(arguments: [intent])
            } else if sale.type == "charge.succeeded" {
                let statement = try db.prepare(
                    sql: "SELECT 1 FROM sale WHERE payment_intent = ? AND type LIKE 'checkout.session.%' LIMIT 1"
                )
                counted = try statement.fetchFirst(arguments: [intent]) == nil
            }
        }
        let day = ReportCalendar.local(
            sale.created,
            offset: Int64(options.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(sale.created))))
        ).day
        try insertSale.execute(arguments: [
            sale.eventID, sale.type, sale.created, day, sale.campaignID, sale.productID, sale.paymentIntent,
            sale.chargeID, sale.currency, sale.orders, sale.amountMicros, sale.refundMicros, counted, digest,
        ])
        summary.stored += 1
        if let campaignID = sale.campaignID {
            summary.attributed += 1
            if sale.paymentIntent != nil || sale.chargeID != nil {
                // Charges and refunds of this payment stored earlier without attribution get this sale's.
                try db.prepare(
                    sql: """
                        UPDATE sale SET campaign_id = ?, product_id = ?
                        WHERE campaign_id IS NULL AND (payment_intent = ? OR charge_id = ?)
                        """
                ).execute(arguments: [campaignID, sale.productID, sale.paymentIntent, sale.chargeID])
            }
        } else {
            summary.unattributed += 1
            if counted, summary.warnings.count < 200 {
                summary.warnings.append(
                    ReportProblem(
                        file: file,
                        line: line,
                        item: sale.eventID,
                        code: "unattributed_sale",
                        message:
                            "\(sale.type) of \(Money(micros: sale.amountMicros + sale.refundMicros, currency: sale.currency)) "
                            + "names no campaign (no metadata.campaign_id, client_reference_id or utm_id on the "
                            + "success URL): stored, but in no campaign's figures"
                    )
                )
            }
        }
    }

    // MARK: End

    mutating func finish() throws {
        try upsert.flush()
        if kind == .performance {
            summary.stored = upsert.changed
            summary.unchanged = upsert.unchanged
        }
        let all = problems + unmatched.values.sorted { ($0.line ?? 0, $0.item ?? "") < ($1.line ?? 0, $1.item ?? "") }
        if !all.isEmpty {
            throw ReportError.rejected(all)
        }
        if kind == nil {
            throw ReportError.problem(file, code: "empty_report", "the file holds no rows or events")
        }
        summary.entities = entities.count
        summary.campaigns = Set(entities.values.map(\.campaignID)).sorted()
    }
}
