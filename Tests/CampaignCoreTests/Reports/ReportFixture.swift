import CampaignCore
import Foundation
import TestSupport

/// The sample brand with its three campaigns created (drafts are enough for reports), plus helpers.
final class ReportFixture: @unchecked Sendable {
    let approval: ApprovalFixture
    var store: CampaignStore { approval.store }
    var folder: TemporaryDirectory { approval.folder }

    init() throws {
        approval = try ApprovalFixture()
        for spec in ["coussin-terracotta", "linge-de-lit", "bougies-hiver"] {
            let created = try store.createCampaign(
                yaml: sampleSpec(spec),
                file: "\(spec).yml",
                author: approval.acting(approval.alice)
            )
            approval.remember(approval.alice, created.memory)
        }
    }

    /// A sample report file's path.
    static func sample(_ name: String) -> String {
        Paths.sampleBrand.appendingPathComponent("reports/\(name)").path
    }

    /// A real export or event in ../shared.
    static func shared(_ path: String) -> String {
        Paths.shared.appendingPathComponent(path).path
    }

    static let analytics = sample("x-analytics-promoted-tweets-2026-12-01_07.json")
    static let campaignReport = sample("x-ads-campaign-report-2026-12-01_07.csv")
    static let events = sample("stripe-events-2026-12-01_07.jsonl")
    static let sampleMappings = [
        EntityMapping(platformID: "1mbq3x", campaignID: "coussin-terracotta"),
        EntityMapping(platformID: "1mbq4k", campaignID: "linge-de-lit"),
    ]

    /// Ingests the week of sample stats and sales, as the demo does.
    func ingestSamples() throws {
        let paris = TimeZone(identifier: "Europe/Paris") ?? .current
        _ = try store.ingestReport(
            at: Self.analytics,
            displayName: "x-analytics.json",
            options: ReportIngestOptions(mappings: Self.sampleMappings, timeZone: paris),
            actor: "test"
        )
        for file in [Self.campaignReport, Self.events] {
            _ = try store.ingestReport(
                at: file,
                displayName: URL(fileURLWithPath: file).lastPathComponent,
                options: ReportIngestOptions(timeZone: paris),
                actor: "test"
            )
        }
    }

    /// Writes `text` to a file in the fixture's folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        try folder.write(name, text)
    }

    /// The problems of a rejected ingest (empty when it did not throw that).
    func problems(_ body: () throws -> Void) -> [ReportProblem] {
        do {
            try body()
        } catch ReportError.rejected(let problems) {
            return problems
        } catch {
            return [ReportProblem(file: "", code: "unexpected_error", message: "\(error)")]
        }
        return []
    }

    /// Totals over the whole sample week, per currency, by campaign.
    func rows(
        _ dimensions: [ReportDimension],
        from: String = "2026-12-01",
        to: String = "2026-12-07"
    ) throws
        -> [ReportRow]
    {
        try store.reportRows(ReportQuery(dimensions: dimensions, from: from, to: to))
    }
}
