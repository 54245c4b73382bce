import Foundation

/// Reads X Ads API analytics responses (`GET /12/stats/accounts/:account_id`, or an asynchronous job's result):
///
/// ```json
/// {"data_type": "stats", "time_series_length": 7,
///  "data": [{"id": "8u94t", "id_data": [{"segment": null, "metrics": {"impressions": [120, …], …}}]}],
///  "request": {"params": {"entity": "PROMOTED_TWEET", "granularity": "DAY", "placement": "ALL_ON_TWITTER",
///              "start_time": "2026-11-30T23:00:00Z", "end_time": "2026-12-07T23:00:00Z", …}}}
/// ```
///
/// One response, an array of responses, or one response per line. Each metric is an array with one value per
/// bucket (`null` when the entity had no activity). Entities are campaigns, line items or promoted tweets; DAY and
/// HOUR granularities are read, TOTAL (no dates) and segmented responses are refused.
enum XAnalyticsJSON {
    /// Whether `object` looks like an analytics response.
    static func isAnalytics(_ object: [String: Any]) -> Bool {
        object["data_type"] as? String == "stats"
            || (object["request"] as? [String: Any])?["params"] != nil
                && object["data"] is [Any]
    }

    /// Reads every response in `responses` (with the line each starts on, when known), calling `body` per row.
    static func read(
        _ responses: [(object: [String: Any], line: Int?)],
        file: String,
        body: (PerformanceRecord) throws -> Void
    ) throws {
        var problems: [ReportProblem] = []
        for (object, line) in responses {
            do {
                try read(object, line: line, file: file, body: body)
            } catch ReportError.rejected(let found) {
                problems += found
            }
        }
        if !problems.isEmpty {
            throw ReportError.rejected(problems)
        }
    }

    private static func read(
        _ object: [String: Any],
        line: Int?,
        file: String,
        body: (PerformanceRecord) throws -> Void
    ) throws {
        func fail(_ code: String, _ message: String, item: String? = nil) -> ReportError {
            .problem(file, line: line, item: item, code: code, message)
        }
        guard isAnalytics(object) else {
            throw fail("not_x_analytics", "not an X Ads analytics response (expected data_type \"stats\" and data[])")
        }
        guard let params = (object["request"] as? [String: Any])?["params"] as? [String: Any] else {
            throw fail(
                "missing_request_params",
                "no request.params: the response must keep its request (entity, granularity, start_time) to be dated"
            )
        }
        let entity = (params["entity"] as? String)?.uppercased() ?? ""
        let level: EntityLevel
        switch entity {
        case "CAMPAIGN": level = .campaign
        case "LINE_ITEM": level = .lineItem
        case "PROMOTED_TWEET": level = .promotedTweet
        default:
            throw fail(
                "unsupported_entity",
                "analytics for entity '\(entity)' cannot be attributed to a campaign "
                    + "(request CAMPAIGN, LINE_ITEM or PROMOTED_TWEET analytics)"
            )
        }
        let granularity = (params["granularity"] as? String)?.uppercased() ?? ""
        let step: Int64
        switch granularity {
        case "DAY": step = 86_400
        case "HOUR": step = 3_600
        default:
            throw fail(
                "unsupported_granularity",
                "granularity '\(granularity)' has no per-day buckets (request DAY or HOUR analytics)"
            )
        }
        if let segmentation = params["segmentation_type"] as? String {
            throw fail(
                "segmented_analytics",
                "segmented analytics (\(segmentation)) are not read: segments do not always add up to the "
                    + "entity's total; request the analytics without segmentation_type"
            )
        }
        guard let startText = params["start_time"] as? String, let start = ReportCalendar.epoch(startText),
            start % 3_600 == 0
        else {
            throw fail(
                "invalid_start_time",
                "request.params.start_time must be a whole-hour ISO 8601 timestamp (got \(params["start_time"] ?? "none"))"
            )
        }
        let placement = (params["placement"] as? String) ?? "ALL_ON_TWITTER"
        let offset = ReportCalendar.offset(ofLocalMidnight: start)
        let length = (object["time_series_length"] as? NSNumber)?.intValue
        guard let data = object["data"] as? [Any] else {
            throw fail("missing_data", "no data array")
        }
        for element in data {
            guard let entry = element as? [String: Any], let id = entry["id"] as? String, !id.isEmpty else {
                throw fail("missing_entity_id", "a data[] element has no id")
            }
            guard let idData = entry["id_data"] as? [Any] else {
                throw fail("missing_id_data", "no id_data array", item: id)
            }
            guard idData.count <= 1 else {
                throw fail(
                    "segmented_analytics",
                    "\(idData.count) id_data segments: segmented analytics are not read",
                    item: id
                )
            }
            guard let first = idData.first as? [String: Any] else {
                continue
            }
            if let segment = first["segment"], !(segment is NSNull) {
                throw fail("segmented_analytics", "id_data has a segment: segmented analytics are not read", item: id)
            }
            let metrics = first["metrics"] as? [String: Any] ?? [:]
            var series: [String: [Int64]] = [:]
            var count = length
            for name in [
                "impressions", "engagements", "clicks", "url_clicks", "card_engagements", "billed_charge_local_micro",
            ] {
                guard let value = metrics[name], !(value is NSNull) else {
                    continue
                }
                guard let array = value as? [Any] else {
                    throw fail("invalid_metric", "metrics.\(name) is not an array of numbers", item: id)
                }
                var numbers: [Int64] = []
                numbers.reserveCapacity(array.count)
                for number in array {
                    if number is NSNull {
                        numbers.append(0)
                    } else if let value = number as? NSNumber, value.int64Value >= 0,
                        Double(value.int64Value) == value.doubleValue
                    {
                        numbers.append(value.int64Value)
                    } else {
                        throw fail("invalid_metric", "metrics.\(name) holds \(number), not a whole number", item: id)
                    }
                }
                if let expected = count, numbers.count != expected {
                    throw fail(
                        "series_length_mismatch",
                        "metrics.\(name) has \(numbers.count) values, time_series_length is \(expected)",
                        item: id
                    )
                }
                count = numbers.count
                series[name] = numbers
            }
            guard let buckets = count else {
                continue
            }
            for bucket in 0..<buckets {
                func at(_ name: String) -> Int64 { series[name]?[bucket] ?? 0 }
                let (day, hour) = ReportCalendar.local(start + Int64(bucket) * step, offset: offset)
                try body(
                    PerformanceRecord(
                        line: line ?? 0,
                        platformID: id,
                        level: level,
                        name: nil,
                        day: day,
                        hour: step == 3_600 ? hour : -1,
                        placement: placement,
                        currency: nil,
                        metrics: PerformanceMetrics(
                            impressions: at("impressions"),
                            engagements: at("engagements"),
                            clicks: at("clicks"),
                            linkClicks: at("url_clicks"),
                            buyClicks: at("card_engagements"),
                            spendMicros: at("billed_charge_local_micro")
                        )
                    )
                )
            }
        }
    }
}
