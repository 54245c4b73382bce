import Foundation

/// Reads an X Ads performance report in CSV: the API's field names as columns, one row per entity, day and
/// placement (the shape X's reporting API, the Ads Manager's "by day" export and ETL tools such as Fivetran land).
///
/// Columns (case and spaces do not matter; unknown columns are ignored, which is how the 252-column Fivetran table
/// reads):
/// - the entity: `promoted_tweet_id`, `line_item_id` or `campaign_id` (the finest present is the row's entity), and
///   optionally a name (`campaign_name`, `line_item_name`, `name`) carrying campaignctl's `[cctl id rN]` marker;
/// - `date` (`YYYY-MM-DD`, or a timestamp of the account's local midnight in UTC such as `2022-05-20 07:00:00`);
/// - `placement` (default `ALL_ON_TWITTER`), `currency` (optional);
/// - `impressions` and `billed_charge_local_micro` (required), `engagements`, `clicks`, `url_clicks`,
///   `card_engagements` (absent ones are recorded as 0, with a warning).
enum XAdsReportCSV {
    struct Columns {
        var entity: Int
        var level: EntityLevel
        var name: Int?
        var date: Int
        var placement: Int?
        var currency: Int?
        var impressions: Int
        var spend: Int
        var engagements: Int?
        var clicks: Int?
        var urlClicks: Int?
        var cardEngagements: Int?
    }

    /// A header name as compared: trimmed, lower-case, spaces and hyphens as underscores.
    static func normalize(_ name: String) -> String {
        var text = name.trimmingCharacters(in: .whitespaces).lowercased()
        text = text.replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
        return text
    }

    /// Finds the columns in the header; the error says what the file looks like instead.
    static func columns(header: [String], file: String) throws(ReportError) -> (Columns, warnings: [ReportProblem]) {
        let names = header.map(normalize)
        func index(_ candidates: String...) -> Int? {
            for candidate in candidates {
                if let found = names.firstIndex(of: candidate) {
                    return found
                }
            }
            return nil
        }
        let listed = names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
        if names.contains("ad_id"), names.contains("spend") || names.contains("inline_link_clicks") {
            throw .problem(
                file,
                line: 1,
                code: "unsupported_report",
                "this is a Meta Ads Insights export (\(listed)); campaignctl's campaigns run on X, so it reads X Ads "
                    + "reports only (columns such as campaign_id, date, impressions, billed_charge_local_micro)"
            )
        }
        if names.contains("cost_micros") || names.contains("customer_id") {
            throw .problem(
                file,
                line: 1,
                code: "unsupported_report",
                "this is a Google Ads report (\(listed)); campaignctl's campaigns run on X, so it reads X Ads "
                    + "reports only (columns such as campaign_id, date, impressions, billed_charge_local_micro)"
            )
        }
        let entity: (Int, EntityLevel)? =
            if let column = index("promoted_tweet_id") {
                (column, .promotedTweet)
            } else if let column = index("line_item_id") {
                (column, .lineItem)
            } else if let column = index("campaign_id") {
                (column, .campaign)
            } else {
                nil
            }
        var missing: [String] = []
        if entity == nil {
            missing.append("campaign_id, line_item_id or promoted_tweet_id")
        }
        let date = index("date", "day", "start_time")
        if date == nil {
            missing.append("date")
        }
        let impressions = index("impressions")
        if impressions == nil {
            missing.append("impressions")
        }
        let spend = index("billed_charge_local_micro")
        if spend == nil {
            missing.append("billed_charge_local_micro")
        }
        guard let entity, let date, let impressions, let spend else {
            throw .problem(
                file,
                line: 1,
                code: "not_an_x_ads_report",
                "not an X Ads performance report: no \(missing.joined(separator: ", ")) column (found: \(listed))"
            )
        }
        let name: Int? =
            switch entity.1 {
            case .campaign: index("campaign_name", "name")
            case .lineItem: index("line_item_name", "name", "campaign_name")
            case .promotedTweet: index("campaign_name", "line_item_name", "name")
            }
        let columns = Columns(
            entity: entity.0,
            level: entity.1,
            name: name,
            date: date,
            placement: index("placement"),
            currency: index("currency"),
            impressions: impressions,
            spend: spend,
            engagements: index("engagements"),
            clicks: index("clicks"),
            urlClicks: index("url_clicks"),
            cardEngagements: index("card_engagements")
        )
        var warnings: [ReportProblem] = []
        for (column, label) in [
            (columns.engagements, "engagements"), (columns.clicks, "clicks"),
            (columns.urlClicks, "url_clicks (link clicks)"), (columns.cardEngagements, "card_engagements (Buy clicks)"),
        ] where column == nil {
            warnings.append(
                ReportProblem(
                    file: file,
                    line: 1,
                    code: "missing_metric_column",
                    message: "no \(label) column: recorded as 0"
                )
            )
        }
        return (columns, warnings)
    }

    /// Reads every row, calling `body` with each; problems in values are collected (at most 50) and thrown together.
    static func read(
        _ reader: CSVRecordReader,
        body: (PerformanceRecord) throws -> Void
    ) throws -> [ReportProblem] {
        guard try reader.next() else {
            throw ReportError.problem(reader.file, code: "empty_report", "the file is empty (expected a header row)")
        }
        let header = (0..<reader.fieldCount).map { reader.string($0) }
        let (columns, warnings) = try columns(header: header, file: reader.file)
        var problems: [ReportProblem] = []
        var offset: Int64?
        // Each entity id's dense index. A name is only needed the first time an entity is seen (to find its
        // marker): it is not built after.
        var indices: [String: Int32] = [:]
        // Days and placements repeat from row to row: each distinct spelling is parsed once.
        var days = RecentFieldValues<String>()
        var placements = RecentFieldValues<String>()
        func problem(_ item: String?, _ code: String, _ message: String) {
            problems.append(
                ReportProblem(file: reader.file, line: reader.line, item: item, code: code, message: message)
            )
        }
        while try reader.next(), problems.count < 50 {
            let id = reader.string(columns.entity)
            guard !id.isEmpty else {
                problem(nil, "missing_entity_id", "the entity id column is empty")
                continue
            }
            let day: String
            if let known = reader.withField(columns.date, days.value(for:)) {
                day = known
            } else {
                let dateText = reader.string(columns.date)
                guard let epoch = ReportCalendar.epoch(dateText) else {
                    problem(
                        id,
                        "invalid_date",
                        "expected a date (YYYY-MM-DD or YYYY-MM-DD HH:MM:SS), got '\(dateText)'"
                    )
                    continue
                }
                if dateText.utf8.count == 10 {
                    day = dateText
                } else {
                    let shift = offset ?? ReportCalendar.offset(ofLocalMidnight: epoch)
                    offset = shift
                    day = ReportCalendar.local(epoch, offset: shift).day
                }
                days.remember(reader.bytes(columns.date), day)
            }
            var metrics = PerformanceMetrics()
            var bad = false
            func value(_ column: Int?, _ label: String) -> Int64 {
                guard let column else {
                    return 0
                }
                guard let number = reader.integer(column) else {
                    problem(id, "invalid_metric", "expected a whole number in \(label), got '\(reader.string(column))'")
                    bad = true
                    return 0
                }
                return number
            }
            metrics.impressions = value(columns.impressions, "impressions")
            metrics.spendMicros = value(columns.spend, "billed_charge_local_micro")
            metrics.engagements = value(columns.engagements, "engagements")
            metrics.clicks = value(columns.clicks, "clicks")
            metrics.linkClicks = value(columns.urlClicks, "url_clicks")
            metrics.buyClicks = value(columns.cardEngagements, "card_engagements")
            if bad {
                continue
            }
            var placement = "ALL_ON_TWITTER"
            if let column = columns.placement {
                if let known = reader.withField(column, placements.value(for:)) {
                    placement = known
                } else {
                    let text = reader.string(column)
                    placement = text.isEmpty ? placement : text
                    placements.remember(reader.bytes(column), placement)
                }
            }
            let currency = columns.currency.map { reader.string($0) }
            let entityIndex: Int32
            let isNew: Bool
            if let known = indices[id] {
                (entityIndex, isNew) = (known, false)
            } else {
                (entityIndex, isNew) = (Int32(truncatingIfNeeded: indices.count), true)
                indices[id] = entityIndex
            }
            try body(
                PerformanceRecord(
                    line: reader.line,
                    platformID: id,
                    level: columns.level,
                    name: isNew ? columns.name.map { reader.string($0) } : nil,
                    day: day,
                    hour: -1,
                    placement: placement,
                    currency: currency.flatMap { $0.isEmpty ? nil : $0.uppercased() },
                    metrics: metrics,
                    entityIndex: entityIndex
                )
            )
        }
        if !problems.isEmpty {
            throw ReportError.rejected(problems)
        }
        return warnings
    }
}

/// Reads an X Ads report CSV on its own thread, handing rows to the database side in batches.
final class PerformanceCSVPipeline: @unchecked Sendable {
    // @unchecked: `warningsFound` is written by the producer before its thread exits and read only after `join()`.
    /// Rows, and the raw bytes read when the batch was closed (for progress).
    struct Batch: Sendable {
        var records: [PerformanceRecord]
        var bytes: Int64
    }

    static let batchSize = 4_096
    private var producer: ProducerThread<Batch, ReportError>?
    private var warningsFound: [ReportProblem] = []
    /// The file's size, when known.
    let fileSize: Int64?

    init(reader: CSVRecordReader) {
        fileSize = reader.size
        producer = ProducerThread(name: "campaignctl.report.csv", capacity: 4) { [self] push throws(ReportError) in
            var batch: [PerformanceRecord] = []
            batch.reserveCapacity(Self.batchSize)
            do {
                warningsFound = try XAdsReportCSV.read(reader) { record in
                    batch.append(record)
                    if batch.count == Self.batchSize {
                        guard push(Batch(records: batch, bytes: reader.bytesConsumed)) else {
                            throw CancellationError()
                        }
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            } catch let error as ReportError {
                throw error
            } catch {
                return  // cancelled by the consumer
            }
            if !batch.isEmpty {
                _ = push(Batch(records: batch, bytes: reader.bytesConsumed))
            }
        }
    }

    /// The next batch, nil at the end; rethrows the reader's problems.
    func next() throws(ReportError) -> Batch? {
        try producer?.next()
    }

    /// The header's warnings (missing optional columns), once the file is read.
    var warnings: [ReportProblem] {
        producer?.join()
        return warningsFound
    }

    /// Stops the reading thread (the consumer failed) and waits for it.
    func cancel() {
        producer?.cancel()
    }
}
